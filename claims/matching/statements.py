"""The text the matcher reads for a statement that has a title: one rule for every caller.

``rank_claims`` (evaluation runs: a query's or claim's ``title``) and the fact-check library (a
review's headline, ``FactCheck.statement_text``) read a titled statement through
``statement_text``, so a fact-check is compared in production with exactly the text it is
scored with offline. Pure: strings in, a string out.
"""
from __future__ import annotations

import re

# Social-media markup is not the words of a claim: links (often glued to the word before them in
# scraped tweets, "#Minecrafthttps://t.co/…"), and the "#" or "@" of a hashtag or handle, whose
# words are split where the case or digits change ("#DraftOurDaughters" -> "Draft Our Daughters").
_GLUED_LINK = re.compile(r"(?<=\w)(?=https?://|pic\.twitter\.com/)")
_LINK = re.compile(r"(?:https?://|pic\.twitter\.com/)\S*")
_TAG = re.compile(r"[#@](\w+)")
_WORD_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])|(?<=[A-Z])(?=[A-Z][a-z])|_")


def plain_text(text: str) -> str:
    """``text`` without links, hashtags and handles as markup (their words kept), whitespace collapsed."""
    text = _LINK.sub(" ", _GLUED_LINK.sub(" ", text))
    text = _TAG.sub(lambda found: " " + _WORD_BREAK.sub(" ", found.group(1)) + " ", text)
    return " ".join(text.split())


def statement_text(text: str, title: str | None = None) -> str:
    """The title (if any) and the text as one statement: a headline often says the claim most plainly.

    The two are always joined by a full stop, even after a headline's "?" or "!": the encoder then
    reads them as two sentences (on CheckThat! 2020 this ranks better, train and dev alike, than
    letting the headline's own mark end it). A title that only repeats the text is left out.
    """
    text, title = plain_text(text), plain_text(title or "")
    return f"{title}. {text}" if title and title != text else text
