"""Report factories, reused by the screens (H5), progress (H6) and dashboards (H7) tests.

`reporting_plan(...)` builds the usual world: a plan with indicators and tasks led by agency A and
agency B, its periods opened and the expected reports created.
"""

import datetime as dt
from dataclasses import dataclass, field

import factory

from indicators.models import Indicator
from plans.models import Plan
from reports.models import AgencyReport, IndicatorEntry, ReportingPeriod, ReportingPolicy, TaskEntry
from reports.services import period_calendar, periods_open
from tests.factories import AgencyFactory, IndicatorFactory, PlanFactory, TaskFactory


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    """A period with the plan's real calendar (Q1 2026 unless told otherwise; quarter=None: annual)."""

    class Meta:
        model = ReportingPeriod

    plan = factory.SubFactory(PlanFactory)
    year = 2026
    quarter = 1

    @classmethod
    def _create(cls, model_class, plan, year, quarter, **overrides):
        calendar = {**period_calendar(plan=plan, year=year, quarter=quarter), **overrides}
        return model_class.objects.get_or_create(plan=plan, code=calendar["code"], defaults=calendar)[0]


class AgencyReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyReport

    agency = factory.SubFactory(AgencyFactory)
    period = factory.SubFactory(ReportingPeriodFactory)
    plan = factory.SelfAttribute("period.plan")


class IndicatorEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorEntry

    report = factory.SubFactory(AgencyReportFactory)
    indicator = factory.SubFactory(IndicatorFactory, plan=factory.SelfAttribute("..report.plan"))


class TaskEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskEntry

    report = factory.SubFactory(AgencyReportFactory)
    task = factory.SubFactory(TaskFactory, plan=factory.SelfAttribute("..report.plan"))


class ReportingPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPolicy
        django_get_or_create = ("province",)

    require_head_confirmation = True


@dataclass
class ReportingWorld:
    plan: Plan
    indicators: dict[str, Indicator] = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)

    def period(self, code: str = "2026-Q1") -> ReportingPeriod:
        return self.plan.periods.get(code=code)

    def report(self, agency, code: str = "2026-Q1") -> AgencyReport:
        return AgencyReport.objects.get(agency=agency, period__plan=self.plan, period__code=code)


def reporting_plan(*, province, agency_a, agency_b, today: dt.date = dt.date(2026, 3, 1),
                   **plan_fields) -> ReportingWorld:
    """A plan (2026–2030) whose periods up to `today` are open, with, for agency A: a percentage
    indicator "I.1" (≥ 90), a ratio indicator "I.2" (numerator/denominator), a milestone "I.3" and
    task "II.1"; for agency B: a count indicator "I.4" and task "II.2"."""
    plan = PlanFactory(province=province, **plan_fields)
    world = ReportingWorld(plan=plan)
    specs = [
        ("I.1", agency_a, {"value_type": Indicator.ValueType.PERCENT, "unit": "%"}),
        ("I.2", agency_a, {"value_type": Indicator.ValueType.PERCENT, "unit": "%",
                           "aggregation": Indicator.Aggregation.RATIO}),
        ("I.3", agency_a, {"value_type": Indicator.ValueType.MILESTONE, "unit": ""}),
        ("I.4", agency_b, {"value_type": Indicator.ValueType.COUNT, "unit": "doanh nghiệp",
                           "aggregation": Indicator.Aggregation.SUM}),
    ]
    for order, (code, agency, fields) in enumerate(specs):
        indicator = IndicatorFactory(plan=plan, code=code, order=order, **fields)
        indicator.lead_agencies.add(agency)
        world.indicators[code] = indicator
    for order, (code, agency) in enumerate([("II.1", agency_a), ("II.2", agency_b)]):
        task = TaskFactory(plan=plan, code=code, order=order)
        task.lead_agencies.add(agency)
        world.tasks[code] = task
    periods_open(plan=plan, today=today)
    return world
