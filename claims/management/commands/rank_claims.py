"""manage.py rank_claims --claims CLAIMS.jsonl --queries QUERIES.jsonl --output RUN.tsv

The matcher's retrieval and scoring outside the database, for evaluation runs. Claims and
queries are JSON lines ``{"id": ..., "text": ..., "speaker": ...?, "published": "YYYY-MM-DD"?}``.
Retrieval is index-based, as in ``claims.selectors.retrieval_pool``: an in-memory inverted index
over ``claims.matching.shingles`` (the newest POOL_PER_SHINGLE claims per shingle, the
POOL_BY_SHINGLES claims sharing most), the speaker's claims (when speakers are given), and the
nearest claims by embedding (one matrix product per block of queries). The pool is then scored
by ``claims.matching.rank``.

Output, TREC style, top 20 per query: ``query_id Q0 claim_id rank score factdesk``. The score
column is the match score plus 2 for a pair typed verbatim/variant/paraphrase and plus 1 for
same words by another speaker, so typed matches come first in any tool that sorts by score.
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from claims import matching
from claims.models import normalise_name
from claims.selectors import POOL_BY_SHINGLES, POOL_PER_SHINGLE, POOL_SAME_SPEAKER

TOP = 20
SEMANTIC_NEIGHBOURS = 50
QUERY_BLOCK = 256
TIER = {matching.RELATION_OTHER_SPEAKER: 1.0, matching.RELATION_NONE: 0.0}


def read_statements(path: str, what: str) -> list[matching.Statement]:
    try:
        handle = open(path, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"Cannot read {what} file {path}: {exc.strerror}.") from None
    out, seen = [], set()
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path}, line {number}: not JSON ({exc.msg}).") from None
            if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
                raise CommandError(f'{path}, line {number}: each line needs "id" and a "text" string.')
            key = str(row["id"])
            if key in seen:
                raise CommandError(f"{path}, line {number}: id {key} appears twice.")
            seen.add(key)
            if any(ch.isspace() for ch in key) or not key:
                raise CommandError(f"{path}, line {number}: id {key!r} must be non-empty without spaces (TREC format).")
            published = None
            if row.get("published"):
                try:
                    published = date.fromisoformat(str(row["published"])[:10])
                except ValueError:
                    raise CommandError(f"{path}, line {number}: published must be YYYY-MM-DD.") from None
            speaker = normalise_name(str(row.get("speaker") or ""))
            out.append(matching.Statement(id=key, text=row["text"], speaker=speaker, published=published))
    return out


class ShingleIndex:
    """Posting lists of claim positions per shingle, in file order (later = newer)."""

    def __init__(self, claims: list[matching.Statement]):
        postings: dict[int, list[int]] = defaultdict(list)
        for position, claim in enumerate(claims):
            for value in matching.shingles(claim.text):
                postings[value].append(position)
        self.postings = {value: np.asarray(ids, dtype=np.int64) for value, ids in postings.items()}
        self.size = len(claims)

    def sharing(self, values: set[int]) -> np.ndarray:
        lists = [self.postings[v][-POOL_PER_SHINGLE:] for v in values if v in self.postings]
        if not lists:
            return np.zeros(0, dtype=np.int64)
        counts = np.bincount(np.concatenate(lists), minlength=self.size)
        hits = np.flatnonzero(counts)
        if len(hits) > POOL_BY_SHINGLES:
            hits = hits[np.argsort(-counts[hits], kind="stable")[:POOL_BY_SHINGLES]]
        return hits


class Command(BaseCommand):
    help = "Rank stored claims for each query claim with FactDesk's matcher; write a TREC run file (top 20 per query)."

    def add_arguments(self, parser):
        parser.add_argument("--claims", required=True, help="JSON lines: {id, text, speaker?, published?}")
        parser.add_argument("--queries", required=True, help="JSON lines: {id, text, speaker?, published?}")
        parser.add_argument("--output", required=True, help="Run file to write (TREC format).")
        parser.add_argument("--window-days", type=int, default=None,
                            help="Only match statements at most this many days apart (needs published dates).")

    def handle(self, *args, claims, queries, output, window_days, **options):
        stored = read_statements(claims, "claims")
        asked = read_statements(queries, "queries")
        if not stored:
            raise CommandError(f"{claims} holds no claims.")
        index = ShingleIndex(stored)
        by_speaker: dict[str, list[int]] = defaultdict(list)
        for position, claim in enumerate(stored):
            if claim.speaker:
                by_speaker[claim.speaker].append(position)
        claim_vecs = matching.embed([c.text for c in stored])
        query_vecs = matching.embed([q.text for q in asked])
        thresholds = matching.Thresholds(max_results=TOP)
        k = min(SEMANTIC_NEIGHBOURS, len(stored))
        lines = []
        for block in range(0, len(asked), QUERY_BLOCK):
            sims = query_vecs[block:block + QUERY_BLOCK] @ claim_vecs.T
            nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            for row, query in enumerate(asked[block:block + QUERY_BLOCK]):
                positions = set(nearest[row].tolist())
                positions.update(index.sharing(matching.shingles(query.text)).tolist())
                if query.speaker:
                    positions.update(by_speaker.get(query.speaker, [])[-POOL_SAME_SPEAKER:])
                pool = sorted(positions)
                results = matching.rank(
                    query, [stored[p] for p in pool], pool_vecs=claim_vecs[pool], query_vec=query_vecs[block + row],
                    window_days=window_days, thresholds=thresholds, include_unrelated=True,
                )
                for rank_number, result in enumerate(results, 1):
                    score = TIER.get(result.relation, 2.0) + result.score
                    lines.append(f"{query.id} Q0 {result.target_id} {rank_number} {score:.4f} factdesk\n")
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.writelines(lines)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
        self.stdout.write(f"Ranked {len(stored)} claims for {len(asked)} queries; wrote {len(lines)} lines to {output}.")
