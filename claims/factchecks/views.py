"""The claim page's decisions on its fact-check links: confirm or reject, one service call each."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse

from claims.factchecks import linking
from claims.factchecks.models import FactCheckLink
from claims.views.base import decision_view, safe_next


def link_back(request, pk) -> str:
    """After a decision: the posted ``next``, else the linked claim's page (404 for a missing link)."""
    link = get_object_or_404(FactCheckLink.objects.only("id", "claim_id"), pk=pk)
    return safe_next(request, reverse("claims:claim", args=[link.claim_id]) + "#factchecks")


confirm = decision_view(linking.confirm_factcheck_link, id_argument="link_id", back=link_back, with_revision=False,
                        message="Fact-check linked: the claim shows it and its export carries the review.")
reject = decision_view(linking.reject_factcheck_link, id_argument="link_id", back=link_back, with_revision=False,
                       message="Fact-check link rejected; it will not be suggested again.")
