"""Reports whose cue is a noun or adjective naming a stance on a topic: "Trump's criticism of the
deal", "Clinton voiced concern about the ban", "Graham's endorsement of Cruz", "Republicans have
been critical of her e-mail server". The topic (the preposition's object) is the statement; the
speaker is the noun's owner (a possessor) or the subject of the light verb that carries it
("raised questions about", "expressed concern over"), and must be a person or organisation.
Also the finding of a poll or study that opens its sentence ("In a CNN poll, Clinton led …")."""
from __future__ import annotations

import re

from .candidates import Attribution, SourceKind, SpeakerRef, Stance, StatementKind, confidence_for
from .content import DATA_SOURCES
from .lexicon import FORM_TO_LEMMA, inflect, is_speaker_noun
from .resolution import SpeakerResolver
from .spans import in_quote, token_end, token_start, trim_content
from .text import Unit

# Noun -> the prepositions that introduce its topic.
TOPIC_NOUNS = {
    "criticism": {"of"}, "critique": {"of"}, "condemnation": {"of"}, "denunciation": {"of"}, "praise": {"for", "of"},
    "endorsement": {"of"}, "disdain": {"for"}, "contempt": {"for"},
    "attacks": {"on", "against"}, "call": {"for"}, "calls": {"for"},
    "questions": {"about", "over"}, "concern": {"about", "over"}, "concerns": {"about", "over"}, "doubts": {"about"},
    "comments": {"about", "on"}, "remarks": {"about"}, "warnings": {"about", "of"},
    "complaints": {"about"}, "objections": {"to"}, "defense": {"of"}, "defence": {"of"}, "embrace": {"of"},
    "rejection": {"of"}, "dismissal": {"of"}, "outrage": {"over", "at"}, "skepticism": {"about", "of"},
}
TOPIC_ADJECTIVES = {"critical": {"of"}, "supportive": {"of"}, "dismissive": {"of"}, "skeptical": {"of", "about"}}
# Verbs that only carry a stance noun: their subject is the noun's owner.
LIGHT_VERBS = {
    "raise", "express", "voice", "offer", "make", "level", "lodge", "launch", "unleash", "issue", "tweet", "repeat", "renew",
    "step", "ramp", "ratchet", "intensify", "sharpen", "escalate", "reiterate", "throw", "lend", "signal", "announce", "air",
    "register", "stress", "deliver", "mount", "direct", "pledge",
}
LIGHT_VERB_FORMS = frozenset(form for lemma in LIGHT_VERBS for form in inflect(lemma)) | {"made", "makes", "making", "threw", "thrown", "lent"}
COPULAS = {"is", "are", "was", "were", "be", "been", "being", "remain", "remains", "remained", "become", "becomes", "became",
           "grew", "grown", "seem", "seems", "seemed", "appear", "appears", "appeared"}
# The prefilter for poll_setting: a sentence opened by a study, poll or survey.
POLL_OPENER_RE = re.compile(r"In\s+(?:[\w’'./-]+\s+){0,8}?(?:poll|polls|survey|surveys|study|studies|analysis|report|research|review|audit)\b")
POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "their": "they"}
TOPIC_PREPOSITIONS = frozenset({"of", "for", "to", "on", "about", "against", "over", "at"})
# The prefilter: a topic noun or adjective right before (or one word before) its preposition.
TOPIC_PHRASE_RE = re.compile(
    r"\b(?:" + "|".join(sorted(set(TOPIC_NOUNS) | set(TOPIC_ADJECTIVES))) + r")\s+(?:[a-z]+\s+)?(?:of|for|to|on|about|against|over|at)\b",
    re.I,
)


def topic_reports(text: str, unit: Unit, doc, resolver: SpeakerResolver, *, taken: set[int]) -> list[tuple[Attribution, int, tuple[int, int]]]:
    """(attribution, cue token index, content token span) for each stance noun or adjective of
    the unit whose owner is a source."""
    out = []
    for cue in doc:
        preps = TOPIC_NOUNS.get(cue.lower_) if cue.tag_.startswith("NN") else TOPIC_ADJECTIVES.get(cue.lower_) if cue.tag_ == "JJ" else None
        if not preps or cue.i in taken or in_quote(unit, token_start(unit, cue)):
            continue
        prep = next((child for child in cue.children if child.dep_ == "prep" and child.lower_ in preps and child.i <= cue.i + 2), None)
        objects = [child for child in prep.children if child.dep_ in {"pobj", "pcomp"}] if prep is not None else []
        if not objects or all(obj.ent_type_ in {"DATE", "TIME"} for obj in objects):
            continue  # ("his remarks on Saturday": when, not what)
        speaker = _owner(cue, unit, doc, resolver)
        if speaker is None or not speaker.kind:
            continue
        span = (prep.i + 1, max(obj.right_edge.i for obj in objects))
        start, end = trim_content(text, token_start(unit, doc[span[0]]), token_end(unit, doc[span[1]]))
        if end <= start or any(quote.start < start < quote.end or quote.start < end < quote.end for quote in unit.quotes):
            continue
        kind = StatementKind.MIXED if any(start <= quote.start and quote.end <= end + 1 for quote in unit.quotes) else StatementKind.INDIRECT
        verb_end = token_end(unit, prep)
        out.append((Attribution(kind=kind, start=start, end=end, speaker=speaker, verb=text[token_start(unit, cue):verb_end],
                                verb_start=token_start(unit, cue), verb_end=verb_end, confidence=confidence_for(speaker, 0.55),
                                stance=Stance.ASSERTED), cue.i, span))
    return out


def _owner(cue, unit: Unit, doc, resolver: SpeakerResolver) -> SpeakerRef | None:
    """Whose stance it is: "Trump's criticism", "his criticism", "Trump voiced criticism",
    "Republicans have been critical"."""
    for child in cue.children:
        if child.dep_ == "poss":
            if child.lower_ in POSSESSIVE_PRONOUNS:
                return _possessive_pronoun(child, unit, resolver)
            if child.tag_ not in {"PRP$", "WP$"}:
                return resolver.resolve(doc, unit, child)
            return None
    head = cue.head
    if cue.tag_ == "JJ":
        if cue.dep_ != "acomp" or head.lower_ not in COPULAS:
            return None
    elif cue.dep_ != "dobj" or head.lower_ not in LIGHT_VERB_FORMS:
        return None
    if any(child.dep_ == "mark" and child.lower_ == "with" for child in head.children):
        return None  # "With leaders voicing concerns over X, …": the reporter's background, no one's report
    subject = next((child for child in head.children if child.dep_ in {"nsubj"}), None)
    if subject is None and head.dep_ in {"conj", "xcomp"}:
        subject = next((child for child in head.head.children if child.dep_ == "nsubj"), None)
    if subject is None or subject.lower_ in {"who", "which", "that"}:
        return None
    return resolver.resolve(doc, unit, subject)


def _possessive_pronoun(token, unit: Unit, resolver: SpeakerResolver) -> SpeakerRef | None:
    start, end = token_start(unit, token), token_end(unit, token)
    name = resolver.salience.pronoun(POSSESSIVE_PRONOUNS[token.lower_], resolver.index)
    if not name:
        return None
    if token.lower_ == "their":
        return SpeakerRef(name=name, kind=SourceKind.GROUP, resolved=False, mention=token.text, start=start, end=end)
    return resolver.named(name, mention=token.text, start=start, end=end)


def poll_setting(text: str, unit: Unit, doc, resolver: SpeakerResolver) -> Attribution | None:
    """"In a CNN poll released Monday, Clinton led by 5 points": a sentence opened by the study,
    poll or survey it reports (set off by a comma) is that source's finding."""
    opener = doc[0] if len(doc) else None
    if opener is None or opener.lower_ != "in" or opener.dep_ != "prep" or not opener.head.tag_.startswith(("VB", "MD")):
        return None
    if opener.head.lower_ in FORM_TO_LEMMA:
        return None  # "In a study, researchers found that …": the sentence's own cue reports it
    source = next((child for child in opener.children if child.dep_ == "pobj"), None)
    if source is None or source.lower_ not in DATA_SOURCES or source.lower_ in {"data", "returns", "count", "model", "models"}:
        return None
    comma = opener.right_edge.i + 1
    if comma >= len(doc) - 3 or doc[comma].text != ",":
        return None
    speaker = resolver.resolve(doc, unit, source)
    if speaker is None:
        return None
    start, end = trim_content(text, token_start(unit, doc[comma + 1]), token_end(unit, doc[len(doc) - 1]))
    if len(text[start:end].split()) < 3 or any(quote.start < start < quote.end for quote in unit.quotes):
        return None
    kind = StatementKind.MIXED if any(start <= quote.start < end for quote in unit.quotes) else StatementKind.INDIRECT
    verb_end = token_end(unit, source)
    return Attribution(kind=kind, start=start, end=end, speaker=speaker, verb=text[token_start(unit, opener):verb_end],
                       verb_start=token_start(unit, opener), verb_end=verb_end, confidence=confidence_for(speaker, 0.6))


# "voters see Clinton as the stronger candidate", "Birchers viewed communists as terrorists": a view.
LIFE_STAGES = {"child", "kid", "boy", "girl", "teenager", "teen", "youngster", "student", "adult", "baby", "youth"}
VIEW_FORMS = frozenset(form for lemma in ("see", "view", "regard") for form in inflect(lemma)) | {"saw", "seen"}


def views_as(text: str, unit: Unit, doc, resolver: SpeakerResolver, *, taken: set[int]) -> list[tuple[Attribution, int, tuple[int, int]]]:
    """A source's view of something "as" something else: the object and what it is seen as,
    marked as a belief."""
    out = []
    for verb in doc:
        if verb.lower_ not in VIEW_FORMS or not verb.tag_.startswith("VB") or verb.i in taken or in_quote(unit, token_start(unit, verb)):
            continue
        thing = next((child for child in verb.children if child.dep_ == "dobj" and child.i > verb.i), None)
        seen_as = next((child for child in [*verb.children, *(thing.children if thing is not None else [])]
                        if child.dep_ == "prep" and child.lower_ == "as" and child.i > verb.i), None)  # (or hung on the object)
        if thing is None or seen_as is None or not any(child.dep_ in {"pobj", "pcomp"} for child in seen_as.children):
            continue
        if any(child.dep_ == "pobj" and child.lower_ in LIFE_STAGES for child in seen_as.children):
            continue  # "saw the film as a child": when, not how it is seen
        subject = next((child for child in verb.children if child.dep_ == "nsubj"), None)
        if subject is None and verb.dep_ == "conj":
            subject = next((child for child in verb.head.children if child.dep_ == "nsubj"), None)
        speaker = resolver.resolve(doc, unit, subject) if subject is not None else None
        if speaker is None or not speaker.kind:
            continue
        span = (thing.left_edge.i, max(thing.right_edge.i, seen_as.right_edge.i))
        start, end = trim_content(text, token_start(unit, doc[span[0]]), token_end(unit, doc[span[1]]))
        if end <= start or any(quote.start < start < quote.end for quote in unit.quotes):
            continue
        kind = StatementKind.MIXED if any(start <= quote.start < end for quote in unit.quotes) else StatementKind.INDIRECT
        out.append((Attribution(kind=kind, start=start, end=end, speaker=speaker, verb=verb.text, verb_start=token_start(unit, verb),
                                verb_end=token_end(unit, verb), confidence=confidence_for(speaker, 0.55), stance=Stance.BELIEF),
                    verb.i, span))
    return out
