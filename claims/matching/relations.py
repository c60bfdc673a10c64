"""Relation typing: features of a pair of statements, and the cut-offs that make them verbatim,
variant, paraphrase, other speaker or unrelated (see the package docstring for what each means).

The default thresholds are justified by measurements printed by ``bench/matching_thresholds.py``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from claims.matching.words import NEGATIONS, _Analysis

RELATION_VERBATIM = "verbatim"
RELATION_VARIANT = "variant"
RELATION_PARAPHRASE = "paraphrase"
RELATION_OTHER_SPEAKER = "other_speaker"
RELATION_NONE = "none"
SAME_CLAIM_RELATIONS = (RELATION_VERBATIM, RELATION_VARIANT, RELATION_PARAPHRASE)

# Defaults; services pass overrides from settings (FACTDESK_MATCH_*). See bench/matching_thresholds.py.
VARIANT_MIN_RATIO = 0.7       # in-order share of content words (Dice over the aligned sequence)
VARIANT_MIN_RUN = 3           # ... together with at least this many consecutive shared content words
SHARED_RUN_MIN = 5            # or a shared run holding this many content words that are not names or titles
QUOTED_FRAGMENT_MIN = 3       # or a quoted fragment of at least this many content words repeated
PARAPHRASE_MIN_SEMANTIC = 0.65           # same meaning, whatever the words (all-MiniLM-L6-v2 cosine)
SUPPORTED_MIN_SEMANTIC = 0.60            # ... lower when the two also share a phrase:
SUPPORTED_MIN_RUN = 2                    # ... this many consecutive content words
OTHER_SPEAKER_MIN_SEMANTIC = 0.60       # ... and sharing a word that is not a name
SEMANTIC_MIN_WORDS = 5                   # meaning alone counts only if both have this many content
                                         # words: a 3-word fragment's vector is mostly its names
UNKNOWN_SPEAKER_MIN_SEMANTIC = 0.80      # paraphrase when a speaker is unknown: above every
                                         # different-speaker negative of the sample (max 0.703 with all-MiniLM-L6-v2)
MEANING_NEAREST = 3            # a paraphrase or other-speaker link on meaning alone (no shared
                               # wording) is one of the pool's this many nearest: a statement near
                               # many stored claims is on their topic, not repeating one of them
PREFILTER_MIN_SEMANTIC = 0.45  # below this, a pair is only examined if it shares 2+ content words
SEMANTIC_FLOOR = 0.25          # below this, a pair is not examined at all (the pool's bulk: speed)
NEAR_VERBATIM_MIN_RATIO = 0.85  # in-order overlap of a near-verbatim quote (a word or two edited) ...
NEAR_VERBATIM_MIN_RUN = 4       # ... or an excerpt: all of the shorter one's words, this many in a row
ADOPT_SPEAKER_MIN_WORDS = 6     # a statement with no speaker takes the claim's only when this long:
                                # a short line ("we will win") is said by many
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
    meaning_nearest: int = MEANING_NEAREST
    prefilter_min_semantic: float = PREFILTER_MIN_SEMANTIC
    semantic_floor: float = SEMANTIC_FLOOR
    max_results: int = MAX_RESULTS


DEFAULT_THRESHOLDS = Thresholds()


def _contains_run(needle: tuple[str, ...], hay: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))


@dataclass(frozen=True)
class _Features:
    verbatim: bool
    ratio: float          # in-order Dice over content stems
    containment: float    # shared content stems / the shorter statement's
    run: int              # longest run of consecutive shared content stems
    phrase_run: int       # the most words of one shared run that are not names or titles before a name
    fragment: str         # a quoted fragment of one repeated by the other ("" if none)
    polarity_differs: bool  # one is negated ("not", "no", "never" ...) and the other is not
    shared_common: int    # shared content words that are not names or titles
    numbers_differ: bool  # each has a number or date the other lacks ("882 delegates" / "503 delegates")
    numbers_unmatched: bool  # both have numbers or dates, and one has one the other lacks
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
        # Sharing "Republican presidential nominee Donald Trump" says who the two are about, not
        # what was said; sharing "concessions to Russia" does.
        naming = qa.naming or (False,) * len(a)
        phrase_run = max((b.size - sum(naming[b.a:b.a + b.size]) for b in blocks), default=0)
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
    q_naming = qa.naming or (False,) * len(a)
    p_naming = {s for s, named in zip(pa.stems, pa.naming or (False,) * len(b)) if named}
    shared_common = len({s for s, named in zip(a, q_naming) if not named and s not in p_naming and s in shared_set})
    numbers_differ = bool(qa.quantities - pa.quantities) and bool(pa.quantities - qa.quantities)
    numbers_unmatched = bool(qa.quantities) and bool(pa.quantities) and qa.quantities != pa.quantities
    shorter = min(len(a), len(b))
    return _Features(verbatim, ratio, containment, run, phrase_run, fragment, polarity_differs, shared_common,
                     numbers_differ, numbers_unmatched, shorter, shared)


def _wording_relation(f: _Features, th: Thresholds) -> str | None:
    if f.verbatim:
        return RELATION_VERBATIM
    # Runs count only words that are not names or titles: two statements about "Republican
    # presidential nominee Donald Trump" are not two wordings of one statement.
    if f.ratio >= th.variant_min_ratio and f.run >= th.variant_min_run and f.phrase_run >= th.variant_min_run - 1:
        return RELATION_VARIANT
    if f.phrase_run >= th.shared_run_min:
        return RELATION_VARIANT
    if f.fragment and len(f.fragment.split()) >= th.quoted_fragment_min:
        return RELATION_VARIANT
    return None


def _relation(f: _Features, semantic: float, speaker_agrees: bool | None, th: Thresholds) -> str:
    wording = _wording_relation(f, th)
    if f.numbers_differ:
        # Other numbers or dates make another statement ("at least 882 delegates" / "... 503"),
        # however alike the rest: at most a possible misquote of the same speaker's words, which
        # the evidence flags and policy never merges on its own.
        return RELATION_VARIANT if wording is not None and speaker_agrees is True else RELATION_NONE
    supported = semantic >= th.supported_min_semantic and f.phrase_run >= th.supported_min_run
    meaning = f.shorter >= th.semantic_min_words  # whether semantic similarity alone may count
    if speaker_agrees is False:
        # Two people on one topic score high on meaning alone ("Clinton is a better candidate" /
        # "when I look at somebody like Clinton": 0.74), so a shared ordinary word is required too.
        if wording is not None or supported or (meaning and semantic >= th.other_speaker_min_semantic and f.shared_common):
            return RELATION_OTHER_SPEAKER
        return RELATION_NONE
    if wording is not None and speaker_agrees is None and not (f.ratio >= th.variant_min_ratio or near_verbatim(f)):
        # With no speaker to vouch, a shared phrase ("the 9/11 terrorist attacks") or a repeated
        # fragment is a topic, not a quote: only most of the words in order make a variant.
        wording = None
    if wording is not None:
        return wording
    if f.polarity_differs and f.ratio >= th.variant_min_ratio - 0.1:
        # The same words, one negated: a contradiction, not a paraphrase. Embeddings barely see
        # "not" ("X is qualified" / "X is not qualified" score 0.96), so the words decide.
        return RELATION_NONE
    if speaker_agrees is None:
        # Without the speaker to vouch, meaning alone must be as close as the same speaker's wording.
        return RELATION_PARAPHRASE if meaning and semantic >= th.unknown_speaker_min_semantic else RELATION_NONE
    if f.numbers_unmatched:
        # Both give numbers or dates and not the same ones ("the convention in July" / "the
        # state's 475 delegates ... in July"): in other words, that is another statement.
        return RELATION_NONE
    if supported or (meaning and semantic >= th.paraphrase_min_semantic):
        return RELATION_PARAPHRASE
    return RELATION_NONE


def near_verbatim(f: _Features) -> bool:
    """The same quote, give or take a word or the edges of an excerpt, saying the same numbers and polarity.

    Such a quote by the same speaker joins its claim however far apart the reports are (outlets
    re-quote old lines); a statement with no resolved speaker that repeats one at length takes its speaker.
    """
    if f.numbers_differ or f.polarity_differs:
        return False
    if f.verbatim:
        return True
    if f.phrase_run < NEAR_VERBATIM_MIN_RUN - 1:
        return False  # what the two share is mostly names and titles
    return f.ratio >= NEAR_VERBATIM_MIN_RATIO or (f.containment >= 0.95 and f.run >= max(NEAR_VERBATIM_MIN_RUN, f.shorter - 1))


def adopts_speaker(f: _Features) -> bool:
    """Whether a statement with no resolved speaker may take the speaker of a claim it repeats."""
    return near_verbatim(f) and f.shorter >= ADOPT_SPEAKER_MIN_WORDS


def _lexical(f: _Features) -> float:
    if f.verbatim:
        return 1.0
    # A full excerpt of a longer quote shares all of the shorter one's words in a row: credit that.
    return max(f.ratio, f.containment * min(1.0, f.run / 4))
