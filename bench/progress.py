"""Progress recompute at province scale (issue 5).

One plan, 130 agencies × 100 indicators × 5 years × 4 quarters = 260,000 approved values, generated
with one INSERT … SELECT. Measured: the full recompute (target < 5 s), the incremental recompute after
one approval (< 200 ms), and the full recompute against the floor: one raw SQL GROUP BY over the same
values (target: within 5×).
"""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from bench.measure import Measurement, best_of

AGENCIES = 130
INDICATORS = 100
YEARS = range(2026, 2031)


def _seed():
    from agencies.models import Agency, Province
    from indicators.models import Baseline, Indicator, Target
    from plans.models import Plan, Section
    from reports.models import AgencyReport, ReportingPeriod
    from reports.services import period_calendar

    province = Province.objects.create(name="Đồng Tháp (bench)", code="bench-progress")
    plan = Plan.objects.create(province=province, code="bench-progress", title="Kế hoạch đo tiến độ",
                               start_year=2026, end_year=2030, status=Plan.Status.ACTIVE)
    agencies = Agency.objects.bulk_create([Agency(province=province, name=f"Cơ quan {n}") for n in range(AGENCIES)])
    sections = Section.objects.bulk_create([Section(plan=plan, code=str(n), title=f"Nhóm {n}", order=n)
                                            for n in range(5)])
    methods = [Indicator.Aggregation.LATEST, Indicator.Aggregation.SUM, Indicator.Aggregation.RATIO,
               Indicator.Aggregation.MEAN]
    indicators = Indicator.objects.bulk_create([
        Indicator(plan=plan, code=f"I.{n}", order=n, name=f"Chỉ tiêu {n}", unit="%", section=sections[n % 5],
                  aggregation=methods[n % 4], cumulative=n % 8 < 4) for n in range(INDICATORS)])
    Baseline.objects.bulk_create([Baseline(indicator=i, year=2025, value=40) for i in indicators])
    Target.objects.bulk_create([Target(indicator=i, year=y, op=">=", low=50 + 5 * (y - 2026), text="")
                                for i in indicators for y in YEARS])
    periods = ReportingPeriod.objects.bulk_create([
        ReportingPeriod(**period_calendar(plan=plan, year=y, quarter=q)) for y in YEARS for q in (1, 2, 3, 4)])
    approved_at = timezone.make_aware(dt.datetime(2030, 12, 20, 9))
    AgencyReport.objects.bulk_create([
        AgencyReport(agency=a, plan=plan, period=p, status=AgencyReport.Status.APPROVED, approved_at=approved_at,
                     first_submitted_at=approved_at, submitted_at=approved_at)
        for a in agencies for p in periods])
    if connection.vendor == "postgresql":
        value = "round((random() * 100)::numeric, 2)"
        numerator, denominator = "floor(random() * 90)::numeric", "(90 + floor(random() * 10))::numeric"
    else:
        value = "abs(random() % 10000) / 100.0"
        numerator, denominator = "abs(random() % 90)", "90 + abs(random() % 10)"
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO reports_indicatorentry
                (report_id, indicator_id, value, numerator, denominator, milestone_state, note, source, return_reason)
            SELECT r.id, i.id,
                   CASE WHEN i.aggregation = 'ratio' THEN NULL ELSE {value} END,
                   CASE WHEN i.aggregation = 'ratio' THEN {numerator} END,
                   CASE WHEN i.aggregation = 'ratio' THEN {denominator} END,
                   '', '', '', ''
            FROM reports_agencyreport r CROSS JOIN indicators_indicator i
            WHERE r.plan_id = %s AND i.plan_id = %s""", [plan.pk, plan.pk])
        cursor.execute("ANALYZE")
    return plan


FLOOR_SQL = """
SELECT e.indicator_id, p.year, SUM(e.value), SUM(e.numerator), SUM(e.denominator), COUNT(*)
FROM reports_indicatorentry e
JOIN reports_agencyreport r ON r.id = e.report_id
JOIN reports_reportingperiod p ON p.id = r.period_id
WHERE r.plan_id = %s AND r.status = 'approved'
GROUP BY e.indicator_id, p.year
"""


def run() -> list[Measurement]:
    from progress.services import plan_recompute
    from reports.models import AgencyReport, IndicatorEntry

    with transaction.atomic():
        plan = _seed()
    values = IndicatorEntry.objects.filter(report__plan=plan).count()
    as_of = dt.date(2030, 12, 31)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [plan.pk])
            cursor.fetchall()

    floor_seconds = best_of(floor, repeat=5)
    full_seconds = best_of(lambda: plan_recompute(plan=plan, as_of=as_of), repeat=3)

    # One approval: one agency's Q4 2030 report changes (its 100 indicators), then the incremental recompute.
    report = AgencyReport.objects.filter(plan=plan, period__code="2030-Q4").select_related("period").order_by("pk").first()
    touched = list(report.indicator_entries.values_list("indicator_id", flat=True))

    def incremental():
        report.indicator_entries.filter(value__isnull=False).update(value=99)
        plan_recompute(plan=plan, as_of=as_of, indicator_ids=touched, from_year=report.period.year)

    incremental_seconds = best_of(incremental, repeat=3)
    ratio = full_seconds / floor_seconds
    return [
        Measurement("progress: floor, one SQL GROUP BY over the values", floor_seconds,
                    note=f"{values:,} approved values"),
        Measurement("progress: full recompute of one province plan", full_seconds, 5.0,
                    note=f"{values:,} values, {ratio:.1f}× the floor"),
        Measurement("progress: full recompute within 5× the floor", full_seconds, 5 * floor_seconds,
                    note=f"{ratio:.1f}× the floor"),
        Measurement("progress: incremental recompute after one approval", incremental_seconds, 0.2,
                    note=f"{len(touched)} indicators touched"),
    ]
