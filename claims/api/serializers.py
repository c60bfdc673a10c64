"""Serializers for speakers, candidates, claims, citations and matches: explicit field lists.

Nested objects are brief (id and a label) so a list stays one query per relation, and every
relation is loaded by the viewset's ``get_queryset`` (select/prefetch), never per row.
"""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.api.serializers import OutletBriefSerializer, article_url_field
from articles.models import Article
from claims.checking.serializers import DeskCheckOfClaimField
from claims.models import (
    AnchorState,
    Candidate,
    CandidateStatus,
    Citation,
    Claim,
    ClaimKind,
    ClaimStatus,
    Match,
    MatchRelation,
    MatchState,
    Speaker,
    SpeakerKind,
    SpeakerRole,
)
from factdesk.api_base import MAX_ID


def _enum_field(choices, component_name: str):
    """A read-only choice field whose OpenAPI enum has a stable name of its own.

    Several models have a ``kind`` or a ``status`` with different values; named components keep
    them apart in the schema (drf-spectacular would otherwise warn and invent hashed names).
    """

    def __init__(self, **kwargs):
        serializers.ChoiceField.__init__(self, choices=choices.choices, read_only=True, **kwargs)

    field_class = type(f"{component_name}Field", (serializers.ChoiceField,), {"__init__": __init__})
    return extend_schema_field({"type": "string", "enum": list(choices.values)}, component_name=component_name)(field_class)


SpeakerKindField = _enum_field(SpeakerKind, "SpeakerKind")
ClaimKindField = _enum_field(ClaimKind, "ClaimKind")
ClaimStatusField = _enum_field(ClaimStatus, "ClaimStatus")
CandidateStatusField = _enum_field(CandidateStatus, "CandidateStatus")
MatchStateField = _enum_field(MatchState, "MatchState")
MatchRelationField = _enum_field(MatchRelation, "MatchRelation")
AnchorStateField = _enum_field(AnchorState, "AnchorState")


class SpeakerBriefSerializer(serializers.ModelSerializer):
    kind = SpeakerKindField()

    class Meta:
        model = Speaker
        fields = ["id", "name", "kind"]


class SpeakerRoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpeakerRole
        fields = ["role", "first_seen", "last_seen"]


class SpeakerSerializer(serializers.ModelSerializer):
    kind = SpeakerKindField()
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="alias")
    roles = SpeakerRoleSerializer(many=True, read_only=True)

    class Meta:
        model = Speaker
        fields = ["id", "name", "kind", "merged_into", "aliases", "roles", "created_at"]
        read_only_fields = fields


class ArticleBriefSerializer(serializers.ModelSerializer):
    outlet = OutletBriefSerializer(read_only=True)
    url = article_url_field()

    class Meta:
        model = Article
        fields = ["id", "title", "url", "outlet", "published_at"]


class CitationSerializer(serializers.ModelSerializer):
    anchor_state = AnchorStateField()
    article = ArticleBriefSerializer(read_only=True)

    class Meta:
        model = Citation
        fields = [
            "id", "claim", "article", "candidate", "start", "end", "quote", "prefix", "suffix", "content_hash",
            "article_version", "anchor_state", "anchor_score", "created_at",
        ]
        read_only_fields = fields


class ClaimCitationSerializer(CitationSerializer):
    """A citation inside its claim: the claim id would only repeat."""

    class Meta(CitationSerializer.Meta):
        fields = [f for f in CitationSerializer.Meta.fields if f != "claim"]
        read_only_fields = fields


class ClaimSerializer(serializers.ModelSerializer):
    kind = ClaimKindField()
    status = ClaimStatusField()
    speaker = SpeakerBriefSerializer(read_only=True)
    citations = ClaimCitationSerializer(many=True, read_only=True)
    desk_check = DeskCheckOfClaimField(help_text="The desk's own check and notes (single claims only).")

    class Meta:
        model = Claim
        fields = [
            "id", "text", "kind", "status", "speaker", "merged_into", "first_article", "first_reported_at", "confirmed_at",
            "rating", "rating_explanation", "revision", "created_at", "updated_at", "citations", "desk_check",
        ]
        read_only_fields = fields


class ClaimBriefSerializer(serializers.ModelSerializer):
    status = ClaimStatusField()
    speaker = SpeakerBriefSerializer(read_only=True)

    class Meta:
        model = Claim
        fields = ["id", "text", "status", "speaker"]


class CandidateSerializer(serializers.ModelSerializer):
    kind = ClaimKindField()
    status = CandidateStatusField()
    speaker = SpeakerBriefSerializer(read_only=True)
    article = ArticleBriefSerializer(read_only=True)

    class Meta:
        model = Candidate
        fields = [
            "id", "article", "content_hash", "kind", "start", "end", "text", "speaker", "speaker_text", "speaker_resolved",
            "cue", "confidence", "checkworthiness", "floating", "stance", "extractor_version", "status", "claim", "reviewed_at",
            "revision", "created_at",
        ]
        read_only_fields = fields


class CandidateBriefSerializer(serializers.ModelSerializer):
    kind = ClaimKindField()
    status = CandidateStatusField()
    speaker = SpeakerBriefSerializer(read_only=True)
    article = ArticleBriefSerializer(read_only=True)

    class Meta:
        model = Candidate
        fields = ["id", "text", "kind", "status", "speaker", "article"]


class MatchSerializer(serializers.ModelSerializer):
    relation = MatchRelationField()
    state = MatchStateField()
    candidate = CandidateBriefSerializer(read_only=True)
    claim = ClaimBriefSerializer(read_only=True)
    evidence = serializers.JSONField(read_only=True, help_text="What the matcher saw: overlapping words, scores, differences.")

    class Meta:
        model = Match
        fields = [
            "id", "candidate", "claim", "score", "lexical", "semantic", "relation", "evidence", "state", "automatic",
            "decided_at", "created_at",
        ]
        read_only_fields = fields


# --------------------------------------------------------------------------- action bodies


class RevisionSerializer(serializers.Serializer):
    expected_revision = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="The revision you saw; a newer one answers 409 instead of overwriting."
    )


class MergeSerializer(serializers.Serializer):
    target = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The claim this one is merged into.")
    allow_other_speaker = serializers.BooleanField(default=False)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --------------------------------------------------------------------------- export records (schema only)
# The export is streamed by claims.exports without serializers (for speed); these describe
# its JSON records in the OpenAPI schema so clients and schemathesis can check them.


class ExportSpeakerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class ExportArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    outlet = serializers.CharField()
    outlet_domain = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField(allow_null=True)


class ExportCitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    article = ExportArticleSerializer()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    quote = serializers.CharField()
    anchor_state = serializers.CharField()
    article_version = serializers.IntegerField()


class ExportClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    speaker = ExportSpeakerSerializer(allow_null=True)
    rating = serializers.CharField(allow_blank=True)
    rating_explanation = serializers.CharField(allow_blank=True)
    first_reported_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    citations = ExportCitationSerializer(many=True)
