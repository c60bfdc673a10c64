"""Operations figures for the desk's operations page: queue depths, throughput, failures, backlog."""
from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from articles.models import Article
from claims.models import ArticleExtraction, Candidate, ExtractionStatus

logger = logging.getLogger(__name__)

QUEUES = ("extract", "match", "fetch", "default")
RATE_WINDOW = timedelta(minutes=10)  # recent enough to follow a worker that starts or stops


def backlog_estimate(*, waiting: int, extracted_recently: int, window: timedelta = RATE_WINDOW) -> dict:
    """Rate (articles a minute over ``window``) and the minutes until ``waiting`` articles are done.

    ``minutes_left`` is None when nothing was extracted in the window (no rate, so no estimate);
    0 when nothing waits.
    """
    per_minute = extracted_recently / (window.total_seconds() / 60)
    if not waiting:
        minutes_left = 0
    elif per_minute:
        minutes_left = max(1, round(waiting / per_minute))
    else:
        minutes_left = None
    return {"per_minute": round(per_minute, 1), "waiting": waiting, "minutes_left": minutes_left,
            "window_minutes": int(window.total_seconds() // 60)}


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
    """The operations page's figures, in as few queries as the tables allow (one per table)."""
    now = now or timezone.now()
    hour_ago = now - timedelta(hours=1)
    day_ago = now - timedelta(days=1)
    done = Q(status=ExtractionStatus.DONE)
    extraction = ArticleExtraction.objects.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in ExtractionStatus.values},
        extracted_last_hour=Count("pk", filter=done & Q(finished_at__gte=hour_ago)),
        extracted_last_day=Count("pk", filter=done & Q(finished_at__gte=day_ago)),
        extracted_recently=Count("pk", filter=done & Q(finished_at__gte=now - RATE_WINDOW)),
    )
    articles = Article.objects.aggregate(
        never_queued=Count("pk", filter=Q(extraction__isnull=True)),
        articles_last_hour=Count("pk", filter=Q(imported_at__gte=hour_ago)),
    )
    candidates = Candidate.objects.aggregate(
        candidates_last_hour=Count("pk", filter=Q(created_at__gte=hour_ago)),
        unmatched_candidates=Count("pk", filter=Q(matched_at__isnull=True)),
    )
    return {
        "queues": queue_depths(),
        "extraction": {status: extraction[status] for status in ExtractionStatus.values},
        "never_queued": articles["never_queued"],
        "articles_last_hour": articles["articles_last_hour"],
        "extracted_last_hour": extraction["extracted_last_hour"],
        "extracted_last_day": extraction["extracted_last_day"],
        "candidates_last_hour": candidates["candidates_last_hour"],
        "unmatched_candidates": candidates["unmatched_candidates"],
        "backlog": backlog_estimate(
            waiting=extraction[ExtractionStatus.QUEUED] + extraction[ExtractionStatus.RUNNING] + articles["never_queued"],
            extracted_recently=extraction["extracted_recently"],
        ),
        "recent_failures": list(
            ArticleExtraction.objects.failed().select_related("article__outlet").order_by("-updated_at")[:10]
        ),
    }
