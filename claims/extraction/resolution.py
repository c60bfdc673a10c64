"""Speaker resolution inside one article: a cue's subject in the parse ("he", "the US Defence
Secretary", "Sen. Marco Rubio", "the agency") becomes a ``SpeakerRef``, resolved against the
article's people (speakers.ArticleIndex) and what was last spoken of (speakers.Salience)."""
from __future__ import annotations

import re

from .candidates import SourceKind, SpeakerRef
from .lexicon import PERSONAL, PLURAL_PRONOUNS, SPEAKER_NOUNS, TITLE_WORDS, is_speaker_noun
from .speakers import COURTESY, NAME_RUN, ORGANISATION_NOUNS, SENTENCE_OPENERS, ArticleIndex, Salience, looks_like_person, norm, role_words, split_title
from .spans import subtree_span, token_at, token_end, token_start
from .text import Unit

POSSESSIVE_END = re.compile(r"[’']s$")
COURTESY_BEFORE = re.compile(r"\b(Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Prof)\.?\s+$")
# What "it" can stand for as a source when no organisation is named: a body or a document the
# sentence before described ("The city sent a letter. It says …").
PUBLIC_BODIES = {"city", "state", "county", "town", "village", "school", "district", "hospital", "police", "prosecutor's office"}
DOCUMENT_NOUNS = {
    "letter", "statement", "report", "study", "lawsuit", "suit", "complaint", "memo", "filing", "ad", "advertisement",
    "analysis", "survey", "poll", "review", "audit", "ruling", "order", "petition", "brief", "motion", "bill", "plan", "proposal",
}
DESCRIBED_SOURCE = re.compile(r"\b(?:the|a|an|its|their|this)\s+(?:[\w-]+\s+){0,3}?([a-z]+)\b", re.I)
NOT_SOURCES = {"you", "it", "this", "which", "that", "what", "there"}
# Words that stand for people as a subject when something says who they are ("many of them",
# "those close to him", "others").
QUANTIFIED_PEOPLE = {"many", "most", "some", "those", "others", "several", "few", "all", "both", "each", "none"}
# Nouns for someone unnamed that speak as a person or a group ("someone asked", "the family said",
# "proponents have urged"; and any "…writer": "two Democratic speechwriters implored her").
UNNAMED_PEOPLE = {
    "someone", "somebody", "family", "proponent", "proponents", "backer", "backers", "advocate", "advocates", "defender",
    "defenders", "skeptic", "skeptics", "sceptic", "sceptics",
}
ORGANISATION_ENTITIES = {"ORG", "GPE", "NORP", "FAC", "LOC"}


def speaker_mention_span(doc, subject) -> tuple[int, int]:
    """The token span of the words that name the speaker, without edge punctuation and conjunctions."""
    left, right = subtree_span(subject)
    while right > left and (doc[right].is_punct and doc[right].text != ")" or doc[right].tag_ == "POS"):
        right -= 1  # (and an owner's "’s": "the police department’s claim")
    while left < right and (doc[left].is_punct or doc[left].lower_ in SENTENCE_OPENERS):
        left += 1
    return left, right


def role_phrase(mention: str) -> str:
    return re.sub(r"^(the|a|an|this|that)\s+", "", mention.strip(), flags=re.I)


def proper_run(doc, token) -> str:
    """The proper-noun compound a token ends ("Defence Secretary Pete Hegseth")."""
    left = token.i
    while left > 0 and doc[left - 1].tag_ in {"NNP", "NNPS"} and doc[left - 1].dep_ in {"compound", "nmod", "amod"}:
        left -= 1
    return doc[left:token.i + 1].text


def _singulars(plural: str) -> tuple[str, ...]:
    """The singular forms a plural noun may have ("groups" -> "group", "agencies" -> "agency")."""
    if plural.endswith("ies"):
        return (plural[:-3] + "y",)
    if plural.endswith("es"):
        return (plural[:-1], plural[:-2])
    return (plural[:-1],) if plural.endswith("s") else ()


class SpeakerResolver:
    """Resolves speaker mentions of one article in reading order; each resolution updates who
    "he", "they" or "the official" refer to next."""

    def __init__(self, *, text: str, index: ArticleIndex):
        self.text = text
        self.index = index
        self.salience = Salience()

    def knows_person(self, name: str) -> bool:
        return self.index.person(self.index.full_name(name)) is not None

    def named(self, full: str, *, mention: str, start: int, end: int) -> SpeakerRef:
        """A resolved person, with the other names and roles the article gives them."""
        person = self.index.person(full)
        aliases = tuple(sorted(alias for alias in (person.aliases if person else {full.split()[-1]}) if alias != full))
        roles = tuple(person.roles) if person else ()
        return SpeakerRef(name=full, kind=SourceKind.PERSON, resolved=True, mention=mention, start=start, end=end,
                          aliases=aliases, roles=roles)

    def resolve(self, doc, unit: Unit, subject) -> SpeakerRef | None:
        """The speaker a subject token names, or None when it names no source at all."""
        text, index = self.text, self.index
        left, right = speaker_mention_span(doc, subject)
        mention_start, mention_end = token_start(unit, doc[left]), token_end(unit, doc[right])
        mention = text[mention_start:mention_end]
        lower = subject.lower_
        if subject.dep_ not in {"relcl"} and any(
            token.tag_ in {"VBZ", "VBP", "VBD"} and token.head.dep_ != "relcl" and token.dep_ != "relcl" for token in doc[left:right + 1]
        ):
            return None  # a clause, not a speaker
        if lower in {"i", "we"}:
            # the writer speaking in an opinion piece: kept as written, never resolved
            return SpeakerRef(name=subject.text, kind=SourceKind.PERSON if lower == "i" else SourceKind.GROUP, resolved=False,
                              mention=subject.text, start=token_start(unit, subject), end=token_end(unit, subject))
        if lower == "it" and subject.dep_ == "nsubj":
            return self._organisation_as_it(subject, start=token_start(unit, subject), end=token_end(unit, subject))
        if lower in NOT_SOURCES or subject.tag_ in {"WDT", "WP"} and subject.dep_ != "relcl":
            return None
        if lower in QUANTIFIED_PEOPLE and subject.tag_ in {"DT", "JJ", "NNS", "PDT"} and subject.dep_ in {"nsubj", "nsubjpass"} and (
            lower in {"others", "those", "each"} or any(child.dep_ in {"prep", "amod", "relcl", "acl"} for child in subject.children)
            or subject.head.tag_ in {"VBP", "VBD"}  # "some note that …", "many said …" (not "some shows", a misparse)
        ):
            # "many of them said", "those close to him say", "others said": people, unnamed
            return SpeakerRef(name=mention, kind=SourceKind.GROUP, resolved=False, mention=mention, start=mention_start, end=mention_end)
        if subject.tag_ == "PRP" or lower in PERSONAL | PLURAL_PRONOUNS:
            return self._pronoun(subject, start=token_start(unit, subject), end=token_end(unit, subject))
        name = self._person_named_in(doc, unit, subject, mention_start=mention_start, mention_end=mention_end)
        proper = self._is_proper(subject)
        organisation = next(
            (ent for ent in doc.ents if ent.label_ in ORGANISATION_ENTITIES and ent.start <= subject.i < ent.end), None
        )
        if not name and proper:
            candidate = split_title(proper_run(doc, subject))[1]
            if self.knows_person(candidate) or (
                looks_like_person(candidate) and organisation is None and subject.ent_type_ in {"PERSON", ""}
                and (len(candidate.split()) >= 2 or subject.ent_type_ == "PERSON")
            ):
                name = candidate
        if name:
            name = POSSESSIVE_END.sub("", name.strip())
            at = mention_start + max(0, mention.find(name))
            courtesy = COURTESY.search(text, max(0, at - 6), at)
            full = index.full_name(f"{courtesy.group(1)}. {name}" if courtesy else name, at=at)
            self.salience.saw_person(full)
            speaker = self.named(full, mention=mention, start=mention_start, end=mention_end)
            title = role_phrase(mention[: mention.find(name)].strip(" ,")) if name in mention else ""
            if title and len(title.split()) <= 8 and title not in speaker.roles and role_words(title) & TITLE_WORDS:
                speaker.roles = speaker.roles + (title,)
            return speaker
        head = subject.lower_
        named_organisation = self.index.organisation_at(token_start(unit, subject))
        if proper and named_organisation and head in SPEAKER_NOUNS | ORGANISATION_NOUNS:
            # "The Ministry of Defence said": a named organisation, though its head is a common noun
            return SpeakerRef(name=named_organisation, kind=SourceKind.ORGANISATION, resolved=True, mention=mention,
                              start=mention_start, end=mention_end)
        if proper and (organisation is not None or subject.tag_ in {"NNP", "NNPS"}) and head not in SPEAKER_NOUNS:
            run = proper_run(doc, subject)
            bare = split_title(run)[1]
            if "," in mention or len(mention.split()) > 8:
                mention_start = token_start(unit, subject) - (len(run) - len(subject.text))
                mention_end, mention = token_end(unit, subject), run
            # a lone surname the article never gave in full: a person unless it reads as an
            # organisation (an acronym, "the Pentagon", "... Party")
            if (
                organisation is None and looks_like_person(bare) and not bare.isupper() and subject.tag_ == "NNP"
                and not re.search(r"\bthe\s+" + re.escape(bare) + r"\b", text, re.I)
            ):
                # a first name several people of the article share ("Ann" beside Ann Lee and Ann
                # Baker) names nobody for sure: kept as written, unresolved
                shared = len(bare.split()) == 1 and len(index.with_given_name(bare)) > 1
                if not shared:
                    self.salience.saw_person(bare)
                return SpeakerRef(name=bare, kind=SourceKind.PERSON, resolved=not shared, mention=mention, start=mention_start,
                                  end=mention_end)
            return SpeakerRef(name=mention, kind=SourceKind.ORGANISATION, resolved=True, mention=mention, start=mention_start,
                              end=mention_end)
        if subject.tag_ in {"NN", "NNS", "NNP", "NNPS", "CD"}:
            return self._description(doc, subject, determiner=doc[left].lower_, mention=mention, start=mention_start, end=mention_end)
        return None

    def _pronoun(self, subject, *, start: int, end: int) -> SpeakerRef | None:
        lower, mention = subject.lower_, subject.text
        if lower in PERSONAL:
            name = self.salience.pronoun(lower, self.index)
            if name:
                self.salience.saw_person(name)
                return self.named(name, mention=mention, start=start, end=end)
            return SpeakerRef(name=mention, kind=SourceKind.PERSON, resolved=False, mention=mention, start=start, end=end)
        if lower in PLURAL_PRONOUNS:
            group = self.salience.pronoun(lower, self.index)
            return SpeakerRef(name=group or mention, kind=SourceKind.GROUP, resolved=False, mention=mention, start=start, end=end)
        return None

    def _organisation_as_it(self, subject, *, start: int, end: int) -> SpeakerRef | None:
        """"It said in a statement": the organisation named last before, if one was (a company,
        ministry, agency, court); otherwise "it" is no source we can name."""
        name = self.index.organisation_before(start)
        if not name:
            described = self._source_described_before(start)
            if not described:
                return None
            # "The city sent a letter on Monday. It says …": the source is the one the sentence
            # before described, kept unresolved (no name to file it under)
            return SpeakerRef(name=described, kind=SourceKind.ORGANISATION, resolved=False, mention=subject.text, start=start, end=end)
        return SpeakerRef(name=name, kind=SourceKind.ORGANISATION, resolved=True, mention=subject.text, start=start, end=end)

    def _source_described_before(self, pos: int) -> str:
        """The last organisation ("the city", "the company") or, failing one, document ("the
        letter", "the study") described in the sentence before ``pos``, as "the <noun>"."""
        window = self.text[max(0, pos - 300):pos]
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", window)
        before = " ".join(sentences[-2:]) if len(sentences) >= 2 else window
        organisations = [m.group(1).lower() for m in DESCRIBED_SOURCE.finditer(before) if m.group(1).lower() in ORGANISATION_NOUNS | PUBLIC_BODIES]
        if organisations:
            return f"the {organisations[-1]}"
        documents = [m.group(1).lower() for m in DESCRIBED_SOURCE.finditer(before) if m.group(1).lower() in DOCUMENT_NOUNS]
        return f"the {documents[-1]}" if documents else ""

    def _person_named_in(self, doc, unit: Unit, subject, *, mention_start: int, mention_end: int) -> str:
        """A person named in the mention, as its head or in apposition to it (not as an owner:
        "the Clinton campaign", "Trump's spokesman" are not Clinton or Trump)."""
        text, index = self.text, self.index
        speaker_tokens = {subject.i} | {child.i for child in subject.children if child.dep_ == "appos"}
        if subject.lower_.rstrip(".") in TITLE_WORDS or subject.lower_ in SPEAKER_NOUNS:
            speaker_tokens |= {child.i for child in subject.children if child.dep_ in {"compound", "appos"} and child.i > subject.i}
        for token_index in list(speaker_tokens):
            if doc[token_index].dep_ == "appos":
                speaker_tokens |= {child.i for child in doc[token_index].children if child.dep_ == "appos"}
        for match in NAME_RUN.finditer(text, mention_start, mention_end):
            run = POSSESSIVE_END.sub("", match.group(0))
            if text[match.end():match.end() + 2] in ("’s", "'s"):
                continue
            last = token_at(doc, unit, match.start() + len(run) - 1)
            if last is None or last.i not in speaker_tokens:
                continue
            bare = split_title(run)[1]
            known = self.knows_person(bare)
            entity_ok = last.ent_type_ in {"PERSON", ""}
            courtesy = COURTESY_BEFORE.search(text[max(0, match.start() - 6):match.start()]) is not None
            if looks_like_person(bare) and (known or courtesy or len(bare.split()) >= 2 and entity_ok):
                return bare
        if subject.lower_.rstrip(".") in TITLE_WORDS:
            # the parser made the title the head ("Del. Stacey Plaskett"): the name follows it
            for match in NAME_RUN.finditer(text, mention_start, mention_end):
                bare = split_title(POSSESSIVE_END.sub("", match.group(0)))[1]
                if looks_like_person(bare) and (len(bare.split()) >= 2 or index.person(index.full_name(bare))):
                    return bare
        return ""

    def _description(self, doc, subject, *, determiner: str, mention: str, start: int, end: int) -> SpeakerRef | None:
        """A role or description: "the US Defence Secretary", "a senior diplomat", "the person"."""
        head = subject.lower_
        plural = subject.tag_ in {"NNS", "NNPS"}
        indefinite = determiner in {"a", "an", "another", "one", "some"}
        who = self.index.by_role(mention, self.salience.persons) if not plural and not indefinite else None
        known_speaker = is_speaker_noun(head) or head in UNNAMED_PEOPLE or head.endswith(("writer", "writers")) or bool(who) or plural and any(
            is_speaker_noun(singular) or singular in ORGANISATION_NOUNS for singular in _singulars(head)
        )  # "some environmental groups", "several agencies": the plural of a source
        if not plural and determiner in {"the", "this", "that"} and head in ORGANISATION_NOUNS and mention.lower().endswith(head):
            # "the company said", "the ministry said": the organisation of that kind named before
            organisation = self.index.organisation_before(start, head=head.removesuffix("s"), window=2000)
            return SpeakerRef(name=organisation or mention, kind=SourceKind.ORGANISATION, resolved=bool(organisation), mention=mention,
                              start=start, end=end)
        if not plural:
            if who:
                self.salience.saw_person(who)
                return self.named(who, mention=mention, start=start, end=end)
            previous = self.salience.generic(head) if determiner in {"the", "this", "that"} else ""
            if previous:
                # "the person": no role to learn
                return SpeakerRef(name=previous, kind=SourceKind.PERSON, resolved=False, mention=mention, start=start, end=end)
            if known_speaker and determiner in {"a", "an", "one", "another"}:
                self.salience.last_unnamed = mention
            role = role_phrase(mention) if known_speaker else ""
            return SpeakerRef(name=mention, kind=SourceKind.PERSON if known_speaker else SourceKind.THING, resolved=False,
                              mention=mention, start=start, end=end, roles=(role,) if role else ())
        if len(mention.split()) <= 25:
            if known_speaker:
                self.salience.last_group = mention
            return SpeakerRef(name=mention, kind=SourceKind.GROUP if known_speaker else SourceKind.THING, resolved=False,
                              mention=mention, start=start, end=end)
        return None

    def _is_proper(self, token) -> bool:
        """A proper noun, even where the tagger says NN (sentence-initial 'Trump', 'Ditto'): the
        article also writes it capitalised mid-sentence, or knows it as a surname."""
        if token.tag_ in {"NNP", "NNPS"}:
            return True
        word = token.text
        if not word[:1].isupper() or not word[1:].islower() or token.tag_ not in {"NN", "NNS"}:
            return False
        if norm(word) in self.index.by_surname:
            return True
        return re.search(r"[a-z,] " + re.escape(word) + r"\b", self.text) is not None

    def speaker_after(self, start: int, end: int) -> SpeakerRef | None:
        """The name right after an inverted cue ('…," said spokesman Alex Conant.'), read from the
        text when the parse went astray."""
        phrase_match = re.match(r"\s*([^,.;:!?“”\"()]{2,80})", self.text[start:end])
        if not phrase_match:
            return None
        phrase = phrase_match.group(1).rstrip()
        for run in reversed(list(NAME_RUN.finditer(phrase))):
            bare = split_title(POSSESSIVE_END.sub("", run.group(0)))[1]
            if looks_like_person(bare) and (len(bare.split()) >= 2 or self.knows_person(bare)):
                full = self.index.full_name(bare)
                self.salience.saw_person(full)
                phrase_start = start + phrase_match.start(1)
                return self.named(full, mention=phrase, start=phrase_start, end=phrase_start + len(phrase))
        return None

    def read_plain_unit(self, unit: Unit, doc) -> None:
        """A sentence that attributes nothing still sets who 'he' is: its first named person
        when the sentence starts with them (the subject, in news prose). The other people it
        names become possible referents too, below the subject ("Tapper interviewed Senator
        Tom Reyes. … he said" after Tapper's question is Reyes)."""
        for start, _end, full in self.index.mentions:
            if start >= unit.end:
                break
            if start >= unit.start and not any(quote.start <= start < quote.end for quote in unit.quotes):
                if full not in self.salience.persons:
                    self.salience.persons.insert(0, full)
        if doc is not None:
            for token in doc:
                if token.dep_ in {"nsubj", "nsubjpass"} and token.head.dep_ == "ROOT":
                    if token.ent_type_ == "PERSON" or token.tag_ == "NNP":
                        name = self.index.full_name(proper_run(doc, token), at=token_start(unit, token))
                        if self.index.person(name):
                            self.salience.saw_person(name)
                    elif token.tag_ == "NNS":
                        left, right = subtree_span(token)
                        self.salience.last_group = doc[left:right + 1].text
                    return
            return
        for start, _end, full in self.index.mentions:
            if any(quote.start <= start < quote.end for quote in unit.quotes):
                continue
            if unit.start <= start < unit.start + 80:
                if len(self.text[unit.start:start].split()) <= 6:
                    self.salience.saw_person(full)
                return
            if start >= unit.start + 80:
                break
