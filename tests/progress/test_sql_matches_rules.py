"""The set-based SQL of the recompute gives the same province figures as the pure rules
(`indicators.rules.accumulate_year` + `aggregate`) on random approved values: both ways, from the maintained
per-agency figures (a recompute as of today) and from the values themselves (as of a past day)."""

import datetime as dt
import random
from decimal import Decimal as D

import pytest
import time_machine
from django.utils import timezone

from agencies.clock import VIETNAM
from indicators import rules
from indicators.models import Indicator
from progress.figures import agency_figures_rebuild
from progress.models import IndicatorProgress
from progress.services import plan_recompute
from reports.models import AgencyReport, IndicatorEntry
from reports.services import periods_open
from tests.factories import AgencyFactory, IndicatorFactory, PlanFactory

pytestmark = pytest.mark.django_db

ORDERS = {"2026-Q1": 1, "2026-Q2": 2, "2026-Q3": 3, "2026-Q4": 4, "2026-Y": 5}
PATHS = ["maintained", "from_values"]


def recompute(plan, *, as_of: dt.date, path: str) -> None:
    """Recompute as of `as_of`, by the maintained figures (today is `as_of`) or from the values (today is later).
    The values here are written straight to the tables, as a bulk load would: the figures are rebuilt first."""
    agency_figures_rebuild(plan_ids=[plan.pk])
    today = as_of if path == "maintained" else as_of + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(today, dt.time(12), tzinfo=VIETNAM), tick=False):
        plan_recompute(plan=plan, as_of=as_of)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("seed", range(4))
def test_random_values(province, seed, path):
    rng = random.Random(seed)
    plan = PlanFactory(province=province)
    agencies = [AgencyFactory(province=province) for _ in range(4)]
    indicators = []
    for method in Indicator.Aggregation.values:
        for cumulative in (True, False):
            indicators.append(IndicatorFactory(plan=plan, code=f"{method}-{cumulative}", aggregation=method,
                                               cumulative=cumulative))
    periods_open(plan=plan, today=dt.date(2026, 1, 1))
    periods = {p.code: p for p in plan.periods.filter(year=2026)}
    approved_at = timezone.make_aware(dt.datetime(2026, 12, 1, 9))
    expected_input: dict[int, dict[int, list[rules.PeriodValue]]] = {}
    for agency in agencies:
        for code, period in periods.items():
            if rng.random() < 0.3:
                continue  # this agency did not report that period
            report = AgencyReport.objects.create(agency=agency, plan=plan, period=period, approved_at=approved_at,
                                                 status=AgencyReport.Status.APPROVED)
            for indicator in indicators:
                if rng.random() < 0.2:
                    continue
                if indicator.aggregation == "ratio":
                    denominator = D(rng.randint(1, 200))
                    numerator = D(rng.randint(0, int(denominator)))
                    entry = IndicatorEntry(report=report, indicator=indicator, numerator=numerator,
                                           denominator=denominator)
                    value = rules.PeriodValue(order=ORDERS[code], numerator=numerator, denominator=denominator)
                else:
                    number = D(rng.randint(0, 10_000)) / 100
                    entry = IndicatorEntry(report=report, indicator=indicator, value=number)
                    value = rules.PeriodValue(order=ORDERS[code], value=number)
                entry.save()
                expected_input.setdefault(indicator.pk, {}).setdefault(agency.pk, []).append(value)

    recompute(plan, as_of=dt.date(2027, 1, 10), path=path)
    actuals = dict(IndicatorProgress.objects.filter(plan=plan, year=2026).values_list("indicator_id", "actual"))
    for indicator in indicators:
        figures = [rules.accumulate_year(periods_of_agency, cumulative=indicator.cumulative)
                   for periods_of_agency in expected_input.get(indicator.pk, {}).values()]
        expected = rules.aggregate(indicator.aggregation, figures, cumulative=indicator.cumulative).value
        got = actuals[indicator.pk]
        if expected is None:
            assert got is None, indicator.code
        else:
            assert got is not None, indicator.code
            assert abs(D(got) - expected) < D("0.0001"), (indicator.code, got, expected)


@pytest.mark.parametrize("path", PATHS)
def test_milestone_state_is_the_one_of_the_latest_period(province, path):
    """The milestone state counted is that of the year's latest reported period; an agency whose latest entry
    has no state does not fall back to an older one."""
    plan = PlanFactory(province=province)
    first, second = AgencyFactory(province=province), AgencyFactory(province=province)
    newest_wins, no_fallback = (IndicatorFactory(plan=plan, code=code, aggregation="latest", cumulative=True)
                                for code in ("M.1", "M.2"))
    periods_open(plan=plan, today=dt.date(2026, 1, 1))
    periods = {p.code: p for p in plan.periods.filter(year=2026)}
    approved_at = timezone.make_aware(dt.datetime(2026, 7, 1, 9))

    for agency, code, indicator, fields in [
        (first, "2026-Q1", newest_wins, {"milestone_state": "completed"}),
        (second, "2026-Q2", newest_wins, {"milestone_state": "in_progress"}),
        (first, "2026-Q1", no_fallback, {"milestone_state": "completed"}),
        (first, "2026-Q2", no_fallback, {"value": D(5)}),
    ]:
        r, _ = AgencyReport.objects.get_or_create(agency=agency, plan=plan, period=periods[code],
                                                  defaults={"approved_at": approved_at,
                                                            "status": AgencyReport.Status.APPROVED})
        IndicatorEntry.objects.create(report=r, indicator=indicator, **fields)

    recompute(plan, as_of=dt.date(2026, 7, 10), path=path)
    states = dict(IndicatorProgress.objects.filter(plan=plan, year=2026).values_list("indicator__code",
                                                                                      "milestone_state"))
    assert states == {"M.1": "in_progress", "M.2": ""}
