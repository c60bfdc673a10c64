"""What every API viewset shares: authentication order and conditional GET with ETags."""
from __future__ import annotations

import hashlib

from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.response import Response
from rest_framework.utils import json
from rest_framework.utils.encoders import JSONEncoder

# Token first: an anonymous caller then gets 401 with "WWW-Authenticate: Token" (what an
# integrator's client understands) instead of the bare 403 that session auth alone gives.
API_AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


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
