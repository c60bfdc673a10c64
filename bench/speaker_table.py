"""Who the desk says is speaking, on the corpus imported and extracted end to end.

    python bench/speaker_table.py [--limit 100] [--data-dir DIR] [--reuse]

Imports ../shared/corpus/polnear-articles.jsonl into a scratch SQLite database (in ``--data-dir``,
a fresh temporary folder by default), extracts every article in this process — no matching:
speakers are decided when candidates are stored —, then prints the speakers with most
candidates (name, kind, aliases, roles, candidate count) and, per kind, the candidates left
without any speaker. ``--reuse`` keeps the articles and candidates already in ``--data-dir``.
``tests/test_speakers.py`` checks the same table: no two records one person, no non-entity.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._setup import django_on, require_shared  # noqa: E402

BATCH = 16


def load_corpus(path: Path) -> list[int]:
    """Import a JSON Lines corpus and extract its articles here; returns the article ids."""
    from articles import services as article_services
    from claims import services
    from claims.tasks import extract_and_store

    ids = sorted({o.article_id for o in article_services.import_path(path) if o.article_id})
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        services.mark_extraction_queued(batch)
        extract_and_store(batch)
    return ids


def top_speakers(limit: int = 100) -> list[dict]:
    """The active speakers with most candidates, each with its aliases and roles."""
    from django.db.models import Count

    from claims.models import Speaker

    speakers = (
        Speaker.objects.active()
        .annotate(candidate_count=Count("candidates"))
        .filter(candidate_count__gt=0)
        .order_by("-candidate_count", "pk")
        .prefetch_related("aliases", "roles")[:limit]
    )
    return [
        {
            "id": s.pk,
            "name": s.name,
            "kind": s.kind,
            "aliases": sorted(a.alias for a in s.aliases.all()),
            "roles": sorted(r.role for r in s.roles.all()),
            "candidates": s.candidate_count,
        }
        for s in speakers
    ]


def unattributed_by_kind() -> dict[str, tuple[int, int]]:
    """Per candidate kind: (candidates without any speaker, all candidates)."""
    from django.db.models import Count, Q

    from claims.models import Candidate

    rows = Candidate.objects.values("kind").annotate(total=Count("id"), without=Count("id", filter=Q(speaker__isnull=True)))
    return {row["kind"]: (row["without"], row["total"]) for row in rows.order_by("kind")}


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def print_table(rows: list[dict], unattributed: dict[str, tuple[int, int]]) -> None:
    print(f"{'#':>3}  {'candidates':>10}  {'kind':<12}  {'name':<30}  {'aliases':<40}  roles")
    for rank, row in enumerate(rows, 1):
        print(
            f"{rank:>3}  {row['candidates']:>10}  {row['kind']:<12}  {_cut(row['name'], 30):<30}  "
            f"{_cut('; '.join(row['aliases']), 40):<40}  {_cut('; '.join(row['roles']), 70)}"
        )
    print()
    print("candidates without any speaker, per kind:")
    all_without = all_total = 0
    for kind, (without, total) in unattributed.items():
        all_without, all_total = all_without + without, all_total + total
        print(f"  {kind:<12} {without:>6} of {total:>6}  ({100 * without / max(total, 1):.1f} %)")
    print(f"  {'all':<12} {all_without:>6} of {all_total:>6}  ({100 * all_without / max(all_total, 1):.1f} %)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=100, help="How many speakers to list.")
    parser.add_argument("--data-dir", default="", help="Scratch data folder (SQLite database); a temporary one by default.")
    parser.add_argument("--reuse", action="store_true", help="Keep what the data folder already holds.")
    args = parser.parse_args()
    shared = require_shared("the speaker table")
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="factdesk-speakers-")
    django_on(None, data_dir)
    from articles.models import Article

    if not (args.reuse and Article.objects.exists()):
        started = time.perf_counter()
        ids = load_corpus(shared / "corpus" / "polnear-articles.jsonl")
        print(f"imported and extracted {len(ids)} articles in {time.perf_counter() - started:.0f} s ({data_dir})\n")
    print_table(top_speakers(args.limit), unattributed_by_kind())


if __name__ == "__main__":
    main()
