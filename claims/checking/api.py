"""``/api/v1/desk-checks/`` and ``/api/v1/notes/``: the desk's own checks, their moves, and notes on claims.

Viewers read; editors post (``DeskRolePermission``). ``POST /desk-checks/`` takes a claim up;
``POST /desk-checks/N/{assign,start,draft,approve,publish,reopen}/`` are the workflow's moves,
through the same services as the claim page: a refused move answers 400 with the reason (an
editor approving their own draft included), a stale ``expected_revision`` 409.
"""
from __future__ import annotations

import django_filters as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action

from claims.api.views import DECISION_RESPONSES, DeskViewSet, _body, _decide
from claims.checking.models import CheckState, DeskCheck, Note
from claims.checking.serializers import (
    AssignBody,
    DeskCheckSerializer,
    DraftBody,
    NoteBody,
    NoteSerializer,
    RevisionBody,
    TakeUpBody,
)
from claims.services import checking
from factdesk.api_base import IdFilter, StrictFilterSet, TextFilter


class DeskCheckFilter(StrictFilterSet):
    state = filters.ChoiceFilter(choices=CheckState.choices)
    assignee = TextFilter(field_name="assignee__username", help_text="The assignee's username.")
    claim = IdFilter(field_name="claim_id", help_text="Claim id.")

    class Meta:
        model = DeskCheck
        fields = ["state", "assignee", "claim"]


class NoteFilter(StrictFilterSet):
    claim = IdFilter(field_name="claim_id", help_text="Claim id.")

    class Meta:
        model = Note
        fields = ["claim"]


def _created(response):
    if response.status_code == status.HTTP_200_OK:
        response.status_code = status.HTTP_201_CREATED
    return response


@extend_schema_view(
    list=extend_schema(summary="List the desk's checks", description="Filter by state, assignee (username) or claim."),
    retrieve=extend_schema(summary="One check of a claim"),
)
class DeskCheckViewSet(DeskViewSet):
    serializer_class = DeskCheckSerializer
    filterset_class = DeskCheckFilter
    ordering_fields = ["id", "updated_at"]

    def get_queryset(self):
        return (DeskCheck.objects.select_related("assignee", "drafted_by", "approved_by", "published_by")
                .order_by("-updated_at", "-id"))

    def _serialize(self, check):
        return DeskCheckSerializer(self.get_queryset().get(pk=check.pk), context=self.get_serializer_context()).data

    @extend_schema(summary="Take a claim up for checking", request=TakeUpBody,
                   responses={201: DeskCheckSerializer, **DECISION_RESPONSES})
    def create(self, request, format=None):
        body = _body(TakeUpBody, request)
        assignee = body.get("assignee")
        return _created(_decide(lambda: checking.take_up_claim(
            claim_id=body["claim"], actor=request.user, assignee_id=assignee.pk if assignee else None), self._serialize))

    @extend_schema(summary="Assign the check", request=AssignBody, responses={200: DeskCheckSerializer, **DECISION_RESPONSES})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None, format=None):
        check, body = self.get_object(), _body(AssignBody, request)
        return _decide(lambda: checking.assign_check(check_id=check.pk, actor=request.user, assignee_id=body["assignee"].pk,
                                                     expected_revision=body.get("expected_revision")), self._serialize)

    @extend_schema(summary="Draft (or revise) the verdict", request=DraftBody,
                   responses={200: DeskCheckSerializer, **DECISION_RESPONSES})
    @action(detail=True, methods=["post"])
    def draft(self, request, pk=None, format=None):
        check, body = self.get_object(), _body(DraftBody, request)
        return _decide(lambda: checking.draft_verdict(
            check_id=check.pk, actor=request.user, verdict=body["verdict"], explanation=body.get("explanation", ""),
            expected_revision=body.get("expected_revision")), self._serialize)

    def _move(self, request, service):
        check, body = self.get_object(), _body(RevisionBody, request)
        return _decide(lambda: service(check_id=check.pk, actor=request.user, expected_revision=body.get("expected_revision")),
                       self._serialize)

    @extend_schema(summary="Start the check", request=RevisionBody, responses={200: DeskCheckSerializer, **DECISION_RESPONSES})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None, format=None):
        return self._move(request, checking.start_check)

    @extend_schema(summary="Approve the drafted verdict", description="By an editor other than the drafter, or an admin.",
                   request=RevisionBody, responses={200: DeskCheckSerializer, **DECISION_RESPONSES})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None, format=None):
        return self._move(request, checking.approve_verdict)

    @extend_schema(summary="Publish the approved verdict",
                   description="It becomes a fact-check by the desk's organisation: library, exports, `claim.verdict` webhook.",
                   request=RevisionBody, responses={200: DeskCheckSerializer, **DECISION_RESPONSES})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None, format=None):
        return self._move(request, checking.publish_verdict)

    @extend_schema(summary="Reopen the check", description="Back to in progress; a published verdict is withdrawn.",
                   request=RevisionBody, responses={200: DeskCheckSerializer, **DECISION_RESPONSES})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None, format=None):
        return self._move(request, checking.reopen_check)


@extend_schema_view(
    list=extend_schema(summary="List notes on claims", description="Filter by claim."),
    retrieve=extend_schema(summary="One note"),
)
class NoteViewSet(DeskViewSet):
    serializer_class = NoteSerializer
    filterset_class = NoteFilter
    ordering_fields = ["id", "created_at"]

    def get_queryset(self):
        return Note.objects.select_related("author").order_by("-created_at", "-id")

    @extend_schema(summary="Add a note to a claim", description="Plain text; @username mentions tell colleagues.",
                   request=NoteBody, responses={201: NoteSerializer, **DECISION_RESPONSES})
    def create(self, request, format=None):
        body = _body(NoteBody, request)
        return _created(_decide(lambda: checking.add_note(claim_id=body["claim"], actor=request.user, text=body["text"]),
                                lambda note: NoteSerializer(note).data))
