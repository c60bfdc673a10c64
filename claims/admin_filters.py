"""Admin list filters that stay usable at thousands of speakers: type a name, not scroll a list.

Django's related-field filter lists every speaker (at 2,000 speakers the claim list's sidebar
was 20,863 px tall). ``SpeakerNameFilter`` is a search box for part of a speaker's name or
alias, with the speakers who have the most claims as quick links.
"""
from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q

from claims.models import Speaker, SpeakerAlias

QUICK_LINKS = 8


class SpeakerNameFilter(admin.SimpleListFilter):
    title = "speaker"
    parameter_name = "speaker_q"
    template = "admin/speaker_name_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # The other filters and the search in force, kept by the name box's form.
        self.kept_parameters = [(name, value) for name, values in request.GET.lists() for value in values
                                if name not in (self.parameter_name, "p")]

    def lookups(self, request, model_admin):
        top = (
            Speaker.objects.active().annotate(claim_total=Count("claims")).filter(claim_total__gt=0)
            .order_by("-claim_total", "name")[:QUICK_LINKS]
        )
        return [(speaker.name, f"{speaker.name} ({speaker.claim_total})") for speaker in top]

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()[:200]
        if not value:
            return queryset
        aliases = SpeakerAlias.objects.filter(speaker=OuterRef("speaker_id"), alias__icontains=value)
        return queryset.filter(Q(speaker__name__icontains=value) | Exists(aliases))
