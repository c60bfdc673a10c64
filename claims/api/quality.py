"""``/api/v1/proposal-quality/``: how editors decided the desk's proposals, as the Operations page shows it.

Read-only, for every desk role (like the other reads): candidates by kind, outlet and extractor
version, match suggestions by relation and score band, each with accepted/rejected counts and
the acceptance rate (``claims.ops.proposal_quality``), so a threshold can be set from evidence.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from claims import ops
from factdesk.api_base import API_AUTHENTICATION, DeskAPIMixin, DeskAutoSchema, refuse_unknown_parameters
from factdesk.permissions import DeskRolePermission


class RateSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="What the row counts: a kind, an outlet, a version, or a relation and score band.")
    accepted = serializers.IntegerField(help_text="Proposals editors accepted (candidates confirmed, suggestions accepted).")
    rejected = serializers.IntegerField()
    decided = serializers.IntegerField()
    acceptance = serializers.FloatField(allow_null=True, help_text="accepted / decided, null before any decision.")
    one_in = serializers.IntegerField(allow_null=True, help_text="Accepted about one time in this many decisions.")
    edited = serializers.IntegerField(required=False, help_text="Candidates whose span or speaker an editor corrected first.")
    relation = serializers.CharField(required=False, help_text="Match suggestions only.")
    band = serializers.CharField(required=False, help_text="Match suggestions only: the score band.")


class ProposalQualitySerializer(serializers.Serializer):
    by_kind = RateSerializer(many=True)
    by_outlet = RateSerializer(many=True, help_text="The 15 outlets with the most decisions.")
    by_version = RateSerializer(many=True)
    matches = RateSerializer(many=True, help_text="Match suggestions an editor decided, by relation and score band.")


class _OneObjectSchema(DeskAutoSchema):
    """The answer is one object of tables, not a list, though the router calls the action ``list``."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class ProposalQualityViewSet(DeskAPIMixin, viewsets.ViewSet):
    authentication_classes = API_AUTHENTICATION
    schema = _OneObjectSchema()
    permission_classes = [DeskRolePermission]
    filter_backends = []

    @extend_schema(
        operation_id="proposal_quality",
        summary="How editors decided the desk's proposals",
        description=__doc__.split("\n\n", 1)[1],
        responses=ProposalQualitySerializer,
    )
    def list(self, request, format=None):  # noqa: A002 (the router passes ".json" as format)
        refuse_unknown_parameters(request.query_params, {"format"})
        return Response(ProposalQualitySerializer(ops.proposal_quality()).data)
