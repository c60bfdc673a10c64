"""HTML pages (trafilatura: main text, title, date, author, canonical URL) and HTML fragments.

Pages are refused when they are cut off (a document that opens ``<html>`` but never closes it
is a truncated download or save): importing the first half of an article would store text that
later silently grows. Fragments (feed entry bodies) are turned into one paragraph per line.
"""
from __future__ import annotations

import re

import lxml.etree
import lxml.html
import trafilatura

from articles.importers.base import ImportRejected, ParsedArticle, clean_field, to_datetime
from articles.importers.normalise import normalise_text
from articles.importers.text import domain_of, http_url
from articles.models import SourceFormat

_OPENS_DOCUMENT = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html[^>]*>\s*)?(?:<!--.*?-->\s*)*<html\b",
                             re.IGNORECASE | re.DOTALL)
_CLOSES_DOCUMENT = re.compile(r"</html\s*>", re.IGNORECASE)
_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
# Metadata dates only: searching the body text for dates guesses, and a wrong date is worse than none.
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
MIN_WORDS = 10
_BLOCKS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "table",
    "section", "article", "header", "footer", "figcaption", "dd", "dt", "dl", "br", "hr",
}
_DROPPED = "//script|//style|//noscript|//iframe|//object|//embed|//form|//nav|//aside|//template|//svg|//button"


def parse_html(text: str, *, url: str = "", **meta) -> ParsedArticle:
    """The main article of an HTML page; ImportRejected when it is cut off or has no article text."""
    if _OPENS_DOCUMENT.match(text) and not _CLOSES_DOCUMENT.search(text[-4096:]):
        raise ImportRejected("the HTML page is cut off (it never closes its <html> element); download or save it again")
    try:
        given_url = http_url(url or meta.get("url", ""))
    except ValueError as exc:
        raise ImportRejected(str(exc)) from None
    try:
        document = trafilatura.bare_extraction(
            text,
            url=given_url or None,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            date_extraction_params=_DATE_PARAMS,
        )
    except (ValueError, lxml.etree.LxmlError) as exc:
        raise ImportRejected(f"the HTML page could not be read ({exc})") from None
    body = normalise_text(getattr(document, "text", None) or "") if document else ""
    if len(body.split()) < MIN_WORDS:  # a menu or a title alone is not an article
        raise ImportRejected("no article text was found in the HTML page")
    try:
        canonical = http_url(document.url, what="the page's canonical URL")
    except ValueError:
        canonical = ""
    # The canonical URL identifies the article across tracking parameters, but only when it is
    # on the site the page came from: a canonical pointing elsewhere is syndication.
    if canonical and (not given_url or domain_of(canonical) == domain_of(given_url)):
        page_url = canonical
    else:
        page_url = given_url
    sitename = clean_field(document.sitename, 200)
    if sitename and sitename.lower().removeprefix("www.") == (document.hostname or "").lower().removeprefix("www."):
        sitename = ""  # trafilatura falls back to the host name; services derive the outlet from the domain anyway
    try:
        published = to_datetime(meta.get("published_at"))
    except ValueError as exc:
        raise ImportRejected(str(exc)) from None
    if published is None:
        try:
            published = to_datetime(document.date)
        except ValueError:
            published = None  # a page's odd date metadata is not a reason to refuse its article
    lang = _LANG.search(text[:4096])
    return ParsedArticle(
        text=body,
        title=clean_field(meta.get("title")) or clean_field(document.title),
        byline=clean_field(meta.get("byline"), 500) or clean_field(document.author, 500),
        url=page_url,
        published_at=published,
        language=lang.group(1).lower() if lang else "en",
        outlet=clean_field(meta.get("outlet"), 200) or sitename,
        outlet_domain=domain_of(page_url),
        external_id=clean_field(meta.get("external_id"), 300),
        source_format=SourceFormat.HTML,
    )


def fragment_to_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed entry's body): one paragraph per line, normalised."""
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment:
        return normalise_text(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.LxmlError, ValueError):
        return ""
    for element in root.xpath(_DROPPED):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    lines = [line.strip() for line in root.text_content().split("\n")]
    return normalise_text("\n".join(line for line in lines if line))
