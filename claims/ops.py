"""Operations figures for the desk's operations page: queue depths, throughput, failures, backlog."""
from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from articles.models import Article
from claims.models import ArticleExtraction, Candidate, ExtractionStatus

logger = logging.getLogger(__name__)

QUEUES = ("extract", "match", "fetch", "default")


def queue_depths() -> dict[str, int | None]:
    """Messages waiting on each queue; None when the broker cannot be reached."""
    from factdesk.celery import app

    depths: dict[str, int | None] = {}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            channel = conn.default_channel
            for name in QUEUES:
                depths[name] = channel.queue_declare(queue=name, durable=True, auto_delete=False).message_count
    except Exception as exc:  # the page must render when the broker is down; say so instead
        logger.warning("broker unreachable for queue depths: %s", exc)
        return {name: None for name in QUEUES}
    return depths


def snapshot(now=None) -> dict:
    now = now or timezone.now()
    hour_ago = now - timedelta(hours=1)
    day_ago = now - timedelta(days=1)
    status_counts = dict(ArticleExtraction.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "queues": queue_depths(),
        "extraction": {status: status_counts.get(status, 0) for status in ExtractionStatus.values},
        "never_queued": Article.objects.filter(extraction__isnull=True).count(),
        "articles_last_hour": Article.objects.filter(imported_at__gte=hour_ago).count(),
        "extracted_last_hour": ArticleExtraction.objects.filter(status=ExtractionStatus.DONE, finished_at__gte=hour_ago).count(),
        "extracted_last_day": ArticleExtraction.objects.filter(status=ExtractionStatus.DONE, finished_at__gte=day_ago).count(),
        "candidates_last_hour": Candidate.objects.filter(created_at__gte=hour_ago).count(),
        "unmatched_candidates": Candidate.objects.unmatched().count(),
        "recent_failures": list(
            ArticleExtraction.objects.failed().select_related("article__outlet").order_by("-updated_at")[:10]
        ),
    }
