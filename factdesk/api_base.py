"""What every API view shares: authentication order, conditional GET with ETags, strict filters and
ordering, refusal of parameters a list does not take, a JSON parser that survives hostile nesting,
a JSON 413 for bodies over the limit, and the error answers the OpenAPI schema documents."""
from __future__ import annotations

import datetime
import hashlib

import django_filters as filters
from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils import json
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import exception_handler as drf_exception_handler

# Token first: an anonymous caller then gets 401 with "WWW-Authenticate: Token" (what an
# integrator's client understands) instead of the bare 403 that session auth alone gives.
API_AUTHENTICATION = [TokenAuthentication, SessionAuthentication]

# Object ids in URLs: digits that fit a bigint; anything else falls through to the API's JSON 404.
ID_PATTERN = "[0-9]{1,18}"


def etag_for(data) -> str:
    """A strong ETag over the representation itself: it changes exactly when the body would."""
    body = json.dumps(data, cls=JSONEncoder, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(header: str, etag: str) -> bool:
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in candidates or etag in candidates


class ConditionalRetrieveMixin:
    """``retrieve`` with an ``ETag`` header, answering ``If-None-Match`` with 304 Not Modified."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        etag = etag_for(data)
        if _matches(request.headers.get("If-None-Match", ""), etag):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = Response(data)
        response["ETag"] = etag
        # Private: the answer depends on who asks (roles), so shared caches must not keep it.
        response["Cache-Control"] = "private, no-cache"
        return response


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class DeskAutoSchema(AutoSchema):
    """The generated schema, plus the error answers every desk endpoint can give.

    Each operation documents 401 (no or bad credentials), 403 (role), 429 (throttled), 404 when
    it addresses one object, 400 when it takes filters or a body, and 304 on conditional GETs,
    so clients (and schemathesis) see every status code the API really sends.
    """

    ERRORS = {
        "401": "Not signed in, or the token is wrong.",
        "403": "Your role does not allow this.",
        "429": "Too many requests; retry after the number of seconds in Retry-After.",
    }

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = dict(self.ERRORS)
        if "{" in self.path:
            errors["404"] = "No such object."
        elif self._is_list_view():
            errors["404"] = "The cursor is invalid (follow the next and previous links as they are)."
        if self.method != "GET" or self._is_list_view() or self.get_filter_backends():
            errors["400"] = "Invalid filters or body; the fields at fault and why."
        if self.method not in ("GET", "HEAD", "DELETE"):
            errors["413"] = "The body is larger than the API accepts (the limit is in `detail`)."
        for code, description in sorted(errors.items()):
            if code in responses:
                continue
            body = OpenApiTypes.OBJECT if code == "400" else ErrorDetailSerializer
            responses[code] = {**self._get_response_for_code(body, code, direction=direction), "description": description}
        if self.method == "GET" and "{" in self.path and not self._is_list_view():
            responses.setdefault("304", {"description": "Not modified: the If-None-Match ETag is still current."})
        return responses


# --------------------------------------------------------------------------- strict filters

BOOLEAN_VALUES = {"true", "false", "1", "0"}


class StrictFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if name not in self.data:
                continue
            raw = self.data.get(name)
            if raw == "" and not isinstance(field, forms.CharField):
                self.add_error(name, "This value may not be blank.")
            elif isinstance(field, forms.NullBooleanField) and str(raw).lower() not in BOOLEAN_VALUES:
                self.add_error(name, "Use true or false.")
        return cleaned


MAX_ID = 2**63 - 1  # the database's bigint: a larger "id" is a 400, not an overflow deep in a query


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 0, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """An object id: a whole number (django-filter's NumberFilter would take decimals)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictFilterSet(filters.FilterSet):
    class Meta:
        form = StrictFilterForm

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        filter_class, params = super().filter_for_lookup(field, lookup_type)
        if filter_class is filters.CharFilter:
            filter_class = TextFilter
        return filter_class, params


@extend_schema_field({"type": "number", "minimum": 0, "maximum": 1})
class UnitIntervalFilter(filters.NumberFilter):
    """A score or confidence threshold, from 0 to 1."""

    field_class = forms.FloatField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0.0)
        kwargs.setdefault("max_value", 1.0)
        super().__init__(*args, **kwargs)


class _SafeIsoDateTimeField(filters.fields.IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                # In UTC: PostgreSQL refuses offsets past ±15:59, which ISO 8601 allows.
                value = value.astimezone(datetime.timezone.utc)
            except OverflowError:
                raise forms.ValidationError("This date is out of range.", code="invalid") from None
        return value


# The schema says what the filter takes: a date-time in years 2 to 9998. Years 1 and 9999 may not
# convert to UTC (an offset can move them out of Python's range), and are refused with the reason.
@extend_schema_field({"type": "string", "format": "date-time", "pattern": "^(?!0001-|9999-)"})
class DateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 date-time; one too close to year 1 or 9999 to convert to UTC is a 400, not a crash."""

    field_class = _SafeIsoDateTimeField


@extend_schema_field({"type": "string", "pattern": "^[^\\u0000]*$"})
class TextFilter(filters.CharFilter):
    """Free text; a NUL character (which no database column can hold) is a 400, as documented."""


# --------------------------------------------------------------------------- hostile requests


class DeskJSONParser(JSONParser):
    """DRF's JSON parser, with a body nested too deeply to parse answered as a 400, not a 500.

    Python's decoder recurses once per level and gives up with ``RecursionError`` near a
    thousand; no API body is more than two levels deep, so such a body is refused whole.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def exception_handler(exc, context):
    """DRF's handler, plus a JSON 413 for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

    Django raises ``RequestDataTooBig`` when the body is read, and left alone it becomes a bare
    HTML "Bad Request (400)" that an API client cannot read.
    """
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = RequestTooLarge(f"The request body is larger than the {limit:,} bytes the API accepts.")
    return drf_exception_handler(exc, context)


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` that refuses a field it does not offer (DRF would quietly use the default)."""

    def _offered(self, queryset, view, request) -> list[str]:
        return [name for name, _label in self.get_valid_fields(queryset, view, {"request": request})]

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        terms = [term.strip() for term in raw.split(",")]
        offered = self._offered(queryset, view, request)
        unknown = [term for term in terms if term.removeprefix("-") not in offered]
        if unknown:
            choices = ", ".join(offered)
            shown = ", ".join(repr(term) for term in unknown)
            raise ValidationError({self.ordering_param: [
                f"This list cannot be ordered by {shown}; use {choices}, each with a leading '-' for descending "
                "order, separated by commas."
            ]})
        return terms

    def get_schema_operation_parameters(self, view):
        offered = [name if isinstance(name, str) else name[0] for name in getattr(view, "ordering_fields", None) or []]
        if not offered:
            return super().get_schema_operation_parameters(view)
        one = "-?(" + "|".join(offered) + ")"
        return [{
            "name": self.ordering_param,
            "required": False,
            "in": "query",
            "description": f"Order by {', '.join(offered)}; a leading '-' for descending, several separated by commas.",
            "schema": {"type": "string", "pattern": f"^{one}(,{one})*$"},
        }]


def known_parameters(view, *, filterset_class=None) -> set[str]:
    """The query parameters ``view`` takes: its filters, ordering, paging and ``format``."""
    filterset_class = filterset_class or getattr(view, "filterset_class", None)
    known = set(filterset_class.base_filters) if filterset_class else set()
    for backend in getattr(view, "filter_backends", []):
        if hasattr(backend, "ordering_param"):
            known.add(backend.ordering_param)
    paginator = getattr(view, "paginator", None)
    for name in ("cursor_query_param", "page_size_query_param"):
        if getattr(paginator, name, None):
            known.add(getattr(paginator, name))
    known.add(api_settings.URL_FORMAT_OVERRIDE)
    return known


def refuse_unknown_parameters(query_params, known: set[str]) -> None:
    """A 400 naming each parameter not in ``known``: a misspelt filter or another API's paging
    (``page``, ``limit``, ``offset``) would otherwise be ignored and the answer look right."""
    unknown = sorted(set(query_params) - known)
    if unknown:
        accepted = ", ".join(sorted(known))
        raise ValidationError({name: [f"Unknown parameter; this list takes {accepted}."] for name in unknown})


class KnownParametersOnly(BaseFilterBackend):
    """Lists answer 400 to a query parameter they do not take, instead of ignoring it."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", "list") == "list":
            refuse_unknown_parameters(request.query_params, known_parameters(view))
        return queryset


API_FILTER_BACKENDS = [KnownParametersOnly, DjangoFilterBackend, StrictOrderingFilter]


class DeskAPIMixin:
    """Parsing, filtering and error answers every API view shares (on top of its own auth)."""

    parser_classes = [DeskJSONParser]  # actions take JSON bodies; anything else is a clear 415
    filter_backends = API_FILTER_BACKENDS

    def get_exception_handler(self):
        return exception_handler
