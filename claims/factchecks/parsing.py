"""Reading fact-checks: bytes in, ``ParsedFactCheck`` records (or per-record failures) out. No database.

Inputs, told apart by content type, file suffix, then the text itself:

- an HTML page: its schema.org ``ClaimReview`` markup in JSON-LD, microdata or RDFa, read with
  ``extruct``; a page with several reviews gives several records;
- ClaimReview JSON / JSON-LD: one object, a list, an ``@graph``, or a schema.org ``DataFeed``
  (``dataFeedElement``, each a ``ClaimReview`` or a ``DataFeedItem`` holding some);
- JSON Lines of either ClaimReviews or plain records ``{id, text, title?, rating?, url?,
  fact_checker?, published?, language?}`` (a plain JSON list of those reads the same);
- an RSS / Atom feed of a fact-checker (``feed_entries``, feedparser as the article feeds use):
  not records itself, but the fact-check pages its entries link to, read one by one.

A record that cannot be used (no ``claimReviewed``, a rating or date of the wrong type, a date
before ``EARLIEST_YEAR`` or in the future, a URL that is not http(s)) is a ``ParseFailure``
naming where it was and why; the others still import. An input that cannot be read at all
(empty, binary, over the size limit, JSON that does not parse, a page with no ClaimReview)
raises ``ImportRejected`` with the reason.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from dataclasses import dataclass

import feedparser

from articles.importers.base import ImportRejected, ParseFailure, clean_field, to_datetime
from articles.importers.decoding import check_size, decode_input
from articles.importers.text import http_url

logger = logging.getLogger(__name__)

EARLIEST_YEAR = 1990          # before the web's fact-checkers: a date this old is a typo or a placeholder
MAX_TEXT_CHARS = 20_000       # a claimReviewed longer than this is a whole article pasted in, not a claim
SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/")

FORMAT_HTML = "html"
FORMAT_CLAIMREVIEW = "claimreview"
FORMAT_PLAIN = "plain"

_SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".json": "json", ".jsonld": "json",
             ".jsonl": "jsonl", ".ndjson": "jsonl"}
_CONTENT_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "application/json": "json",
                  "application/ld+json": "json", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl",
                  "application/jsonlines": "jsonl", "application/x-jsonlines": "jsonl"}


@dataclass(frozen=True)
class ParsedFactCheck:
    """One fact-check as read from its source; ``where`` names it within an input of many."""

    claim_reviewed: str
    source_format: str
    headline: str = ""
    rating: str = ""
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    fact_checker: str = ""
    fact_checker_url: str = ""
    claimant: str = ""
    url: str = ""
    published: dt.date | None = None
    language: str = ""
    external_id: str = ""
    where: str = ""

    @property
    def rating_score(self) -> float | None:
        """The numeric rating on a 0 (worst) to 1 (best) scale; None when the publisher gives no scale."""
        if self.rating_value is None or self.best_rating is None:
            return None
        worst = 1.0 if self.worst_rating is None else self.worst_rating
        if self.best_rating == worst:
            return None
        share = (self.rating_value - worst) / (self.best_rating - worst)
        return round(share, 4) if 0.0 <= share <= 1.0 else None


class RecordError(ValueError):
    """One record is unusable; the message says why."""


def parse_factchecks(
    data: bytes | str, *, name: str = "", content_type: str = "", url: str = "", max_bytes: int | None = None,
    today: dt.date | None = None,
) -> list[ParsedFactCheck | ParseFailure]:
    """Every fact-check in one input (see the module docstring), or ImportRejected saying why none can be read."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    check_size(data, max_bytes)
    text = decode_input(data, content_type=content_type).text
    kind = _kind(text, name=name, content_type=content_type)
    today = today or dt.date.today()
    if kind == "html":
        return _from_html(text, url=url, today=today)
    if kind == "jsonl":
        return _from_json_lines(text, today=today)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if _looks_like_json_lines(text):
            return _from_json_lines(text, today=today)
        raise ImportRejected(f"it is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise ImportRejected("its JSON is nested too deeply to read") from None
    return _from_json_document(document, today=today)


def _kind(text: str, *, name: str, content_type: str) -> str:
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in _CONTENT_TYPES:
        return _CONTENT_TYPES[mime]
    path = re.sub(r"[?#].*$", "", name or "").lower()
    for suffix, kind in _SUFFIXES.items():
        if path.endswith(suffix):
            return kind
    head = text.lstrip("\ufeff \t\r\n")[:1]
    return "json" if head in ("{", "[") else "html"


def _looks_like_json_lines(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines[:5])


# --- JSON -------------------------------------------------------------------------------------

def _from_json_lines(text: str, *, today: dt.date) -> list[ParsedFactCheck | ParseFailure]:
    out: list[ParsedFactCheck | ParseFailure] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            document = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append(ParseFailure(where, f"not JSON ({exc.msg})"))
            continue
        except RecursionError:
            out.append(ParseFailure(where, "its JSON is nested too deeply to read"))
            continue
        if isinstance(document, dict) and not _is_schema_node(document):
            out.append(_record_or_failure(_from_plain, document, where=where, today=today))
            continue
        found = _from_json_document(document, today=today, where=where, reject_empty=False)
        out.extend(found or [ParseFailure(where, "it holds no ClaimReview and no plain {id, text} record")])
    if not out:
        raise ImportRejected("it holds no records")
    return out


def _from_json_document(document, *, today: dt.date, where: str = "", reject_empty: bool = True) -> list:
    if isinstance(document, list) and document and all(isinstance(item, dict) and not _is_schema_node(item)
                                                         for item in document):
        return [_record_or_failure(_from_plain, item, where=_where(where, f"item {number}"), today=today)
                for number, item in enumerate(document, 1)]
    if isinstance(document, dict) and not _is_schema_node(document) and "text" in document:
        return [_record_or_failure(_from_plain, document, where=where or "the record", today=today)]
    reviews = [node for _, node in _claim_reviews(document, path="")]
    if not reviews and reject_empty:
        raise ImportRejected("it holds no ClaimReview (schema.org) and no plain {id, text} records")
    return [_record_or_failure(_from_claim_review, node, where=_where(where, f"review {number}"), today=today,
                               source_format=FORMAT_CLAIMREVIEW)
            for number, node in enumerate(reviews, 1)]


def _where(outer: str, inner: str) -> str:
    return f"{outer}, {inner}" if outer else inner


def _types(node: dict) -> set[str]:
    value = node.get("@type") or node.get("type") or []
    values = value if isinstance(value, list) else [value]
    return {_local_name(v) for v in values if isinstance(v, str)}


def _local_name(term: str) -> str:
    for prefix in SCHEMA_PREFIXES:
        if term.startswith(prefix):
            return term[len(prefix):]
    return term.removeprefix("schema:")


def _is_schema_node(node: dict) -> bool:
    return "@type" in node or "@graph" in node or "@context" in node


def _claim_reviews(node, *, path: str, depth: int = 0):
    """(where, node) for every ClaimReview in a JSON-LD tree: top level, lists, @graph, DataFeed items."""
    if depth > 50:
        return
    if isinstance(node, list):
        for number, item in enumerate(node, 1):
            yield from _claim_reviews(item, path=f"{path} item {number}", depth=depth + 1)
        return
    if not isinstance(node, dict):
        return
    if "ClaimReview" in _types(node):
        yield path, node
        return
    for key in ("@graph", "dataFeedElement", "item", "mainEntity", "hasPart", "review"):
        if key in node:
            label = "element" if key == "dataFeedElement" else key.lstrip("@")
            yield from _claim_reviews(node[key], path=f"{path} {label}", depth=depth + 1)


def _record_or_failure(read, node, *, where: str, today: dt.date, **extra):
    try:
        return read(node, where=where, today=today, **extra)
    except RecordError as exc:
        return ParseFailure(where, str(exc))


def _from_plain(record, *, where: str, today: dt.date) -> ParsedFactCheck:
    """A plain record ``{id, text, title?, rating?, url?, fact_checker?, published?, language?}``."""
    if not isinstance(record, dict):
        raise RecordError(f"expected a JSON object, got {type(record).__name__}")
    text = _text(record.get("text"), what='"text"', required=True)
    identifier = record.get("id")
    if identifier is not None and not isinstance(identifier, (str, int)) or isinstance(identifier, bool):
        raise RecordError('"id" must be a string or a number')
    return ParsedFactCheck(
        claim_reviewed=text,
        source_format=FORMAT_PLAIN,
        headline=_text(record.get("title"), what='"title"', limit=500),
        rating=_text(record.get("rating"), what='"rating"', limit=200),
        fact_checker=_text(record.get("fact_checker"), what='"fact_checker"', limit=300),
        url=_url(record.get("url"), what='"url"'),
        published=_date(record.get("published"), today=today),
        language=_text(record.get("language"), what='"language"', limit=20),
        external_id=clean_field(identifier, 300) if identifier is not None else "",
        where=where,
    )


def _from_claim_review(node: dict, *, where: str, today: dt.date, source_format: str, page_url: str = "") -> ParsedFactCheck:
    """One schema.org ClaimReview (JSON-LD shape: plain property names)."""
    claim = _text(_one(node.get("claimReviewed")), what="claimReviewed", required=True)
    rating = _one(node.get("reviewRating"))
    if rating is not None and not isinstance(rating, (dict, str)):
        raise RecordError(f"reviewRating must be a Rating object, got {type(rating).__name__}")
    if isinstance(rating, str):
        rating = {"alternateName": rating}
    rating = rating or {}
    author = _one(node.get("author"))
    item = _one(node.get("itemReviewed"))
    claimant = _one(item.get("author")) if isinstance(item, dict) else None
    return ParsedFactCheck(
        claim_reviewed=claim,
        source_format=source_format,
        headline=_text(_one(node.get("headline") or node.get("name")), what="headline", limit=500),
        rating=_text(_one(rating.get("alternateName") or rating.get("name")), what="reviewRating.alternateName", limit=200),
        rating_value=_number(rating.get("ratingValue"), what="reviewRating.ratingValue"),
        best_rating=_number(rating.get("bestRating"), what="reviewRating.bestRating"),
        worst_rating=_number(rating.get("worstRating"), what="reviewRating.worstRating"),
        fact_checker=_name(author, what="author"),
        fact_checker_url=_url(author.get("url"), what="author.url") if isinstance(author, dict) else "",
        claimant=_name(claimant, what="itemReviewed.author"),
        url=_url(_one(node.get("url")) or page_url, what="url"),
        published=_date(_one(node.get("datePublished")), today=today),
        language=_language(_one(node.get("inLanguage"))),
        external_id=_identifier(_one(node.get("identifier") or node.get("@id"))),
        where=where,
    )


def _identifier(value) -> str:
    """The publisher's own id for a review; a blank node (``_:…``) names nothing beyond this page."""
    if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value).startswith("_:"):
        return ""
    return clean_field(value, 300)


def _one(value):
    """The first of a repeated property (microdata and RDFa give lists)."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value, *, what: str, required: bool = False, limit: int = MAX_TEXT_CHARS) -> str:
    if isinstance(value, dict) and "@value" in value:
        value = value["@value"]
    if value is None or value == "":
        if required:
            raise RecordError(f"{what} is missing")
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise RecordError(f"{what} must be text, got {type(value).__name__}")
    text = clean_field(value, limit + 1)
    if required and not text:
        raise RecordError(f"{what} is empty")
    if len(text) > limit:
        raise RecordError(f"{what} is over {limit:,} characters")
    return text


def _name(value, *, what: str) -> str:
    if value is None or isinstance(value, str):
        return _text(value, what=what, limit=300)
    if isinstance(value, dict):
        return _text(_one(value.get("name") or value.get("legalName")), what=f"{what}.name", limit=300)
    raise RecordError(f"{what} must be an Organization or Person, got {type(value).__name__}")


def _number(value, *, what: str) -> float | None:
    value = _one(value)
    if isinstance(value, dict) and "@value" in value:
        value = value["@value"]
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RecordError(f"{what} must be a number, got true/false")
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise RecordError(f"{what} must be a number, got {str(value)[:30]!r}") from None
    if not math.isfinite(number):
        raise RecordError(f"{what} must be a finite number")
    return number


def _url(value, *, what: str) -> str:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    try:
        return http_url(value, what=what)
    except ValueError as exc:
        raise RecordError(str(exc)) from None


def _date(value, *, today: dt.date) -> dt.date | None:
    if isinstance(value, dict) and "@value" in value:
        value = value["@value"]
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise RecordError(f"datePublished must be a date, got {type(value).__name__}")
    try:
        day = to_datetime(value.strip()).date()
    except ValueError as exc:
        raise RecordError(str(exc)) from None
    if day.year < EARLIEST_YEAR:
        raise RecordError(f"the date {day.isoformat()} is before {EARLIEST_YEAR}: not a fact-check's date")
    if day > today + dt.timedelta(days=1):
        raise RecordError(f"the date {day.isoformat()} is in the future")
    return day


def _language(value) -> str:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return clean_field(value, 20) if isinstance(value, str) else ""


# --- HTML -------------------------------------------------------------------------------------

def _from_html(text: str, *, url: str, today: dt.date) -> list[ParsedFactCheck | ParseFailure]:
    import extruct

    found: list[tuple[str, dict]] = []  # (syntax, ClaimReview node)
    problems = []
    for syntax in ("json-ld", "microdata", "rdfa"):
        try:
            items = extruct.extract(text, base_url=url or None, syntaxes=[syntax], uniform=True, errors="strict")[syntax]
        except Exception as exc:  # a malformed block of one syntax; the others may still hold reviews
            logger.info("%s markup unreadable on %s: %s", syntax, url or "a page", exc)
            problems.append(f"its {syntax.upper()} markup is malformed ({type(exc).__name__})")
            continue
        if syntax == "rdfa":
            items = _rdfa_to_jsonld(items)
        found.extend((syntax, node) for _, node in _claim_reviews(items, path=""))
    if not found:
        raise ImportRejected("; ".join(problems) or "it has no schema.org ClaimReview markup (JSON-LD, microdata or RDFa)")
    records = [
        _record_or_failure(_from_claim_review, node, where=f"review {number} ({syntax})", today=today,
                           source_format=FORMAT_HTML, page_url=url)
        for number, (syntax, node) in enumerate(found, 1)
    ]
    return _without_duplicates(records)


def _without_duplicates(records: list) -> list:
    """A page often carries the same review twice (JSON-LD for search engines, microdata in the body)."""
    seen, out = set(), []
    for record in records:
        if isinstance(record, ParsedFactCheck):
            key = (record.claim_reviewed.casefold(), record.rating.casefold(), record.url)
            if key in seen:
                continue
            seen.add(key)
        out.append(record)
    return out


def _rdfa_to_jsonld(nodes: list) -> list[dict]:
    """extruct's RDFa (expanded JSON-LD: full IRIs, ``@value`` lists, ``@id`` references) as plain nodes."""
    by_id = {node.get("@id"): node for node in nodes if isinstance(node, dict) and node.get("@id")}

    def simplify(node, depth=0):
        if depth > 10 or not isinstance(node, dict):
            return node
        if set(node) == {"@id"} and node["@id"] in by_id:
            node = by_id[node["@id"]]
        if "@value" in node:
            return node["@value"]
        out = {}
        for key, value in node.items():
            name = "@type" if key == "@type" else _local_name(key)
            if name == "@type":
                out[name] = [_local_name(v) for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
            elif isinstance(value, list):
                out[name] = [simplify(v, depth + 1) for v in value]
            else:
                out[name] = simplify(value, depth + 1)
        return out

    return [simplify(node) for node in nodes if isinstance(node, dict) and "@type" in node]


# --- RSS / Atom feeds of fact-check pages ------------------------------------------------------

_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"}
_FEED_STARTS = ("<?xml", "<rss", "<feed", "<rdf:rdf")
# Problems feedparser reports that do not affect what was parsed.
_HARMLESS_FEED_PROBLEMS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a fact-checker's feed: the page it links to and the date the feed gives it."""

    url: str
    updated: str = ""

    @property
    def key(self) -> str:
        """Seen again with the same date, the entry is not fetched again; a new date means the review changed."""
        return f"{self.url} {self.updated}".strip()


def feed_entries(data: bytes | str, *, content_type: str = "") -> list[FeedEntry] | None:
    """The pages an RSS / Atom feed links to, oldest first, each once; None when ``data`` is no such feed.

    An input served or shaped as HTML or JSON is not a feed (None: it is read for records). XML
    that is not well-formed, or not RSS or Atom, raises ``ImportRejected``: a cut-off download
    must not be taken for a feed with fewer entries.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in _CONTENT_TYPES:
        return None
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").decode("utf-8", "replace").lower()
    if mime not in _FEED_TYPES and not mime.endswith("+xml") and not head.startswith(_FEED_STARTS):
        return None
    if head.startswith(("<!doctype html", "<html")):
        return None
    parsed = feedparser.parse(data, response_headers={"content-type": content_type or "application/xml"})
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and problem is not None and not isinstance(problem, _HARMLESS_FEED_PROBLEMS):
        raise ImportRejected(f"the feed could not be read ({problem}); it may be cut off")
    if not parsed.get("version"):
        raise ImportRejected("it is XML, but not an RSS or Atom feed")
    entries, seen = [], set()
    for entry in reversed(parsed.entries):  # feeds list the newest first
        try:
            url = http_url(entry.get("link"))
        except ValueError:
            continue
        if not url or url in seen:
            continue
        seen.add(url)
        # dict.get: feedparser's own get() maps a missing "updated" to "published" with a deprecation warning
        dated = dict.get(entry, "updated") or dict.get(entry, "published")
        entries.append(FeedEntry(url=url, updated=clean_field(dated, 100)))
    return entries
