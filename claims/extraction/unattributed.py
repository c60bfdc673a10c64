"""Quotes with no cue in their unit: a following name line ("Pete Hegseth"), a dash name
("― Carla Sanchez"), a leading "Name:", a split or floating quote after an attributed one; and
upper-case transcript turns ("PENCE: ...")."""
from __future__ import annotations

import re

from .candidates import Attribution, StatementKind
from .layout import ArticleLayout
from .lexicon import FORM_TO_LEMMA, SAY
from .resolution import SpeakerResolver
from .speakers import looks_like_person, split_title
from .spans import is_standalone, trim_content

NAME_LINE = re.compile(r"^[—–-]?\s*(?:[A-Z][\w’'.-]*\s*){1,5}$")
CUE_AND_NAME_LEAD = re.compile(r"\s*([A-Z][a-z]+)\s+((?:[A-Z][\w’'.-]*\s+){0,5}[A-Z][\w’'-]*)\s*[:,]\s*")
NAME_LEAD = re.compile(r"\s*()((?:[A-Z][\w’'.-]*\s+){0,5}[A-Z][\w’'-]*)\s*:\s*")
DASH_NAME_TAIL = re.compile(r"[―—–-]+\s*((?:[A-Z][\w’'.-]*\s*){1,5})\.?$")
DASHED_ASIDE_LEAD = re.compile(r"(?:^|[\s,(])(?P<name>(?:[A-Z][\w’'.-]*\s+){0,4}[A-Z][\w’'-]*)\s*[—–]\s*$")
TURN = re.compile(r"[\"“]?([A-Z][A-Z.’'-]+(?: [A-Z][A-Z.’'-]+){0,2}):\s+(?=\S)")
NOT_TURN_LABELS = {"UPDATE", "NOTE", "EDITOR", "WATCH", "READ", "PHOTO", "VIDEO"}


def name_line(layout: ArticleLayout, para_number: int, *, knows_person=None) -> str:
    """The name on a line that holds only a speaker's name, right after a quoted paragraph."""
    if para_number == 0 or para_number in layout.boilerplate:
        return ""
    para = layout.paras[para_number]
    line = layout.text[para.start:para.end]
    if len(line) > 60 or not NAME_LINE.match(line):
        return ""
    previous = layout.paras[para_number - 1]
    if not any(quote.end == previous.end or (quote.end >= previous.end - 1 and quote.start < previous.end) for quote in layout.quotes):
        return ""
    bare = split_title(line.lstrip("—–- "))[1]
    if not looks_like_person(bare) or line.endswith("."):
        return ""
    # a single word is a credit line ("Netflix", "Reuters") unless the article names that person
    if len(bare.split()) < 2 and knows_person is not None and not knows_person(bare):
        return ""
    return bare


def unattributed_quotes(layout: ArticleLayout, resolver: SpeakerResolver, owner: dict[int, Attribution],
                        found: list[Attribution]) -> list[Attribution]:
    """Attributions for the standalone quotes no cue took (``owner``: quote start → the
    attribution that took it)."""
    text, index = layout.text, resolver.index
    out: list[Attribution] = []
    previous: Attribution | None = None
    previous_para = -10
    # the last attribution of each paragraph: a quoted paragraph right after it floats on it
    last_in_para: dict[int, Attribution] = {}
    for attribution in sorted(found, key=lambda attribution: attribution.end):
        last_in_para[layout.para_index(attribution.end - 1)] = attribution
    for quote in layout.quotes:
        para_number = layout.para_index(quote.start)
        if quote.start in owner:
            previous, previous_para = owner[quote.start], layout.para_index(quote.end - 1)
            continue
        if para_number - 1 in last_in_para and (
            previous is None or previous_para < para_number - 1 or last_in_para[para_number - 1].end > previous.end
        ):
            previous, previous_para = last_in_para[para_number - 1], para_number - 1
        if not is_standalone(text, quote) or len(text[quote.start:quote.end].split()) < 3:
            continue
        end_para = layout.para_index(quote.end - 1)
        following = layout.paras[end_para + 1] if end_para + 1 < len(layout.paras) else None
        tail = text[quote.end:layout.paras[end_para].end].strip()
        # "Rachel Reeves: “…”": a name and a colon lead the quote
        lead = text[layout.para_start(quote.start):quote.start]
        lead = re.split(r"(?<=[.!?])\s+(?=[A-Z])", lead)[-1]
        colon = CUE_AND_NAME_LEAD.fullmatch(lead)
        if colon and FORM_TO_LEMMA.get(colon.group(1).lower()) not in SAY:
            colon = None
        if colon is None:
            colon = NAME_LEAD.fullmatch(lead)
        attribution = None
        if colon:
            # "Rachel Reeves: “…”" or the inverted "Said Ellis: “…”"
            cue_word = colon.group(1)
            bare = split_title(colon.group(2))[1]
            if looks_like_person(bare) and (len(bare.split()) >= 2 or index.person(index.full_name(bare))):
                name_start = quote.start - len(lead) + colon.start(2)
                speaker = resolver.named(index.full_name(bare), mention=colon.group(2), start=name_start,
                                         end=name_start + len(colon.group(2)))
                verb_start = quote.start - len(lead) + colon.start(1) if cue_word else None
                attribution = Attribution(kind=StatementKind.DIRECT, start=quote.start, end=quote.end, speaker=speaker, verb=cue_word,
                                          verb_start=verb_start, verb_end=verb_start + len(cue_word) if cue_word else None,
                                          confidence=0.85)
        aside = DASHED_ASIDE_LEAD.search(lead) if attribution is None and re.match(r"\s*[—–]", tail) else None
        if aside:
            # "Ann Lee — “we will not resign” — left the hall": a quote set off by dashes after a name
            bare = split_title(aside.group("name"))[1]
            if looks_like_person(bare) and (len(bare.split()) >= 2 or index.person(index.full_name(bare))):
                name_start = quote.start - len(lead) + aside.start("name")
                speaker = resolver.named(index.full_name(bare), mention=aside.group("name"), start=name_start,
                                         end=name_start + len(aside.group("name")))
                attribution = Attribution(kind=StatementKind.DIRECT, start=quote.start, end=quote.end, speaker=speaker, confidence=0.7)
        dash = DASH_NAME_TAIL.match(tail) if attribution is None else None
        if dash:
            # "…” ― Carla Sanchez": a name after a dash, closing the quote's paragraph
            raw = dash.group(1).strip()
            bare = split_title(raw)[1]
            if looks_like_person(bare):
                name_start = text.find(raw, quote.end)
                speaker = resolver.named(index.full_name(bare), mention=raw, start=name_start, end=name_start + len(raw))
                attribution = Attribution(kind=StatementKind.DIRECT, start=quote.start, end=quote.end, speaker=speaker, confidence=0.85)
        if attribution is None and following is not None and not tail:
            # a line holding only the speaker's name
            bare = name_line(layout, end_para + 1, knows_person=resolver.knows_person)
            if bare:
                raw = text[following.start:following.end].lstrip("—–- ")
                name_start = following.start + (following.end - following.start - len(raw))
                speaker = resolver.named(index.full_name(bare), mention=raw, start=name_start, end=following.end)
                attribution = Attribution(kind=StatementKind.DIRECT, start=quote.start, end=quote.end, speaker=speaker, confidence=0.9)
        if attribution is None and previous is not None:
            attribution = _continued(layout, quote, previous=previous, previous_para=previous_para, para_number=para_number)
        if attribution is not None:
            out.append(attribution)
            previous, previous_para = attribution, end_para
    return out


def _continued(layout: ArticleLayout, quote, *, previous: Attribution, previous_para: int, para_number: int) -> Attribution | None:
    """A quote split by its cue ("“…,” he said. “…”"), or a floating quoted paragraph right after
    an attributed one: the previous speaker's. (A colon-led quote, "X said:" closing the previous
    paragraph, was taken when that paragraph was parsed.)"""
    text = layout.text
    same_para_split = (
        para_number == previous_para and quote.start >= previous.end and len(text[previous.end:quote.start].split()) <= 15
        and not any(
            other.start < quote.start and other.end > previous.end and is_standalone(text, other)
            for other in layout.quotes if other is not quote and other.start >= previous.end
        )
    )
    next_para = para_number == previous_para + 1 and text[layout.paras[para_number].start:quote.start].strip() == ""
    if not (same_para_split or next_para):
        return None
    floating = para_number != previous_para
    return Attribution(kind=StatementKind.DIRECT, start=quote.start, end=quote.end, speaker=previous.speaker,
                       verb=previous.verb if not floating else "", verb_start=None if floating else previous.verb_start,
                       verb_end=None if floating else previous.verb_end, confidence=0.7 if floating else 0.85, floating=floating)


def transcript_turns(layout: ArticleLayout, resolver: SpeakerResolver, taken: set[int]) -> list[Attribution]:
    """Interview transcripts: a paragraph opening with an upper-case speaker label
    ("PENCE: Well, look, ...") is that speaker's statement."""
    text = layout.text
    out = []
    for para_number, para in enumerate(layout.paras):
        if para_number in layout.headings:
            continue
        turn = TURN.match(text, para.start, para.end)
        if not turn or len(turn.group(1)) < 2 or turn.group(1) in NOT_TURN_LABELS:
            continue
        start, end = trim_content(text, turn.end(), para.end)
        if text[end:end + 1] in "”\"" and end < para.end:
            end += 1
        if end - start < 10 or start in taken:
            continue
        label = turn.group(1)
        speaker = resolver.named(resolver.index.full_name(label.title()), mention=label, start=turn.start(1), end=turn.start(1) + len(label))
        out.append(Attribution(kind=StatementKind.DIRECT, start=start, end=end, speaker=speaker, confidence=0.8))
    return out
