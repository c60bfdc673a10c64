"""RSS and Atom feeds (feedparser): each entry's content, or else its summary, becomes an article.

A feed that is not well-formed XML is refused whole: a cut-off download would otherwise import
its last entry half-written. Entries with no text are reported one by one.
"""
from __future__ import annotations

import calendar
import datetime as dt
import xml.sax

import feedparser

from articles.importers.base import ImportRejected, ParseFailure, ParsedArticle, clean_field
from articles.importers.html import fragment_to_text
from articles.importers.text import domain_of, http_url
from articles.models import SourceFormat

# Problems feedparser reports that do not affect what was parsed.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def _entry_url(entry) -> str:
    try:
        return http_url(entry.get("link"))
    except ValueError:
        return ""


def _entry_date(entry) -> dt.datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.timezone.utc)
    except (OverflowError, ValueError, OSError):
        return None


def _entry_html(entry) -> str:
    for content in entry.get("content") or []:
        if content.get("value", "").strip():
            return content["value"]
    return entry.get("summary", "") or ""


def parse_feed(text: str, **meta) -> list[ParsedArticle | ParseFailure]:
    """The entries of an RSS/Atom feed; ImportRejected for a broken, empty or non-feed document."""
    parsed = feedparser.parse(text.encode("utf-8"), response_headers={"content-type": "application/xml; charset=utf-8"})
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and problem is not None and not isinstance(problem, _HARMLESS):
        if isinstance(problem, xml.sax.SAXParseException):
            raise ImportRejected(
                f"the feed is not well-formed XML ({problem.getMessage()} at line {problem.getLineNumber()}); "
                "it may be cut off"
            )
        raise ImportRejected(f"the feed could not be read ({problem})")
    if not parsed.get("version") and not parsed.entries:
        raise ImportRejected("it is not an RSS or Atom feed")
    if not parsed.entries:
        raise ImportRejected("the feed has no entries")
    channel = parsed.feed
    outlet = clean_field(meta.get("outlet"), 200) or clean_field(channel.get("title"), 200)
    try:
        channel_link = http_url(channel.get("link"))
    except ValueError:
        channel_link = ""
    language = clean_field(channel.get("language"), 20).split("-")[0].lower() or "en"
    results: list[ParsedArticle | ParseFailure] = []
    for index, entry in enumerate(parsed.entries, start=1):
        title = clean_field(entry.get("title"))
        where = f"entry {index}" + (f" ({title[:60]})" if title else "")
        body = fragment_to_text(_entry_html(entry))
        if not body:
            results.append(ParseFailure(where, "the entry has no text (neither content nor summary)"))
            continue
        url = _entry_url(entry)
        results.append(
            ParsedArticle(
                text=body,
                title=title,
                byline=clean_field(entry.get("author"), 500),
                url=url,
                published_at=_entry_date(entry),
                language=language,
                outlet=outlet,
                outlet_domain=domain_of(channel_link or url),
                external_id=clean_field(entry.get("id") or url, 300),
                source_format=SourceFormat.FEED,
                where=where,
            )
        )
    return results
