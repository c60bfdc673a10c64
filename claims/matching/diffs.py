"""How two citations of one claim differ: a word diff and the words that may make it a misquote."""
from __future__ import annotations

import difflib

from claims.matching.words import NEGATIONS, _analyse, _units


def word_diff(a: str, b: str) -> list[tuple[str, str]]:
    """Word-level diff from ``a`` to ``b``: ("equal" | "delete" | "insert", words as written).

    Words compare with case, punctuation and abbreviations folded, so "the US" and "the United
    States" are equal; equal runs show ``b``'s wording, so the diff reads as ``b`` as reported, with
    what only ``a`` has marked as deleted.
    """
    ua, ub = _units(a), _units(b)
    ka, kb = [" ".join(u.keys) for u in ua], [" ".join(u.keys) for u in ub]
    ops: list[tuple[str, str]] = []

    def push(op, units):
        if units:
            text = " ".join(u.display for u in units)
            if ops and ops[-1][0] == op:
                ops[-1] = (op, ops[-1][1] + " " + text)
            else:
                ops.append((op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if tag == "equal":
            push("equal", ub[j1:j2])
        else:
            push("delete", ua[i1:i2])
            push("insert", ub[j1:j2])
    return ops


def _meaning_critical(key: str) -> bool:
    return key in NEGATIONS or key[:1].isdigit()


def misquote_words(a: str, b: str) -> list[str]:
    """Content words that differ between two citations of one claim; empty = no possible misquote.

    Punctuation, case, stopwords and abbreviation variants ("US"/"United States") are ignored.
    Words only one citation has *at its edges* are a longer or shorter excerpt, not a misquote,
    unless they are negations or numbers, which change what the shared words mean.
    """
    ca, cb = _analyse(a), _analyse(b)
    ops = difflib.SequenceMatcher(None, ca.content, cb.content, autojunk=False).get_opcodes()
    equal = [k for k, op in enumerate(ops) if op[0] == "equal"]
    if not equal:
        first, last = 0, len(ops) - 1
    else:
        first, last = equal[0], equal[-1]
    found: list[str] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            continue
        edge = k < first or k > last
        for seq, disp, lo, hi in ((ca.content, ca.content_display, i1, i2), (cb.content, cb.content_display, j1, j2)):
            for idx in range(lo, hi):
                if edge and equal and not _meaning_critical(seq[idx]):
                    continue
                word = disp[idx]
                if word not in found:
                    found.append(word)
    return found
