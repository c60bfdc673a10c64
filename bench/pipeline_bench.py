"""The whole pipeline at scale: import → extract → match with 1, then 2, worker processes.

    .venv/bin/python bench/pipeline_bench.py                 # N = 1k on PostgreSQL + Redis
    .venv/bin/python bench/pipeline_bench.py --n 1000 10000  # several sizes
    .venv/bin/python bench/pipeline_bench.py --embedded      # SQLite + filesystem broker, for comparison
    .venv/bin/python bench/pipeline_bench.py --n 100000      # the large run (hours on 2 cores)

Articles are synthesised from the real corpus: paragraphs of articles from the same outlet and
month are recombined (each paragraph kept whole, so quotes stay intact and cross-outlet
matches still occur). Each run starts from an empty database, imports the N articles (timed
on its own), then starts K worker processes (``--pool solo``, one process each) and queues the
extraction; it samples the queue depth and progress every few seconds until every article is
extracted and every candidate matched. Printed: articles/s and words/s end to end, the queue
depth over time, peak resident memory per worker, and the ratio of 2 workers to 1.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import POSTGRES_URL, ROOT, ensure_postgres_database, require_shared  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


def synthesise(corpus: Path, n: int, seed: int = 7) -> list[dict]:
    groups = defaultdict(list)
    for line in corpus.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        paragraphs = [p for p in doc["text"].split("\n") if p.strip()]
        groups[(doc["outlet"], (doc.get("published") or "")[:7])].append((doc, paragraphs))
    keys = sorted(groups)
    rng = random.Random(seed)
    articles = []
    for i in range(n):
        outlet, month = keys[i % len(keys)]
        members = groups[(outlet, month)]
        base, base_paragraphs = members[rng.randrange(len(members))]
        paragraphs = list(base_paragraphs)
        for _ in range(2):
            other = members[rng.randrange(len(members))][1]
            if other:
                start = rng.randrange(len(other))
                paragraphs[rng.randrange(len(paragraphs) + 1):0] = other[start:start + 3]
        articles.append({
            "doc_id": f"synth-{i}", "outlet": outlet, "title": base.get("title") or "",
            "published": base.get("published"), "text": "\n".join(paragraphs),
        })
    return articles


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(label, database_url, broker_url, articles, workers, data_dir):
    env = {**os.environ, "FACTDESK_DATA_DIR": data_dir, "CELERY_BROKER_URL": broker_url, "LOG_LEVEL": "WARNING"}
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    os.environ.update({k: v for k, v in env.items() if k in ("FACTDESK_DATA_DIR", "CELERY_BROKER_URL", "DATABASE_URL", "LOG_LEVEL")})
    if not database_url:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factdesk.settings")
        django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from articles import services as article_services
    from articles.importers import ParsedArticle
    from articles.models import Article, Outlet
    from claims.models import ArticleExtraction, Candidate, Claim, ExtractionStatus, Match, ReviewEvent, Speaker
    from claims.ops import queue_depths
    from claims.tasks import queue_extraction_for_articles
    from factdesk.celery import app

    for model in (Match, ReviewEvent, Candidate, Claim, Speaker, Article, Outlet):
        model.objects.all().delete()
    with app.connection_for_write() as conn:
        for name in ("extract", "match", "fetch", "default"):
            conn.default_channel.queue_declare(queue=name, durable=True, auto_delete=False)
            conn.default_channel.queue_purge(name)
    settings.FACTDESK_ARTICLE_CHANGED_HOOKS = []
    from datetime import datetime, timezone as tz

    parsed = [
        ParsedArticle(text=a["text"], source_format="jsonl", title=a["title"], outlet=a["outlet"], external_id=a["doc_id"],
                      published_at=datetime.fromisoformat(a["published"]).replace(tzinfo=tz.utc) if a["published"] else None)
        for a in articles
    ]
    started = time.perf_counter()
    outcomes = article_services.import_articles(parsed, source="synthetic")
    import_seconds = time.perf_counter() - started
    ids = [o.article_id for o in outcomes if o.article_id]
    words = sum(len(a["text"].split()) for a in articles)
    print(f"\n[{label}] {len(ids)} articles ({words:,} words) imported in {import_seconds:.1f} s = {len(ids) / import_seconds:.0f} articles/s")
    procs = [
        subprocess.Popen([sys.executable, "-m", "celery", "-A", "factdesk", "worker", "--pool", "solo", "-n", f"bench{i}@%h",
                          "--queues", "extract,match", "--without-mingle", "--without-gossip", "--loglevel", "WARNING"],
                         cwd=ROOT, env=env, start_new_session=True)
        for i in range(workers)
    ]
    peaks = {p.pid: 0.0 for p in procs}
    started = time.perf_counter()
    queue_extraction_for_articles(ids)
    timeline = []
    while True:
        time.sleep(3)
        elapsed = time.perf_counter() - started
        done = ArticleExtraction.objects.filter(status=ExtractionStatus.DONE).count()
        unmatched = Candidate.objects.unmatched().count()
        depths = queue_depths()
        for p in procs:
            peaks[p.pid] = max(peaks[p.pid], peak_rss_mb(p.pid))
        timeline.append((elapsed, done, depths.get("extract"), depths.get("match"), unmatched))
        if done >= len(ids) and unmatched == 0 and not depths.get("match"):
            break
        if any(p.poll() is not None for p in procs):
            print("a worker died; stopping")
            break
    total = time.perf_counter() - started
    for p in procs:
        os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        p.wait(60)
    step = max(1, len(timeline) // 12)
    print(f"[{label}]   t(s)  extracted  extract-queue  match-queue  unmatched-candidates")
    for elapsed, done, extract_depth, match_depth, unmatched in timeline[::step] + timeline[-1:]:
        print(f"[{label}] {elapsed:6.0f} {done:10d} {extract_depth!s:>14} {match_depth!s:>12} {unmatched:21d}")
    from django.db.models import Count

    claims = Claim.objects.count()
    cross = Claim.objects.annotate(outlets=Count("citations__article__outlet", distinct=True)).filter(outlets__gte=2).count()
    rate = len(ids) / total
    print(f"[{label}] extract+match: {total:.1f} s = {rate:.2f} articles/s, {words / total:,.0f} words/s; "
          f"{Candidate.objects.count():,} candidates, {claims:,} claims ({cross:,} cited by 2+ outlets), {Match.objects.count():,} matches")
    print(f"[{label}] peak RSS per worker: " + ", ".join(f"{v:.0f} MB" for v in peaks.values()))
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[1000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--embedded", action="store_true", help="SQLite + filesystem broker instead of PostgreSQL + Redis")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args()
    corpus = require_shared("the pipeline bench") / "corpus" / "polnear-articles.jsonl"
    with tempfile.TemporaryDirectory() as data_dir:
        if args.embedded:
            database_url, broker_url, label = None, "filesystem://", "SQLite+filesystem"
        else:
            ensure_postgres_database(args.postgres_url)
            database_url, broker_url, label = args.postgres_url, REDIS_URL, "PostgreSQL+Redis"
        for n in args.n:
            articles = synthesise(corpus, n)
            rates = {}
            for workers in args.workers:
                rates[workers] = run(f"{label} N={n} workers={workers}", database_url, broker_url, articles, workers, data_dir)
            if 1 in rates and 2 in rates:
                print(f"[{label} N={n}] 2 workers / 1 worker = {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
