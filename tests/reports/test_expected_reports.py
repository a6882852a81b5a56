"""Expected reports: one per agency leading an item of the plan, groups expanded, successors followed."""

import datetime as dt

import pytest

from agencies.models import Agency
from reports.models import AgencyReport, IndicatorEntry, TaskEntry
from reports.services import expected_reports_create, periods_open, report_submit
from tests.factories import AgencyFactory, IndicatorFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(province):
    return PlanFactory(province=province)


def reports_by_agency(plan, code="2026-Q1"):
    return {report.agency.name: report for report in
            AgencyReport.objects.filter(plan=plan, period__code=code).select_related("agency")}


def test_one_report_per_lead_agency_with_its_entries(world, agency_a, agency_b):
    reports = reports_by_agency(world.plan)
    assert set(reports) == {agency_a.name, agency_b.name}
    report_a = reports[agency_a.name]
    assert sorted(report_a.indicator_entries.values_list("indicator__code", flat=True)) == ["I.1", "I.2", "I.3"]
    assert list(report_a.task_entries.values_list("task__code", flat=True)) == ["II.1"]
    assert list(reports[agency_b.name].indicator_entries.values_list("indicator__code", flat=True)) == ["I.4"]


def test_groups_are_expanded_to_their_members(province, plan, agency_a, agency_b):
    group = AgencyFactory(province=province, name="Các sở, ban, ngành", kind=Agency.Kind.GROUP)
    group.members.add(agency_a, agency_b)
    indicator = IndicatorFactory(plan=plan, code="I.9")
    indicator.lead_agencies.add(group, agency_a)  # agency A named twice: still one entry
    periods_open(plan=plan, today=dt.date(2026, 1, 5))
    reports = reports_by_agency(plan)
    assert set(reports) == {agency_a.name, agency_b.name}
    assert IndicatorEntry.objects.filter(report=reports[agency_a.name], indicator=indicator).count() == 1
    assert IndicatorEntry.objects.filter(report=reports[agency_b.name], indicator=indicator).count() == 1


def test_inactive_agencies_hand_over_to_their_successor(province, plan):
    merged = AgencyFactory(province=province, name="Sở Thông tin và Truyền thông")
    successor = AgencyFactory(province=province, name="Sở Khoa học và Công nghệ (mới)")
    merged.active, merged.successor = False, successor
    merged.save()
    dissolved = AgencyFactory(province=province, name="Ban đã giải thể", active=False)
    task = TaskFactory(plan=plan)
    task.lead_agencies.add(merged, dissolved)
    periods_open(plan=plan, today=dt.date(2026, 1, 5))
    reports = reports_by_agency(plan)
    assert set(reports) == {successor.name}
    assert TaskEntry.objects.filter(report=reports[successor.name], task=task).exists()


def test_idempotent_and_new_items_join_open_reports(world, agency_a, reporter_a):
    period = world.period()
    assert expected_reports_create(period=period) == 0
    assert AgencyReport.objects.filter(period=period).count() == 2
    new_indicator = IndicatorFactory(plan=world.plan, code="I.5")
    new_indicator.lead_agencies.add(agency_a)
    report_submit(report=world.report(agency_a, "2026-Y"), user=reporter_a)
    assert expected_reports_create(period=period) == 0
    assert expected_reports_create(period=world.period("2026-Y")) == 0
    assert world.report(agency_a).indicator_entries.filter(indicator=new_indicator).exists()
    # a submitted report is not changed under the reviewer's eyes
    assert not world.report(agency_a, "2026-Y").indicator_entries.filter(indicator=new_indicator).exists()


def test_agencies_of_other_plans_are_not_expected(world, province, agency_a):
    other_plan = PlanFactory(province=province)
    IndicatorFactory(plan=other_plan).lead_agencies.add(AgencyFactory(province=province, name="Sở Nội vụ"))
    assert set(reports_by_agency(world.plan)) == {"Sở Y tế", "UBND phường Cao Lãnh"}
