"""The Import screen for editors: upload several files and/or queue a URL for the worker.

One function view; login and ``roles.can_import`` are checked first (403 for viewers and
outsiders). Each uploaded file goes through ``articles.services.import_bytes`` on its own, so
one bad file fails alone with its reason; the page then lists a result per file.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone

from articles import services
from articles.forms import ImportForm
from articles.importers.decoding import human_size
from factdesk import roles

logger = logging.getLogger(__name__)

STATUS_LABELS = {
    services.CREATED: "created",
    services.NEW_VERSION: "new version",
    services.UNCHANGED: "unchanged",
    services.FAILED: "failed",
}


@dataclass
class FileResult:
    """What happened to one uploaded file: one outcome for an article, several for a feed or JSON."""

    name: str
    outcomes: list

    @property
    def status(self) -> str:
        statuses = {o.status for o in self.outcomes}
        return statuses.pop() if len(statuses) == 1 else "mixed"

    @property
    def summary(self) -> str:
        counts = Counter(o.status for o in self.outcomes)
        return ", ".join(f"{counts[s]} {STATUS_LABELS[s]}" for s in STATUS_LABELS if counts[s])

    @property
    def failures(self):
        return [o for o in self.outcomes if o.failed]


def _limits() -> dict:
    return {
        "max_file_size": human_size(settings.FACTDESK_MAX_UPLOAD_BYTES),
        "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
    }


def _queue_fetch(url: str, outlet: str, user_id: int) -> bool:
    """Queue the fetch for the worker; False (logged) when the broker cannot be reached."""
    from articles.tasks import fetch_url
    from factdesk.queueing import enqueue

    return enqueue(fetch_url, url, outlet, user_id)


def queue_fetch_after_commit(url: str, outlet: str, user_id: int) -> dict:
    """Queue the fetch once the surrounding transaction commits (at once outside one).

    Returns a dict whose "queued" becomes True or False when the queueing has run, so the page
    can say whether the worker got it.
    """
    state = {"queued": None}
    transaction.on_commit(lambda: state.__setitem__("queued", _queue_fetch(url, outlet, user_id)))
    return state


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the desk's time zone: a date-only publication date."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@login_required
def import_articles(request):
    """GET: the form. POST: import each file, queue the URL, and show a result per file."""
    if not roles.can_import(request.user):
        raise PermissionDenied("Importing articles needs the editor role.")
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            # The date fills in for files that give none; a date in the file wins.
            dated = {"published_at": _start_of(data["published"])} if data.get("published") else {}
            results = []
            for upload in data["files"]:
                outcomes = services.import_bytes(
                    upload.read(),
                    name=upload.name,
                    fmt=data["format"] or None,
                    outlet=data["outlet"],
                    user=request.user,
                    content_type=upload.content_type or "",
                    **dated,
                )
                results.append(FileResult(upload.name, outcomes))
            queued_url, queue_failed = data["url"], False
            if queued_url:
                queue_failed = queue_fetch_after_commit(queued_url, data["outlet"], request.user.pk)["queued"] is False
            totals = Counter(o.status for r in results for o in r.outcomes)
            return render(
                request,
                "articles/import_results.html",
                {"results": results, "queued_url": queued_url, "queue_failed": queue_failed, "totals": totals, "form": ImportForm(), **_limits()},
            )
        return render(request, "articles/import.html", {"form": form, **_limits()}, status=400)
    return render(request, "articles/import.html", {"form": ImportForm(), **_limits()})
