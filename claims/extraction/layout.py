"""One article laid out for the stages: paragraphs, quotes, sentence units, headings, and which
units a lexicon prefilter sends to spaCy (a reporting cue or a quote mark outside quotes)."""
from __future__ import annotations

import re

from .lexicon import (
    ACCORDING, ACCORDING_WORDS, FORM_TO_LEMMA, CLAUSE_AFTER_CUE_RE, CLOSING_CUE_RE, CUE_FORMS, DECLINED_PREFIXES, DECLINED_RE, INVERTED_CUE_RE, INVERTED_FORMS, REPORT_NOUNS, REPORTED_CONTENT,
    TOPIC_CUE_RE, TOPIC_WORDS, WEAK_CUE_FORMS,
)
from .content import DATA_SOURCES, FINDING
from .topics import POLL_OPENER_RE, TOPIC_PHRASE_RE, TOPIC_PREPOSITIONS, VIEW_FORMS
from .text import INVISIBLE, Paragraph, Unit, find_quotes, is_boilerplate, is_heading, is_title, paragraphs, units

MAX_PARSE_CHARS = 4000  # a "sentence" longer than this is not prose worth parsing
WORD = re.compile(r"[a-z]+")
# "Polling averages show Clinton ahead", "the models show the storm turning": a record and what it shows.
FINDING_FORMS = frozenset(form for form, lemma in FORM_TO_LEMMA.items() if lemma in FINDING)
SOURCE_SHOWS_RE = re.compile(r"\b(?:" + "|".join(sorted(DATA_SOURCES)) + r")\s+(?:" + "|".join(sorted(FINDING_FORMS)) + r")\b", re.I)


class ArticleLayout:
    """Per-article working state: the layout, the units to parse, and their parses (``docs``,
    by unit number, filled in by the caller)."""

    def __init__(self, text: str):
        self.text = text
        self.paras = paragraphs(text)
        self.quotes = find_quotes(text, self.paras)
        self.units = units(text, self.paras, self.quotes)
        self.boilerplate = {number for number, para in enumerate(self.paras) if is_boilerplate(text, para)}
        # headings: headlines, sub-headings, link lines, page furniture, and a title-cased first line
        self.headings = self.boilerplate | {
            number for number, para in enumerate(self.paras)
            if (is_heading(text, para) or number == 0 and len(self.paras) > 1 and is_title(text, para)) and not self._opens_in_quote(para)
        }
        self.to_parse: list[int] = []
        for unit_number, unit in enumerate(self.units):
            if unit.paragraph in self.headings or unit.end - unit.start > MAX_PARSE_CHARS:
                continue
            if worth_parsing(text[unit.start:unit.end], unit):
                self.to_parse.append(unit_number)
        self.docs: dict[int, object] = {}

    def _opens_in_quote(self, para: Paragraph) -> bool:
        return any(quote.start <= para.start < quote.end for quote in self.quotes)

    def unit_text_for_parse(self, unit_number: int) -> str:
        unit = self.units[unit_number]
        return clean_for_parse(self.text[unit.start:unit.end])

    def para_index(self, pos: int) -> int:
        """The number of the paragraph holding offset ``pos`` (the last one starting before it)."""
        low, high = 0, len(self.paras) - 1
        while low < high:
            mid = (low + high + 1) // 2
            if self.paras[mid].start <= pos:
                low = mid
            else:
                high = mid - 1
        return low

    def para_start(self, pos: int) -> int:
        return self.paras[self.para_index(pos)].start


def worth_parsing(chunk: str, unit: Unit) -> bool:
    """Whether a sentence may attribute something: a reporting cue outside its quotes, "according
    to", a colon with a quote, a weak cue beside reported content, an inverted cue after a comma,
    a refusal or an intention."""
    outside = mask_quotes(chunk, unit)
    words = set(WORD.findall(outside.lower()))
    return bool(
        not words.isdisjoint(CUE_FORMS)
        or (not words.isdisjoint(ACCORDING_WORDS) and ACCORDING.search(outside))
        or (unit.quotes and ":" in outside)
        or outside.rstrip().endswith(":")
        or (not words.isdisjoint(WEAK_CUE_FORMS) and REPORTED_CONTENT.search(chunk))
        or (not words.isdisjoint(INVERTED_FORMS)
            and any(match.group(1).lower() in INVERTED_FORMS for match in INVERTED_CUE_RE.finditer(outside)))
        or (not words.isdisjoint(INVERTED_FORMS)
            and any(match.group(1).lower() in INVERTED_FORMS for match in CLAUSE_AFTER_CUE_RE.finditer(outside)))
        or (not words.isdisjoint(INVERTED_FORMS) and (closing := CLOSING_CUE_RE.search(outside)) is not None
            and closing.group(1) in INVERTED_FORMS)
        or (any(word.startswith(DECLINED_PREFIXES) for word in words) and DECLINED_RE.search(outside))
        or ("that" in words and not words.isdisjoint(REPORT_NOUNS))
        or (not words.isdisjoint(TOPIC_WORDS) and not words.isdisjoint(WEAK_CUE_FORMS) and TOPIC_CUE_RE.search(outside) is not None)
        or (not words.isdisjoint(TOPIC_PREPOSITIONS) and TOPIC_PHRASE_RE.search(outside) is not None)
        or (outside.startswith("In ") and POLL_OPENER_RE.match(outside) is not None)
        or ("as" in words and not words.isdisjoint(VIEW_FORMS))
        or (not words.isdisjoint(FINDING_FORMS) and not words.isdisjoint(DATA_SOURCES) and SOURCE_SHOWS_RE.search(outside) is not None)
    )


def mask_quotes(chunk: str, unit: Unit) -> str:
    """The unit's text with quoted stretches blanked out (cues inside a quote are not ours)."""
    if not unit.quotes:
        return chunk
    chars = list(chunk)
    for quote in unit.quotes:
        for pos in range(max(quote.start, unit.start) - unit.start, min(quote.end, unit.end) - unit.start):
            chars[pos] = " "
    return "".join(chars)


def clean_for_parse(chunk: str) -> str:
    # Invisible characters confuse the tokenizer; swap them for spaces (same length). A
    # horizontal bar ("―", some outlets' dash) is parsed as the em dash it stands for.
    return chunk.translate(_FOR_PARSE)


_FOR_PARSE = str.maketrans({**dict.fromkeys(INVISIBLE, " "), "―": "—"})
