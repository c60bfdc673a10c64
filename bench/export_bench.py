"""Export throughput and memory: confirmed claims with their citations as JSON Lines and CSV.

    .venv/bin/python bench/export_bench.py [--postgres-url URL] [--claims 100000] [--chunk-size 2000]

Fills the PostgreSQL database (default: BENCH_POSTGRES_URL) with ``--claims`` confirmed claims,
each cited once or twice across 20 outlets (made once and reused on later runs), then streams
the export of every confirmed claim exactly as /api/v1/exports/ does (``claims.exports.stream``, UTF-8 encoded) and
prints rows/s per format. Memory: the peak of Python allocations during the export
(tracemalloc, a separate pass) at a tenth of the claims and at all of them — equal peaks mean
memory does not grow with the export — and the process's peak RSS.
"""
import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import POSTGRES_URL, django_on, ensure_postgres_database  # noqa: E402

BENCH_OUTLET = "Export Bench Outlet"
TEXT = (
    "The minister, Jane Rivers, spoke on Monday.\n"
    "\u201cWe will cut the deficit by half within four years,\u201d Rivers said, adding: "
    "\u201cschools will get more money, and hospitals too.\u201d"
)


def fill(n_claims: int) -> None:
    """Make the bench rows once (bulk inserts); later runs reuse them."""
    from django.db import transaction
    from django.utils import timezone

    from articles.models import Article, Outlet, content_hash
    from claims.models import Citation, Claim, ClaimStatus, Speaker

    have = Claim.objects.filter(status=ClaimStatus.CONFIRMED, first_article__outlet__name__startswith=BENCH_OUTLET).count()
    if have >= n_claims:
        print(f"reusing {have} bench claims")
        return
    print(f"making {n_claims} confirmed claims with citations (once) ...", flush=True)
    started = time.perf_counter()
    now = timezone.now()
    digest = content_hash(TEXT)
    start = TEXT.index("\u201cWe will")
    end = TEXT.index("years,\u201d") + len("years,\u201d")
    with transaction.atomic():
        outlets = [Outlet.objects.get_or_create(name=f"{BENCH_OUTLET} {i}", defaults={"domain": f"bench{i}.example"})[0]
                   for i in range(20)]
        articles = Article.objects.bulk_create(
            [Article(outlet=outlets[i % 20], url=f"https://bench{i % 20}.example/a/{i}", title=f"Bench article {i}",
                     text=TEXT, content_hash=digest, source_format="text", published_at=now) for i in range(2000)],
            batch_size=1000,
        )
        speakers = Speaker.objects.bulk_create([Speaker(name=f"Bench Speaker {i}") for i in range(5000)], batch_size=5000)
        done = have
        while done < n_claims:
            size = min(5000, n_claims - done)
            claims = Claim.objects.bulk_create(
                [Claim(text=f"We will cut the deficit by half within four years ({done + i})", kind="direct",
                       status=ClaimStatus.CONFIRMED, speaker=speakers[(done + i) % 5000],
                       first_article=articles[(done + i) % 2000], first_reported_at=now, confirmed_at=now,
                       rating="False" if (done + i) % 10 == 0 else "") for i in range(size)],
                batch_size=size,
            )
            citations = []
            for i, claim in enumerate(claims):
                for k in range(1 + (done + i) % 2):  # one or two citations each
                    article = articles[(done + i + k * 7) % 2000]
                    citations.append(Citation(claim=claim, article=article, start=start, end=end, quote=TEXT[start:end],
                                              prefix=TEXT[max(0, start - 32):start], suffix=TEXT[end:end + 32],
                                              content_hash=digest))
            Citation.objects.bulk_create(citations, batch_size=10000)
            done += size
    print(f"made in {time.perf_counter() - started:.1f} s")


def queryset(limit=None):
    """The claims to export: every claim (the export keeps the confirmed ones), the first ``limit``."""
    from claims.models import Claim

    qs = Claim.objects.all()
    if limit:
        last = Claim.objects.order_by("pk").values_list("pk", flat=True)[limit - 1]
        qs = qs.filter(pk__lte=last)
    return qs


def run_export(fmt: str, limit=None, chunk_size=None) -> tuple[int, int, float]:
    """Stream one export; return (claims, bytes, seconds)."""
    from claims import exports

    started = time.perf_counter()
    size = 0
    for piece in exports.stream(fmt, queryset(limit), chunk_size=chunk_size or exports.CHUNK_SIZE):
        size += len(piece.encode("utf-8"))  # what the HTTP response sends
    return queryset(limit).count(), size, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--chunk-size", type=int, default=None, help="claims per chunk (default: the export's own)")
    args = parser.parse_args()
    ensure_postgres_database(args.postgres_url)
    django_on(args.postgres_url, os.environ.get("FACTDESK_DATA_DIR", "/tmp/factdesk-export-bench"))
    fill(args.claims)
    from django.db import connection

    with connection.cursor() as cursor:
        # Fresh bulk inserts have no planner statistics yet (autovacuum gets to them later);
        # without them PostgreSQL scans every citation per chunk instead of using the index.
        cursor.execute("ANALYZE claims_claim, claims_citation, claims_speaker, articles_article, articles_outlet")
    from claims.models import Citation

    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    n = queryset().filter(status="confirmed").count()
    citations = Citation.objects.filter(claim__status="confirmed").count()
    print(f"PostgreSQL, {n} confirmed claims with {citations} citations")
    for fmt in ("jsonl", "csv"):
        cpu = time.process_time()
        claims, size, seconds = run_export(fmt, chunk_size=args.chunk_size)
        cpu = time.process_time() - cpu
        # Wall-clock is the figure that counts; the CPU figure (this process only, not the
        # database server) shows how much of it was waiting, e.g. on a busy shared machine.
        print(f"{fmt:<6} {claims} claims in {seconds:6.2f} s = {claims / seconds:8.0f} rows/s "
              f"({size / 1e6:.1f} MB, {size / seconds / 1e6:.1f} MB/s; {cpu:.2f} s CPU here = {claims / cpu:.0f} rows per CPU-s)",
              flush=True)
    for limit in (n // 10, n):
        tracemalloc.start()
        run_export("jsonl", limit, args.chunk_size)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python memory exporting {limit:>7} claims as jsonl: {peak / 1e6:6.1f} MB (tracemalloc)")
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
