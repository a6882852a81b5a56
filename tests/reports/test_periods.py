import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from plans.models import Plan
from reports.models import AgencyReport, ReportingPeriod
from reports.services import period_calendar, periods_open, plan_deadlines_set
from tests.factories import IndicatorFactory, PlanFactory

pytestmark = pytest.mark.django_db

VIETNAM_MIDNIGHT_20_MARCH = dt.datetime(2026, 3, 19, 17, 0, tzinfo=dt.UTC)


def test_quarter_calendar_follows_decree_09(province):
    plan = PlanFactory.build(province=province)
    q1 = period_calendar(plan=plan, year=2026, quarter=1)
    assert q1["code"] == "2026-Q1"
    assert (q1["starts_on"], q1["ends_on"]) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert (q1["data_from"], q1["data_to"]) == (dt.date(2025, 12, 15), dt.date(2026, 3, 14))
    assert q1["due_on"] == dt.date(2026, 3, 20)
    q4 = period_calendar(plan=plan, year=2026, quarter=4)
    assert (q4["ends_on"], q4["data_from"], q4["data_to"], q4["due_on"]) == (
        dt.date(2026, 12, 31), dt.date(2026, 9, 15), dt.date(2026, 12, 14), dt.date(2026, 12, 20))


def test_annual_calendar_defaults_and_plan_override(province):
    default = period_calendar(plan=PlanFactory.build(province=province), year=2027, quarter=None)
    assert default["code"] == "2027-Y"
    assert default["due_on"] == dt.date(2027, 12, 1)
    assert (default["data_from"], default["data_to"]) == (dt.date(2026, 12, 15), dt.date(2027, 12, 14))
    # Seed 001 asks for the annual report before 15/12.
    seed_001 = PlanFactory.build(province=province, annual_due_month=12, annual_due_day=15, quarterly_due_day=15)
    assert period_calendar(plan=seed_001, year=2027, quarter=None)["due_on"] == dt.date(2027, 12, 15)
    assert period_calendar(plan=seed_001, year=2027, quarter=2)["due_on"] == dt.date(2027, 6, 15)


def test_due_at_is_midnight_in_vietnam(province):
    plan = PlanFactory(province=province)
    periods_open(plan=plan, today=dt.date(2025, 1, 1))
    q1 = plan.periods.get(code="2026-Q1")
    assert q1.due_at == VIETNAM_MIDNIGHT_20_MARCH
    assert q1.days_left(dt.date(2026, 3, 13)) == 7


def test_periods_for_every_year_of_the_plan_idempotent(province):
    plan = PlanFactory(province=province, start_year=2026, end_year=2030)
    assert periods_open(plan=plan, today=dt.date(2026, 1, 10)) == 25
    assert periods_open(plan=plan, today=dt.date(2026, 1, 10)) == 0
    codes = set(plan.periods.values_list("code", flat=True))
    assert {"2026-Q1", "2026-Q4", "2026-Y", "2030-Q4", "2030-Y"} <= codes
    assert ReportingPeriod.objects.filter(plan=plan).quarterly().for_year(2028).count() == 4
    assert [p.code for p in plan.periods.open(dt.date(2026, 4, 1)).quarterly()] == ["2026-Q1", "2026-Q2"]
    assert [p.code for p in plan.periods.current(dt.date(2026, 4, 1)).quarterly()] == ["2026-Q2"]


def test_periods_are_per_plan(province):
    short = PlanFactory(province=province, start_year=2026, end_year=2026)
    long = PlanFactory(province=province, start_year=2026, end_year=2027)
    periods_open(plan=short, today=dt.date(2026, 1, 1))
    periods_open(plan=long, today=dt.date(2026, 1, 1))
    assert short.periods.count() == 5
    assert long.periods.count() == 10


def test_expected_reports_only_for_started_periods(province, agency_a):
    plan = PlanFactory(province=province)
    IndicatorFactory(plan=plan).lead_agencies.add(agency_a)
    periods_open(plan=plan, today=dt.date(2026, 4, 2))
    assert sorted(AgencyReport.objects.filter(plan=plan).values_list("period__code", flat=True)) == [
        "2026-Q1", "2026-Q2", "2026-Y"]


def test_opening_periods_creates_the_plan_calendar(province, agency_a):
    plan = PlanFactory(province=province)
    IndicatorFactory(plan=plan).lead_agencies.add(agency_a)
    with time_machine.travel(dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC)):
        assert periods_open(plan=plan) == 25
    assert plan.periods.count() == 25
    assert AgencyReport.objects.filter(plan=plan, agency=agency_a).count() == 2  # 2026-Q1 and 2026-Y


def test_open_periods_command_is_idempotent(province, agency_a):
    plan = PlanFactory(province=province, code="ha-tang-so")
    IndicatorFactory(plan=plan).lead_agencies.add(agency_a)
    with time_machine.travel(dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC)):
        out = StringIO()
        call_command("open_periods", "--plan", "ha-tang-so", stdout=out)
        assert "25 kỳ báo cáo mới" in out.getvalue()
        assert "2 báo cáo mới" in out.getvalue()
        out = StringIO()
        call_command("open_periods", stdout=out)
        assert "ha-tang-so: 0 kỳ báo cáo mới (tổng 25), 0 báo cáo mới." in out.getvalue()


def test_open_periods_command_refuses_unknown_or_draft_plan(province):
    PlanFactory(province=province, code="du-thao", status=Plan.Status.DRAFT)
    with pytest.raises(CommandError, match="Không có kế hoạch"):
        call_command("open_periods", "--plan", "khong-co")
    with pytest.raises(CommandError, match="chưa ở trạng thái đang thực hiện"):
        call_command("open_periods", "--plan", "du-thao")


def test_beat_task_opens_every_active_plan(province, agency_a):
    from reports.tasks import open_periods

    active = PlanFactory(province=province)
    draft = PlanFactory(province=province, status=Plan.Status.DRAFT)
    with time_machine.travel(dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC)):
        assert open_periods.apply().get() == 25
    assert active.periods.count() == 25
    assert draft.periods.count() == 0


def test_plan_deadlines_set_redates_the_periods_not_yet_due(province):
    plan = PlanFactory(province=province, start_year=2026, end_year=2027)
    periods_open(plan=plan, today=dt.date(2026, 1, 10))
    plan_deadlines_set(plan=plan, annual_due_month=12, annual_due_day=15, today=dt.date(2026, 11, 25))
    plan.refresh_from_db()
    assert (plan.annual_due_month, plan.annual_due_day, plan.quarterly_due_day) == (12, 15, 20)
    due = dict(plan.periods.values_list("code", "due_on"))
    assert due["2026-Y"] == dt.date(2026, 12, 15)  # not yet due on 25/11: follows the plan
    assert due["2027-Y"] == dt.date(2027, 12, 15)
    assert due["2026-Q4"] == dt.date(2026, 12, 20)
    # A due day already passed is history: compliance was judged against it.
    plan_deadlines_set(plan=plan, quarterly_due_day=10, today=dt.date(2026, 12, 16))
    due = dict(plan.periods.values_list("code", "due_on"))
    assert due["2026-Y"] == dt.date(2026, 12, 15) and due["2026-Q3"] == dt.date(2026, 9, 20)
    assert due["2026-Q4"] == dt.date(2026, 12, 20)  # 20/12 not yet passed on 16/12, but 10/12 has
    assert due["2027-Q1"] == dt.date(2027, 3, 10)


def test_plan_deadlines_set_refuses_an_impossible_day(province):
    plan = PlanFactory(province=province)
    with pytest.raises(ValidationError):
        plan_deadlines_set(plan=plan, annual_due_month=2, annual_due_day=30)
    plan.refresh_from_db()
    assert (plan.annual_due_month, plan.annual_due_day) == (12, 1)
