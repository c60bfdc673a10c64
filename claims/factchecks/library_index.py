"""The fact-check library as an in-memory retriever: posting lists and vectors, updated in place.

``LibraryBackend`` is the retriever's backend (``claims.matching.retrieve``) over the library's
statements: a shingle block and a nearest-vector branch, with each fact-check pooled once (by
its wording sharing most words with the query). Vectors are read exactly below
``COARSE_MIN_RECORDS`` and through k-means lists (``CoarseVectors``) above it. Records added or
changed later are applied to a new snapshot sharing the append-only structures, so a lookup
never sees a half-applied update. No database here: ``claims.factchecks.linking`` loads the rows
and decides links.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from copy import copy

import numpy as np

from claims.matching import EMBEDDING_DIM, POOL_BY_SHINGLES, POOL_NEAREST, POOL_PER_SHINGLE, Statement, query_shingles, shingles
from claims.matching.retrieval import top_by_count

COARSE_MIN_RECORDS = 20_000  # below this, reading every vector costs a few milliseconds: searched exactly
COARSE_PROBE_SHARE = 0.15    # of the k-means lists read per query
COARSE_ITERATIONS = 8


def stored_vector(blob) -> np.ndarray | None:
    """A stored embedding (float32 bytes) as a vector; None when missing or of another dimension."""
    if blob is None or len(blob) != EMBEDDING_DIM * 4:
        return None
    return np.frombuffer(bytes(blob), dtype=np.float32)


class _Growing:
    """An array that grows in place (capacity doubles: appending costs O(rows) amortised, not a copy per row).

    Rows are only ever appended, so a reader that slices ``array[:size]`` as of its snapshot sees the
    same rows whatever is appended after (a reallocation leaves the old array to the readers holding it).
    """

    def __init__(self, initial: np.ndarray):
        self.array = np.ascontiguousarray(initial)
        self.size = len(initial)

    def append(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=self.array.dtype)
        needed = self.size + len(rows)
        if needed > len(self.array):
            grown = np.empty((max(needed, 2 * len(self.array), 64), *self.array.shape[1:]), dtype=self.array.dtype)
            grown[:self.size] = self.array[:self.size]
            self.array = grown
        self.array[self.size:needed] = rows
        self.size = needed

    def upto(self, size: int) -> np.ndarray:
        return self.array[:size]


class CoarseVectors:
    """Nearest records by inner product without reading every vector: an inverted file over k-means lists.

    The unit vectors are clustered (spherical k-means on a sample, ``COARSE_ITERATIONS`` rounds)
    into about ``2·√n`` lists, stored list by list; a query reads only the lists whose centres
    are nearest it (``COARSE_PROBE_SHARE`` of them) and searches those exactly. Sentence vectors
    gather by topic, so the nearest records are almost always in the nearest lists;
    ``bench/factcheck_linking.py`` prints the share found (recall against the exact search).
    Vectors added later (``add``) join the list of their nearest centre, without re-clustering,
    in a block read beside the lists: ``LibraryBackend`` re-clusters once the library has grown
    by ``RECLUSTER_GROWTH``.
    """

    def __init__(self, matrix: np.ndarray, *, seed: int = 0):
        count = len(matrix)
        lists = max(1, int(2 * np.sqrt(count)))
        rng = np.random.default_rng(seed)
        sample = matrix[rng.choice(count, size=min(count, lists * 40), replace=False)]
        centres = sample[rng.choice(len(sample), size=lists, replace=False)].copy()
        for _ in range(COARSE_ITERATIONS):
            assigned = np.argmax(sample @ centres.T, axis=1)
            sums = np.zeros_like(centres)
            np.add.at(sums, assigned, sample)
            filled = np.bincount(assigned, minlength=lists) > 0
            centres[filled] = sums[filled]
            centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
        assigned = np.concatenate([np.argmax(matrix[start:start + 20_000] @ centres.T, axis=1)
                                   for start in range(0, count, 20_000)])
        order = np.argsort(assigned, kind="stable")
        self.centres = centres
        self.rows = order                                   # list order -> record row
        self.vectors = np.ascontiguousarray(matrix[order])  # the records' vectors, list by list
        self.bounds = np.searchsorted(assigned[order], np.arange(lists + 1))
        self.probes = max(1, int(np.ceil(COARSE_PROBE_SHARE * lists)))
        self.added = 0                                      # vectors added since, visible to nearest()
        self._added_vectors = _Growing(np.zeros((0, matrix.shape[1]), dtype=np.float32))
        self._added_lists = _Growing(np.zeros(0, dtype=np.int64))
        self._added_rows = _Growing(np.zeros(0, dtype=np.int64))

    def add(self, vectors: np.ndarray, rows: np.ndarray) -> None:
        """File new vectors (of these record rows) under their nearest centre; ``nearest`` sees them once
        ``added`` is raised (``LibraryBackend`` does it on the copy it publishes)."""
        if not len(vectors):
            return
        self._added_lists.append(np.argmax(vectors @ self.centres.T, axis=1))
        self._added_vectors.append(vectors)
        self._added_rows.append(rows)

    def nearest(self, vector: np.ndarray, limit: int, *, retired: np.ndarray | None = None) -> np.ndarray:
        """Record rows of (about) the ``limit`` vectors with the highest inner product, best first.

        ``retired``: a mask over record rows left out (records whose newer version was added since)."""
        vector = np.asarray(vector, dtype=np.float32)
        probed = np.argpartition(-(self.centres @ vector), min(self.probes, len(self.centres)) - 1)[:self.probes]
        spans = [(self.bounds[i], self.bounds[i + 1]) for i in probed if self.bounds[i] < self.bounds[i + 1]]
        rows = [self.rows[low:high] for low, high in spans]
        scores = [self.vectors[low:high] @ vector for low, high in spans]
        if self.added:
            chosen = np.flatnonzero(np.isin(self._added_lists.upto(self.added), probed))
            rows.append(self._added_rows.upto(self.added)[chosen])
            scores.append(self._added_vectors.upto(self.added)[chosen] @ vector)
        if not rows:
            return np.zeros(0, dtype=np.int64)
        rows, scores = np.concatenate(rows), np.concatenate(scores)
        if retired is not None and len(retired):
            scores[retired[rows]] = -np.inf
            limit = min(limit, int(np.count_nonzero(~retired[rows])))
        return rows[nearest_rows(scores, limit)]


def nearest_rows(scores: np.ndarray, limit: int) -> np.ndarray:
    if limit <= 0:
        return np.zeros(0, dtype=np.int64)
    if len(scores) <= limit:
        return np.argsort(-scores, kind="stable")
    best = np.argpartition(-scores, limit - 1)[:limit]
    return best[np.argsort(-scores[best], kind="stable")]


RECLUSTER_GROWTH = 0.5  # re-cluster the k-means lists once the library has this share more records than when clustered


class LibraryBackend:
    """The retriever's branches over the library (``claims.matching`` Backend): shingles and nearest vectors.

    A fact-check is read by each of its wordings, and its wordings share one vector (production
    embeds the statement once), so two wordings of one record differ only in their words. The pool
    therefore holds each record once, by the wording sharing the most shingles with the query (the
    shorter on a tie: the claim alone, which a framing headline would otherwise hide): the
    ``POOL_BY_SHINGLES // 2`` records sharing most, newest first on ties, and the ``POOL_NEAREST // 2``
    nearest by vector — the records a ``MemoryBackend`` over every wording pools (its caps count
    wordings, about two a record), each scored once instead of twice. Above ``COARSE_MIN_RECORDS``
    the nearest are found through ``CoarseVectors``. Fact-checks name no speaker the desk knows,
    so there is no speaker block.

    A backend is a snapshot: ``updated`` returns a new one with records added or changed, sharing
    this one's append-only lists and arrays (statements, posting lists, vectors); this one keeps
    reading only the rows it had, so a reader never sees a half-applied update. A changed record
    gets a new record row; its old row is retired (left out of pools) until the next full build.
    """

    def __init__(self, statements: list[Statement], record_of: list[int], vectors: np.ndarray,
                 ids: Sequence[int] | None = None):
        self.statements = statements
        self.record_of = record_of                                      # statement -> record row
        self.wordings: list[list[int]] = [[] for _ in range(len(vectors))]
        self._postings: dict[int, list[int]] = defaultdict(list)
        for position, (statement, record) in enumerate(zip(statements, record_of)):
            self.wordings[record].append(position)
            for value in shingles(statement.text):
                self._postings[value].append(position)
        self._row_of = {pk: row for row, pk in enumerate(ids)} if ids is not None else {}  # writer's: id -> live row
        self.statement_count = len(statements)
        self.retired = np.zeros(len(vectors), dtype=bool)               # record rows superseded by a newer version
        self._retired_statements: frozenset[int] = frozenset()
        self.set_vectors(vectors)

    @property
    def record_count(self) -> int:
        return len(self.retired)

    def set_vectors(self, vectors: np.ndarray) -> None:
        """The records' vectors (one row per record row) and the search over them; the shingle postings stay."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.coarse = CoarseVectors(vectors) if len(vectors) >= COARSE_MIN_RECORDS else None
        self.clustered_records = len(vectors)
        self.vectors = self.coarse.vectors if self.coarse else vectors  # the vectors as of the last (re)build
        self._row = _Growing(np.empty(len(vectors), dtype=np.int64))    # record row -> row of self.vectors, or
        self._row.array[self.coarse.rows if self.coarse else np.arange(len(vectors))] = np.arange(len(vectors))
        self._added = _Growing(np.zeros((0, EMBEDDING_DIM), dtype=np.float32))  # -(1 + n): n-th added vector

    def record_vectors(self, rows) -> np.ndarray:
        """The vectors of these record rows."""
        where = self._row.upto(self.record_count)[np.asarray(rows, dtype=np.int64)]
        result = np.empty((len(where), EMBEDDING_DIM), dtype=np.float32)
        built = where >= 0
        result[built] = self.vectors[where[built]]
        if not built.all():
            added = -1 - where[~built]
            result[~built] = (self.coarse._added_vectors if self.coarse else self._added).array[added]
        return result

    def updated(self, factchecks: list[tuple[int, str | Sequence[str], bytes | None]]) -> LibraryBackend:
        """A new snapshot with these (id, wordings, vector) records added, or changed when their id is indexed."""
        new = copy(self)
        retired_rows, first_row = [], self.record_count
        vectors = np.zeros((len(factchecks), EMBEDDING_DIM), dtype=np.float32)
        for offset, (pk, wordings, blob) in enumerate(factchecks):
            vector = stored_vector(blob)
            if vector is not None:
                vectors[offset] = vector
            row = first_row + offset
            if pk in self._row_of:
                retired_rows.append(self._row_of[pk])
            self._row_of[pk] = row
            self.wordings.append([])
            for text in [wordings] if isinstance(wordings, str) else wordings:
                position = len(self.statements)
                self.statements.append(Statement(id=pk, text=text))
                self.record_of.append(row)
                self.wordings[row].append(position)
                for value in shingles(text):
                    self._postings[value].append(position)
        rows = np.arange(first_row, first_row + len(factchecks))
        if self.coarse is not None:
            start = self.coarse._added_vectors.size
            self.coarse.add(vectors, rows)
            new.coarse = copy(self.coarse)
            new.coarse.added = self.coarse._added_vectors.size
        else:
            start = self._added.size
            self._added.append(vectors)
        self._row.append(-1 - np.arange(start, start + len(factchecks)))
        new.statement_count = len(self.statements)
        new.retired = np.concatenate([self.retired, np.zeros(len(factchecks), dtype=bool)])
        new.retired[retired_rows] = True
        new._retired_statements = self._retired_statements | {
            position for row in retired_rows for position in self.wordings[row]}
        if self.coarse is not None and new.record_count >= (1 + RECLUSTER_GROWTH) * self.clustered_records:
            new.set_vectors(new.record_vectors(np.arange(new.record_count)))
        elif self.coarse is None and new.record_count - int(new.retired.sum()) >= COARSE_MIN_RECORDS:
            new.set_vectors(new.record_vectors(np.arange(new.record_count)))
        return new

    def nearest_records(self, vector: np.ndarray, limit: int) -> np.ndarray:
        retired = self.retired if self._retired_statements else None
        if self.coarse is not None:
            return self.coarse.nearest(vector, limit, retired=retired)
        vector = np.asarray(vector, dtype=np.float32)
        scores = self.vectors @ vector
        added = -1 - self._row.upto(self.record_count)[len(self.vectors):]
        if len(added):
            scores = np.concatenate([scores, self._added.array[added] @ vector])
        if retired is not None:
            scores[retired] = -np.inf
            limit = min(limit, int(np.count_nonzero(~retired)))
        return nearest_rows(scores, limit)

    def _best_wording(self, record: int, shared: dict[int, int]) -> int:
        return max(self.wordings[record], key=lambda position: (shared.get(position, 0), -len(self.statements[position].text)))

    def _postings_for(self, value: int) -> list[int]:
        """The newest ``POOL_PER_SHINGLE`` live wordings holding this shingle, as of this snapshot."""
        positions = self._postings.get(value, ())
        stop = len(positions)
        if stop and positions[-1] >= self.statement_count:             # appended after this snapshot
            stop = bisect_left(positions, self.statement_count)
        if not self._retired_statements:
            return positions[max(0, stop - POOL_PER_SHINGLE):stop]
        kept = []
        for position in reversed(positions[:stop]):
            if position not in self._retired_statements:
                kept.append(position)
                if len(kept) == POOL_PER_SHINGLE:
                    break
        return kept

    def pool(self, query: Statement, *, vector: np.ndarray, semantic: bool = True) -> tuple[list[Statement], np.ndarray]:
        shared: dict[int, int] = defaultdict(int)                       # wording -> shingles shared with the query
        for value in query_shingles(query.text):
            for position in self._postings_for(value):
                shared[position] += 1
        by_record: dict[int, int] = {}
        for position, count in shared.items():
            record = self.record_of[position]
            by_record[record] = max(by_record.get(record, 0), count)
        records = top_by_count(by_record, POOL_BY_SHINGLES // 2)
        if semantic and self.record_count:
            records += self.nearest_records(vector, POOL_NEAREST // 2).tolist()
        chosen = sorted({self._best_wording(record, shared) for record in records})
        return ([self.statements[position] for position in chosen],
                self.record_vectors([self.record_of[position] for position in chosen]))
