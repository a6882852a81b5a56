"""Control characters are a 400 with a Vietnamese message naming the field (form, filter, API), never a 500;
staff-only fields are refused from reporters in every entry path; the error pages are Vietnamese."""

import datetime as dt

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults
from rest_framework.test import APIClient

from agencies.hygiene import control_character, find_control_characters
from reports.models import AgencyReport
from reports.services import ReportDataInvalid, report_save
from tests.reports.factories import reporting_plan

pytestmark = pytest.mark.django_db
MESSAGE = "ký tự điều khiển không hợp lệ"


@pytest.fixture
def report_a(province, agency_a, agency_b, reporter_a):
    return reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b,
                          today=dt.date(2026, 3, 1)).report(agency_a)


@pytest.mark.parametrize("text,code", [("a\x00b", "U+0000"), ("\x1b[31m", "U+001B"), ("x\x7f", "U+007F"),
                                       ("dòng 1\r\ndòng 2\tcột", None), ("Sở KH&CN", None)])
def test_control_character(text, code):
    assert control_character(text) == code


def test_nested_paths():
    data = {"narrative": {"achievements": "ok", "proposals": "x\x00"}, "indicator_entries": [{"note": "\x01"}]}
    assert list(find_control_characters(data)) == [("narrative.proposals", "U+0000"),
                                                   ("indicator_entries[0].note", "U+0001")]


@pytest.mark.parametrize("text", ["Kết quả\x00", "Kết quả\x0b"])
def test_report_form(client, reporter_a, report_a, text):
    client.force_login(reporter_a)
    response = client.post(reverse("reports:report", args=[report_a.pk]),
                           {"version": report_a.version, "action": "save", "achievements": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert MESSAGE in html and "achievements" in html
    report_a.refresh_from_db()
    assert report_a.achievements == "" and report_a.version == 1


def test_reason_posted_outside_a_form(client, staff, report_a):
    client.force_login(staff)
    response = client.post(reverse("reports:reopen", args=[report_a.pk]), {"reason": "vì\x00"})
    assert response.status_code == 400


def test_filter(client, staff):
    client.force_login(staff)
    response = client.get(reverse("reports:review_queue"), {"plan": "ke-hoach\x00"})
    assert response.status_code == 400
    assert MESSAGE in response.content.decode() and "plan" in response.content.decode()


def test_admin_search(client, staff_admin):
    client.force_login(staff_admin)
    assert client.get(reverse("admin:plans_plan_changelist"), {"q": "\x00"}).status_code == 400


def test_api_json(report_a):
    api = APIClient()
    api.force_authenticate(report_a.agency.memberships.get().user)
    response = api.patch(f"/api/v1/reports/{report_a.pk}/",
                         {"version": 1, "narrative": {"achievements": "a\x00b"}}, format="json")
    assert response.status_code == 400
    assert MESSAGE in response.json()["narrative.achievements"][0]
    report_a.refresh_from_db()
    assert report_a.version == 1


# ---------------------------------------------------------------- staff-only fields


def test_api_refuses_source_reference_from_a_reporter(report_a, reporter_a):
    api = APIClient()
    api.force_authenticate(reporter_a)
    response = api.patch(f"/api/v1/reports/{report_a.pk}/",
                         {"version": 1, "source_reference": "Công văn giả", "entered_on_behalf": True,
                          "narrative": {"achievements": "A"}}, format="json")
    assert response.status_code == 400
    assert "Chỉ cán bộ Sở KH&CN" in response.json()["source_reference"][0]
    report_a.refresh_from_db()
    assert (report_a.source_reference, report_a.entered_on_behalf, report_a.achievements) == ("", False, "")


def test_service_refuses_staff_only_fields_unless_on_behalf(report_a, reporter_a, staff):
    with pytest.raises(ReportDataInvalid):
        report_save(report=report_a, user=reporter_a, version=1, data={"source_reference": "CV 1"})
    saved = report_save(report=report_a, user=staff, version=1, on_behalf=True,
                        data={"source_reference": "Công văn số 12/SYT"})
    assert saved.source_reference == "Công văn số 12/SYT" and saved.entered_on_behalf


def test_report_form_ignores_source_reference_from_a_reporter(client, reporter_a, report_a):
    client.force_login(reporter_a)
    client.post(reverse("reports:report", args=[report_a.pk]),
                {"version": 1, "action": "save", "achievements": "A", "source_reference": "CV giả"})
    report = AgencyReport.objects.get(pk=report_a.pk)
    assert report.source_reference == "" and not report.entered_on_behalf


# ---------------------------------------------------------------- error pages


def test_404_page(client, reporter_a):
    client.force_login(reporter_a)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html and 'name="viewport"' in html and "css/app.css" in html


def test_500_page_needs_no_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Hệ thống gặp lỗi" in response.content.decode()


def test_403_page():
    response = defaults.permission_denied(RequestFactory().get("/"), exception=None)
    assert response.status_code == 403
    assert "Bạn không có quyền" in response.content.decode()


def test_csrf_page(reporter_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()
