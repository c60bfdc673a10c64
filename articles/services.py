"""The only writers of articles: import parsed articles, fetch URLs, poll feeds.

Every article is written in its own transaction, so one bad input never leaves a half-imported
article and never stops the others. Re-importing identical content changes nothing; changed
text for a known article (same outlet and URL or external id) becomes a new version, with the
old text kept in ``ArticleVersion``. Once the writes commit, the listeners registered in
``articles.hooks`` get the ids of articles whose text is new, which is how extraction gets
queued (``ClaimsConfig.ready()`` registers it) without this app depending on ``claims``.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles import hooks
from articles.fetching import FetchRefused, fetch_url, redact_url
from articles.importers import (
    ImportRejected,
    ParsedArticle,
    ParseFailure,
    parse_any,
    read_manifest,
)
from articles.models import Article, ArticleVersion, Feed, Outlet, SourceFormat, content_hash

logger = logging.getLogger(__name__)

CREATED = "created"
NEW_VERSION = "new_version"
UNCHANGED = "unchanged"
FAILED = "failed"
UNKNOWN_OUTLET = "Unknown outlet"


@dataclass(frozen=True)
class ImportOutcome:
    source: str
    status: str
    article_id: int | None = None
    reason: str = ""
    title: str = ""
    warning: str = ""

    @property
    def failed(self) -> bool:
        return self.status == FAILED


def outlet_for(name: str = "", domain: str = "") -> Outlet:
    """The outlet called ``name`` (created on first use), else the one for ``domain``."""
    name = (name or "").strip()[:200]
    domain = (domain or "").strip().lower().removeprefix("www.")[:253]
    if not name and domain:
        existing = Outlet.objects.filter(domain=domain).first()
        if existing:
            return existing
        name = domain
    name = name or UNKNOWN_OUTLET
    # "politico" and "Politico", "usa-today" and "USA Today" are one outlet: match on the slug,
    # which is unique too, so two spellings never collide on it.
    slug = slugify(name)[:200] or "outlet"
    outlet = Outlet.objects.filter(name=name).first() or Outlet.objects.filter(slug=slug).first()
    if outlet is None:
        outlet, _ = Outlet.objects.get_or_create(name=name, defaults={"domain": domain, "slug": slug})
    if domain and not outlet.domain:
        Outlet.objects.filter(pk=outlet.pk).update(domain=domain)
    return outlet


def _find_existing(outlet: Outlet, parsed: ParsedArticle, digest: str) -> Article | None:
    qs = Article.objects.select_for_update().filter(outlet=outlet)
    if parsed.url:
        found = qs.filter(url=parsed.url).first()
        if found:
            return found
    if parsed.external_id:
        found = qs.filter(external_id=parsed.external_id[:300]).first()
        if found:
            return found
    if not parsed.url and not parsed.external_id:
        return qs.filter(content_hash=digest).first()
    return None


def import_parsed_article(
    parsed: ParsedArticle, *, source: str, outlet: str = "", user=None, outlets: dict | None = None
) -> ImportOutcome:
    """Create, version or leave alone one article. Runs in its own transaction.

    ``outlets`` is an optional cache of outlets already resolved in this batch, so a file of many
    articles from a few outlets does not look each outlet up again for every article.
    """
    digest = content_hash(parsed.text)
    domain = parsed.outlet_domain or (urlsplit(parsed.url).hostname or "" if parsed.url else "")
    outlet_key = (outlet or parsed.outlet, domain)
    try:
        with transaction.atomic():
            target_outlet = (outlets or {}).get(outlet_key) or outlet_for(outlet or parsed.outlet, domain)
            outcome = _create_or_version(target_outlet, parsed, digest, source=source, user=user)
    except IntegrityError as exc:
        # A concurrent import of the same article won the race; nothing of ours was written.
        logger.warning("import of %s lost a race: %s", source, exc)
        return ImportOutcome(source, FAILED, reason="the same article was being imported at the same time; try again")
    if outlets is not None:
        # Reused only once written: a rolled-back article never leaves an outlet that does not exist.
        outlets[outlet_key] = target_outlet
    return outcome


def _create_or_version(target_outlet: Outlet, parsed: ParsedArticle, digest: str, *, source: str, user) -> ImportOutcome:
    article = _find_existing(target_outlet, parsed, digest)
    if article is None:
        article = Article.objects.create(
            outlet=target_outlet,
            url=parsed.url[:2000],
            external_id=parsed.external_id[:300],
            title=parsed.title[:1000],
            byline=parsed.byline[:500],
            published_at=parsed.published_at,
            language=parsed.language or "en",
            text=parsed.text,
            content_hash=digest,
            source_format=parsed.source_format,
            imported_by=user if getattr(user, "pk", None) else None,
            import_warning=parsed.warning,
        )
        ArticleVersion.objects.create(article=article, number=1, text=article.text, content_hash=digest, title=article.title)
        return ImportOutcome(source, CREATED, article.pk, title=article.display_title, warning=parsed.warning)
    if article.content_hash == digest:
        return ImportOutcome(source, UNCHANGED, article.pk, title=article.display_title, warning=parsed.warning)
    article.version += 1
    article.text = parsed.text
    article.content_hash = digest
    article.title = (parsed.title or article.title)[:1000]
    article.byline = (parsed.byline or article.byline)[:500]
    article.published_at = parsed.published_at or article.published_at
    article.import_warning = parsed.warning  # about the text just stored: a clean re-import clears it
    article.save()
    ArticleVersion.objects.create(
        article=article, number=article.version, text=article.text, content_hash=digest, title=article.title
    )
    return ImportOutcome(source, NEW_VERSION, article.pk, title=article.display_title, warning=parsed.warning)


def import_articles(
    items: Iterable[ParsedArticle | ParseFailure], *, source: str, outlet: str = "", user=None
) -> list[ImportOutcome]:
    """Import parsed articles one transaction each; report failures without stopping."""
    items = list(items)
    outcomes = []
    outlets: dict = {}
    for index, item in enumerate(items, start=1):
        label = source if len(items) == 1 else f"{source} #{index}"
        if isinstance(item, ParseFailure):
            outcomes.append(ImportOutcome(f"{source} ({item.where})", FAILED, reason=item.reason))
            continue
        outcomes.append(import_parsed_article(item, source=label, outlet=outlet, user=user, outlets=outlets))
    notify_articles_changed([o.article_id for o in outcomes if o.status in (CREATED, NEW_VERSION)])
    return outcomes


def import_bytes(
    data: bytes, *, name: str, fmt: str | None = None, outlet: str = "", user=None, content_type: str = "", **meta
) -> list[ImportOutcome]:
    """Parse one uploaded or read file and import what it holds."""
    try:
        items = parse_any(
            data, name=name, fmt=fmt, content_type=content_type, max_bytes=settings.FACTDESK_MAX_ARTICLE_BYTES, **meta
        )
    except ImportRejected as exc:
        return [ImportOutcome(name, FAILED, reason=str(exc))]
    if not items:
        return [ImportOutcome(name, FAILED, reason="no article found in it")]
    return import_articles(items, source=name, outlet=outlet, user=user)


def import_path(path: Path, *, fmt: str | None = None, outlet: str = "", user=None, **meta) -> list[ImportOutcome]:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > settings.FACTDESK_MAX_ARTICLE_BYTES * 50 and (fmt or path.suffix.lstrip(".")) != "jsonl":
            return [ImportOutcome(name, FAILED, reason=f"file is larger than the {settings.FACTDESK_MAX_ARTICLE_BYTES * 50} byte limit")]
        data = path.read_bytes()
    except OSError as exc:
        return [ImportOutcome(name, FAILED, reason=f"cannot read it: {exc.strerror or exc}")]
    if not meta.get("external_id") and (fmt or _suffix_format(path)) in ("text", "html"):
        # A file re-imported under the same name is the same article, possibly a new version.
        meta["external_id"] = path.stem
    return import_bytes(data, name=name, fmt=fmt, outlet=outlet, user=user, **meta)


def _suffix_format(path: Path) -> str:
    return {".txt": "text", ".html": "html", ".htm": "html"}.get(path.suffix.lower(), "")


def import_manifest(manifest: Path, *, user=None) -> list[ImportOutcome]:
    """Import the text files a JSON manifest lists, with the metadata it gives them."""
    try:
        entries = read_manifest(manifest)
    except ImportRejected as exc:
        return [ImportOutcome(str(manifest), FAILED, reason=str(exc))]
    outcomes = []
    for entry in entries:
        outcomes.extend(
            import_path(
                entry.path,
                outlet=entry.outlet,
                user=user,
                title=entry.title or "",
                url=entry.url or "",
                published_at=entry.published_at,
                external_id=entry.external_id,
            )
        )
    return outcomes


def fetch_and_import(url: str, *, outlet: str = "", user=None) -> list[ImportOutcome]:
    """Fetch a page or feed over HTTP(S) with the safety checks of ``articles.fetching``, then import it."""
    try:
        resource = fetch_url(
            url,
            allow_private=settings.FACTDESK_FETCH_ALLOW_PRIVATE,
            timeout=settings.FACTDESK_FETCH_TIMEOUT,
            max_bytes=settings.FACTDESK_FETCH_MAX_BYTES,
        )
    except FetchRefused as exc:
        # The source is shown and logged (the fetch task logs failures): never with a password in it.
        return [ImportOutcome(redact_url(url), FAILED, reason=str(exc))]
    return import_bytes(
        resource.body, name=resource.final_url, content_type=resource.content_type, url=resource.final_url, outlet=outlet, user=user
    )


def poll_feed(feed: Feed) -> list[ImportOutcome]:
    """Fetch a registered feed (conditional GET) and import only entries not seen before."""
    now = timezone.now()
    try:
        resource = fetch_url(
            feed.url,
            allow_private=settings.FACTDESK_FETCH_ALLOW_PRIVATE,
            timeout=settings.FACTDESK_FETCH_TIMEOUT,
            max_bytes=settings.FACTDESK_FETCH_MAX_BYTES,
            etag=feed.etag,
            last_modified=feed.last_modified,
        )
    except FetchRefused as exc:
        Feed.objects.filter(pk=feed.pk).update(last_polled_at=now, last_error=str(exc))
        return [ImportOutcome(redact_url(feed.url), FAILED, reason=str(exc))]
    if resource.not_modified:
        Feed.objects.filter(pk=feed.pk).update(last_polled_at=now, last_error="")
        return []
    try:
        items = parse_any(
            resource.body, name=feed.url, fmt=SourceFormat.FEED, url=feed.url, max_bytes=settings.FACTDESK_MAX_ARTICLE_BYTES
        )
    except ImportRejected as exc:
        Feed.objects.filter(pk=feed.pk).update(last_polled_at=now, last_error=str(exc))
        return [ImportOutcome(feed.url, FAILED, reason=str(exc))]
    known_ids = set(
        Article.objects.filter(outlet=feed.outlet, external_id__in=[i.external_id for i in items if isinstance(i, ParsedArticle)])
        .values_list("external_id", flat=True)
    )
    fresh = [i for i in items if isinstance(i, ParseFailure) or i.external_id not in known_ids]
    outcomes = import_articles(fresh, source=feed.url, outlet=feed.outlet.name) if fresh else []
    created = sum(1 for o in outcomes if o.status == CREATED)
    Feed.objects.filter(pk=feed.pk).update(
        last_polled_at=now,
        etag=resource.etag[:500],
        last_modified=resource.last_modified[:100],
        last_error="; ".join(o.reason for o in outcomes if o.failed)[:2000],
        entries_imported=feed.entries_imported + created,
    )
    return outcomes


def notify_articles_changed(article_ids: list[int]) -> None:
    """Tell the registered listeners (extraction) about these ids once the surrounding transaction commits."""
    hooks.articles_changed(article_ids)
