"""Undo of a recorded decision: refused, with the reason, when a row it changed has changed since."""
from __future__ import annotations

from django.db import transaction

from articles.models import Article
from claims.changes import UndoRefused, revert
from claims.factchecks.models import FactCheckLink, LinkState
from claims.models import Candidate, Claim, ClaimShingle, Match, MatchState, ReviewEvent
from claims.services._common import Conflict, DecisionError, _lock
from claims.services.audit import record_undo


@transaction.atomic
def undo(*, event_id: int, actor) -> ReviewEvent:
    """Undo a decision if nothing it changed has changed since; otherwise refuse with the reason."""
    event = _lock(ReviewEvent, event_id)
    if event.undo_of_id:
        raise DecisionError("An undo cannot itself be undone; make the decision again instead.")
    if event.undone_at:
        raise Conflict("This decision was already undone (perhaps by another editor).")
    if not event.changes:
        raise DecisionError("This event changed nothing that could be undone.")
    _refuse_undo_into_old_text(event.changes)
    try:
        revert(event.changes, cascade_ok=_machine_made)
    except UndoRefused as exc:
        raise DecisionError(f"Cannot undo: {exc}. Undo the later decisions first, or decide again.") from None
    claim = Claim.objects.filter(pk=event.claim_id).first() if event.claim_id else None
    return record_undo(undone=event, actor=actor, claim=claim)


def _refuse_undo_into_old_text(rows: list[dict]) -> None:
    """Refuse an undo that would put back offsets into a version of an article it no longer has."""
    texts: dict[int, set[str]] = {}
    candidate_ids = []
    for row in rows:
        before = row["before"] or {}
        if row["model"] == "claims.citation" and before.get("content_hash") and before.get("article_id"):
            texts.setdefault(before["article_id"], set()).add(before["content_hash"])
        elif row["model"] == "claims.candidate":
            candidate_ids.append(row["pk"])
    for article_id, digest in Candidate.objects.filter(pk__in=candidate_ids).values_list("article_id", "content_hash"):
        texts.setdefault(article_id, set()).add(digest)
    for article in Article.objects.filter(pk__in=texts).only("pk", "content_hash", "version"):
        if texts[article.pk] - {article.content_hash}:
            raise DecisionError(
                f"Cannot undo: article {article.pk} has a newer version (v{article.version}) since this decision; "
                "decide again on the current text."
            )


def _machine_made(obj) -> bool:
    """Rows that may disappear with a claim an undo removes: suggestions and index rows."""
    if isinstance(obj, Match):
        return obj.state == MatchState.SUGGESTED
    if isinstance(obj, FactCheckLink):
        return obj.state == LinkState.SUGGESTED
    return isinstance(obj, ClaimShingle)
