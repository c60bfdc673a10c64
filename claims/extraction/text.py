"""Cheap, parse-free layout of an article: paragraphs, quotation spans and sentence units.

Everything here is regular expressions and character scans, so it runs over every line of
every article; only the units that hold a quote or a reporting cue go on to the parser.

Quote pairing is done per paragraph with recovery, so one unbalanced mark costs at most its own
paragraph: a paragraph that ends inside a quote continues it only when the next paragraph opens
with a quote mark (the newspaper convention for quotes running over several paragraphs).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .lexicon import FORM_TO_LEMMA, SAY

OPENERS = "“„«"
CLOSERS = "”»"
AMBIGUOUS = '"'
MARKS = OPENERS + CLOSERS + AMBIGUOUS
_MARK = re.compile(f"[{MARKS}]")

# Invisible characters that may sit around marks and words (zero-width, bidi controls).
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@dataclass
class Paragraph:
    start: int
    end: int  # exclusive, trailing whitespace trimmed


@dataclass
class Quote:
    start: int  # the opening mark
    end: int  # just past the closing mark
    closed: bool = True
    paragraphs: int = 1  # how many paragraphs it runs over

    def inside(self, pos: int) -> bool:
        return self.start < pos < self.end


@dataclass
class Unit:
    """A sentence, or several when a quotation runs over sentence ends."""

    start: int
    end: int
    paragraph: int
    quotes: list[Quote] = field(default_factory=list)


def paragraphs(text: str) -> list[Paragraph]:
    out = []
    for line in re.finditer(r"[^\n\r\u2028\u2029]+", text):
        start, end = line.start(), line.end()
        while start < end and (text[start].isspace() or text[start] in INVISIBLE):
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in INVISIBLE):
            end -= 1
        if end > start:
            out.append(Paragraph(start, end))
    return out


def _opens(text: str, pos: int) -> bool:
    """Whether an ambiguous straight quote at ``pos`` reads as an opening mark."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    if before.isspace() or before in "([{—–-/" + INVISIBLE or pos == 0:
        return not after.isspace()
    return False


def find_quotes(text: str, paras: list[Paragraph]) -> list[Quote]:
    """Quotation spans. Doubled single marks ('' and ``, an old newswire habit) count as one
    double mark; the span then ends after both characters."""
    text = re.sub(r"''|``", '"\x00', text)
    if "‘" in text and not re.search(r"[“”\"]", text):
        # British style: single marks are the quote marks. An apostrophe inside a word
        # (don’t) is followed by a letter; a closing mark is not.
        text = text.replace("‘", "“")
        text = re.sub(r"(?<=[\w.,!?…])’(?=[\s,.;:!?)\]—–-]|$)", "”", text)
    quotes = _pair(text, paras)
    for quote in quotes:
        if quote.end < len(text) and text[quote.end] == "\x00":
            quote.end += 1
    return quotes


def _pair(text: str, paras: list[Paragraph]) -> list[Quote]:
    quotes: list[Quote] = []
    carry: Quote | None = None  # a quote left open at the end of the previous paragraph
    for para_number, para in enumerate(paras):
        open_at: int | None = None
        continuing = None
        first = para.start
        if carry is not None:
            if text[first] in OPENERS or text[first] == AMBIGUOUS:
                continuing = carry  # the paragraph re-opens the running quote
            carry = None
        nested = False  # inside a curly quote nested in a straight one ("… the question: “…?” …")
        for found in _MARK.finditer(text, para.start, para.end):  # the marks alone, not every character
            pos, mark = found.start(), found.group()
            if mark in OPENERS and open_at is not None and pos > para.start and not text[pos - 1].isspace() \
                    and (pos + 1 >= para.end or text[pos + 1].isspace()):
                mark = CLOSERS[0]  # "… 51 percent.“": an opening mark that opens nothing is a mistyped closer
            if nested:
                if mark in CLOSERS:
                    nested = False
                continue
            if open_at is not None and mark in OPENERS and text[open_at] == AMBIGUOUS \
                    and text[pos - 1:pos].isspace() and CLOSERS[0] in text[pos:para.end]:
                nested = True  # a curly quote inside a straight one: the outer quote stays open
                continue
            if continuing is not None and pos == first:
                open_at = continuing.start
                continuing.paragraphs += 1
            elif open_at is None:
                if mark in OPENERS or (mark == AMBIGUOUS and _opens(text, pos)) or (mark in CLOSERS and _opens(text, pos)):
                    open_at = pos
            else:
                if mark == AMBIGUOUS and text[open_at] in OPENERS and _opens(text, pos) and not (continuing is not None and open_at == continuing.start):
                    # a straight mark that opens, inside a curly quote never closed: recover
                    open_at = pos
                elif mark in CLOSERS or mark == AMBIGUOUS:
                    quote = continuing if continuing is not None and open_at == continuing.start else Quote(open_at, pos + 1)
                    quote.end = pos + 1
                    quote.closed = True
                    quotes.append(quote)
                    open_at = None
                    continuing = None
                elif mark in OPENERS:
                    # An opening mark inside an open quote: the earlier mark was never closed.
                    open_at = pos
                    continuing = None
        if open_at is not None:
            following = paras[para_number + 1] if para_number + 1 < len(paras) else None
            running = continuing if continuing is not None and open_at == continuing.start else Quote(open_at, para.end, closed=False)
            running.end = para.end
            boundary = text[para.start:open_at].rstrip()[-1:] in ("", ",", ":", ";", ".", "!", "?", "—", "–", "-", "(")
            same_style = (text[following.start] == AMBIGUOUS) == (text[running.start] == AMBIGUOUS) if following is not None else False
            if following is not None and text[following.start] in OPENERS + AMBIGUOUS and same_style and (boundary or running.paragraphs > 1):
                carry = running
            elif running.start == para.start or (continuing is not None and open_at == continuing.start):
                # A quote opened at the paragraph start and never closed: take the paragraph.
                running.closed = False
                quotes.append(running)
    quotes.sort(key=lambda q: q.start)
    return quotes


ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "st", "jr", "sr",
    "no", "vs", "inc", "corp", "co", "ltd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "etc", "approx", "adm", "rev", "ft", "mt", "ave",
    "d.c", "a.m", "p.m", "fig", "al", "pres", "supt", "dept", "univ", "assn", "bros", "messrs", "op", "ed",
    "del", "atty", "maj", "brig", "cmdr", "cdr", "sens", "reps", "govs", "ald", "hon", "mme", "mlle", "dr", "drs",
}

_WORD_BEFORE = re.compile(r"([\w.]+)$")  # the word before a full stop (searched up to the stop)
_INITIAL = re.compile(r"[a-z]")
_INITIALS = re.compile(r"(\w\.)+\w")
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+(?:''|``|[\"“'‘(\[«])?[A-Z0-9])")

# A named speaker and a saying verb right after a quote's closing mark ('"Stop it!" Tom Reyes
# said.', '"… listening." Sen. Ann Lee (D-Ore.) says'): the attribution of that quote, not a
# new sentence, even though a capital follows the quote's own end punctuation.
_SAY_FORMS = sorted((form for form, lemma in FORM_TO_LEMMA.items() if lemma in SAY and not form.endswith("ing")), key=len, reverse=True)
_NAME_AND_CUE = re.compile(
    r"\s+(?:[A-Z][\w’'.-]*\s+){0,4}[A-Z][\w’'-]*(?:\s+\([^()]{1,20}\))?(?:,[^.!?“”\"\n]{1,120},)?\s+(?:"
    + "|".join(_SAY_FORMS) + r")\b"
)


def units(text: str, paras: list[Paragraph], quotes: list[Quote]) -> list[Unit]:
    """Split paragraphs into sentence units, never inside a quotation."""
    out: list[Unit] = []
    first_quote = 0
    starts = [q.start for q in quotes]
    for para_number, para in enumerate(paras):
        start = dateline_end(text, para) if para_number <= 3 else para.start
        segment = text[para.start:para.end]
        cuts = []
        for end_mark in _END.finditer(segment):
            pos = para.start + end_mark.end()
            dot = para.start + end_mark.start()
            word = _WORD_BEFORE.search(text, max(para.start, dot - 12), dot) if text[dot] == "." else None
            if word:
                lower = word.group(1).lower()
                if lower in ABBREVIATIONS or _INITIAL.fullmatch(lower) or _INITIALS.fullmatch(lower):
                    continue
            if _inside_quote(quotes, starts, pos):
                continue
            if text[pos - 1] in CLOSERS + AMBIGUOUS + "’'" and _attributes_the_quote_before(text, pos, para.end):
                continue
            cuts.append(pos)
        for pos in cuts + [para.end]:
            unit_start, unit_end = start, pos
            while unit_start < unit_end and text[unit_start].isspace():
                unit_start += 1
            if unit_end > unit_start:
                out.append(Unit(unit_start, unit_end, para_number))
            start = pos
    # attach quotes (a quote belongs to every unit it overlaps)
    for unit in out:
        while first_quote < len(quotes) and quotes[first_quote].end <= unit.start:
            first_quote += 1
        number = first_quote
        while number < len(quotes) and quotes[number].start < unit.end:
            if quotes[number].end > unit.start:
                unit.quotes.append(quotes[number])
            number += 1
    return out


def _attributes_the_quote_before(text: str, pos: int, end: int) -> bool:
    """Whether the sentence at ``pos`` is only the attribution of the quote that ends there:
    a name and a saying verb, then at most a short adjunct ("on Tuesday", "to reporters"), not a
    reported clause of its own ("Trump said he would go")."""
    cue = _NAME_AND_CUE.match(text, pos, end)
    if cue is None:
        return False
    rest = re.match(r"[^.!?“”\"]*", text[cue.end():end]).group(0)
    words = rest.replace(",", " ").split()
    return len(words) <= 8 and not any(word.lower() in _CLAUSE_OPENERS for word in words)


_CLAUSE_OPENERS = {"that", "he", "she", "they", "it", "we", "i", "you", "there", "this", "his", "her", "their", "its"}


def _inside_quote(quotes: list[Quote], starts: list[int], pos: int) -> bool:
    """Whether ``pos`` falls strictly inside a quotation (quotes sorted, never overlapping)."""
    before = bisect.bisect_left(starts, pos) - 1
    return before >= 0 and quotes[before].inside(pos)


BOILERPLATE = re.compile(
    r"""(?ix)^\s*(?:
        (?:article|story)\s+continue[sd]?\s+(?:below|after|on) | continued\s+(?:below|on|from)
      | advertisement\b | advertising\b | sponsored\b | promoted\b
      | (?:photo|image|picture|video|graphic|illustration|photograph|credit)s?(?:\s+(?:credit|by|courtesy))?\s*[:|/]
      | \(?(?:photo|image|picture|video)s?\s+(?:by|courtesy|credit)\b
      | (?:sign\s+up|subscribe|follow\s+us|like\s+us|download\s+(?:our|the)|read\s+(?:also|more)|see\s+also|related\b
         |watch\b|listen\b|click\s+here|share\s+(?:this|on)|tap\s+here|more\s+from\b|get\s+(?:our|the)\b.{0,40}newsletter)
      | copyright\b | © | all\s+rights\s+reserved
    )"""
)
CREDIT_END = re.compile(r"(?:^|/|\(|\b(?:via|for)\s+)(?:Reuters|AP|AFP|Getty(?:\s+Images)?|EPA|Bloomberg|Shutterstock|Alamy|PA)(?:\s+Photo)?\)?\.?\s*$")
# "WASHINGTON (AFP) —", "LONDON, March 3 (Reuters) -", "FLINT, Mich., Oct. 4 (UPI) —": where the
# story was filed, not part of its first sentence.
DATELINE = re.compile(
    r"[A-Z][A-Z.’'-]+(?:\s+[A-Z][A-Z.’'-]+)*(?:,\s*[A-Z][\w.]*(?:\s+[A-Z]?[\w.]+){0,3})*\s*(?:\([A-Za-z .&]+\))?\s*(?:—|–|―|--|-)\s+"
)


def is_boilerplate(text: str, para: Paragraph) -> bool:
    """Page furniture, never a statement or a speaker: "Article Continued Below", photo credits,
    newsletter and promotion blocks, copyright lines."""
    line = text[para.start:para.end]
    if BOILERPLATE.match(line):
        return True
    words = line.split()
    if len(words) <= 8 and re.match(r"(?i)(?:photo|image|picture)?\s*credits?\b", line):
        return True  # "Credit Jane Roe"
    return len(words) <= 15 and CREDIT_END.search(line) is not None or len(words) <= 30 and "newsletter" in line.lower()


def dateline_end(text: str, para: Paragraph) -> int:
    """Where a paragraph's first sentence starts after a dateline (its start when it has none)."""
    match = DATELINE.match(text, para.start, para.end)
    return match.end() if match and match.end() < para.end else para.start


def is_title(text: str, para: Paragraph) -> bool:
    """A title line: short, with most of its longer words capitalised ("Trump Says He Will Win")."""
    words = re.findall(r"[A-Za-z][\w’'-]*", text[para.start:para.end])
    long_words = [word for word in words if len(word) > 3]
    return 0 < len(words) <= 25 and len(long_words) >= 3 and sum(word[0].isupper() for word in long_words) >= 0.9 * len(long_words)


def is_heading(text: str, para: Paragraph) -> bool:
    """Headlines, sub-headings and link lines ("READ ALSO: ...") are not statements."""
    line = text[para.start:para.end]
    if re.match(r"(?i)\s*(read (also|more)|see also|related|watch|listen|click here|sign up|subscribe)\b\s*[:\-–—]?", line):
        return True
    words = line.split()
    if not words:
        return True
    if line[-1] in ".!?\"”’'…:;)" or line.endswith((".“", "?“", "!“")):
        return False
    return len(words) <= 25
