"""The admin is read-mostly: pages render, and the bulk approval goes through the service."""

import pytest
from django.urls import reverse

from reports.models import AgencyReport
from reports.services import report_submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged(client):
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["agencyreport", "reportingperiod", "reportevent", "reminderlog",
                                   "reportingpolicy", "reviewdigestlog"])
def test_changelists_render(world, admin_client_logged, model):
    assert admin_client_logged.get(reverse(f"admin:reports_{model}_changelist")).status_code == 200


def test_report_page_and_history_render(report_a, admin_client_logged):
    assert admin_client_logged.get(reverse("admin:reports_agencyreport_change", args=[report_a.pk])).status_code == 200
    assert admin_client_logged.get(reverse("admin:reports_agencyreport_history", args=[report_a.pk])).status_code == 200


def test_bulk_approve_uses_the_service(report_a, report_b, reporter_a, admin_client_logged):
    report_submit(report=report_a, user=reporter_a)
    response = admin_client_logged.post(reverse("admin:reports_agencyreport_changelist"), {
        "action": "approve_selected", "_selected_action": [report_a.pk, report_b.pk]}, follow=True)
    assert response.status_code == 200
    report_a.refresh_from_db()
    report_b.refresh_from_db()
    assert report_a.status == AgencyReport.Status.APPROVED
    assert report_a.events.filter(action="approved").exists()
    assert report_b.status == AgencyReport.Status.DRAFT  # a draft cannot be approved
    messages = [str(m) for m in response.context["messages"]]
    assert "Đã duyệt 1 báo cáo." in messages


def test_periods_action_creates_expected_reports(world, admin_client_logged):
    period = world.period("2026-Q2")
    response = admin_client_logged.post(reverse("admin:reports_reportingperiod_changelist"), {
        "action": "create_expected_reports", "_selected_action": [period.pk]}, follow=True)
    assert "Đã tạo 2 báo cáo." in [str(m) for m in response.context["messages"]]
