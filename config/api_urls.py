"""/api/v1/: each app contributes its own api_urls module."""

from django.urls import include, path

from indicators.api import TokenLoginView

urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("", include("indicators.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("progress.api_urls")),
]
