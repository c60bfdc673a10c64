"""Linking claims with the fact-check library, and the editor's decisions on the links.

Both directions use the matching retriever and scorer (``claims.matching.retrieve`` and
``rank``), the code paths of cross-outlet matching and ``rank_claims``:

- a new claim is looked up in the library: a ``LibraryBackend`` (the retriever's shingle block
  and nearest-vector branch) over the fact-checks' statements (headline, then claim reviewed; and
  the claim reviewed alone, ``FactCheck.wordings``) and their stored vectors (one per fact-check,
  searched through k-means lists above ``COARSE_MIN_RECORDS``), built once per process and
  updated in place with the records added or changed since (``library_index``);
- a new fact-check is looked up among the claims, by each of its wordings:
  ``claims.selectors.DatabaseBackend``.

A pair the scorer types as the same claim (verbatim, wording variant or paraphrase; with no
speaker to vouch, a paraphrase must be as close as ``unknown_speaker_min_semantic``) and that
scores at least ``FACTDESK_FACTCHECK_LINK_MIN_SCORE`` is suggested on the claim with its score
and evidence, unless that pair was ever suggested before: a rejected link stays rejected.
Suggestions are recorded through the audit writer (one event per claim, undoable like bulk
matching's); ``confirm_factcheck_link`` and ``reject_factcheck_link`` are the editor's decisions.
A suggestion and a confirmation are announced to webhooks as ``claim.factcheck_linked``.
"""
from __future__ import annotations

import threading
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from copy import copy

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from claims.changes import ChangeSet
from claims.factchecks.models import FactCheck, FactCheckLink, LinkState
from claims.matching import (
    EMBEDDING_DIM,
    EMBEDDING_MODEL,
    POOL_BY_SHINGLES,
    POOL_NEAREST,
    POOL_PER_SHINGLE,
    SAME_CLAIM_RELATIONS,
    Statement,
    Thresholds,
    embed,
    query_shingles,
    retrieve,
    shingles,
)
from claims.matching.retrieval import top_by_count
from claims.models import Claim, ClaimStatus, WebhookEvent
from claims.services._common import DecisionError, _lock
from claims.services.audit import event, record, record_all
from claims.webhooks import factcheck_link_payload, queue_event, queue_events

LINKS_PER_CLAIM = 5          # suggestions kept per claim, best first
EMBED_BATCH = 256
EMBED_ON_LOOKUP = 200        # records a claim's lookup embeds itself; the rest wait for their linking task
LIVE_STATUSES = (ClaimStatus.PROPOSED, ClaimStatus.CONFIRMED)
COARSE_MIN_RECORDS = 20_000  # below this, reading every vector costs a few milliseconds: searched exactly
COARSE_PROBE_SHARE = 0.15    # of the k-means lists read per query
COARSE_ITERATIONS = 8


def _min_score() -> float:
    return float(getattr(settings, "FACTDESK_FACTCHECK_LINK_MIN_SCORE", 0.6))


def _thresholds() -> Thresholds:
    """Matching's cut-offs (with their FACTDESK_MATCH_* settings); more results, to keep the strong ones."""
    from dataclasses import replace

    from claims.services.matching import _match_thresholds

    return replace(_match_thresholds(), max_results=LINKS_PER_CLAIM * 4)


def _is_strong(result) -> bool:
    return result.relation in SAME_CLAIM_RELATIONS and result.score >= _min_score()


# --- vectors ------------------------------------------------------------------------------------

def _vector(blob) -> np.ndarray | None:
    if blob is None or len(blob) != EMBEDDING_DIM * 4:
        return None
    return np.frombuffer(bytes(blob), dtype=np.float32)


def embed_factchecks(*, factcheck_ids: Sequence[int] | None = None) -> int:
    """Compute the missing (or another model's) vectors of fact-checks; derived data, not audited."""
    queryset = FactCheck.objects.exclude(embedding_model=EMBEDDING_MODEL, embedding__isnull=False)
    if factcheck_ids is not None:
        queryset = queryset.filter(pk__in=list(factcheck_ids))
    done = 0
    pending = list(queryset.only("id", "headline", "claim_reviewed").order_by("id"))
    for start in range(0, len(pending), EMBED_BATCH):
        batch = pending[start:start + EMBED_BATCH]
        vectors = embed([factcheck.statement_text for factcheck in batch])
        now = timezone.now()  # bulk_update skips auto_now: stamped here so library_index() sees the change
        for factcheck, vector in zip(batch, vectors):
            factcheck.embedding = np.asarray(vector, dtype=np.float32).tobytes()
            factcheck.embedding_model = EMBEDDING_MODEL
            factcheck.updated_at = now
        FactCheck.objects.bulk_update(batch, ["embedding", "embedding_model", "updated_at"])
        done += len(batch)
    return done


def _claim_vectors(claims: list[Claim]) -> np.ndarray:
    vectors = np.zeros((len(claims), EMBEDDING_DIM), dtype=np.float32)
    missing = []
    for position, claim in enumerate(claims):
        vector = _vector(claim.embedding)
        if vector is None:
            missing.append(position)
        else:
            vectors[position] = vector
    if missing:
        vectors[missing] = embed([claims[position].text for position in missing])
    return vectors


# --- the library as a retriever -----------------------------------------------------------------

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
            vector = _vector(blob)
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


class LibraryIndex:
    """The fact-check library in memory: statements, vectors and the retriever's posting lists."""

    def __init__(self, factchecks: list[tuple[int, str | Sequence[str], bytes]]):
        """``factchecks``: (id, its wording or wordings, its vector); each wording is a statement with that vector."""
        self.statements, record_of = [], []
        vectors = np.zeros((len(factchecks), EMBEDDING_DIM), dtype=np.float32)
        for row, (pk, wordings, blob) in enumerate(factchecks):
            vector = _vector(blob)
            if vector is not None:
                vectors[row] = vector
            for text in [wordings] if isinstance(wordings, str) else wordings:
                self.statements.append(Statement(id=pk, text=text))
                record_of.append(row)
        self.backend = LibraryBackend(self.statements, record_of, vectors, ids=[pk for pk, _, _ in factchecks])

    @property
    def record_count(self) -> int:
        """Fact-checks indexed (each once, at its latest version)."""
        return self.backend.record_count - int(self.backend.retired.sum())

    def update(self, factchecks: list[tuple[int, str | Sequence[str], bytes]]) -> None:
        """Add these records, or replace the ones already indexed by id; one writer at a time (``_cache_lock``).

        The new snapshot is published by one assignment: a lookup under way finishes on the one it began with."""
        if factchecks:
            self.backend = self.backend.updated(factchecks)

    def links_for(self, statement: Statement, vector: np.ndarray) -> list:
        """The library's strong matches for one statement, best first, each fact-check once (its best wording)."""
        results = retrieve(statement, vector=vector, backend=self.backend, window_days=None, thresholds=_thresholds())
        return _best_per_target([result for result in results if _is_strong(result)])


def _best_per_target(results: list) -> list:
    best = {}
    for result in results:
        if result.target_id not in best or result.score > best[result.target_id].score:
            best[result.target_id] = result
    return sorted(best.values(), key=lambda result: -result.score)[:LINKS_PER_CLAIM]


_cache: dict = {}
_cache_lock = threading.Lock()


def _library_rows(queryset) -> list[tuple[int, tuple[str, ...], bytes | None]]:
    return [(factcheck.pk, factcheck.wordings, factcheck.embedding)
            for factcheck in queryset.only("id", "headline", "claim_reviewed", "embedding").order_by("id").iterator(
                chunk_size=2000)]


def library_index() -> LibraryIndex:
    """The process's ``LibraryIndex``, built once and then updated with the fact-checks added or changed since.

    Up to ``EMBED_ON_LOOKUP`` records not yet embedded are embedded here; a larger backlog (a
    library just imported) is embedded by its queued ``link_factchecks`` tasks, and until then
    those records are not found. Only the records with a higher id or changed since the index's
    stamp are read and applied (``LibraryIndex.update``); a library with fewer records than
    indexed (one was deleted: never done through the app) is built again whole.
    """
    missing = list(FactCheck.objects.exclude(embedding_model=EMBEDDING_MODEL, embedding__isnull=False)
                   .order_by("id").values_list("id", flat=True)[:EMBED_ON_LOOKUP])
    if missing:
        embed_factchecks(factcheck_ids=missing)
    latest = FactCheck.objects.aggregate(last_id=Max("id"), changed=Max("updated_at"))
    stamp = (FactCheck.objects.count(), latest["last_id"], latest["changed"])
    with _cache_lock:
        known, index = _cache.get("stamp"), _cache.get("index")
        if known == stamp:
            return index
        if index is not None and known[1] is not None and stamp[0] >= index.record_count:
            _count, last_id, changed = known
            # >= on the time: a record saved in the same tick as the stamp's is read again (applying it twice is harmless)
            rows = _library_rows(FactCheck.objects.filter(Q(id__gt=last_id) | Q(updated_at__gte=changed)))
            index.update(rows)
            if index.record_count == stamp[0]:
                _cache["stamp"] = stamp
                return index
        _cache["index"] = LibraryIndex(_library_rows(FactCheck.objects.all()))  # first lookup, or records deleted
        _cache["stamp"] = stamp
        return _cache["index"]


# --- suggesting links ---------------------------------------------------------------------------

def link_claims(*, claim_ids: Sequence[int]) -> int:
    """Look new claims up in the library and suggest their strong links; returns how many were suggested."""
    claims = list(Claim.objects.filter(pk__in=list(claim_ids), status__in=LIVE_STATUSES).order_by("id"))
    if not claims or not FactCheck.objects.exists():
        return 0
    index = library_index()
    proposals = []
    for claim, vector in zip(claims, _claim_vectors(claims)):
        statement = Statement(id=claim.pk, text=claim.text)
        for result in index.links_for(statement, vector):
            proposals.append((claim.pk, result.target_id, result))
    return _suggest(proposals)


def link_factchecks(*, factcheck_ids: Sequence[int]) -> int:
    """Look new (or changed) fact-checks up among the desk's claims; returns how many links were suggested."""
    from claims.selectors import DatabaseBackend

    ids = list(factcheck_ids)
    embed_factchecks(factcheck_ids=ids)
    factchecks = list(FactCheck.objects.filter(pk__in=ids).order_by("id"))
    proposals = []
    if Claim.objects.filter(status__in=LIVE_STATUSES).exists():
        backend = DatabaseBackend()
        for factcheck in factchecks:
            vector = _vector(factcheck.embedding)
            results = [
                result
                for text in factcheck.wordings
                for result in retrieve(Statement(id=factcheck.pk, text=text), vector=vector, backend=backend,
                                       window_days=None, thresholds=_thresholds())
                if _is_strong(result)
            ]
            for result in _best_per_target(results):
                proposals.append((result.target_id, factcheck.pk, result))
    suggested = _suggest(proposals)
    FactCheck.objects.filter(pk__in=ids).update(linked_at=timezone.now())  # bookkeeping, not a decision
    return suggested


@transaction.atomic
def _suggest(proposals: list[tuple[int, int, object]]) -> int:
    """Store new suggestions, one audit event per claim; pairs seen before (even rejected) are skipped."""
    if not proposals:
        return 0
    claim_ids = {claim_id for claim_id, _, _ in proposals}
    seen = set(FactCheckLink.objects.filter(claim_id__in=claim_ids).values_list("claim_id", "factcheck_id"))
    live = dict(Claim.objects.filter(pk__in=claim_ids, status__in=LIVE_STATUSES).in_bulk())
    by_claim: dict[int, list] = defaultdict(list)
    for claim_id, factcheck_id, result in proposals:
        if (claim_id, factcheck_id) in seen or claim_id not in live:
            continue
        seen.add((claim_id, factcheck_id))
        by_claim[claim_id].append(FactCheckLink(
            claim_id=claim_id, factcheck_id=factcheck_id, state=LinkState.SUGGESTED, relation=result.relation,
            score=result.score, lexical=result.lexical, semantic=result.semantic, evidence=_evidence(result),
        ))
    rows, events = [], []
    for claim_id, links in by_claim.items():
        changes = ChangeSet()
        rows.extend((changes, link) for link in links)
        events.append((claim_id, changes, links))
    ChangeSet.bulk_create(FactCheckLink, rows)
    queue_events(WebhookEvent.FACTCHECK_LINKED, lambda: _links_announced(by_claim))
    record_all([
        event(actor=None, action="suggest_factcheck_links", target=live[claim_id], changes=changes, claim=live[claim_id],
              summary=f"{len(links)} fact-check(s) found for this claim")
        for claim_id, changes, links in events
    ])
    return len(rows)


def _links_announced(by_claim: dict[int, list]) -> dict[int, dict]:
    """Each claim's new links as the webhook tells them, the fact-checks read in one query."""
    factchecks = FactCheck.objects.in_bulk({link.factcheck_id for links in by_claim.values() for link in links})
    for links in by_claim.values():
        for link in links:
            link.factcheck = factchecks[link.factcheck_id]
    return {claim_id: {"factcheck_links": [factcheck_link_payload(link) for link in links]} for claim_id, links in by_claim.items()}


def _evidence(result) -> dict:
    evidence = dict(result.evidence)
    evidence.pop("diff", None)  # the page draws its own diff; the stored evidence stays small
    return evidence


# --- the editor's decisions ---------------------------------------------------------------------

@transaction.atomic
def confirm_factcheck_link(*, link_id: int, actor) -> FactCheckLink:
    """The claim is the one the fact-checker checked: the link is shown as confirmed and exported."""
    link = _lock(FactCheckLink, link_id)
    if link.state == LinkState.CONFIRMED:
        raise DecisionError("This fact-check link was already confirmed.")
    changes = ChangeSet()
    changes.update(link, state=LinkState.CONFIRMED, decided_by=actor, decided_at=timezone.now())
    record(actor=actor, action="confirm_factcheck_link", target=link, changes=changes, claim=link.claim,
           summary=str(link.factcheck)[:200])
    queue_event(WebhookEvent.FACTCHECK_LINKED, link.claim_id, factcheck_links=[factcheck_link_payload(link)])
    return link


@transaction.atomic
def reject_factcheck_link(*, link_id: int, actor) -> FactCheckLink:
    """The fact-check is about another claim: the link is hidden and never suggested again."""
    link = _lock(FactCheckLink, link_id)
    if link.is_desk_verdict:
        raise DecisionError("This is the desk's own published verdict on the claim; reopen the check to withdraw it.")
    if link.state == LinkState.REJECTED:
        raise DecisionError("This fact-check link was already rejected.")
    changes = ChangeSet()
    changes.update(link, state=LinkState.REJECTED, decided_by=actor, decided_at=timezone.now())
    record(actor=actor, action="reject_factcheck_link", target=link, changes=changes, claim=link.claim,
           summary=str(link.factcheck)[:200])
    return link
