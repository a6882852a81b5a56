from django.urls import path

from reports import api
from reports.actions import ACTIONS

urlpatterns = [
    path("reports/", api.ReportListView.as_view(), name="api-reports"),
    path("reports/<int:pk>/", api.ReportDetailView.as_view(), name="api-report"),
    *[path(f"reports/<int:pk>/{action.api_name}/", api.ReportActionView.as_view(action_name=action.name),
           name=f"api-report-{action.api_name}")
      for action in ACTIONS.values() if action.in_api],
    path("plans/<slug:code>/compliance/", api.PlanComplianceView.as_view(), name="api-plan-compliance"),
]
