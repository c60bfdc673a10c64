"""EXPLAIN ANALYZE of every distinct query on the pipeline's hot paths, on the pipeline bench's database.

    .venv/bin/python bench/pipeline_explain.py [--postgres-url URL]   # after bench/pipeline_bench.py

Run it after ``bench/pipeline_bench.py`` has filled the PostgreSQL bench database (it reads
BENCH_POSTGRES_URL too). It imports 4 fresh synthesised articles and captures the SQL of the
hot paths — ``claims.tasks.extract_and_store`` (store_extraction and speaker linking),
``claims.services.propose_matches`` on their candidates (retrieval, writes),
``claims.tasks.reconcile_extraction``, and the queue, operations and dashboard pages as a
superuser — then runs EXPLAIN (ANALYZE, BUFFERS) on each distinct SELECT. Printed per query:
how many times the path ran it, its execution time, and "SEQ" when the plan scans a table; for
those it asks again with ``enable_seqscan = off``: "an index serves it" means an index exists
and the planner merely preferred a scan (small table, or most rows wanted), "STILL" means no
index can serve the query (a missing index). Plans are printed in full for missing indexes and
for queries over 5 ms. The broker is the filesystem one in a temporary folder, so nothing
reaches a running bench's Redis queues.
"""
import argparse
import collections
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import POSTGRES_URL, django_on, require_shared  # noqa: E402


def norm(sql: str) -> str:
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)[:160]


def capture(sections, name, call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q:
        result = call()
    sections[name] = q.captured_queries
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--postgres-url", default=POSTGRES_URL)
    a = ap.parse_args(argv)
    corpus = require_shared("the pipeline explain") / "corpus" / "polnear-articles.jsonl"
    with tempfile.TemporaryDirectory(prefix="fd_pipeline_explain_") as data_dir:
        os.environ["CELERY_BROKER_URL"] = "filesystem://"
        os.environ["ALLOWED_HOSTS"] = "*"
        django_on(a.postgres_url, data_dir)
        import time

        from django.contrib.auth import get_user_model
        from django.db import connection, transaction
        from django.test import Client

        from articles import hooks
        from bench.pipeline_bench import import_all, synthesise
        from claims import services
        from claims.tasks import extract_and_store, reconcile_extraction
        hooks.stop_listening()
        with connection.cursor() as c:
            for table in ("articles_article", "claims_candidate", "claims_claim", "claims_claimshingle", "claims_citation",
                          "claims_speaker", "claims_speakeralias", "claims_match", "claims_reviewevent"):
                c.execute(f"SELECT count(*) FROM {table}")
                print(f"{table:24} {c.fetchone()[0]:>10,} rows")
            c.execute("ANALYZE")
        fresh = synthesise(corpus, 4, seed=int(time.time()))
        for article in fresh:
            article["doc_id"] = f"explain-{time.time()}-{article['doc_id']}"
        ids, _ = import_all(fresh)
        sections: dict[str, list] = {}
        new = capture(sections, "extract_and_store (4 new articles)", lambda: extract_and_store(ids))
        capture(sections, f"propose_matches ({min(30, len(new))} candidates)",
                lambda: services.propose_matches(candidate_ids=new[:30]))
        capture(sections, "reconcile_extraction", lambda: reconcile_extraction(stale_minutes=15))
        user, _ = get_user_model().objects.get_or_create(username="pipeline-explain")
        user.is_superuser = user.is_staff = True
        user.save()
        client = Client()
        client.force_login(user)
        for url in ("/queue/", "/queue/?page=20", "/ops/", "/"):
            response = capture(sections, f"GET {url}", lambda url=url: client.get(url, HTTP_HOST="localhost"))
            sections[f"GET {url} ({response.status_code})"] = sections.pop(f"GET {url}")
        for name, queries in sections.items():
            print(f"\n===== {name}: {len(queries)} queries")
            shapes: dict[str, list] = collections.OrderedDict()
            for query in queries:
                if query["sql"].lstrip().upper().startswith("SELECT"):
                    shapes.setdefault(norm(query["sql"]), [0, query["sql"]])[0] += 1
            for n, sql in shapes.values():
                with transaction.atomic(), connection.cursor() as c:
                    c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = [row[0] for row in c.fetchall()]
                ms = float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1))
                seq = any("Seq Scan" in line for line in plan)
                still = []
                if seq:
                    with transaction.atomic(), connection.cursor() as c:
                        c.execute("SET LOCAL enable_seqscan = off")
                        c.execute("EXPLAIN " + sql)
                        still = [row[0].strip() for row in c.fetchall() if "Seq Scan" in row[0]]
                verdict = ("  MISSING INDEX: " + "; ".join(still)) if still else ("  (seq scan preferred; an index serves it)" if seq else "")
                print(f"  x{n:<4} {ms:8.2f} ms  {sql[:200]}{verdict}")
                if still or ms > 5:
                    for line in plan:
                        print("          " + line)


if __name__ == "__main__":
    main()
