"""Fact-check linking: its cost per new claim against a 100,000-record library.

    .venv/bin/python bench/factcheck_linking.py                  # 100k-record library, 300 new claims
    .venv/bin/python bench/factcheck_linking.py --size 20000 --queries 100
    .venv/bin/python bench/factcheck_linking.py --vectors independent   # the best case (see below)

It times what ``claims.factchecks.linking.link_claims`` does for one new claim once the
library index is loaded (built once per process): the retriever's pool from the library
(``MemoryBackend``: shingle postings and the nearest vectors), then ``rank`` scoring it, then
keeping the strong links. The library is synthesised from the 10,375 CheckThat! claims and
headlines, each repeated with a record number so that 100,000 records keep the real vocabulary
and phrase frequencies. Vectors are not computed for 100,000 texts here (the sentence encoder
needs hours of CPU on this machine for that). By default every vector lies near one shared
direction, so every pooled record passes the semantic floor and is scored in full: the worst
case for ``rank``. ``--vectors independent`` draws them at random, so only records sharing words
are scored in full: closer to real text, where most of a pool is unrelated in meaning.
The new claims' own vectors are not timed (a claim's vector is computed once, when it is made,
and stored). Printed: p50 / p95 / max per phase and in total.

The quality of the same retrieval and scoring on CheckThat! 2020 (``rank_claims`` over the
library beside BM25, MAP@5 and P@1) is printed by ``bench/ct20_retrieval.py``.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._setup import SHARED, django_on, require_shared  # noqa: E402

CT20 = SHARED / "eval" / "checkthat2020-t2"


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms   max {ordered[-1] * 1000:6.1f} ms"


def _library_texts(size: int) -> list[str]:
    rows = [json.loads(line) for line in (CT20 / "claims.jsonl").open(encoding="utf-8")]
    texts = []
    for number in range(size):
        row = rows[number % len(rows)]
        title = (row.get("title") or "").strip()
        text = (title + ". " if title else "") + row["text"]
        copy = number // len(rows)
        texts.append(text if copy == 0 else f"{text} (record {copy})")
    return texts


def cost(size: int, queries: int, *, vectors_kind: str) -> None:
    import numpy as np

    from claims.factchecks.linking import LibraryIndex
    from claims.matching import EMBEDDING_DIM, Statement

    rng = np.random.default_rng(7)
    texts = _library_texts(size)
    shared = rng.normal(size=EMBEDDING_DIM)
    shared /= np.linalg.norm(shared)

    def near_shared(count):
        spread = 0.7 if vectors_kind == "near" else 1e6  # 1e6: the shared direction vanishes
        vectors = shared + spread * rng.normal(size=(count, EMBEDDING_DIM)) / math.sqrt(EMBEDDING_DIM)
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)

    started = time.perf_counter()
    vectors = near_shared(size)
    index = LibraryIndex([(number, text, vectors[number].tobytes()) for number, text in enumerate(texts)])
    print(f"library: {size:,} records ({vectors_kind} vectors), index built in {time.perf_counter() - started:.1f} s (once per process)")
    asked = [json.loads(line)["text"] for line in (CT20 / "queries_dev.jsonl").open(encoding="utf-8")]
    asked = (asked * (queries // len(asked) + 1))[:queries]
    query_vectors = near_shared(len(asked))
    pool_times, rank_times, totals, links = [], [], [], 0
    from claims.factchecks import linking
    from claims.matching import rank

    for text, vector in zip(asked, query_vectors):
        statement = Statement(id="new", text=text)
        start = time.perf_counter()
        pool, pool_vectors = index.backend.pool(statement, vector=vector)
        pooled = time.perf_counter()
        results = rank(statement, pool, pool_vecs=pool_vectors, query_vec=vector, window_days=None,
                       thresholds=linking._thresholds())
        strong = [result for result in results if linking._is_strong(result)][: linking.LINKS_PER_CLAIM]
        done = time.perf_counter()
        links += len(strong)
        pool_times.append(pooled - start)
        rank_times.append(done - pooled)
        totals.append(done - start)
    print(f"new claims: {len(asked)} (CheckThat! dev tweets), pooled records per claim: up to "
          f"{len(pool)} (last), links kept: {links}")
    print(f"  pool from the library   {_percentiles(pool_times)}")
    print(f"  rank + keep strong      {_percentiles(rank_times)}")
    print(f"  total per new claim     {_percentiles(totals)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="Library records.")
    parser.add_argument("--queries", type=int, default=300, help="New claims timed.")
    parser.add_argument("--vectors", choices=["near", "independent"], default="near",
                        help="near: every pooled record scored in full (worst case); independent: at random.")
    options = parser.parse_args()
    if require_shared("the CheckThat! 2020 library") is None:
        return
    with tempfile.TemporaryDirectory() as data_dir:
        django_on(None, data_dir)
        cost(options.size, options.queries, vectors_kind=options.vectors)


if __name__ == "__main__":
    main()
