"""Extraction speed: words/s of the production pipeline beside a full spaCy parse of the same text.

    .venv/bin/python bench/extraction_bench.py [--limit 200] [--all] [--rounds 3] [--against REF ...]

Runs in one process: the models are loaded (and warmed up) before timing. The pipeline is
``claims.extraction.extract_many`` exactly as the worker calls it (batches of 64 articles); the
baseline is ``en_core_web_sm`` with every component, run over every article's whole text,
which is what peer extractors do, loaded as the pipeline loads its model (the same matrix
library, ``claims.extraction.model.load_pipeline``, with one BLAS thread as a worker has).
Prints words/s for each and the ratio (goal: >= 4x).

They alternate for ``--rounds`` rounds, so a burst of other work on a shared machine hits
each alike; each round of the pipeline starts with its word caches empty (as the first round
would), so later rounds are not flattered by the words the earlier ones saw. Each round's
ratio is printed, then the median round and the ratio of the best times (the least disturbed
run of each), with the load average before and after.

``--against REF`` (repeatable) also times ``claims/extraction`` as it was at git ``REF`` (taken
out with ``git archive`` and imported as a package of its own; extraction is pure, so it runs
alone), in the same rounds: old and new code measured in one run.
"""
import argparse
import atexit
import functools
import importlib
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

# One BLAS thread, as factdesk/__init__.py gives every worker, set before numpy loads.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import ROOT, SHARED, require_shared  # noqa: E402

BATCH = 64


def clear_extraction_caches(package: str = "claims.extraction") -> None:
    """Empty every memo the extractor fills as it reads (word n-grams, name spellings, …)."""
    for name, module in list(sys.modules.items()):
        if not name.startswith(package):
            continue
        for value in vars(module).values():
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()
    scorer = importlib.import_module(package + ".checkworthy").get_scorer()
    if hasattr(scorer, "_char_cache"):
        scorer._char_cache.clear()


def extraction_at(ref: str):
    """``claims/extraction`` as it was at git ``ref``, imported as a package of its own."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "claims/extraction"], check=True, capture_output=True).stdout
    root = Path(tempfile.mkdtemp(prefix="extraction-bench-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(root, filter="data")
    name = "extraction_at_" + re.sub(r"\W", "_", ref)
    (root / "claims" / "extraction").rename(root / name)
    sys.path.insert(0, str(root))
    return importlib.import_module(name)


def load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=200, help="articles from the corpus (default 200)")
    ap.add_argument("--all", action="store_true", help="the whole corpus (924 articles)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds of each (default 3)")
    ap.add_argument("--against", metavar="REF", action="append", default=[],
                    help="also time the extractor of this git commit or tag (repeatable)")
    a = ap.parse_args(argv)
    require_shared("the extraction benchmark")
    corpus = SHARED / "corpus" / "polnear-articles.jsonl"
    texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not a.all:
        texts = texts[: a.limit]
    words = sum(len(t.split()) for t in texts)

    from claims.extraction import EXTRACTOR_VERSION, extract_many
    from claims.extraction.model import get_nlp, load_pipeline

    extractors = {"pipeline": ("claims.extraction", extract_many)}
    for ref in a.against:
        old = extraction_at(ref)
        extractors[f"at {ref}"] = (old.__name__, old.extract_many)
        print(f"against {ref}: extractor {old.EXTRACTOR_VERSION}")
    get_nlp()
    for _package, extract in extractors.values():
        extract(texts[:2])  # warm-up: model loaded, caches filled
    full = load_pipeline()
    list(full.pipe(texts[:2]))

    def run_extractor(package, extract):
        clear_extraction_caches(package)
        found = 0
        for i in range(0, len(texts), BATCH):
            found += sum(len(r) for r in extract(texts[i:i + BATCH]))
        return found

    def run_full():
        for _ in full.pipe(texts, batch_size=BATCH):
            pass

    def timed(run, *args):
        start, cpu = time.perf_counter(), time.process_time()
        result = run(*args)
        return result, time.perf_counter() - start, time.process_time() - cpu

    print(f"articles={len(texts)} words={words} extractor={EXTRACTOR_VERSION} load before {load()}")
    print(f"{'round':8} {'extractor':24} {'wall':>8} {'full wall':>10} {'ratio wall':>11} {'ratio cpu':>10}")
    times = {label: [] for label in extractors}  # label -> [(wall, cpu, full wall, full cpu)] per round
    found = {}
    for r in range(1, a.rounds + 1):
        measured = {label: timed(run_extractor, *extractor) for label, extractor in extractors.items()}
        _, baseline, baseline_cpu = timed(run_full)
        for label, (candidates, ours, ours_cpu) in measured.items():
            found[label] = candidates
            times[label].append((ours, ours_cpu, baseline, baseline_cpu))
            print(f"{r:<8} {label:24} {ours:7.2f}s {baseline:9.2f}s {baseline / ours:10.2f}x {baseline_cpu / ours_cpu:9.2f}x")
    print(f"candidates: {', '.join(f'{label} {count}' for label, count in found.items())}; load after {load()}")

    rounds = times["pipeline"]
    baseline, baseline_cpu = min(b for _, _, b, _ in rounds), min(bc for *_, bc in rounds)
    # Wall time is what a worker sees; CPU time is steadier on a machine shared with other work.
    print(f"{'best of ' + str(len(rounds)):28} {'wall words/s':>13} {'cpu words/s':>12} {'best ratio':>11} "
          f"{'cpu':>6} {'median ratio':>13} {'cpu':>6}")
    for label, rounds in times.items():
        ours, ours_cpu = min(o for o, *_ in rounds), min(oc for _, oc, _, _ in rounds)
        wall_ratios = [b / o for o, _, b, _ in rounds]
        cpu_ratios = [bc / oc for _, oc, _, bc in rounds]
        print(f"{label:28} {words / ours:13.0f} {words / ours_cpu:12.0f} {baseline / ours:10.2f}x {baseline_cpu / ours_cpu:5.2f}x "
              f"{statistics.median(wall_ratios):12.2f}x {statistics.median(cpu_ratios):5.2f}x")
    print(f"{'full spaCy parse':28} {words / baseline:13.0f} {words / baseline_cpu:12.0f}")


if __name__ == "__main__":
    main()
