"""Claim extraction: a pure NLP module, article text in, attributed statements with offsets out.

No database, no Django: ``extract_many(texts)`` returns one list of ``Extracted`` per text.
Bump ``EXTRACTOR_VERSION`` whenever the output for the same text can change; stored
candidates of an older version are replaced (unreviewed ones only) on the next run.
"""
from .pipeline import Extracted, extract, extract_many

EXTRACTOR_VERSION = "2026.11.28.8"

__all__ = ["EXTRACTOR_VERSION", "Extracted", "extract", "extract_many"]
