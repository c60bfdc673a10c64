"""The check panel's POSTs and the "For me" page, included into the ``claims`` namespace."""
from django.urls import path

from claims.checking import views

urlpatterns = [
    path("claims/<int:pk>/check/", views.take_up, name="check-take-up"),
    path("claims/<int:pk>/notes/", views.note, name="note-add"),
    path("checks/<int:pk>/assign/", views.assign, name="check-assign"),
    path("checks/<int:pk>/start/", views.start, name="check-start"),
    path("checks/<int:pk>/draft/", views.draft, name="check-draft"),
    path("checks/<int:pk>/approve/", views.approve, name="check-approve"),
    path("checks/<int:pk>/publish/", views.publish, name="check-publish"),
    path("checks/<int:pk>/reopen/", views.reopen, name="check-reopen"),
    path("for-me/", views.for_me, name="for-me"),
    path("for-me/read/", views.mark_read, name="for-me-read"),
]
