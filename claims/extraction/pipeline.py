"""The extraction pipeline: article text in, attributed statements with offsets out.

Steps, per article:
1. layout (layout.py, text.py): paragraphs, quotation spans paired per paragraph, sentence
   units; a lexicon prefilter picks the units worth parsing (a reporting cue or a quote mark);
   only those go through spaCy, batched across all articles of a call;
2. per parsed unit, each cue verb (cues.py) gives a speaker and a content (content.py), put
   together in attribution.py;
3. quotes with no cue in their unit (unattributed.py): a name line, a dash name, a leading
   "Name:", a split or floating quote after an attributed one, transcript turns;
4. speakers are resolved against the article index (resolution.py, speakers.py), in reading order;
5. the remaining sentences are scored for check-worthiness (checkworthy.py).
"""
from __future__ import annotations

import bisect

from . import checkworthy
from .attribution import attributions_in_unit
from .candidates import Attribution, Extracted, Stance, StatementKind
from .headlines import headline_attributions
from .layout import ArticleLayout
from .model import get_nlp
from .resolution import SpeakerResolver
from .spans import trim
from .speakers import ArticleIndex
from .text import Unit
from .unattributed import name_line, transcript_turns, unattributed_quotes

__all__ = ["Extracted", "extract", "extract_many"]


def extract_many(texts: list[str], *, checkworthy_threshold: float = 0.8) -> list[list[Extracted]]:
    """One list of candidates per text, in text order; the parses are batched across texts."""
    layouts = [ArticleLayout(text if isinstance(text, str) else "") for text in texts]
    jobs = [(layout, unit_number) for layout in layouts for unit_number in layout.to_parse]
    if jobs:
        nlp = get_nlp()
        chunks = (layout.unit_text_for_parse(unit_number) for layout, unit_number in jobs)
        for (layout, unit_number), doc in zip(jobs, nlp.pipe(chunks, batch_size=256)):
            layout.docs[unit_number] = doc
    return [_extract_article(layout, checkworthy_threshold=checkworthy_threshold) for layout in layouts]


def extract(text: str, **options) -> list[Extracted]:
    return extract_many([text], **options)[0]


def _extract_article(layout: ArticleLayout, *, checkworthy_threshold: float) -> list[Extracted]:
    text = layout.text
    index = ArticleIndex(text, [(layout.paras[number].start, layout.paras[number].end) for number in layout.headings])
    resolver = SpeakerResolver(text=text, index=index)
    found: list[Attribution] = []
    quote_owner: dict[int, Attribution] = {}  # quote start -> the attribution that took it
    for unit_number, unit in enumerate(layout.units):
        if unit.paragraph in layout.headings:
            name = name_line(layout, unit.paragraph, knows_person=resolver.knows_person)
            if name:
                resolver.salience.saw_person(index.full_name(name))
            continue
        doc = layout.docs.get(unit_number)
        unit_found: list[Attribution] = []
        if doc is not None:
            unit_found = attributions_in_unit(layout, unit, doc, resolver)
            for attribution in unit_found:
                for quote in unit.quotes:
                    if attribution.start <= quote.start and quote.end <= attribution.end:
                        quote_owner.setdefault(quote.start, attribution)
            found.extend(unit_found)
            _note_questions(resolver, unit_found, text)
        if not unit_found:
            resolver.read_plain_unit(unit, doc)
    found.extend(unattributed_quotes(layout, resolver, quote_owner, found))
    found.extend(transcript_turns(layout, resolver, {attribution.start for attribution in found}))
    found.extend(headline_attributions(layout, resolver))
    found = _dedupe(found)
    # every statement and every free sentence is scored for check-worthiness in one pass
    free = _free_sentences(layout, found)
    scores = checkworthy.score_many([text[attribution.start:attribution.end] for attribution in found]
                                    + [text[unit.start:unit.end] for unit in free])
    out = [_to_extracted(attribution, checkworthiness=score) for attribution, score in zip(found, scores)]
    for unit, score in zip(free, scores[len(found):]):
        if score >= checkworthy_threshold:
            start, end = trim(text, unit.start, unit.end)
            if end > start:
                out.append(Extracted(kind=StatementKind.CHECKWORTHY.value, start=start, end=end, confidence=score, checkworthiness=score))
    out.sort(key=lambda extracted: (extracted.start, extracted.end, extracted.kind))
    return out


def _note_questions(resolver: SpeakerResolver, attributions: list[Attribution], text: str) -> None:
    """After an interviewer's question ("“Will you run?” Tapper asked"), the "he" or "she" who
    answers is not the interviewer; any other statement ends that."""
    for attribution in attributions:
        asked = text[attribution.start:attribution.end].rstrip(" ”\"'’").endswith("?") or attribution.verb.lower().startswith("ask")
        if asked and attribution.speaker.resolved and attribution.speaker.kind == "person":
            resolver.salience.questioner = attribution.speaker.name
        elif attribution.speaker.name != resolver.salience.questioner:
            resolver.salience.questioner = ""


def _free_sentences(layout: ArticleLayout, found: list[Attribution]) -> list[Unit]:
    """Sentences outside every attribution (and without quotes): the ones that may be
    check-worthy on their own."""
    taken = sorted((attribution.start, attribution.end) for attribution in found)
    taken_starts = [span[0] for span in taken]
    longest = max((end - start for start, end in taken), default=0)
    return [unit for unit in layout.units if unit.paragraph not in layout.headings and not unit.quotes
            and not _overlaps_any(taken, taken_starts, unit.start, unit.end, longest)]


def _dedupe(found: list[Attribution]) -> list[Attribution]:
    """One candidate per span; a direct quote beats a clause that only wraps it."""
    found.sort(key=lambda attribution: (attribution.start, -(attribution.end - attribution.start)))
    unique: list[Attribution] = []
    seen: set[tuple[int, int]] = set()
    for attribution in found:
        if attribution.end <= attribution.start or (attribution.start, attribution.end) in seen:
            continue
        seen.add((attribution.start, attribution.end))
        unique.append(attribution)
    # a mixed/indirect clause that is essentially one direct quote is dropped
    directs = sorted((attribution.start, attribution.end) for attribution in unique if attribution.kind == StatementKind.DIRECT)
    starts = [span[0] for span in directs]
    keep = []
    for attribution in unique:
        if attribution.kind != StatementKind.DIRECT:
            low = bisect.bisect_left(starts, attribution.start - 2)
            high = bisect.bisect_right(starts, attribution.end + 2)
            length = attribution.end - attribution.start
            if any(end <= attribution.end + 2 and (end - start) >= 0.85 * length for start, end in directs[low:high]):
                continue
        keep.append(attribution)
    return keep


def _overlaps_any(spans: list[tuple[int, int]], starts: list[int], start: int, end: int, longest: int) -> bool:
    """Whether [start, end) overlaps one of the sorted ``spans`` (none is longer than ``longest``)."""
    low = bisect.bisect_left(starts, start - longest)
    high = bisect.bisect_left(starts, end)
    return any(span_end > start for _, span_end in spans[low:high])


def _to_extracted(attribution: Attribution, *, checkworthiness: float) -> Extracted:
    speaker = attribution.speaker
    return Extracted(
        kind=StatementKind(attribution.kind).value, start=attribution.start, end=attribution.end, speaker=speaker.name,
        speaker_kind=str(speaker.kind), speaker_resolved=speaker.resolved, speaker_mention=speaker.mention,
        speaker_start=speaker.start, speaker_end=speaker.end, speaker_aliases=tuple(speaker.aliases),
        speaker_roles=tuple(role for role in speaker.roles if role), verb=attribution.verb, verb_start=attribution.verb_start,
        verb_end=attribution.verb_end, confidence=attribution.confidence,
        checkworthiness=checkworthiness, floating=attribution.floating,
        stance=Stance(attribution.stance).value,
    )
