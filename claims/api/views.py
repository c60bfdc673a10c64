"""API viewsets for speakers, candidates, claims, citations and matches, their review actions, and exports.

Reads need the viewer role; every action needs the editor role and calls the same service
as the review screens (``claims.services``), so it is audited and undoable. A refused
decision answers 400 and a lost race with another editor 409, both as ``{"detail": ...}``.
"""
from __future__ import annotations

from itertools import chain, islice

from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from claims import exports, services
from claims.api.filters import CandidateFilter, CitationFilter, ClaimFilter, MatchFilter, SpeakerFilter
from claims.api.serializers import (
    CandidateSerializer,
    CitationSerializer,
    ClaimSerializer,
    DetailSerializer,
    ExportClaimSerializer,
    MatchSerializer,
    MergeSerializer,
    RevisionSerializer,
    SpeakerSerializer,
)
from claims.models import Candidate, Citation, Claim, ClaimKind, Match, Speaker
from factdesk.api_base import (
    API_AUTHENTICATION,
    ID_PATTERN,
    MAX_ID,
    ConditionalRetrieveMixin,
    DeskAPIMixin,
    DeskAutoSchema,
    known_parameters,
    refuse_unknown_parameters,
)
from factdesk.permissions import DeskRolePermission

ARTICLE_BRIEF = ("article", "article__outlet")


def _citations_prefetch():
    return Prefetch("citations", queryset=Citation.objects.select_related(*ARTICLE_BRIEF).order_by("article__published_at", "id"))


def _decide(call, serialize):
    """Run a decision; ``Conflict`` → 409, ``DecisionError`` → 400, else 200 with the changed object."""
    try:
        result = call()
    except services.Conflict as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    except services.DecisionError as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return Response(serialize(result))


def _body(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


DECISION_RESPONSES = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="The decision cannot be made (the reason is in `detail`), or the body is invalid (per field).",
    ),
    403: OpenApiResponse(DetailSerializer, description="Your role cannot review."),
    404: OpenApiResponse(DetailSerializer, description="No such object."),
    409: OpenApiResponse(DetailSerializer, description="Another editor changed it first (`expected_revision` is stale)."),
}
REFUSED_EXAMPLE = OpenApiExample(
    "Refused", value={"detail": "Only a proposed claim can be confirmed; this one is rejected."},
    response_only=True, status_codes=["400"],
)
CONFLICT_EXAMPLE = OpenApiExample(
    "Conflict",
    value={"detail": "Another editor changed this claim since you opened it. Reload to see the current state."},
    response_only=True, status_codes=["409"],
)
REVISION_EXAMPLE = OpenApiExample("With the revision you saw", value={"expected_revision": 3}, request_only=True)


class DeskViewSet(DeskAPIMixin, ConditionalRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    authentication_classes = API_AUTHENTICATION
    schema = DeskAutoSchema()
    lookup_value_regex = ID_PATTERN
    permission_classes = [DeskRolePermission]


# --------------------------------------------------------------------------- speakers


@extend_schema_view(
    list=extend_schema(summary="List speakers", description="People, organisations and groups claims are attributed to."),
    retrieve=extend_schema(summary="One speaker with aliases and roles", description="Answers 304 to a matching If-None-Match."),
)
class SpeakerViewSet(DeskViewSet):
    serializer_class = SpeakerSerializer
    filterset_class = SpeakerFilter
    ordering_fields = ["id", "name"]

    def get_queryset(self):
        return Speaker.objects.prefetch_related("aliases", "roles")


# --------------------------------------------------------------------------- candidates


@extend_schema_view(
    list=extend_schema(summary="List candidates", description="Statements the extractor found, pending or reviewed."),
    retrieve=extend_schema(summary="One candidate", description="Answers 304 to a matching If-None-Match."),
)
class CandidateViewSet(DeskViewSet):
    serializer_class = CandidateSerializer
    filterset_class = CandidateFilter
    ordering_fields = ["id", "created_at", "confidence"]

    def get_queryset(self):
        return Candidate.objects.select_related("speaker", *ARTICLE_BRIEF).defer("article__text")

    def _serialize(self, candidate):
        return CandidateSerializer(self.get_queryset().get(pk=candidate.pk), context=self.get_serializer_context()).data

    @extend_schema(
        summary="Confirm a candidate",
        description="It is a real statement by its speaker; its claim becomes confirmed (created if it had none).",
        request=RevisionSerializer, responses={200: CandidateSerializer, **DECISION_RESPONSES},
        examples=[REVISION_EXAMPLE, CONFLICT_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None, format=None):
        candidate = self.get_object()
        body = _body(RevisionSerializer, request)
        return _decide(
            lambda: services.confirm_candidate(
                candidate_id=candidate.pk, actor=request.user, expected_revision=body.get("expected_revision")
            ),
            self._serialize,
        )

    @extend_schema(
        summary="Reject a candidate",
        description="Not a statement (or not this one): its citations go; a claim left without citations is rejected.",
        request=RevisionSerializer, responses={200: CandidateSerializer, **DECISION_RESPONSES},
        examples=[REVISION_EXAMPLE, CONFLICT_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, format=None):
        candidate = self.get_object()
        body = _body(RevisionSerializer, request)
        return _decide(
            lambda: services.reject_candidate(
                candidate_id=candidate.pk, actor=request.user, expected_revision=body.get("expected_revision")
            ),
            self._serialize,
        )


# --------------------------------------------------------------------------- claims


@extend_schema_view(
    list=extend_schema(
        summary="List claims",
        description="Claims with their speaker and every citation. Filter by status, kind, speaker, outlet, dates, text.",
    ),
    retrieve=extend_schema(summary="One claim with its citations", description="Answers 304 to a matching If-None-Match."),
)
class ClaimViewSet(DeskViewSet):
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    ordering_fields = ["id", "created_at", "updated_at"]

    def get_queryset(self):
        return Claim.objects.select_related("speaker").defer("embedding").prefetch_related(_citations_prefetch())

    def get_serializer_class(self):
        from claims.factchecks.serializers import ClaimDetailSerializer

        # The detail also lists the claim's fact-check links, suggested and confirmed.
        return ClaimDetailSerializer if self.action == "retrieve" else ClaimSerializer

    def _serialize(self, claim):
        return ClaimSerializer(self.get_queryset().get(pk=claim.pk), context=self.get_serializer_context()).data

    @extend_schema(
        summary="Confirm a claim",
        description="A proposed claim becomes confirmed, with its pending candidates. Announced to webhooks.",
        request=RevisionSerializer, responses={200: ClaimSerializer, **DECISION_RESPONSES},
        examples=[REVISION_EXAMPLE, REFUSED_EXAMPLE, CONFLICT_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None, format=None):
        claim = self.get_object()
        body = _body(RevisionSerializer, request)
        return _decide(
            lambda: services.confirm_claim(claim_id=claim.pk, actor=request.user, expected_revision=body.get("expected_revision")),
            self._serialize,
        )

    @extend_schema(
        summary="Reject a claim",
        description="A proposed or confirmed claim is rejected, with its pending candidates.",
        request=RevisionSerializer, responses={200: ClaimSerializer, **DECISION_RESPONSES},
        examples=[REVISION_EXAMPLE, CONFLICT_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, format=None):
        claim = self.get_object()
        body = _body(RevisionSerializer, request)
        return _decide(
            lambda: services.reject_claim(claim_id=claim.pk, actor=request.user, expected_revision=body.get("expected_revision")),
            self._serialize,
        )

    @extend_schema(
        summary="Merge this claim into another",
        description=(
            "Citations and candidates move to `target`; this claim remembers where it went. Claims of "
            "different speakers are refused unless `allow_other_speaker`. Answers with the target claim."
        ),
        request=MergeSerializer, responses={200: ClaimSerializer, **DECISION_RESPONSES},
        examples=[
            OpenApiExample("Merge", value={"target": 42}, request_only=True),
            OpenApiExample(
                "Already merged", value={"detail": "Claim 7 was already merged into claim 9 (perhaps by another editor)."},
                response_only=True, status_codes=["409"],
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None, format=None):
        claim = self.get_object()
        body = _body(MergeSerializer, request)
        return _decide(
            lambda: services.merge_claims(
                source_id=claim.pk, target_id=body["target"], actor=request.user,
                allow_other_speaker=body["allow_other_speaker"],
            ),
            self._serialize,
        )


# --------------------------------------------------------------------------- citations


@extend_schema_view(
    list=extend_schema(summary="List citations", description="Where claims were reported: article, offsets, exact quote."),
    retrieve=extend_schema(summary="One citation", description="Answers 304 to a matching If-None-Match."),
)
class CitationViewSet(DeskViewSet):
    serializer_class = CitationSerializer
    filterset_class = CitationFilter
    ordering_fields = ["id", "created_at"]

    def get_queryset(self):
        return Citation.objects.select_related(*ARTICLE_BRIEF).defer("article__text")


# --------------------------------------------------------------------------- matches


@extend_schema_view(
    list=extend_schema(summary="List matches", description="Proposals that a candidate reports an existing claim, with evidence."),
    retrieve=extend_schema(summary="One match with its evidence", description="Answers 304 to a matching If-None-Match."),
)
class MatchViewSet(DeskViewSet):
    serializer_class = MatchSerializer
    filterset_class = MatchFilter
    ordering_fields = ["id", "score", "created_at"]

    def get_queryset(self):
        return Match.objects.select_related(
            "claim__speaker", "candidate__speaker", "candidate__article__outlet"
        ).defer("candidate__article__text", "claim__embedding")

    def _serialize(self, match):
        return MatchSerializer(self.get_queryset().get(pk=match.pk), context=self.get_serializer_context()).data

    @extend_schema(
        summary="Accept a match",
        description="The candidate reports the match's claim: its citation moves to that claim.",
        request=None, responses={200: MatchSerializer, **DECISION_RESPONSES},
        examples=[OpenApiExample(
            "Refused", value={"detail": "This match was already accepted."}, response_only=True, status_codes=["400"]
        )],
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None, format=None):
        match = self.get_object()
        return _decide(lambda: services.accept_match(match_id=match.pk, actor=request.user), self._serialize)

    @extend_schema(
        summary="Reject a match",
        description="Not the same claim; the pair is never proposed again.",
        request=None, responses={200: MatchSerializer, **DECISION_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, format=None):
        match = self.get_object()
        return _decide(lambda: services.reject_match(match_id=match.pk, actor=request.user), self._serialize)


# --------------------------------------------------------------------------- exports


ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 0, "maximum": MAX_ID}
EXPORT_FILTERS = [
    OpenApiParameter("kind", OpenApiTypes.STR, enum=ClaimKind.values, description="The claim's kind."),
] + [
    OpenApiParameter(name, type, description=description)
    for name, type, description in [
        ("speaker", ID_SCHEMA, "Speaker id."),
        ("outlet", ID_SCHEMA, "Outlet id: claims cited at least once in this outlet."),
        ("first_reported_after", OpenApiTypes.DATETIME, "First reported on or after."),
        ("first_reported_before", OpenApiTypes.DATETIME, "First reported on or before."),
        ("published_after", OpenApiTypes.DATETIME, "Cited in an article published on or after."),
        ("published_before", OpenApiTypes.DATETIME, "Cited in an article published on or before."),
        ("rated", OpenApiTypes.BOOL, "Only claims with (true) or without (false) a rating."),
        ("q", {"type": "string", "pattern": "^[^\\u0000]*$"}, "Words in the claim's text or its speaker's name."),
    ]
]


EXPORT_DESCRIPTION = (
    "Confirmed claims with every citation, as JSON (an array), JSON Lines (one claim per line), CSV "
    "(one row per citation) or schema.org JSON-LD (a `Claim` per claim — author, appearance, "
    "firstAppearance — wrapped in a `ClaimReview` when the claim carries a rating). Takes the claim "
    "list's filters. Streamed in constant memory, so any size works."
)
EXPORT_RESPONSES = {
    (200, "application/json"): ExportClaimSerializer(many=True),
    (200, "application/x-ndjson"): OpenApiTypes.STR,
    (200, "text/csv"): OpenApiTypes.STR,
    (200, "application/ld+json"): OpenApiTypes.OBJECT,
    400: OpenApiResponse(description="A filter value is invalid."),
    404: OpenApiResponse(description="Unknown format."),
}
EXPORT_EXAMPLES = [
    OpenApiExample(
        "Claim record",
        value={
            "id": 12, "text": "We will cut the deficit by half within four years", "kind": "direct",
            "status": "confirmed", "speaker": {"id": 3, "name": "Jane Rivers", "kind": "person"},
            "rating": "", "rating_explanation": "", "first_reported_at": "2024-03-04T09:30:00Z",
            "confirmed_at": "2024-03-05T10:00:00Z", "updated_at": "2024-03-05T10:00:00Z",
            "citations": [{
                "id": 40,
                "article": {"id": 7, "title": "Rivers promises to halve the deficit", "url": "https://news.example/a/7",
                            "outlet": "News Example", "outlet_domain": "news.example",
                            "published_at": "2024-03-04T09:30:00Z"},
                "start": 44, "end": 97, "quote": "\u201cWe will cut the deficit by half within four years,\u201d",
                "anchor_state": "anchored", "article_version": 1,
            }],
        },
        response_only=True, media_type="application/json",
    ),
]


class ExportClaimsView(DeskAPIMixin, APIView):
    """Confirmed claims with all their citations, streamed; the format from ``?format=`` (default JSON)."""

    authentication_classes = API_AUTHENTICATION
    schema = DeskAutoSchema()
    lookup_value_regex = ID_PATTERN
    permission_classes = [DeskRolePermission]
    renderer_classes = [JSONRenderer]  # for errors; exports themselves are streamed as they are
    filter_backends = []  # the claim list's filters are applied in export(), documented as EXPORT_FILTERS

    def perform_content_negotiation(self, request, force=False):
        # ``?format=csv`` names the export format here, not a DRF renderer: errors stay JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        operation_id="export_claims",
        summary="Export confirmed claims",
        description=EXPORT_DESCRIPTION,
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(exports.FORMATS), description="Export format (default json)."),
            *EXPORT_FILTERS,
        ],
        responses=EXPORT_RESPONSES,
        examples=EXPORT_EXAMPLES,
    )
    def get(self, request):
        return self.export(request, request.query_params.get("format") or "json")

    def export(self, request, fmt: str):
        fmt = fmt.lower()
        if fmt not in exports.FORMATS:
            raise NotFound(f"Unknown export format {fmt!r}; choose one of {', '.join(exports.FORMATS)}.")
        refuse_unknown_parameters(request.query_params, known_parameters(self, filterset_class=ClaimFilter))
        params = request.query_params.copy()
        params.pop("format", None)
        params.pop("status", None)  # exports are of confirmed claims only
        claim_filter = ClaimFilter(params, queryset=Claim.objects.all(), request=request)
        if not claim_filter.is_valid():
            raise ValidationError(claim_filter.errors)
        records = exports.iter_records(exports.exportable_claims(claim_filter.qs))
        # Read the first chunk now: a database error then becomes an error response, not a
        # 200 whose body breaks off after its first bytes.
        first = list(islice(records, 1))
        body = exports.WRITERS[fmt](chain(first, records))
        response = StreamingHttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="factdesk-claims.{fmt}"'
        response["Cache-Control"] = "private, no-store"
        return response


class ExportClaimsAsView(ExportClaimsView):
    """The same export with the format as the URL's suffix: ``/exports/claims.csv``."""

    @extend_schema(
        operation_id="export_claims_as",
        summary="Export confirmed claims (format in the URL)",
        description=EXPORT_DESCRIPTION,
        parameters=[
            OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(exports.FORMATS), description="Format."),
            *EXPORT_FILTERS,
        ],
        responses=EXPORT_RESPONSES,
        examples=EXPORT_EXAMPLES,
    )
    def get(self, request, fmt):
        return self.export(request, fmt)
