"""Property: whatever the history of saves, submissions, approvals, returns and reopenings, the maintained
per-agency figures equal a rebuild from the approved values, and a recompute as of today (which reads them)
gives the same figures and statuses as a recompute from the values themselves.

Histories run through the real services on PostgreSQL: three agencies report seven indicators (a stock and a
flow summed, a ratio, a mean, the latest of a stock and of a flow, a milestone) over the quarters and the
annual report of 2026 and the first quarter of 2027. Each example builds its own plan inside a savepoint
rolled back at its end.
"""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from agencies.clock import VIETNAM
from agencies.models import Membership
from indicators.models import Indicator
from progress.figures import agency_figures_rebuild
from progress.models import AgencyIndicatorFigure, IndicatorProgress
from progress.selectors import indicator_year_figures, maintained_year_figures
from progress.services import plan_recompute
from reports.models import AgencyReport
from reports.services import (
    ReportError,
    periods_open,
    report_approve,
    report_reopen,
    report_return,
    report_save,
    report_submit,
)
from tests.factories import AgencyFactory, IndicatorFactory, MembershipFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 15)  # Q1 2027 has begun: six periods are open
PERIODS = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026-Y", "2027-Q1"]
AGENCIES = 3
Aggregation, ValueType = Indicator.Aggregation, Indicator.ValueType
INDICATORS = {  # code: (aggregation, cumulative, value type)
    "stock-sum": (Aggregation.SUM, True, ValueType.NUMBER),
    "flow-sum": (Aggregation.SUM, False, ValueType.NUMBER),
    "ratio": (Aggregation.RATIO, True, ValueType.PERCENT),
    "mean": (Aggregation.MEAN, True, ValueType.NUMBER),
    "stock-latest": (Aggregation.LATEST, True, ValueType.NUMBER),
    "flow-latest": (Aggregation.LATEST, False, ValueType.NUMBER),
    "milestone": (Aggregation.LATEST, True, ValueType.MILESTONE),
}
SNAPSHOT_FIELDS = ("indicator__code", "year", "actual", "numerator_sum", "denominator_sum", "reporting_agencies",
                   "expected", "status", "explanation", "percent_of_target", "trajectory", "last_value_at",
                   "milestone_state")

numbers = st.decimals(min_value=0, max_value=1000, places=2)
ratios = st.tuples(st.integers(0, 50), st.integers(1, 50)).map(lambda nd: (min(nd), max(nd[1], 1)))
entry_values = {
    "number": st.none() | numbers.map(lambda v: {"value": str(v).replace(".", ",")}),
    "ratio": st.none() | ratios.map(lambda nd: {"numerator": str(nd[0]), "denominator": str(nd[1])}),
    "milestone": st.none() | st.sampled_from(["", "not_started", "in_progress", "completed"]).map(
        lambda s: {"milestone_state": s}),
}
# A step takes one report towards a state, through the services, from whatever state it is in: "approved"
# (saved with the step's values, submitted and approved; an approved report is reopened first, so its
# values change), "returned", "submitted", "saved" (a draft with new values) or "reopened".
step = st.tuples(st.integers(0, AGENCIES - 1), st.sampled_from(PERIODS),
                 st.sampled_from(["approved", "approved", "approved", "returned", "submitted", "saved", "reopened"]),
                 st.fixed_dictionaries({code: entry_values["ratio" if code == "ratio" else
                                                           "milestone" if code == "milestone" else "number"]
                                        for code in INDICATORS}))


@pytest.fixture
def people(province, staff):
    agencies = [AgencyFactory(province=province, name=f"Sở thử {n}") for n in range(AGENCIES)]
    reporters = []
    for n, agency in enumerate(agencies):
        user = UserFactory(username=f"reporter-{n}")
        MembershipFactory(user=user, agency=agency, role=Membership.Role.REPORTER)
        reporters.append(user)
    return province, agencies, reporters, staff


def _build_plan(province, agencies):
    plan = PlanFactory(province=province, start_year=2026, end_year=2027)
    for order, (code, (aggregation, cumulative, value_type)) in enumerate(INDICATORS.items()):
        indicator = IndicatorFactory(plan=plan, code=code, order=order, aggregation=aggregation,
                                     cumulative=cumulative, value_type=value_type, unit="")
        indicator.lead_agencies.add(*agencies)
    periods_open(plan=plan, today=TODAY)
    return plan


def _apply(plan, agencies, reporters, staff, history) -> Counter:
    done: Counter = Counter()
    Status = AgencyReport.Status

    def run(action, service, **kwargs):
        try:
            service(**kwargs)
            done[action] += 1
        except ReportError:
            done["refused"] += 1  # values that do not validate: the history goes on

    for agency_index, code, goal, values in history:
        report = AgencyReport.objects.get(plan=plan, agency=agencies[agency_index], period__code=code)
        reporter = reporters[agency_index]
        if report.status == Status.APPROVED and goal != "approved" or goal == "approved" == report.status:
            run("reopen", report_reopen, report=report, user=staff, reason="Sửa số liệu.")
        if goal == "reopened":
            continue
        if report.status in AgencyReport.EDITABLE_STATUSES:
            items = [{"indicator": indicator, "note": "thử", **item}
                     for indicator, item in values.items() if item is not None]
            run("save", report_save, report=report, user=reporter, data={"indicator_entries": items}, version=None)
            if goal != "saved":
                run("submit", report_submit, report=report, user=reporter)
        if report.status == Status.SUBMITTED and goal == "approved":
            run("approve", report_approve, report=report, user=staff)
        elif report.status == Status.SUBMITTED and goal == "returned":
            run("return", report_return, report=report, user=staff, reason="Bổ sung số liệu.")
    return done


def _figure_rows(plan) -> dict:
    rows = AgencyIndicatorFigure.objects.filter(plan=plan).values()
    return {(r["agency_id"], r["year"], r["indicator_id"]): {k: (v.normalize() if isinstance(v, Decimal) else v)
                                                             for k, v in r.items()} for r in rows}


def _snapshot(plan) -> list[tuple]:
    return sorted(tuple(str(v.normalize()) if isinstance(v, Decimal) else v for v in row)
                  for row in IndicatorProgress.objects.filter(plan=plan).values_list(*SNAPSHOT_FIELDS))


def _at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=VIETNAM), tick=False)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(history=st.lists(step, min_size=4, max_size=20))
def test_maintained_figures_equal_a_rebuild_and_give_the_same_statuses(people, history):
    province, agencies, reporters, staff = people
    with transaction.atomic():
        with _at(TODAY):
            plan = _build_plan(province, agencies)
            for action, count in _apply(plan, agencies, reporters, staff, history).items():
                event(f"{action} × {min(count, 3)}+" if count >= 3 else f"{action} × {count}")

            maintained = _figure_rows(plan)
            assert agency_figures_rebuild(plan_ids=[plan.pk]) == 0, "a rebuild found rows to change"
            assert _figure_rows(plan) == maintained

            by_rows = sorted(maintained_year_figures(plan_id=plan.pk), key=lambda f: (f.indicator_id, f.year))
            by_values = sorted(indicator_year_figures(plan_id=plan.pk, as_of=TODAY),
                               key=lambda f: (f.indicator_id, f.year))
            assert by_rows == by_values

            plan_recompute(plan=plan, as_of=TODAY)  # as of today: the maintained rows
            from_rows = _snapshot(plan)
        with _at(TODAY + dt.timedelta(days=1)):
            plan_recompute(plan=plan, as_of=TODAY)  # as of a past day: the values themselves
            assert _snapshot(plan) == from_rows
        transaction.set_rollback(True)
