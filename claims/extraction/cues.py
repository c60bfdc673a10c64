"""Reporting cues in a parsed unit: which verbs report speech, who their subject is, and which
standalone quote sits next to them."""
from __future__ import annotations

import re
from typing import NamedTuple

from .lexicon import COGNITION, FORM_TO_LEMMA, SAY, SPEAKER_NOUNS, is_speaker_noun
from .spans import in_quote, token_end, token_start
from .text import Quote, Unit

SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
RELATIVE = {"who", "which", "that", "whom"}
# Verbs that only say when a report happens ("continued to call for", "began to argue"): their
# infinitive is the statement, not an intention, and the report is the infinitive's.
ASPECTUAL = {
    "continue", "continues", "continued", "continuing", "begin", "begins", "began", "begun", "beginning", "start", "starts",
    "started", "starting", "keep", "keeps", "kept", "keeping", "resume", "resumes", "resumed", "resuming",
}


class CueSubject(NamedTuple):
    """The subject of a cue: a ``token``, or, when the cue hangs from a quotation
    (", ” pointing out that ..."), that quote (``via_quote``), whose speaker is the subject."""

    token: object | None
    via_quote: Quote | None


NO_SUBJECT = CueSubject(None, None)


def cue_lemma(token, unit: Unit) -> str | None:
    """The reporting lemma of a token that is a cue outside quotes ("said" → "say"), or None."""
    lemma = FORM_TO_LEMMA.get(token.lower_)
    if not lemma:
        return None
    if not token.tag_.startswith("VB") and not _verb_tagged_as_noun(token):
        return None
    if token.dep_ in {"amod", "compound", "aux", "auxpass"}:
        # '"Debate recap," tweeted Rubio spokesman Alex Conant': a cue right after a closing
        # mark is a cue even when the parser took it for an adjective
        start = token_start(unit, token)
        if not any(0 <= start - quote.end <= 2 for quote in unit.quotes):
            return None
    if any(child.dep_ == "aux" and child.lower_ == "to" for child in token.children) and not _introduces_quote(token, unit) \
            and not (token.dep_ == "xcomp" and (token.head.lower_ in ASPECTUAL or token.head.lower_ in RAISING and lemma not in COGNITION
                                                or token.head.lower_ in GO_ON
                                                and any(child.lower_ == "on" for child in token.head.children))):
        return None  # "to endorse Trump": an intention, not a statement ("was prompted to say, ''…''" is one)
    if token.dep_ == "relcl" and not any(child.dep_ in {"ccomp", "xcomp"} for child in token.children) and token.head.i < token.i \
            and not (token.left_edge.i > 0 and token.left_edge.text == ","
                     and any(child.dep_ == "nsubj" and child.tag_ in {"NNP", "NN", "PRP"} and child.lower_ not in RELATIVE
                             for child in token.children)):  # "The deal, Reyes said, was …": a parenthetical cue
        if not any(child.dep_ in SUBJECT_DEPS and child.lower_ in RELATIVE for child in token.children):
            return None  # "everything Trump says": the statement is the head noun, not a clause
    if in_quote(unit, token_start(unit, token)):
        return None
    if token.lower_ in ASPECTUAL and any(child.dep_ == "xcomp" and child.lower_ in FORM_TO_LEMMA for child in token.children):
        return None  # "continued to insist that …": the cue is "insist"
    return lemma


def _verb_tagged_as_noun(token) -> bool:
    """"But Trump claims that he …": a present-tense cue the tagger took for a plural noun, though
    the parser made it the verb of its sentence, with a subject and a clause complement."""
    if token.tag_ != "NNS" or not token.lower_.endswith("s") or token.dep_ not in {"ROOT", "conj", "ccomp"}:
        return False
    if any(child.dep_ == "nsubj" and child.i < token.i for child in token.children):
        return any(child.dep_ == "ccomp" and child.i > token.i for child in token.children)
    # "X, her former doctor maintains.": the speaker's noun taken as a compound of the cue
    return _compound_speaker(token) is not None and any(child.dep_ == "ccomp" and child.i < token.i for child in token.children)


def _compound_speaker(token):
    """The noun right before a cue the parser made its compound ("doctor" in "her doctor maintains")."""
    before = token.nbor(-1) if token.i > 0 else None
    if before is not None and before.dep_ == "compound" and before.head.i == token.i and before.tag_.startswith("NN"):
        return before
    return None


def _introduces_quote(token, unit: Unit) -> bool:
    """Whether a whole quote follows the verb right after a comma or colon ("to say, “…”")."""
    doc_text = token.doc.text
    end = token.idx + len(token.text)
    return any(
        0 <= quote.start - unit.start - end <= 3 and doc_text[end:quote.start - unit.start].strip() in {",", ":", ""}
        for quote in unit.quotes
    )


def cue_subject(cue, unit: Unit) -> CueSubject:
    """The subject of a cue: its own, or that of the verb it hangs from (participles, conjuncts)."""
    inverted = _inverted_subject(cue)
    if inverted is not None:
        return CueSubject(inverted, None)
    current = cue
    via_infinitive = False
    for _ in range(6):
        for child in current.children:
            if child.dep_ in SUBJECT_DEPS:
                if child.lower_ in RELATIVE and current.dep_ == "relcl":
                    head = current.head
                    if head.tag_ in {"NNP", "NNPS"} or head.lower_ in SPEAKER_NOUNS or child.lower_ in {"who", "whom"} and head.tag_.startswith("NN"):
                        return CueSubject(head, None)  # "who" is always someone ("an architect who said")
                    return NO_SUBJECT  # "a passion that suggested ...": not a source
                if child.dep_ == "nsubjpass" and not via_infinitive:
                    continue  # ("he was prompted to say": the one prompted is the one saying)
                return CueSubject(child, None)
        if current.i != cue.i and current.dep_ == "ROOT" and current.tag_.startswith("NN"):
            return CueSubject(current, None)  # a fragment parse: "A senior diplomat called ..." as a noun phrase
        if current.dep_ in {"advcl", "xcomp", "conj", "acl", "pcomp", "dobj", "pobj", "prep", "ccomp", "relcl", "acomp"} \
                and current.head.i != current.i:
            if current.dep_ == "relcl" and not current.head.tag_.startswith("VB"):
                return CueSubject(current.head, None)
            if current.dep_ == "ccomp" and current.head.i > current.i:
                return NO_SUBJECT  # a clause that is itself said by someone later: not its subject
            if current.dep_ == "acl" and current.i == cue.i and (
                current.head.dep_ == "ROOT" or cue.tag_ == "VBG" and current.head.tag_ in {"NNP", "NNPS"}
            ):
                return CueSubject(current.head, None)
            via_infinitive = via_infinitive or current.dep_ == "xcomp" and current.i == cue.i
            head = current.head
            pos = token_start(unit, head)
            for quote in unit.quotes:
                if quote.start <= pos < quote.end and not (quote.start <= token_start(unit, cue) < quote.end):
                    return CueSubject(None, quote)
            current = head
            continue
        break
    if cue.tag_ == "NNS" and _compound_speaker(cue) is not None:
        return CueSubject(_compound_speaker(cue), None)
    for child in cue.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return CueSubject(grandchild, None)
    before = cue.nbor(-1) if cue.i > 0 else None
    if cue.dep_ == "ROOT" and cue.i > 1 and before.tag_ in {"NN", "NNS", "NNP", "NNPS"} and before.dep_ in {"appos", "conj", "pobj", "npadvmod"}:
        # "In an interview with hosts A and B, the candidate stated that …": the parser hung
        # the subject on the fronted phrase; the noun phrase right before the cue is its subject
        return CueSubject(before, None)
    if before is not None and cue.tag_ != "VBG" and (before.text in {",", "”", '"', "''"} or before.text.endswith(("”", '"'))):
        # '"…," reported Reuters.' / '…, writes Smith.': an inverted cue, its subject parsed as
        # an object right after it
        for child in cue.children:
            if child.dep_ in {"dobj", "attr", "npadvmod", "oprd"} and child.i > cue.i and child.tag_ in {"NNP", "NNPS", "NN"}:
                if child.left_edge.i == cue.i + 1 or all(
                    between.tag_ in {"DT", "NNP", "NNPS", "NN", "JJ"} for between in cue.doc[cue.i + 1:child.i]
                ):
                    return CueSubject(child, None)
    return NO_SUBJECT


def _inverted_subject(cue):
    """"The bridge is unsafe, warns the city engineer.": a cue after a comma or dash that ends its
    sentence with a noun phrase is inverted, and that noun phrase is its subject, though the
    parser hung the cue on the clause before as a conjunct (whose subject is no speaker)."""
    if cue.dep_ != "conj" or cue.head.i > cue.i or cue.i == 0 or cue.nbor(-1).text not in {",", "—", "–"}:
        return None
    if any(child.dep_ in {"ccomp", "xcomp", "mark"} for child in cue.children):
        return None
    last = cue.sent.end - 1
    while last > cue.i and cue.doc[last].is_punct:
        last -= 1
    for child in cue.children:
        if child.i > cue.i and child.dep_ in {"nsubj", "dobj", "attr", "npadvmod", "oprd"} and child.tag_ in {"NN", "NNS", "NNP", "NNPS"} \
                and child.right_edge.i == last and child.left_edge.i == cue.i + 1 and child.right_edge.i - child.left_edge.i < 8 \
                and not any(token.tag_.startswith("VB") for token in child.subtree) \
                and (child.tag_ in {"NNP", "NNPS"} or is_speaker_noun(child.text)):
            return child
    return None


# "appeared to suggest", "seems to say": the infinitive is the report, hedged by the reporter.
RAISING = {"appear", "appears", "appeared", "appearing", "seem", "seems", "seemed", "seeming"}
# "went on to explain": a report that follows another.
GO_ON = {"go", "goes", "went", "gone", "going"}


# Only a speaker between a quote and its cue ('"… listening." Trump said.'): no clause of its own.
SPEAKER_ONLY = re.compile(r"\s*[\w’'.-]+(?:\s+[\w’'.-]+)*(?:\s+\([^()]{1,20}\))?\s*")

_SAY_FORMS = sorted((form for form, lemma in FORM_TO_LEMMA.items() if lemma in SAY and not form.endswith("ing")), key=len, reverse=True)
# Right after a quote: its own attribution ('“…,” she said', '“…,” said Ann Lee').
OWN_CUE_AFTER = re.compile(
    r"\s*(?:(?:he|she|they|we|I|[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3})\s+(?:" + "|".join(_SAY_FORMS) + r")\b|(?:"
    + "|".join(_SAY_FORMS) + r")\s+(?:he|she|they|[A-Z]))"
)

ABBREV_BEFORE_DOT = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Rep|Sen|Gov|Gen|Lt|Col|Sgt|Capt|St|Jr|Sr|Prof|Rev|Del|No|Inc|Corp|Co|Ltd|[A-Z]))$")


def within_one_sentence(between: str) -> bool:
    """No sentence break or other quote between a quote and its cue (abbreviations allowed)."""
    if re.search(r"[!?;“”\"]", between):
        return False
    for dot in re.finditer(r"\.", between):
        if not ABBREV_BEFORE_DOT.search(between[:dot.start()]) and not re.match(r"[A-Z]\.", between[dot.start() - 1:dot.start() + 1] or ""):
            if dot.end() < len(between) and re.match(r"\s+[A-Z]", between[dot.end():]):
                return False
    return True


def adjacent_quote(text: str, unit: Unit, cue, standalone: list[Quote], used: set[int]) -> Quote | None:
    """The standalone quote a cue introduces or closes: right after it (he said: “…”) or, else,
    the nearest one right before it in the same sentence (“…,” he said)."""
    verb_start, verb_end = token_start(unit, cue), token_end(unit, cue)
    best = None
    for quote in standalone:
        if quote.start in used:
            continue
        if quote.end <= verb_start:
            between = text[quote.end:verb_start]
            close = quote.end - 2 if text[quote.end - 2:quote.end] in ("''", "’’") else quote.end - 1
            if len(between.split()) <= 10 and within_one_sentence(between) and (
                text[close - 1:close] in {",", "?", "!", "—", "-", "…"} or between.strip().startswith((",", "—", "–"))
                or text[close - 1:close] == "." and len(between.split()) <= 6 and SPEAKER_ONLY.fullmatch(between)
            ):
                best = quote  # the nearest quote before
        elif quote.start >= verb_end and best is None:
            if OWN_CUE_AFTER.match(text, quote.end):
                continue  # 'as the mayor — “this city will rebuild,” she said — took the stage': the quote's own cue
            between = text[verb_end:quote.start]
            if len(between.split()) <= 8 and re.search(r"[,:—–]\s*$", between) and not re.search(r"\bthat\s*$", between):
                return quote
            if not between.strip():
                return quote
            if re.fullmatch(r"\s*(that\s+)?", between) is None and re.search(r":\s*$", between):
                return quote
    return best
