"""API shapes of the desk's own checks and notes, and the ``desk_check`` / ``notes`` of a claim's detail."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField

from claims.checking import rules
from claims.checking.models import DeskCheck, Note
from claims.checking.rules import MAX_NOTE_CHARS, MAX_VERDICT_CHARS


class UsernameField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="username", allow_null=True, **kwargs)


class DeskCheckSerializer(serializers.ModelSerializer):
    assignee = UsernameField(read_only=True)
    drafted_by = UsernameField(read_only=True)
    approved_by = UsernameField(read_only=True)
    published_by = UsernameField(read_only=True)
    moves = serializers.SerializerMethodField(help_text="The moves open from this state: start, draft, approve, publish, reopen.")

    class Meta:
        model = DeskCheck
        fields = [
            "id", "claim", "state", "assignee", "verdict", "explanation", "drafted_by", "approved_by", "published_by",
            "published_at", "factcheck", "moves", "revision", "created_at", "updated_at",
        ]
        read_only_fields = fields

    def get_moves(self, check) -> list[str]:
        return rules.moves_from(check.state)


class NoteSerializer(serializers.ModelSerializer):
    author = UsernameField(read_only=True)

    class Meta:
        model = Note
        fields = ["id", "claim", "author", "text", "mentions", "created_at"]
        read_only_fields = fields


class ClaimCheckSerializer(serializers.Serializer):
    """What a claim's detail says of the desk's work on it."""

    check = DeskCheckSerializer(allow_null=True)
    notes = NoteSerializer(many=True)


@extend_schema_field(ClaimCheckSerializer)
class DeskCheckOfClaimField(serializers.Field):
    """The claim's check and notes, on a single claim only: a list of claims leaves it out (no query per row)."""

    def __init__(self, **kwargs):
        # Not "read only" for the schema's sake: OpenAPI makes read-only fields required, and a list leaves
        # this one out. Claim serializers are never used for input, so nothing is ever written through it.
        super().__init__(source="*", required=False, **kwargs)

    def to_internal_value(self, data):
        raise serializers.ValidationError("The desk check is changed through /api/v1/desk-checks/, not here.")

    def get_attribute(self, instance):
        if isinstance(getattr(self.parent, "parent", None), serializers.ListSerializer):
            raise SkipField
        return instance

    def to_representation(self, claim):
        check = (DeskCheck.objects.filter(claim=claim)
                 .select_related("assignee", "drafted_by", "approved_by", "published_by").first())
        notes = Note.objects.filter(claim=claim).select_related("author")
        return {"check": DeskCheckSerializer(check).data if check else None, "notes": NoteSerializer(notes, many=True).data}


# --- request bodies -----------------------------------------------------------------------------

def _username(value: str):
    user = get_user_model().objects.filter(username=value).first()
    if user is None:
        raise serializers.ValidationError(f"No user is called {value!r}.")
    return user


class RevisionBody(serializers.Serializer):
    expected_revision = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class TakeUpBody(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    assignee = serializers.CharField(required=False, max_length=150, help_text="A username.")

    def validate_assignee(self, value):
        return _username(value)


class AssignBody(RevisionBody):
    assignee = serializers.CharField(max_length=150, help_text="A username.")

    def validate_assignee(self, value):
        return _username(value)


class DraftBody(RevisionBody):
    verdict = serializers.CharField(max_length=MAX_VERDICT_CHARS)
    explanation = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTE_CHARS)


class NoteBody(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    text = serializers.CharField(max_length=MAX_NOTE_CHARS)
