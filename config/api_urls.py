"""/api/v1/: each app contributes its own api_urls module."""

from django.urls import include, path

urlpatterns = [
    path("", include("plans.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("progress.api_urls")),
]
