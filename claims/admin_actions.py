"""What the claims admins share: a changelist action that loops over a service and reports, and text helpers.

Every bulk decision in the admin (confirm, reject, accept, split, merge, undo) is
``run_decisions`` over one service function: it calls the service per selected row and says
how many went through and why each other one was refused.
"""
from __future__ import annotations

from django.contrib import messages
from django.utils.text import Truncator

from claims.bulk import decide_each


SHORT = 90


class DeskAdminMedia:
    css = {"all": ["factdesk/admin.css"]}


def short(text, length=SHORT):
    return Truncator(text or "").chars(length)


def run_decisions(modeladmin, request, ids, decide, done_message):
    """Call ``decide(pk)`` for each id; report how many went through and why the rest did not."""
    done, refused = decide_each(ids, decide)
    if done:
        modeladmin.message_user(request, done_message.format(n=done), messages.SUCCESS)
    if refused:
        listed = "; ".join(refused[:10]) + (" …" if len(refused) > 10 else "")
        modeladmin.message_user(request, f"{len(refused)} refused — {listed}", messages.WARNING)
    if not done and not refused:
        modeladmin.message_user(request, "Nothing was selected.", messages.INFO)
    return done, refused


def merge_into_oldest(modeladmin, request, queryset, noun, merge):
    """Merge every selected row into the oldest one with ``merge(source_id, target_id)``, and report."""
    ids = list(queryset.order_by("created_at", "pk").values_list("pk", flat=True))
    if len(ids) < 2:
        modeladmin.message_user(request, f"Select at least two {noun}s to merge.", messages.WARNING)
        return
    target, sources = ids[0], ids[1:]
    run_decisions(modeladmin, request, sources, lambda pk: merge(pk, target), f"Merged {{n}} {noun}(s) into {noun} {target}.")


def selected_ids(queryset):
    """The selected rows' ids in a stable order, for ``run_decisions``."""
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def requeue_extraction(modeladmin, request, article_ids):
    from claims.tasks import queue_extraction_for_articles

    ids = list(article_ids)
    queue_extraction_for_articles(ids, force=True)
    modeladmin.message_user(
        request, f"Queued {len(ids)} article{'s' if len(ids) != 1 else ''} for extraction again "
        "(the worker replaces unreviewed candidates; reviewed ones stay).", messages.SUCCESS
    )
