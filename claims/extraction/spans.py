"""Offsets and spans shared by the stages: a parsed token's place in the article, quotes around
a position, subtree spans, and trimming a span to the statement it holds."""
from __future__ import annotations

import re

from .text import INVISIBLE, Quote, Unit


def token_start(unit: Unit, token) -> int:
    """The article offset where a token of the unit's parse starts."""
    return unit.start + token.idx


def token_end(unit: Unit, token) -> int:
    return unit.start + token.idx + len(token.text)


def in_quote(unit: Unit, pos: int) -> bool:
    return any(quote.start <= pos < quote.end for quote in unit.quotes)


def token_at(doc, unit: Unit, pos: int):
    """The token covering a text offset, if the unit's doc has one."""
    relative = pos - unit.start
    for token in doc:
        if token.idx <= relative < token.idx + len(token.text):
            return token
    return None


def quote_ends_before(unit: Unit, doc, token_index: int) -> bool:
    pos = token_start(unit, doc[token_index])
    return any(0 <= pos - quote.end <= 2 for quote in unit.quotes)


def is_standalone(text: str, quote: Quote) -> bool:
    """A quote that is a statement of its own (not a fragment woven into a sentence)."""
    before = text[max(0, quote.start - 3):quote.start].rstrip()
    if not before or before[-1] in ",:;.!?—–-(\n" or quote.start == 0:
        return True
    para_start = text.rfind("\n", 0, quote.start) + 1
    if not text[para_start:quote.start].strip():
        return True
    inner = text[quote.start + 1:quote.end - 1].strip()
    # a long quote whose first word is capitalised reads as a full statement even without a comma
    return len(inner.split()) >= 6 and inner[:1].isupper() and inner[-1:] in ".,!?…"


def subtree_span(token, exclude=()) -> tuple[int, int]:
    """Token-index span of a subtree, cut before relative clauses and excluded children."""
    left, right = token.left_edge.i, token.right_edge.i
    for child in token.children:
        if child.dep_ in {"relcl", "acl", "ccomp", "advcl", "parataxis"} and child.i > token.i or child in exclude:
            right = min(right, child.left_edge.i - 1)
        elif child.dep_ in {"ccomp", "advcl", "parataxis", "csubj"} and child.i < token.i:
            left = max(left, child.right_edge.i + 1)  # a mis-attached clause: not part of the name
    return left, right


def last_word(doc, end: int) -> int:
    """The last token at or before ``end`` that is a word or a closing quote mark."""
    while end > 0 and doc[end].is_punct and doc[end].text not in {"”", '"', "''"}:
        end -= 1
    return end


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Without surrounding space, invisible characters and trailing clause punctuation."""
    while start < end and (text[start].isspace() or text[start] in INVISIBLE):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–―-" + INVISIBLE):
        end -= 1
    return start, end


def trim_content(text: str, start: int, end: int, *, complementiser: bool = True) -> tuple[int, int]:
    """Content clause: no leading 'that' (when it is the ``complementiser``, not the pronoun of
    "says that's not what happened") or punctuation, no trailing sentence punctuation."""
    start, end = trim(text, start, end)
    lead = re.match(r"(?:(?:that\b(?![’']s\b))\s*,?|[,:;])\s*" if complementiser else r"(?:[,:;]\s*)+", text[start:end])
    if lead:
        start += lead.end()
    while end > start:
        while end > start and text[end - 1] in ".,;:!?—–―- ":
            end -= 1
        tail = re.search(r"[\s,]+(and|or|but|while|as|with)$", text[start:end])
        if not tail:
            break
        end = start + tail.start()
    # a parenthesis the clause opened is closed with it ("Sen. Marco Rubio (R-FL)")
    close = text.find(")", end, end + 3)
    if text.count("(", start, end) > text.count(")", start, end) and close >= 0:
        end = close + 1
    elif text[end - 1:end] == ")" and text.count("(", start, end) < text.count(")", start, end):
        end -= 1
    return start, end
