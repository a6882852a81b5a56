"""Issue 11 on the reporting side: deadline changes that reach open periods (and only those not yet due),
the submit confirmation and the required-completeness setting, a save that keeps what it does not carry,
the head's confirmation queue, ratio inputs labelled from the indicator's name."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from reports.forms import ratio_labels
from reports.models import AgencyReport, DeadlineChange, IndicatorEntry, PlanReportingPolicy, ReminderLog
from reports.services import (
    ReportIncomplete,
    periods_open,
    plan_deadlines_set,
    province_deadlines_set,
    reminders_send,
    report_save,
    report_submit,
)
from tests.factories import IndicatorFactory, PlanFactory
from tests.reports.factories import ReportingPolicyFactory

pytestmark = pytest.mark.django_db
Status = AgencyReport.Status
IN_Q1 = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture
def in_q1():
    with time_machine.travel(IN_Q1, tick=False):
        yield


# ---------------------------------------------------------------- deadlines


def test_a_deadline_change_moves_only_the_periods_not_yet_due(province, staff):
    plan = PlanFactory(province=province, start_year=2026, end_year=2027)
    periods_open(plan=plan, today=dt.date(2026, 10, 1))
    plan_deadlines_set(plan=plan, quarterly_due_day=25, user=staff, today=dt.date(2026, 10, 1))
    due = dict(plan.periods.values_list("code", "due_on"))
    assert due["2026-Q3"] == dt.date(2026, 9, 20)  # already due: compliance was judged by it
    assert due["2026-Q4"] == dt.date(2026, 12, 25)
    assert due["2027-Q1"] == dt.date(2027, 3, 25) and due["2027-Q4"] == dt.date(2027, 12, 25)
    change = DeadlineChange.objects.get(plan=plan)
    assert (change.before["quarterly_due_day"], change.after["quarterly_due_day"]) == (20, 25)
    assert change.changed_by == staff and change.periods_moved == 5


def test_a_province_deadline_change_moves_the_plans_that_follow_it(province, staff):
    follows = PlanFactory(province=province, start_year=2026, end_year=2026)
    own = PlanFactory(province=province, start_year=2026, end_year=2026, annual_due_day=15)
    for plan in (follows, own):
        periods_open(plan=plan, today=dt.date(2026, 1, 10))
    province_deadlines_set(province=province, quarterly_due_day=25, annual_due_day=5, user=staff,
                           today=dt.date(2026, 5, 1))
    follows.refresh_from_db()
    assert (follows.quarterly_due_day, follows.annual_due_day) == (25, 5)
    due = dict(follows.periods.values_list("code", "due_on"))
    assert due["2026-Q1"] == dt.date(2026, 3, 20) and due["2026-Q2"] == dt.date(2026, 6, 25)
    assert due["2026-Y"] == dt.date(2026, 12, 5)
    assert dict(own.periods.values_list("code", "due_on"))["2026-Q2"] == dt.date(2026, 6, 20)  # its own deadlines
    assert DeadlineChange.objects.filter(province=province, plan=None).get().after["quarterly_due_day"] == 25


def test_reminders_already_sent_are_not_sent_again_after_a_move(world, reporter_a, agency_a, mailoutbox):
    reporter_a.email = "reporter_a@dongthap.example"
    reporter_a.save()
    assert reminders_send(today=dt.date(2026, 3, 13)) == 1  # 7 days before 20/03
    plan_deadlines_set(plan=world.plan, quarterly_due_day=27, today=dt.date(2026, 3, 13))
    assert world.period().due_on == dt.date(2026, 3, 27)
    assert reminders_send(today=dt.date(2026, 3, 20)) == 0  # 7 days before 27/03: already told
    assert ReminderLog.objects.filter(report__agency=agency_a).count() == 1


def test_the_admin_changes_a_plans_deadlines_through_the_service(client, admin_user, province):
    plan = PlanFactory(province=province, start_year=2026, end_year=2026)
    periods_open(plan=plan, today=dt.date(2026, 1, 10))
    client.force_login(admin_user)
    with time_machine.travel(dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC), tick=False):
        page = client.get(reverse("admin:plans_plan_change", args=[plan.pk]))
        data = {key: value for key, value in page.context["adminform"].form.initial.items() if value is not None}
        data.update({"province": province.pk, "quarterly_due_day": 25, "issued": "",
                     "appendices-TOTAL_FORMS": 0, "appendices-INITIAL_FORMS": 0,
                     "appendices-MIN_NUM_FORMS": 0, "appendices-MAX_NUM_FORMS": 1000})
        data.pop("monitoring_agency", None)
        response = client.post(reverse("admin:plans_plan_change", args=[plan.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    due = dict(plan.periods.values_list("code", "due_on"))
    assert due["2026-Q1"] == dt.date(2026, 3, 20) and due["2026-Q2"] == dt.date(2026, 6, 25)
    assert DeadlineChange.objects.get(plan=plan).changed_by == admin_user


# ---------------------------------------------------------------- submitting


def page_url(report):
    return reverse("reports:report", args=[report.pk])


def test_the_submit_button_says_what_is_still_empty(client, reporter_a, report_a, in_q1):
    client.force_login(reporter_a)
    html = client.get(page_url(report_a)).content.decode()
    assert "Còn 4/4 mục chưa nhập" in html  # agency A's three indicators and one task
    assert 'data-fill="i' in html and 'data-code="I.2"' in html  # what the script counts as it changes
    assert 'src="/static/js/submit-confirm.js"' in html and "onclick" not in html


def test_the_form_counts_what_is_empty_from_the_entries_it_shows(client, reporter_a, report_a, in_q1):
    from reports.screen_data import report_entries
    from reports.selectors import empty_entries, empty_entries_of

    report_save(report=report_a, user=reporter_a, version=report_a.version,
                data={"indicator_entries": [{"indicator": "I.3", "milestone_state": "completed"}]})
    assert empty_entries_of(*report_entries(report_a)) == empty_entries(report_a) == {
        "empty": 3, "assigned": 4, "items": ["I.1", "I.2", "II.1"]}
    client.force_login(reporter_a)
    assert "Còn 3/4 mục chưa nhập" in client.get(page_url(report_a)).content.decode()


def test_submitting_without_the_script_asks_on_a_page_of_its_own(client, reporter_a, report_a, in_q1):
    client.force_login(reporter_a)
    entry = IndicatorEntry.objects.get(report=report_a, indicator__code="I.1")
    response = client.post(page_url(report_a), {"version": report_a.version, "action": "submit",
                                                f"i{entry.pk}-value": "95,5"})
    assert response.status_code == 302 and response["Location"] == reverse("reports:submit", args=[report_a.pk])
    report_a.refresh_from_db()
    assert report_a.status == Status.DRAFT  # saved, not sent
    page = client.get(response["Location"]).content.decode()
    assert "Còn 3/4 mục chưa nhập: I.2, I.3, II.1" in page
    client.post(reverse("reports:submit", args=[report_a.pk]))
    report_a.refresh_from_db()
    assert report_a.status == Status.SUBMITTED


def test_required_completeness_refuses_with_a_vietnamese_message(province, world, reporter_a, report_a):
    ReportingPolicyFactory(province=province, require_head_confirmation=False, require_complete=True)
    report_save(report=report_a, user=reporter_a, version=report_a.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": "95,5"}]})
    with pytest.raises(ReportIncomplete) as refused:
        report_submit(report=report_a, user=reporter_a)
    assert "Chưa gửi được: còn 3/4 mục chưa nhập (I.2, I.3, II.1)" in refused.value.message
    report_a.refresh_from_db()
    assert report_a.status == Status.DRAFT
    # A plan may say otherwise than its province.
    PlanReportingPolicy.objects.create(plan=world.plan, require_complete=False)
    report_submit(report=report_a, user=reporter_a)
    assert report_a.status == Status.SUBMITTED


def test_a_form_post_that_omits_a_field_keeps_its_value(client, reporter_a, report_a, in_q1):
    report_save(report=report_a, user=reporter_a, version=report_a.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": "95,5", "note": "Theo số liệu VNPT"}],
                      "narrative": {"achievements": "Đã phủ sóng 5G"}})
    report_a.refresh_from_db()
    entry = IndicatorEntry.objects.get(report=report_a, indicator__code="I.1")
    client.force_login(reporter_a)
    response = client.post(page_url(report_a), {"version": report_a.version, "action": "save",
                                                f"i{entry.pk}-value": "96"})
    assert response.status_code == 302
    entry.refresh_from_db()
    report_a.refresh_from_db()
    assert (entry.value, entry.note) == (Decimal("96"), "Theo số liệu VNPT")
    assert report_a.achievements == "Đã phủ sóng 5G"


# ---------------------------------------------------------------- the agency head


def test_the_heads_queue_confirms_and_sends_back(client, province, reporter_a, head_a, world, agency_a, in_q1):
    ReportingPolicyFactory(province=province, require_head_confirmation=True)
    first = world.report(agency_a)
    report_submit(report=first, user=reporter_a)
    client.force_login(head_a)
    inbox = client.get(reverse("reports:inbox"))
    assert [r.pk for r in inbox.context["to_confirm"]] == [first.pk]
    assert "Chờ lãnh đạo đơn vị xác nhận" in inbox.content.decode()
    client.post(reverse("reports:send_back", args=[first.pk]), {"reason": "Thiếu số liệu quý", "next": "/bao-cao/"})
    first.refresh_from_db()
    assert (first.status, first.return_reason) == (Status.DRAFT, "Thiếu số liệu quý")
    report_submit(report=first, user=reporter_a)
    client.post(reverse("reports:confirm", args=[first.pk]), {"next": "/bao-cao/"})
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED and first.confirmed_by == head_a
    assert client.get(reverse("reports:inbox")).context["to_confirm"] == []
    # A reporter has no such queue.
    client.force_login(reporter_a)
    assert client.get(reverse("reports:inbox")).context["to_confirm"] == []


def test_a_plan_switches_the_confirmation_step_on_for_itself(province, world, reporter_a, report_a):
    PlanReportingPolicy.objects.create(plan=world.plan, require_head_confirmation=True)
    report_submit(report=report_a, user=reporter_a)
    assert report_a.status == Status.AWAITING_CONFIRMATION


# ---------------------------------------------------------------- ratios and "latest" shared


def test_ratio_inputs_are_labelled_from_the_indicator_name(province):
    plan = PlanFactory(province=province)
    assert ratio_labels(IndicatorFactory(plan=plan, name="Tỷ lệ hồ sơ trực tuyến")) == (
        "Số hồ sơ trực tuyến", "Tổng số hồ sơ trực tuyến")
    assert ratio_labels(IndicatorFactory(plan=plan, name="Tỷ lệ hồ sơ được giải quyết trực tuyến")) == (
        "Số hồ sơ được giải quyết trực tuyến", "Tổng số hồ sơ")
    assert ratio_labels(IndicatorFactory(plan=plan, name="Quy mô kinh tế số trên GRDP")) == ("Tử số", "Mẫu số")


def test_the_review_page_says_when_several_agencies_report_a_latest_indicator(
        client, world, agency_a, agency_b, reporter_a, reporter_b, staff, in_q1):
    shared = world.indicators["I.1"]
    shared.lead_agencies.add(agency_b)
    periods_open(plan=world.plan, today=dt.date(2026, 3, 10))
    for agency, reporter in ((agency_a, reporter_a), (agency_b, reporter_b)):
        report = world.report(agency)
        report_save(report=report, user=reporter, version=report.version,
                    data={"indicator_entries": [{"indicator": "I.1", "value": "60"}]})
        report_submit(report=report, user=reporter)
    client.force_login(staff)
    html = client.get(page_url(world.report(agency_a))).content.decode()
    assert "2 cơ quan báo cáo chỉ tiêu này trong kỳ nhưng cách tổng hợp là “Mới nhất”" in html
