"""Thin Celery tasks: take ids, re-fetch, call one service, quietly skip rows that are gone.

All are safe to run twice (acks_late redelivers after a crash) and are queued only after the
transaction that made their work commits.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django import db
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from articles.models import Article
from claims import services
from claims.models import ArticleExtraction, Candidate, Citation, ExtractionStatus

logger = logging.getLogger(__name__)

# A database restart or a dropped connection: the task is retried, with backoff, until it finishes.
DATABASE_GLITCHES = (db.OperationalError, db.InterfaceError)


@worker_ready.connect
def preload_models(sender=None, **kwargs):
    """Load the spaCy pipeline and the embedding model when a worker starts, not in its first task.

    Fired only by ``celery worker`` (not by the test worker), in the process that runs tasks with
    ``--pool solo`` or ``--pool threads``; so "ready" in the worker log means ready to extract,
    and the first batch is not slowed by model loading. Prefork children load lazily on their
    first task instead (the parent never runs tasks, so loading there would waste its memory).
    """
    pool_cls = getattr(getattr(sender, "controller", None), "pool_cls", None)
    if "prefork" in getattr(pool_cls, "__module__", ""):
        return
    try:
        from claims.extraction.model import get_nlp
        from claims.matching import embed

        get_nlp()
        embed(["warm up"])
    except Exception:  # a missing model must not stop the worker: tasks report it on their own
        logger.exception("could not preload the NLP models")


def queue_extraction_for_articles(article_ids, *, force: bool = False) -> None:
    """Hook called after an import commits: record the backlog and queue extraction in batches.

    If the broker is down the articles stay marked queued; ``reconcile_extraction`` re-queues
    them when it is back, so an import never fails because the worker side is unavailable.
    """
    ids = [int(i) for i in article_ids]
    if not ids:
        return
    services.mark_extraction_queued(ids)
    size = settings.FACTDESK_EXTRACTION_BATCH_SIZE
    for offset in range(0, len(ids), size):
        batch = ids[offset:offset + size]
        try:
            extract_articles.delay(batch, force=force)
        except BrokerError as exc:  # kombu wraps connection failures in OperationalError
            logger.warning("broker unavailable, %d articles left for reconcile: %s", len(batch), exc)
            return
        except Exception as exc:  # redis/amqp client errors that escape kombu's wrapper
            logger.warning("could not queue extraction (%s); reconcile will retry", exc)
            return


@shared_task(name="claims.extract_articles", acks_late=True, autoretry_for=DATABASE_GLITCHES, max_retries=8,
             retry_backoff=2, retry_backoff_max=120)
def extract_articles(article_ids, force: bool = False):
    """Extract candidates from a batch of articles (one spaCy pass), store them, then queue matching."""
    new_ids = extract_and_store(article_ids, force=force)
    if new_ids:
        transaction.on_commit(lambda: propose_matches.delay(new_ids))
    return len(new_ids)


def extract_and_store(article_ids, *, force: bool = False) -> list[int]:
    """The body of ``extract_articles``: returns the ids of the candidates it created."""
    from claims.extraction import EXTRACTOR_VERSION, extract_many

    articles = list(Article.objects.filter(pk__in=article_ids).only("id", "text", "content_hash"))
    if not force and articles:
        # One query for the whole batch (not one per article): which are already extracted from
        # this very text by this extractor version.
        current = set(
            ArticleExtraction.objects.filter(
                article_id__in=[a.pk for a in articles], status=ExtractionStatus.DONE,
                extractor_version=EXTRACTOR_VERSION, content_hash=F("article__content_hash"),
            ).values_list("article_id", flat=True)
        )
        articles = [a for a in articles if a.pk not in current]
    if not articles:
        return []
    ArticleExtraction.objects.filter(article_id__in=[a.pk for a in articles]).update(
        status=ExtractionStatus.RUNNING, attempts=F("attempts") + 1
    )
    threshold = settings.FACTDESK_CHECKWORTHY_THRESHOLD
    try:
        results = extract_many([a.text for a in articles], checkworthy_threshold=threshold)
    except Exception as exc:
        # One article can poison a batch: fall back to one at a time so the rest still succeed.
        logger.warning("batch extraction failed (%s); retrying article by article", exc)
        results = []
        for article in articles:
            try:
                results.append(extract_many([article.text], checkworthy_threshold=threshold)[0])
            except Exception as article_exc:  # the error is recorded on the article for editors
                logger.exception("extraction failed for article %s", article.pk)
                services.mark_extraction_failed(article_id=article.pk, error=f"{type(article_exc).__name__}: {article_exc}")
                results.append(None)
    # Articles whose citations point into an older text: found in one query for the batch.
    moved = set(
        Citation.objects.filter(article_id__in=[a.pk for a in articles])
        .exclude(content_hash=F("article__content_hash"))
        .order_by()
        .values_list("article_id", flat=True)
        .distinct()
    )
    new_ids = []
    for article, extracted in zip(articles, results):
        if extracted is None:
            continue
        if article.pk in moved:
            services.reanchor_citations(article_id=article.pk)
        new_ids.extend(
            services.store_extraction(
                article_id=article.pk, content_hash=article.content_hash, extracted=extracted, extractor_version=EXTRACTOR_VERSION
            )
        )
    return new_ids


@shared_task(name="claims.propose_matches", acks_late=True, autoretry_for=DATABASE_GLITCHES, max_retries=8,
             retry_backoff=2, retry_backoff_max=120)
def propose_matches(candidate_ids):
    """Turn new candidates into claims and propose cross-outlet matches.

    The result (logged by the worker) says how many candidates were asked for and how many
    matches came out: ``bench/pipeline_bench.py`` reads it to show matching cost per candidate.
    """
    return {"candidates": len(candidate_ids), "matches": services.propose_matches(candidate_ids=candidate_ids)}


@shared_task(name="claims.reanchor_article", acks_late=True)
def reanchor_article(article_id):
    if Article.objects.filter(pk=article_id).exists():
        return services.reanchor_citations(article_id=article_id)
    return None


@shared_task(name="claims.reconcile_extraction", acks_late=True)
def reconcile_extraction(stale_minutes: int = 15):
    """Queue articles whose extraction is missing, stale (older text or extractor) or stuck."""
    from claims.extraction import EXTRACTOR_VERSION

    cutoff = timezone.now() - timedelta(minutes=stale_minutes)
    missing = Article.objects.filter(extraction__isnull=True).values_list("pk", flat=True)
    stale = (
        ArticleExtraction.objects.filter(
            Q(status=ExtractionStatus.DONE) & (~Q(extractor_version=EXTRACTOR_VERSION) | ~Q(content_hash=F("article__content_hash")))
            | Q(status__in=[ExtractionStatus.QUEUED, ExtractionStatus.RUNNING], updated_at__lt=cutoff)
        ).values_list("article_id", flat=True)
    )
    ids = sorted(set(missing) | set(stale))
    queue_extraction_for_articles(ids)
    unmatched = list(
        Candidate.objects.unmatched().filter(claim__isnull=True, created_at__lt=cutoff).values_list("pk", flat=True)[:5000]
    )
    if unmatched:
        propose_matches.delay(unmatched)
    return len(ids)
