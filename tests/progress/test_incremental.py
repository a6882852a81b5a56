"""The recompute after an approval (the outbox drain) rewrites only what the approval can change, and what it
leaves is exactly what a full recompute of the plan would write (issue 14: an approval must show in 200 ms).

Each test judges the plan at one fixed day: a full recompute first (the nightly run), then approvals that day,
their drain, and a full recompute again, whose rows must equal the drain's.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.clock import VIETNAM
from agencies.models import Agency
from progress.models import AgencyProgress, IndicatorProgress, PlanProgress, SectionProgress, TaskProgress
from progress.services import pending_recompute_run, plan_recompute
from reports.models import AgencyReport, RecomputeRequest
from reports.services import periods_open, report_approve, report_reopen, report_save, report_submit
from tests.factories import AgencyFactory, IndicatorFactory, SectionFactory, TargetFactory, TaskFactory
from tests.progress.factories import approve_report

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 8, 20)  # Q1 and Q2 2026 are due: a report not sent by then is missing
SNAPSHOTS = (IndicatorProgress, TaskProgress, SectionProgress, PlanProgress, AgencyProgress)


def _rows(plan) -> dict[str, list[tuple]]:
    """Every snapshot row of the plan, without its id and the time it was computed."""
    out = {}
    for model in SNAPSHOTS:
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in {"id", "computed_at"}]
        out[model.__name__] = sorted(
            (tuple(str(v.normalize()) if isinstance(v, Decimal) else v for v in row)
             for row in model.objects.filter(plan=plan).values_list(*names)), key=repr)
    return out


def _today():
    return time_machine.travel(dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=VIETNAM), tick=False)


@pytest.fixture
def shared(world, province, agency_a, agency_b):
    """The usual world, plus a group of A and B leading I.5 (both report it), I.6 led by A and B together
    (shared), task II.3 led by both, and sections, so that sections, groups and shared items are rolled up."""
    group = AgencyFactory(province=province, name="Các sở, ngành", kind=Agency.Kind.GROUP)
    group.members.add(agency_a, agency_b)
    parent = SectionFactory(plan=world.plan, code="A")
    child = SectionFactory(plan=world.plan, code="A.1", parent=parent)
    for code, leads, section in (("I.5", [group], child), ("I.6", [agency_a, agency_b], parent)):
        indicator = IndicatorFactory(plan=world.plan, code=code, order=10, unit="", section=section)
        indicator.lead_agencies.add(*leads)
        TargetFactory(indicator=indicator, year=2026, op=">=", low=50, text="≥ 50")
        world.indicators[code] = indicator
    for code in ("I.1", "I.4"):
        world.indicators[code].section = child
        world.indicators[code].save(update_fields=["section"])
    task = TaskFactory(plan=world.plan, code="II.3", order=10, section=child,
                       due_date=dt.date(2026, 9, 1), start_date=dt.date(2026, 1, 1))
    task.lead_agencies.add(agency_a, agency_b)
    world.tasks["II.3"] = task
    periods_open(plan=world.plan, today=TODAY)
    return world


def _approve(world, agency, reporter, staff, code, indicators, tasks=None, on=None):
    """approve_report, each value with a note (a large change from the previous period needs one)."""
    indicators = {c: {"note": "Số liệu thử.", **values} for c, values in indicators.items()}
    return approve_report(world, agency=agency, reporter=reporter, staff=staff, code=code, indicators=indicators,
                          tasks=tasks or {}, on=on)


@pytest.fixture
def judged(shared, agency_a, agency_b, reporter_a, reporter_b, staff):
    """Q1 of A and B approved, then the plan recomputed in full on TODAY (no request left)."""
    _approve(shared, agency_a, reporter_a, staff, "2026-Q1", {"I.1": {"value": "60"}, "I.5": {"value": "20"},
                                                               "I.6": {"value": "30"}},
             {"II.1": {"status": "in_progress", "progress": "30"}, "II.3": {"progress": "10"}})
    _approve(shared, agency_b, reporter_b, staff, "2026-Q1", {"I.4": {"value": "5"}, "I.5": {"value": "10"},
                                                               "I.6": {"value": "10"}},
             {"II.2": {"status": "in_progress"}, "II.3": {"progress": "20"}})
    with _today():
        plan_recompute(plan=shared.plan)
    assert not RecomputeRequest.objects.exists()
    return shared


def _drain_then_compare(world) -> object:
    """Drain the outbox (the incremental recompute), then recompute in full: both must write the same rows."""
    with _today():
        result = pending_recompute_run(plan_id=world.plan.pk)
        incremental = _rows(world.plan)
        plan_recompute(plan=world.plan)
        full = _rows(world.plan)
    for name in full:
        assert incremental[name] == full[name], name
    return result


def test_an_approval_that_moves_group_led_and_shared_indicators_and_a_task(judged, agency_a, reporter_a, staff):
    before = _rows(judged.plan)
    with _today():
        _approve(judged, agency_a, reporter_a, staff, "2026-Q2",
                 {"I.1": {"value": "95"}, "I.5": {"value": "80"}, "I.6": {"value": "70"}},
                 {"II.1": {"status": "completed"}, "II.3": {"progress": "100"}}, on=TODAY)
    result = _drain_then_compare(judged)
    assert result.tasks == 2  # only the report's tasks were judged again
    after = _rows(judged.plan)
    assert after["IndicatorProgress"] != before["IndicatorProgress"]
    assert after["AgencyProgress"] != before["AgencyProgress"]
    group = Agency.objects.get(kind=Agency.Kind.GROUP)
    assert AgencyProgress.objects.filter(plan=judged.plan, agency=group, year=2026).exists()


def test_a_reopening_takes_the_values_out_exactly(judged, agency_a, reporter_a, staff):
    with _today():
        report = _approve(judged, agency_a, reporter_a, staff, "2026-Q2", {"I.1": {"value": "95"}},
                          {"II.1": {"status": "completed"}}, on=TODAY)
    _drain_then_compare(judged)
    with _today():
        report_reopen(report=AgencyReport.objects.get(pk=report.pk), user=staff, reason="Sai số liệu")
    result = _drain_then_compare(judged)
    assert result.tasks == 1  # II.1: A's completed entry no longer counts


def test_a_late_approval_changes_the_agencys_compliance(judged, agency_b, reporter_b, staff):
    """B's Q2 was missing; submitted late and approved today, it counts as late."""
    row = AgencyProgress.objects.get(plan=judged.plan, agency=agency_b, year=2026)
    assert (row.reports_missing, row.reports_late) == (1, 0)
    with _today():
        _approve(judged, agency_b, reporter_b, staff, "2026-Q2", {"I.4": {"value": "7"}}, on=TODAY)
    _drain_then_compare(judged)
    row = AgencyProgress.objects.get(plan=judged.plan, agency=agency_b, year=2026)
    assert (row.reports_missing, row.reports_late) == (0, 1)


def test_several_approvals_in_one_drain_union_their_scopes(judged, agency_a, agency_b, reporter_a, reporter_b,
                                                           staff):
    with _today():
        _approve(judged, agency_a, reporter_a, staff, "2026-Q2", {"I.6": {"value": "5"}},
                 {"II.3": {"progress": "50"}}, on=TODAY)
        _approve(judged, agency_b, reporter_b, staff, "2026-Q2", {"I.5": {"value": "90"}, "I.4": {"value": "30"}},
                 {"II.2": {"status": "completed"}}, on=TODAY)
    assert RecomputeRequest.objects.filter(plan=judged.plan).count() == 2
    result = _drain_then_compare(judged)
    assert result.tasks == 2  # the entries filled: II.3 (A's report), II.2 (B's report)


def test_a_whole_plan_request_in_the_drain_recomputes_everything(judged, agency_a, reporter_a, staff):
    with _today():
        _approve(judged, agency_a, reporter_a, staff, "2026-Q2", {"I.1": {"value": "99"}}, on=TODAY)
        RecomputeRequest.objects.create(plan=judged.plan)  # e.g. an operator's: the whole plan
    result = _drain_then_compare(judged)
    assert result.tasks == len(judged.tasks) and result.indicators == len(judged.indicators)


def test_a_request_that_cannot_tell_its_reports_rolls_up_every_task(judged, agency_a, reporter_a, staff):
    with _today():
        _approve(judged, agency_a, reporter_a, staff, "2026-Q2", {"I.1": {"value": "99"}}, on=TODAY)
        RecomputeRequest.objects.filter(plan=judged.plan).update(report_ids=None)  # written by the older version
    assert _drain_then_compare(judged).tasks == len(judged.tasks)


def test_a_drain_on_a_later_day_judges_everything_at_that_day(judged, agency_a, reporter_a, staff):
    """The tasks' and agencies' statuses move with time: the day after the full recompute, a drain rolls up
    every task (II.3 becomes at risk or overdue whoever reported)."""
    later = TODAY + dt.timedelta(days=20)
    with time_machine.travel(dt.datetime.combine(later, dt.time(10, 0), tzinfo=VIETNAM), tick=False):
        _approve(judged, agency_a, reporter_a, staff, "2026-Q2", {"I.1": {"value": "99"}}, on=later)
        result = pending_recompute_run(plan_id=judged.plan.pk)
        assert result.tasks == len(judged.tasks)
        assert set(TaskProgress.objects.filter(plan=judged.plan).values_list("as_of", flat=True)) == {later}
        assert set(AgencyProgress.objects.filter(plan=judged.plan).values_list("as_of", flat=True)) == {later}


def test_a_new_task_gets_its_row_on_the_next_drain(judged, agency_a, reporter_a, staff):
    task = TaskFactory(plan=judged.plan, code="II.9", order=20)
    task.lead_agencies.add(agency_a)
    with _today():
        _approve(judged, agency_a, reporter_a, staff, "2026-Q2", {"I.1": {"value": "99"}}, on=TODAY)
    _drain_then_compare(judged)
    assert TaskProgress.objects.filter(task=task).exists()


def test_an_indicators_rules_change_rolls_up_its_leads_only(judged, agency_a):
    i5 = judged.indicators["I.5"]
    i5.aggregation = "mean"
    i5.save(update_fields=["aggregation"])
    RecomputeRequest.objects.create(plan=judged.plan, indicator_ids=[i5.pk], report_ids=[])
    assert _drain_then_compare(judged).tasks == 0


def _drain_queries(world, agency, reporter, staff, code) -> int:
    report = world.report(agency, code)
    with _today():
        report_save(report=report, user=reporter, version=report.version,
                    data={"indicator_entries": [{"indicator": "I.1", "value": "70", "note": "Thử."}],
                          "task_entries": []})
        report_submit(report=report, user=reporter)
        report_approve(report=AgencyReport.objects.get(pk=report.pk), user=staff)
        with CaptureQueriesContext(connection) as queries:
            pending_recompute_run(plan_id=world.plan.pk)
    return len(queries)


def test_the_drain_reads_as_much_whatever_the_size_of_the_rest_of_the_plan(judged, province, agency_a, reporter_a,
                                                                            staff):
    small = _drain_queries(judged, agency_a, reporter_a, staff, "2026-Q2")
    for n in range(6):  # more agencies, indicators and tasks that the next approval does not touch
        other = AgencyFactory(province=province, name=f"Sở khác {n}")
        IndicatorFactory(plan=judged.plan, code=f"III.{n}", order=30 + n, unit="").lead_agencies.add(other)
        TaskFactory(plan=judged.plan, code=f"IV.{n}", order=30 + n).lead_agencies.add(other)
    periods_open(plan=judged.plan, today=TODAY)
    with _today():
        plan_recompute(plan=judged.plan)
    assert _drain_queries(judged, agency_a, reporter_a, staff, "2026-Q3") == small
