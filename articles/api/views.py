"""API viewsets for outlets and articles; creating an article goes through ``articles.services``."""
from __future__ import annotations

import logging

from django.conf import settings
from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from articles.api.serializers import (
    ArticleDetailSerializer,
    ArticleImportSerializer,
    ArticleListSerializer,
    ImportResultSerializer,
    OutletSerializer,
)
from articles.models import Article, ArticleVersion, Outlet, SourceFormat
from factdesk.api_base import (
    API_AUTHENTICATION,
    ID_PATTERN,
    ConditionalRetrieveMixin,
    DateTimeFilter,
    DeskAPIMixin,
    DeskAutoSchema,
    IdFilter,
    StrictFilterSet,
    TextFilter,
)
from factdesk.permissions import CanImportArticles, DeskRolePermission

logger = logging.getLogger(__name__)


class OutletFilter(StrictFilterSet):
    q = TextFilter(method="filter_name", help_text="Part of the outlet's name or domain.")

    class Meta(StrictFilterSet.Meta):
        model = Outlet
        fields = ["slug", "domain"]

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(domain__icontains=value))


class ArticleFilter(StrictFilterSet):
    outlet = IdFilter(field_name="outlet_id", help_text="Outlet id.")
    published_after = DateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = DateTimeFilter(field_name="published_at", lookup_expr="lte")
    q = TextFilter(field_name="title", lookup_expr="icontains", help_text="Words in the title.")

    class Meta(StrictFilterSet.Meta):
        model = Article
        fields = ["outlet", "source_format", "language"]


@extend_schema_view(
    list=extend_schema(summary="List outlets", description="Every outlet articles were imported from."),
    retrieve=extend_schema(summary="One outlet", description="Answers 304 to If-None-Match with the current ETag."),
)
class OutletViewSet(DeskAPIMixin, ConditionalRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = OutletSerializer
    authentication_classes = API_AUTHENTICATION
    schema = DeskAutoSchema()
    lookup_value_regex = ID_PATTERN
    permission_classes = [DeskRolePermission]
    filterset_class = OutletFilter
    ordering_fields = ["id", "name"]
    queryset = Outlet.objects.all()


ARTICLE_EXAMPLE = {
    "text": "The minister, Jane Rivers, spoke on Monday.\n\u201cWe will cut the deficit by half,\u201d Rivers said.",
    "title": "Rivers promises to halve the deficit",
    "url": "https://news.example/politics/rivers-deficit",
    "outlet": "News Example",
    "published_at": "2024-03-04T09:30:00Z",
}


@extend_schema_view(
    list=extend_schema(
        summary="List articles",
        description="Newest first by default; the text is left out (fetch one article for it).",
    ),
    retrieve=extend_schema(
        summary="One article with its text and versions",
        description="Citations' offsets point into ``text``. Answers 304 to If-None-Match with the current ETag.",
    ),
)
class ArticleViewSet(DeskAPIMixin, ConditionalRetrieveMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    authentication_classes = API_AUTHENTICATION
    schema = DeskAutoSchema()
    lookup_value_regex = ID_PATTERN
    filterset_class = ArticleFilter
    ordering_fields = ["id", "imported_at"]

    def get_permissions(self):
        if self.action == "create":
            return [CanImportArticles()]
        return [DeskRolePermission()]

    def get_queryset(self):
        queryset = Article.objects.select_related("outlet")
        if self.action == "list":
            return queryset.defer("text")
        return queryset.prefetch_related(
            Prefetch("versions", queryset=ArticleVersion.objects.defer("text").order_by("number"))
        )

    def get_serializer_class(self):
        if self.action == "list":
            return ArticleListSerializer
        if self.action == "create":
            return ArticleImportSerializer
        return ArticleDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "max_bytes": settings.FACTDESK_MAX_ARTICLE_BYTES}

    @extend_schema(
        summary="Import an article",
        description=(
            "Send the article's text and metadata to import it now, through the same service as "
            "`manage.py import_articles` (201 when created, 200 when it is a new version of a known "
            "article or unchanged). Or send `source_url` to have the worker fetch and import it (202). "
            "Extraction of candidates is queued once the article is stored. Needs the import permission."
        ),
        request=ArticleImportSerializer,
        responses={
            201: ImportResultSerializer,
            200: ImportResultSerializer,
            202: ImportResultSerializer,
            400: OpenApiResponse(description="Invalid input, or the import refused it (with the reason)."),
        },
        examples=[
            OpenApiExample("Article text", value=ARTICLE_EXAMPLE, request_only=True),
            OpenApiExample("Fetch a URL", value={"source_url": "https://news.example/politics/rivers-deficit"}, request_only=True),
            OpenApiExample(
                "Queued", value={"status": "queued", "detail": "The worker will fetch and import this URL."},
                response_only=True, status_codes=["202"],
            ),
        ],
    )
    def create(self, request, *args, **kwargs):
        serializer = ArticleImportSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("source_url"):
            return self._queue_fetch(request, data)
        return self._import_text(request, data)

    def _queue_fetch(self, request, data):
        from articles.tasks import fetch_url
        from factdesk.queueing import enqueue_on_commit

        url, outlet, user_id = data["source_url"], data.get("outlet", ""), request.user.pk
        # Queued after the surrounding transaction (if any) commits, as every task is.
        if enqueue_on_commit(fetch_url, url, outlet, user_id).failed:  # broker unreachable: say so, not a 500
            return Response(
                {"detail": "The import queue is unavailable; try again shortly."}, status=status.HTTP_503_SERVICE_UNAVAILABLE
            )
        return Response(
            {"status": "queued", "detail": "The worker will fetch and import this URL."}, status=status.HTTP_202_ACCEPTED
        )

    def _import_text(self, request, data):
        from articles import services
        from articles.importers import ParsedArticle

        try:
            parsed = ParsedArticle(
                text=data["text"],
                title=data.get("title", ""),
                byline=data.get("byline", ""),
                url=data.get("url", ""),
                published_at=data.get("published_at"),
                language=data.get("language") or "en",
                outlet=data.get("outlet", ""),
                external_id=data.get("external_id", ""),
                source_format=SourceFormat.JSON,
            )
        except ValueError as exc:
            return Response({"text": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        outcome = services.import_articles([parsed], source="api", outlet=data.get("outlet", ""), user=request.user)[0]
        if outcome.failed:
            return Response({"detail": f"Not imported: {outcome.reason}"}, status=status.HTTP_400_BAD_REQUEST)
        article = self.get_queryset().get(pk=outcome.article_id)
        messages = {
            services.CREATED: "Imported; extraction is queued.",
            services.NEW_VERSION: "A new version of a known article; extraction is queued.",
            services.UNCHANGED: "This article was already imported with the same text.",
        }
        body = {"status": outcome.status, "detail": messages[outcome.status], "article": ArticleDetailSerializer(article).data}
        return Response(body, status=status.HTTP_201_CREATED if outcome.status == services.CREATED else status.HTTP_200_OK)
