"""Cursor pagination for every API list: stable under inserts, no COUNT(*) on big tables.

A cursor is only base64 over ``p=<position>&o=<offset>&r=<reverse>``, so anyone can forge one;
the position is checked against the field the list is ordered by before it reaches a query,
and a cursor that does not fit is the documented 404 with the reason.
"""
import datetime
import math

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

MAX_BIGINT = 2**63 - 1
INVALID_CURSOR = "Invalid cursor: follow the next and previous links as they are given."


class DeskCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"
    invalid_cursor_message = INVALID_CURSOR

    def get_page_size(self, request):
        # DRF quietly falls back to the default on a bad page_size; a client that asked for
        # something else deserves to hear that it did not get it.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return size

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model  # decode_cursor checks positions against its fields
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            field_name = self.ordering[0].removeprefix("-")
            if not _fits(self._model, field_name, cursor.position):
                raise NotFound(f"{INVALID_CURSOR} Its position is not a value of {field_name!r}, which the list is ordered by.")
        return cursor

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters


def _fits(model, field_name: str, position: str) -> bool:
    """Whether ``position`` is a value the database can compare ``field_name`` with."""
    try:
        field = model._meta.get_field("id" if field_name == "pk" else field_name)
    except FieldDoesNotExist:
        return False
    if "\x00" in position:  # no column can hold NUL, and PostgreSQL refuses it in a parameter
        return False
    try:
        value = field.to_python(position)
    except (DjangoValidationError, ValueError, TypeError, OverflowError):
        return False
    if isinstance(field, (models.IntegerField, models.AutoField)):
        return -MAX_BIGINT - 1 <= value <= MAX_BIGINT
    if isinstance(field, models.FloatField):
        return math.isfinite(value)
    if isinstance(field, models.DateTimeField):
        if value.tzinfo is None:  # positions this API gives out always carry their offset
            return False
        try:
            value.astimezone(datetime.timezone.utc)
        except OverflowError:
            return False
    return True
