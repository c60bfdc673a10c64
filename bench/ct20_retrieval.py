"""Claim retrieval on CheckThat! 2020 task 2 (tweets against fact-checked claims): FactDesk beside BM25.

    .venv/bin/python bench/ct20_retrieval.py              # dev queries (197 tweets, 10,375 claims)
    .venv/bin/python bench/ct20_retrieval.py --split train

FactDesk is ``manage.py rank_claims`` as anyone would run it: claims.jsonl with their titles
read as part of the text, production's retriever (speaker block, shingle block, nearest by
embedding) over its in-memory backend, then ``claims.matching.rank``. BM25 (k1 1.2, b 0.75)
ranks the same claims over the same words (``claims.matching.words``' stems of title + text),
so the difference is the matcher, not the tokenising. Both run files are scored by
../shared/tools/map_at_k.py; printed: MAP@5, P@1, MRR of each, and FactDesk's time.
Most of the time is encoding the 10,375 claims (a few minutes on two free cores).
"""
import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import django_on, require_shared  # noqa: E402


def bm25_run(claims_path: Path, queries_path: Path, output: Path, *, top: int = 20, k1: float = 1.2, b: float = 0.75):
    from claims.matching.statements import statement_text
    from claims.matching import _analyse

    claims = [json.loads(line) for line in claims_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    queries = [json.loads(line) for line in queries_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = [_analyse(statement_text(c["text"], c.get("title"))).stems for c in claims]
    frequency = Counter(word for doc in docs for word in set(doc))
    average = sum(map(len, docs)) / len(docs)
    postings = defaultdict(list)
    for position, doc in enumerate(docs):
        for word, count in Counter(doc).items():
            postings[word].append((position, count))
    lines = []
    for query in queries:
        scores: dict[int, float] = defaultdict(float)
        for word in set(_analyse(statement_text(query["text"], query.get("title"))).stems):
            df = frequency.get(word)
            if not df:
                continue
            idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
            for position, count in postings[word]:
                norm = k1 * (1 - b + b * len(docs[position]) / average)
                scores[position] += idf * count * (k1 + 1) / (count + norm)
        best = sorted(scores, key=lambda p: -scores[p])[:top]
        lines += [f"{query['id']} Q0 {claims[p]['id']} {n} {scores[p]:.4f} bm25\n" for n, p in enumerate(best, 1)]
    output.write_text("".join(lines), encoding="utf-8")


def score(tool: Path, qrels: Path, run: Path) -> str:
    return subprocess.run([sys.executable, str(tool), str(qrels), str(run), "5"], capture_output=True, text=True,
                          check=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=["dev", "train"], default="dev")
    args = parser.parse_args()
    shared = require_shared("the CheckThat! 2020 retrieval bench")
    data = shared / "eval" / "checkthat2020-t2"
    claims, queries, qrels = data / "claims.jsonl", data / f"queries_{args.split}.jsonl", data / f"qrels_{args.split}"
    tool = shared / "tools" / "map_at_k.py"
    work = Path(tempfile.mkdtemp(prefix="fd_ct20_"))
    django_on(None, str(work))
    from django.core.management import call_command

    from claims.matching import EMBEDDING_MODEL

    factdesk_run, bm25_file = work / "factdesk.run", work / "bm25.run"
    started = time.perf_counter()
    call_command("rank_claims", claims=str(claims), queries=str(queries), output=str(factdesk_run))
    elapsed = time.perf_counter() - started
    bm25_run(claims, queries, bm25_file)
    print(f"CheckThat! 2020 task 2, {args.split}: titles read; encoder {EMBEDDING_MODEL}")
    print(f"  FactDesk rank_claims  {score(tool, qrels, factdesk_run)}   ({elapsed:.0f} s, most of it encoding the claims)")
    print(f"  BM25, the same words  {score(tool, qrels, bm25_file)}")


if __name__ == "__main__":
    main()
