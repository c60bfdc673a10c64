"""Time-boxed fuzzing of every importer and of the extraction pipeline.

    .venv/bin/python bench/fuzz_importers.py [--seconds 120] [--seed 1] [--target all|importers|extraction]

Inputs come from the hypothesis strategies of tests/test_properties.py (arbitrary bytes, huge
lines, deeply nested or cut-off HTML/JSON/XML, mixed encodings, zero-width and right-to-left
characters, quotes that never close) and from random mutations (cuts, byte flips, splices,
invisible characters) of real articles: ../shared's samples and the first records of its
corpus, when ../shared is beside the checkout.

Each input must end as the importers promise (articles with normalised text, or failures and
rejections with a reason) and extraction must keep every offset inside its text. An exception
or a broken promise is a finding: hypothesis shrinks it to a small example, which is printed.
The run goes in rounds of a bounded number of inputs, each round with a new seed, until the
time is up, so it stops within one round of ``--seconds``. It prints the inputs tried per
target, what became of them, parser-library crashes that parse_any turned into rejections
(worth a look even though nothing crashed), and the findings. Exit status 1 if anything was
found. Pure code only: no database is touched.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factdesk.settings")
os.environ.setdefault("FACTDESK_DATA_DIR", tempfile.mkdtemp(prefix="factdesk-fuzz-"))
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from articles.importers import ImportRejected, ParsedArticle, parse_any  # noqa: E402
from bench._setup import SHARED  # noqa: E402
from claims.extraction import extract_many  # noqa: E402
from tests.test_properties import (  # noqa: E402
    FORMATS,
    QUOTES,
    TRICKY,
    any_input,
    check_extracted,
    check_parse_result,
    extraction_texts,
)

ROUND = 40  # inputs per round; the run overshoots --seconds by at most one round
NAMES = ["input.bin", "a.txt", "a.html", "a.json", "a.jsonl", "feed.xml", "noext"]


def seed_corpus() -> list[bytes]:
    """Real articles to mutate: the sample texts and the first corpus records, when present."""
    seeds = []
    samples = SHARED / "samples" / "articles"
    if samples.is_dir():
        seeds += [p.read_bytes() for p in sorted(samples.iterdir()) if p.is_file()][:20]
    corpus = SHARED / "corpus" / "polnear-articles.jsonl"
    if corpus.is_file():
        with corpus.open("rb") as handle:
            lines = [handle.readline() for _ in range(5)]
        seeds += [line for line in lines if line.strip()]
        seeds.append(b"".join(lines))
    return seeds or [b"The minister said: \xe2\x80\x9cWe will cut taxes.\xe2\x80\x9d"]


@st.composite
def mutated(draw, seeds):
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        operation = draw(st.sampled_from(["flip", "cut", "splice", "invisible", "delete", "repeat"]))
        if operation == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif operation == "cut":
            del data[at:]
        elif operation == "splice":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif operation == "invisible":
            data[at:at] = draw(st.sampled_from(list(TRICKY + QUOTES))).encode("utf-8")
        elif operation == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        else:
            data[at:at] = bytes(data[at:at + 64]) * draw(st.integers(2, 200))
    return bytes(data)


class MaskedCrashes(logging.Handler):
    """parse_any logs a parser library's exception before turning it into a rejection."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.kinds: Counter = Counter()

    def emit(self, record):
        kind = record.exc_info[0].__name__ if record.exc_info else record.getMessage()[:80]
        self.kinds[f"{record.getMessage()[:60]} -> {kind}"] += 1


def importer_round(round_seed, stats, seeds):
    @hypothesis_seed(round_seed)
    @settings(max_examples=ROUND, deadline=None, database=None, phases=[Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(data=st.one_of(any_input, mutated(seeds)), fmt=st.sampled_from(FORMATS), name=st.sampled_from(NAMES))
    def fuzz(data, fmt, name):
        stats["importer inputs"] += 1
        try:
            result = parse_any(data, name=name, fmt=fmt, max_bytes=1_000_000)
        except ImportRejected as rejected:
            assert str(rejected).strip(), "a rejection without a reason"
            stats["rejected with a reason"] += 1
            return
        check_parse_result(result)
        stats["gave articles" if any(isinstance(i, ParsedArticle) for i in result) else "gave only failures"] += 1

    fuzz()


def extraction_round(round_seed, stats, seeds):
    texts = st.one_of(extraction_texts, mutated(seeds).map(lambda b: b.decode("utf-8", "replace")))

    @hypothesis_seed(round_seed)
    @settings(max_examples=ROUND // 2, deadline=None, database=None, phases=[Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(batch=st.lists(texts, min_size=1, max_size=3))
    def fuzz(batch):
        stats["extraction texts"] += len(batch)
        results = extract_many(batch)
        assert len(results) == len(batch)
        for text, found in zip(batch, results):
            check_extracted(text, found)
            stats["statements found"] += len(found)
        assert extract_many(batch) == results, "extraction is not deterministic"

    fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="time box for the whole run")
    parser.add_argument("--seed", type=int, default=1, help="first round's seed (rounds count up from it)")
    parser.add_argument("--target", choices=["all", "importers", "extraction"], default="all")
    args = parser.parse_args()

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it narrates every odd page
    masked = MaskedCrashes()
    logging.getLogger("articles.importers").addHandler(masked)
    seeds = seed_corpus()
    rounds = {"importers": importer_round, "extraction": extraction_round}
    targets = list(rounds) if args.target == "all" else [args.target]
    stats: Counter = Counter()
    findings = []
    started = time.monotonic()
    deadline = started + args.seconds
    round_seed = args.seed
    print(f"fuzzing {', '.join(targets)} for {args.seconds:.0f} s; {len(seeds)} real articles to mutate")
    while time.monotonic() < deadline:
        for target in targets:
            try:
                rounds[target](round_seed, stats, seeds)
            except Exception as exc:  # a finding: hypothesis has shrunk it and printed the example
                findings.append((target, round_seed, "".join(traceback.format_exception_only(exc)).strip()))
                print(f"FINDING in {target} (seed {round_seed}):\n{findings[-1][2]}\n")
        round_seed += 1
    elapsed = time.monotonic() - started
    print(f"\n{elapsed:.0f} s, {round_seed - args.seed} round(s)")
    for key, value in sorted(stats.items()):
        print(f"  {key:>24}: {value}" + (f"  ({value / elapsed:.1f}/s)" if key.endswith(("inputs", "texts")) else ""))
    if masked.kinds:
        print("parser-library crashes turned into rejections:")
        for kind, count in masked.kinds.most_common():
            print(f"  {count:>6} x {kind}")
    print(f"findings: {len(findings)}")
    for target, round_seed, message in findings:
        print(f"  {target} (seed {round_seed}): {message.splitlines()[-1][:200]}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
