from django.urls import path

from indicators import api

urlpatterns = [
    path("plans/", api.PlanListView.as_view(), name="api-plans"),
    path("plans/<slug:code>/", api.PlanDetailView.as_view(), name="api-plan"),
]
