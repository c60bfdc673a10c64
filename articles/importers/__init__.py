"""Pure importers: bytes or text in, ``ParsedArticle`` / ``ParseFailure`` out, no database.

``parse_any`` picks the format (explicit, then the content type, then the file suffix, then
by looking at the text) among plain text, HTML pages, JSON, JSON Lines and RSS/Atom feeds,
decodes the bytes (``decoding``), and hands them to the format's parser. Every parser stores
text through ``normalise.normalise_text``, so offsets mean the same thing whatever the source.
Writing to the database is ``articles.services``' job.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from articles.importers.base import ImportRejected, ParsedArticle, ParseFailure, clean_field, to_datetime
from articles.importers.decoding import check_size, decode_input, human_size
from articles.importers.feeds import parse_feed
from articles.importers.html import fragment_to_text, parse_html
from articles.importers.jsonfmt import parse_json, parse_jsonl
from articles.importers.manifest import ManifestEntry, read_manifest
from articles.importers.normalise import is_furniture, normalise_text
from articles.importers.text import parse_text

__all__ = [
    "ImportRejected",
    "ManifestEntry",
    "ParseFailure",
    "ParsedArticle",
    "clean_field",
    "detect_format",
    "fragment_to_text",
    "is_furniture",
    "normalise_text",
    "parse_any",
    "parse_text",
    "read_manifest",
    "to_datetime",
]

logger = logging.getLogger(__name__)

# A file of many articles (JSON, JSON Lines, a feed) may be this many times the one-article limit;
# each article in it is still held to the one-article limit.
CONTAINER_FACTOR = 50

_ALIASES = {"txt": "text", "htm": "html", "xml": "feed", "rss": "feed", "atom": "feed", "ndjson": "jsonl", "url": ""}
_CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "feed",
    "text/xml": "feed",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/jsonlines": "jsonl",
    "application/x-jsonlines": "jsonl",
}
_SUFFIXES = {
    ".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html", ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".xml": "feed", ".rss": "feed", ".atom": "feed", ".rdf": "feed",
}
_FEED_START = re.compile(r"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)
_HTML_HINT = re.compile(r"<(?:!doctype\s+html|html|head|body|article|p|div)\b", re.IGNORECASE)
_PARSERS = {"html": parse_html, "json": parse_json, "jsonl": parse_jsonl, "feed": parse_feed}


def _declared_format(fmt: str | None, content_type: str, name: str) -> str:
    if fmt:
        fmt = str(fmt).lower().strip()
        fmt = _ALIASES.get(fmt, fmt)
        if fmt and fmt not in ("text", "html", "json", "jsonl", "feed"):
            raise ImportRejected(f"unknown format {fmt!r} (use text, html, json, jsonl or feed)")
        if fmt:
            return fmt
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in _CONTENT_TYPES:
        return _CONTENT_TYPES[mime]
    if mime.endswith("+xml"):
        return "feed"
    if mime.endswith("+json"):
        return "json"
    path = urlsplit(name).path if re.match(r"^https?://", name or "") else (name or "")
    return _SUFFIXES.get(PurePosixPath(path.replace("\\", "/")).suffix.lower(), "")


def detect_format(text: str, *, fmt: str | None = None, content_type: str = "", name: str = "") -> str:
    """The input's format: declared (fmt, content type, suffix) or else sniffed from the text."""
    declared = _declared_format(fmt, content_type, name)
    if declared:
        return declared
    head = text.lstrip("\ufeff \t\r\n")[:2048]
    if head.startswith(("{", "[")):
        return "json"
    if head.startswith("<") and (_FEED_START.search(head) or head.startswith("<?xml")):
        # An XML declaration or a feed root: a feed, unless an <html> root comes first (XHTML).
        html_root = re.search(r"<html\b", head, re.IGNORECASE)
        feed_root = _FEED_START.search(head)
        if html_root and (not feed_root or html_root.start() < feed_root.start()):
            return "html"
        return "feed"
    if head.startswith("<") and _HTML_HINT.search(head):
        return "html"
    return "text"


def parse_any(
    data: bytes, *, name: str, fmt: str | None = None, content_type: str = "", max_bytes: int | None = None, **meta
) -> list[ParsedArticle | ParseFailure]:
    """Parse one input of any supported format.

    Returns parsed articles and per-item failures (a bad JSON line, a feed entry with no text, an
    article over ``max_bytes``); raises ImportRejected when the whole input is unusable: empty,
    binary, oversized, undecodable, or not parseable as its format. ``meta`` (title, url,
    published_at, external_id, outlet, byline) fills in what the input does not say itself. When
    the character encoding was guessed with doubt, every article carries that as its ``warning``.
    """
    unknown = set(meta) - {"title", "url", "published_at", "external_id", "outlet", "byline"}
    if unknown:
        raise TypeError(f"parse_any() got unexpected metadata {sorted(unknown)}")
    if isinstance(data, str):
        data = data.encode("utf-8")
    if max_bytes is not None:
        check_size(data, max_bytes * CONTAINER_FACTOR)
    decoded = decode_input(data, content_type=content_type)
    kind = detect_format(decoded.text, fmt=fmt, content_type=content_type, name=name)
    single = kind in ("text", "html")
    if single:
        # The whole input is the one article: refuse it before parsing, by the same rule as below.
        _refuse_oversized(len(data), max_bytes)
    items = _parse(kind, decoded.text, name=name, **meta)
    if decoded.doubt:
        items = [replace(item, warning=decoded.doubt) if isinstance(item, ParsedArticle) else item for item in items]
    return [_within_article_limit(item, max_bytes, single=single) for item in items]


def _parse(kind: str, text: str, *, name: str, **meta) -> list[ParsedArticle | ParseFailure]:
    if kind == "text":
        return [parse_text(text, name=name, **meta)]
    try:
        if kind == "html":
            return [parse_html(text, **meta)]
        return _PARSERS[kind](text, **meta)
    except ImportRejected:
        raise
    except Exception as exc:
        # trafilatura, lxml and feedparser are large; an input that trips one of them is this
        # input's failure (logged with its traceback), not a crash of the whole import.
        logger.exception("the %s parser failed on %s", kind, name)
        raise ImportRejected(f"it could not be read as {kind} ({type(exc).__name__})") from None


def _refuse_oversized(size: int, max_bytes: int | None) -> None:
    """The one-article size limit, for every format: ImportRejected saying by how much."""
    if max_bytes is not None and size > max_bytes:
        raise ImportRejected(f"it is {human_size(size)}, over the {human_size(max_bytes)} limit for one article")


def _within_article_limit(item, max_bytes: int | None, *, single: bool):
    """``item``, or a failure in its place when its text is over the one-article limit."""
    if not isinstance(item, ParsedArticle) or max_bytes is None:
        return item
    try:
        _refuse_oversized(len(item.text.encode("utf-8")), max_bytes)
    except ImportRejected as exc:
        if single:
            raise
        return ParseFailure(item.where or "an article", str(exc).replace("it is", "the article is", 1))
    return item
