"""Sentence embeddings: ``embed`` gives all-MiniLM-L6-v2 vectors (384 values, unit length).

The encoder itself is ``claims.matching.encoder`` (loaded once per process). ``EMBEDDING_MODEL``
names the model and its version; it is stored beside each claim's vector, and
``manage.py embed_claims`` recomputes the vectors a different model computed.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from claims.matching.encoder import DIM, MODEL_NAME, MODEL_VERSION, get_encoder

EMBEDDING_DIM = DIM
EMBEDDING_MODEL = f"{MODEL_NAME} {MODEL_VERSION}"
CACHE_SIZE = 4096  # recent texts' vectors (1.5 kB each): a pool's unembedded claims, a batch's repeats

# What frames a quotation, not what it says: the marks around it and the comma before "she said".
_FRAME = " \t\r\n\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e,;:"

_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()


def embedding_text(text: str | None) -> str:
    """The words a vector is computed from: the text without the quotation marks and trailing
    comma that frame it in an article ("“We will win,” she said" and "We will win" are one
    statement), whitespace collapsed."""
    return " ".join((text or "").split()).strip(_FRAME)


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalised float32 sentence vectors, shape (len(texts), EMBEDDING_DIM), in batches.

    The text goes in nearly raw (``embedding_text``): the encoder's own tokenizer folds case, and
    it reads punctuation, numbers and word order that a folded word list would lose.
    """
    out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    with _cache_lock:
        for i, text in enumerate(texts):
            text = embedding_text(text)
            if text in _cache:
                out[i] = _cache[text]
                _cache.move_to_end(text)
            else:
                missing.setdefault(text, []).append(i)
    if missing:
        vectors = get_encoder().encode(list(missing))
        with _cache_lock:
            for (text, rows), vector in zip(missing.items(), vectors):
                out[rows] = vector
                _cache[text] = vector
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return out
