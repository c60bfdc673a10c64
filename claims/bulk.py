"""Bulk decisions, for the queue's ticked rows and the admin's actions: one service call per row.

Each row is decided on its own (its own transaction and audit event, inside the service), so
one refusal does not undo the others; the refusals come back with their reasons to be shown.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from claims import services


def decide_each(ids: Iterable[int], decide: Callable[[int], object]) -> tuple[int, list[str]]:
    """Call ``decide(pk)`` for each id; return how many went through and '#pk: reason' for each refusal."""
    done, refusals = 0, []
    for pk in ids:
        try:
            decide(pk)
        except services.DecisionError as exc:
            refusals.append(f"#{pk}: {exc}")
        else:
            done += 1
    return done, refusals
