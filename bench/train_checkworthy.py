"""Train the check-worthiness model and print how good it is.

    .venv/bin/python bench/train_checkworthy.py                       # CV figures + rebuild the artifact
    .venv/bin/python bench/train_checkworthy.py --extra decisions.jsonl  # also learn from a desk's decisions
    .venv/bin/python bench/train_checkworthy.py --skip-cv --output /tmp/model.json

Data (``{id, text, label}`` one a line): ../shared/eval/checkworthy/claimbuster_train.jsonl
(ClaimBuster crowd labels) and clef2019_train.jsonl (CLEF CheckThat! 2019, with ``debate``),
plus any ``--extra`` files (``manage.py export_checkworthy_training`` writes them).

Prints: five-fold cross-validation on ClaimBuster (ROC-AUC, and precision/recall/F1 of the
check-worthy class, ClaimBuster's CFS, at the default threshold and with each fold's threshold
chosen inside its training fold), the reliability of the calibrated probability per bin,
leave-one-debate-out MAP on the CLEF debates, and the runtime scorer's cost per sentence.
``--compare-variants``, ``--compare-encoder`` (bench/checkworthy_variants.py), ``--compare-layers`` and
``--compare-finetune`` (PyTorch, bench/checkworthy_encoder.py) also measure the alternatives to the shipped model.
Then fits on everything and writes the JSON artifact ``claims/extraction/checkworthy.py``
loads. Needs scikit-learn (a dev requirement); production scores with numpy only. Same data,
same artifact: the folds are seeded and the solver is deterministic.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import ROOT, SHARED  # noqa: E402
from claims.extraction import checkworthy  # noqa: E402

VERSION = "checkworthy-v1"
REGULARISATION_C = 4.0
WORD_MIN_DF = 2
CHAR_MIN_DF = 3
# CLEF's labels ("a fact-checker did check it", 2.7 %) are not ClaimBuster's ("a check-worthy
# factual claim"): learning from them (weight 0.2) lifted the CLEF MAP from 0.234 to 0.244 but
# lowered ClaimBuster's cross-validated AUC and F1 from 0.934 / 0.767 to 0.926 / 0.751 (weight 1:
# 0.905 / 0.71), so CLEF is held out entirely and serves as a test of debates never seen.
CLEF_WEIGHT = 0.0
FOLDS = 5
SEED = 0
INNER_SEED = 1  # the inner folds that choose a threshold without the outer test fold
DECIMALS = 6


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row.get("text"), str) or row.get("label") not in (0, 1):
                raise SystemExit(f"{path}:{number}: each line needs a text and a label 0 or 1")
            rows.append(row)
    return rows


def fold_key(text: str) -> str:
    return " ".join(text.lower().split())


# What "check-worthy" means in the figures: ClaimBuster's three crowd classes folded to two.
LABELS = ("check-worthy = label 1 = ClaimBuster CFS (check-worthy factual sentence); label 0 = NFS (non-factual) "
          "and UFS (unimportant factual) together, one CFS to three others")

# --------------------------------------------------------------------------- the model


def fit(texts: list[str], labels, weights=None):
    """(word vectoriser, char vectoriser, logistic regression) fitted on ``texts``."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    word = TfidfVectorizer(analyzer=checkworthy.word_terms, min_df=WORD_MIN_DF, sublinear_tf=True)
    char = TfidfVectorizer(analyzer=checkworthy.char_terms, min_df=CHAR_MIN_DF, sublinear_tf=True)
    features = sparse.hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    model = LogisticRegression(C=REGULARISATION_C, max_iter=5000)
    model.fit(features, np.asarray(labels), sample_weight=None if weights is None else np.asarray(weights))
    return word, char, model


def decisions(fitted, texts: list[str]) -> np.ndarray:
    from scipy import sparse

    word, char, model = fitted
    return model.decision_function(sparse.hstack([word.transform(texts), char.transform(texts)]).tocsr())


def platt(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Slope and offset of the sigmoid that maps out-of-fold log-odds to probabilities."""
    from sklearn.linear_model import LogisticRegression

    calibrator = LogisticRegression(C=1e6, max_iter=1000).fit(scores.reshape(-1, 1), labels)
    return float(calibrator.coef_[0][0]), float(calibrator.intercept_[0])


def artifact(fitted, *, slope: float, offset: float, threshold: float, metrics: dict, data: list[dict]) -> dict:
    """The JSON document the runtime scorer reads."""
    word, char, model = fitted
    coefficients = model.coef_[0]
    blocks = {}
    start = 0
    for name, vectoriser in (("word", word), ("char", char)):
        terms = vectoriser.get_feature_names_out().tolist()
        size = len(terms)
        blocks[name] = {
            "terms": terms,
            "idf": [round(float(v), DECIMALS) for v in vectoriser.idf_],
            "coefficients": [round(float(v), DECIMALS) for v in coefficients[start:start + size]],
        }
        start += size
    return {
        "version": VERSION,
        "description": "TF-IDF word 1-2 and char 2-5 n-grams, logistic regression, Platt-calibrated on "
                       "out-of-fold ClaimBuster scores; see bench/train_checkworthy.py",
        "threshold": threshold,
        "intercept": round(float(model.intercept_[0]), DECIMALS),
        "calibration": {"method": "platt", "slope": round(slope, DECIMALS), "offset": round(offset, DECIMALS)},
        "metrics": metrics,
        "data": data,
        **blocks,
    }


# --------------------------------------------------------------------------- evaluation


def claimbuster_cv(claimbuster: list[dict], others: list[tuple[dict, float]], *,
                   nested: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Out-of-fold log-odds for each ClaimBuster sentence; the other data joins every training fold.

    With ``nested``, also whether each sentence is called check-worthy by a threshold its test fold
    never saw: the training fold is split five ways again, its inner out-of-fold scores are
    Platt-calibrated and given the best-F1 threshold exactly as the shipped default is chosen, and
    that threshold is applied to the outer model's calibrated scores on the test fold.
    """
    from sklearn.model_selection import StratifiedKFold

    texts = [row["text"] for row in claimbuster]
    labels = np.array([row["label"] for row in claimbuster])
    out_of_fold = np.zeros(len(texts))
    predicted = np.zeros(len(texts), dtype=bool) if nested else None
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)

    def scores_of(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        held_out = {fold_key(texts[i]) for i in test}
        train_rows = [(claimbuster[i], 1.0) for i in train] + [(r, w) for r, w in others if fold_key(r["text"]) not in held_out]
        fitted = fit([r["text"] for r, _ in train_rows], [r["label"] for r, _ in train_rows], [w for _, w in train_rows])
        return decisions(fitted, [texts[i] for i in test])

    for number, (train, test) in enumerate(folds.split(texts, labels), 1):
        out_of_fold[test] = scores_of(train, test)
        if nested:
            inner_scores = np.zeros(len(train))
            inner = StratifiedKFold(FOLDS, shuffle=True, random_state=INNER_SEED)
            for inner_train, inner_test in inner.split(train, labels[train]):
                inner_scores[inner_test] = scores_of(train[inner_train], train[inner_test])
            slope, offset = platt(inner_scores, labels[train])
            threshold, _figures = best_threshold(1 / (1 + np.exp(-(slope * inner_scores + offset))), labels[train])
            predicted[test] = 1 / (1 + np.exp(-(slope * out_of_fold[test] + offset))) >= threshold
        print(f"  fold {number}/{FOLDS} done" + (f" (its own threshold {threshold:.2f})" if nested else ""), flush=True)
    return out_of_fold, predicted


def clef_leave_one_debate_out(clef: list[dict], others: list[tuple[dict, float]], *,
                              scores: dict | None = None) -> dict[str, float]:
    """Average precision of each CLEF debate, ranked by a model that never saw it (its log-odds into ``scores``)."""
    from sklearn.metrics import average_precision_score

    results = {}
    for debate in sorted({row["debate"] for row in clef}):
        test = [row for row in clef if row["debate"] == debate]
        held_out = {fold_key(row["text"]) for row in test}
        train_rows = [(r, w) for r, w in others if fold_key(r["text"]) not in held_out]
        if CLEF_WEIGHT:
            train_rows += [(row, CLEF_WEIGHT) for row in clef
                           if row["debate"] != debate and fold_key(row["text"]) not in held_out]
        fitted = fit([r["text"] for r, _ in train_rows], [r["label"] for r, _ in train_rows], [w for _, w in train_rows])
        debate_scores = decisions(fitted, [r["text"] for r in test])
        if scores is not None:
            scores[debate] = debate_scores
        results[debate] = float(average_precision_score([r["label"] for r in test], debate_scores))
    return results


def best_threshold(probabilities: np.ndarray, labels: np.ndarray) -> tuple[float, dict]:
    """The probability cut-off (two decimals) with the best F1 of the check-worthy class."""
    best = (-1.0, 0.5, {})
    for threshold in np.round(np.arange(0.05, 0.951, 0.01), 2):
        figures = prf(probabilities >= threshold, labels)
        if figures["f1"] > best[0]:
            best = (figures["f1"], float(threshold), figures)
    return best[1], best[2]


def prf(predicted: np.ndarray, labels: np.ndarray) -> dict:
    true_positive = int(np.sum(predicted & (labels == 1)))
    precision = true_positive / max(1, int(predicted.sum()))
    recall = true_positive / max(1, int((labels == 1).sum()))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def reliability(probabilities: np.ndarray, labels: np.ndarray, *, bins: int = 10) -> tuple[list[dict], float]:
    """Per probability bin: how many sentences, their mean probability, the share that were check-worthy."""
    rows, error = [], 0.0
    edges = np.linspace(0, 1, bins + 1)
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (probabilities >= low) & ((probabilities < high) | (high == 1.0))
        count = int(inside.sum())
        if not count:
            continue
        mean, observed = float(probabilities[inside].mean()), float(labels[inside].mean())
        error += count * abs(mean - observed)
        rows.append({"bin": f"{low:.1f}-{high:.1f}", "sentences": count, "mean_probability": round(mean, 3),
                     "share_checkworthy": round(observed, 3)})
    return rows, round(error / len(labels), 4)


def scorer_cost(scorer: checkworthy.Scorer, texts: list[str]) -> float:
    """Microseconds per sentence of the production scorer (best of three passes)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for text in texts:
            scorer.probability(text)
        best = min(best, time.perf_counter() - started)
    return best / len(texts) * 1e6


def spacy_cost(texts: list[str]) -> float:
    from claims.extraction.model import get_nlp

    nlp = get_nlp()
    list(nlp.pipe(texts[:50]))
    started = time.perf_counter()
    list(nlp.pipe(texts, batch_size=256))
    return (time.perf_counter() - started) / len(texts) * 1e6


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=SHARED / "eval" / "checkworthy")
    parser.add_argument("--extra", type=Path, action="append", default=[],
                        help="More {id, text, label} JSON Lines (a desk's exported decisions); repeatable.")
    parser.add_argument("--extra-weight", type=float, default=1.0, help="Weight of each --extra sentence (default 1).")
    parser.add_argument("--output", type=Path, default=checkworthy.MODEL_PATH)
    parser.add_argument("--compare-encoder", action="store_true",
                        help="Also measure heads on the MiniLM sentence encoder and a stack of both models, with nested "
                             "thresholds (encodes the ClaimBuster sentences: minutes on a loaded machine).")
    parser.add_argument("--compare-variants", action="store_true",
                        help="Also measure cheap variants of the n-gram model (C, class weights, word 1-3-grams, character "
                             "n-grams across words, surface and spaCy pseudo-words, SVM, SGD, an average) on the same folds.")
    parser.add_argument("--compare-layers", action="store_true",
                        help="Also measure logistic regression on the mean-pooled inner layers of the MiniLM encoder, alone "
                             "and stacked with the n-grams (bench/checkworthy_encoder.py).")
    parser.add_argument("--compare-finetune", action="store_true",
                        help="Also fine-tune the encoder's top layers and a head on each fold (needs PyTorch, which FactDesk "
                             "does not install; tens of minutes per fold on two cores).")
    parser.add_argument("--finetune-layers", type=int, default=2, help="Top layers fine-tuned (default 2 of 6).")
    parser.add_argument("--finetune-epochs", type=int, default=3)
    parser.add_argument("--finetune-rate", type=float, default=5e-5, help="Learning rate of the layers (the head: 1e-3).")
    parser.add_argument("--finetune-folds", type=int, default=FOLDS, help="Run only the first N folds (to time one).")
    parser.add_argument("--encoder-cache", type=Path, default=None,
                        help="A directory that keeps the encoded sentences (.npz) between runs of --compare-encoder.")
    parser.add_argument("--skip-cv", action="store_true",
                        help="Only rebuild the artifact, keeping the calibration and threshold of the current one.")
    args = parser.parse_args()

    claimbuster_path = args.data_dir / "claimbuster_train.jsonl"
    clef_path = args.data_dir / "clef2019_train.jsonl"
    for path in [claimbuster_path, clef_path, *args.extra]:
        if not path.exists():
            raise SystemExit(f"missing training data: {path}")
    claimbuster, clef = read_jsonl(claimbuster_path), read_jsonl(clef_path)
    extra = [row for path in args.extra for row in read_jsonl(path)]
    data = [{"file": p.name, "sentences": n, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
            for p, n in [(claimbuster_path, len(claimbuster)), (clef_path, len(clef))] + [(p, None) for p in args.extra]]
    print(f"ClaimBuster {len(claimbuster)} sentences ({np.mean([r['label'] for r in claimbuster]):.1%} check-worthy), "
          f"CLEF 2019 {len(clef)} ({np.mean([r['label'] for r in clef]):.1%}), extra {len(extra)}")

    extra_rows = [(row, args.extra_weight) for row in extra]
    clef_rows = [(row, CLEF_WEIGHT) for row in clef] if CLEF_WEIGHT else []
    if args.skip_cv:
        current = json.loads(checkworthy.MODEL_PATH.read_text(encoding="utf-8"))
        slope, offset = current["calibration"]["slope"], current["calibration"]["offset"]
        threshold = current["threshold"]
        metrics = dict(current["metrics"], note="calibration and threshold kept from the previous build")
    else:
        from sklearn.metrics import roc_auc_score

        labels = np.array([row["label"] for row in claimbuster])
        print("\nFive-fold cross-validation on ClaimBuster (extra sentences join every training fold):")
        print(f"  {LABELS}")
        out_of_fold, nested_predicted = claimbuster_cv(claimbuster, clef_rows + extra_rows)
        auc = float(roc_auc_score(labels, out_of_fold))
        slope, offset = platt(out_of_fold, labels)
        probabilities = 1 / (1 + np.exp(-(slope * out_of_fold + offset)))
        threshold, at_threshold = best_threshold(probabilities, labels)
        nested = prf(nested_predicted, labels)
        bins, calibration_error = reliability(probabilities, labels)
        print(f"  ROC-AUC {auc:.4f}")
        print(f"  default threshold {threshold:.2f} (best F1 of the check-worthy class on the out-of-fold probabilities, so "
              f"it saw every test fold): precision {at_threshold['precision']:.4f}  recall {at_threshold['recall']:.4f}  "
              f"F1 {at_threshold['f1']:.4f}")
        print(f"  nested (each test fold cut at a threshold chosen the same way inside its training fold): precision "
              f"{nested['precision']:.4f}  recall {nested['recall']:.4f}  F1 {nested['f1']:.4f}")
        for cut in (0.3, 0.5, 0.7):
            figures = prf(probabilities >= cut, labels)
            print(f"  at {cut:.1f}: precision {figures['precision']:.4f}  recall {figures['recall']:.4f}  F1 {figures['f1']:.4f}")
        print("\nReliability of the calibrated probability (out-of-fold, Platt), "
              f"expected calibration error {calibration_error:.4f}:")
        print("  bin        sentences  mean probability  share check-worthy")
        for row in bins:
            print(f"  {row['bin']:<10} {row['sentences']:>9}  {row['mean_probability']:>16.3f}"
                  f"  {row['share_checkworthy']:>18.3f}")

        print("\nLeave-one-debate-out on the CLEF 2019 debates (trained on ClaimBuster and extra sentences minus the"
              " held-out debate's sentences" + (", and the other CLEF debates" if CLEF_WEIGHT else "") + "):")
        clef_ngram_scores: dict[str, np.ndarray] = {}
        per_debate = clef_leave_one_debate_out(clef, [(row, 1.0) for row in claimbuster] + extra_rows, scores=clef_ngram_scores)
        for debate, average_precision in per_debate.items():
            print(f"  {debate:<28} AP {average_precision:.4f}")
        clef_map = float(np.mean(list(per_debate.values())))
        print(f"  MAP {clef_map:.4f}")
        if args.compare_variants or args.compare_encoder:
            from bench.checkworthy_variants import print_encoder_comparison, variant_comparison
        if args.compare_variants:
            print("\nCheap variants of the n-gram model, same five folds:")
            variant_comparison(claimbuster)
        if args.compare_encoder:
            print_encoder_comparison(claimbuster, clef, args.encoder_cache, clef_ngram_scores)
        if args.compare_layers or args.compare_finetune:
            from bench import checkworthy_encoder

            protocol = {"fit": fit, "decisions": decisions, "prf": prf, "folds": FOLDS, "seed": SEED, "inner_seed": INNER_SEED}
        if args.compare_layers:
            print("\nMiniLM's inner layers, mean-pooled, logistic regression (threshold and stack chosen on 15 % of each "
                  "training fold):")
            checkworthy_encoder.compare_layers(claimbuster, clef, fold_key=fold_key, clef_ngram_scores=clef_ngram_scores,
                                               **protocol)
        if args.compare_finetune:
            print(f"\nMiniLM's top {args.finetune_layers} layers fine-tuned with a head (threshold and stack chosen on 15 % "
                  "of each training fold):")
            checkworthy_encoder.compare_finetune(claimbuster, layers=args.finetune_layers, epochs=args.finetune_epochs,
                                                 rate=args.finetune_rate, limit_folds=args.finetune_folds, **protocol)
        metrics = {
            "claimbuster_cv": {"folds": FOLDS, "roc_auc": round(auc, 4), **at_threshold, "nested_threshold": nested,
                               "calibration_error": calibration_error,
                               "reliability": bins},
            "clef2019_leave_one_debate_out": {"map": round(clef_map, 4), "debates": len(per_debate)},
        }

    rows = [(row, 1.0) for row in claimbuster] + clef_rows + extra_rows
    fitted = fit([r["text"] for r, _ in rows], [r["label"] for r, _ in rows], [w for _, w in rows])
    document = artifact(fitted, slope=slope, offset=offset, threshold=threshold, metrics=metrics, data=data)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output} "
          f"({args.output.stat().st_size / 1e6:.2f} MB, {len(document['word']['terms'])} word and "
          f"{len(document['char']['terms'])} char n-grams)")

    scorer = checkworthy.Scorer(document)
    sample = [row["text"] for row in clef[:2000]]
    print(f"\nScorer cost: {scorer_cost(scorer, sample):.0f} µs per sentence (numpy runtime, {len(sample)} CLEF sentences); "
          f"a full spaCy en_core_web_sm parse of the same sentences: {spacy_cost(sample):.0f} µs per sentence")


if __name__ == "__main__":
    main()
