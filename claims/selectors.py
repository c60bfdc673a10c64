"""Retrieval: the SQL that finds the claims a new candidate is scored against.

Reads only. ``DatabaseBackend`` is the database side of ``claims.matching.retrieval``'s one
retriever: the same three capped branches (speaker block, shingle block, nearest claims by
embedding) as its ``MemoryBackend``, so the pool, and its cost, stays flat however large the
claims table grows. On PostgreSQL the nearest claims come from a pgvector HNSW index, inside the
one statement that fetches the pool; on SQLite (development, tests) from an exact search in process.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from claims.fields import bytes_from_vector_binary, vector_literal
from claims.matching.retrieval import (  # noqa: F401  (the caps, importable from here as before)
    POOL_BY_SHINGLES,
    POOL_MAX_SHINGLES,
    POOL_NEAREST,
    POOL_PER_SHINGLE,
    POOL_SAME_SPEAKER,
    nearest,
    query_shingles,
)
from claims.models import Citation, Claim, ClaimShingle, ClaimStatus

LIVE_STATUSES = (ClaimStatus.PROPOSED.value, ClaimStatus.CONFIRMED.value)


def speaker_key(speaker_id) -> str:
    """A speaker as ``Statement.speaker`` holds it ("" when unknown)."""
    return f"speaker:{speaker_id}" if speaker_id else ""


def _speaker_id(key: str) -> int | None:
    return int(key.removeprefix("speaker:")) if key else None


class PoolClaim(NamedTuple):
    """A retrieved claim as scoring needs it: five columns, no model instance.

    Attribute names are the model's, so ``services.matching._claim_statement`` and ``_pool_vectors`` take either.
    Building ~200 Claim instances (with their embedding bytes) per candidate cost more than
    the SQL itself (bench/matching_bench.py).
    """

    pk: int
    text: str
    speaker_id: int | None
    first_reported_at: datetime | None
    embedding: bytes | None


_POOL_COLUMNS = ("id", "text", "speaker_id", "first_reported_at", "embedding")


def _shingle_sql(table: str) -> str:
    # Each shingle reads at most POOL_PER_SHINGLE entries (newest claims first) from the
    # (value, claim) unique index, so a common phrase costs the same at 1M claims as at 10k.
    return (
        f"SELECT s.claim_id FROM unnest(%s::bigint[]) AS q(value) "
        f"CROSS JOIN LATERAL (SELECT claim_id FROM {table} WHERE value = q.value "
        f"ORDER BY claim_id DESC LIMIT %s) AS s "
        f"GROUP BY s.claim_id ORDER BY count(*) DESC, s.claim_id DESC LIMIT %s"
    )


def _claims_sharing_shingles(values: list[int]) -> list[int]:
    """Ids of the claims sharing most of ``values``, reading a bounded slice of each posting list.

    On PostgreSQL each shingle reads at most POOL_PER_SHINGLE entries (newest claims first) from
    the (value, claim) unique index, so a common phrase costs the same at 1M claims as at 10k.
    Other databases (SQLite: development and tests) count over the whole posting lists.
    """
    if not values:
        return []
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(ClaimShingle._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(_shingle_sql(table), [values, POOL_PER_SHINGLE, POOL_BY_SHINGLES])
            return [row[0] for row in cursor.fetchall()]
    shared = (
        ClaimShingle.objects.filter(value__in=values)
        .values("claim_id")
        .annotate(n=Count("id"))
        .order_by("-n", "-claim_id")[:POOL_BY_SHINGLES]
    )
    return [row["claim_id"] for row in shared]


def speaker_window(when: date | None) -> tuple[datetime, datetime, datetime] | None:
    """(window start, end of the candidate's day, window end) as aware datetimes; None without a date."""
    if not when:
        return None
    # Datetime bounds (not __date), and no "OR date IS NULL": the (speaker, first_reported_at)
    # index then serves the range in order and stops at the cap. (An OR made PostgreSQL read
    # all of a prolific speaker's window: p95 0.4 s at 1M claims.) Claims always get a date
    # from their article; an undated one is still found through its shingles.
    window = timedelta(days=settings.FACTDESK_MATCH_WINDOW_DAYS)
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(when - window, time.min, tzinfo=tz),
        datetime.combine(when, time.max, tzinfo=tz),
        datetime.combine(when + window, time.max, tzinfo=tz),
    )


class _Exact:
    """The live claims' ids and vectors, read once: the exact nearest-neighbour search off PostgreSQL."""

    def __init__(self):
        rows = [
            (pk, blob) for pk, blob in Claim.objects.filter(status__in=LIVE_STATUSES, embedding__isnull=False)
            .order_by("pk").values_list("pk", "embedding")
            if blob is not None
        ]
        self.ids = np.array([pk for pk, _ in rows], dtype=np.int64)
        width = len(rows[0][1]) // 4 if rows else 0
        same = [blob for _, blob in rows if len(blob) == 4 * width]
        if len(same) != len(rows):  # vectors of another model's size: not comparable, left out
            keep = [len(blob) == 4 * width for _, blob in rows]
            self.ids = self.ids[keep]
        self.matrix = np.frombuffer(b"".join(bytes(b) for b in same), dtype=np.float32).reshape(len(same), width) if same else np.zeros((0, 0), np.float32)

    def nearest_ids(self, vector: np.ndarray, limit: int) -> list[int]:
        if not len(self.ids) or self.matrix.shape[1] != len(vector):
            return []
        return self.ids[nearest(self.matrix, vector, limit)].tolist()


def retrieval_pool(
    *, speaker_id: int | None, article_id: int | None, shingle_values: list[int], when: date | None,
    vector: np.ndarray | None, exact: _Exact | None = None,
) -> list[PoolClaim]:
    """Claims worth scoring against: the same speaker near the date, sharing rare phrases, or nearest in meaning.

    Blocking plus indexes, never a scan: the speaker's claims come from the (speaker,
    first_reported_at) index within the match window, phrase-sharing claims from the shingle
    index, the nearest by embedding from the HNSW index (PostgreSQL) or ``exact`` (elsewhere);
    each part is capped, so the pool (and the time to score it) does not grow with the table.
    Claims already cited in article ``article_id`` are left out. Returns ``PoolClaim`` rows.
    """
    values = list(shingle_values)[:POOL_MAX_SHINGLES]
    bounds = speaker_window(when)
    if connection.vendor == "postgresql":
        return _retrieval_pool_postgresql(speaker_id, article_id, values, bounds, vector)
    live = Claim.objects.filter(status__in=LIVE_STATUSES)
    if article_id is not None:
        live = live.exclude(citations__article_id=article_id)
    ids: list[int] = []
    if speaker_id:
        same_speaker = live.filter(speaker_id=speaker_id)
        if bounds:
            # Two ordered range scans that stop at their caps: the newest claims up to the
            # candidate's day, and the first ones after it (back-filled archives come in any order).
            lo, mid, hi = bounds
            before = same_speaker.filter(first_reported_at__range=(lo, mid)).order_by("-first_reported_at")
            after = same_speaker.filter(first_reported_at__gt=mid, first_reported_at__lte=hi).order_by("first_reported_at")
            ids.extend(before.values_list("pk", flat=True)[:POOL_SAME_SPEAKER])
            ids.extend(after.values_list("pk", flat=True)[:POOL_SAME_SPEAKER // 3])
        else:
            ids.extend(same_speaker.order_by("-first_reported_at").values_list("pk", flat=True)[:POOL_SAME_SPEAKER])
    ids.extend(_claims_sharing_shingles(values))
    if vector is not None:
        ids.extend((exact or _Exact()).nearest_ids(vector, POOL_NEAREST))
    if not ids:
        return []
    rows = live.filter(pk__in=set(ids)).order_by("pk").values_list(*_POOL_COLUMNS)
    return [PoolClaim._make(row) for row in rows]


def _retrieval_pool_postgresql(speaker_id, article_id, values: list[int], bounds, vector) -> list[PoolClaim]:
    """The same pool as the generic path, in one round trip.

    The speaker block (two capped range scans on the (speaker, first_reported_at) index), the
    shingle block (capped posting-list reads) and the semantic block (an HNSW index scan) are
    branches of one statement that also fetches the pool's rows: one round trip, and no query
    compiled by the ORM per candidate. The rows come in binary format (server-side
    parameters): embeddings and timestamps without text parsing.
    """
    import psycopg

    query = pool_query_postgresql(speaker_id, article_id, values, bounds, vector)
    if query is None:
        return []
    connection.ensure_connection()
    # A plain psycopg cursor on Django's own connection (so inside its transaction): Django's
    # cursors bind parameters client-side, and those cannot return binary rows.
    # wrap_database_errors turns psycopg's errors into Django's, as Django's own cursors do, so a
    # dropped connection is a django.db.OperationalError that the task retries (and Django
    # knows to discard the broken connection).
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(*query, binary=True)
        return [
            PoolClaim(pk, text, speaker, reported, bytes_from_vector_binary(blob) if blob is not None else None)
            for pk, text, speaker, reported, blob in cursor.fetchall()
        ]


def pool_query_postgresql(speaker_id, article_id, values: list[int], bounds, vector) -> tuple[str, list] | None:
    """SQL and parameters of ``_retrieval_pool_postgresql``'s one statement (None: nothing to look up).

    The speaker branches read their rows straight from the heap pages their index scan visits;
    only the other claims (phrase-sharing or nearest) not already among them are then fetched
    by primary key (at 1M claims the second heap visit per row was ~2 ms of a ~5 ms statement).
    The nearest claims are an HNSW index scan over the live claims (the index is partial, so
    the status test is spelled as its predicate).
    """
    qn = connection.ops.quote_name
    claim, citation = qn(Claim._meta.db_table), qn(Citation._meta.db_table)
    columns = "{t}.id, {t}.text, {t}.speaker_id, {t}.first_reported_at, {t}.embedding"
    live_sql = (
        f"{{t}}.status = ANY(%s) AND NOT EXISTS (SELECT 1 FROM {citation} u "
        f"WHERE u.article_id = %s AND u.claim_id = {{t}}.id)"
    )
    live_params = [list(LIVE_STATUSES), article_id]
    speaker_branches: list[str] = []
    params: list = []
    if speaker_id:
        head = f"SELECT {columns.format(t='c1')} FROM {claim} c1 WHERE c1.speaker_id = %s AND {live_sql.format(t='c1')}"
        if bounds:
            # The before and after ranges are disjoint: the two branches never repeat a claim.
            lo, mid, hi = bounds
            speaker_branches.append(
                f"({head} AND c1.first_reported_at BETWEEN %s AND %s ORDER BY c1.first_reported_at DESC LIMIT %s)"
            )
            params += [speaker_id, *live_params, lo, mid, POOL_SAME_SPEAKER]
            speaker_branches.append(
                f"({head} AND c1.first_reported_at > %s AND c1.first_reported_at <= %s "
                f"ORDER BY c1.first_reported_at ASC LIMIT %s)"
            )
            params += [speaker_id, *live_params, mid, hi, POOL_SAME_SPEAKER // 3]
        else:
            speaker_branches.append(f"({head} ORDER BY c1.first_reported_at DESC LIMIT %s)")
            params += [speaker_id, *live_params, POOL_SAME_SPEAKER]
    other_ids: list[str] = []
    other_params: list = []
    if values:
        other_ids.append(f"SELECT claim_id FROM ({_shingle_sql(qn(ClaimShingle._meta.db_table))}) AS shared")
        other_params += [values, POOL_PER_SHINGLE, POOL_BY_SHINGLES]
    if vector is not None:
        statuses = ", ".join(f"'{status}'" for status in LIVE_STATUSES)  # fixed choices, not input
        other_ids.append(
            f"(SELECT n.id FROM {claim} n WHERE n.status IN ({statuses}) "
            f"ORDER BY n.embedding <#> %s::vector LIMIT %s)"
        )
        other_params += [vector_literal(np.asarray(vector, dtype="<f4").tobytes()), POOL_NEAREST]
    if not speaker_branches and not other_ids:
        return None
    parts: list[str] = []
    sql = ""
    if speaker_branches:
        sql = f"WITH sp AS ({' UNION ALL '.join(speaker_branches)}) "
        parts.append("SELECT * FROM sp")
    if other_ids:
        others = (
            f"SELECT {columns.format(t='c')} FROM {claim} c "
            f"WHERE c.id IN ({' UNION '.join(other_ids)}) AND {live_sql.format(t='c')}"
        )
        params += [*other_params, *live_params]
        if speaker_branches:
            others += " AND c.id NOT IN (SELECT id FROM sp)"
        parts.append(others)
    # No ORDER BY: rank orders its results itself.
    return sql + " UNION ALL ".join(parts), params


def claim_statement(claim):
    """A Claim or ``PoolClaim`` as ``claims.matching.Statement``."""
    from claims.matching import Statement

    when = claim.first_reported_at.date() if claim.first_reported_at else None
    return Statement(id=claim.pk, text=claim.text, speaker=speaker_key(claim.speaker_id), published=when)


def pool_vectors(pool) -> np.ndarray:
    """Stored embeddings of the pool (Claim or PoolClaim rows); those without one (or with another
    model's size) are embedded in one batch."""
    from claims.matching import EMBEDDING_DIM, embed

    size = EMBEDDING_DIM * 4
    stored = [claim.embedding for claim in pool]
    if all(blob is not None and len(blob) == size for blob in stored):
        # One join and one frombuffer: no per-row array (the common case: every claim has one).
        return np.frombuffer(b"".join(stored), dtype=np.float32).reshape(len(pool), EMBEDDING_DIM).copy()
    vectors = np.zeros((len(pool), EMBEDDING_DIM), dtype=np.float32)
    missing = []
    for i, blob in enumerate(stored):
        if blob is not None and len(blob) == size:
            vectors[i] = np.frombuffer(blob, dtype=np.float32)
        else:
            missing.append(i)
    if missing:
        vectors[missing] = embed([pool[i].text for i in missing])
    return vectors


class DatabaseBackend:
    """``claims.matching.retrieval``'s retriever over the claims table (``Backend``).

    ``exclude_article_id``: claims cited in that article are never pooled (a candidate is not
    matched against its own article's claims). Off PostgreSQL the live claims' vectors are read
    once per backend, so one backend serves one article's candidates.
    """

    def __init__(self, *, exclude_article_id: int | None = None):
        self.exclude_article_id = exclude_article_id
        self._exact: _Exact | None = None

    def pool_rows(self, query, *, vector) -> list[PoolClaim]:
        if connection.vendor != "postgresql" and vector is not None and self._exact is None:
            self._exact = _Exact()
        return retrieval_pool(
            speaker_id=_speaker_id(query.speaker), article_id=self.exclude_article_id,
            shingle_values=query_shingles(query.text), when=query.published, vector=vector, exact=self._exact,
        )

    def pool(self, query, *, vector, semantic: bool = True):
        # Without the semantic branch the vector is not looked up by; the pool's stored vectors still score it.
        rows = self.pool_rows(query, vector=vector if semantic else None)
        rows.sort(key=lambda row: row.pk)  # the order of MemoryBackend's pool
        return [claim_statement(row) for row in rows], pool_vectors(rows)
