"""Celery tasks for getting articles in: fetching URLs and polling feeds (the ``fetch`` queue)."""
import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from articles import services
from articles.models import Feed
from factdesk.queueing import enqueue

logger = logging.getLogger(__name__)


@shared_task(name="articles.fetch_url", acks_late=True)
def fetch_url(url: str, outlet: str = "", user_id: int | None = None):
    """Fetch one URL (with the SSRF checks) and import it; return the outcomes as dicts."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    outcomes = services.fetch_and_import(url, outlet=outlet, user=user)
    for outcome in outcomes:
        if outcome.failed:
            logger.warning("import of %s failed: %s", outcome.source, outcome.reason)
    return [o.__dict__ for o in outcomes]


@shared_task(name="articles.poll_feed", acks_late=True)
def poll_feed(feed_id: int):
    """Poll one registered feed and import its new entries; return how many inputs were handled."""
    feed = Feed.objects.filter(pk=feed_id, active=True).select_related("outlet").first()
    if feed is None:
        return 0
    return len(services.poll_feed(feed))


@shared_task(name="articles.poll_due_feeds")
def poll_due_feeds():
    """Run by Celery beat: queue a poll of every active feed; return how many were queued."""
    ids = list(Feed.objects.active().values_list("pk", flat=True))
    return sum(enqueue(poll_feed, feed_id) for feed_id in ids)
