"""Review screens (GET) and the decisions they post (POST, one service call each)."""
from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ops/", views.operations, name="operations"),
    path("queue/", views.queue, name="queue"),
    path("queue/bulk/", views.bulk_decide, name="bulk"),
    path("search/", views.search, name="search"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("candidates/<int:pk>/confirm/", views.candidate_confirm, name="candidate-confirm"),
    path("candidates/<int:pk>/reject/", views.candidate_reject, name="candidate-reject"),
    path("candidates/<int:pk>/edit/", views.candidate_edit, name="candidate-edit"),
    path("matches/<int:pk>/accept/", views.match_accept, name="match-accept"),
    path("matches/<int:pk>/reject/", views.match_reject, name="match-reject"),
    path("cite/", views.cite, name="cite"),
    path("claims/<int:pk>/", views.claim, name="claim"),
    path("claims/<int:pk>/confirm/", views.claim_confirm, name="claim-confirm"),
    path("claims/<int:pk>/reject/", views.claim_reject, name="claim-reject"),
    path("claims/<int:pk>/edit/", views.claim_edit, name="claim-edit"),
    path("claims/merge/", views.claim_merge, name="claim-merge"),
    path("citations/<int:pk>/split/", views.citation_split, name="citation-split"),
    path("events/<int:pk>/undo/", views.event_undo, name="undo"),
    path("speakers/<int:pk>/", views.speaker, name="speaker"),
    path("speakers/<int:pk>/edit/", views.speaker_edit, name="speaker-edit"),
    path("speakers/merge/", views.speaker_merge, name="speaker-merge"),
]
