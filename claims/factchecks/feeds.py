"""Polling fact-checkers' feeds (``FactCheckFeed``), as Celery beat polls the article feeds.

A feed's URL is fetched with the article fetcher (``articles.fetching``: private and loopback
addresses refused unless ``FACTDESK_FETCH_ALLOW_PRIVATE``, size cap, deadline), conditionally
(ETag / Last-Modified: a 304 costs nothing). What it serves decides what happens:

- ClaimReview JSON / JSON-LD (an object, a list, a ``DataFeed``), JSON Lines, or a page with
  ClaimReview markup: its records are stored by ``library.import_factcheck_bytes``;
- an RSS / Atom feed: each entry's page not read before (``FactCheckFeed.seen_entries``: link
  and date, so an entry the publisher re-dates is read again) is fetched the same safe way and
  its ClaimReviews stored, oldest first, within ``PAGE_BUDGET_SHARE`` of the task's soft time
  limit; the rest wait for the next poll. A page that could not be fetched is tried again next
  time; a page without ClaimReview is not (its entry is seen).

Storing is the library's: one transaction per record, idempotent (a known record unchanged
changes nothing), versioned when the publisher changed it. The poll records when it ran, the
failures of the last poll (``last_error``, empty when all went well) and how many records it
created or updated. Nothing a feed or a page serves escapes as an exception: a poll always ends
with its outcome recorded, so a bad feed never takes the worker down.
"""
from __future__ import annotations

import logging
import time

from django.conf import settings
from django.utils import timezone

from articles.fetching import FetchRefused, fetch_url, redact_url
from articles.importers.base import ImportRejected
from claims.factchecks import library
from claims.factchecks.library import CREATED, FAILED, UPDATED, FactCheckOutcome
from claims.factchecks.models import FactCheckFeed
from claims.factchecks.parsing import feed_entries

logger = logging.getLogger(__name__)

SEEN_KEPT = 2000              # entries remembered per feed: far more than a feed lists at once
PAGE_BUDGET_SHARE = 0.5       # of the task's soft time limit, spent fetching an RSS feed's pages
MAX_ERROR_CHARS = 2000


def _fetch(url: str, *, etag: str = "", last_modified: str = ""):
    return fetch_url(
        url,
        allow_private=settings.FACTDESK_FETCH_ALLOW_PRIVATE,
        timeout=settings.FACTDESK_FETCH_TIMEOUT,
        max_bytes=settings.FACTDESK_FETCH_MAX_BYTES,
        etag=etag,
        last_modified=last_modified,
    )


def poll_factcheck_feed(feed: FactCheckFeed) -> list[FactCheckOutcome]:
    """Fetch a registered feed and store the fact-checks it holds or links to; one outcome per record or failure.

    Never raises for what the feed serves (or for a fault while storing it): the failure is
    the poll's outcome, recorded on the feed.
    """
    now = timezone.now()
    seen = list(feed.seen_entries or [])
    try:
        outcomes, validators = _poll(feed, seen)
    except Exception as exc:  # a bad feed must not take the worker down: the error is the feed's, shown in the admin
        logger.exception("polling fact-check feed %s failed", redact_url(feed.url))
        reason = f"the poll failed ({exc.__class__.__name__}: {str(exc)[:200]}); see the worker log"
        _record(feed, now=now, error=reason)
        return [FactCheckOutcome(redact_url(feed.url), FAILED, reason=reason)]
    failures = "; ".join(f"{o.where}: {o.reason}" for o in outcomes if o.status == FAILED)
    stored = sum(o.status in (CREATED, UPDATED) for o in outcomes)
    _record(feed, now=now, error=failures, stored=stored, seen=seen[-SEEN_KEPT:], validators=validators)
    return outcomes


def _poll(feed: FactCheckFeed, seen: list[str]):
    """(outcomes, the ETag and Last-Modified to send next time, or None to keep them); ``seen`` grows.

    The validators are kept only when the whole answer was read: after a page that could not be
    fetched, or entries left for later, the next poll asks again in full (a 304 would hide them).
    """
    try:
        resource = _fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    except FetchRefused as exc:
        return [FactCheckOutcome(redact_url(feed.url), FAILED, reason=str(exc))], None
    if resource.not_modified:
        return [], (resource.etag, resource.last_modified)
    try:
        entries = feed_entries(resource.body, content_type=resource.content_type)
    except ImportRejected as exc:
        return [FactCheckOutcome(redact_url(feed.url), FAILED, reason=str(exc))], ("", "")
    if entries is None:
        outcomes = library.import_factcheck_bytes(resource.body, name=resource.final_url, content_type=resource.content_type,
                                                  url=resource.final_url, max_bytes=settings.FACTDESK_FETCH_MAX_BYTES)
        return [_named(o, resource.final_url) for o in outcomes], (resource.etag, resource.last_modified)
    known = set(seen)
    outcomes, complete = _read_pages([entry for entry in entries if entry.key not in known], seen)
    return outcomes, ((resource.etag, resource.last_modified) if complete else ("", ""))


def _read_pages(entries, seen: list[str]) -> tuple[list[FactCheckOutcome], bool]:
    """Fetch and store each entry's page, oldest first; (outcomes, whether every entry was read)."""
    deadline = time.monotonic() + PAGE_BUDGET_SHARE * settings.CELERY_TASK_SOFT_TIME_LIMIT
    outcomes, complete = [], True
    for entry in entries:
        if time.monotonic() > deadline:
            return outcomes, False  # the rest are read by the next poll
        try:
            page = _fetch(entry.url)
        except FetchRefused as exc:
            outcomes.append(FactCheckOutcome(redact_url(entry.url), FAILED, reason=str(exc)))
            complete = False  # not seen: tried again next time
            continue
        found = library.import_factcheck_bytes(page.body, name=page.final_url, content_type=page.content_type,
                                               url=page.final_url, max_bytes=settings.FACTDESK_FETCH_MAX_BYTES)
        outcomes.extend(_named(o, page.final_url) for o in found)
        seen.append(entry.key)
    return outcomes, complete


def _named(outcome: FactCheckOutcome, source: str) -> FactCheckOutcome:
    """A record's outcome named by its page or feed too ("…/check-1, review 2"), as the command names them."""
    source = redact_url(source)
    if outcome.where == source:
        return outcome
    return FactCheckOutcome(f"{source}, {outcome.where}" if outcome.where else source, outcome.status, outcome.reason,
                            outcome.factcheck_id)


def _record(feed: FactCheckFeed, *, now, error: str, stored: int = 0, seen: list[str] | None = None,
            validators: tuple[str, str] | None = None) -> None:
    """The poll's bookkeeping on the feed row (not an editorial decision: no audit)."""
    values = {"last_polled_at": now, "last_error": error[:MAX_ERROR_CHARS]}
    if stored:
        values["records_imported"] = feed.records_imported + stored
    if seen is not None:
        values["seen_entries"] = seen
    if validators is not None:
        values["etag"], values["last_modified"] = validators[0][:500], validators[1][:100]
    try:
        FactCheckFeed.objects.filter(pk=feed.pk).update(**values)
    except Exception:  # the database itself is failing: logged; the next poll records again
        logger.exception("could not record the poll of fact-check feed %s", redact_url(feed.url))
