"""Sentence embeddings: 256-dim static vectors from wordllama (weights inside its wheel), loaded once."""
from __future__ import annotations

import threading

import numpy as np

from claims.matching.words import _analyse

EMBEDDING_DIM = 256

_MODEL = None
_MODEL_LOCK = threading.Lock()


def _model():
    global _MODEL
    if _MODEL is None:
        with _MODEL_LOCK:
            if _MODEL is None:
                from pathlib import Path

                import wordllama
                from wordllama import WordLlama

                _MODEL = WordLlama.load(
                    config="l2_supercat", dim=EMBEDDING_DIM, cache_dir=Path(wordllama.__file__).parent, disable_download=True
                )
    return _MODEL


def _embedding_text(text: str) -> str:
    # Folded words (case, punctuation, "US" -> "united states") embed closer across outlets'
    # wordings than raw text: measured in bench/matching_thresholds.py.
    words = _analyse(text or "").words
    return " ".join(w.replace("_", " ") for w in words) or (text or "")


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalised float32 sentence vectors, shape (len(texts), 256). Loads the model once per process."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    vectors = np.asarray(_model().embed([_embedding_text(t) for t in texts], norm=False), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)
