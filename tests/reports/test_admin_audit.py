"""The staff's audit page: plans, targets, reports and values changed, by whom and when, with filters; a
change to an approved report shows the reopen reason."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from indicators.models import Target
from reports.services import report_approve, report_reopen, report_save, report_submit
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture
def history(world, agency_a, reporter_a, staff_admin):
    report = world.report(agency_a)
    with time_machine.travel(T0, tick=False):
        target = TargetFactory(indicator=world.indicators["I.1"], year=2027, op=">=", low=90, text="≥ 90%")
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        target.text, target.low = "≥ 92%", 92
        target._history_user = staff_admin
        target.save()
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        report = report_save(report=report, user=reporter_a, version=report.version,
                             data={"indicator_entries": [{"indicator": "I.1", "value": "80"}]})
        report = report_submit(report=report, user=reporter_a)
        report = report_approve(report=report, user=staff_admin)
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        report = report_reopen(report=report, user=staff_admin, reason="Sở Y tế báo nhầm số trạm")
        report_save(report=report, user=reporter_a, version=report.version,
                    data={"indicator_entries": [{"indicator": "I.1", "value": "85"}]})
    return report


def page(client, **query):
    response = client.get(reverse("admin_audit"), query)
    assert response.status_code == 200
    return response


def test_one_page_lists_every_kind_with_who_and_what(client, staff_admin, history):
    client.force_login(staff_admin)
    rows = page(client).context["rows"]
    kinds = {row.kind for row in rows}
    assert {"Mục tiêu năm", "Báo cáo", "Số liệu chỉ tiêu", "Quy trình báo cáo"} <= kinds
    target_edit = next(row for row in rows if row.kind == "Mục tiêu năm" and row.action == "Sửa")
    assert target_edit.user == staff_admin
    assert any("92%" in change for change in target_edit.changes)
    value_edit = next(row for row in rows if row.kind == "Số liệu chỉ tiêu" and any("85" in c for c in row.changes))
    assert value_edit.user.username == "reporter_a"
    assert "Sở Y tế báo nhầm số trạm" in value_edit.reason
    assert [row.at for row in rows] == sorted((row.at for row in rows), reverse=True)
    html = page(client).content.decode()
    assert "Nhật ký thay đổi" in html and "Sở Y tế báo nhầm số trạm" in html


def test_the_first_save_before_approval_has_no_reopen_reason(client, staff_admin, history):
    client.force_login(staff_admin)
    rows = page(client, kind="indicator_entry").context["rows"]
    # Entries are created without a history row, so the first save lists the values it wrote.
    first = next(row for row in rows if "giá trị: 80" in row.changes)
    assert "mở lại" not in first.reason


def test_filters(client, staff_admin, reporter_a, history, world):
    client.force_login(staff_admin)
    assert {row.kind for row in page(client, kind="target").context["rows"]} == {"Mục tiêu năm"}
    assert {row.user.username for row in page(client, user="reporter_a").context["rows"]} == {"reporter_a"}
    day_two = page(client, date_from="04/03/2026", date_to="04/03/2026").context["rows"]
    assert day_two and all(row.at.date() == dt.date(2026, 3, 4) for row in day_two)
    assert page(client, plan=world.plan.pk).context["rows"]
    events = page(client, kind="event").context["rows"]
    assert "Sở Y tế báo nhầm số trạm" in [row.reason for row in events]


def test_other_province_and_non_staff(client, other_staff_admin, reporter_a, history):
    client.force_login(other_staff_admin)
    assert page(client).context["rows"] == []
    client.force_login(reporter_a)
    response = client.get(reverse("admin_audit"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_history_is_kept_for_plans_and_targets(world, staff_admin):
    assert world.plan.history.exists()
    target = TargetFactory(indicator=world.indicators["I.2"], year=2026, op=">=", low=80, text="80%")
    assert Target.history.filter(id=target.pk).count() == 1
