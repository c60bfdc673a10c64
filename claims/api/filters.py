"""django-filter filter sets for the API lists, the claim exports and the review queue (one vocabulary).

Filters are strict: a value that cannot be what the parameter says (a blank date, ``0.5`` for
an id, ``maybe`` for a boolean) is a 400 naming the parameter, never silently ignored.
"""
import django_filters as filters
from django.db.models import Exists, OuterRef, Q

from claims.models import (
    AnchorState,
    Candidate,
    CandidateStance,
    CandidateStatus,
    Citation,
    Claim,
    ClaimKind,
    ClaimStatus,
    Match,
    MatchRelation,
    MatchState,
    Speaker,
    SpeakerAlias,
    SpeakerKind,
)
from factdesk.api_base import DateTimeFilter, IdFilter, StrictFilterSet, TextFilter, UnitIntervalFilter


class ClaimFilter(StrictFilterSet):
    status = filters.ChoiceFilter(choices=ClaimStatus.choices)
    kind = filters.ChoiceFilter(choices=ClaimKind.choices)
    speaker = IdFilter(field_name="speaker_id", help_text="Speaker id.")
    outlet = IdFilter(method="filter_outlet", help_text="Outlet id: claims cited at least once in this outlet.")
    first_reported_after = DateTimeFilter(field_name="first_reported_at", lookup_expr="gte")
    first_reported_before = DateTimeFilter(field_name="first_reported_at", lookup_expr="lte")
    published_after = DateTimeFilter(method="filter_published_after", help_text="Cited in an article published on or after.")
    published_before = DateTimeFilter(method="filter_published_before", help_text="Cited in an article published on or before.")
    rated = filters.BooleanFilter(method="filter_rated", help_text="Only claims with (true) or without (false) a rating.")
    fact_checked = filters.BooleanFilter(
        method="filter_fact_checked", help_text="Only claims with (true) or without (false) a suggested or confirmed fact-check link."
    )
    q = TextFilter(method="filter_text", help_text="Words in the claim's text or its speaker's name.")

    class Meta(StrictFilterSet.Meta):
        model = Claim
        fields = ["status", "kind", "speaker"]

    # Exists() subqueries instead of joins: a claim cited in many matching articles stays one row.
    def _cited(self, queryset, **lookups):
        return queryset.filter(Exists(Citation.objects.filter(claim=OuterRef("pk"), **lookups)))

    def filter_outlet(self, queryset, name, value):
        return self._cited(queryset, article__outlet_id=value)

    def filter_published_after(self, queryset, name, value):
        return self._cited(queryset, article__published_at__gte=value)

    def filter_published_before(self, queryset, name, value):
        return self._cited(queryset, article__published_at__lte=value)

    def filter_rated(self, queryset, name, value):
        return queryset.exclude(rating="") if value else queryset.filter(rating="")

    def filter_fact_checked(self, queryset, name, value):
        from claims.factchecks.models import FactCheckLink

        linked = Exists(FactCheckLink.objects.shown().filter(claim=OuterRef("pk")))
        return queryset.filter(linked) if value else queryset.exclude(linked)

    def filter_text(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(Q(text__icontains=word) | Q(speaker__name__icontains=word))
        return queryset


class CandidateFilter(StrictFilterSet):
    status = filters.ChoiceFilter(choices=CandidateStatus.choices)
    kind = filters.ChoiceFilter(choices=ClaimKind.choices)
    stance = filters.MultipleChoiceFilter(
        choices=CandidateStance.choices, help_text="Whether the speaker asserted it (several allowed; 'asserted' hides the rest).",
    )
    speaker = IdFilter(field_name="speaker_id")
    article = IdFilter(field_name="article_id")
    outlet = IdFilter(field_name="article__outlet_id")
    claim = IdFilter(field_name="claim_id")
    published_after = DateTimeFilter(field_name="article__published_at", lookup_expr="gte")
    published_before = DateTimeFilter(field_name="article__published_at", lookup_expr="lte")
    min_confidence = UnitIntervalFilter(field_name="confidence", lookup_expr="gte")
    q = TextFilter(field_name="text", lookup_expr="icontains", help_text="Text the candidate contains.")
    speaker_name = TextFilter(method="filter_speaker_name",
                              help_text="Part of the speaker's name, or of the words the article names them with.")

    class Meta(StrictFilterSet.Meta):
        model = Candidate
        fields = ["status", "kind", "speaker", "article", "claim"]

    def filter_speaker_name(self, queryset, name, value):
        return queryset.filter(Q(speaker__name__icontains=value) | Q(speaker_text__icontains=value))


class CitationFilter(StrictFilterSet):
    claim = IdFilter(field_name="claim_id")
    article = IdFilter(field_name="article_id")
    outlet = IdFilter(field_name="article__outlet_id")
    anchor_state = filters.ChoiceFilter(choices=AnchorState.choices)
    published_after = DateTimeFilter(field_name="article__published_at", lookup_expr="gte")
    published_before = DateTimeFilter(field_name="article__published_at", lookup_expr="lte")

    class Meta(StrictFilterSet.Meta):
        model = Citation
        fields = ["claim", "article", "anchor_state"]


class SpeakerFilter(StrictFilterSet):
    kind = filters.ChoiceFilter(choices=SpeakerKind.choices)
    q = TextFilter(method="filter_name", help_text="Part of the speaker's name or one of their aliases.")
    include_merged = filters.BooleanFilter(method="filter_merged", help_text="Also list speakers merged into others.")

    class Meta(StrictFilterSet.Meta):
        model = Speaker
        fields = ["kind"]

    def filter_name(self, queryset, name, value):
        aliases = SpeakerAlias.objects.filter(speaker=OuterRef("pk"), alias__icontains=value)
        return queryset.filter(Q(name__icontains=value) | Exists(aliases))

    def filter_merged(self, queryset, name, value):
        return queryset if value else queryset.filter(merged_into__isnull=True)


class MatchFilter(StrictFilterSet):
    state = filters.ChoiceFilter(choices=MatchState.choices)
    relation = filters.ChoiceFilter(choices=MatchRelation.choices)
    claim = IdFilter(field_name="claim_id")
    candidate = IdFilter(field_name="candidate_id")
    min_score = UnitIntervalFilter(field_name="score", lookup_expr="gte")
    kind = filters.ChoiceFilter(field_name="candidate__kind", choices=ClaimKind.choices, help_text="The candidate's kind.")
    outlet = IdFilter(field_name="candidate__article__outlet_id", help_text="Outlet id of the candidate's article.")
    speaker_name = TextFilter(method="filter_speaker_name",
                              help_text="Part of the name of the claim's or the candidate's speaker.")
    published_after = DateTimeFilter(field_name="candidate__article__published_at", lookup_expr="gte")
    published_before = DateTimeFilter(field_name="candidate__article__published_at", lookup_expr="lte")

    class Meta(StrictFilterSet.Meta):
        model = Match
        fields = ["state", "relation", "claim", "candidate"]

    def filter_speaker_name(self, queryset, name, value):
        return queryset.filter(Q(claim__speaker__name__icontains=value) | Q(candidate__speaker__name__icontains=value))
