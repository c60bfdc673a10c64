"""Plain-text articles: the text is the file; metadata comes from flags or a manifest."""
from __future__ import annotations

from pathlib import PurePath
from urllib.parse import urlsplit

from articles.importers.base import ImportRejected, ParsedArticle, clean_field, to_datetime
from articles.importers.decoding import check_size, decode_bytes
from articles.importers.normalise import normalise_text
from articles.models import SourceFormat


def http_url(value, *, what: str = "url") -> str:
    """``value`` if it is an absolute http(s) URL, "" when empty; ValueError otherwise.

    Only web links are stored: a ``javascript:`` or ``file:`` URL shown as a link is an attack.
    """
    url = clean_field(value, 2000)
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{what} {url[:80]!r} is not an http(s) URL")
    return url


def domain_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.") if url else ""


def parse_text(
    text_or_bytes: str | bytes,
    *,
    name: str = "",
    outlet: str = "",
    title: str = "",
    url: str = "",
    published_at=None,
    external_id: str = "",
    byline: str = "",
    content_type: str = "",
    max_bytes: int | None = None,
    language: str = "en",
) -> ParsedArticle:
    """One plain-text article. The file's stem is its external id unless one is given, so
    re-importing a changed file of the same name makes a new version of the same article."""
    if isinstance(text_or_bytes, bytes):
        check_size(text_or_bytes, max_bytes)
    text = normalise_text(decode_bytes(text_or_bytes, content_type=content_type))
    if not text:
        raise ImportRejected("it has no text once blank lines and site furniture are removed")
    try:
        url = http_url(url)
        published = to_datetime(published_at)
    except ValueError as exc:
        raise ImportRejected(str(exc)) from None
    return ParsedArticle(
        text=text,
        title=clean_field(title),
        byline=clean_field(byline, 500),
        url=url,
        published_at=published,
        language=clean_field(language, 20) or "en",
        outlet=clean_field(outlet, 200),
        outlet_domain=domain_of(url),
        external_id=clean_field(external_id, 300) or (PurePath(name).stem if name else ""),
        source_format=SourceFormat.TEXT,
    )
