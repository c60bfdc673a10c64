"""JSON and JSON Lines in FactDesk's documented article format (see README.md).

One article is an object ``{"text", "title", "byline", "url", "published", "outlet",
"language", "doc_id"}``; only ``text`` is required. A file holds a list of them, one of them,
or one per line (JSON Lines). A bad line or item is reported by its number and the others
still import; a JSON document that does not parse at all is rejected whole.
"""
from __future__ import annotations

import json

from articles.importers.base import ImportRejected, ParseFailure, ParsedArticle, clean_field, to_datetime
from articles.importers.text import domain_of, http_url
from articles.models import SourceFormat


def _byline(value) -> str:
    if isinstance(value, list):  # some exports give a list of authors
        return clean_field(", ".join(str(v) for v in value if isinstance(v, (str, int))), 500)
    return clean_field(value, 500)


def record_to_article(record, *, where: str, source_format: str, meta: dict) -> ParsedArticle | ParseFailure:
    """One JSON object as an article, or a failure naming ``where`` it was and why."""
    if not isinstance(record, dict):
        return ParseFailure(where, f"expected a JSON object with a \"text\" field, got {type(record).__name__}")
    raw_text = record.get("text")
    if not isinstance(raw_text, str) or not raw_text.strip():
        return ParseFailure(where, 'the "text" field is missing or empty')
    try:
        # meta's url, title and external id name one article (a fetched JSON file's own address is
        # not its articles' address), so they never fill in records; outlet, byline and date may.
        url = http_url(record.get("url"), what='"url"')
        published = to_datetime(_first(record, "published", "published_at", "date") or meta.get("published_at"))
    except ValueError as exc:
        return ParseFailure(where, str(exc))
    external_id = _first(record, "doc_id", "external_id", "id")
    try:
        return _article(raw_text, record, url, published, external_id, source_format, meta, where)
    except ValueError:  # ParsedArticle found no text once normalised
        return ParseFailure(where, 'the "text" field has no text once site furniture is removed')


def _article(raw_text, record, url, published, external_id, source_format, meta, where) -> ParsedArticle:
    return ParsedArticle(
        text=raw_text,
        title=clean_field(record.get("title")),
        byline=_byline(record.get("byline")) or clean_field(meta.get("byline"), 500),
        url=url,
        published_at=published,
        language=clean_field(record.get("language"), 20) or "en",
        outlet=clean_field(record.get("outlet"), 200) or clean_field(meta.get("outlet"), 200),
        outlet_domain=domain_of(url),
        external_id=clean_field(external_id, 300),
        source_format=source_format,
        where=where,
    )


def _first(record: dict, *keys):
    for key in keys:
        value = record.get(key)
        if value not in (None, ""):
            return value
    return None


def parse_json(text: str, **meta) -> list[ParsedArticle | ParseFailure]:
    """A JSON document: a list of article objects or one object (JSON Lines is detected too)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            return parse_jsonl(text, **meta)
        raise ImportRejected(f"it is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise ImportRejected("it is not usable JSON (nested too deeply)") from None
    if isinstance(data, list):
        if not data:
            raise ImportRejected("the JSON list holds no articles")
        return [
            record_to_article(item, where=f"item {index}", source_format=SourceFormat.JSON, meta=meta)
            for index, item in enumerate(data, start=1)
        ]
    if isinstance(data, dict):
        return [record_to_article(data, where="the object", source_format=SourceFormat.JSON, meta=meta)]
    raise ImportRejected("the JSON must be an article object or a list of them")


def parse_jsonl(text: str, **meta) -> list[ParsedArticle | ParseFailure]:
    """JSON Lines: one article object per line; blank lines are skipped, bad lines reported."""
    results: list[ParsedArticle | ParseFailure] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            results.append(ParseFailure(where, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        except RecursionError:
            results.append(ParseFailure(where, "not usable JSON (nested too deeply)"))
            continue
        results.append(record_to_article(record, where=where, source_format=SourceFormat.JSONL, meta=meta))
    if not results:
        raise ImportRejected("it holds no JSON lines")
    return results
