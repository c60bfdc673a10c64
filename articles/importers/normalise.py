"""The one text normalisation every importer uses.

Offsets into an article's text are what every citation points at, so this function is
deterministic and idempotent (``normalise_text(normalise_text(t)) == normalise_text(t)``),
and changing it changes stored offsets: treat it as a data format, not a tweakable helper.

What it does, in order:
1. line breaks: CRLF, CR and the Unicode line/paragraph separators become LF;
2. control and invisible format characters go (zero-width spaces, BOMs, bidi overrides, soft
   hyphens, lone surrogates), except newlines, tabs and the zero-width (non-)joiners, which
   carry meaning in several scripts and in emoji;
3. Unicode NFC;
4. within each line, runs of whitespace become one space and the line is trimmed;
5. site furniture lines ("READ ALSO: ...", "Read more: ...", share/follow/newsletter prompts)
   are dropped;
6. runs of blank lines become one blank line (a paragraph break is kept, never invented), and
   the text is trimmed.
Single line breaks are kept as they are: many sources put one paragraph per line.
"""
from __future__ import annotations

import re
import unicodedata

_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85|\x0b|\x0c")
_KEPT_FORMAT = {"\u200c", "\u200d"}  # zero-width non-joiner / joiner: meaningful in scripts and emoji
_SPACES = re.compile(r"[^\S\n]{2,}")
_BLANK_RUNS = re.compile(r"\n{3,}")

# Site furniture: whole lines that are navigation or promotion, not reporting. The patterns are
# generic (the prompts news sites put between paragraphs), anchored at the start of the line,
# and only apply to short lines so that a real paragraph opening with the same words survives.
FURNITURE_MAX_CHARS = 200
_FURNITURE = re.compile(
    r"""^(?:
        (?:read|see)\s+(?:also|more|next)\b\s*(?:[:\-\u2013\u2014|>\u00bb\u203a\u2192\u2026]|$)
      | also\s+read\b\s*(?:[:\-\u2013\u2014|>\u00bb\u203a\u2192\u2026]|$)
      | (?:related|recommended|trending|more)(?:\s+(?:stories|story|articles?|coverage|reading|news|on\s+this))?\s*:
      | share\s+(?:this|the)\s+(?:article|story|post|page)\b
      | share\s+(?:on|via)\s+(?:facebook|twitter|x|whatsapp|linkedin|telegram|reddit|e-?mail)\b
      | share\s*$
      | (?:click|tap)\s+(?:here\s+)?to\s+share\b
      | follow\s+(?:us|me|@\w+)\b
      | follow\s+[\w.\u2019' ]{1,40}\s+on\s+(?:twitter|facebook|instagram|x|threads|bluesky|tiktok|linkedin|youtube)\b
      | (?:sign\s+up|subscribe)\b.{0,150}\b(?:newsletters?|e-?mails?|podcasts?|updates|alerts|briefing)\b
      | advertisement\s*$
      | story\s+continues\s+below(?:\s+advertisement)?\s*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def _is_removable(char: str) -> bool:
    if char in "\n\t":
        return False
    category = unicodedata.category(char)
    if category in ("Cc", "Cs"):
        return True
    if category == "Cf":
        return char not in _KEPT_FORMAT
    return char in "\ufffe\uffff"


# A translation table built once for the code points that can be removed (all in the BMP or
# plane 14 tags); str.translate is far faster than a per-character Python loop.
_REMOVE = {cp: None for cp in list(range(0x10000)) + list(range(0xE0000, 0xE0080)) if _is_removable(chr(cp))}


def is_furniture(line: str) -> bool:
    """True for a (stripped) line that is a site's navigation or promotion, not reporting."""
    return len(line) <= FURNITURE_MAX_CHARS and bool(_FURNITURE.match(line))


def normalise_line(value: str) -> str:
    """A metadata value (title, byline, outlet) as one tidy line: the same character rules, no furniture."""
    return " ".join(unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", value).translate(_REMOVE)).split())


def normalise_text(text: str) -> str:
    """Normalise article text for storage; see the module docstring for the exact rules."""
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_REMOVE)
    text = unicodedata.normalize("NFC", text)
    lines = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if line and is_furniture(line):
            continue
        lines.append(line)
    text = "\n".join(lines)
    return _BLANK_RUNS.sub("\n\n", text).strip()
