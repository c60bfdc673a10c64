"""The Claim screen: every outlet's wording with a word diff, the history with Undo, and the
decisions on a claim: confirm, reject, edit, merge, split a citation off."""
from __future__ import annotations

from django.db.models import Exists, F, OuterRef
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from claims import charts
from claims import search as desk_search
from claims import services
from claims.extraction import checkworthy
from claims.forms import ClaimEditForm, MergeForm
from claims.checking.models import Note
from claims.factchecks.models import FactCheckLink
from claims.models import Citation, Claim, Match, ReviewEvent
from claims.views.base import (
    QUOTED_KINDS,
    decide,
    decision_view,
    describe_decision,
    desk_decision,
    desk_screen,
    diff_words,
    form_errors,
    label_history,
    refused,
    safe_next,
)
from claims.views.match import match_rows
from factdesk import roles

HISTORY_LENGTH = 50


@desk_screen
def show(request, pk):
    claim = get_object_or_404(
        Claim.objects.select_related(
            "speaker", "first_article__outlet", "confirmed_by", "merged_into",
            "desk_check__assignee", "desk_check__drafted_by", "desk_check__approved_by", "desk_check__published_by",
        )
        .defer("embedding", "first_article__text", "merged_into__embedding")
        # The panels of notes and fact-checks skip their query when these say they are empty.
        .annotate(
            has_notes=Exists(Note.objects.filter(claim=OuterRef("pk"))),
            has_factcheck_links=Exists(FactCheckLink.objects.filter(claim=OuterRef("pk")).shown()),
        ),
        pk=pk,
    )
    citations = list(
        Citation.objects.filter(claim=claim)
        .select_related("article__outlet", "candidate")
        .defer("article__text")
        # In the order the first report is chosen (services._common): dated first, undated last.
        .order_by(F("article__published_at").asc(nulls_last=True), "article__imported_at", "id")
    )
    cards = []
    for citation in citations:
        diff, misquote = diff_words(claim.text, citation.quote, quoted=claim.kind in QUOTED_KINDS)
        cards.append({"citation": citation, "diff": diff, "misquote": misquote})
    events = list(ReviewEvent.objects.filter(claim=claim).select_related("actor").order_by("-created_at", "-id")[:HISTORY_LENGTH])
    label_history(events)
    suggestions = match_rows(
        Match.objects.filter(claim=claim).suggested()
        .select_related("candidate__article__outlet", "candidate__speaker", "claim__speaker")
        .defer("candidate__article__text", "claim__embedding")[:20]
    )
    merge_query = desk_search.clean_query(request.GET.get("merge_q"))
    # A claim to merge into is found by its number or its words: its speaker is this claim's own,
    # mostly, so matching speakers' names would list the speaker's every claim (and cost a query).
    merge_results = list(
        desk_search.search_claims(merge_query, limit=10, exclude_ids=[claim.pk], by_speaker=False)
    ) if merge_query else []
    context = {
        "claim": claim,
        "cards": cards,
        "misquotes": sum(1 for card in cards if card["misquote"]),
        "outlet_count": len({citation.article.outlet_id for citation in citations}),
        "spread": charts.claim_spread(citations),
        "events": events,
        "suggestions": suggestions,
        "merge_query": merge_query,
        "merge_results": merge_results,
        "edit_form": ClaimEditForm(initial={
            "text": claim.text, "speaker_name": claim.speaker.name if claim.speaker_id else "",
            "rating": claim.rating, "rating_explanation": claim.rating_explanation, "revision": claim.revision,
        }),
        "can_review": roles.can_review(request.user),
        "here": request.get_full_path(),
        "checkworthiness": checkworthy.score(claim.text),
        "checkworthy_features": checkworthy.explain(claim.text),
    }
    return render(request, "claims/claim.html", context)


def claim_back(request, pk) -> str:
    """After a decision: the posted ``next``, else the claim's page (404 for a claim that is not there)."""
    get_object_or_404(Claim.objects.only("id"), pk=pk)
    return safe_next(request, reverse("claims:claim", args=[pk]))


confirm = decision_view(services.confirm_claim, id_argument="claim_id", back=claim_back, message="Claim confirmed.")
reject = decision_view(services.reject_claim, id_argument="claim_id", back=claim_back, message="Claim rejected.")


edit = decision_view(
    services.edit_claim, id_argument="claim_id", back=claim_back, message="Claim updated.", form_class=ClaimEditForm,
    form_arguments=lambda data: {"text": data.get("text"), "speaker_name": data.get("speaker_name"),
                                 "rating": data.get("rating"), "rating_explanation": data.get("rating_explanation"),
                                 "expected_revision": data.get("revision")},
)


@desk_decision
def merge(request):
    form = MergeForm(request.POST)
    if not form.is_valid():
        return refused(request, form_errors(form), back=safe_next(request, reverse("claims:dashboard")), status=400)
    data = form.cleaned_data
    # By default on to the claim that holds the citations: the source's page now only says where it went.
    return decide(
        request,
        lambda: services.merge_claims(source_id=data["source"], target_id=data["target"], actor=request.user,
                                      allow_other_speaker=data.get("allow_other_speaker", False)),
        back=safe_next(request, reverse("claims:claim", args=[data["target"]])),
        message=lambda target: f"Merged claim {data['source']} into claim {target.pk}. "
                               "Undo it from the history if that was wrong.",
    )


@desk_decision
def split_citation(request, pk):
    citation = get_object_or_404(Citation.objects.only("id", "claim_id"), pk=pk)
    return decide(request, lambda: services.split_citation(citation_id=pk, actor=request.user),
                  back=claim_back(request, citation.claim_id), message=lambda claim: f"Split off into claim {claim.pk}.")


@desk_decision
def undo(request, pk):
    event = get_object_or_404(ReviewEvent.objects.only("id", "claim_id"), pk=pk)
    default = reverse("claims:claim", args=[event.claim_id]) if event.claim_id else reverse("claims:dashboard")
    return decide(request, lambda: services.undo(event_id=pk, actor=request.user), back=safe_next(request, default),
                  message=lambda undo_event: f"Undid: {describe_decision(undo_event.undo_of)}.")
