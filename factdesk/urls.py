"""Top-level URLs: review screens, sign-in, the Django admin and the versioned API."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("import/", include("articles.urls")),
    path("", include("claims.urls")),
    path("accounts/", include("factdesk.auth")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("factdesk.api")),
]
