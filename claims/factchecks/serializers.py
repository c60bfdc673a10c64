"""Serializers of the fact-check library, and the claim detail that lists a claim's fact-check links."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.api.serializers import ClaimSerializer
from claims.factchecks.models import FactCheck, FactCheckLink


class FactCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = FactCheck
        fields = [
            "id", "claim_reviewed", "headline", "rating", "rating_value", "best_rating", "worst_rating", "rating_score",
            "fact_checker", "fact_checker_url", "claimant", "url", "published", "language", "external_id", "source",
            "source_format", "version", "history", "imported_at", "updated_at",
        ]
        read_only_fields = fields


class FactCheckBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = FactCheck
        fields = ["id", "claim_reviewed", "headline", "rating", "rating_score", "fact_checker", "url", "published"]
        read_only_fields = fields


class FactCheckLinkSerializer(serializers.ModelSerializer):
    """A claim's link to a fact-check: its state, the matcher's score and evidence, and the fact-check."""

    factcheck = FactCheckBriefSerializer(read_only=True)

    class Meta:
        model = FactCheckLink
        fields = ["id", "claim", "state", "relation", "score", "lexical", "semantic", "evidence", "decided_at", "factcheck"]
        read_only_fields = fields


class ClaimDetailSerializer(ClaimSerializer):
    """A claim with its suggested and confirmed fact-check links (rejected ones are not shown)."""

    factcheck_links = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "factcheck_links"]
        read_only_fields = fields

    @extend_schema_field(FactCheckLinkSerializer(many=True))
    def get_factcheck_links(self, claim):
        links = (FactCheckLink.objects.filter(claim=claim).shown().select_related("factcheck")
                 .defer("factcheck__embedding").order_by("-score", "id"))
        return FactCheckLinkSerializer(links, many=True).data
