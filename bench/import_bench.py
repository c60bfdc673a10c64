"""Import the 924-article corpus and print articles/s on SQLite and on PostgreSQL.

    .venv/bin/python bench/import_bench.py [--postgres-url URL]

Each database starts empty (a fresh SQLite file; the PostgreSQL bench database is cleared).
Extraction hooks are switched off so the figure is the import path alone: parsing,
normalising, hashing, one transaction per article.
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import POSTGRES_URL, ROOT, ensure_postgres_database, require_shared  # noqa: E402

CHILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from bench._setup import django_on
django_on({url!r}, {data!r})
from articles import hooks
hooks.stop_listening()
from articles.models import Article, Outlet
from claims.models import Claim
Claim.objects.all().delete(); Article.objects.all().delete(); Outlet.objects.all().delete()
from articles import services
data = Path({corpus!r}).read_bytes()
from articles.importers import parse_any
start = time.perf_counter()
parsed = parse_any(data, name="polnear-articles.jsonl", fmt="jsonl")
parse_seconds = time.perf_counter() - start
start = time.perf_counter()
outcomes = services.import_bytes(data, name="polnear-articles.jsonl", fmt="jsonl")
elapsed = time.perf_counter() - start
created = sum(o.status == "created" for o in outcomes)
start = time.perf_counter()
again = services.import_bytes(data, name="polnear-articles.jsonl", fmt="jsonl")
elapsed_again = time.perf_counter() - start
print(f"{{len(parsed)}} {{parse_seconds:.3f}} {{created}} {{elapsed:.3f}} {{sum(o.status == 'unchanged' for o in again)}} {{elapsed_again:.3f}}")
"""


def run(label, url, corpus):
    with tempfile.TemporaryDirectory() as data:
        code = CHILD.format(root=str(ROOT), url=url, data=data, corpus=str(corpus))
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        print(f"{label}: failed\n{result.stderr[-2000:]}")
        return
    parsed, parse_seconds, created, elapsed, unchanged, elapsed_again = result.stdout.split()[-6:]
    rate = int(created) / float(elapsed)
    if label == "SQLite":  # parsing is the same on both databases: print it once
        print(f"{'parse only':<11} {parsed} articles parsed and normalised in {float(parse_seconds):6.2f} s = "
              f"{int(parsed) / float(parse_seconds):7.1f} articles/s (no database)")
    print(f"{label:<11} {created} articles created in {float(elapsed):6.2f} s = {rate:7.1f} articles/s; "
          f"re-import: {unchanged} unchanged in {float(elapsed_again):5.2f} s = {int(unchanged) / float(elapsed_again):7.1f} articles/s")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args()
    corpus = require_shared("the corpus import bench") / "corpus" / "polnear-articles.jsonl"
    print(f"corpus: {corpus} ({corpus.stat().st_size / 1e6:.1f} MB)")
    run("SQLite", None, corpus)
    try:
        ensure_postgres_database(args.postgres_url)
    except Exception as exc:  # no server here: report and carry on with what ran
        print(f"PostgreSQL: not reachable at {args.postgres_url} ({exc})")
        return
    run("PostgreSQL", args.postgres_url, corpus)


if __name__ == "__main__":
    main()
