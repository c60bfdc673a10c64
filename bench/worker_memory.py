"""A worker's resident memory over a long run: does it stay bounded (no leak)?

    .venv/bin/python bench/worker_memory.py                # 2000 articles, NLP only (no database)
    .venv/bin/python bench/worker_memory.py --n 600 --every 100
    .venv/bin/python bench/worker_memory.py --db            # the real task bodies on a temporary SQLite database

One process does what a worker does, batch after batch, for N articles synthesised from the real
corpus (the same recombination as ``bench/pipeline_bench.py``):

- default: ``claims.extraction.extract_many`` on batches of FACTDESK_EXTRACTION_BATCH_SIZE
  articles, then ``claims.matching.embed`` on the extracted statements — the two models a worker
  holds, without the database, so the figures show the NLP side alone;
- ``--db``: the task bodies themselves (``claims.tasks.extract_and_store`` then
  ``claims.services.propose_matches``) on a fresh SQLite database in a temporary folder, so the
  ORM, the audit trail and the matching caches are included (slower: matching runs per candidate).

Every ``--every`` articles it prints the resident memory (VmRSS), its growth since the first
report, articles/s so far, and the size of spaCy's string store (the one structure in the
pipeline that grows with new vocabulary; the caches in ``claims.matching`` are bounded LRUs).
Growth that flattens after the first reports is warm-up (caches filling, allocator arenas);
growth that keeps a steady slope to the end would be a leak.
"""
import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import django_on, require_shared  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="articles to process (default 2000)")
    ap.add_argument("--every", type=int, default=200, help="report every this many articles (default 200)")
    ap.add_argument("--db", action="store_true", help="run the task bodies on a temporary SQLite database")
    a = ap.parse_args(argv)
    corpus = require_shared("the worker memory bench") / "corpus" / "polnear-articles.jsonl"
    from bench.pipeline_bench import synthesise

    with tempfile.TemporaryDirectory(prefix="fd_worker_memory_") as data_dir:
        os.environ.pop("CELERY_BROKER_URL", None)
        django_on(None, data_dir)
        from django.conf import settings

        from articles import hooks
        from claims.extraction import extract_many
        from claims.extraction.model import get_nlp
        from claims.matching import embed
        hooks.stop_listening()  # no broker: the loop below is the worker
        batch = settings.FACTDESK_EXTRACTION_BATCH_SIZE
        threshold = settings.FACTDESK_CHECKWORTHY_THRESHOLD
        articles = synthesise(corpus, a.n)
        nlp = get_nlp()
        embed(["warm up"])
        print(f"worker memory: {a.n} articles, batches of {batch}, {'task bodies on SQLite' if a.db else 'NLP only'}; "
              f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        print(f"models loaded: RSS {rss_mb():.0f} MB")
        print(f"{'articles':>8} {'RSS MB':>8} {'growth':>8} {'art/s':>7} {'spaCy strings':>14} {'candidates':>11}")
        ids = []
        if a.db:
            from bench.pipeline_bench import import_all

            ids, _ = import_all(articles)
            from claims import services
            from claims.tasks import extract_and_store
        first = None
        started = time.perf_counter()
        found = 0
        for offset in range(0, a.n, batch):
            if a.db:
                new_ids = extract_and_store(ids[offset:offset + batch])
                services.propose_matches(candidate_ids=new_ids)
                found += len(new_ids)
            else:
                results = extract_many([x["text"] for x in articles[offset:offset + batch]], checkworthy_threshold=threshold)
                texts = [x["text"][c.start:c.end] for x, r in zip(articles[offset:offset + batch], results) for c in r]
                embed(texts)
                found += len(texts)
            done = min(a.n, offset + batch)
            if done // a.every != (done - batch) // a.every or done == a.n:
                gc.collect()
                now = rss_mb()
                first = now if first is None else first
                print(f"{done:8d} {now:8.0f} {now - first:+8.0f} {done / (time.perf_counter() - started):7.2f} "
                      f"{len(nlp.vocab.strings):14,d} {found:11,d}")
        print(f"peak RSS (VmHWM) {Path('/proc/self/status').read_text().split('VmHWM:')[1].split()[0]} kB; "
              f"load average {os.getloadavg()[0]:.2f} at the end")



if __name__ == "__main__":
    main()
