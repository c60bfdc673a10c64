"""Thin Celery tasks: take ids, call one service, quietly skip rows that are gone.

All are safe to run twice (acks_late redelivers after a crash) and are queued with
``factdesk.queueing``, after the transaction that made their work commits. Their bodies are in
``claims.services.processing`` (extraction, reconcile), ``claims.services.matching`` and
``claims.webhooks`` (delivering). Time limits are the worker's (``factdesk.celery``).
"""
from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django import db

from claims import services, webhooks
from claims.factchecks.tasks import link_candidates_claims, link_factchecks  # noqa: F401  (registered with the worker)
from claims.ops import queue_depths
from claims.services import processing
from claims.services.processing import extract_and_store  # noqa: F401  (commands, tests and benches run the body here)
from factdesk.queueing import enqueue, enqueue_on_commit

logger = logging.getLogger(__name__)

# A database restart or a dropped connection: the task is retried, with backoff, until it finishes.
# The longest wait (60 s) stays under the broker's visibility timeout, so a waiting retry is not
# handed to a second worker.
DATABASE_GLITCHES = (db.OperationalError, db.InterfaceError)
RETRY_ON_DATABASE_GLITCHES = {"autoretry_for": DATABASE_GLITCHES, "max_retries": 8, "retry_backoff": 2, "retry_backoff_max": 60}
# Candidates per matching task: a few seconds of work, far inside the time limit even when
# every candidate writes many matches.
MATCH_BATCH_SIZE = 250


@worker_ready.connect
def prepare_worker(sender=None, **kwargs):
    """When a worker starts: queue a reconcile (work left by a worker that died is picked up now,
    not at beat's next run), and load the NLP models in the process that runs tasks.

    Fired only by ``celery worker`` (not by the test worker). Models load here with ``--pool
    solo`` or ``--pool threads``, so "ready" in the worker log means ready to extract; prefork
    children load them on their first task (the parent never runs tasks).
    """
    enqueue(reconcile_extraction)
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


def queue_extraction_for_articles(article_ids, *, force: bool = False, alone: bool = False) -> bool:
    """Record the backlog and queue extraction in batches (each article alone with ``alone``).

    Registered with ``articles`` in ``ClaimsConfig.ready()``: called after an import commits.
    If the broker is down the articles stay marked queued and False is returned;
    ``reconcile_extraction`` queues them when it is back, so an import never fails because the
    worker side is unavailable.
    """
    ids = [int(i) for i in article_ids]
    if not ids:
        return True
    services.mark_extraction_queued(ids)
    batches = [[article_id] for article_id in ids] if alone else processing.extraction_batches(ids)
    for batch in batches:
        if not enqueue(extract_articles, batch, force=force):
            return False
    return True


@shared_task(bind=True, name="claims.extract_articles", acks_late=True, **RETRY_ON_DATABASE_GLITCHES)
def extract_articles(self, article_ids, force: bool = False):
    """Extract candidates from a batch of articles, store them, then queue matching.

    Stopped by the soft time limit, a batch's unfinished articles are queued one by one, and an
    article that ran alone fails with the reason (``processing.extraction_overran``).
    """
    try:
        run = processing.run_extraction(article_ids=article_ids, force=force, retrying=bool(self.request.retries))
    except SoftTimeLimitExceeded:
        run = processing.ExtractionRun(run_alone=processing.extraction_overran(article_ids=article_ids))
    if run.run_alone:
        queue_extraction_for_articles(run.run_alone, force=force, alone=True)
    for offset in range(0, len(run.candidate_ids), MATCH_BATCH_SIZE):
        enqueue_on_commit(propose_matches, run.candidate_ids[offset:offset + MATCH_BATCH_SIZE])
    return len(run.candidate_ids)


@shared_task(name="claims.propose_matches", acks_late=True, **RETRY_ON_DATABASE_GLITCHES)
def propose_matches(candidate_ids):
    """Turn new candidates into claims and propose cross-outlet matches.

    The result (logged by the worker) says how many candidates were asked for and how many
    matches came out: ``bench/pipeline_bench.py`` reads it to show matching cost per candidate.
    """
    matches = services.propose_matches(candidate_ids=candidate_ids)
    enqueue_on_commit(link_candidates_claims, candidate_ids)  # every new claim is looked up in the fact-check library
    return {"candidates": len(candidate_ids), "matches": matches}


@shared_task(name="claims.reconcile_extraction", acks_late=True)
def reconcile_extraction(stale_minutes: float | None = None):
    """Queue extraction and matching whose message is missing; return how many articles were queued.

    Run by beat every minute and when a worker starts. ``stale_minutes`` defaults to the worker's
    hard time limit and a margin: a run older than that was killed (see ``work_to_reconcile``).
    """
    from datetime import timedelta

    depths = queue_depths()
    if depths["extract"] is None:
        logger.warning("reconcile skipped: the broker is unreachable")
        return 0
    work = processing.work_to_reconcile(
        stale_after=None if stale_minutes is None else timedelta(minutes=stale_minutes),
        extract_queue_empty=depths["extract"] == 0,
        match_queue_empty=depths["match"] == 0,
        match_batch_size=MATCH_BATCH_SIZE,
    )
    queue_extraction_for_articles(work.in_batches)
    queue_extraction_for_articles(work.run_alone, alone=True)
    for candidate_ids in work.unmatched_candidates:
        enqueue(propose_matches, candidate_ids)
    return work.article_count


@shared_task(name="claims.deliver_webhook", acks_late=True)
def deliver_webhook(delivery_id: int):
    """POST one webhook delivery; a failure is retried after the backoff (``webhooks.deliver``)."""
    return webhooks.deliver(delivery_id)


@shared_task(name="claims.deliver_due_webhooks", acks_late=True)
def deliver_due_webhooks():
    """Run by Celery beat every minute: send webhook deliveries that are due."""
    return webhooks.queue_due_deliveries()
