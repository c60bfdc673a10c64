"""The semantic branch for a whole article: its candidates' nearest claims in one statement.

``claims.selectors.DatabaseBackend`` asks PostgreSQL for each candidate's pool in one statement
that includes an HNSW nearest-neighbour scan. Matching scores an article's candidates together
(``claims.services.matching._propose_for_article``), so ``ArticleBackend`` asks for the nearest
claims of all of them at once: one statement of per-candidate HNSW scans (a LATERAL join over the
article's vectors) that returns each claim once with the candidates it is near, instead of a
scan, a plan and a round trip per candidate. The speaker and shingle branches are still
``DatabaseBackend``'s; the pool is the same set of claims either way (the branch's scans see the
claims as they were when the first candidate was pooled, not one snapshot per candidate).
Off PostgreSQL, or with the semantic branch off, it is ``DatabaseBackend`` unchanged.
"""
from __future__ import annotations

import numpy as np
from django.db import connection

from claims.fields import bytes_from_vector_binary, vector_literal
from claims.matching.retrieval import POOL_NEAREST
from claims.models import Citation, Claim
from claims.selectors import LIVE_STATUSES, DatabaseBackend, PoolClaim, claim_statement, pool_vectors


def nearest_query(article_id: int | None, vectors: list[np.ndarray]) -> tuple[str, list]:
    """SQL and parameters: each live claim among the ``POOL_NEAREST`` nearest of any of ``vectors``
    (not cited in article ``article_id``), once, with the positions of the vectors it is near."""
    qn = connection.ops.quote_name
    claim, citation = qn(Claim._meta.db_table), qn(Citation._meta.db_table)
    statuses = ", ".join(f"'{status}'" for status in LIVE_STATUSES)  # fixed choices, not input
    sql = (
        f"SELECT c.id, c.text, c.speaker_id, c.first_reported_at, c.embedding, array_agg(q.position) "
        # vector[], not text: a text cast inside the scan would parse the vector again for every row.
        f"FROM unnest(%s::text[]::vector[]) WITH ORDINALITY AS q(vector, position) "
        # The status test is spelled as the HNSW index's predicate (the index is partial).
        f"CROSS JOIN LATERAL (SELECT n.id FROM {claim} n WHERE n.status IN ({statuses}) "
        f"ORDER BY n.embedding <#> q.vector LIMIT %s) AS near "
        f"JOIN {claim} c ON c.id = near.id "
        f"WHERE NOT EXISTS (SELECT 1 FROM {citation} u WHERE u.article_id = %s AND u.claim_id = c.id) "
        f"GROUP BY c.id"
    )
    literals = [vector_literal(np.asarray(vector, dtype="<f4").tobytes()) for vector in vectors]
    return sql, [literals, POOL_NEAREST, article_id]


def nearest_for_article(article_id: int | None, vectors: list[np.ndarray]) -> list[list[PoolClaim]]:
    """For each of ``vectors``, in order, the live claims among its ``POOL_NEAREST`` nearest (PostgreSQL)."""
    import psycopg

    found: list[list[PoolClaim]] = [[] for _ in vectors]
    if not vectors:
        return found
    connection.ensure_connection()
    # As DatabaseBackend does: psycopg's own cursor on Django's connection (inside its
    # transaction) for binary rows, its errors turned into Django's.
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(*nearest_query(article_id, vectors), binary=True)
        for pk, text, speaker, reported, blob, positions in cursor.fetchall():
            row = PoolClaim(pk, text, speaker, reported, bytes_from_vector_binary(blob) if blob is not None else None)
            for position in positions:
                found[position - 1].append(row)
    return found


class ArticleBackend(DatabaseBackend):
    """``DatabaseBackend`` for one article's candidates (``vectors``: candidate id -> vector): on
    PostgreSQL the nearest claims of all of them are read in one statement, on the first pool asked."""

    def __init__(self, *, exclude_article_id: int | None, vectors: dict[int, np.ndarray]):
        super().__init__(exclude_article_id=exclude_article_id)
        self._vectors = vectors
        self._nearest: dict[int, list[PoolClaim]] | None = None

    def pool(self, query, *, vector, semantic: bool = True):
        if not semantic or connection.vendor != "postgresql" or query.id not in self._vectors:
            return super().pool(query, vector=vector, semantic=semantic)
        if self._nearest is None:
            ids = list(self._vectors)
            self._nearest = dict(zip(ids, nearest_for_article(self.exclude_article_id, [self._vectors[i] for i in ids])))
        rows = self.pool_rows(query, vector=None)  # the speaker and shingle branches
        pooled = {row.pk for row in rows}
        rows += [row for row in self._nearest[query.id] if row.pk not in pooled]
        rows.sort(key=lambda row: row.pk)  # the order of MemoryBackend's pool
        return [claim_statement(row) for row in rows], pool_vectors(rows)
