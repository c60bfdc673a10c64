"""The one audit writer: every decision, human or machine, and every undo records its event here.

A service changes rows through a ``ChangeSet`` (``claims.changes``) and hands it to ``record``
(one decision) or ``record_all`` (many machine decisions written in bulk). Nothing else in
``claims.services`` writes a ``ReviewEvent``; ``tests/test_services.py`` checks that every
write in the package goes through a ``ChangeSet`` or is listed there as derived data.

Being the one writer makes it the place where the derived editorial value of the claims a
decision touched is brought up to date (``claims.services.triage``), in bulk for a whole batch.
"""
from __future__ import annotations

from django.db import models
from django.utils import timezone

from claims.changes import ChangeSet
from claims.models import Claim, ReviewEvent
from claims.services import triage


def event(
    *, actor, action: str, target: models.Model, changes: ChangeSet, claim: Claim | None = None, summary: str = ""
) -> ReviewEvent:
    """An unsaved audit event for a decision on ``target`` that made ``changes`` (saved by ``record_all``)."""
    return ReviewEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.model_name,
        target_id=target.pk,
        claim=claim,
        summary=summary[:500],
        changes=changes.rows,
    )


def record(
    *, actor, action: str, target: models.Model, changes: ChangeSet, claim: Claim | None = None, summary: str = ""
) -> ReviewEvent:
    """Record one decision: who made it, on what, and the rows it changed (what undo restores)."""
    recorded = event(actor=actor, action=action, target=target, changes=changes, claim=claim, summary=summary)
    recorded.save()
    triage.refresh_after(changes.rows)
    return recorded


def record_all(events: list[ReviewEvent]) -> list[ReviewEvent]:
    """Record many decisions (made by ``event``) in one statement: bulk matching's per-candidate events."""
    recorded = ReviewEvent.objects.bulk_create(events)
    triage.refresh_after(row for recorded_event in events for row in recorded_event.changes)
    return recorded


def record_undo(*, undone: ReviewEvent, actor, claim: Claim | None) -> ReviewEvent:
    """Mark ``undone`` as undone and record who undid it; the undo itself changes no further rows.

    Call after its rows were put back: the editorial value of the claims they touch is recomputed.
    """
    undone.undone_at = timezone.now()
    undone.save(update_fields=["undone_at"])
    triage.refresh_after(undone.changes or [])
    return ReviewEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action="undo",
        target_type=undone.target_type,
        target_id=undone.target_id,
        claim=claim,
        undo_of=undone,
        summary=f"Undid {undone.action.replace('_', ' ')}",
        changes=[],
    )
