"""Decisions on one candidate, from the queue or the article screen: confirm, reject, edit."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse

from claims import services
from claims.forms import CandidateEditForm
from claims.models import Candidate
from claims.views.base import decision_view, safe_next


def candidate_back(request, pk) -> str:
    """After a decision: the posted ``next``, else the candidate in its article."""
    candidate = get_object_or_404(Candidate.objects.only("id", "article_id"), pk=pk)
    return safe_next(request, reverse("claims:article", args=[candidate.article_id]) + f"?c={pk}")


def candidate_row(pk) -> dict:
    """What the queue's row fragment shows for one candidate, after a decision."""
    candidate = Candidate.objects.select_related("article__outlet", "speaker", "claim").defer("article__text").get(pk=pk)
    return {"candidate": candidate}


confirm = decision_view(services.confirm_candidate, id_argument="candidate_id", back=candidate_back,
                        message="Confirmed: the claim is on the record.",
                        fragment="claims/_candidate_row.html", fragment_context=candidate_row)
reject = decision_view(services.reject_candidate, id_argument="candidate_id", back=candidate_back, message="Rejected.",
                       fragment="claims/_candidate_row.html", fragment_context=candidate_row)


edit = decision_view(
    services.edit_candidate, id_argument="candidate_id", back=candidate_back, message="Candidate updated.",
    form_class=CandidateEditForm,
    form_arguments=lambda data: {"start": data.get("start"), "end": data.get("end"),
                                 "speaker_name": data.get("speaker_name") or None, "expected_revision": data.get("revision")},
)
