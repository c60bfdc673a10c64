"""Bytes to text: refuse empty, binary and oversized input, then find the character set.

Order: a byte-order mark, then the charset the input declares (HTTP header, XML declaration,
HTML meta), then strict UTF-8, then charset-normalizer's detection (unless the bytes hold real UTF-8
sequences next to invalid ones: that is damaged or mixed-encoding text, refused). Input none of these can
decode is refused rather than imported with replacement characters, because offsets into a
mangled text would be worthless once the real text is fixed.
"""
from __future__ import annotations

import codecs
import re

import charset_normalizer

from articles.importers.base import ImportRejected

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_DECLARED = [
    re.compile(rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""),
    re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE),
]
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# Share of characters that may be control characters before the input counts as binary.
_MAX_CONTROL_SHARE = 0.05


def human_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} kB"
    return f"{size} bytes"


def check_size(data: bytes, max_bytes: int | None, what: str = "it") -> None:
    if max_bytes is not None and len(data) > max_bytes:
        raise ImportRejected(f"{what} is {human_size(len(data))}, over the {human_size(max_bytes)} limit")


def charset_from_content_type(content_type: str) -> str:
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else ""


def _known(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except (LookupError, ValueError):
        return ""


def decode_bytes(data: bytes, *, content_type: str = "") -> str:
    """Decode an input to text or raise ImportRejected (empty, binary or undecodable)."""
    if isinstance(data, str):
        text = data
    else:
        if not data.strip():
            raise ImportRejected("it is empty")
        text = _decode(data, content_type)
    if not text.strip():
        raise ImportRejected("it is empty")
    controls = sum(1 for ch in text if ch < " " and ch not in "\n\r\t\f")
    if "\x00" in text or controls > _MAX_CONTROL_SHARE * len(text):
        raise ImportRejected("it looks like a binary file, not text (HTML, XML, JSON or plain text)")
    return text


def _decode(data: bytes, content_type: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise ImportRejected(f"it starts with a {encoding} byte-order mark but is not valid {encoding}") from None
    if b"\x00" in data:
        # UTF-16/32 without a BOM is vanishingly rare in news; NUL bytes mean a binary file.
        raise ImportRejected("it looks like a binary file, not text (HTML, XML, JSON or plain text)")
    declared = [charset_from_content_type(content_type)]
    head = data[:2048]
    declared += [m.group(1).decode("ascii") for pattern in _DECLARED for m in [pattern.search(head)] if m]
    for name in filter(None, (_known(d) for d in declared)):
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue  # a wrong declaration is common; fall through to detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        invalid = data.decode("utf-8", errors="replace").count("\ufffd")
        if len(_UTF8_MULTIBYTE.findall(data)) >= invalid:
            # Mostly real UTF-8 sequences mean the text was UTF-8 and the rest is damage or another
            # encoding pasted in; any single charset would turn part of it to garbage.
            raise ImportRejected(
                f"it is UTF-8 text with bytes that are not UTF-8 (from byte {exc.start}); "
                "it may be damaged or mix encodings: save it as UTF-8 and try again"
            ) from None
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise ImportRejected("its character encoding could not be recognised (save it as UTF-8 and try again)")
    return str(best)
