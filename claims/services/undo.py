"""Undo of a recorded decision: refused, with the reason, when a row it changed has changed since."""
from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models import Q

from articles.models import Article
from claims.changes import UndoRefused, revert
from claims.factchecks.models import FactCheckLink, LinkState
from claims.models import Candidate, Claim, ClaimShingle, Match, MatchState, ReviewEvent
from claims.services._common import Conflict, DecisionError, _lock
from claims.services.audit import record_undo
from claims.services.checking import announce_undone_verdict


class UndoRefusedSince(DecisionError):
    """An undo refused because a later decision changed the same rows; ``later`` is that decision, when found."""

    def __init__(self, message: str, *, later: ReviewEvent | None = None):
        super().__init__(message)
        self.later = later


# Bookkeeping fields an editor never thinks of as "what changed".
_UNSPOKEN_FIELDS = {"revision", "updated_at", "reviewed_at", "decided_at", "confirmed_at", "matched_at"}
_LATER_EVENTS_SCANNED = 200


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
        raise _refusal(event, exc) from None
    announce_undone_verdict(event)  # integrators hear of a verdict published or withdrawn by an undo too
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


def _refusal(event: ReviewEvent, exc: UndoRefused) -> UndoRefusedSince:
    """The refusal in words: which row, what about it changed, and the later decision that did it."""
    if exc.row is None:
        return UndoRefusedSince(f"Cannot undo: {exc}. Undo the later decisions first, or decide again.")
    label, pk = exc.row
    model = apps.get_model(label)
    noun = f"{model._meta.verbose_name} {pk}"
    current = model.objects.filter(pk=pk).first()
    if current is None:
        what = f"{noun} has been deleted since"
    else:
        what = f"{noun} has changed since: {_what_changed(model, current, exc.changed)}"
    later = _later_decision(event, label, pk)
    if later is None:
        return UndoRefusedSince(f"Cannot undo: {what}. Undo the later decisions first, or decide again.")
    by = later.actor_label
    return UndoRefusedSince(
        f"Cannot undo: {what}, by {by}’s later decision “{(later.summary or later.action).strip()[:120]}” "
        f"({later.created_at:%d %b %H:%M}). Undo that decision first, or decide again.",
        later=later,
    )


def _what_changed(model, current, changed: list[str]) -> str:
    """'its status is now merged, its speaker changed': the fields in an editor's words."""
    parts = []
    for attname in changed:
        if attname in _UNSPOKEN_FIELDS:
            continue
        field = next((f for f in model._meta.concrete_fields if f.attname == attname), None)
        if field is None:
            continue
        name = str(field.verbose_name)
        if field.choices:
            parts.append(f"its {name} is now {getattr(current, f'get_{field.name}_display')().lower()}")
        elif attname in ("start", "end"):
            if "its span changed" not in parts:
                parts.append("its span changed")
        else:
            parts.append(f"its {name} changed")
    return ", ".join(parts) or "it was edited"


def _later_decision(event: ReviewEvent, label: str, pk: int) -> ReviewEvent | None:
    """The newest decision after ``event`` (and not undone) whose recorded rows include this row.

    Decisions about the row itself are looked at first, then the ones that followed ``event``
    (a merge records the source claim's rows under the target), a bounded scan either way.
    """
    model_name = apps.get_model(label)._meta.model_name
    about = Q(target_type=model_name, target_id=pk)
    if model_name == "claim":
        about |= Q(claim_id=pk)
    later = ReviewEvent.objects.filter(pk__gt=event.pk, undone_at__isnull=True, undo_of__isnull=True).select_related("actor")
    for events in (later.filter(about).order_by("-pk"), later.order_by("pk")):
        found = None
        for candidate in events[:_LATER_EVENTS_SCANNED]:
            if any(row.get("model") == label and row.get("pk") == pk for row in candidate.changes or []):
                found = candidate if found is None or candidate.pk > found.pk else found
        if found is not None:
            return found
    return None
