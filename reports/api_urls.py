from django.urls import path

from reports import api

urlpatterns = [
    path("reports/", api.ReportListView.as_view(), name="api-reports"),
    path("reports/<int:pk>/", api.ReportDetailView.as_view(), name="api-report"),
    *[path(f"reports/<int:pk>/{action}/", api.ReportActionView.as_view(action_name=action),
           name=f"api-report-{action}")
      for action in ("submit", "confirm", "send-back", "approve", "return", "reopen")],
    path("plans/<slug:code>/compliance/", api.PlanComplianceView.as_view(), name="api-plan-compliance"),
]
