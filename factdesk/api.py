"""The DRF router for /api/v1/, the claim exports, and the OpenAPI schema with its interactive page."""
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView
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
from claims.api.quality import ProposalQualityViewSet
from claims.factchecks.api import FactCheckLinkViewSet, FactCheckViewSet
from claims.checking.api import DeskCheckViewSet, NoteViewSet
from factdesk.api_docs import ApiDocsView
from factdesk.permissions import DeskRolePermission

router = DefaultRouter()
router.register("outlets", OutletViewSet, basename="outlet")
router.register("articles", ArticleViewSet, basename="article")
router.register("speakers", SpeakerViewSet, basename="speaker")
router.register("candidates", CandidateViewSet, basename="candidate")
router.register("claims", ClaimViewSet, basename="claim")
router.register("citations", CitationViewSet, basename="citation")
router.register("matches", MatchViewSet, basename="match")
router.register("desk-checks", DeskCheckViewSet, basename="deskcheck")
router.register("notes", NoteViewSet, basename="note")
router.register("factchecks", FactCheckViewSet, basename="factcheck")
router.register("factcheck-links", FactCheckLinkViewSet, basename="factchecklink")
router.register("proposal-quality", ProposalQualityViewSet, basename="proposal-quality")

urlpatterns = [
    # The schema describes unpublished review endpoints: it needs a role like everything else.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[DeskRolePermission]), name="api-schema"),
    path("docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^exports/claims\.(?P<fmt>[a-z]+)$", ExportClaimsAsView.as_view(), name="export-claims-format"),
    path("exports/claims/", ExportClaimsView.as_view(), name="export-claims"),
    path("", include(router.urls)),
]


@csrf_exempt  # it changes nothing; a POST to a wrong URL should hear 404, not a CSRF page
def api_not_found(request, *args, **kwargs):
    """Anything under /api/v1/ that no route matches: a JSON 404, not the review screens' HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)


# Last, so it only catches what the routes above did not (e.g. /api/v1/claims/0.5/).
urlpatterns.append(re_path(r"^[\s\S]*$", api_not_found))  # [\s\S]: newlines too
