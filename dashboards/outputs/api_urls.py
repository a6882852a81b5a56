from django.urls import path

from dashboards.outputs import api

urlpatterns = [
    path("plans/<slug:code>/open-data/", api.OpenDataFeedView.as_view(), name="api-plan-open-data"),
]
