"""One retriever: the branches, caps and scoring that production matching and ``rank_claims`` share.

A statement is scored (``rank``) against a *pool* of stored claims gathered by three capped
branches, so the cost per statement stays flat however many claims are stored:

- the speaker block: the speaker's claims nearest before the statement's date (at most
  ``POOL_SAME_SPEAKER``) and the first ones after it (a third as many), within the match window;
- the shingle block: claims sharing the most of the statement's ``shingles`` (at most
  ``POOL_MAX_SHINGLES`` looked up, the newest ``POOL_PER_SHINGLE`` claims of each, the
  ``POOL_BY_SHINGLES`` sharing most kept);
- the semantic block: the ``POOL_NEAREST`` claims nearest by sentence embedding (left out when
  the setting ``FACTDESK_MATCH_SEMANTIC`` is off: the pool's vectors still score it).

A backend answers ``pool(query, vector=...)`` with the pooled statements and their vectors:
``MemoryBackend`` here (for ``rank_claims`` and tests), ``claims.selectors.DatabaseBackend`` for
production (PostgreSQL with a pgvector HNSW index; an exact in-process search on SQLite).
``retrieve`` then scores the pool with ``rank``: the same code whichever backend served it.
"""
from __future__ import annotations

import dataclasses
import math
from collections import Counter, defaultdict
from datetime import date, timedelta
from functools import lru_cache
from typing import Protocol

import numpy as np

from claims.matching.ranking import MatchResult, Statement, rank
from claims.matching.relations import RELATION_NONE, RELATION_OTHER_SPEAKER, Thresholds
from claims.matching.shingles import shingles
from claims.matching.words import _TOKEN, _content_stem, _word_keys

POOL_SAME_SPEAKER = 150      # the speaker's claims nearest before the date (a third as many after)
POOL_PER_SHINGLE = 100       # newest claims per shared shingle (an index range scan each)
POOL_BY_SHINGLES = 150       # claims sharing the most shingles
POOL_MAX_SHINGLES = 64       # shingles of the statement looked up
POOL_NEAREST = 40            # nearest claims by embedding; pgvector's HNSW search returns at most
                             # hnsw.ef_search rows (settings: 100 on every connection), so the cap
                             # is honoured with room for recall
RELEVANCE_TERM_WEIGHT = 0.2  # the pool-BM25 term of the relevance order (see the module docstring)
_BM25_K1, _BM25_B = 1.2, 0.75


def query_shingles(text: str) -> list[int]:
    """The shingle values a statement is looked up by: the same ``POOL_MAX_SHINGLES`` in every backend."""
    return sorted(shingles(text))[:POOL_MAX_SHINGLES]


class Backend(Protocol):
    def pool(self, query: Statement, *, vector: np.ndarray, semantic: bool = True) -> tuple[list[Statement], np.ndarray]:
        """Stored statements worth scoring against ``query`` (no duplicates) and their unit vectors;
        ``semantic=False``: without the nearest-by-embedding branch."""


def semantic_branch_on() -> bool:
    """Whether the semantic branch pools: the ``FACTDESK_MATCH_SEMANTIC`` setting (on outside Django)."""
    from django.conf import settings

    if not settings.configured:
        return True
    return bool(getattr(settings, "FACTDESK_MATCH_SEMANTIC", True))


def retrieve(
    query: Statement,
    *,
    vector: np.ndarray,
    backend: Backend,
    window_days: int | None,
    thresholds: Thresholds,
    include_unrelated: bool = False,
    semantic: bool | None = None,
) -> list[MatchResult]:
    """Gather ``query``'s pool from ``backend`` and score it with ``rank``; each tier by relevance, best first.

    ``semantic``: pool the nearest claims by embedding too (default: ``semantic_branch_on()``).
    """
    if semantic is None:
        semantic = semantic_branch_on()
    pool, pool_vectors = backend.pool(query, vector=vector, semantic=semantic)
    if not pool:
        return []
    results = rank(
        query, pool, pool_vecs=pool_vectors, query_vec=vector, window_days=window_days,
        thresholds=dataclasses.replace(thresholds, max_results=len(pool)), include_unrelated=include_unrelated,
    )
    terms = pool_term_scores(query.text, [item.text for item in pool])
    boost = {item.id: RELEVANCE_TERM_WEIGHT * value for item, value in zip(pool, terms)}
    tier = {RELATION_OTHER_SPEAKER: 1, RELATION_NONE: 2}
    results.sort(key=lambda r: (tier.get(r.relation, 0), -(r.semantic + boost.get(r.target_id, 0.0)), str(r.target_id)))
    return results[: thresholds.max_results]


@lru_cache(maxsize=65536)
def _word_stems(raw: str) -> tuple[str, ...]:
    return tuple(stem for key in _word_keys(raw) if (stem := _content_stem(key)))


@lru_cache(maxsize=8192)
def _terms(text: str) -> tuple[str, ...]:
    # The matcher's content stems, word by word (cached per word form): no phrase joining, so
    # that a pool of a few hundred texts costs a millisecond or two. Cached per text as well: an
    # article's candidates pool many of the same claims (its speaker's, its topic's nearest).
    return tuple(stem for raw in _TOKEN.findall(text or "") for stem in _word_stems(raw))


def pool_term_scores(query_text: str, texts: list[str]) -> np.ndarray:
    """BM25 of the query's content stems over ``texts``, word rarity counted in ``texts``; best = 1."""
    if not texts:
        return np.zeros(0, dtype=np.float32)
    wanted = set(_terms(query_text))
    lengths = np.zeros(len(texts), dtype=np.float32)
    # Only the query's words are counted in each text (the rest only add to its length): per
    # query word, the texts holding it and how often.
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for i, text in enumerate(texts):
        terms = _terms(text)
        lengths[i] = len(terms)
        for word, count in Counter(term for term in terms if term in wanted).items():
            postings[word].append((i, count))
    norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * lengths / max(float(lengths.mean()), 1.0))
    scores = np.zeros(len(texts), dtype=np.float32)
    for word in wanted:
        holding = postings.get(word)
        if not holding:
            continue
        df = len(holding)
        idf = math.log(1 + (len(texts) - df + 0.5) / (df + 0.5))
        for i, count in holding:
            scores[i] += idf * count * (_BM25_K1 + 1) / (count + norm[i])
    best = float(scores.max())
    return scores / best if best > 0 else scores


def top_by_count(counts: dict[int, int], limit: int) -> list[int]:
    """Keys sharing most, ties to the newest (highest) key: the shingle block's order in every backend."""
    return sorted(counts, key=lambda key: (-counts[key], -key))[:limit]


def nearest(matrix: np.ndarray, vector: np.ndarray, limit: int) -> np.ndarray:
    """Row numbers of the ``limit`` rows of ``matrix`` with the highest inner product with ``vector``."""
    if not len(matrix) or limit <= 0:
        return np.zeros(0, dtype=np.int64)
    scores = matrix @ np.asarray(vector, dtype=np.float32)
    if len(scores) <= limit:
        return np.argsort(-scores, kind="stable")
    best = np.argpartition(-scores, limit - 1)[:limit]
    return best[np.argsort(-scores[best], kind="stable")]


class MemoryBackend:
    """The retriever over statements held in memory, in the order they were stored (later = newer).

    The same three branches and caps as the database: posting lists per shingle (newest
    ``POOL_PER_SHINGLE`` read), the speaker's statements by date within ``window_days``, and an
    exact nearest-neighbour search over ``vectors`` (unit rows, one per statement).
    """

    def __init__(self, statements: list[Statement], vectors: np.ndarray, *, window_days: int | None):
        if len(statements) != len(vectors):
            raise ValueError(f"{len(statements)} statements but {len(vectors)} vectors.")
        self.statements = statements
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.window_days = window_days
        postings: dict[int, list[int]] = defaultdict(list)
        by_speaker: dict[str, list[int]] = defaultdict(list)
        for position, statement in enumerate(statements):
            for value in shingles(statement.text):
                postings[value].append(position)
            if statement.speaker:
                by_speaker[statement.speaker].append(position)
        self._postings = dict(postings)
        # Each speaker's statements by date (undated last), newest last; file order breaks ties.
        self._by_speaker = {
            speaker: sorted(positions, key=lambda p: (statements[p].published or date.max, p))
            for speaker, positions in by_speaker.items()
        }

    def _same_speaker(self, query: Statement) -> list[int]:
        positions = self._by_speaker.get(query.speaker, []) if query.speaker else []
        if not positions:
            return []
        when = query.published
        if when is None or self.window_days is None:
            return positions[-POOL_SAME_SPEAKER:]
        window = timedelta(days=self.window_days)
        dated = [(self.statements[p].published, p) for p in positions if self.statements[p].published]
        before = [p for day, p in dated if when - window <= day <= when][-POOL_SAME_SPEAKER:]
        after = [p for day, p in dated if when < day <= when + window][: POOL_SAME_SPEAKER // 3]
        return before + after

    def _sharing_shingles(self, query: Statement) -> list[int]:
        counts: dict[int, int] = defaultdict(int)
        for value in query_shingles(query.text):
            for position in self._postings.get(value, ())[-POOL_PER_SHINGLE:]:
                counts[position] += 1
        return top_by_count(counts, POOL_BY_SHINGLES)

    def pool(self, query: Statement, *, vector: np.ndarray, semantic: bool = True) -> tuple[list[Statement], np.ndarray]:
        positions = set(self._same_speaker(query))
        positions.update(self._sharing_shingles(query))
        if semantic:
            positions.update(nearest(self.vectors, vector, POOL_NEAREST).tolist())
        ordered = sorted(positions)
        return [self.statements[p] for p in ordered], self.vectors[ordered]
