"""``/api/v1/factchecks/``: the fact-check library (list with filters, detail), and a claim's linked fact-checks.

Read-only for every desk role; links are decided on ``/api/v1/factcheck-links/N/confirm/`` and
``…/reject/`` by editors, through the same services as the claim page.
"""
from __future__ import annotations

import django_filters as filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from claims.api.views import DECISION_RESPONSES, DeskViewSet, _decide
from claims.factchecks import linking
from claims.factchecks.models import FactCheck, FactCheckFormat, FactCheckLink, LinkState
from claims.factchecks.serializers import FactCheckLinkSerializer, FactCheckSerializer
from factdesk.api_base import IdFilter, StrictFilterSet, TextFilter


class FactCheckFilter(StrictFilterSet):
    fact_checker = TextFilter(field_name="fact_checker", lookup_expr="iexact", help_text="The fact-checker's name.")
    rating = TextFilter(field_name="rating", lookup_expr="iexact", help_text="The rating as published, e.g. False.")
    published_after = filters.DateFilter(field_name="published", lookup_expr="gte")
    published_before = filters.DateFilter(field_name="published", lookup_expr="lte")
    source_format = filters.ChoiceFilter(choices=FactCheckFormat.choices)
    q = TextFilter(method="filter_text", help_text="Words in the claim reviewed or the headline.")

    class Meta(StrictFilterSet.Meta):
        model = FactCheck
        fields = ["fact_checker", "rating", "source_format"]

    def filter_text(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(Q(claim_reviewed__icontains=word) | Q(headline__icontains=word))
        return queryset


class FactCheckLinkFilter(StrictFilterSet):
    state = filters.ChoiceFilter(choices=LinkState.choices)
    claim = IdFilter(field_name="claim_id", help_text="Claim id.")
    factcheck = IdFilter(field_name="factcheck_id", help_text="Fact-check id.")

    class Meta(StrictFilterSet.Meta):
        model = FactCheckLink
        fields = ["state", "claim", "factcheck"]


@extend_schema_view(
    list=extend_schema(summary="List fact-checks", description="The library: published ClaimReviews, imported."),
    retrieve=extend_schema(summary="One fact-check with its earlier versions"),
)
class FactCheckViewSet(DeskViewSet):
    serializer_class = FactCheckSerializer
    filterset_class = FactCheckFilter
    ordering_fields = ["id", "published", "imported_at"]

    def get_queryset(self):
        return FactCheck.objects.defer("embedding").order_by("-published", "-id")


@extend_schema_view(
    list=extend_schema(summary="List links between claims and fact-checks"),
    retrieve=extend_schema(summary="One link between a claim and a fact-check"),
)
class FactCheckLinkViewSet(DeskViewSet):
    serializer_class = FactCheckLinkSerializer
    filterset_class = FactCheckLinkFilter
    ordering_fields = ["id", "score", "created_at"]

    def get_queryset(self):
        return FactCheckLink.objects.select_related("factcheck").defer("factcheck__embedding").order_by("-score", "id")

    def _serialize(self, link):
        return FactCheckLinkSerializer(self.get_queryset().get(pk=link.pk), context=self.get_serializer_context()).data

    @extend_schema(summary="Confirm a link", description="The claim is the one the fact-checker checked.",
                   request=None, responses={200: FactCheckLinkSerializer, **DECISION_RESPONSES})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None, format=None):
        link = self.get_object()
        return _decide(lambda: linking.confirm_factcheck_link(link_id=link.pk, actor=request.user), self._serialize)

    @extend_schema(summary="Reject a link", description="Another claim: hidden, and never suggested again.",
                   request=None, responses={200: FactCheckLinkSerializer, **DECISION_RESPONSES})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, format=None):
        link = self.get_object()
        return _decide(lambda: linking.reject_factcheck_link(link_id=link.pk, actor=request.user), self._serialize)
