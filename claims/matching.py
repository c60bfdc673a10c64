"""Cross-outlet claim matching: plain statements in, scored and typed matches out.

Pure Python over plain data (no database, no Django), so it can be tested and benchmarked alone
and used both by ``claims.services.propose_matches`` and by ``manage.py rank_claims``.

Pieces:
- ``normalise``-style tokenising that folds case, accents, punctuation, contractions and common
  abbreviations ("US" / "U.S." / "United States") so that two outlets' wordings compare fairly;
- ``shingles`` — hashed content-word bigrams, the inverted-index keys used for retrieval;
- ``embed`` — 256-dim static sentence embeddings (wordllama, weights inside its wheel);
- ``rank`` — scores a query statement against a retrieved pool and types each pair as verbatim,
  wording variant, paraphrase or same words by another speaker;
- ``word_diff`` / ``misquote_words`` — how two citations of one claim differ, for the claim page.

Relation typing (see ``_relation``):
- *verbatim*: the same words once case, punctuation and abbreviations are folded;
- *variant*: the same words with edits — a high in-order overlap of content words, a long shared
  run of content words, or a quoted fragment of one that the other repeats (a mixed quote citing
  part of a full quote);
- *paraphrase*: the same meaning in other words — embedding similarity above a threshold;
- *other_speaker*: the same or similar words attributed to a *different* known speaker: shown as
  related, never merged.
An unknown speaker on either side keeps the wording relation but reports ``speaker_agrees=None``;
callers must not merge such a pair automatically (``MatchResult.auto_mergeable`` is False), since
"same words, unknown speaker" may well be someone else repeating them.
Pairs further apart in time than ``window_days`` are not matched at all.

The default thresholds are justified by measurements printed by ``bench/matching_thresholds.py``.
"""
from __future__ import annotations

import difflib
import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

import numpy as np

RELATION_VERBATIM = "verbatim"
RELATION_VARIANT = "variant"
RELATION_PARAPHRASE = "paraphrase"
RELATION_OTHER_SPEAKER = "other_speaker"
RELATION_NONE = "none"
SAME_CLAIM_RELATIONS = (RELATION_VERBATIM, RELATION_VARIANT, RELATION_PARAPHRASE)

EMBEDDING_DIM = 256

# Defaults; services pass overrides from settings (FACTDESK_MATCH_*). See bench/matching_thresholds.py.
VARIANT_MIN_RATIO = 0.7       # in-order share of content words (Dice over the aligned sequence)
VARIANT_MIN_RUN = 3           # ... together with at least this many consecutive shared content words
SHARED_RUN_MIN = 5            # or this many consecutive shared content words on their own
QUOTED_FRAGMENT_MIN = 3       # or a quoted fragment of at least this many content words repeated
PARAPHRASE_MIN_SEMANTIC = 0.56           # same meaning, whatever the words
SUPPORTED_MIN_SEMANTIC = 0.50            # ... lower when the two also share a phrase:
SUPPORTED_MIN_RUN = 2                    # ... this many consecutive content words
OTHER_SPEAKER_MIN_SEMANTIC = 0.53       # ... and sharing a word that is not a name
SEMANTIC_MIN_WORDS = 5                   # meaning alone counts only if both have this many content
                                         # words: a 3-word fragment's vector is mostly its names
UNKNOWN_SPEAKER_MIN_SEMANTIC = 0.75      # paraphrase when a speaker is unknown: above every
                                         # different-speaker negative of the sample (max 0.709)
PREFILTER_MIN_SEMANTIC = 0.45  # below this, a pair is only examined if it shares 2+ content words
SEMANTIC_FLOOR = 0.25          # below this, a pair is not examined at all (the pool's bulk: speed)
MAX_RESULTS = 10
WINDOW_DAYS = 30


@dataclass(frozen=True)
class Thresholds:
    """Tunable cut-offs of ``rank``; services build one from settings."""

    variant_min_ratio: float = VARIANT_MIN_RATIO
    variant_min_run: int = VARIANT_MIN_RUN
    shared_run_min: int = SHARED_RUN_MIN
    quoted_fragment_min: int = QUOTED_FRAGMENT_MIN
    paraphrase_min_semantic: float = PARAPHRASE_MIN_SEMANTIC
    supported_min_semantic: float = SUPPORTED_MIN_SEMANTIC
    supported_min_run: int = SUPPORTED_MIN_RUN
    other_speaker_min_semantic: float = OTHER_SPEAKER_MIN_SEMANTIC
    unknown_speaker_min_semantic: float = UNKNOWN_SPEAKER_MIN_SEMANTIC
    semantic_min_words: int = SEMANTIC_MIN_WORDS
    prefilter_min_semantic: float = PREFILTER_MIN_SEMANTIC
    semantic_floor: float = SEMANTIC_FLOOR
    max_results: int = MAX_RESULTS


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Statement:
    """One statement to match: ``speaker`` is an opaque key ("" = unknown)."""

    id: object
    text: str
    speaker: str = ""
    published: date | None = None


@dataclass(frozen=True)
class MatchResult:
    target_id: object
    relation: str
    score: float
    lexical: float
    semantic: float
    evidence: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def auto_mergeable(self) -> bool:
        """Verbatim or variant by a speaker known to be the same: policy may cite it at once."""
        return (
            self.relation in (RELATION_VERBATIM, RELATION_VARIANT)
            and self.evidence.get("speaker_agrees") is True
            and not self.evidence.get("polarity_differs")  # a dropped "not" is for an editor to see
        )


# --------------------------------------------------------------------------- normalisation

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
    # Most texts name no multi-word phrase ("United States"): then each token is one unit and
    # the _Unit tuples _split_units would build are skipped (the top item of rank's profile; 18% off here).
    tokens = [(m.group(), m.start()) for m in _TOKEN.finditer(folded)]
    keyed = [(raw, _word_keys(raw), start) for raw, start in tokens]
    if any(keys[0] in _PHRASES_BY_FIRST for _raw, keys, _start in keyed):
        keyed = [(unit.display, unit.keys, unit.start) for unit in _split_units(folded)]
    for unit_display, unit_keys, unit_start in keyed:
        for key in unit_keys:
            words.append(key)
            stem = _content_stem(key)
            if stem is not None:
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
    return _Analysis(tuple(words), tuple(content), tuple(display), tuple(stems), tuple(proper), tuple(quoted))


# --------------------------------------------------------------------------- shingles


def _hash(key: str) -> int:
    # blake2b, not hash(): stable across processes; masked to 63 bits to fit a PostgreSQL bigint.
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big") & ((1 << 63) - 1)


def shingle_keys(text: str) -> set[str]:
    """The readable shingles behind ``shingles``: content-word pairs up to two words apart.

    Gaps of one and two words let "Europe must be involved in any negotiations" and "Europe has
    to be part of these negotiations" share "europ negoti". On the corpus (bench/corpus_matches.py)
    the skip-two pairs added 3 paraphrase suggestions to 231 and 122 related ones to 1,170, for
    half again as many index rows (capped per query, so retrieval time stays flat).
    """
    stems = _analyse(text).stems
    if len(stems) < 3:
        # Too short for bigrams to be specific enough alone: index the words too.
        keys = set(stems)
        if len(stems) == 2:
            keys.add(" ".join(stems))
        return keys
    keys = {f"{a} {b}" for a, b in zip(stems, stems[1:])}
    keys |= {f"{a} {b}" for a, b in zip(stems, stems[2:])}  # tolerates one inserted or dropped word
    keys |= {f"{a} {b}" for a, b in zip(stems, stems[3:])}  # ... or two
    return keys


def shingles(text: str) -> set[int]:
    """Hashed content-word bigrams of ``text`` (stable, signed-bigint-safe ints) for the retrieval index."""
    return {_hash(k) for k in shingle_keys(text)}


# --------------------------------------------------------------------------- embeddings

_MODEL = None
_MODEL_LOCK = threading.Lock()


def _model():
    global _MODEL
    if _MODEL is None:
        with _MODEL_LOCK:
            if _MODEL is None:
                from pathlib import Path

                import wordllama
                from wordllama import WordLlama

                _MODEL = WordLlama.load(
                    config="l2_supercat", dim=EMBEDDING_DIM, cache_dir=Path(wordllama.__file__).parent, disable_download=True
                )
    return _MODEL


def _embedding_text(text: str) -> str:
    # Folded words (case, punctuation, "US" -> "united states") embed closer across outlets'
    # wordings than raw text: measured in bench/matching_thresholds.py.
    words = _analyse(text or "").words
    return " ".join(w.replace("_", " ") for w in words) or (text or "")


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalised float32 sentence vectors, shape (len(texts), 256). Loads the model once per process."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    vectors = np.asarray(_model().embed([_embedding_text(t) for t in texts], norm=False), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


# --------------------------------------------------------------------------- diffs


def word_diff(a: str, b: str) -> list[tuple[str, str]]:
    """Word-level diff from ``a`` to ``b``: ("equal" | "delete" | "insert", words as written).

    Words compare with case, punctuation and abbreviations folded, so "the US" and "the United
    States" are equal; equal runs show ``b``'s wording, so the diff reads as ``b`` as reported, with
    what only ``a`` has marked as deleted.
    """
    ua, ub = _units(a), _units(b)
    ka, kb = [" ".join(u.keys) for u in ua], [" ".join(u.keys) for u in ub]
    ops: list[tuple[str, str]] = []

    def push(op, units):
        if units:
            text = " ".join(u.display for u in units)
            if ops and ops[-1][0] == op:
                ops[-1] = (op, ops[-1][1] + " " + text)
            else:
                ops.append((op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if tag == "equal":
            push("equal", ub[j1:j2])
        else:
            push("delete", ua[i1:i2])
            push("insert", ub[j1:j2])
    return ops


def _meaning_critical(key: str) -> bool:
    return key in NEGATIONS or key[:1].isdigit()


def misquote_words(a: str, b: str) -> list[str]:
    """Content words that differ between two citations of one claim; empty = no possible misquote.

    Punctuation, case, stopwords and abbreviation variants ("US"/"United States") are ignored.
    Words only one citation has *at its edges* are a longer or shorter excerpt, not a misquote,
    unless they are negations or numbers, which change what the shared words mean.
    """
    ca, cb = _analyse(a), _analyse(b)
    ops = difflib.SequenceMatcher(None, ca.content, cb.content, autojunk=False).get_opcodes()
    equal = [k for k, op in enumerate(ops) if op[0] == "equal"]
    if not equal:
        first, last = 0, len(ops) - 1
    else:
        first, last = equal[0], equal[-1]
    found: list[str] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            continue
        edge = k < first or k > last
        for seq, disp, lo, hi in ((ca.content, ca.content_display, i1, i2), (cb.content, cb.content_display, j1, j2)):
            for idx in range(lo, hi):
                if edge and equal and not _meaning_critical(seq[idx]):
                    continue
                word = disp[idx]
                if word not in found:
                    found.append(word)
    return found


# --------------------------------------------------------------------------- ranking


def _longest_run(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    if not a or not b:
        return 0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


def _contains_run(needle: tuple[str, ...], hay: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))


@dataclass(frozen=True)
class _Features:
    verbatim: bool
    ratio: float          # in-order Dice over content stems
    containment: float    # shared content stems / the shorter statement's
    run: int              # longest run of consecutive shared content stems
    phrase_run: int       # the same, counting only runs that hold a word other than a name
    fragment: str         # a quoted fragment of one repeated by the other ("" if none)
    polarity_differs: bool  # one is negated ("not", "no", "never" ...) and the other is not
    shared_common: int    # shared content words that are not capitalised names
    shorter: int          # content words of the shorter statement
    shared: tuple[str, ...]


def _features(qa: _Analysis, pa: _Analysis) -> _Features:
    a, b = qa.stems, pa.stems
    verbatim = bool(qa.words) and qa.words == pa.words
    if a and b:
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        matched = sum(block.size for block in matcher.get_matching_blocks())
        ratio = 2.0 * matched / (len(a) + len(b))
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        run = max((b.size for b in blocks), default=0)
        # Sharing "Donald Trump" says little; sharing "concessions to Russia" says more.
        phrase_run = max((b.size for b in blocks if not all(qa.proper[b.a:b.a + b.size])), default=0)
        shared_set = set(a) & set(b)
        containment = len(shared_set) / min(len(set(a)), len(set(b)))
    else:
        ratio = containment = 0.0
        run = phrase_run = 0
        shared_set = set()
    fragment = ""
    for source, other in ((qa, pa), (pa, qa)):
        for piece in source.quoted:
            if len(piece) > len(fragment.split()) and _contains_run(piece, other.stems):
                fragment = " ".join(piece)
    shared = tuple(dict.fromkeys(d for s, d in zip(qa.stems, qa.content_display) if s in shared_set))
    polarity_differs = any(k in NEGATIONS for k in qa.content) != any(k in NEGATIONS for k in pa.content)
    shared_common = len({s for s, proper in zip(qa.stems, qa.proper) if not proper and s in shared_set})
    shorter = min(len(a), len(b))
    return _Features(verbatim, ratio, containment, run, phrase_run, fragment, polarity_differs, shared_common, shorter, shared)


def _wording_relation(f: _Features, th: Thresholds) -> str | None:
    if f.verbatim:
        return RELATION_VERBATIM
    if f.ratio >= th.variant_min_ratio and f.run >= th.variant_min_run:
        return RELATION_VARIANT
    if f.run >= th.shared_run_min:
        return RELATION_VARIANT
    if f.fragment and len(f.fragment.split()) >= th.quoted_fragment_min:
        return RELATION_VARIANT
    return None


def _relation(f: _Features, semantic: float, speaker_agrees: bool | None, th: Thresholds) -> str:
    wording = _wording_relation(f, th)
    supported = semantic >= th.supported_min_semantic and f.phrase_run >= th.supported_min_run
    meaning = f.shorter >= th.semantic_min_words  # whether semantic similarity alone may count
    if speaker_agrees is False:
        # Two people on one topic score high on meaning alone ("Clinton is a better candidate" /
        # "when I look at somebody like Clinton": 0.74), so a shared ordinary word is required too.
        if wording is not None or supported or (meaning and semantic >= th.other_speaker_min_semantic and f.shared_common):
            return RELATION_OTHER_SPEAKER
        return RELATION_NONE
    if wording is not None:
        return wording
    if f.polarity_differs and f.ratio >= th.variant_min_ratio - 0.1:
        # The same words, one negated: a contradiction, not a paraphrase. Embeddings barely see
        # "not" ("X is qualified" / "X is not qualified" score 0.96), so the words decide.
        return RELATION_NONE
    if speaker_agrees is None:
        # Without the speaker to vouch, meaning alone must be as close as the same speaker's wording.
        return RELATION_PARAPHRASE if meaning and semantic >= th.unknown_speaker_min_semantic else RELATION_NONE
    if supported or (meaning and semantic >= th.paraphrase_min_semantic):
        return RELATION_PARAPHRASE
    return RELATION_NONE


def _days_apart(a: date | None, b: date | None) -> int | None:
    if a is None or b is None:
        return None
    return abs((a - b).days)


def _lexical(f: _Features) -> float:
    if f.verbatim:
        return 1.0
    # A full excerpt of a longer quote shares all of the shorter one's words in a row: credit that.
    return max(f.ratio, f.containment * min(1.0, f.run / 4))


def rank(
    query: Statement,
    pool: list[Statement],
    *,
    pool_vecs: np.ndarray | None = None,
    query_vec: np.ndarray | None = None,
    window_days: int | None = WINDOW_DAYS,
    thresholds: Thresholds | None = None,
    include_unrelated: bool = False,
) -> list[MatchResult]:
    """Score ``query`` against ``pool`` and return the related ones, best first (at most ``max_results``).

    ``pool_vecs`` / ``query_vec`` are ``embed`` vectors when the caller has them stored; they are
    computed otherwise. Pairs more than ``window_days`` apart (both dates known) are skipped;
    ``window_days=None`` disables the window. ``include_unrelated`` also returns the pairs typed
    ``RELATION_NONE`` (after all typed ones, with a lighter evidence): a ranking tool's tail.
    """
    th = thresholds or DEFAULT_THRESHOLDS
    if not pool:
        return []
    if query_vec is None:
        query_vec = embed([query.text])[0]
    if pool_vecs is None:
        pool_vecs = embed([p.text for p in pool])
    semantic = np.clip(np.asarray(pool_vecs, dtype=np.float32) @ np.asarray(query_vec, dtype=np.float32), 0.0, 1.0)
    qa = _analyse(query.text)
    qset = set(qa.stems)
    results: list[MatchResult] = []
    unrelated: list[MatchResult] = []
    for i, item in enumerate(pool):
        days = _days_apart(query.published, item.published)
        if window_days is not None and days is not None and days > window_days:
            continue
        sem = float(semantic[i])
        if sem < th.semantic_floor and item.text != query.text:
            # Unrelated in meaning: on PolNeAR the few "wording" pairs this low were quoted names
            # and slogans. Skipping the word analysis here is most of rank's speed.
            if include_unrelated:
                unrelated.append(MatchResult(item.id, RELATION_NONE, round(0.5 * sem, 4), 0.0, round(sem, 4),
                                             {"speaker_agrees": None, "days_apart": days}))
            continue
        pa = _analyse(item.text)
        if sem < th.prefilter_min_semantic and len(qset.intersection(pa.stems)) < 2 and not include_unrelated:
            continue  # neither close in meaning nor sharing words: not worth the alignment
        speaker_agrees = None if not query.speaker or not item.speaker else query.speaker == item.speaker
        f = _features(qa, pa)
        relation = _relation(f, sem, speaker_agrees, th)
        lexical = _lexical(f)
        score = 1.0 if f.verbatim else round(0.5 * lexical + 0.5 * sem, 4)
        if relation == RELATION_NONE:
            if include_unrelated:
                unrelated.append(MatchResult(item.id, RELATION_NONE, score, round(lexical, 4), round(sem, 4),
                                             {"speaker_agrees": speaker_agrees, "days_apart": days}))
            continue
        results.append(
            MatchResult(
                target_id=item.id,
                relation=relation,
                score=score,
                lexical=round(lexical, 4),
                semantic=round(sem, 4),
                evidence={
                    "shared_words": list(f.shared[:30]),
                    "diff": word_diff(item.text, query.text),
                    "misquote_words": misquote_words(item.text, query.text) if relation != RELATION_OTHER_SPEAKER else [],
                    "speaker_agrees": speaker_agrees,
                    "days_apart": days,
                    "ordered_overlap": round(f.ratio, 4),
                    "containment": round(f.containment, 4),
                    "longest_shared_run": f.run,
                    "quoted_fragment": f.fragment or None,
                    "polarity_differs": f.polarity_differs,
                },
            )
        )
    # The same speaker's matches first (what policy acts on), then related ones; best score first.
    results.sort(key=lambda r: (r.relation == RELATION_OTHER_SPEAKER, -r.score, str(r.target_id)))
    unrelated.sort(key=lambda r: (-r.score, str(r.target_id)))
    return (results + unrelated)[: th.max_results]
