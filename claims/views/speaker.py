"""The Speaker screen: names, aliases, roles and claims; editing and merging speakers."""
from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from claims import charts
from claims import search as desk_search
from claims import services
from claims.forms import SpeakerEditForm, SpeakerMergeForm
from claims.models import Claim, ReviewEvent, Speaker
from claims.views.base import decide, desk_decision, desk_screen, form_errors, label_history, refused
from factdesk import roles

SPEAKER_CLAIMS = 50
HISTORY_LENGTH = 20


@desk_screen
def show(request, pk):
    speaker = get_object_or_404(
        Speaker.objects.select_related("merged_into").annotate(
            # Most speakers were never edited: their empty history costs no query.
            has_history=Exists(ReviewEvent.objects.filter(target_type="speaker", target_id=OuterRef("pk")))
        ),
        pk=pk,
    )
    aliases = list(speaker.aliases.all())
    roles_seen = list(speaker.roles.order_by("-last_seen", "role"))
    claims = list(
        Claim.objects.visible().filter(speaker=speaker).select_related("first_article__outlet")
        .defer("embedding", "first_article__text").annotate(citation_count=Count("citations"))
        .order_by(F("first_reported_at").desc(nulls_last=True), "-id")[:SPEAKER_CLAIMS + 1]
    )
    merge_query = desk_search.clean_query(request.GET.get("merge_q"))
    merge_results = list(desk_search.search_speakers(merge_query, exclude_ids=[speaker.pk])) if merge_query else []
    events = list(
        ReviewEvent.objects.filter(target_type="speaker", target_id=speaker.pk).select_related("actor")
        .order_by("-created_at", "-id")[:HISTORY_LENGTH]
    ) if speaker.has_history else []
    label_history(events)
    speaker._prefetched_objects_cache = {"aliases": aliases}  # the edit form lists them without a second query
    context = {
        "speaker": speaker,
        "aliases": aliases,
        "roles_seen": roles_seen,
        "claims": claims[:SPEAKER_CLAIMS],
        "more_claims": len(claims) > SPEAKER_CLAIMS,
        # A speaker with few claims is charted from the list above; a prolific one costs a query.
        "claims_chart": charts.speaker_claims(speaker, claims=None if len(claims) > SPEAKER_CLAIMS else claims)
        if claims else None,
        "merge_query": merge_query,
        "merge_results": merge_results,
        "edit_form": SpeakerEditForm(speaker=speaker),
        "can_review": roles.can_review(request.user),
        "events": events,
    }
    return render(request, "claims/speaker.html", context)


@desk_decision
def edit(request, pk):
    speaker = get_object_or_404(Speaker, pk=pk)
    form = SpeakerEditForm(request.POST, speaker=speaker)

    def change():
        data = form.cleaned_data
        return services.edit_speaker(speaker_id=pk, actor=request.user, name=data.get("name"), kind=data.get("kind") or None,
                                     add_aliases=data["add_aliases"], remove_aliases=data.get("remove_aliases") or [])

    return decide(request, change, form=form, back=reverse("claims:speaker", args=[pk]), message="Speaker updated.")


@desk_decision
def merge(request):
    form = SpeakerMergeForm(request.POST)
    if not form.is_valid():
        return refused(request, form_errors(form), back=reverse("claims:dashboard"), status=400)
    data = form.cleaned_data
    return decide(
        request, lambda: services.merge_speakers(source_id=data["source"], target_id=data["target"], actor=request.user),
        back=reverse("claims:speaker", args=[data["target"]]),
        back_if_refused=reverse("claims:speaker", args=[data["source"]]),
        message=lambda target: f"Merged into {target.name}.",
    )
