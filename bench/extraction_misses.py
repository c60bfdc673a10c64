"""Missed reported speech on PolNeAR: gold attributions without quote marks that no prediction overlaps.

    .venv/bin/python bench/extraction_misses.py [--split dev|train] [--limit N] [--show K] [--pred FILE]

Groups the misses by the gold cue (verb or noun, lower-cased) and prints the largest groups with a
few examples each (the cue's sentence, the gold span in [brackets]), so the classes of reported
speech the extractor does not know can be seen and fixed as classes, never as strings.
"""
import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import SHARED, require_shared  # noqa: E402
from bench.extraction_quality import load_scorer, predict  # noqa: E402


def sentence_around(text: str, start: int, end: int, verb_start: int | None, verb_end: int | None) -> str:
    lo = min(start, verb_start if verb_start is not None else start)
    hi = max(end, verb_end if verb_end is not None else end)
    left = max(text.rfind("\n", 0, lo), text.rfind(". ", 0, lo) + 1, lo - 200)
    right_candidates = [i for i in (text.find("\n", hi), text.find(". ", hi)) if i != -1]
    right = min(right_candidates + [hi + 120])
    shown = text[left:start] + "[" + text[start:end] + "]" + text[end:right + 1]
    return " ".join(shown.split())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "train"], default="dev")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--show", type=int, default=3, help="examples per cue")
    parser.add_argument("--groups", type=int, default=40, help="cue groups to print")
    parser.add_argument("--pred", type=Path, default=None, help="reuse predictions written by an earlier run")
    parser.add_argument("--save-pred", type=Path, default=None)
    args = parser.parse_args(argv)
    require_shared("the extraction miss report")
    scorer = load_scorer()
    eval_dir = SHARED / "eval" / f"polnear-{args.split}"
    docs = {d["doc_id"]: d for d in scorer.load_jsonl(str(eval_dir / "docs.jsonl"))}
    if args.limit:
        docs = dict(list(docs.items())[:args.limit])
    with tempfile.TemporaryDirectory() as tmp:
        pred_path = args.pred
        if pred_path is None:
            pred_path = Path(tmp) / "pred.jsonl"
            predict(eval_dir / "docs.jsonl", pred_path, args.limit)
            if args.save_pred:
                args.save_pred.write_text(pred_path.read_text(encoding="utf-8"), encoding="utf-8")
        preds = scorer.load_jsonl(str(pred_path))
    preds_by_doc = defaultdict(list)
    for pred in preds:
        preds_by_doc[pred["doc_id"]].append(pred)
    misses = defaultdict(list)
    indirect_total = 0
    for gold in scorer.load_jsonl(str(eval_dir / "gold_quotes.jsonl")):
        if gold["doc_id"] not in docs or gold.get("has_quote_marks"):
            continue
        indirect_total += 1
        text = docs[gold["doc_id"]]["text"]
        gold_tokens = scorer.tokens(text, gold["start"], gold["end"])
        hit = any(
            len(gold_tokens & scorer.tokens(text, p["start"], p["end"]))
            / max(len(gold_tokens), len(scorer.tokens(text, p["start"], p["end"])), 1) >= 0.5
            for p in preds_by_doc[gold["doc_id"]]
        )
        if not hit:
            cue = " ".join((gold.get("verb") or "(none)").lower().split())
            misses[cue].append((gold, text))
    missed = sum(len(group) for group in misses.values())
    print(f"{args.split}: {missed} of {indirect_total} indirect gold attributions missed\n")
    ranked = sorted(misses.items(), key=lambda item: -len(item[1]))
    print("cues seen once:", ", ".join(cue for cue, group in ranked if len(group) == 1), "\n")
    for cue, group in ranked[:args.groups]:
        print(f"== {cue!r}: {len(group)}")
        for gold, text in group[:args.show]:
            print(f"   {gold.get('speaker_ref')!r}: "
                  f"{sentence_around(text, gold['start'], gold['end'], gold.get('verb_start'), gold.get('verb_end'))[:400]}")
        print()


if __name__ == "__main__":
    main()
