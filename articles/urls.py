"""The Import screen (mounted at /import/)."""
from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.import_articles, name="import"),
]
