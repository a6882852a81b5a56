"""The maintained per-agency figures (`progress.figures`) follow each approval and reopening in the same
transaction; `recompute_progress --rebuild` repairs them; a recompute as of today reads them, one as of a past
day reads the values."""

import datetime as dt
import threading
from decimal import Decimal as D

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction

from agencies.clock import VIETNAM
from progress.figures import agency_figures_rebuild, agency_figures_refresh
from progress.models import AgencyIndicatorFigure, IndicatorProgress
from progress.services import plan_recompute
from reports.services import periods_open, report_reopen, report_return, report_save, report_submit
from tests.progress.factories import approve_report

pytestmark = pytest.mark.django_db


def figure(world, agency, code: str, year: int = 2026) -> tuple | None:
    row = AgencyIndicatorFigure.objects.filter(plan=world.plan, agency=agency, indicator=world.indicators[code],
                                               year=year).first()
    if row is None:
        return None
    return (row.last_order, row.stock_value, row.flow_value, row.stock_numerator, row.stock_denominator,
            row.flow_numerator, row.flow_denominator, row.milestone_state)


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=VIETNAM), tick=False)


def test_an_approval_writes_the_stock_and_the_flow_reading(world, agency_a, reporter_a, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
    assert figure(world, agency_a, "I.1") == (1, D(60), D(60), None, None, None, None, "")
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, code="2026-Q2",
                   indicators={"I.1": {"value": "70"}})
    # The stock reads the latest quarter, the flow adds the quarters up: the indicator decides which counts.
    assert figure(world, agency_a, "I.1") == (2, D(70), D(130), None, None, None, None, "")


def test_the_annual_report_is_the_year_for_stock_and_flow(world, agency_a, reporter_a, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, code="2026-Y",
                   on=dt.date(2026, 12, 10), indicators={"I.1": {"value": "65"}})
    assert figure(world, agency_a, "I.1") == (5, D(65), D(65), None, None, None, None, "")


def test_ratio_and_milestone_readings(world, agency_a, reporter_a, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={
        "I.2": {"numerator": "1", "denominator": "2"}, "I.3": {"milestone_state": "in_progress"}})
    assert figure(world, agency_a, "I.2")[3:7] == (D(1), D(2), D(1), D(2))
    assert figure(world, agency_a, "I.3")[-1] == "in_progress"


def test_a_reopening_takes_the_report_out(world, agency_a, reporter_a, staff):
    first = approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff,
                           indicators={"I.1": {"value": "60"}})
    second = approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, code="2026-Q2",
                            indicators={"I.1": {"value": "70"}})
    report_reopen(report=second, user=staff, reason="Sai số liệu quý 2.")
    assert figure(world, agency_a, "I.1") == (1, D(60), D(60), None, None, None, None, "")
    report_reopen(report=first, user=staff, reason="Sai số liệu quý 1.")
    assert figure(world, agency_a, "I.1") is None
    assert not AgencyIndicatorFigure.objects.filter(plan=world.plan).exists()


def test_a_return_changes_nothing(world, agency_a, reporter_a, staff):
    """Only a submitted report can be returned, and it was never approved: the figures stay as they were."""
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
    with at(dt.date(2026, 6, 20)):
        periods_open(plan=world.plan, today=dt.date(2026, 6, 20))
        report = world.report(agency_a, "2026-Q2")
        report_save(report=report, user=reporter_a, version=None,
                    data={"indicator_entries": [{"indicator": "I.1", "value": "70"}]})
        report_submit(report=report, user=reporter_a)
        report_return(report=report, user=staff, reason="Thiếu nguồn số liệu.")
    assert figure(world, agency_a, "I.1") == (1, D(60), D(60), None, None, None, None, "")
    assert agency_figures_rebuild(plan_ids=[world.plan.pk]) == 0


def test_the_figures_commit_with_the_approval_or_not_at_all(world, agency_a, reporter_a, staff):
    with pytest.raises(RuntimeError), transaction.atomic():
        approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
        assert figure(world, agency_a, "I.1") is not None
        raise RuntimeError("the approving transaction fails after the approval")
    assert figure(world, agency_a, "I.1") is None


def test_a_recompute_as_of_today_reads_the_figures_and_one_of_a_past_day_the_values(world, agency_a, reporter_a,
                                                                                    staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
    # A figure that disagrees with the values shows which one each recompute read.
    AgencyIndicatorFigure.objects.filter(plan=world.plan, indicator=world.indicators["I.1"]).update(stock_value=1)
    with at(dt.date(2026, 5, 2)):
        plan_recompute(plan=world.plan, as_of=dt.date(2026, 5, 2))
        assert IndicatorProgress.objects.get(indicator=world.indicators["I.1"], year=2026).actual == D(1)
        plan_recompute(plan=world.plan, as_of=dt.date(2026, 5, 1))
        assert IndicatorProgress.objects.get(indicator=world.indicators["I.1"], year=2026).actual == D(60)


def test_rebuild_command_repairs_the_figures_then_recomputes(world, agency_a, agency_b, reporter_a, reporter_b, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
    approve_report(world, agency=agency_b, reporter=reporter_b, staff=staff, indicators={"I.4": {"value": "5"}})
    right = sorted(AgencyIndicatorFigure.objects.filter(plan=world.plan).values_list())
    AgencyIndicatorFigure.objects.filter(plan=world.plan, indicator=world.indicators["I.1"]).update(stock_value=1)
    AgencyIndicatorFigure.objects.filter(plan=world.plan, indicator=world.indicators["I.4"]).delete()
    AgencyIndicatorFigure.objects.create(plan=world.plan, agency=agency_b, indicator=world.indicators["I.1"],
                                         year=2027, last_order=1, stock_value=5)
    with at(dt.date(2026, 5, 2)):
        call_command("recompute_progress", "--plan", world.plan.code, "--sync", "--rebuild")
    assert sorted(AgencyIndicatorFigure.objects.filter(plan=world.plan).values_list()) == right
    assert IndicatorProgress.objects.get(indicator=world.indicators["I.1"], year=2026).actual == D(60)
    assert IndicatorProgress.objects.get(indicator=world.indicators["I.4"], year=2026).actual == D(5)
    assert agency_figures_rebuild() == 0  # every plan, nothing left to change


def test_refresh_is_idempotent_and_ignores_unknown_reports(world, agency_a, reporter_a, staff):
    report = approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff,
                            indicators={"I.1": {"value": "60"}})
    before = sorted(AgencyIndicatorFigure.objects.filter(plan=world.plan).values_list())
    assert agency_figures_refresh(report_ids=[report.pk, report.pk]) == len(before)
    assert agency_figures_refresh(report_ids=[10**9]) == 0
    assert agency_figures_refresh(report_ids=[]) == 0
    assert sorted(AgencyIndicatorFigure.objects.filter(plan=world.plan).values_list()) == before


def test_deleting_an_indicator_deletes_its_figures(world, agency_a, reporter_a, staff):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff,
                   indicators={"I.1": {"value": "60"}, "I.2": {"numerator": "1", "denominator": "2"}})
    world.indicators["I.1"].delete()
    assert set(AgencyIndicatorFigure.objects.filter(plan=world.plan).values_list("indicator__code", flat=True)) \
        == {"I.2"}


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_of_one_agency_year_at_once_both_count(world, agency_a, reporter_a, staff):
    """Two approvals of the same agency's quarters in parallel: the second refresh waits for the first, then
    reads what it committed (no duplicate key, no figure missing the other quarter)."""
    q1 = approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
    q2 = approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, code="2026-Q2",
                        indicators={"I.1": {"value": "70"}})
    started, release, errors = threading.Event(), threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                agency_figures_refresh(report_ids=[q1.pk])
                started.set()
                release.wait(10)
        except Exception as error:  # noqa: BLE001 - reported to the test thread
            errors.append(error)
        finally:
            connection.close()

    holder = threading.Thread(target=first)
    holder.start()
    try:
        assert started.wait(10)
        def then():
            try:
                agency_figures_refresh(report_ids=[q2.pk])
            except Exception as error:  # noqa: BLE001 - reported to the test thread
                errors.append(error)
            finally:
                connection.close()

        second = threading.Thread(target=then)
        second.start()
        second.join(0.5)
        assert second.is_alive(), "the second refresh did not wait for the first"
    finally:
        release.set()
        holder.join()
    second.join(10)
    assert not errors
    assert figure(world, agency_a, "I.1") == (2, D(70), D(130), None, None, None, None, "")
