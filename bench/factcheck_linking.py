"""Fact-check linking: its cost per new claim against a 100,000-record library, measured as production runs it.

    .venv/bin/python bench/factcheck_linking.py                  # 100k-record library, 300 new claims
    .venv/bin/python bench/factcheck_linking.py --size 20000 --queries 100
    .venv/bin/python bench/factcheck_linking.py --vectors independent   # the best case (see below)
    .venv/bin/python bench/factcheck_linking.py --size 2000 --queries 50 --real-recall 3000

It builds ``claims.factchecks.linking.LibraryIndex`` as ``library_index()`` does: every record
indexed by each of its wordings (``FactCheck.wordings``: headline then claim, and the claim alone),
one vector per record (production embeds the statement once). Then, for each new claim, it times
``LibraryIndex.links_for``, the call ``link_claims`` makes: the retriever's pool from the library
(shingle postings and the nearest vectors), ``rank`` scoring it, the relevance order, and keeping
the strong links, one per fact-check. The pool alone is timed too (a second, separate call).
Then it times what ``library_index()`` does after the library changed: ``LibraryIndex.update``
with 1 new record, 1,000 new records and 1 changed record, and a re-clustering of the k-means
lists (done once the library has grown by half), beside the full build time printed first.
The library is synthesised from the 10,375 CheckThat! claims and headlines, each repeated with
a record number so that 100,000 records keep the real vocabulary and phrase frequencies.
Vectors are not computed for 100,000 texts here (the sentence encoder needs hours of CPU on this
machine for that); three synthetic kinds are timed in turn (``--vectors`` picks): ``topics``, each
text near one of 300 topic centres and its numbered copies near it (closest to real text, where
vectors gather by subject); ``near``, every vector near one shared direction, so every pooled
record passes the semantic floor and is scored in full (the worst case for ``rank``); and
``independent``, at random (only records sharing words are scored in full; random vectors have no
neighbourhoods, so the coarse search's recall means nothing there). The new claims' own vectors
are not timed (a claim's vector is computed once, when it is made, and stored). Printed: the
machine's load average before and after, the coarse search's recall against reading every
vector, p50 / p95 / max of the pool and of the whole lookup. ``--real-recall N`` embeds N real
statements and prints the coarse search's recall on them.

The quality of the same retrieval and scoring on CheckThat! 2020 (``rank_claims`` over the
library beside BM25, MAP@5 and P@1) is printed by ``bench/ct20_retrieval.py``.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._setup import SHARED, django_on, require_shared  # noqa: E402

CT20 = SHARED / "eval" / "checkthat2020-t2"
TOPICS = 300


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms   max {ordered[-1] * 1000:6.1f} ms"


def _library(size: int) -> list[tuple[str, str]]:
    """(claim reviewed, headline) per record: the CheckThat! library, repeated with a record number."""
    rows = [json.loads(line) for line in (CT20 / "claims.jsonl").open(encoding="utf-8")]
    records = []
    for number in range(size):
        row = rows[number % len(rows)]
        copy = number // len(rows)
        suffix = "" if copy == 0 else f" (record {copy})"
        records.append((row["text"] + suffix, (row.get("title") or "").strip()))
    return records


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _vectors(kind: str, records: int, queries: int, base: int, rng):
    """Synthetic unit vectors for the records and the new claims (see the module docstring)."""
    import numpy as np

    from claims.matching import EMBEDDING_DIM

    def unit(matrix):
        return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)

    def noise(count, spread):
        return spread * rng.normal(size=(count, EMBEDDING_DIM)) / math.sqrt(EMBEDDING_DIM)

    if kind in ("near", "independent"):
        shared = unit(rng.normal(size=(1, EMBEDDING_DIM)))[0]
        spread = 0.7 if kind == "near" else 1e6  # 1e6: the shared direction vanishes
        return unit(shared + noise(records, spread)), unit(shared + noise(queries, spread))
    # topics: each distinct text near one of TOPICS centres (cosine ~0.5 within a topic, ~0 across),
    # its numbered copies near it (~0.8), each new claim near a topic's centre.
    centres = unit(rng.normal(size=(TOPICS, EMBEDDING_DIM)))
    texts = unit(centres[rng.integers(TOPICS, size=base)] + noise(base, 1.0))
    record_vectors = unit(texts[np.arange(records) % base] + noise(records, 0.5))
    return record_vectors, unit(centres[rng.integers(TOPICS, size=queries)] + noise(queries, 1.0))


def cost(size: int, queries: int, *, kinds: list[str]) -> None:
    import numpy as np

    from claims.factchecks import linking
    from claims.factchecks.models import FactCheck
    from claims.matching import POOL_NEAREST, Statement

    print(f"load average (1, 5, 15 min) before: {_load()} on {os.cpu_count()} cores")
    rng = np.random.default_rng(7)
    library = _library(size)
    asked = [json.loads(line)["text"] for line in (CT20 / "queries_dev.jsonl").open(encoding="utf-8")]
    asked = (asked * (queries // len(asked) + 1))[:queries]
    base = min(size, sum(1 for _ in (CT20 / "claims.jsonl").open(encoding="utf-8")))
    index = None
    for kind in kinds:
        record_vectors, query_vectors = _vectors(kind, size, len(asked), base, rng)
        started = time.perf_counter()
        if index is None:
            rows = [(number, FactCheck(claim_reviewed=text, headline=headline).wordings, record_vectors[number].tobytes())
                    for number, (text, headline) in enumerate(library)]
            index = linking.LibraryIndex(rows)
            built = f"index built in {time.perf_counter() - started:.1f} s (once per process)"
        else:
            index.backend.set_vectors(record_vectors)
            built = f"vector search rebuilt in {time.perf_counter() - started:.1f} s"
        backend = index.backend
        search = (f"k-means lists: {len(backend.coarse.centres)}, {backend.coarse.probes} read per query"
                  if backend.coarse else "exact vector search")
        print(f"\nlibrary: {size:,} records as {len(index.statements):,} wordings, {kind} vectors, {search}; {built}")
        pool_times, totals, pool_sizes, links, found, wanted = [], [], [], 0, 0, 0
        for number, (text, vector) in enumerate(zip(asked, query_vectors)):
            statement = Statement(id=-number - 1, text=text)
            start = time.perf_counter()
            pool, _ = backend.pool(statement, vector=vector)
            pool_times.append(time.perf_counter() - start)
            pool_sizes.append(len(pool))
            start = time.perf_counter()
            links += len(index.links_for(statement, vector))  # what link_claims does per claim
            totals.append(time.perf_counter() - start)
            if backend.coarse is not None:  # the nearest records found, against reading every vector
                exact = np.argsort(-(record_vectors @ vector))[:POOL_NEAREST // 2]
                found += len(set(exact.tolist()) & set(backend.nearest_records(vector, POOL_NEAREST).tolist()))
                wanted += len(exact)
        print(f"new claims: {len(asked)} (CheckThat! dev tweets), pooled wordings per claim: median "
              f"{statistics.median(pool_sizes):.0f}, max {max(pool_sizes)}; links kept: {links}")
        if wanted:
            print(f"  recall of the {POOL_NEAREST // 2} nearest records (vs reading every vector): {found / wanted:.3f}")
        print(f"  pool from the library            {_percentiles(pool_times)}")
        print(f"  links_for (pool, rank, keep)     {_percentiles(totals)}")
        print(f"load average after: {_load()}")
    _updates(index, size, record_vectors)


def _updates(index, size: int, record_vectors) -> None:
    """What ``library_index()`` does when the library changed: apply the new or changed records in place."""
    import numpy as np

    from claims.factchecks.library_index import RECLUSTER_GROWTH
    from claims.factchecks.models import FactCheck

    def rows(first: int, count: int):
        texts = _library(first + count)[first:]
        return [(first + offset, FactCheck(claim_reviewed=text, headline=headline).wordings,
                 record_vectors[(first + offset) % size].tobytes()) for offset, (text, headline) in enumerate(texts)]

    print(f"\nupdating the index in place (library_index() after a change), load before: {_load()}")
    for label, batch in (("1 new record", rows(size, 1)), ("1,000 new records", rows(size + 1, 1000)),
                         ("1 changed record", rows(size // 2, 1))):
        started = time.perf_counter()
        index.update(batch)
        print(f"  {label:<20} {(time.perf_counter() - started) * 1000:8.1f} ms")
    backend = index.backend
    if backend.coarse is not None:
        started = time.perf_counter()
        backend.set_vectors(backend.record_vectors(np.arange(backend.record_count)))
        print(f"  re-clustering the k-means lists (once the library has grown by "
              f"{RECLUSTER_GROWTH:.0%}): {time.perf_counter() - started:.1f} s")
    print(f"load average after: {_load()}")


def real_recall(count: int) -> None:
    """Recall of the k-means search on real sentence vectors: ``count`` CheckThat! statements, embedded here."""
    import numpy as np

    from claims.factchecks.library_index import CoarseVectors
    from claims.factchecks.models import FactCheck
    from claims.matching import POOL_NEAREST, embed

    started = time.perf_counter()
    texts = [FactCheck(claim_reviewed=text, headline=headline).statement_text for text, headline in _library(count)]
    asked = [json.loads(line)["text"] for line in (CT20 / "queries_dev.jsonl").open(encoding="utf-8")][:max(20, count // 10)]
    records, queries = embed(texts), embed(asked)
    print(f"\nreal vectors: {count:,} CheckThat! statements and {len(asked)} dev tweets embedded in "
          f"{time.perf_counter() - started:.0f} s")
    coarse = CoarseVectors(np.asarray(records, dtype=np.float32))
    found = wanted = 0
    for vector in queries:
        exact = set(np.argsort(-(records @ vector))[:POOL_NEAREST // 2].tolist())
        found += len(exact & set(coarse.nearest(vector, POOL_NEAREST // 2).tolist()))
        wanted += len(exact)
    print(f"  k-means lists: {len(coarse.centres)}, {coarse.probes} read per query; recall of the "
          f"{POOL_NEAREST // 2} nearest records: {found / wanted:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="Library records.")
    parser.add_argument("--queries", type=int, default=300, help="New claims timed.")
    parser.add_argument("--real-recall", type=int, default=0, metavar="N",
                        help="Also embed N real statements (about 0.07 s of CPU each) and print the k-means "
                             "search's recall on them; no timing.")
    parser.add_argument("--vectors", default="topics,near,independent",
                        help="Comma-separated, each timed in turn: topics (clustered, closest to real text), "
                             "near (every pooled record scored in full: the worst case), independent (at random).")
    options = parser.parse_args()
    if require_shared("the CheckThat! 2020 library") is None:
        return
    with tempfile.TemporaryDirectory() as data_dir:
        django_on(None, data_dir)
        kinds = [kind.strip() for kind in options.vectors.split(",") if kind.strip()]
        unknown = set(kinds) - {"topics", "near", "independent"}
        if unknown:
            parser.error(f"unknown --vectors {', '.join(sorted(unknown))}")
        cost(options.size, options.queries, kinds=kinds)
        if options.real_recall:
            real_recall(options.real_recall)


if __name__ == "__main__":
    main()
