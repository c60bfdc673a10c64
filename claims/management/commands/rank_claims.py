"""manage.py rank_claims --claims CLAIMS.jsonl --queries QUERIES.jsonl --output RUN.tsv

The matcher's retrieval and scoring outside the database, for evaluation runs. Claims and
queries are JSON lines ``{"id": ..., "text": ..., "title": ...?, "speaker": ...?, "published": "YYYY-MM-DD"?}``;
a ``title`` (a fact-check's headline, say) is read as part of the text, before it. Links,
and the markup of hashtags and handles, are dropped from both: tweets carry them. That is
``claims.matching.statements.statement_text``, the rule the fact-check library reads its records by.
Retrieval and scoring are production's: ``claims.matching.retrieve`` over a
``MemoryBackend`` (the speaker block, the shingle block and the nearest claims by embedding,
with the caps of ``claims.selectors.DatabaseBackend``), then ``claims.matching.rank``.

Output, TREC style, top 20 per query: ``query_id Q0 claim_id rank score factdesk``, in
``retrieve``'s order (pairs typed verbatim/variant/paraphrase first, then same words by another
speaker, then the rest; each by relevance). The score column follows that order: 2 for the
first tier, 1 for the second, 0 for the rest, plus a fraction that falls with the rank, so any
tool that sorts by score agrees with the rank column.
"""
from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from claims import matching
from claims.matching.statements import statement_text
from claims.models import normalise_name

TOP = 20
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
            title = row.get("title")
            if title is not None and not isinstance(title, str):
                raise CommandError(f'{path}, line {number}: "title" must be a string.')
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
            text = statement_text(row["text"], title)
            out.append(matching.Statement(id=key, text=text, speaker=speaker, published=published))
    return out


class Command(BaseCommand):
    help = "Rank stored claims for each query claim with FactDesk's matcher; write a TREC run file (top 20 per query)."

    def add_arguments(self, parser):
        parser.add_argument("--claims", required=True, help="JSON lines: {id, text, title?, speaker?, published?}")
        parser.add_argument("--queries", required=True, help="JSON lines: {id, text, title?, speaker?, published?}")
        parser.add_argument("--output", required=True, help="Run file to write (TREC format).")
        parser.add_argument("--window-days", type=int, default=None,
                            help="Only match statements at most this many days apart (needs published dates).")

    def handle(self, *args, claims, queries, output, window_days, **options):
        stored = read_statements(claims, "claims")
        asked = read_statements(queries, "queries")
        if not stored:
            raise CommandError(f"{claims} holds no claims.")
        backend = matching.MemoryBackend(stored, matching.embed([c.text for c in stored]), window_days=window_days)
        query_vecs = matching.embed([q.text for q in asked])
        thresholds = matching.Thresholds(max_results=TOP)
        lines = []
        for query, vector in zip(asked, query_vecs):
            results = matching.retrieve(
                query, vector=vector, backend=backend, window_days=window_days, thresholds=thresholds,
                include_unrelated=True,
            )
            for rank_number, result in enumerate(results, 1):
                score = TIER.get(result.relation, 2.0) + 1 - rank_number / (TOP + 1)
                lines.append(f"{query.id} Q0 {result.target_id} {rank_number} {score:.4f} factdesk\n")
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.writelines(lines)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
        self.stdout.write(f"Ranked {len(stored)} claims for {len(asked)} queries; wrote {len(lines)} lines to {output}.")
