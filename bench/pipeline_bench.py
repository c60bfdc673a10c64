"""The whole pipeline at scale: import → extract → match with 1, then 2, worker processes.

    .venv/bin/python bench/pipeline_bench.py                      # N = 1k, then 10k, on PostgreSQL + Redis, 1 then 2 workers
    .venv/bin/python bench/pipeline_bench.py --n 1000             # one size (minutes, not hours)
    .venv/bin/python bench/pipeline_bench.py --large              # adds N = 100k (a day on 2 cores)
    .venv/bin/python bench/pipeline_bench.py --n 200 --embedded   # SQLite + filesystem broker, for comparison
    .venv/bin/python bench/pipeline_bench.py --workers 1 2 4      # other worker counts
    .venv/bin/python bench/pipeline_bench.py --n 1000 --workers 2 --semantic both   # semantic branch on, then off

Databases: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/factdesk_bench) and
BENCH_REDIS_URL (default redis://127.0.0.1:6379/12); both are emptied by every run.

Articles are synthesised from the real corpus: paragraphs of articles from the same outlet and
month are recombined (each paragraph kept whole, so quotes stay intact and cross-outlet
matches still occur). Each run starts from an empty database and imports the N articles (timed
on its own); then it starts K ``celery worker --pool solo`` processes (one process each, queues
extract and match), waits until each logs "ready" (the NLP models are preloaded by then, see
``claims.tasks.preload_models``), queues the extraction and samples the queues, the progress and
each worker's RSS every ``--interval`` seconds until every article is extracted and every
candidate matched. Printed: the load average (the machine may be shared: judge the noise by
it), articles/s and words/s end to end, the queue depth and RSS over time, the worker time
spent in each task (parsed from the workers' "succeeded in" log lines), peak resident memory
per worker, and the ratio of 2 workers to 1. ``--semantic both`` runs each size and worker count
with matching's semantic retrieval branch on, then off (``FACTDESK_MATCH_SEMANTIC``), and
prints the rate, claims and matches of each and the ratio off / on.

Planner statistics: a production server runs autovacuum, which ANALYZEs a table once 50 rows
plus 10% of it changed. A server with autovacuum off (this machine's CI configuration) would
plan every query of the run against the empty tables' statistics: the pool's statement then
reads every claim (and the semantic branch sorts them all by distance instead of using the
HNSW index), a cost that grows with the table and that production never pays. So when the
server's autovacuum is off, the bench applies autovacuum's analyze rule itself at each sample
and prints how many ANALYZEs it ran.
"""
import argparse
import json
import os
import random
import re
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


def _status_kb(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def rss_mb(pid: int) -> float:
    """Resident memory now (VmRSS) of a worker process."""
    return _status_kb(pid, "VmRSS")


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a worker process since it started."""
    return _status_kb(pid, "VmHWM")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


TASK_LINE = re.compile(r"Task (claims\.\w+)\[[^\]]+\] succeeded in ([\d.]+)s")
MATCH_LINE = re.compile(
    r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+: INFO/[^\]]+\] Task claims\.propose_matches\[[^\]]+\] "
    r"succeeded in ([\d.]+)s: \{'candidates': (\d+), 'matches': (\d+)"
)


def task_times(log_paths) -> dict[str, tuple[int, float]]:
    """(count, seconds) per task name, from the workers' INFO logs ("Task x[id] succeeded in 1.2s")."""
    totals: dict[str, list] = defaultdict(lambda: [0, 0.0])
    for path in log_paths:
        for match in TASK_LINE.finditer(Path(path).read_text(errors="replace")):
            totals[match.group(1)][0] += 1
            totals[match.group(1)][1] += float(match.group(2))
    return {name: (n, secs) for name, (n, secs) in totals.items()}


def matching_growth(log_paths, samples) -> list[tuple[int, float, float, float, int]]:
    """Matching cost per candidate as the stored claims grew.

    ``samples`` are (epoch seconds, claims stored) taken by the bench; each propose_matches task
    (from the workers' logs: finish time, seconds, candidates, matches written) is put with the
    claims stored when it finished. Returns rows (claims stored at the bucket's start, ms per
    candidate p50, p95, matches written per candidate, tasks) for up to 8 buckets of equal task
    count. Matches per candidate matter: each is scored, diffed and written, and a corpus that
    repeats itself (the synthesised one does) gives a new statement more of them as it grows.
    """
    from datetime import datetime

    tasks = []
    for path in log_paths:
        for match in MATCH_LINE.finditer(Path(path).read_text(errors="replace")):
            finished = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S").timestamp()
            seconds, candidates, written = float(match.group(2)), int(match.group(3)), int(match.group(4))
            if candidates:
                tasks.append((finished, 1000 * seconds / candidates, written / candidates))
    if not tasks or not samples:
        return []
    tasks.sort()

    def stored_at(moment):
        before = [claims for when, claims in samples if when <= moment]
        return before[-1] if before else samples[0][1]

    rows = []
    size = -(-len(tasks) // 8)  # ceil: at most 8 buckets
    for i in range(0, len(tasks), size):
        bucket = tasks[i:i + size]
        per = sorted(ms for _, ms, _ in bucket)
        per_match = sum(m for _, _, m in bucket) / len(bucket)
        rows.append((stored_at(bucket[0][0]), per[len(per) // 2], per[min(len(per) - 1, int(len(per) * 0.95))],
                     per_match, len(bucket)))
    return rows


def autovacuum_off() -> bool:
    from django.db import connection

    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        return cursor.fetchone()[0] == "off"


def analyze_as_autovacuum_would() -> int:
    """ANALYZE the tables autovacuum would by now (its defaults: 50 rows + 10% changed); returns how many."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.relid::regclass::text FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
            "WHERE s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)"
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
    return len(tables)


def wait_ready(procs, logs, timeout=300) -> bool:
    """Wait until every worker logged "ready" (the NLP models are loaded by then, see claims.tasks)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        if all(" ready." in Path(log).read_text(errors="replace") for log in logs):
            return True
        time.sleep(0.5)
    return False


def django_for(database_url, broker_url, data_dir):
    """Point this process at the run's database and broker (Django is set up once per process)."""
    os.environ.update({"FACTDESK_DATA_DIR": data_dir, "CELERY_BROKER_URL": broker_url, "LOG_LEVEL": "WARNING"})
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factdesk.settings")
    import django
    from django.conf import settings

    if not settings.configured or not getattr(django_for, "done", False):
        django.setup()
        django_for.done = True
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # The bench queues extraction itself, after the import is timed on its own.
    from articles import hooks
    hooks.stop_listening()


def empty_everything():
    from articles.models import Article, Outlet
    from claims.models import Candidate, Claim, Match, ReviewEvent, Speaker
    from factdesk.celery import app

    from django.db import connection

    models = (Match, ReviewEvent, Candidate, Claim, Speaker, Article, Outlet)
    if connection.vendor == "postgresql":
        # TRUNCATE, not the ORM's delete: after a 10k run the ORM would load ~800k matches and
        # their audit events into memory (6 GB, many minutes) to cascade them one by one.
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    else:
        for model in models:
            model.objects.all().delete()
    with app.connection_for_write() as conn:
        for name in ("extract", "match", "fetch", "default"):
            conn.default_channel.queue_declare(queue=name, durable=True, auto_delete=False)
            conn.default_channel.queue_purge(name)


def import_all(articles) -> tuple[list[int], float]:
    from datetime import datetime, timezone as tz

    from articles import services as article_services
    from articles.importers import ParsedArticle

    parsed = [
        ParsedArticle(text=a["text"], source_format="jsonl", title=a["title"], outlet=a["outlet"], external_id=a["doc_id"],
                      published_at=datetime.fromisoformat(a["published"]).replace(tzinfo=tz.utc) if a["published"] else None)
        for a in articles
    ]
    started = time.perf_counter()
    outcomes = article_services.import_articles(parsed, source="synthetic")
    return [o.article_id for o in outcomes if o.article_id], time.perf_counter() - started


def run(label, articles, workers, data_dir, env, interval) -> dict:
    """Import ``articles`` into an empty database, then extract and match them with ``workers`` processes."""
    from django.db.models import Count

    from claims.models import ArticleExtraction, Candidate, Claim, ExtractionStatus, Match
    from claims.ops import queue_depths
    from claims.tasks import queue_extraction_for_articles

    empty_everything()
    ids, import_seconds = import_all(articles)
    words = sum(len(a["text"].split()) for a in articles)
    print(f"\n[{label}] {load()}")
    print(f"[{label}] {len(ids)} articles ({words:,} words) imported in {import_seconds:.1f} s = "
          f"{len(ids) / import_seconds:.0f} articles/s")
    logs = [Path(data_dir) / f"{label.replace(' ', '_')}-worker{i}.log" for i in range(workers)]
    procs = []
    for i, log in enumerate(logs):
        with open(log, "w") as out:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "factdesk", "worker", "--pool", "solo", "-n", f"bench{i}@%h",
                 "--queues", "extract,match", "--without-mingle", "--without-gossip", "--loglevel", "INFO"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            ))
    started = time.perf_counter()
    ready = wait_ready(procs, logs)
    print(f"[{label}] {workers} worker(s) {'ready' if ready else 'NOT ready'} (models loaded) in "
          f"{time.perf_counter() - started:.1f} s; RSS at ready: " + ", ".join(f"{rss_mb(p.pid):.0f} MB" for p in procs))
    load_before = os.getloadavg()[0]
    analyzing = autovacuum_off()
    analyzed = analyze_as_autovacuum_would() if analyzing else 0
    started = time.perf_counter()
    queue_extraction_for_articles(ids)
    timeline = []
    stored = [(time.time(), Claim.objects.count())]
    died = False
    while ready:
        time.sleep(interval)
        elapsed = time.perf_counter() - started
        done = ArticleExtraction.objects.filter(status__in=[ExtractionStatus.DONE, ExtractionStatus.FAILED]).count()
        unmatched = Candidate.objects.unmatched().count()
        depths = queue_depths()
        stored.append((time.time(), Claim.objects.count()))
        if analyzing:
            analyzed += analyze_as_autovacuum_would()
        timeline.append((elapsed, done, depths.get("extract"), depths.get("match"), unmatched,
                         [rss_mb(p.pid) for p in procs], os.getloadavg()[0]))
        if done >= len(ids) and unmatched == 0 and not depths.get("match"):
            break
        if any(p.poll() is not None for p in procs):
            died = True
            print(f"[{label}] a worker died; stopping (see {logs})")
            break
    total = time.perf_counter() - started
    peaks = [peak_rss_mb(p.pid) for p in procs]
    for p in procs:
        os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        p.wait(120)
    if not timeline:
        return {"rate": 0.0}
    step = max(1, len(timeline) // 15)
    rows = timeline[::step] + ([timeline[-1]] if (len(timeline) - 1) % step else [])
    print(f"[{label}]   t(s)  extracted  extract-queue  match-queue  unmatched-cands  load1  RSS per worker (MB)")
    for elapsed, done, extract_depth, match_depth, unmatched, rss, load1 in rows:
        print(f"[{label}] {elapsed:6.0f} {done:10d} {extract_depth!s:>14} {match_depth!s:>12} {unmatched:16d} {load1:6.2f}  "
              + " ".join(f"{r:5.0f}" for r in rss))
    claims = Claim.objects.count()
    cross = Claim.objects.annotate(outlets=Count("citations__article__outlet", distinct=True)).filter(outlets__gte=2).count()
    failed = ArticleExtraction.objects.filter(status=ExtractionStatus.FAILED).count()
    rate = len(ids) / total
    print(f"[{label}] extract+match: {total:.1f} s = {rate:.2f} articles/s, {words / total:,.0f} words/s end to end"
          f"{' (INCOMPLETE: a worker died)' if died else ''}")
    print(f"[{label}] {Candidate.objects.count():,} candidates, {claims:,} claims ({cross:,} cited by 2+ outlets), "
          f"{Match.objects.count():,} matches, {failed} failed articles")
    busy = task_times(logs)
    busy_total = sum(secs for _, secs in busy.values()) or 1.0
    for name, (n, secs) in sorted(busy.items()):
        print(f"[{label}] busy in {name}: {n} tasks, {secs:.1f} s ({secs / busy_total:.0%} of worker time, "
              f"{secs / max(1, len(ids)) * 1000:.0f} ms per article)")
    growth = matching_growth(logs, stored)
    if growth:
        print(f"[{label}] matching cost as the stored claims grow (propose_matches tasks, in order of finishing):")
        print(f"[{label}]   claims stored   ms per candidate p50   p95   matches per candidate   tasks")
        for claims_then, p50, p95, per_match, n in growth:
            print(f"[{label}]   {claims_then:13,d}   {p50:20.1f}   {p95:5.1f}   {per_match:21.1f}   {n:5d}")
    print(f"[{label}] workers busy {busy_total / (total * workers):.0%} of the wall time; "
          f"peak RSS per worker: " + ", ".join(f"{v:.0f} MB" for v in peaks))
    print(f"[{label}] load average (1 min) at start {load_before:.2f}, at end {os.getloadavg()[0]:.2f}")
    if analyzing:
        print(f"[{label}] the server's autovacuum is off: the bench ran autovacuum's ANALYZE rule itself ({analyzed} ANALYZEs)")
    return {"rate": rate, "words_per_s": words / total, "peaks": peaks, "seconds": total, "claims": claims,
            "cross": cross, "matches": Match.objects.count()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10_000], help="articles per run (default 1000 10000)")
    parser.add_argument("--large", action="store_true", help="add the 100k run (a day on 2 cores)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker processes per run (default 1 2)")
    parser.add_argument("--embedded", action="store_true", help="SQLite + filesystem broker instead of PostgreSQL + Redis")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--redis-url", default=REDIS_URL)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between samples (default 3)")
    parser.add_argument("--semantic", choices=["on", "off", "both"], default="on",
                        help="matching's semantic retrieval branch (FACTDESK_MATCH_SEMANTIC): on (default), off, "
                             "or both, one after the other in this run")
    args = parser.parse_args()
    modes = {"on": ["on"], "off": ["off"], "both": ["on", "off"]}[args.semantic]
    corpus = require_shared("the pipeline bench") / "corpus" / "polnear-articles.jsonl"
    sizes = args.n + ([100_000] if args.large else [])
    print(f"pipeline bench: {load()}, Python {sys.version.split()[0]}, "
          f"batch size {os.environ.get('FACTDESK_EXTRACTION_BATCH_SIZE', 'default')}")
    with tempfile.TemporaryDirectory(prefix="fd_pipeline_bench_") as data_dir:
        if args.embedded:
            database_url, broker_url, label = None, "filesystem://", "SQLite+filesystem"
        else:
            ensure_postgres_database(args.postgres_url)
            database_url, broker_url, label = args.postgres_url, args.redis_url, "PostgreSQL+Redis"
        django_for(database_url, broker_url, data_dir)
        for n in sizes:
            articles = synthesise(corpus, n)
            by_mode = {}
            for mode in modes:
                # The workers read the setting; the label says which branch set ran.
                env = {**os.environ, "FACTDESK_MATCH_SEMANTIC": "1" if mode == "on" else "0"}
                tag = "" if args.semantic == "on" else f" semantic={mode}"
                results = by_mode[mode] = {}
                for workers in args.workers:
                    results[workers] = run(f"{label} N={n}{tag} workers={workers}", articles, workers, data_dir, env,
                                           args.interval)
                print(f"\n[{label} N={n}{tag}] summary")
                for workers, r in results.items():
                    if r.get("rate"):
                        print(f"[{label} N={n}{tag}]   {workers} worker(s): {r['rate']:.2f} articles/s, "
                              f"{r['words_per_s']:,.0f} words/s, peak RSS {max(r['peaks']):.0f} MB; {r['claims']:,} claims "
                              f"({r['cross']:,} cited by 2+ outlets), {r['matches']:,} matches")
                if results.get(1, {}).get("rate") and results.get(2, {}).get("rate"):
                    print(f"[{label} N={n}{tag}]   2 workers / 1 worker = {results[2]['rate'] / results[1]['rate']:.2f}x "
                          f"(on {os.cpu_count()} cores shared with other processes)")
            if len(by_mode) == 2:
                print(f"\n[{label} N={n}] semantic branch off / on ({load()})")
                for workers in args.workers:
                    on, off = by_mode["on"].get(workers, {}), by_mode["off"].get(workers, {})
                    if on.get("rate") and off.get("rate"):
                        print(f"[{label} N={n}]   {workers} worker(s): rate {off['rate'] / on['rate']:.2f}x "
                              f"({off['rate']:.2f} / {on['rate']:.2f} articles/s), claims {off['claims']:,} / {on['claims']:,}, "
                              f"cited by 2+ outlets {off['cross']:,} / {on['cross']:,}, matches {off['matches']:,} / "
                              f"{on['matches']:,}, peak RSS {max(off['peaks']):.0f} / {max(on['peaks']):.0f} MB")


if __name__ == "__main__":
    main()
