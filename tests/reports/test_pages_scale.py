"""Issue 14 §4: the reporting pages, the admin and the reports API take a number of queries that does not grow
with the data (each measured at two sizes), the admin report history has no query per row, and pages are
sent compressed."""

import gzip

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from reports.models import AgencyReport
from reports.services import expected_reports_create, report_return, report_save, report_submit
from tests.factories import AgencyFactory, IndicatorFactory, MembershipFactory, UserFactory
from tests.reports.test_views import IN_Q1, _grow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_q1():
    with time_machine.travel(IN_Q1, tick=False):
        yield


def _more_reports(world, province, n, *, reporter=None):
    """n more agencies with a report each in 2026-Q1 (some submitted, one returned), and longer reports."""
    new = []
    for i in range(n):
        agency = AgencyFactory(province=province, name=f"UBND xã Thêm {i}")
        IndicatorFactory(plan=world.plan, code=f"N.{i}").lead_agencies.add(agency)
        new.append(agency)
    expected_reports_create(period=world.period("2026-Q1"))
    for i, agency in enumerate(new):
        report = world.report(agency)
        user = UserFactory()
        MembershipFactory(user=user, agency=agency)
        report_save(report=report, user=user, version=report.version,
                    data={"narrative": {"achievements": f"Lần {i}"}})
        if i % 2:
            report_submit(report=report, user=user)


QUEUE_FILTERS = ["", "submitted", "draft", "approved", "returned", "awaiting_confirmation"]


def _staff_page_counts(client, world, report_a):
    plan = world.plan.code
    urls = [reverse("reports:review_queue") + f"?status={status}" for status in QUEUE_FILTERS]
    urls += [reverse("reports:compliance") + f"?plan={plan}",
             reverse("reports:compliance") + f"?plan={plan}&period=2026-Q1",
             reverse("reports:report", args=[report_a.pk]),
             reverse("reports:report", args=[report_a.pk]) + "?nhap-thay=1",
             "/api/v1/reports/", "/api/v1/reports/?status=submitted", f"/api/v1/reports/{report_a.pk}/",
             f"/api/v1/plans/{plan}/compliance/", f"/api/v1/plans/{plan}/compliance/?period=2026-Q1"]
    counts = {}
    for url in urls:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_staff_pages_and_api_take_a_fixed_number_of_queries(client, world, province, agency_a, staff, reporter_a,
                                                            reporter_b, report_a, report_b):
    # Small: one report submitted, one returned (an empty list skips its page query: not what is measured).
    report_submit(report=report_b, user=reporter_b)
    report_submit(report=report_a, user=reporter_a)
    report_return(report=report_a, user=staff, reason="Bổ sung")
    client.force_login(staff)
    before = _staff_page_counts(client, world, report_a)
    _grow(world, province, agency_a, 5)
    _more_reports(world, province, 6)
    report_save(report=report_a, user=reporter_a, version=report_a.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": "80"}]})
    assert AgencyReport.objects.filter(plan=world.plan).count() >= 10
    assert _staff_page_counts(client, world, report_a) == before


def test_reporter_pages_take_a_fixed_number_of_queries(client, world, province, agency_a, reporter_a, report_a):
    client.force_login(reporter_a)
    api = APIClient()
    api.force_authenticate(reporter_a)

    def counts():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        seen = []
        for get in (lambda: client.get(reverse("reports:inbox")),
                    lambda: client.get(reverse("reports:report", args=[report_a.pk])),
                    lambda: api.get("/api/v1/reports/"), lambda: api.get(f"/api/v1/reports/{report_a.pk}/")):
            with CaptureQueriesContext(connection) as queries:
                assert get().status_code == 200
            seen.append(len(queries))
        return seen

    before = counts()
    _grow(world, province, agency_a, 8)
    for n in range(3):  # saves with history to show
        report_save(report=report_a, user=reporter_a, version=report_a.version,
                    data={"indicator_entries": [{"indicator": "I.1", "value": str(10 + n)}]})
    assert counts() == before


def test_review_queue_is_paginated(client, world, province, staff, monkeypatch):
    from reports import views

    monkeypatch.setattr(views, "REVIEW_PAGE_SIZE", 3)
    _more_reports(world, province, 5)
    client.force_login(staff)
    total = AgencyReport.objects.filter(plan=world.plan).count()
    first = client.get(reverse("reports:review_queue"), {"status": ""})
    assert len(first.context["reports"]) == 3
    assert f"Trang 1/{-(-total // 3)} ({total} báo cáo)" in first.content.decode()
    last = client.get(reverse("reports:review_queue"), {"status": "", "trang": 99})
    assert 0 < len(last.context["reports"]) <= 3
    shown = {r.pk for page in range(1, -(-total // 3) + 1)
             for r in client.get(reverse("reports:review_queue"), {"status": "", "trang": page}).context["reports"]}
    assert len(shown) == total


# ---------------------------------------------------------------- the admin


@pytest.fixture
def admin_client(client, staff_admin):
    client.force_login(staff_admin)
    return client


def _history_queries(admin_client, report):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse("admin:reports_agencyreport_history", args=[report.pk]))
    assert response.status_code == 200
    return len(queries), response


def test_admin_report_history_has_no_query_per_row(admin_client, world, agency_a, reporter_a, report_a):
    for n in range(2):
        report_save(report=report_a, user=reporter_a, version=report_a.version,
                    data={"narrative": {"achievements": f"Lần {n}"}})
    _history_queries(admin_client, report_a)  # the content types cached, as on a running server
    few, response = _history_queries(admin_client, report_a)
    assert str(report_a) in response.content.decode()  # each row still names the report
    for n in range(12):
        report_save(report=report_a, user=reporter_a, version=report_a.version,
                    data={"narrative": {"achievements": f"Lần sau {n}"}})
    many, response = _history_queries(admin_client, report_a)
    assert report_a.history.count() == 14
    assert response.content.decode().count(str(report_a)) >= 14
    assert many == few


def test_admin_report_pages_take_a_fixed_number_of_queries(admin_client, world, province, agency_a, report_a,
                                                           reporter_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts():
        seen = []
        for url in (reverse("admin:reports_agencyreport_changelist"),
                    reverse("admin:reports_agencyreport_change", args=[report_a.pk])):
            with CaptureQueriesContext(connection) as queries:
                assert admin_client.get(url).status_code == 200
            seen.append(len(queries))
        return seen

    counts()  # caches filled (content types, permissions), as on a running server
    before = counts()
    _grow(world, province, agency_a, 5)
    _more_reports(world, province, 4)
    assert counts() == before


def test_admin_pages_are_sent_compressed(admin_client, world, report_a):
    response = admin_client.get(reverse("admin:reports_agencyreport_change", args=[report_a.pk]),
                                HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "Báo cáo" in gzip.decompress(response.content).decode() or "báo cáo" in gzip.decompress(
        response.content).decode()
    plain = admin_client.get(reverse("admin:reports_agencyreport_change", args=[report_a.pk]))
    assert not plain.has_header("Content-Encoding")
    assert len(response.content) < len(plain.content) / 3


def test_compliance_totals_are_the_sum_of_the_agencies_rows(client, world, staff, reporter_b, report_b):
    report_submit(report=report_b, user=reporter_b)
    client.force_login(staff)
    response = client.get(reverse("reports:compliance"), {"plan": world.plan.code, "period": "2026-Q1"})
    rows, totals = response.context["rows"], response.context["totals"]
    assert totals["expected"] == sum(row["expected"] for row in rows) == 2
    assert (totals["on_time"], totals["pending"]) == (1, 1)
    assert totals["entries_assigned"] == sum(row["entries_assigned"] for row in rows) > 0


def test_admin_read_only_report_page_takes_a_fixed_number_of_queries(admin_client, world, province, agency_a,
                                                                     report_a, report_b, reporter_a, reporter_b):
    """A submitted report's lines are one table from a query (no inline forms): a longer report, same count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(report):
        url = reverse("admin:reports_agencyreport_change", args=[report.pk])
        admin_client.get(url)  # caches filled, as on a running server
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(url)
        assert response.status_code == 200
        assert not any(f.formset.model.__name__.endswith("Entry") for f in response.context["inline_admin_formsets"])
        return len(queries)

    report_submit(report=report_b, user=reporter_b)
    short = count(report_b)
    _grow(world, province, agency_a, 6)  # lines are added while the report is a draft
    report_submit(report=report_a, user=reporter_a)
    assert report_a.indicator_entries.count() >= report_b.indicator_entries.count() + 6
    assert count(report_a) == short


def test_the_admin_report_list_shows_fifty_reports_a_page():
    from django.contrib import admin

    from reports.models import AgencyReport

    assert admin.site._registry[AgencyReport].list_per_page == 50


def test_admin_lists_take_a_fixed_number_of_queries(client, world, province, agency_a, report_a, reporter_a):
    """The report events list and the users list (superusers only; staff get 403 there by design) and the
    reports list: more rows, same count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))

    urls = [reverse("admin:reports_reportevent_changelist"), reverse("admin:reports_agencyreport_changelist"),
            reverse("admin:auth_user_changelist")]

    def counts():
        seen = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            seen.append(len(queries))
        return seen

    counts()  # caches filled, as on a running server
    before = counts()
    _more_reports(world, province, 4)
    for n in range(3):
        report_save(report=report_a, user=reporter_a, version=report_a.version,
                    data={"narrative": {"achievements": f"Lần {n}"}})
    assert counts() == before
