"""Cost of the charts (claims/charts.py) on the review bench's desk: the data and the drawing.

    .venv/bin/python bench/chart_bench.py            # on the rows bench/review_bench.py synthesised

Reads the review bench's PostgreSQL database (``BENCH_REVIEW_URL``, default
``postgres://postgres@127.0.0.1:5432/factdesk_review_bench``; run bench/review_bench.py once to
fill it) and prints, as p50 / p95 over repeats with the load average: the desk's one statement
(articles and new claims per day and outlet over the last month with articles), the most
prolific speaker's claims per day (the query a speaker page makes past 50 claims), and pygal
drawing each chart. The desk's figures are what a dashboard request pays when its cache is cold
(they are cached until the desk changes); the claim's chart is made from rows its page already
holds, so only its drawing is timed.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import django_on  # noqa: E402

REVIEW_URL = os.environ.get("BENCH_REVIEW_URL", "postgres://postgres@127.0.0.1:5432/factdesk_review_bench")


def timed(label: str, work, repeats: int):
    result = work()  # warm
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = work()
        timings.append((time.perf_counter() - started) * 1000)
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"{label:<44} p50 {statistics.median(timings):7.1f} ms   p95 {p95:7.1f} ms", flush=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    django_on(REVIEW_URL, os.environ.get("FACTDESK_DATA_DIR") or tempfile.mkdtemp(prefix="chart-bench-"))
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article
    from claims import charts
    from claims.models import Citation, Claim, Speaker

    claims = Claim.objects.count()
    if not claims:
        sys.exit(f"{REVIEW_URL} holds no claims: run bench/review_bench.py first")
    print(f"{claims:,} claims, {Article.objects.count():,} articles on PostgreSQL")
    print("load average before: %.1f %.1f %.1f on %d CPUs\n" % (*os.getloadavg(), os.cpu_count() or 0))

    with CaptureQueriesContext(connection) as queries:
        desk = charts.desk_activity()
    print(f"desk: {len(queries.captured_queries)} statement, {sum(c.total for c in desk):,} articles and claims charted")
    desk = timed("desk data (cold dashboard cache)", charts.desk_activity, args.repeats)
    for chart in desk:
        if chart.series:
            timed(f"  draw: {chart.title[:36]}", lambda chart=chart: charts.draw(chart), args.repeats)

    speaker = Speaker.objects.annotate(n=Count("claims")).order_by("-n").first()
    chart = timed(f"speaker data ({speaker.n:,} claims, one query)", lambda: charts.speaker_claims(speaker), args.repeats)
    if chart.series:
        timed(f"  draw: {len(chart.periods)} {'months' if chart.monthly else 'days'}", lambda: charts.draw(chart),
              args.repeats)

    claim_id = Citation.objects.values("claim_id").annotate(n=Count("pk")).order_by("-n").values_list("claim_id", flat=True)[0]
    citations = list(Citation.objects.filter(claim_id=claim_id).select_related("article__outlet").defer("article__text"))
    chart = charts.claim_spread(citations)
    if chart.series:
        timed(f"claim draw ({len(citations)} citations, no query)", lambda: charts.draw(chart), args.repeats)
    print("\nload average after:  %.1f %.1f %.1f" % os.getloadavg())


if __name__ == "__main__":
    main()
