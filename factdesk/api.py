"""The DRF router for /api/v1/, the claim exports, and the OpenAPI schema with its interactive page."""
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from articles.api.views import ArticleViewSet, OutletViewSet
from claims.api.views import (
    CandidateViewSet,
    CitationViewSet,
    ClaimViewSet,
    ExportClaimsAsView,
    ExportClaimsView,
    MatchViewSet,
    SpeakerViewSet,
)
from factdesk.permissions import DeskRolePermission

router = DefaultRouter()
router.register("outlets", OutletViewSet, basename="outlet")
router.register("articles", ArticleViewSet, basename="article")
router.register("speakers", SpeakerViewSet, basename="speaker")
router.register("candidates", CandidateViewSet, basename="candidate")
router.register("claims", ClaimViewSet, basename="claim")
router.register("citations", CitationViewSet, basename="citation")
router.register("matches", MatchViewSet, basename="match")

urlpatterns = [
    # The schema describes unpublished review endpoints: it needs a role like everything else.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[DeskRolePermission]), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^exports/claims\.(?P<fmt>[a-z]+)$", ExportClaimsAsView.as_view(), name="export-claims-format"),
    path("exports/claims/", ExportClaimsView.as_view(), name="export-claims"),
    path("", include(router.urls)),
]
