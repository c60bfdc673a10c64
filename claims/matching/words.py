"""Words as matching compares them: folding, abbreviations, contractions, stems, content words.

``_analyse`` turns a statement into the sequences every other part compares (keys, content
words, stems, capitalised names, quoted fragments); it is cached, as the same texts recur.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple


# A small generic table of abbreviations news text uses interchangeably with the full name.
# Keys are matched only when written in capitals ("US"), so the pronoun "us" is left alone.
ABBREVIATIONS = {
    "US": "united states",
    "USA": "united states",
    "UK": "united kingdom",
    "EU": "european union",
    "UN": "united nations",
    "NATO": "north atlantic treaty organization",
    "UAE": "united arab emirates",
}
_PHRASES = sorted({tuple(v.split()) for v in ABBREVIATIONS.values()}, key=len, reverse=True)
_PHRASES = _PHRASES + [("united", "states", "of", "america"), ("north", "atlantic", "treaty", "organisation")]
_PHRASES.sort(key=len, reverse=True)
_PHRASE_KEY = {p: "_".join(p) for p in _PHRASES}
_PHRASES_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
_PHRASE_KEY[("united", "states", "of", "america")] = "united_states"
_PHRASE_KEY[("north", "atlantic", "treaty", "organisation")] = "north_atlantic_treaty_organization"
for _phrase in _PHRASES:  # longest first, as sorted above
    _PHRASES_BY_FIRST.setdefault(_phrase[0], []).append(_phrase)

NEGATIONS = frozenset({"no", "not", "never", "nor", "none", "nothing", "nobody", "neither", "without", "cannot"})

# Function words that carry no claim content. Negations, numbers and modals of obligation
# ("must", "should", "can") are deliberately absent: changing them changes what was said.
STOPWORDS = frozenset(
    """
    a an the and or but if then so than that this these those there here of in on at to for from by with about as
    into onto over under after before between through during upon within via per
    is are was were be been being am have has had having do does did doing will would shall
    it its he she they we i you me him her them us my your his their our mine yours hers theirs ours itself himself
    herself themselves ourselves myself yourself who whom whose which what when where why how
    all any both each either few more most other some such only own same too very just also even still again
    further once ever yet really quite rather well much many lot lots
    said says say told tell tells saying according
    mr mrs ms dr s t d ll m re ve
    """.split()
)

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\d+(?:[.,]\d+)*%?|[^\W\d_]+(?:'[^\W\d_]+)*", re.UNICODE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_OPEN_QUOTES = "\"\u201c\u201e\u00ab"
_CLOSE_QUOTES = "\"\u201d\u00bb"


def _fold(text: str) -> str:
    text = text.translate(_APOSTROPHES)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    # Only non-ASCII characters can be combining marks: look at those alone, not at every character.
    return _NON_ASCII.sub(_drop_combining, text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _drop_combining(match: re.Match) -> str:
    return "" if unicodedata.combining(match.group()) else match.group()


class _Unit(NamedTuple):  # a tuple, not a dataclass: made for every word of every pool text
    """One word as written (``display``) and its comparison keys (a contraction gives two)."""

    display: str
    keys: tuple[str, ...]
    start: int
    end: int


@lru_cache(maxsize=100_000)  # word forms repeat (Zipf): the rules below run once per form
def _word_keys(raw: str) -> tuple[str, ...]:
    if "." in raw and raw[0].isalpha():  # dotted acronym: U.S. -> US
        raw = raw.replace(".", "")
    upper = raw.upper()
    # "US" but not "us"; three letters or more also in title case ("Nato", British style).
    if upper in ABBREVIATIONS and (raw.isupper() or (len(raw) >= 3 and raw.istitle())):
        return ("_".join(ABBREVIATIONS[upper].split()),)
    word = raw.casefold()
    if word[:1].isdigit():
        return (word.replace(",", "").rstrip("%") + ("%" if word.endswith("%") else ""),)
    if "'" in word:
        if word.endswith("n't"):
            base = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}.get(word[:-3], word[:-3])
            return (base, "not")
        base, _, _suffix = word.partition("'")
        return (base,)  # possessive 's and contracted auxiliaries ('re, 've, 'll, 'd, 'm) carry no content
    return (word,)


@lru_cache(maxsize=1024)
def _units(text: str) -> tuple[_Unit, ...]:
    return _split_units(_fold(text or ""))


def _split_units(folded: str) -> tuple[_Unit, ...]:
    """Words of already folded text; offsets point into ``folded``."""
    units = [_Unit(m.group(), _word_keys(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
    if not any(u.keys[0] in _PHRASES_BY_FIRST for u in units):
        return tuple(units)
    # Fold multi-word names ("United States") into the key their abbreviation has.
    out: list[_Unit] = []
    i = 0
    while i < len(units):
        for phrase in _PHRASES_BY_FIRST.get(units[i].keys[0], ()):
            n = len(phrase)
            if i + n <= len(units) and tuple(u.keys[0] for u in units[i:i + n]) == phrase:
                group = units[i:i + n]
                out.append(_Unit(" ".join(u.display for u in group), (_PHRASE_KEY[phrase],), group[0].start, group[-1].end))
                i += n
                break
        else:
            out.append(units[i])
            i += 1
    return tuple(out)


_STEMMER_LOCAL = threading.local()


# Place names and their adjectives meet (Ukraine/Ukrainian, Europe/European, Russia/Russian);
# applied whatever the case, so a sentence-initial word stems like the same word mid-sentence.
_DEMONYM = re.compile(r"(?<=\w{3})(?:ian|ean|ia)$")


@lru_cache(maxsize=200_000)  # vocabulary is Zipfian: the pure-Python stemmer runs once per word form
def _stem(word: str) -> str:
    if "_" in word or word[:1].isdigit():
        return word
    word = _DEMONYM.sub("", word)
    stemmer = getattr(_STEMMER_LOCAL, "stemmer", None)
    if stemmer is None:  # snowball stemmers are not thread-safe: one per thread
        import snowballstemmer

        stemmer = _STEMMER_LOCAL.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def _is_content(key: str) -> bool:
    return key not in STOPWORDS and (len(key) > 1 or key.isdigit())


@dataclass(frozen=True)
class _Analysis:
    words: tuple[str, ...]            # every key, in order (verbatim comparison)
    content: tuple[str, ...]          # content keys, unstemmed, in order (misquotes)
    content_display: tuple[str, ...]  # the word as written for each content key
    stems: tuple[str, ...]            # stemmed content keys, in order (variant / overlap)
    proper: tuple[bool, ...]          # whether each content word is capitalised (a name, mostly)
    quoted: tuple[tuple[str, ...], ...]  # stemmed content of each quoted fragment inside the text
    naming: tuple[bool, ...] = ()     # whether each content word names someone: a capitalised run,
                                      # or the title right before one ("presidential nominee Donald Trump")
    quantities: frozenset[str] = frozenset()  # numbers, months and weekdays: what makes "882" not "503"


# Words that fix a quantity or a date. Two statements that differ in one of these are different
# statements however close the rest is ("at least 882 delegates" / "at least 503 delegates").
_NUMBER_WORDS = frozenset(
    """
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
    million billion trillion half third quarter dozen
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday yesterday today tomorrow
    """.split()
)
# Stopwords allowed inside a title before a name ("secretary of state John Kerry", "president of
# the United States"); any other word or punctuation ends the title.
_TITLE_GLUE = frozenset({"of", "the"})
_TITLE_MAX_WORDS = 3  # lowercase words a title may have: past that, it is the sentence's own content


def _is_quantity(key: str, display: str) -> bool:
    if key[:1].isdigit():
        return True
    # "may" and "march" are months only when capitalised.
    return key in _NUMBER_WORDS and (key not in {"may", "march"} or display[:1].isupper())


def _naming_flags(tokens: list[tuple[str, bool, bool, bool]]) -> list[bool]:
    """Per token (key, content, capitalised, joined to the next by spaces alone): part of a name or its title.

    Names are capitalised content words; a title is up to ``_TITLE_MAX_WORDS`` lowercase content
    words (with "of"/"the" between them) leading straight into a name. Two statements that share
    only "Republican presidential nominee Donald Trump" or "the president of the United States"
    share who they are about, not what was said.
    """
    flags = [content and capitalised for _key, content, capitalised, _joined in tokens]
    k = len(tokens) - 1
    while k >= 0:
        if not flags[k]:
            k -= 1
            continue
        # Walk left from a name over its title words.
        j, title_words = k - 1, 0
        while j >= 0 and tokens[j][3] and not flags[j]:
            key, content, capitalised, _joined = tokens[j]
            if content and not capitalised and title_words < _TITLE_MAX_WORDS and not key[:1].isdigit():
                flags[j] = True
                title_words += 1
            elif key not in _TITLE_GLUE:
                break
            j -= 1
        k = j
    return flags


def _quoted_spans(folded: str) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, ch in enumerate(folded):
        if ch in _OPEN_QUOTES and start is None:
            start = i + 1
        elif ch in _CLOSE_QUOTES and start is not None:
            spans.append((start, i))
            start = None
    return spans


@lru_cache(maxsize=100_000)
def _content_stem(key: str) -> str | None:
    """The stem of a content key, None for a stopword."""
    return _stem(key) if _is_content(key) else None


# Small on purpose: a big cache of small objects makes the garbage collector's full passes cost
# more than the analyses they save.
@lru_cache(maxsize=4096)
def _analyse(text: str) -> _Analysis:
    folded = _fold(text or "")
    words, content, display, stems, proper, positions = [], [], [], [], [], []
    flagged: list[tuple[str, bool, bool, bool]] = []  # every key: (key, content, capitalised, spaces only to the next)
    content_at: list[int] = []  # index in ``flagged`` of each content word
    # Most texts name no multi-word phrase ("United States"): then each token is one unit and
    # the _Unit tuples _split_units would build are skipped (the top item of rank's profile; 18% off here).
    tokens = [(m.group(), m.start()) for m in _TOKEN.finditer(folded)]
    keyed = [(raw, _word_keys(raw), start, start + len(raw)) for raw, start in tokens]
    if any(keys[0] in _PHRASES_BY_FIRST for _raw, keys, _start, _end in keyed):
        keyed = [(unit.display, unit.keys, unit.start, unit.end) for unit in _split_units(folded)]
    for n, (unit_display, unit_keys, unit_start, unit_end) in enumerate(keyed):
        following = keyed[n + 1][2] if n + 1 < len(keyed) else None
        joined = following is not None and folded[unit_end:following].isspace()
        for m, key in enumerate(unit_keys):
            words.append(key)
            stem = _content_stem(key)
            # The keys of one word ("don't": do, not) are joined to each other.
            flagged.append((key, stem is not None, unit_display[:1].isupper(), joined or m + 1 < len(unit_keys)))
            if stem is not None:
                content_at.append(len(flagged) - 1)
                content.append(key)
                display.append(unit_display)
                stems.append(stem)
                proper.append(unit_display[:1].isupper())
                positions.append(unit_start)
    quoted = []
    if any(q in folded for q in _OPEN_QUOTES):
        for start, end in _quoted_spans(folded):
            inside = tuple(stems[k] for k, pos in enumerate(positions) if start <= pos < end)
            if inside and len(inside) < len(stems):  # a fragment, not the whole statement in quote marks
                quoted.append(inside)
    naming_of_token = _naming_flags(flagged)
    naming = tuple(naming_of_token[k] for k in content_at)
    quantities = frozenset(key for key, disp in zip(content, display) if _is_quantity(key, disp))
    return _Analysis(tuple(words), tuple(content), tuple(display), tuple(stems), tuple(proper), tuple(quoted),
                     naming, quantities)
