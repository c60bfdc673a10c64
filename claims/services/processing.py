"""Running extraction over articles: the bodies of the extraction and reconcile tasks.

One slow, huge or crashing article must neither hold up the others nor come back forever:

- an article longer than ``FACTDESK_EXTRACTION_MAX_CHARS`` is refused before it is parsed, with
  the reason on its extraction row (the article page, dashboard and Operations page show it);
- batches are packed by count and by characters (``extraction_batches``), so a batch takes a
  small part of the worker's time limit;
- a batch that raises is retried article by article, each failure recorded on its article;
- a batch stopped by the soft time limit is handed back to be queued article by article, so the
  slow article is stopped on its own and fails with the reason while the others finish;
- a run that never finished (the worker was killed: hard time limit, memory, a crash) leaves its
  rows ``running``. A batch delivered again with such rows is split the same way, and an article
  whose runs were cut short ``FACTDESK_EXTRACTION_MAX_ATTEMPTS`` times in a row is marked failed
  with the reason instead of being tried again.

``ArticleExtraction.attempts`` counts the runs started since the article was last queued.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Length
from django.utils import timezone

from articles.models import Article
from claims.models import ArticleExtraction, Candidate, Citation, ExtractionStatus
from claims.services.extraction import mark_extraction_failed, store_extraction
from claims.services.reanchoring import reanchor_citations

logger = logging.getLogger(__name__)


@dataclass
class ExtractionRun:
    """What one run did: the candidates it created (to match) and the articles to queue one by one."""

    candidate_ids: list[int] = field(default_factory=list)
    run_alone: list[int] = field(default_factory=list)


@dataclass
class Reconciliation:
    """Work whose message is missing: articles to queue in batches or alone, candidates to match."""

    in_batches: list[int] = field(default_factory=list)
    run_alone: list[int] = field(default_factory=list)
    unmatched_candidates: list[list[int]] = field(default_factory=list)

    @property
    def article_count(self) -> int:
        return len(self.in_batches) + len(self.run_alone)


def stuck_after() -> timedelta:
    """How long a run may take at most: past the worker's hard time limit it was killed, not slow."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 30)


def extraction_batches(article_ids: Sequence[int]) -> list[list[int]]:
    """Split ids into batches of at most ``FACTDESK_EXTRACTION_BATCH_SIZE`` articles and
    ``FACTDESK_EXTRACTION_BATCH_CHARS`` characters (an article longer than that is a batch alone)."""
    lengths = dict(Article.objects.filter(pk__in=article_ids).annotate(length=Length("text")).values_list("pk", "length"))
    max_articles, max_chars = settings.FACTDESK_EXTRACTION_BATCH_SIZE, settings.FACTDESK_EXTRACTION_BATCH_CHARS
    batches: list[list[int]] = []
    batch: list[int] = []
    batch_chars = 0
    for article_id in article_ids:
        length = lengths.get(article_id, 0)
        if batch and (len(batch) >= max_articles or batch_chars + length > max_chars):
            batches.append(batch)
            batch, batch_chars = [], 0
        batch.append(article_id)
        batch_chars += length
    if batch:
        batches.append(batch)
    return batches


def too_long_reason(length: int) -> str:
    limit = settings.FACTDESK_EXTRACTION_MAX_CHARS
    return (
        f"Not extracted: the text is {length:,} characters long and extraction handles articles of up to {limit:,} "
        "(FACTDESK_EXTRACTION_MAX_CHARS). Import it as shorter articles, e.g. one per part."
    )


def overran_reason() -> str:
    return (
        f"Not extracted: extraction of this article took longer than the worker's {settings.CELERY_TASK_SOFT_TIME_LIMIT} s "
        "limit (CELERY_TASK_SOFT_TIME_LIMIT) and was stopped. Import it as shorter articles, or raise the limit and re-extract."
    )


def interrupted_reason(attempts: int) -> str:
    return (
        f"Not extracted: {attempts} runs were cut short (the worker was stopped by its time or memory limit, or crashed), "
        "so it is not tried again. Re-extract it once the cause is fixed."
    )


def run_extraction(*, article_ids: Sequence[int], force: bool = False, retrying: bool = False) -> ExtractionRun:
    """Extract and store candidates for a batch of articles (one spaCy pass).

    Articles whose extraction is current are skipped unless ``force``. ``retrying`` is True when
    Celery runs the task again after a database error: the rows are ``running`` because of that
    error, not because a worker died, so they are neither split off nor counted as cut short.
    Raises ``SoftTimeLimitExceeded`` (see ``extraction_overran``).
    """
    from claims.extraction import EXTRACTOR_VERSION

    rows = {
        row.article_id: row
        for row in ArticleExtraction.objects.filter(article_id__in=article_ids).only(
            "article_id", "status", "attempts", "extractor_version", "content_hash"
        )
    }
    # The articles' lengths, not their texts: a text is loaded only once it is known to be run.
    heads = list(
        Article.objects.filter(pk__in=article_ids).annotate(length=Length("text")).only("id", "content_hash").order_by("pk")
    )
    if not force:
        heads = [a for a in heads if not _is_current(rows.get(a.pk), content_hash=a.content_hash, version=EXTRACTOR_VERSION)]
    cut_short = [a.pk for a in heads if a.pk in rows and rows[a.pk].status == ExtractionStatus.RUNNING]
    if cut_short and not retrying:
        if len(heads) > 1:
            # This batch was delivered before and its run never finished: run each article alone,
            # so whatever stopped the worker stops it with one article, not with the whole batch.
            logger.warning("extraction of articles %s was cut short before; running them one by one", [a.pk for a in heads])
            return ExtractionRun(run_alone=[a.pk for a in heads])
        attempts = rows[heads[0].pk].attempts
        if attempts >= settings.FACTDESK_EXTRACTION_MAX_ATTEMPTS:
            mark_extraction_failed(article_id=heads[0].pk, error=interrupted_reason(attempts))
            return ExtractionRun()
    for article in [a for a in heads if a.length > settings.FACTDESK_EXTRACTION_MAX_CHARS]:
        mark_extraction_failed(article_id=article.pk, error=too_long_reason(article.length))
    heads = [a for a in heads if a.length <= settings.FACTDESK_EXTRACTION_MAX_CHARS]
    if not heads:
        return ExtractionRun()
    _mark_running([a.pk for a in heads], continuing=set(cut_short))
    articles = list(Article.objects.filter(pk__in=[a.pk for a in heads]).only("id", "text", "content_hash").order_by("pk"))
    return ExtractionRun(candidate_ids=_extract_and_store_texts(articles, version=EXTRACTOR_VERSION))


def _is_current(row: ArticleExtraction | None, *, content_hash: str, version: str) -> bool:
    return (
        row is not None and row.status == ExtractionStatus.DONE and row.extractor_version == version
        and row.content_hash == content_hash
    )


def _mark_running(article_ids: list[int], *, continuing: set[int]) -> None:
    """Rows go ``running``; a run after one that was cut short counts on, a fresh one starts at 1."""
    now = timezone.now()
    fresh = [pk for pk in article_ids if pk not in continuing]
    ArticleExtraction.objects.filter(article_id__in=fresh).update(status=ExtractionStatus.RUNNING, attempts=1, updated_at=now)
    ArticleExtraction.objects.filter(article_id__in=continuing).update(
        status=ExtractionStatus.RUNNING, attempts=F("attempts") + 1, updated_at=now
    )


def _extract_and_store_texts(articles: list[Article], *, version: str) -> list[int]:
    from claims.extraction import extract_many

    threshold = settings.FACTDESK_CHECKWORTHY_CANDIDATE_MIN
    try:
        results = extract_many([a.text for a in articles], checkworthy_threshold=threshold)
    except SoftTimeLimitExceeded:
        raise  # the worker wants this task to stop now; the task hands the articles back
    except Exception as exc:
        # One article can make a batch fail: fall back to one at a time so the rest still succeed.
        logger.warning("batch extraction failed (%s); retrying article by article", exc)
        results = []
        for article in articles:
            try:
                results.append(extract_many([article.text], checkworthy_threshold=threshold)[0])
            except SoftTimeLimitExceeded:
                raise
            except Exception as article_exc:  # the error is recorded on the article for editors
                logger.exception("extraction failed for article %s", article.pk)
                mark_extraction_failed(article_id=article.pk, error=f"{type(article_exc).__name__}: {article_exc}")
                results.append(None)
    # Articles whose citations point into an older text: found in one query for the batch.
    moved = set(
        Citation.objects.filter(article_id__in=[a.pk for a in articles])
        .exclude(content_hash=F("article__content_hash"))
        .order_by()
        .values_list("article_id", flat=True)
        .distinct()
    )
    new_ids: list[int] = []
    for article, extracted in zip(articles, results, strict=True):
        if extracted is None:
            continue
        if article.pk in moved:
            reanchor_citations(article_id=article.pk)
        new_ids.extend(
            store_extraction(
                article_id=article.pk, content_hash=article.content_hash, extracted=extracted, extractor_version=version
            )
        )
    return new_ids


def extraction_overran(*, article_ids: Sequence[int]) -> list[int]:
    """The soft time limit stopped a run: return the articles to queue one by one.

    A batch's unfinished articles go back to ``queued`` and are returned. An article that ran
    alone is marked failed with the reason: it is the slow one.
    """
    unfinished = list(
        ArticleExtraction.objects.filter(article_id__in=article_ids, status=ExtractionStatus.RUNNING)
        .order_by("article_id")
        .values_list("article_id", flat=True)
    )
    if len(article_ids) == 1:
        for article_id in unfinished:
            logger.warning("extraction of article %s overran the soft time limit", article_id)
            mark_extraction_failed(article_id=article_id, error=overran_reason())
        return []
    ArticleExtraction.objects.filter(article_id__in=unfinished).update(
        status=ExtractionStatus.QUEUED, queued_at=timezone.now(), updated_at=timezone.now()
    )
    logger.warning("a batch of %d articles overran the soft time limit; queueing them one by one", len(article_ids))
    return unfinished


def extract_and_store(article_ids: Sequence[int], *, force: bool = False) -> list[int]:
    """Extract and store in this process (commands' ``--now``, tests, benches); return new candidate ids."""
    run = run_extraction(article_ids=article_ids, force=force)
    new_ids = list(run.candidate_ids)
    for article_id in run.run_alone:
        new_ids.extend(run_extraction(article_ids=[article_id], force=force).candidate_ids)
    return new_ids


def work_to_reconcile(*, stale_after: timedelta | None = None, extract_queue_empty: bool = True,
                      match_queue_empty: bool = True, match_batch_size: int = 500) -> Reconciliation:
    """Find extraction and matching whose message is missing; rows found stuck are re-stamped.

    - articles never queued, or extracted from an older text or extractor version: in batches;
    - queued longer than ``stale_after`` while the extract queue is empty (the message was lost:
      the broker was down or was emptied): in batches;
    - running longer than ``stale_after`` (by default the hard time limit and a margin, so the
      run was killed): one by one, still ``running``, so the next run counts as a retry;
    - candidates never matched, older than ``stale_after``, while the match queue is empty.
    A row found stuck gets a new time stamp, so it is re-queued once per ``stale_after``, not
    on every reconcile while its message waits in a long queue.
    """
    from claims.extraction import EXTRACTOR_VERSION

    now = timezone.now()
    cutoff = now - (stuck_after() if stale_after is None else stale_after)
    missing = set(Article.objects.filter(extraction__isnull=True).values_list("pk", flat=True))
    outdated = set(
        ArticleExtraction.objects.filter(status=ExtractionStatus.DONE)
        .filter(~Q(extractor_version=EXTRACTOR_VERSION) | ~Q(content_hash=F("article__content_hash")))
        .values_list("article_id", flat=True)
    )
    lost = set()
    if extract_queue_empty:
        lost = set(
            ArticleExtraction.objects.filter(status=ExtractionStatus.QUEUED)
            .filter(Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, updated_at__lt=cutoff))
            .values_list("article_id", flat=True)
        )
    stuck = sorted(
        ArticleExtraction.objects.filter(status=ExtractionStatus.RUNNING, updated_at__lt=cutoff)
        .values_list("article_id", flat=True)
    )
    ArticleExtraction.objects.filter(article_id__in=stuck).update(updated_at=now)
    reconciliation = Reconciliation(in_batches=sorted(missing | outdated | lost), run_alone=stuck)
    if match_queue_empty:
        unmatched = list(
            Candidate.objects.unmatched().filter(claim__isnull=True, created_at__lt=cutoff).order_by("pk")
            .values_list("pk", flat=True)[:5000]
        )
        reconciliation.unmatched_candidates = [
            unmatched[offset:offset + match_batch_size] for offset in range(0, len(unmatched), match_batch_size)
        ]
    return reconciliation
