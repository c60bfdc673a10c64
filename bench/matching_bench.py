"""Time to propose matches for one new candidate against 100k and 1M stored claims, on PostgreSQL.

    .venv/bin/python bench/matching_bench.py                       # 100k then 1M stored claims
    .venv/bin/python bench/matching_bench.py --sizes 10000,100000  # a quick run
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/factdesk_c .venv/bin/python bench/matching_bench.py
    .venv/bin/python bench/matching_bench.py --database-url postgres://.../factdesk_100k,postgres://.../factdesk_1m

Stored claims are synthesised from the real corpus (../shared/corpus): sentences of its 924
articles, each spliced from the start of one sentence and the end of another so that a million
distinct texts keep the corpus's vocabulary and phrase frequencies, spread over ~5,000 speakers
(Zipf: a few speak a lot, as on a real desk) and two years of dates. Claims, their embeddings
and their shingles are bulk-loaded with COPY; the table grows from one size to the next.
The stored claims' embeddings are random unit vectors, not the encoder's: encoding a million
texts takes hours on two cores, and the HNSW index's cost depends on the number of vectors and
their dimension, not on what they mean (random vectors are, if anything, harder to search).
The new candidates are embedded for real, and that time is part of the total.

For each size the bench times the services-level work for a new candidate — embed it, take its
shingles, retrieve the pool (``claims.selectors.DatabaseBackend``: on PostgreSQL one statement,
speaker + date window on the (speaker, first_reported_at) index UNION ALL shingles through the
(value, claim) index with bounded posting-list reads and the nearest claims through the pgvector
HNSW index, the pool's rows fetched by key in binary format), load the pool's stored vectors
and score it (``claims.matching.rank``) —
for a mix of new candidates: half are reworded repeats of a stored claim by its speaker (so a
match must be found), half fresh corpus sentences by a random speaker. Printed: p50 / p95 / max
per phase and in total, the share of repeats found, and (--explain) EXPLAIN ANALYZE of the retrieval statement.
"""
import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone as dt_timezone
from pathlib import Path

# One BLAS thread per process, as factdesk/__init__.py gives every worker, set before numpy loads
# (numpy is imported here before Django): with OpenBLAS's two threads on this loaded 2-core machine
# one sentence took ~1 s to embed instead of ~66 ms, and a pool's matrix products (390 x 384) 10 ms
# instead of 0.6 ms: the bench measured OpenBLAS's thread contention, not what a worker does.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import POSTGRES_URL, django_on, ensure_postgres_database, require_shared  # noqa: E402

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"“A-Z])")
SPEAKERS = 5000
START = date(2015, 1, 1)
DAYS = 730
BUILD_MEMORY = os.environ.get("BENCH_BUILD_MEMORY", "4GB")  # maintenance_work_mem of the index rebuilds after a bulk load


def corpus_sentences(shared: Path) -> list[str]:
    out = []
    for line in (shared / "corpus" / "polnear-articles.jsonl").read_text(encoding="utf-8").splitlines():
        for paragraph in json.loads(line)["text"].split("\n"):
            for sentence in SENTENCE.split(paragraph):
                words = sentence.split()
                if 8 <= len(words) <= 45:
                    out.append(sentence.strip())
    return out


def synthesise(sentences: list[str], n: int, rng: random.Random) -> list[str]:
    texts = []
    for _ in range(n):
        a, b = rng.choice(sentences).split(), rng.choice(sentences).split()
        cut_a, cut_b = rng.randint(4, max(4, len(a) - 2)), rng.randint(2, max(2, len(b) - 4))
        texts.append(" ".join(a[:cut_a] + b[cut_b:]))
    return texts


def reword(text: str, rng: random.Random) -> str:
    """A wording variant another outlet might print: a word dropped, US/United States swapped, quotes."""
    words = text.split()
    if len(words) > 10:
        del words[rng.randrange(3, len(words) - 3)]
    out = " ".join(words).replace("United States", "US") if rng.random() < 0.5 else " ".join(words)
    return f"“{out},”"


def zipf_speakers(n: int, rng: np.random.Generator) -> np.ndarray:
    ranks = np.arange(1, SPEAKERS + 1)
    weights = 1.0 / ranks
    return rng.choice(SPEAKERS, size=n, p=weights / weights.sum())


def _drop_hnsw_index() -> list[str]:
    """Drop the embedding index for a bulk load; return the statement that rebuilds it (faster than inserting into it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'claim_embedding_hnsw'")
        row = cursor.fetchone()
        if not row:
            return []
        cursor.execute("DROP INDEX claim_embedding_hnsw")
    return [row[0]]


def grow(target: int, sentences, speaker_ids, rng, nrng, conn_info):
    """Bulk-load claims (with embeddings) and shingles until the table holds ``target`` claims."""
    from django.db import connection

    from claims.fields import vector_literal
    from claims.matching import EMBEDDING_DIM, EMBEDDING_MODEL, shingles
    from claims.models import Claim, ClaimShingle

    have = Claim.objects.count()
    if have >= target:
        return have, 0.0
    n = target - have
    started = time.perf_counter()
    claim_table, shingle_table = Claim._meta.db_table, ClaimShingle._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {claim_table}")
        next_id = cursor.fetchone()[0] + 1
    chunk = 50_000
    now = datetime.now(dt_timezone.utc)
    raw = connection.connection  # the psycopg connection Django holds
    rebuild = _drop_shingle_indexes(shingle_table) if n >= 200_000 else []
    rebuild += _drop_hnsw_index() if n >= 20_000 else []
    for offset in range(0, n, chunk):
        size = min(chunk, n - offset)
        texts = synthesise(sentences, size, rng)
        vectors = nrng.standard_normal((size, EMBEDDING_DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        who = speaker_ids[zipf_speakers(size, nrng)]
        days = nrng.integers(0, DAYS, size)
        ids = range(next_id, next_id + size)
        with raw.cursor() as cur:
            with cur.copy(
                f"COPY {claim_table} (id, text, speaker_id, kind, status, first_reported_at, rating, rating_explanation, "
                f"embedding, embedding_model, revision, created_at, updated_at) FROM STDIN"
            ) as copy:
                for cid, text, speaker, day, vec in zip(ids, texts, who, days, vectors):
                    when = datetime.combine(START + timedelta(days=int(day)), datetime.min.time(), tzinfo=dt_timezone.utc)
                    copy.write_row((cid, text, int(speaker), "direct", "proposed", when, "", "", vector_literal(vec.tobytes()),
                                    EMBEDDING_MODEL, 1, now, now))
            with cur.copy(f"COPY {shingle_table} (value, claim_id) FROM STDIN") as copy:
                for cid, text in zip(ids, texts):
                    for value in shingles(text):
                        copy.write_row((value, cid))
        raw.commit()
        next_id += size
        print(f"    loaded {have + offset + size:>9,} claims  ({time.perf_counter() - started:6.0f} s)", flush=True)
    with connection.cursor() as cursor:
        # The index builds get their memory for this session only (and the shingle indexes sort in
        # it too). 1M 384-d vectors are 1.5 GB alone; pgvector builds the HNSW graph in memory up to
        # maintenance_work_mem and on disk past it. With 4GB: 25 min at 1M, two parallel workers, load ~9.
        cursor.execute(f"SET maintenance_work_mem = '{BUILD_MEMORY}'")
        for statement in rebuild:
            began = time.perf_counter()
            cursor.execute(statement)
            print(f"    {statement.split(' ON ')[0].split(' (')[0][:70]}  ({time.perf_counter() - began:6.0f} s)", flush=True)
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{claim_table}', 'id'), %s)", [next_id])
        # VACUUM sets the visibility map, so the shingle lookups can be index-only scans.
        cursor.execute(f"VACUUM ANALYZE {claim_table}")
        cursor.execute(f"VACUUM ANALYZE {shingle_table}")
    return target, time.perf_counter() - started


def _drop_shingle_indexes(table: str) -> list[str]:
    """Drop the shingle table's secondary indexes and FK for a big load; return the SQL that restores them.

    Loading millions of rows and then building each index once is several times faster than
    maintaining the indexes row by row. The restored definitions are the migration's own.
    """
    from django.db import connection

    restore = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.indexname NOT LIKE '%%pkey'",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
            restore.append(definition)
    return restore


def load_queries(sentences, rng, n):
    """Half reworded repeats of stored claims (id, text, speaker, date), half fresh sentences."""
    from claims.matching import embed
    from claims.models import Claim

    top = Claim.objects.order_by("-id").values_list("id", flat=True).first()
    picks = [rng.randint(1, top) for _ in range(n // 2)]
    stored = {c.pk: c for c in Claim.objects.filter(pk__in=picks).only("id", "text", "speaker_id", "first_reported_at")}
    queries = [(c.pk, reword(c.text, rng), c.speaker_id, c.first_reported_at.date()) for c in stored.values()]
    # The repeated claims get their real vectors (the bulk load's are random), as matching stored them.
    for claim, vector in zip(stored.values(), embed([c.text for c in stored.values()])):
        Claim.objects.filter(pk=claim.pk).update(embedding=vector.tobytes())
    speakers = list(Claim.objects.values_list("speaker_id", flat=True).distinct()[:SPEAKERS])
    for text in rng.sample(sentences, n - len(queries)):
        queries.append((None, text, rng.choice(speakers), START + timedelta(days=rng.randrange(DAYS))))
    rng.shuffle(queries)
    return queries


def measure(queries):
    from django.conf import settings

    from claims import selectors
    from claims.matching import Statement, embed, rank, shingles
    from claims.matching.retrieval import pool_term_scores
    from claims.services import matching as proposing

    thresholds = proposing._match_thresholds()
    phases = {"embed+shingles": [], "retrieve (SQL)": [], "vectors": [], "score": [], "total": []}
    pools, found, repeats = [], 0, 0
    backend = selectors.DatabaseBackend(exclude_article_id=0)
    for target, text, speaker_id, when in queries:
        t0 = time.perf_counter()
        vector = embed([text])[0]
        shingles(text)
        t1 = time.perf_counter()
        query = Statement(id=0, text=text, speaker=selectors.speaker_key(speaker_id), published=when)
        pool = backend.pool_rows(query, vector=vector)
        t2 = time.perf_counter()
        vecs = selectors.pool_vectors(pool) if pool else None
        t3 = time.perf_counter()
        # rank and the relevance order, as retrieve runs them (timed apart from the SQL)
        results = rank(query, [selectors.claim_statement(c) for c in pool], pool_vecs=vecs, query_vec=vector,
                       window_days=settings.FACTDESK_MATCH_WINDOW_DAYS, thresholds=thresholds) if pool else []
        pool_term_scores(text, [c.text for c in pool])
        t4 = time.perf_counter()
        for name, value in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0)):
            phases[name].append(value * 1000)
        pools.append(len(pool))
        if target is not None:
            repeats += 1
            found += any(r.target_id == target and r.auto_mergeable for r in results)
    return phases, pools, found, repeats


def use_database(url: str, fresh: bool) -> np.ndarray:
    """Point Django's connection at ``url`` (same server), migrate it, and return the bench speakers' ids."""
    from django.core.management import call_command
    from django.db import connection

    from claims.models import Claim, ClaimShingle, Speaker

    ensure_postgres_database(url)
    name = url.rsplit("/", 1)[1]
    if connection.settings_dict["NAME"] != name:
        connection.close()
        connection.settings_dict["NAME"] = name
        call_command("migrate", verbosity=0)
    if fresh:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {ClaimShingle._meta.db_table}, {Claim._meta.db_table} CASCADE")
    if Speaker.objects.filter(name__startswith="Bench speaker").count() < SPEAKERS:
        Speaker.objects.bulk_create([Speaker(name=f"Bench speaker {i}") for i in range(SPEAKERS)], batch_size=5000)
    return np.array(Speaker.objects.filter(name__startswith="Bench speaker").order_by("pk").values_list("pk", flat=True)[:SPEAKERS])


def explain_hot_queries(text, speaker_id, when):
    """EXPLAIN ANALYZE of the one statement ``DatabaseBackend`` sends on PostgreSQL."""
    from django.db import connection

    from claims import selectors
    from claims.matching import embed, query_shingles

    sql, params = selectors.pool_query_postgresql(
        speaker_id, 0, query_shingles(text), selectors.speaker_window(when), embed([text])[0]
    )
    print("\n  " + sql[:240] + " ...")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        for (line,) in cursor.fetchall():
            print("    " + line)


def stats(values):
    arr = np.asarray(values)
    return f"p50 {np.percentile(arr, 50):6.1f}  p95 {np.percentile(arr, 95):6.1f}  max {arr.max():6.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="Stored-claim counts to measure at, ascending.")
    parser.add_argument("--queries", type=int, default=300, help="New candidates timed per size.")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL),
        help="One PostgreSQL URL (the table grows from size to size), or one per size, comma-separated "
             "(same server): e.g. an existing 100k and an existing 1M database measured in one run.",
    )
    parser.add_argument("--fresh", action="store_true", help="Empty the claim tables first (default: grow what is there).")
    parser.add_argument("--explain", action="store_true", help="Print EXPLAIN ANALYZE of the hot queries at each size.")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    urls = [u.strip() for u in args.database_url.split(",")]
    if len(urls) not in (1, len(sizes)):
        sys.exit("pass one --database-url, or one per size")
    urls = urls * len(sizes) if len(urls) == 1 else urls
    shared = require_shared("the matching bench")
    if not all(u.startswith("postgres") for u in urls):
        sys.exit("the matching bench runs on PostgreSQL: pass --database-url postgres://...")
    ensure_postgres_database(urls[0])
    django_on(urls[0], tempfile.mkdtemp(prefix="fd_matching_bench_"))

    from django.db import connection

    from claims.models import ClaimShingle

    speaker_ids = use_database(urls[0], args.fresh)
    rng, nrng = random.Random(11), np.random.default_rng(11)
    sentences = corpus_sentences(shared)
    print(f"PostgreSQL {connection.pg_version // 10000}, {len(sentences):,} corpus sentences as material; "
          f"{args.queries} new candidates per size; window {os.environ.get('FACTDESK_MATCH_WINDOW_DAYS', 30)} days")
    summary = []
    for index, (size, url) in enumerate(zip(sizes, urls)):
        if index and url != urls[index - 1]:
            speaker_ids = use_database(url, args.fresh)
        print(f"\n== {size:,} stored claims ({url.rsplit('/', 1)[1]}) ==")
        have, load_s = grow(size, sentences, speaker_ids, rng, nrng, url)
        shingle_rows = ClaimShingle.objects.count()
        print(f"  table: {have:,} claims, {shingle_rows:,} shingle rows" + (f" (loaded in {load_s:.0f} s)" if load_s else ""))
        queries = load_queries(sentences, rng, args.queries)
        measure(queries[:20])  # warm-up: model load, caches, connection
        phases, pools, found, repeats = measure(queries)
        for name, values in phases.items():
            print(f"  {name:16} ms  {stats(values)}")
        print(f"  pool size        n   p50 {np.percentile(pools, 50):6.0f}  p95 {np.percentile(pools, 95):6.0f}  max {max(pools):6d}")
        print(f"  reworded repeats cited at once: {found}/{repeats}")
        after_embedding = np.asarray(phases["total"]) - np.asarray(phases["embed+shingles"])
        summary.append((size, np.percentile(after_embedding, 50), np.percentile(after_embedding, 95),
                        np.percentile(phases["total"], 95), os.getloadavg()[0]))
        if args.explain:
            target, text, speaker_id, when = next(q for q in queries if q[0] is not None)
            explain_hot_queries(text, speaker_id, when)
    print("\n== summary: one new candidate, retrieval + scoring (its embedding is computed with its article's batch) ==")
    for size, p50, p95, total95, load in summary:
        print(f"  {size:>9,} claims   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   (p95 {total95:6.1f} ms with embedding it alone)   "
              f"load average {load:4.1f} on {os.cpu_count()} cores   (goal p95 ≤ 50 ms at 1M)")


if __name__ == "__main__":
    main()
