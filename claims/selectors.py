"""Retrieval: the SQL that finds the claims a new candidate is scored against.

Reads only. ``claims.services.matching`` calls ``retrieval_pool`` per candidate; the caps below
keep each pool (and its cost) flat however large the claims table grows.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from claims.models import Candidate, Citation, Claim, ClaimShingle, ClaimStatus


# Retrieval caps: a new candidate is scored against at most this many claims, however large the
# table grows (bench/matching_bench.py shows the time staying flat from 100k to 1M claims).
POOL_SAME_SPEAKER = 150      # the speaker's claims nearest before the date (a third as many after)
POOL_PER_SHINGLE = 100       # newest claims per shared shingle (an index range scan each)
POOL_BY_SHINGLES = 150       # claims sharing the most shingles
POOL_MAX_SHINGLES = 64       # shingles of the candidate looked up


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


def retrieval_pool(candidate: Candidate, shingle_values: set[int], when: date | None) -> list[PoolClaim]:
    """Claims worth scoring against: the same speaker near the date, or sharing rare phrases.

    Blocking plus indexes, never a scan: the speaker's claims come from the (speaker,
    first_reported_at) index within the match window, phrase-sharing claims from the shingle
    index; each part is capped, so the pool (and the time to score it) does not grow with the
    table. Claims already cited in the candidate's own article are left out. Returns
    ``PoolClaim`` rows (id, text, speaker, first reported, stored embedding).
    """
    values = sorted(shingle_values)[:POOL_MAX_SHINGLES] if shingle_values else []
    bounds = speaker_window(when)
    if connection.vendor == "postgresql":
        return _retrieval_pool_postgresql(candidate, values, bounds)
    live = Claim.objects.filter(status__in=[ClaimStatus.PROPOSED, ClaimStatus.CONFIRMED]).exclude(
        citations__article_id=candidate.article_id
    )
    ids: list[int] = []
    if candidate.speaker_id:
        same_speaker = live.filter(speaker_id=candidate.speaker_id)
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
    if not ids:
        return []
    rows = live.filter(pk__in=set(ids)).order_by("pk").values_list(*_POOL_COLUMNS)
    return [PoolClaim._make(row) for row in rows]


def _retrieval_pool_postgresql(candidate: Candidate, values: list[int], bounds) -> list[PoolClaim]:
    """The same pool as the generic path, in one round trip.

    The speaker block (two capped range scans on the (speaker, first_reported_at) index) and
    the shingle block (capped posting-list reads) are UNION ALL branches of one id list, and
    the pool's rows are fetched by primary key in the same statement: one round trip instead
    of four, and no query compiled by the ORM per candidate. The rows come in binary format
    (server-side parameters): ~350 embeddings as raw bytes and timestamps without text parsing.
    """
    import psycopg

    query = pool_query_postgresql(candidate, values, bounds)
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
        return [PoolClaim(*row) for row in cursor.fetchall()]


def pool_query_postgresql(candidate: Candidate, values: list[int], bounds) -> tuple[str, list] | None:
    """SQL and parameters of ``_retrieval_pool_postgresql``'s one statement (None: nothing to look up).

    The speaker branches read their rows straight from the heap pages their index scan visits;
    only the phrase-sharing claims not already among them are then fetched by primary key
    (at 1M claims the second heap visit per row was ~2 ms of a ~5 ms statement).
    """
    qn = connection.ops.quote_name
    claim, citation = qn(Claim._meta.db_table), qn(Citation._meta.db_table)
    columns = "{t}.id, {t}.text, {t}.speaker_id, {t}.first_reported_at, {t}.embedding"
    live_sql = (
        f"{{t}}.status = ANY(%s) AND NOT EXISTS (SELECT 1 FROM {citation} u "
        f"WHERE u.article_id = %s AND u.claim_id = {{t}}.id)"
    )
    live_params = [[ClaimStatus.PROPOSED.value, ClaimStatus.CONFIRMED.value], candidate.article_id]
    speaker_branches: list[str] = []
    params: list = []
    if candidate.speaker_id:
        head = f"SELECT {columns.format(t='c1')} FROM {claim} c1 WHERE c1.speaker_id = %s AND {live_sql.format(t='c1')}"
        if bounds:
            # The before and after ranges are disjoint: the two branches never repeat a claim.
            lo, mid, hi = bounds
            speaker_branches.append(
                f"({head} AND c1.first_reported_at BETWEEN %s AND %s ORDER BY c1.first_reported_at DESC LIMIT %s)"
            )
            params += [candidate.speaker_id, *live_params, lo, mid, POOL_SAME_SPEAKER]
            speaker_branches.append(
                f"({head} AND c1.first_reported_at > %s AND c1.first_reported_at <= %s "
                f"ORDER BY c1.first_reported_at ASC LIMIT %s)"
            )
            params += [candidate.speaker_id, *live_params, mid, hi, POOL_SAME_SPEAKER // 3]
        else:
            speaker_branches.append(f"({head} ORDER BY c1.first_reported_at DESC LIMIT %s)")
            params += [candidate.speaker_id, *live_params, POOL_SAME_SPEAKER]
    if not speaker_branches and not values:
        return None
    parts: list[str] = []
    sql = ""
    if speaker_branches:
        sql = f"WITH sp AS ({' UNION ALL '.join(speaker_branches)}) "
        parts.append("SELECT * FROM sp")
    if values:
        shared = (
            f"SELECT {columns.format(t='c')} FROM {claim} c "
            f"WHERE c.id IN ({_shingle_sql(qn(ClaimShingle._meta.db_table))}) AND {live_sql.format(t='c')}"
        )
        params += [values, POOL_PER_SHINGLE, POOL_BY_SHINGLES, *live_params]
        if speaker_branches:
            shared += " AND c.id NOT IN (SELECT id FROM sp)"
        parts.append(shared)
    # No ORDER BY: rank orders its results itself.
    return sql + " UNION ALL ".join(parts), params
