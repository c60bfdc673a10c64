"""What a cue reports: its content clause, its object, or the clause before it ("X, he added"),
as a token span of the unit's parse."""
from __future__ import annotations

from .cues import SUBJECT_DEPS
from .lexicon import DATA_SOURCES, DENIAL, FORM_TO_LEMMA, NOUN_PHRASE_REPORTS, OBJECT, OCCASIONS, PROGRAMME_NOUNS, SAY, TIME_WORDS, WEAK
from .spans import in_quote, last_word, quote_ends_before, subtree_span, token_end, token_start
from .text import Unit

OBJECT_DEPS = {"dobj", "dative", "prep", "xcomp", "oprd", "attr", "acomp", "ccomp", "pobj", "prt", "advmod", "npadvmod"}

# Prepositions that set the scene of a statement (when, where, at what event) rather than say what
# it was about.
SETTING_PREPS = {"during", "at", "on", "after", "before", "while", "since", "throughout", "amid", "following", "via", "outside", "inside"}

# Verbs whose infinitive is what was promised, demanded or proposed ("promised to lower taxes").
COMMISSIVE = {"promise", "pledge", "vow", "threaten", "demand", "propose", "guarantee", "agree"}

def sets_scene(prep) -> bool:
    """Whether a prepositional phrase says when or on what occasion something was said."""
    if prep.lower_ not in SETTING_PREPS | {"in"}:
        return False
    objects = [child for child in prep.children if child.dep_ == "pobj"]
    return bool(objects) and (objects[0].lower_ in OCCASIONS or objects[0].lower_ in TIME_WORDS or objects[0].like_num and len(objects[0].text) == 4)


TEMPORAL_MARKS = {"after", "before", "when", "as", "since", "following", "amid", "until", "once"}

# Verbs that report what a study, poll or record found (DATA_SOURCES name such sources).
FINDING = {"find", "show", "conclude", "estimate", "suggest", "indicate"}

CLOSING_MARKS = {"”", '"', "''"}
DASHES = {"—", "–", "--", "―"}


def clause_span(doc, root, floor: int) -> tuple[int, int]:
    """A content clause's tokens, without a trailing temporal clause that has its own subject
    (", after Trump agreed to ..." is the reporter's context, not the statement)."""
    left, right = max(root.left_edge.i, floor), root.right_edge.i
    for child in root.children:
        if child.i > root.i and child.dep_ == "advcl" and child.left_edge.i > left + 2:
            marks = [grandchild.lower_ for grandchild in child.children if grandchild.dep_ == "mark"]
            has_subject = any(grandchild.dep_ in SUBJECT_DEPS for grandchild in child.children)
            if marks and marks[0] in TEMPORAL_MARKS and has_subject and doc[child.left_edge.i - 1].text == ",":
                right = min(right, child.left_edge.i - 2)
    for position in range(left + 3, right):
        if doc[position].text == ";":
            right = position - 1  # "said X; they only learned …": the reporter's next clause
            break
        if position <= root.i or doc[position].text not in DASHES:
            continue
        phrase_head = doc[position + 1]
        while position < phrase_head.head.i <= right and phrase_head.head.i != phrase_head.i:
            phrase_head = phrase_head.head  # the head of the phrase after the dash
        if phrase_head.tag_.startswith("NN") and phrase_head.dep_ in {"appos", "npadvmod", "dep"} \
                and any(child.dep_ in {"relcl", "acl"} for child in phrase_head.children) \
                and not any(doc[later].text in DASHES for later in range(position + 1, right + 1)):
            right = position - 1  # "said X — something a caller also told police": a gloss on the statement
            break
    return left, right


def cue_content(doc, unit: Unit, cue, lemma: str, particle, subject) -> tuple[int, int] | None:
    """The token span of what ``cue`` reports, or None when it reports nothing here."""
    subject_span = subtree_span(subject) if subject is not None else (-1, -1)
    if subject is not None and subject.i > cue.i and cue.dep_ == "conj" and subject.left_edge.i == cue.i + 1:
        return content_before(doc, unit, cue, lemma, subject)  # "X, warns the IMF.": what the inverted cue closes
    around = _clause_around_as(doc, cue, lemma)
    if around is not None:
        return around
    # clause complement
    for child in cue.children:
        if child.dep_ == "ccomp" and child.i > cue.i:
            if subject is not None and subject.i < cue.i and doc[child.left_edge.i - 1].text == "," and child.left_edge.i - 1 > cue.i:
                first_subject = subject_span[0]
                if first_subject >= 3 and doc[first_subject - 1].text == "," and not in_quote(unit, token_start(unit, doc[first_subject - 1])):
                    # "To understand X, Roberts said, one should visit Y": a parenthetical cue
                    # inside the statement it reports
                    return (0, last_word(doc, len(doc) - 1))
            left, right = clause_span(doc, child, cue.i + 1)
            right = _coordinated_clauses_end(doc, cue, right)
            if lemma in FINDING and subject is not None and subject.lower_ in DATA_SOURCES:
                right = _with_detail_end(doc, cue, right)
            return (left, right)
    if lemma in SAY:
        clause = _clause_parsed_as_adverbial(doc, unit, cue)
        if clause is not None:
            return clause
    if lemma in SAY and lemma not in OBJECT:
        # "He said legalizing it could put thousands to work": a clause the parser hung as xcomp
        for child in cue.children:
            if child.dep_ == "xcomp" and child.i > cue.i and child.right_edge.i - child.left_edge.i >= 3:
                if any(inner.dep_ in {"ccomp", "nsubj"} for inner in child.subtree if inner.i != child.i):
                    return clause_span(doc, child, cue.i + 1)
        # "said many of the examples critics cite failed to note …": a clause the parser took
        # for the object of a verb that takes none (a verb in it gives it away)
        for child in cue.children:
            if lemma == "say" and child.dep_ == "dobj" and child.i == cue.i + 1 and child.tag_ not in {"PRP", "WP", "WDT"} \
                    and child.right_edge.i - child.left_edge.i >= 4 and not in_quote(unit, token_start(unit, child)) \
                    and any(inner.tag_.startswith(("VB", "MD")) and inner.dep_ in {"xcomp", "ccomp"} for inner in child.subtree):
                left, right = child.left_edge.i, child.right_edge.i
                comma = next((position for position in range(left, right + 1) if doc[position].text in {";", "—", "–"}), None)
                return (left, comma - 1 if comma is not None else right)
    if lemma in SAY and lemma not in DENIAL:
        # "claimed in an interview that he ...": a that-clause the parser hung elsewhere (what a
        # denial rejects is its object: "disputed claims that …")
        for token in doc[cue.i + 1:min(len(doc), cue.i + 14)]:
            verb = token.tag_.startswith("VB") and token.dep_ not in {"amod", "compound"}  # "an e-mailed statement"
            if verb or token.text in {",", ";", ":"} or in_quote(unit, token_start(unit, token)):
                break
            if token.lower_ == "that" and token.dep_ == "mark" and token.head.i > token.i:
                return clause_span(doc, token.head, token.i + 1)
            if token.lower_ == "that" and token.dep_ == "advmod" and token.head.dep_ == "relcl" and token.head.i > token.i \
                    and _in_cue_adjunct(token.head.head, cue) \
                    and any(child.dep_ in {"nsubj", "nsubjpass"} for child in token.head.children):
                # "reported at the time that the editor conveyed …": "that" read as a relative adverb of "time"
                return clause_span(doc, token.head, token.i + 1)
        # "telling reporters on Thursday he viewed Obama as …": a clause without "that" the parser
        # hung elsewhere, right after the cue's own addressee and adjuncts
        subtree = {token.i for token in cue.subtree}
        position = cue.i + 1
        while position < len(doc) and position in subtree and doc[position].dep_ not in {"ccomp", "punct", "cc"} \
                and not doc[position].tag_.startswith("VB"):
            position += 1
        if position < min(len(doc), cue.i + 10) and position > cue.i + 1 and position not in subtree:
            token = doc[position]
            if token.dep_ == "nsubj" and token.tag_ in {"PRP", "NNP", "NNPS", "NN", "NNS", "DT"} \
                    and token.head.tag_ in {"VBD", "VBZ", "VBP", "MD"} and token.head.i > token.i \
                    and not in_quote(unit, token_start(unit, token)):
                _, right = clause_span(doc, token.head, position)
                return (position, right)
    if particle is not None and particle.dep_ == "prep":
        objects = [child for child in particle.children if child.dep_ in {"pobj", "pcomp"}]
        if objects:
            right = max(obj.right_edge.i for obj in objects)
            # "called on Congress to act": the infinitive is part of what was asked
            for child in cue.children:
                if (child.dep_ in {"xcomp", "ccomp"} or child.dep_ == "prep" and child.lower_ == "as") and child.i > right:
                    right = child.right_edge.i  # ("referred to immigrants as criminals": how they were described)
            return (particle.i + 1, right)
    if particle is not None and particle.dep_ == "prt" and (lemma == "point" or lemma in {"lay", "spell"} and any(
        child.dep_ == "dobj" and child.lower_ in PROGRAMME_NOUNS for child in cue.children
    )):  # "pointed out the flaws", "laid out her proposals" (not "laid out the tiles")
        return _object_content(doc, unit, cue, lemma, particle, subject)
    if lemma == "call" and particle is None:
        deps_after = {child.dep_ for child in cue.children if child.i > cue.i}
        if not ("dobj" in deps_after and deps_after & {"oprd", "xcomp", "ccomp", "attr"}) and "oprd" not in deps_after:
            return None
    if lemma in FINDING and subject is not None and subject.lower_ in DATA_SOURCES:
        finding = _finding_object(doc, cue)
        if finding is not None:
            return finding
    # object content for verbs that report their object
    if lemma in OBJECT and (lemma not in WEAK or lemma == "call" or _object_has_quote(doc, unit, cue, particle)
                            or lemma in NOUN_PHRASE_REPORTS and subject is not None and subject.i < cue.i):
        return _object_content(doc, unit, cue, lemma, particle, subject)
    if lemma in {"ask", "urge", "tell", "encourage", "exhort", "implore"} | COMMISSIVE and not (
        lemma == "agree" and any(child.dep_ == "mark" and child.lower_ in TEMPORAL_MARKS for child in cue.children)
    ):  # ("after Trump agreed to open talks": the news the statement follows, not a statement)
        for child in cue.children:
            if child.dep_ in {"xcomp"} and child.i > cue.i:
                # "told his advisers to figure out …": who was asked is part of the request
                addressee = next((other for other in cue.children if other.dep_ == "dobj" and cue.i < other.i < child.i), None)
                left = addressee.left_edge.i if addressee is not None and addressee.tag_ != "PRP" else child.left_edge.i
                right = next((position - 1 for position in range(child.i + 1, child.right_edge.i + 1)
                              if doc[position].text in DASHES and not in_quote(unit, token_start(unit, doc[position]))), child.right_edge.i)
                return (left, right)  # (a dash opens the reporter's gloss: "promising to X — not what Y had in mind")
    return content_before(doc, unit, cue, lemma, subject)


def _in_cue_adjunct(noun, cue) -> bool:
    """Whether a noun sits in the cue's prepositional phrases ("said in an interview at the time")."""
    for _ in range(4):
        if noun.dep_ != "pobj" or noun.head.dep_ != "prep":
            return False
        if noun.head.head.i == cue.i:
            return True
        noun = noun.head.head
    return False


def _clause_parsed_as_adverbial(doc, unit: Unit, cue) -> tuple[int, int] | None:
    """"Trump said after the convention he would not accept it": a content clause without "that"
    the parser hung on the cue as an adverbial clause (a time phrase before its subject read as
    its conjunction). A clause with a conjunction of its own ("said it as he left") is the
    reporter's, and so is one set off by a comma."""
    for child in cue.children:
        if child.dep_ != "advcl" or child.i <= cue.i or not child.tag_.startswith(("VB", "MD")):
            continue
        wh_word = doc[child.left_edge.i]
        if child.left_edge.i == cue.i + 1 and child.tag_ not in {"VBG", "VBN"} and wh_word.tag_ == "WRB" and wh_word.head.i == child.i and (
            any(other.dep_ == "neg" for other in cue.children) or FORM_TO_LEMMA.get(cue.lower_) in {"ask", "explain", "wonder", "question"}
        ) and not any(other.dep_ in {"dobj", "ccomp"} for other in cue.children):
            # "have not said when they would vote", "asked how he would pay for it": the question is the content
            return (child.left_edge.i, clause_span(doc, child, child.left_edge.i)[1])
        mark = doc[child.left_edge.i]
        if mark.lower_ in {"if", "whether"} and mark.dep_ == "mark" and mark.head.i == child.i \
                and FORM_TO_LEMMA.get(cue.lower_) in {"ask", "wonder", "question"} and not any(other.dep_ == "ccomp" for other in cue.children) \
                and all(token.dep_ in {"dobj", "dative", "det", "amod", "compound", "advmod", "poss", "case"} for token in doc[cue.i + 1:mark.i]):
            # "asked the students if they were serious": the question, though parsed as a condition
            return (mark.i, clause_span(doc, child, mark.i)[1])
        if child.tag_ in {"VBG", "VBN"}:
            continue
        if any(grandchild.dep_ == "mark" or grandchild.tag_ in {"WRB", "WDT", "WP"} for grandchild in child.children):
            continue  # "described him as X when he ran": the reporter's time clause
        subject = next((grandchild for grandchild in child.children if grandchild.dep_ in {"nsubj", "nsubjpass", "expl"}
                        and grandchild.i < child.i), None)
        if subject is None or subject.left_edge.i <= cue.i + 1:
            continue
        before = doc[cue.i + 1:subject.left_edge.i]
        if any(token.text in {",", ";", ":", "—", "–"} for token in before) or in_quote(unit, token_start(unit, subject)):
            continue
        if not any(token.dep_ in {"prep", "pobj", "det", "amod", "npadvmod", "compound", "nummod", "dobj", "poss", "case"}
                   for token in before):
            continue
        _, right = clause_span(doc, child, subject.left_edge.i)
        return (subject.left_edge.i, right)
    return None


# After a comma, words that open the reporter's own addition to a reported clause, a concession
# ("claimed that paying no taxes was smart, although he again refused to …").
CONCESSIONS = {"although", "though", "whereas"}


def without_reporters_addition(doc, unit: Unit, span: tuple[int, int]) -> tuple[int, int]:
    """A content span cut before a trailing concession of the reporter's (see CONCESSIONS)."""
    left, right = span
    for position in range(left + 3, right):
        if doc[position].text == "," and doc[position + 1].lower_ in CONCESSIONS and not in_quote(unit, token_start(unit, doc[position])) \
                and doc[position + 1].head.tag_.startswith(("VB", "MD")):  # (not "a crucial, though brief, chance": a word, no clause)
            return (left, position - 1)
    for position in range(left + 3, right):
        if doc[position].text != "," or in_quote(unit, token_start(unit, doc[position])):
            continue
        after = doc[position + 1]
        gloss = None
        if after.lower_ in {"which", "who", "whom", "whose"} and (after.head.dep_ == "relcl" or after.lower_ == "which" and after.dep_ in {"nsubj", "nsubjpass"}):
            gloss = after.head  # "…, which makes him an outlier": the reporter's note on the last noun
        elif after.dep_ != "appos" and after.head.dep_ == "appos" and after.head.i > position and after.head.head.i < position:
            gloss = after.head  # "…, the existing military alliance that …": an apposition glossing it
        reported = gloss is not None and gloss.lower_ in FORM_TO_LEMMA and any(child.dep_ in SUBJECT_DEPS and child.i > position + 1 for child in gloss.children)
        if gloss is not None and gloss.right_edge.i >= last_word(doc, right) and (reported or not any(
            in_quote(unit, token_start(unit, token)) for token in doc[position + 1:right + 1]  # (", which she called “…”": her words, not the statement's)
        )):
            return (left, position - 1)
    dashes = [position for position in range(left + 2, right) if doc[position].text in DASHES and not in_quote(unit, token_start(unit, doc[position]))]
    if len(dashes) == 1:
        # "… to lift regulations — not what Graham had in mind": one dash before a phrase with
        # no verb of its own is the reporter's gloss (two dashes set off an aside inside it)
        rest = doc[dashes[0] + 1:right + 1]
        heads = [token for token in rest if not dashes[0] < token.head.i <= right or token.head.i == token.i]
        if len(rest) >= 2 and heads and not any(token.tag_.startswith(("VB", "MD")) for token in heads) \
                and not any(in_quote(unit, token_start(unit, token)) for token in rest):  # (a quoted elaboration is theirs)
            return (left, dashes[0] - 1)
    return span


def _coordinated_clauses_end(doc, cue, right: int) -> int:
    """Where a content clause ends when the parser hung the clauses coordinated with it on the cue
    ("said the plant had closed, jobs were lost and the town was dying"): each further clause
    with its own subject, joined by a comma or "and", is part of the statement, unless it is a
    report of its own ("…, and she agreed")."""
    listing = False  # "A, B and C": after a bare comma, a closing ", and C" belongs to the list
    for child in sorted(cue.children, key=lambda child: child.i):
        if child.i <= right or child.dep_ not in {"ccomp", "conj"}:
            continue
        between = doc[right + 1:child.left_edge.i]
        if not all(token.is_punct or token.dep_ == "cc" for token in between) or len(between) > 2:
            break
        that = any(grandchild.dep_ == "mark" and grandchild.lower_ == "that" for grandchild in child.children)
        subject = any(grandchild.dep_ in SUBJECT_DEPS for grandchild in child.children)
        # "said they had doubts, but could not bear to …": a subjectless modal verb goes on with the clause's subject
        backshifted = not subject and child.lower_ not in FORM_TO_LEMMA and any(grandchild.tag_ == "MD" for grandchild in child.children)
        if len(between) == 2 and not listing and not that and not backshifted:
            break  # "announced that X, and the downgrade is casting a shadow": the reporter's next clause
        listing = listing or [token.text for token in between] == [","]
        if not backshifted and (not that and child.lower_ in FORM_TO_LEMMA or not subject):
            break  # (", but that it would add …" is a second content clause, whatever its verb)
        right = clause_span(doc, child, child.left_edge.i)[1]
    return right


def coordinated_verbs_end(doc, unit: Unit, cue, span: tuple[int, int]) -> tuple[int, int]:
    """A content that is an infinitive or a gerund ("promised to cut taxes", "mentioned refinancing
    loans") with the verbs coordinated with it, which the parser hangs on the cue ("…, raise
    wages and build roads"): a bare or -ing verb with no subject of its own cannot go with the
    finite cue, so it goes on the list the cue reports."""
    left, right = span
    form = doc[left].tag_
    if any(child.dep_ == "xcomp" and child.tag_ == "VB" and child.right_edge.i == right for child in cue.children):
        form = "VB"  # "to cut taxes", "residents to stay indoors"
    if form not in {"VB", "VBG"} or cue.tag_ == form:
        return span
    forms = {"VB", "VBP"} - {cue.tag_} if form == "VB" else {form}  # (a bare verb is often tagged as a present one)
    for child in sorted(cue.children, key=lambda token: token.i):
        if child.i <= right or child.dep_ not in {"conj", "dep", "advcl"} or child.tag_ not in forms \
                or any(grandchild.dep_ == "mark" for grandchild in child.children):
            continue
        between = doc[right + 1:child.left_edge.i]
        if len(between) > 3 or not all(token.is_punct and token.text not in {".", ";", ":"} or token.dep_ in {"cc", "advmod"} for token in between) \
                or any(grandchild.dep_ in SUBJECT_DEPS for grandchild in child.children) or in_quote(unit, token_start(unit, child)):
            break
        right = child.right_edge.i
    return (left, right)


def _object_content(doc, unit: Unit, cue, lemma: str, particle, subject) -> tuple[int, int] | None:
    complements = [child for child in cue.children if child.i > cue.i and child.dep_ in OBJECT_DEPS and (particle is None or child.i != particle.i)]
    if not complements and lemma in SAY and subject is not None:
        return content_before(doc, unit, cue, lemma, subject)  # '"…," reported Reuters.'
    if not complements:
        return None
    if not any(child.dep_ in {"dobj", "ccomp", "xcomp", "oprd"} for child in complements):
        return None  # "admitted under questioning", "rejected in 2015": no object, no content
    direct_object = next((child for child in complements if child.dep_ == "dobj"), None)
    if direct_object is not None and direct_object.tag_ == "PRP" and not any(
        child.dep_ in {"oprd", "xcomp", "ccomp"} or (child.dep_ == "prep" and child.lower_ in {"as", "for", "of"}) for child in complements
    ):
        return None  # "disclosed them to the AP": the content is elsewhere
    right = cue.i
    for child in sorted(complements, key=lambda child: child.i):
        # stop at a comma that opens a new clause
        if any(doc[position].text in {",", ";"} for position in range(right + 1, child.left_edge.i)):
            break
        if right > cue.i and child.dep_ == "npadvmod":
            continue  # "cited the figures Tuesday": when, not what
        if right > cue.i and child.dep_ == "prep" and (child.lower_ in SETTING_PREPS and (
            doc[right].text in CLOSING_MARKS or child.lower_ in {"during", "at", "amid", "throughout"}
        ) or sets_scene(child)):
            break  # "blasted X as a “disgrace” on a radio show", "attacked X during the debate": where and when, not what
        right = max(right, child.right_edge.i)
    if right == cue.i:
        return None
    for position in range(cue.i + 2, right + 1):
        # "dismissed X as “…” — a metaphor for …", "as a “disgrace” Wednesday on a radio
        # show": after a quoted object, a dash opens the reporter's gloss, and a time word or
        # a setting preposition says when and where
        token = doc[position]
        if doc[position - 1].text in CLOSING_MARKS and (
            token.text in {"—", "–", "-", "--"} and token.dep_ == "punct"
            or token.dep_ == "npadvmod" or token.dep_ == "prep" and token.lower_ in SETTING_PREPS
        ):
            right = position - 1
            break
    first = min(child.left_edge.i for child in complements)
    heads = {child.i for child in complements if child.dep_ == "dobj"}
    for position in range(first + 1, right + 1):
        token = doc[position]
        if token.dep_ == "prep" and (token.lower_ in {"during", "amid", "throughout"} or sets_scene(token) and token.right_edge.i >= right) \
                and token.head.i in heads \
                and not in_quote(unit, token_start(unit, token)):
            right = position - 1  # "noted the rule during the hearing": when, not what, though the parser hung it on the object
            break
    after = next((token for token in doc[right + 1:right + 5] if token.dep_ == "nsubj" and token.left_edge.i == right + 1), None)
    if after is not None and doc[right].tag_ in {"NN", "NNS"} and after.head.dep_ == "ROOT" and after.head.i > after.i:
        right = last_word(doc, after.head.right_edge.i)  # "mentioned remarks Trump had made about X": a relative clause without "that"
    return (max(first, cue.i + 1), right)


def _object_has_quote(doc, unit: Unit, cue, particle) -> bool:
    """Whether a weak cue's object holds a quotation ("attacked “the hateful ideology …”"):
    a quoted object makes even a weak verb report what was said."""
    for child in cue.children:
        if child.i > cue.i and child.dep_ in OBJECT_DEPS and (particle is None or child.i != particle.i):
            start, end = token_start(unit, doc[child.left_edge.i]), token_end(unit, doc[child.right_edge.i])
            if any(start - 2 <= quote.start < end for quote in unit.quotes):
                return True
    return False


def _finding_object(doc, cue) -> tuple[int, int] | None:
    """"Polls show a close contest in the state", "the analysis shows Democrats outpacing
    Republicans": what a study, poll or record shows, as the object phrase up to the first comma
    (a with-phrase after it details the same finding)."""
    objects = [child for child in cue.children if child.i > cue.i and child.dep_ in {"dobj", "ccomp", "xcomp", "oprd"}]
    if not objects:
        return None
    left, right = objects[0].left_edge.i, objects[0].right_edge.i
    for child in sorted(cue.children, key=lambda token: token.i):
        if child.i <= right or child.dep_ not in {"prep", "xcomp", "advcl", "acl", "npadvmod", "dobj"}:
            continue
        if child.dep_ == "advcl" and any(grandchild.dep_ == "mark" for grandchild in child.children):
            break  # "indicates a tightening race as Trump consolidates …": the reporter's context
        if any(doc[position].is_punct for position in range(right + 1, child.left_edge.i)):
            break
        right = child.right_edge.i
    right = _with_detail_end(doc, cue, right)
    comma = next((position for position in range(left, right + 1)
                  if doc[position].text in {",", ";", "—", "–"} and doc[position + 1:position + 2].text.lower() != "with"), None)
    if comma is not None:
        right = comma - 1
    return (left, right) if right - left >= 2 else None


def _with_detail_end(doc, cue, right: int) -> int:
    """A finding's end with the ", with 13 percent undecided" phrase hung on its cue after it."""
    detail = next((child for child in cue.children if child.dep_ == "prep" and child.lower_ == "with" and child.i == right + 2), None)
    return detail.right_edge.i if detail is not None and doc[right + 1].text == "," else right


def _clause_around_as(doc, cue, lemma: str) -> tuple[int, int] | None:
    """"As many experts have pointed out, X" / "X, as police have said": a cue in an "as" clause
    with nothing of its own to report vouches for the clause it hangs on."""
    if lemma not in SAY or cue.dep_ != "advcl" or not cue.head.tag_.startswith(("VB", "MD")):
        return None
    marks = [child for child in cue.children if child.dep_ == "mark"]
    if not marks or marks[0].lower_ != "as" or marks[0].i != cue.left_edge.i:
        return None
    if any(child.dep_ in {"ccomp", "xcomp", "dobj"} for child in cue.children):
        return None  # "as he said he would", "as she told reporters": not a vouching aside
    head = cue.head
    if cue.i < head.i:
        left = cue.right_edge.i + 1
        while left < head.i and doc[left].is_punct:
            left += 1
        right = head.right_edge.i
    else:
        left, right = head.left_edge.i, cue.left_edge.i - 1
    while right > left and doc[right].is_punct and doc[right].text not in CLOSING_MARKS:
        right -= 1
    if right - left < 3 or not any(token.dep_ in SUBJECT_DEPS for token in doc[left:right + 1]):
        return None
    return (left, right)


def content_before(doc, unit: Unit, cue, lemma: str, subject) -> tuple[int, int] | None:
    """Content before the cue: "X, sources said." / "X, he added." -- the cue and its subject
    close the sentence."""
    if subject is None or lemma not in SAY:
        return None
    if lemma in WEAK and lemma not in {"add", "tell", "note", "predict", "recall", "mention"} and not (lemma in FINDING and subject.lower_ in DATA_SOURCES):
        return None  # "X, a new analysis shows": only a study, poll or record closes a finding this way
    subject_span = subtree_span(subject)
    first_subject = min(subject_span[0], cue.i)
    while first_subject > 0 and doc[first_subject - 1].head.i == cue.i and doc[first_subject - 1].dep_ in {"poss", "amod", "det", "compound"}:
        first_subject -= 1  # "her former doctor maintains" parsed as one noun phrase: its modifiers hang on the cue
    if first_subject < 3 or doc[first_subject - 1].text not in {",", "—", "–", "--"} and not quote_ends_before(unit, doc, first_subject):
        return None
    has_addressee = lemma in {"tell", "ask", "inform", "assure", "remind", "warn", "brief"}
    if any(
        child.dep_ in {"ccomp", "xcomp"} or (child.dep_ == "dobj" and not has_addressee and (subject is None or child.i != subject.i))
        for child in cue.children if child.i > cue.i
    ):
        return None  # "..., mining companies declared bankruptcy": the cue has its own object
    clause_before = has_verb_before(doc, first_subject) or quote_ends_before(unit, doc, first_subject)
    subject_tokens = set(range(subject.left_edge.i, subject.right_edge.i + 1)) if subject.i > cue.i else set()
    stop = next((token.i for token in doc[cue.i + 1:] if token.text in {".", "!", "?"} and token.i not in subject_tokens), len(doc))
    if cue.dep_ == "ROOT":
        # '"…," McConnell said in June, citing …': what follows the main cue's first comma is
        # the reporter's gloss (a participle), not a sign of a parenthetical cue
        comma = next((token.i for token in doc[cue.i + 1:stop] if token.text in {",", ";", "—", "–"} and token.i not in subject_tokens), None)
        if comma is not None and doc[comma].text == "," and comma + 1 < stop and doc[comma + 1].lower_ in {"and", "but"} \
                and any(token.tag_.startswith("VB") or token.tag_ == "MD" for token in doc[comma + 2:stop]) \
                and has_verb_before(doc, first_subject):
            # "X, the agency said in a report, and Y": the cue sits inside one statement of two parts
            return (0, last_word(doc, stop - 1))
        stop = comma if comma is not None else stop
    rest = [token for token in doc[cue.i + 1:stop] if not token.is_punct and token.i not in subject_tokens]
    if len(rest) > 10 or any(token.tag_.startswith("VB") for token in rest):
        # "Climate change, Mr. Obama often says, is the greatest threat": a parenthetical cue
        after = cue.i + 1
        while after < len(doc):
            token = doc[after]
            if token.dep_ in {"advmod", "prt"} or token.tag_ in {"RB", "RP"}:
                after += 1
            elif token.head.i == cue.i and (token.dep_ in {"prep", "npadvmod"} or token.dep_ == "dobj" and has_addressee) \
                    and token.right_edge.i - cue.i <= 8:
                after = token.right_edge.i + 1  # "…, he told me on Friday, …": the addressee and the setting
            else:
                break
        if after < len(doc) - 3 and doc[after].text == "," and first_subject >= 3 and cue.dep_ == "parataxis" \
                and cue.head.dep_ == "relcl" and cue.head.i > cue.i and cue.head.left_edge.i < first_subject:
            return (cue.head.left_edge.i, last_word(doc, cue.head.right_edge.i))  # "…, which, Reyes said, is …": the relative clause
        if after < len(doc) - 3 and doc[after].text == "," and first_subject >= 3:
            end = len(doc) - 1
            while end > 0 and doc[end].is_punct and doc[end].text not in {"”", "\""}:
                end -= 1
            return (0, end)
        return None
    if not clause_before:
        return None  # what precedes is not a clause ("One after another, ...")
    end = first_subject - 1
    while end > 0 and (doc[end].is_punct and doc[end].text not in {"”", "\""}):
        end -= 1
    if cue.dep_ == "ROOT":
        clauses = [child for child in cue.children if child.dep_ in {"ccomp", "advcl", "parataxis"} and child.i < cue.i]
        if clauses:
            if clauses[0].dep_ == "advcl" and any(grandchild.dep_ in {"mark", "advmod"} and grandchild.tag_ in {"IN", "WRB"}
                                                  and grandchild.i == clauses[0].left_edge.i for grandchild in clauses[0].children):
                return None  # "When Congress cut the funds, Mexico said enough.": the setting, not what was said
            return (clauses[0].left_edge.i, min(end, clauses[0].right_edge.i))
    return (0, end) if end >= 2 else None


def has_verb_before(doc, position: int) -> bool:
    return any(token.tag_.startswith("VB") or token.tag_ == "MD" for token in doc[0:position])
