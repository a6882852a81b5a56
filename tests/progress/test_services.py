"""plan_recompute against approved values built with the real reporting services."""

import datetime as dt
import threading
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progress.models import AgencyProgress, IndicatorProgress, PlanProgress, SectionProgress, TaskProgress
from progress.services import RecomputeBusy, plan_lock, plan_recompute
from reports.services import report_approve, report_reopen, report_submit
from tests.factories import IndicatorFactory, SectionFactory, TargetFactory
from tests.progress.factories import approve_report

pytestmark = pytest.mark.django_db


def snapshot(world, code, year=2026):
    return IndicatorProgress.objects.get(indicator=world.indicators[code], year=year)


def test_stock_on_track_after_the_first_quarter(world, agency_a, reporter_a, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
    plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 1))
    row = snapshot(world, "I.1")
    # P = 50 (baseline), T = 90, one quarter ended: E = 60, r = 1.
    assert row.actual == D(60)
    assert row.expected == D(60)
    assert row.status == "on_track"
    assert row.explanation == "Quý 1: thực tế 60% so với kỳ vọng 60%, r = 1 ≥ 0,95 → Đúng tiến độ"
    assert (row.target_op, row.target_low, row.target_text) == (">=", D(90), "≥ 90%")
    assert row.last_value_at == dt.date(2026, 3, 31)
    assert row.as_of == dt.date(2026, 4, 1)
    assert row.computed_at is not None


def test_no_approved_value_is_no_data(world):
    plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 1))
    row = snapshot(world, "I.1")
    assert (row.status, row.actual) == ("no_data", None)
    assert row.explanation == "Chưa có số liệu được duyệt cho năm 2026"


def test_submitted_but_not_approved_does_not_count(world, agency_a, reporter_a, staff):
    report = world.report(agency_a)
    from reports.services import report_save

    report_save(report=report, user=reporter_a, version=report.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": "80"}]})
    report_submit(report=report, user=reporter_a)
    plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 1))
    assert snapshot(world, "I.1").status == "no_data"


def test_stock_takes_the_latest_quarter_and_flow_adds_up(world, agency_a, agency_b, reporter_a, reporter_b, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, code="2026-Q2",
                   indicators={"I.1": {"value": "70"}})
    approve_report(world, agency=agency_b, reporter=reporter_b, staff=staff, indicators={"I.4": {"value": "5"}})
    approve_report(world, agency=agency_b, reporter=reporter_b, staff=staff, code="2026-Q2",
                   indicators={"I.4": {"value": "7"}})
    plan_recompute(plan=world.plan, as_of=dt.date(2026, 7, 1))
    assert snapshot(world, "I.1").actual == D(70)
    flow = snapshot(world, "I.4")
    assert flow.actual == D(12)
    # A flow starts the year from zero: E = 20 × 2/4 = 10 → on track.
    assert flow.expected == D(10)
    assert flow.status == "on_track"


def test_ratio_is_sum_of_numerators_over_sum_of_denominators(world, agency_a, agency_b, reporter_a, reporter_b,
                                                             staff):
    world.indicators["I.2"].lead_agencies.add(agency_b)
    # Agency A 1/2 = 50 %, agency B 90/100 = 90 %: the mean of percentages (70 %) misses the 80 % target,
    # the province figure 91/102 = 89,22 % reaches it.
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, code="2026-Q1",
                   indicators={"I.2": {"numerator": "1", "denominator": "2"}})
    approve_report(world, agency=agency_b, reporter=reporter_b, staff=staff, code="2026-Q1",
                   indicators={"I.2": {"numerator": "90", "denominator": "100"}})
    plan_recompute(plan=world.plan, as_of=dt.date(2027, 1, 10))
    row = snapshot(world, "I.2")
    assert (row.numerator_sum, row.denominator_sum) == (D(91), D(102))
    assert row.actual.quantize(D("0.01")) == D("89.22")
    assert row.reporting_agencies == 2
    assert row.status == "achieved"
    assert row.explanation == "Thực tế 89,22% ≥ mục tiêu 80% → Đạt"


def test_as_of_before_and_after_the_year_end(world, agency_a, reporter_a, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "80"}},
                   on=dt.date(2026, 3, 19))
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, code="2026-Q4",
                   indicators={"I.1": {"value": "91"}}, on=dt.date(2026, 12, 18))

    plan_recompute(plan=world.plan, as_of=dt.date(2026, 12, 1))  # before Q4 was approved
    before = snapshot(world, "I.1")
    assert before.actual == D(80)
    assert before.status == "stale"  # Q1 value, three quarters later

    plan_recompute(plan=world.plan, as_of=dt.date(2026, 12, 31))
    assert snapshot(world, "I.1").status == "on_track"

    plan_recompute(plan=world.plan, as_of=dt.date(2027, 1, 1))
    after = snapshot(world, "I.1")
    assert (after.status, after.actual) == ("achieved", D(91))
    assert after.explanation == "Thực tế 91% ≥ mục tiêu 90% → Đạt"


def test_year_not_reached_after_the_end_is_not_achieved(world, agency_a, reporter_a, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "85"}})
    plan_recompute(plan=world.plan, as_of=dt.date(2027, 2, 1))
    row = snapshot(world, "I.1")
    assert row.status == "not_achieved"
    assert row.percent_of_target == D("94.44")


def test_milestone_takes_the_reviewed_state(world, agency_a, reporter_a, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff,
                   indicators={"I.3": {"milestone_state": "completed"}})
    plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 1))
    row = snapshot(world, "I.3")
    assert (row.status, row.milestone_state) == ("achieved", "completed")
    assert "Hoàn thành" in row.explanation


def test_trajectory_towards_the_final_target(world, agency_a, reporter_a, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "80"}})
    plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 1))
    row = snapshot(world, "I.1")
    # From 50 (2025) to 100 (2030): 14,87 %/year needed; 60 % observed in one year.
    assert row.trajectory == "substantial"
    assert "Tăng trưởng bình quân 60%/năm" in row.trajectory_explanation


def test_reopened_report_no_longer_counts(world, agency_a, reporter_a, staff):
    report = approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff,
                            indicators={"I.1": {"value": "60"}})
    report_reopen(report=report, user=staff, reason="Số liệu cần sửa")
    plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 1))
    assert snapshot(world, "I.1").status == "no_data"


def test_tasks_sections_plan_and_agencies(world, agency_a, agency_b, reporter_a, staff):
    section = SectionFactory(plan=world.plan, code="I", title="Hạ tầng số")
    child = SectionFactory(plan=world.plan, code="1", title="Viễn thông", parent=section)
    for code in ("I.1", "I.2"):
        world.indicators[code].section = child
        world.indicators[code].save(update_fields=["section"])
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "95"}},
                   tasks={"II.1": {"status": "in_progress", "progress": "40"}})
    plan_recompute(plan=world.plan, as_of=dt.date(2027, 1, 5))

    task = TaskProgress.objects.get(task=world.tasks["II.1"])
    assert (task.status, task.progress) == ("in_progress", D(40))
    assert TaskProgress.objects.get(task=world.tasks["II.2"]).status == "not_started"

    for node in (section, child):
        rollup = SectionProgress.objects.get(section=node, year=2026)
        assert rollup.counts == {"achieved": 1, "no_data": 1}
        assert rollup.share_achieved == D("50.00")
    plan_row = PlanProgress.objects.get(plan=world.plan, year=2026)
    assert plan_row.counts == {"achieved": 1, "no_data": 3}
    assert plan_row.share_achieved == D("25.00")
    assert plan_row.task_counts == {"in_progress": 1, "not_started": 1}

    a = AgencyProgress.objects.get(plan=world.plan, agency=agency_a, year=2026)
    assert a.indicator_counts == {"achieved": 1, "no_data": 2}
    assert a.task_counts == {"in_progress": 1}
    # The periods opened so far are 2026-Q1 and 2026-Y (it starts on 01/01); both are due by 05/01/2027.
    assert (a.reports_expected, a.reports_on_time, a.reports_late, a.reports_missing) == (2, 1, 0, 1)
    b = AgencyProgress.objects.get(plan=world.plan, agency=agency_b, year=2026)
    assert (b.reports_expected, b.reports_on_time, b.reports_missing) == (2, 0, 2)


def test_incremental_recompute_rebuilds_only_the_given_indicators(world, agency_a, reporter_a, staff):
    plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 1))
    untouched_before = snapshot(world, "I.4").pk
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
    plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 2), indicator_ids=[world.indicators["I.1"].pk])
    assert snapshot(world, "I.1").status == "on_track"
    untouched = snapshot(world, "I.4")
    assert untouched.pk == untouched_before
    assert untouched.as_of == dt.date(2026, 4, 2)
    assert IndicatorProgress.objects.filter(plan=world.plan).count() == 4 * 5


def test_incremental_from_a_year_keeps_the_earlier_years(world, agency_a, reporter_a, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "80"}})
    plan_recompute(plan=world.plan, as_of=dt.date(2027, 1, 5))
    TargetFactory(indicator=world.indicators["I.1"], year=2027, op=">=", low=100, text="100%")
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, code="2027-Q1",
                   indicators={"I.1": {"value": "85"}})
    before = snapshot(world, "I.1", 2026)
    plan_recompute(plan=world.plan, as_of=dt.date(2027, 4, 1), indicator_ids=[world.indicators["I.1"].pk],
                   from_year=2027)
    assert snapshot(world, "I.1", 2026).pk == before.pk  # 2026 untouched
    row = snapshot(world, "I.1", 2027)
    # P = 80 (the 2026 actual from its snapshot), T = 100, one quarter: E = 85 → r = 1.
    assert (row.actual, row.expected, row.status) == (D(85), D(85), "on_track")


def test_recompute_is_idempotent(world, agency_a, reporter_a, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
    plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 1))
    first = list(IndicatorProgress.objects.values_list("indicator_id", "year", "status", "actual", "explanation"))
    plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 1))
    again = list(IndicatorProgress.objects.values_list("indicator_id", "year", "status", "actual", "explanation"))
    assert sorted(first) == sorted(again)


def _recompute_queries(plan) -> int:
    """Queries other than INSERT: bulk inserts are split in batches on SQLite (999 parameters at most)."""
    with CaptureQueriesContext(connection) as queries:
        plan_recompute(plan=plan, as_of=dt.date(2026, 4, 1))
    return len([q for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("INSERT")])


def test_query_count_does_not_grow_with_the_indicators(world, agency_a, reporter_a, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
    few = _recompute_queries(world.plan)
    for n in range(12):
        indicator = IndicatorFactory(plan=world.plan, code=f"III.{n}")
        indicator.lead_agencies.add(agency_a)
        TargetFactory(indicator=indicator, year=2026)
    many = _recompute_queries(world.plan)
    assert many == few
    assert few <= 25


class TestLock:
    def _hold(self, plan_id, started, release):
        from django.db import transaction

        try:
            with transaction.atomic(), plan_lock(plan_id):
                started.set()
                release.wait(10)
        finally:
            connection.close()

    def test_a_second_recompute_of_the_same_plan_is_refused(self, world):
        started, release = threading.Event(), threading.Event()
        holder = threading.Thread(target=self._hold, args=(world.plan.pk, started, release))
        holder.start()
        try:
            assert started.wait(10)
            with pytest.raises(RecomputeBusy):
                plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 1))
        finally:
            release.set()
            holder.join()
        plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 1))
        assert IndicatorProgress.objects.filter(plan=world.plan).exists()

    def test_another_plan_is_not_blocked(self, world, province):
        from tests.factories import PlanFactory

        other = PlanFactory(province=province)
        started, release = threading.Event(), threading.Event()
        holder = threading.Thread(target=self._hold, args=(other.pk, started, release))
        holder.start()
        try:
            assert started.wait(10)
            plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 1))
        finally:
            release.set()
            holder.join()


def test_approval_recomputes_after_commit(world, agency_a, reporter_a, staff, django_capture_on_commit_callbacks,
                                          eager_celery):
    report = world.report(agency_a)
    from reports.services import report_save

    report_save(report=report, user=reporter_a, version=report.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": "60"}]})
    report_submit(report=report, user=reporter_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report_approve(report=report, user=staff)
    assert len(callbacks) == 1
    assert not IndicatorProgress.objects.exists()  # nothing before the commit
    callbacks[0]()  # the commit happens; the task runs in-process (eager_celery)
    row = snapshot(world, "I.1")
    assert row.actual == D(60)


def test_reopening_recomputes_after_commit(world, agency_a, reporter_a, staff, django_capture_on_commit_callbacks,
                                           eager_celery):
    report = approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff,
                            indicators={"I.1": {"value": "60"}})
    plan_recompute(plan=world.plan)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report_reopen(report=report, user=staff, reason="Sai số liệu")
    assert len(callbacks) == 1
    assert snapshot(world, "I.1").status == "no_data"
