"""Shingles: hashed content-word pairs, the inverted-index keys retrieval looks candidates up by."""
from __future__ import annotations

import hashlib

from claims.matching.words import _analyse


def _hash(key: str) -> int:
    # blake2b, not hash(): stable across processes; masked to 63 bits to fit a PostgreSQL bigint.
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big") & ((1 << 63) - 1)


def shingle_keys(text: str) -> set[str]:
    """The readable shingles behind ``shingles``: content-word pairs up to two words apart.

    Gaps of one and two words let "Europe must be involved in any negotiations" and "Europe has
    to be part of these negotiations" share "europ negoti". On the corpus (bench/corpus_matches.py)
    the skip-two pairs added 3 paraphrase suggestions to 231 and 122 related ones to 1,170, for
    half again as many index rows (capped per query, so retrieval time stays flat).
    """
    stems = _analyse(text).stems
    if len(stems) < 3:
        # Too short for bigrams to be specific enough alone: index the words too.
        keys = set(stems)
        if len(stems) == 2:
            keys.add(" ".join(stems))
        return keys
    keys = {f"{a} {b}" for a, b in zip(stems, stems[1:])}
    keys |= {f"{a} {b}" for a, b in zip(stems, stems[2:])}  # tolerates one inserted or dropped word
    keys |= {f"{a} {b}" for a, b in zip(stems, stems[3:])}  # ... or two
    return keys


def shingles(text: str) -> set[int]:
    """Hashed content-word bigrams of ``text`` (stable, signed-bigint-safe ints) for the retrieval index."""
    return {_hash(k) for k in shingle_keys(text)}
