"""Review screens (GET) and the decisions they post (POST, one service call each)."""
from django.urls import include, path

from claims.factchecks import views as factcheck_views
from claims.views import article, candidate, claim, dashboard, match, operations, queue, search, speaker

app_name = "claims"

urlpatterns = [
    path("", dashboard.show, name="dashboard"),
    path("ops/", operations.show, name="operations"),
    path("queue/", queue.show, name="queue"),
    path("queue/bulk/", queue.bulk_decide, name="bulk"),
    path("queue/class/", queue.decide_class, name="bulk-class"),
    path("queue/claims/<int:pk>/confirm/", queue.confirm_claim, name="queue-claim-confirm"),
    path("queue/claims/<int:pk>/reject/", queue.reject_claim, name="queue-claim-reject"),
    path("search/", search.show, name="search"),
    path("articles/<int:pk>/", article.show, name="article"),
    path("candidates/<int:pk>/confirm/", candidate.confirm, name="candidate-confirm"),
    path("candidates/<int:pk>/reject/", candidate.reject, name="candidate-reject"),
    path("candidates/<int:pk>/edit/", candidate.edit, name="candidate-edit"),
    path("matches/<int:pk>/accept/", match.accept, name="match-accept"),
    path("matches/<int:pk>/reject/", match.reject, name="match-reject"),
    path("cite/", article.cite, name="cite"),
    path("claims/<int:pk>/", claim.show, name="claim"),
    path("claims/<int:pk>/confirm/", claim.confirm, name="claim-confirm"),
    path("claims/<int:pk>/reject/", claim.reject, name="claim-reject"),
    path("claims/<int:pk>/edit/", claim.edit, name="claim-edit"),
    path("claims/merge/", claim.merge, name="claim-merge"),
    path("citations/<int:pk>/split/", claim.split_citation, name="citation-split"),
    path("events/<int:pk>/undo/", claim.undo, name="undo"),
    path("factcheck-links/<int:pk>/confirm/", factcheck_views.confirm, name="factcheck-link-confirm"),
    path("factcheck-links/<int:pk>/reject/", factcheck_views.reject, name="factcheck-link-reject"),
    path("speakers/<int:pk>/", speaker.show, name="speaker"),
    path("speakers/<int:pk>/edit/", speaker.edit, name="speaker-edit"),
    path("speakers/merge/", speaker.merge, name="speaker-merge"),
    path("", include("claims.checking.urls")),  # the desk's own checks and the "For me" page
]
