"""Check-worthiness from the sentence encoder's inner layers, and from its top layers fine-tuned.

Measurement only (nothing here is shipped); ``bench/train_checkworthy.py --compare-layers`` and
``--compare-finetune`` call it. Both use matching's all-MiniLM-L6-v2 (``claims/matching/encoder.py``,
its weights checked by sha256) and the same five ClaimBuster folds as the shipped model:

- layers: logistic regression on the mean-pooled hidden state of chosen layers (0 = embeddings,
  6 = the last, whose normalised mean is matching's vector), computed by a numpy forward pass;
- fine-tune: the top layers and a linear head trained on ClaimBuster with PyTorch, the layers
  below frozen (their output computed once). Needs torch, which FactDesk never installs:
  ``python3 -m venv /tmp/ftvenv && /tmp/ftvenv/bin/pip install torch safetensors tokenizers
  numpy scikit-learn scipy`` and run the bench script with that interpreter.

Honest thresholds: inside each outer training fold a stratified 15 % validation split (never the
test fold) chooses the best-F1 threshold and fits the stack with the n-gram model, both trained on
the other 85 %; the printed F1 is the test folds cut there.
"""
from __future__ import annotations

import math
import time

import numpy as np

VALIDATION_SHARE = 0.15
MAX_TOKENS = 64  # 2.8 % of ClaimBuster sentences are longer (cut), 0.8 % of CLEF's
LAYER_C = 0.02  # logistic regression on standardised layer means (C 0.003-0.1 measured: 0.02 best)


def split_folds(labels: np.ndarray, folds: int, seed: int, inner_seed: int):
    """(fold number, fit, validation, test) index arrays: the outer folds of the shipped model."""
    from sklearn.model_selection import StratifiedKFold, train_test_split

    outer = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for number, (train, test) in enumerate(outer.split(labels, labels), 1):
        fit, validation = train_test_split(train, test_size=VALIDATION_SHARE, stratify=labels[train], random_state=inner_seed)
        yield number, fit, validation, test


def best_cut(scores: np.ndarray, labels: np.ndarray) -> float:
    """The score cut-off with the best F1 of the check-worthy class (quantile grid)."""
    best_f1, best = -1.0, float(np.median(scores))
    positives = int((labels == 1).sum())
    for cut in np.quantile(scores, np.linspace(0.3, 0.97, 269)):
        predicted = scores >= cut
        f1 = 2 * int((predicted & (labels == 1)).sum()) / max(1, int(predicted.sum()) + positives)
        if f1 > best_f1:
            best_f1, best = f1, float(cut)
    return best


class Protocol:
    """Collects, fold by fold, a model's test scores, its thresholded calls and the stack with the n-grams."""

    def __init__(self, labels: np.ndarray):
        self.labels = labels
        self.scores = np.full(len(labels), np.nan)
        self.stacked = np.full(len(labels), np.nan)
        self.called = np.zeros(len(labels), dtype=bool)
        self.stack_called = np.zeros(len(labels), dtype=bool)
        self.stack_weights = []

    def add(self, validation, test, validation_scores, test_scores, ngram_validation, ngram_test):
        from sklearn.linear_model import LogisticRegression

        labels = self.labels
        self.scores[test] = test_scores
        self.called[test] = test_scores >= best_cut(validation_scores, labels[validation])
        stacker = LogisticRegression(C=1e6, max_iter=1000).fit(np.c_[ngram_validation, validation_scores], labels[validation])
        self.stacked[test] = stacker.decision_function(np.c_[ngram_test, test_scores])
        self.stack_called[test] = self.stacked[test] >= best_cut(
            stacker.decision_function(np.c_[ngram_validation, validation_scores]), labels[validation])
        self.stack_weights.append(np.r_[stacker.coef_[0], stacker.intercept_])

    def summary(self, prf) -> str:
        from sklearn.metrics import roc_auc_score

        done = ~np.isnan(self.scores)
        labels = self.labels[done]
        alone, stacked = prf(self.called[done], labels), prf(self.stack_called[done], labels)
        return (f"ROC-AUC {roc_auc_score(labels, self.scores[done]):.4f}, F1 {alone['f1']:.4f} "
                f"({alone['precision']:.3f} / {alone['recall']:.3f}); stacked with the n-grams: ROC-AUC "
                f"{roc_auc_score(labels, self.stacked[done]):.4f}, F1 {stacked['f1']:.4f} "
                f"({stacked['precision']:.3f} / {stacked['recall']:.3f}) [{int(done.sum())} sentences]")


def ngram_fold_scores(texts: list[str], labels: np.ndarray, fit, decisions, folds) -> dict:
    """The n-gram model fitted on each fold's 85 %, scored on its validation split and test fold."""
    out = {}
    for number, fit_rows, validation, test in folds:
        fitted = fit([texts[i] for i in fit_rows], labels[fit_rows])
        out[number] = (decisions(fitted, [texts[i] for i in validation]), decisions(fitted, [texts[i] for i in test]))
    return out


# --------------------------------------------------------------------------- inner layers (numpy)


def _cut(ids: list[int]) -> list[int]:
    """At most MAX_TOKENS token ids, keeping the closing [SEP] as the tokenizer's own truncation does."""
    return ids if len(ids) <= MAX_TOKENS else ids[:MAX_TOKENS - 1] + ids[-1:]


def layer_means(texts: list[str]) -> np.ndarray:
    """Mean-pooled hidden state after the embeddings (0) and each of the six layers: shape (7, n, 384)."""
    from claims.matching import encoder as encoder_module

    encoder = encoder_module.get_encoder()
    tokenizer = encoder._tokenizer
    encodings = tokenizer.encode_batch([t or "" for t in texts])
    out = np.zeros((encoder_module.LAYERS + 1, len(texts), encoder_module.DIM), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
    heads, dim = encoder_module.HEADS, encoder_module.DIM
    scale = np.float32(1.0 / np.sqrt(dim // heads))
    for start in range(0, len(order), 64):
        chunk = order[start:start + 64]
        length = min(MAX_TOKENS, max(len(encodings[i].ids) for i in chunk))
        ids = np.zeros((len(chunk), length), dtype=np.int64)
        mask = np.zeros((len(chunk), length), dtype=np.float32)
        for row, i in enumerate(chunk):
            tokens = _cut(encodings[i].ids)
            ids[row, :len(tokens)] = tokens
            mask[row, :len(tokens)] = 1.0
        weights = mask[:, :, None]
        count = np.maximum(weights.sum(axis=1), 1e-9)
        x = encoder_module._layer_norm(encoder._word[ids] + encoder._position[:length] + encoder._token_type,
                                       *encoder._embed_norm)
        out[0, chunk] = (x * weights).sum(axis=1) / count
        bias = ((1.0 - mask[:, None, None, :]) * -1e9).astype(np.float32)
        batch = len(chunk)
        for number, (qkv_w, qkv_b, out_w, out_b, ln1_w, ln1_b, in_w, in_b, ff_w, ff_b, ln2_w, ln2_b) in enumerate(
                encoder._layers, 1):
            qkv = (x @ qkv_w + qkv_b).reshape(batch, length, 3, heads, dim // heads).transpose(2, 0, 3, 1, 4)
            scores = (qkv[0] @ qkv[1].transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(batch, length, dim)
            x = encoder_module._layer_norm(context @ out_w + out_b + x, ln1_w, ln1_b)
            x = encoder_module._layer_norm(encoder_module._gelu(x @ in_w + in_b) @ ff_w + ff_b + x, ln2_w, ln2_b)
            out[number, chunk] = (x * weights).sum(axis=1) / count
    return out


LAYER_SETS = ((6,), (4,), (3,), (2,), (3, 4), (2, 3, 4), (4, 5, 6), tuple(range(7)))


def layer_head(features: np.ndarray, labels: np.ndarray):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=LAYER_C, max_iter=3000)).fit(features, labels)


def compare_layers(claimbuster: list[dict], clef: list[dict], *, fit, decisions, prf, fold_key, folds: int, seed: int,
                   inner_seed: int, clef_ngram_scores: dict[str, np.ndarray]) -> None:
    """Print each layer set's figures on ClaimBuster (alone and stacked) and its CLEF leave-one-debate-out MAP."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score

    texts = [row["text"] for row in claimbuster]
    labels = np.array([row["label"] for row in claimbuster])
    started = time.process_time()
    means = layer_means(texts)
    cost = (time.process_time() - started) / len(texts) * 1e6
    print(f"  mean-pooled layers of {len(texts)} sentences: {cost:.0f} µs of CPU per sentence (all six layers)")
    split = list(split_folds(labels, folds, seed, inner_seed))
    ngram = ngram_fold_scores(texts, labels, fit, decisions, split)
    baseline = Protocol(labels)
    for number, _fit_rows, validation, test in split:
        baseline.scores[test] = ngram[number][1]
        baseline.called[test] = ngram[number][1] >= best_cut(ngram[number][0], labels[validation])
    figures = prf(baseline.called, labels)
    from sklearn.metrics import roc_auc_score

    print(f"  n-grams, same 85 % / 15 % protocol: ROC-AUC {roc_auc_score(labels, baseline.scores):.4f}, F1 "
          f"{figures['f1']:.4f} ({figures['precision']:.3f} / {figures['recall']:.3f})")
    clef_means = layer_means([row["text"] for row in clef])
    debates = sorted(clef_ngram_scores)
    for layers in LAYER_SETS:
        features = np.concatenate([means[k] for k in layers], axis=1)
        protocol = Protocol(labels)
        for number, fit_rows, validation, test in split:
            head = layer_head(features[fit_rows], labels[fit_rows])
            protocol.add(validation, test, head.decision_function(features[validation]), head.decision_function(features[test]),
                         *ngram[number])
        # CLEF: a head that never saw the debate's sentences; the stacker fitted on ClaimBuster's test-fold scores.
        stacker = LogisticRegression(C=1e6, max_iter=1000).fit(np.c_[baseline.scores, protocol.scores], labels)
        clef_features = np.concatenate([clef_means[k] for k in layers], axis=1)
        precisions, stacked_precisions = [], []
        for debate in debates:
            rows = [i for i, row in enumerate(clef) if row["debate"] == debate]
            held_out = {fold_key(clef[i]["text"]) for i in rows}
            train = np.array([i for i, text in enumerate(texts) if fold_key(text) not in held_out])
            head_scores = layer_head(features[train], labels[train]).decision_function(clef_features[rows])
            debate_labels = [clef[i]["label"] for i in rows]
            precisions.append(average_precision_score(debate_labels, head_scores))
            stacked_precisions.append(average_precision_score(
                debate_labels, stacker.decision_function(np.c_[clef_ngram_scores[debate], head_scores])))
        print(f"  layers {'+'.join(map(str, layers)):<14} {protocol.summary(prf)}; CLEF MAP {np.mean(precisions):.4f}, "
              f"stacked {np.mean(stacked_precisions):.4f}", flush=True)


# --------------------------------------------------------------------------- top layers fine-tuned (torch)


def _torch():
    try:
        import torch
    except ImportError:
        raise SystemExit("--compare-finetune needs PyTorch, which FactDesk does not install: run this script with an "
                         "interpreter that has it (see bench/checkworthy_encoder.py).") from None
    return torch


def _minilm_weights() -> dict[str, np.ndarray]:
    from safetensors.numpy import load as load_safetensors

    from claims.matching import encoder as encoder_module

    raw = encoder_module._verified_bytes(encoder_module._model_dir() / "model.safetensors")
    return {name: value.astype(np.float32) for name, value in load_safetensors(raw).items()}


def _torch_layers(weights: dict, numbers, torch):
    """BERT layers ``numbers`` of MiniLM as torch modules (dropout 0.1, as it was trained)."""
    nn, functional = torch.nn, torch.nn.functional
    dim, heads = 384, 12

    class Layer(nn.Module):
        def __init__(self, number: int):
            super().__init__()
            prefix = f"encoder.layer.{number}."

            def linear(name, inputs, outputs):
                module = nn.Linear(inputs, outputs)
                module.weight.data = torch.tensor(weights[prefix + name + ".weight"])
                module.bias.data = torch.tensor(weights[prefix + name + ".bias"])
                return module

            def norm(name):
                module = nn.LayerNorm(dim, eps=1e-12)
                module.weight.data = torch.tensor(weights[prefix + name + ".weight"])
                module.bias.data = torch.tensor(weights[prefix + name + ".bias"])
                return module

            self.qkv = nn.Linear(dim, 3 * dim)
            self.qkv.weight.data = torch.cat([torch.tensor(weights[prefix + f"attention.self.{n}.weight"])
                                              for n in ("query", "key", "value")])
            self.qkv.bias.data = torch.cat([torch.tensor(weights[prefix + f"attention.self.{n}.bias"])
                                            for n in ("query", "key", "value")])
            self.attention_out = linear("attention.output.dense", dim, dim)
            self.norm1 = norm("attention.output.LayerNorm")
            self.intermediate = linear("intermediate.dense", dim, 4 * dim)
            self.output = linear("output.dense", 4 * dim, dim)
            self.norm2 = norm("output.LayerNorm")
            self.dropout = nn.Dropout(0.1)

        def forward(self, x, bias):
            batch, length, _ = x.shape
            qkv = self.qkv(x).view(batch, length, 3, heads, dim // heads).permute(2, 0, 3, 1, 4)
            context = functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=bias,
                                                              dropout_p=0.1 if self.training else 0.0)
            x = self.norm1(self.dropout(self.attention_out(context.transpose(1, 2).reshape(batch, length, dim))) + x)
            return self.norm2(self.dropout(self.output(functional.gelu(self.intermediate(x)))) + x)

    return [Layer(number) for number in numbers]


def frozen_states(texts: list[str], weights: dict, below: int, torch) -> list[np.ndarray]:
    """Hidden state after the first ``below`` layers (frozen) of each text, fp16, shape (tokens, 384)."""
    from claims.matching import encoder as encoder_module

    functional = torch.nn.functional
    tokenizer = encoder_module.get_encoder()._tokenizer
    ids = [_cut(encoding.ids) for encoding in tokenizer.encode_batch(texts)]
    embeddings = {name: torch.tensor(weights["embeddings." + name]) for name in
                  ("word_embeddings.weight", "position_embeddings.weight", "LayerNorm.weight", "LayerNorm.bias")}
    token_type = torch.tensor(weights["embeddings.token_type_embeddings.weight"][0])
    layers = [layer.eval() for layer in _torch_layers(weights, range(below), torch)]
    out: list[np.ndarray] = [np.zeros(0)] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
    with torch.no_grad():
        for start in range(0, len(order), 64):
            chunk = order[start:start + 64]
            length = max(len(ids[i]) for i in chunk)
            tokens = torch.zeros(len(chunk), length, dtype=torch.long)
            mask = torch.zeros(len(chunk), length)
            for row, i in enumerate(chunk):
                tokens[row, :len(ids[i])] = torch.tensor(ids[i])
                mask[row, :len(ids[i])] = 1
            summed = embeddings["word_embeddings.weight"][tokens] + embeddings["position_embeddings.weight"][:length] + token_type
            x = functional.layer_norm(summed, (384,), embeddings["LayerNorm.weight"], embeddings["LayerNorm.bias"], eps=1e-12)
            bias = (1 - mask[:, None, None, :]) * -1e9
            for layer in layers:
                x = layer(x, bias)
            for row, i in enumerate(chunk):
                out[i] = x[row, :len(ids[i])].numpy().astype(np.float16)
    return out


def _batches(states, rows, size, torch, rng=None):
    """Padded (rows, states, mask) batches of similar length; shuffled (in length buckets) when ``rng`` is given."""
    rows = np.asarray(rows)
    if rng is not None:
        rows = rows[rng.permutation(len(rows))]
        buckets = [rows[i:i + size * 20] for i in range(0, len(rows), size * 20)]
        rows = np.concatenate([b[np.argsort([len(states[j]) for j in b], kind="stable")] for b in buckets])
    else:
        rows = rows[np.argsort([len(states[j]) for j in rows], kind="stable")]
    groups = [rows[i:i + size] for i in range(0, len(rows), size)]
    if rng is not None:
        groups = [groups[i] for i in rng.permutation(len(groups))]
    for group in groups:
        length = max(len(states[j]) for j in group)
        x = torch.zeros(len(group), length, 384)
        mask = torch.zeros(len(group), length)
        for row, j in enumerate(group):
            x[row, :len(states[j])] = torch.from_numpy(states[j].astype(np.float32))
            mask[row, :len(states[j])] = 1
        yield group, x, mask


def finetune(states, labels, rows, weights, *, below: int, epochs: int, rate: float, seed: int, torch):
    """The layers from ``below`` up and a linear head on their mean-pooled output, trained on ``rows``."""
    nn, functional = torch.nn, torch.nn.functional
    torch.manual_seed(seed)

    class Top(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList(_torch_layers(weights, range(below, 6), torch))
            self.dropout = nn.Dropout(0.1)
            self.head = nn.Linear(384, 1)

        def forward(self, x, mask):
            bias = (1 - mask[:, None, None, :]) * -1e9
            for layer in self.layers:
                x = layer(x, bias)
            pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True)
            return self.head(self.dropout(pooled)).squeeze(-1)

    model = Top()
    optimiser = torch.optim.AdamW([{"params": model.layers.parameters(), "lr": rate},
                                   {"params": model.head.parameters(), "lr": 1e-3}], weight_decay=0.01)
    steps = epochs * math.ceil(len(rows) / 32)
    warm = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(  # linear warm-up over a tenth of the steps, then linear decay
        optimiser, lambda step: step / warm if step < warm else max(0.0, (steps - step) / (steps - warm)))
    targets = torch.tensor(labels, dtype=torch.float32)
    rng = np.random.default_rng(seed)
    model.train()
    for _epoch in range(epochs):
        for group, x, mask in _batches(states, rows, 32, torch, rng):
            loss = functional.binary_cross_entropy_with_logits(model(x, mask), targets[group])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    model.eval()

    def score(score_rows) -> np.ndarray:
        out = np.zeros(len(score_rows))
        position = {j: k for k, j in enumerate(score_rows)}
        with torch.no_grad():
            for group, x, mask in _batches(states, score_rows, 128, torch):
                out[[position[j] for j in group]] = model(x, mask).numpy()
        return out

    return score


def compare_finetune(claimbuster: list[dict], *, fit, decisions, prf, folds: int, seed: int, inner_seed: int,
                     layers: int, epochs: int, rate: float, limit_folds: int) -> None:
    """Print the fine-tuned top ``layers`` layers' figures, fold by fold and over the folds run."""
    torch = _torch()
    texts = [row["text"] for row in claimbuster]
    labels = np.array([row["label"] for row in claimbuster])
    weights = _minilm_weights()
    started = time.perf_counter()
    states = frozen_states(texts, weights, 6 - layers, torch)
    print(f"  layers 1-{6 - layers} frozen, their output computed once: {time.perf_counter() - started:.0f} s", flush=True)
    split = list(split_folds(labels, folds, seed, inner_seed))[:limit_folds]
    ngram = ngram_fold_scores(texts, labels, fit, decisions, split)
    protocol = Protocol(labels)
    for number, fit_rows, validation, test in split:
        started = time.perf_counter()
        score = finetune(states, labels, fit_rows, weights, below=6 - layers, epochs=epochs, rate=rate, seed=number, torch=torch)
        validation_scores, test_scores = score(validation), score(test)
        protocol.add(validation, test, validation_scores, test_scores, *ngram[number])
        fold = Protocol(labels)
        fold.add(validation, test, validation_scores, test_scores, *ngram[number])
        print(f"  fold {number}: {fold.summary(prf)} ({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"  top {layers} layers fine-tuned ({epochs} epochs, rate {rate:g}), {len(split)} of {folds} folds: "
          f"{protocol.summary(prf)}")
