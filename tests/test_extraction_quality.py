"""The extraction pipeline on the two sample articles, scored by the shared scorer
(../shared/tools/score_quotes.py, loaded from its path): the bar the product promises."""
import functools
import importlib.util
import json
import tempfile
from pathlib import Path

import pytest

from claims.extraction import extract_many
from claims.services.speakers import _group_members

ATTRIBUTED = {"direct", "mixed", "indirect"}


@pytest.fixture
def scored(shared_dir):
    return _score(str(shared_dir))


@functools.lru_cache(maxsize=None)
def _score(shared: str):
    """Extract and score once per run; the three tests read the same result."""
    shared_dir = Path(shared)
    spec = importlib.util.spec_from_file_location("score_quotes", shared_dir / "tools" / "score_quotes.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    gold_dir = shared_dir / "gold"
    docs = scorer.load_jsonl(str(gold_dir / "sample_docs.jsonl"))
    preds = []
    for doc, items in zip(docs, extract_many([d["text"] for d in docs])):
        for x in items:
            if x.kind in ATTRIBUTED:
                preds.append({
                    "doc_id": doc["doc_id"], "quote_text": doc["text"][x.start:x.end], "start": x.start, "end": x.end,
                    "speaker": x.speaker, "speaker_start": x.speaker_start, "speaker_end": x.speaker_end,
                    "speaker_kind": x.speaker_kind,
                })
    with tempfile.TemporaryDirectory() as tmp:
        pred_path = Path(tmp) / "pred.jsonl"
        pred_path.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
        metrics = scorer.main(["--gold", str(gold_dir / "sample_quotes.jsonl"), "--docs", str(gold_dir / "sample_docs.jsonl"),
                               "--pred", str(pred_path)])
    return scorer, gold_dir, docs, preds, metrics


def test_samples_reach_the_f1_bar(scored):
    _, _, _, _, metrics = scored
    assert metrics["overlap50"]["f1"] >= 0.95, metrics["overlap50"]
    assert metrics["overlap50"]["recall_direct"] >= 0.95, metrics["overlap50"]


def test_samples_name_the_right_speaker(scored):
    _, _, _, _, metrics = scored
    assert metrics["overlap50"]["speaker_acc_ref"] >= 0.95, metrics["overlap50"]


def test_every_same_claim_pair_is_attributed_to_the_same_person(scored):
    scorer, gold_dir, docs, preds, _ = scored
    texts = {d["doc_id"]: d["text"] for d in docs}
    gold = {g["qid"]: g for g in scorer.load_jsonl(str(gold_dir / "sample_quotes.jsonl"))}
    pairs = [p for p in scorer.load_jsonl(str(gold_dir / "sample_matches.jsonl")) if p["relation"] == "same_claim"]
    assert pairs

    def best_prediction(g):
        text = texts[g["doc_id"]]
        gt = scorer.tokens(text, g["start"], g["end"])
        best, best_score = None, 0.0
        for p in preds:
            if p["doc_id"] != g["doc_id"]:
                continue
            pt = scorer.tokens(text, p["start"], p["end"])
            score = len(gt & pt) / max(len(gt), len(pt), 1)
            if score > best_score:
                best, best_score = p, score
        assert best is not None and best_score >= 0.5, f"no candidate for {g['qid']}"
        return best

    for pair in pairs:
        a, b = best_prediction(gold[pair["a"]]), best_prediction(gold[pair["b"]])
        if a["speaker_kind"] == b["speaker_kind"] == "group":
            # groups are one speaker when they name the same members (the rule link_speaker uses)
            ma, mb = _group_members(a["speaker"]), _group_members(b["speaker"])
            assert ma and len(ma & mb) / len(ma | mb) >= 0.6, (pair, a["speaker"], b["speaker"])
            continue
        name_a, name_b = scorer.norm_name(a["speaker"]), scorer.norm_name(b["speaker"])
        assert name_a and name_a not in scorer.PRONOUNS, (pair, a["speaker"])
        assert name_a == name_b, (pair, a["speaker"], b["speaker"])
