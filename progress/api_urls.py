from django.urls import path

from progress import api

urlpatterns = [
    path("plans/<slug:code>/progress/", api.PlanProgressView.as_view(), name="api-plan-progress"),
]
