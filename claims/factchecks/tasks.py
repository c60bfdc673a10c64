"""Fact-check tasks: linking (take ids, call one linking function, safe to run twice: a seen pair is never
suggested again) and polling the fact-checkers' feeds (``claims.factchecks.feeds``, on the ``fetch`` queue).

Registered by ``claims.tasks``, which imports them, so the worker's task autodiscovery finds them.
"""
from __future__ import annotations

from celery import shared_task
from django import db

from claims.factchecks import feeds, linking
from claims.factchecks.library import CREATED, UPDATED
from claims.factchecks.models import FactCheckFeed

LINK_BATCH_SIZE = 50  # each record is embedded once here: 50 stay well inside the task time limit
DATABASE_GLITCHES = (db.OperationalError, db.InterfaceError)


@shared_task(name="claims.link_factchecks", acks_late=True, autoretry_for=DATABASE_GLITCHES, max_retries=8,
             retry_backoff=2, retry_backoff_max=60)
def link_factchecks(factcheck_ids):
    """Compare new or changed fact-checks with the desk's claims; suggest strong links."""
    return {"factchecks": len(factcheck_ids), "links": linking.link_factchecks(factcheck_ids=factcheck_ids)}


@shared_task(name="claims.link_claims_to_factchecks", acks_late=True, autoretry_for=DATABASE_GLITCHES, max_retries=8,
             retry_backoff=2, retry_backoff_max=60)
def link_candidates_claims(candidate_ids):
    """After matching made or found claims for these candidates: look those claims up in the library."""
    from claims.models import Candidate

    claim_ids = sorted(set(Candidate.objects.filter(pk__in=candidate_ids, claim__isnull=False)
                           .values_list("claim_id", flat=True)))
    return {"claims": len(claim_ids), "links": linking.link_claims(claim_ids=claim_ids)}


def queue_linking(factcheck_ids) -> bool:
    """Queue new or changed fact-checks for linking, ``LINK_BATCH_SIZE`` a task; False when the broker is unreachable.

    A record left unqueued is still found by the claims that come after it (a claim's lookup
    embeds waiting records itself); it is compared with the claims already there on its next change.
    """
    from factdesk.queueing import enqueue

    ids = list(factcheck_ids)
    return all(enqueue(link_factchecks, ids[start:start + LINK_BATCH_SIZE]) for start in range(0, len(ids), LINK_BATCH_SIZE))


@shared_task(name="claims.poll_factcheck_feed", acks_late=True)
def poll_factcheck_feed(feed_id: int):
    """Poll one fact-checker's feed, store what is new or changed and queue it for linking; return the outcomes."""
    feed = FactCheckFeed.objects.filter(pk=feed_id, active=True).first()
    if feed is None:
        return {"records": 0}
    outcomes = feeds.poll_factcheck_feed(feed)
    changed = [o.factcheck_id for o in outcomes if o.status in (CREATED, UPDATED) and o.factcheck_id]
    if changed:
        queue_linking(changed)
    return {"records": len(outcomes), "stored": len(changed)}


@shared_task(name="claims.poll_due_factcheck_feeds")
def poll_due_factcheck_feeds():
    """Run by Celery beat: queue a poll of every active fact-check feed that is due; return how many were queued."""
    from django.conf import settings
    from django.utils import timezone

    from factdesk.queueing import enqueue

    due = FactCheckFeed.objects.due(now=timezone.now(), every_seconds=settings.FACTDESK_FEED_POLL_SECONDS)
    return sum(enqueue(poll_factcheck_feed, feed_id) for feed_id in due.values_list("pk", flat=True))
