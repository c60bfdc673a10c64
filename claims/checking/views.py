"""The check panel's decisions (one service call each) and the "For me" page."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims.checking import inbox
from claims.checking.forms import AssignForm, DraftForm, NoteForm, TakeUpForm
from claims.checking.models import DeskCheck
from claims.models import Claim
from claims.services import checking
from claims.views.base import decision_view, desk_screen, safe_next, signed_in_with
from factdesk import roles


def desk_inbox_post(view):
    """A POST on one's own inbox: every desk role (a viewer may be mentioned too)."""
    return signed_in_with(view, allowed=roles.can_view, refusal="You are not in a desk group; ask an admin for access.",
                          method=require_POST)


def check_back(request, pk) -> str:
    """After a move: the posted ``next``, else the claim's page at its check panel (404 for a missing check)."""
    check = get_object_or_404(DeskCheck.objects.only("id", "claim_id"), pk=pk)
    return safe_next(request, reverse("claims:claim", args=[check.claim_id]) + "#desk-check")


def claim_back(request, pk) -> str:
    get_object_or_404(Claim.objects.only("id"), pk=pk)
    return safe_next(request, reverse("claims:claim", args=[pk]) + "#desk-check")


take_up = decision_view(
    checking.take_up_claim, id_argument="claim_id", back=claim_back, message="Taken up for checking.",
    form_class=TakeUpForm, form_arguments=lambda data: {"assignee_id": data["assignee"].pk if data["assignee"] else None},
)
assign = decision_view(
    checking.assign_check, id_argument="check_id", back=check_back, message="Check assigned; the assignee is told.",
    form_class=AssignForm,
    form_arguments=lambda data: {"assignee_id": data["assignee"].pk, "expected_revision": data.get("revision")},
)
draft = decision_view(
    checking.draft_verdict, id_argument="check_id", back=check_back,
    message="Verdict drafted; another editor approves it.", form_class=DraftForm,
    form_arguments=lambda data: {"verdict": data["verdict"], "explanation": data["explanation"],
                                 "expected_revision": data.get("revision")},
)
start = decision_view(checking.start_check, id_argument="check_id", back=check_back, message="Check started.")
approve = decision_view(checking.approve_verdict, id_argument="check_id", back=check_back, message="Verdict approved.")
publish = decision_view(checking.publish_verdict, id_argument="check_id", back=check_back,
                        message="Verdict published: it is in the library, the exports and the webhooks.")
reopen = decision_view(checking.reopen_check, id_argument="check_id", back=check_back,
                       message="Check reopened; a published verdict was withdrawn.")
note = decision_view(
    checking.add_note, id_argument="claim_id", back=claim_back, form_class=NoteForm,
    form_arguments=lambda data: {"text": data["text"]}, message="Note added.",
)


@desk_screen
def for_me(request):
    context = inbox.for_me(request.user)
    return render(request, "claims/for_me.html", {**context, "section": "for_me"})


@desk_inbox_post
def mark_read(request):
    inbox.mark_all_read(request.user)
    messages.success(request, "Everything here is marked read.")
    return redirect(safe_next(request, reverse("claims:for-me")))
