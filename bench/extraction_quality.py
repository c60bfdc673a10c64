"""Extraction quality: the shared scorer's figures on the two samples and on PolNeAR dev.

    .venv/bin/python bench/extraction_quality.py [--polnear dev|train|none] [--limit N]

Runs the production pipeline (claims.extraction.extract_many, attributed kinds only, as
``manage.py extract_jsonl`` writes them), then ../shared/tools/score_quotes.py on the result.
Besides the scorer's table it prints "named-speaker accuracy": among matched quotes whose gold
speaker is a named person (PolNeAR's speaker_ref is often the mention as written, "he" or
"a spokesman", which no prediction can match), how often the predicted surname is right.
"""
import argparse
import importlib.util
import io
import json
import sys
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import SHARED, require_shared  # noqa: E402

ATTRIBUTED = {"direct", "mixed", "indirect"}


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_quotes", SHARED / "tools" / "score_quotes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predict(docs_path: Path, out_path: Path, limit: int | None = None) -> list[dict]:
    from claims.extraction import extract_many

    docs = [json.loads(line) for line in docs_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if limit:
        docs = docs[:limit]
    rows = []
    for i in range(0, len(docs), 64):
        batch = docs[i:i + 64]
        for doc, items in zip(batch, extract_many([d["text"] for d in batch])):
            for x in items:
                if x.kind not in ATTRIBUTED:
                    continue
                rows.append({
                    "doc_id": doc["doc_id"], "kind": x.kind, "quote_text": doc["text"][x.start:x.end], "start": x.start,
                    "end": x.end, "speaker": x.speaker, "speaker_start": x.speaker_start, "speaker_end": x.speaker_end,
                    "verb": x.verb, "confidence": x.confidence, "is_floating_quote": x.floating,
                })
    out_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    if limit:
        sub = out_path.with_suffix(".docs.jsonl")
        sub.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return docs


def is_named(ref: str, scorer) -> bool:
    """A gold speaker that names someone: capitalised words, short, not a pronoun or a description."""
    ref = (ref or "").strip(" ,")
    if not ref or len(ref.split()) > 4 or "," in ref:
        return False
    words = ref.split()
    if words[0].lower() in {"a", "an", "the", "this", "that", "one", "another", "some", "many", "most"}:
        return False
    if scorer.norm_name(ref) in scorer.PRONOUNS:
        return False
    return all(w[:1].isupper() for w in words if w.lower() not in {"de", "van", "von", "al", "bin", "la"})


def named_speaker_accuracy(scorer, gold_path: Path, docs_path: Path, pred_path: Path) -> tuple[int, int]:
    gold = scorer.load_jsonl(str(gold_path))
    preds = scorer.load_jsonl(str(pred_path))
    texts = {d["doc_id"]: d["text"] for d in scorer.load_jsonl(str(docs_path))}
    by_doc_g, by_doc_p = {}, {}
    for g in gold:
        if g["doc_id"] in texts:
            by_doc_g.setdefault(g["doc_id"], []).append(g)
    for p in preds:
        by_doc_p.setdefault(p["doc_id"], []).append(p)
    right = total = 0
    for doc_id, gs in by_doc_g.items():
        text, ps = texts[doc_id], by_doc_p.get(doc_id, [])

        def overlap50(g, p):
            gt, pt = scorer.tokens(text, g["start"], g["end"]), scorer.tokens(text, p["start"], p["end"])
            denom = max(len(gt), len(pt))
            score = len(gt & pt) / denom if denom else 0
            return score if score >= 0.5 else None

        for i, j in scorer.greedy(gs, ps, overlap50):
            if not is_named(gs[i].get("speaker_ref"), scorer):
                continue
            total += 1
            right += scorer.speaker_ok(gs[i], ps[j], strict=True)
    return right, total


def report(name: str, scorer, gold: Path, docs: Path, pred: Path) -> dict:
    buf = io.StringIO()
    with redirect_stdout(buf):
        out = scorer.main(["--gold", str(gold), "--docs", str(docs), "--pred", str(pred)])
    right, total = named_speaker_accuracy(scorer, gold, docs, pred)
    m = out["overlap50"]
    print(f"== {name}")
    print(buf.getvalue().rstrip())
    print(
        f"summary (overlap50): P={100 * m['precision']:.1f} R={100 * m['recall']:.1f} F1={100 * m['f1']:.1f} "
        f"R_direct={100 * m['recall_direct']:.1f} R_indirect={100 * m['recall_indirect']:.1f} "
        f"speaker_ref={100 * m['speaker_acc_ref']:.1f} speaker_lenient={100 * m['speaker_acc_lenient']:.1f} "
        f"named-speaker={100 * right / max(total, 1):.1f} ({right}/{total})"
    )
    print()
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--polnear", choices=["dev", "train", "none"], default="dev")
    ap.add_argument("--limit", type=int, default=None, help="only the first N PolNeAR documents")
    a = ap.parse_args(argv)
    require_shared("the extraction quality report")
    from claims.extraction import EXTRACTOR_VERSION

    scorer = load_scorer()
    print(f"extractor {EXTRACTOR_VERSION}\n")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        gold_dir = SHARED / "gold"
        predict(gold_dir / "sample_docs.jsonl", tmp / "samples.jsonl")
        report("samples (gold/)", scorer, gold_dir / "sample_quotes.jsonl", gold_dir / "sample_docs.jsonl", tmp / "samples.jsonl")
        if a.polnear != "none":
            ev = SHARED / "eval" / f"polnear-{a.polnear}"
            predict(ev / "docs.jsonl", tmp / "polnear.jsonl", a.limit)
            docs = (tmp / "polnear.docs.jsonl") if a.limit else ev / "docs.jsonl"
            report(f"PolNeAR {a.polnear}" + (f" (first {a.limit} docs)" if a.limit else ""), scorer, ev / "gold_quotes.jsonl", docs,
                   tmp / "polnear.jsonl")


if __name__ == "__main__":
    main()
