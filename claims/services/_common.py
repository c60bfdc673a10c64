"""Helpers the services share: errors, row locks, revisions, citations and new claims.

Private to ``claims.services``: callers outside the package use the services themselves. The
audit record is written by ``claims.services.audit``.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
from django.db.models import F

from articles.models import Article
from claims.changes import ChangeSet
from claims.models import Candidate, Citation, Claim, ClaimShingle, ClaimStatus
from claims.webhooks import queue_event as _emit


CONTEXT_CHARS = 32


class DecisionError(Exception):
    """A decision that cannot be made as asked; the message is shown to the editor."""


class Conflict(DecisionError):
    """Another editor changed the row since this editor loaded it."""

def _lock(model, pk):
    obj = model.objects.select_for_update().filter(pk=pk).first()
    if obj is None:
        raise DecisionError(f"{model._meta.verbose_name.capitalize()} {pk} does not exist (it may have been removed).")
    return obj


def _check_revision(obj, expected_revision):
    if expected_revision is not None and int(expected_revision) != obj.revision:
        raise Conflict(
            f"Another editor changed this {obj._meta.verbose_name} since you opened it. Reload to see the current state."
        )


def _live_claim(claim: Claim) -> Claim:
    """Follow merges to the claim that now holds the citations."""
    seen = set()
    while claim.status == ClaimStatus.MERGED and claim.merged_into_id and claim.pk not in seen:
        seen.add(claim.pk)
        claim = Claim.objects.select_for_update().get(pk=claim.merged_into_id)
    return claim


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - CONTEXT_CHARS):start], text[end:end + CONTEXT_CHARS]


def _validate_span(article: Article, start: int, end: int) -> None:
    if not (0 <= start < end <= len(article.text)):
        raise DecisionError(f"The span {start}–{end} is outside the article's text (0–{len(article.text)}).")
    if not article.text[start:end].strip():
        raise DecisionError("The selected span holds no text.")


def _article_date(article: Article) -> date | None:
    moment = article.published_at or article.imported_at
    return moment.date() if moment else None


def _citation_values(*, claim: Claim, article: Article, start: int, end: int, candidate=None, actor=None) -> dict:
    prefix, suffix = _context(article.text, start, end)
    return dict(
        claim=claim,
        article=article,
        candidate=candidate,
        start=start,
        end=end,
        quote=article.text[start:end],
        prefix=prefix,
        suffix=suffix,
        content_hash=article.content_hash,
        article_version=article.version,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _cite(changes: ChangeSet, *, claim: Claim, article: Article, start: int, end: int, candidate=None, actor=None) -> Citation:
    if claim.status == ClaimStatus.CONFIRMED:  # proposed claims are not published: no event, no query
        _emit("claim.cited", claim.pk)
    return changes.create(
        Citation, **_citation_values(claim=claim, article=article, start=start, end=end, candidate=candidate, actor=actor)
    )


def _refresh_first_reported(changes: ChangeSet, claim: Claim) -> None:
    """The claim's first report: its earliest dated citing article, with that article's date.

    An undated article (no publication date) is first only when no citing article is dated, and
    then the date is unknown (None): its import time is no publication date.
    """
    first = (
        Citation.objects.filter(claim=claim)
        .select_related("article")
        .order_by(F("article__published_at").asc(nulls_last=True), "article__imported_at", "id")
        .first()
    )
    article = first.article if first else None
    when = article.published_at if article else None
    if claim.first_article_id != (article.pk if article else None) or claim.first_reported_at != when:
        changes.update(claim, first_article=article, first_reported_at=when)


def _bump(changes: ChangeSet, obj, **values):
    return changes.update(obj, revision=obj.revision + 1, **values)


def _embedding_bytes(vector) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def _embedding_model() -> str:
    from claims.matching import EMBEDDING_MODEL

    return EMBEDDING_MODEL


def _index_wordings(claim: Claim, texts: Iterable[str] = (), *, from_claim: Claim | None = None) -> None:
    """Make ``claim`` findable by more wordings: the shingles of ``texts`` (and of ``from_claim``) join its own.

    A claim is reported in several wordings (merged claims, accepted matches, cited spans, an
    edited canonical text); retrieval should find it by any of them, not only by the first.
    Derived data, not audited: an extra shingle only brings the claim into a pool, where
    scoring decides (and undo leaves it, harmlessly).
    """
    from claims.matching import shingles

    values = set()
    for text in texts:
        values |= shingles(text)
    if from_claim is not None:
        values.update(ClaimShingle.objects.filter(claim=from_claim).values_list("value", flat=True))
    ClaimShingle.objects.bulk_create([ClaimShingle(claim=claim, value=v) for v in values], ignore_conflicts=True)


def _claim_values(candidate: Candidate, vector) -> dict:
    """A new proposed claim made from a candidate: its words, speaker and kind, first reported where it is."""
    article = candidate.article
    return dict(
        text=candidate.text.strip(),
        speaker_id=candidate.speaker_id,
        kind=candidate.kind,
        status=ClaimStatus.PROPOSED,
        first_article=article,
        first_reported_at=article.published_at,  # None for an undated article: date unknown
        embedding=_embedding_bytes(vector),
        embedding_model=_embedding_model(),
    )


def _new_claim_for(changes: ChangeSet, candidate: Candidate, vector) -> Claim:
    article = candidate.article
    claim = changes.create(Claim, **_claim_values(candidate, vector))
    _index_wordings(claim, [claim.text])
    _cite(changes, claim=claim, article=article, start=candidate.start, end=candidate.end, candidate=candidate)
    changes.update(candidate, claim=claim)
    return claim
