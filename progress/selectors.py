"""The reads the recompute is made of: set-based SQL over approved values, one query per kind.

How the approved values of one indicator become its yearly figure (the rules live in
`indicators.rules`; this is the same arithmetic written for the database):
1. `entries`: approved entries of the plan, approved before the end of `as_of` (Asia/Ho_Chi_Minh);
   each gets an order: the quarter (1–4), or 5 for an annual report.
2. `per_agency`: each agency's figure for the year. A stock (`cumulative`) keeps its latest
   period; a flow sums its quarters; an annual report, when there is one, is the figure.
3. The final GROUP BY gives, per indicator and year, every aggregate a method may need: Σvalue,
   mean, Σnumerator and Σdenominator (a ratio is Σnum ÷ Σden, never a mean of percentages), and
   the figure of the agency that reported most recently (for `latest`).
Window functions (ROW_NUMBER, MAX … OVER) run on PostgreSQL and on SQLite ≥ 3.25 alike.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from reports.models import VIETNAM


def end_of_day(day: dt.date) -> dt.datetime:
    """The instant a local day ends (00:00 of the next day in Asia/Ho_Chi_Minh)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=VIETNAM)


@dataclass(frozen=True)
class YearFigures:
    indicator_id: int
    year: int
    sum_value: Decimal | None
    mean_value: Decimal | None
    sum_numerator: Decimal | None
    sum_denominator: Decimal | None
    newest_value: Decimal | None
    newest_numerator: Decimal | None
    newest_denominator: Decimal | None
    agencies: int
    last_order: int
    last_value_on: dt.date | None
    milestone_state: str


def _instant(moment: dt.datetime):
    """A datetime as the database stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(moment)


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))  # SQLite hands back floats


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _in_clause(column: str, ids) -> tuple[str, list]:
    if ids is None:
        return "", []
    ids = list(ids)
    if not ids:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", ids


INDICATOR_YEAR_SQL = """
WITH entries AS (
    SELECT e.indicator_id, r.agency_id, p.year, p.ends_on,
           CASE WHEN p.kind = 'annual' THEN 5 ELSE p.quarter END AS ord,
           e.value, e.numerator, e.denominator, e.milestone_state, i.cumulative
    FROM reports_indicatorentry e
    JOIN reports_agencyreport r ON r.id = e.report_id
    JOIN reports_reportingperiod p ON p.id = r.period_id
    JOIN indicators_indicator i ON i.id = e.indicator_id
    WHERE r.plan_id = %s AND r.status = 'approved' AND r.approved_at < %s
      AND (e.value IS NOT NULL OR e.numerator IS NOT NULL OR e.milestone_state <> ''){indicator_filter}
),
ranked AS (
    SELECT entries.*,
           ROW_NUMBER() OVER (PARTITION BY indicator_id, agency_id, year ORDER BY ord DESC) AS rn,
           MAX(CASE WHEN ord = 5 THEN 1 ELSE 0 END) OVER (PARTITION BY indicator_id, agency_id, year) AS has_annual
    FROM entries
),
per_agency AS (
    SELECT indicator_id, agency_id, year,
           SUM(value) AS v, SUM(numerator) AS n, SUM(denominator) AS d,
           MAX(ord) AS last_ord, MAX(ends_on) AS last_on,
           MAX(CASE WHEN rn = 1 THEN milestone_state END) AS ms
    FROM ranked
    WHERE (has_annual = 1 AND ord = 5) OR (has_annual = 0 AND (rn = 1 OR NOT cumulative))
    GROUP BY indicator_id, agency_id, year
),
newest AS (
    SELECT per_agency.*,
           ROW_NUMBER() OVER (PARTITION BY indicator_id, year
                              ORDER BY last_on DESC, last_ord DESC, agency_id) AS newest_rank
    FROM per_agency
)
SELECT indicator_id, year,
       SUM(v), AVG(v), SUM(n), SUM(d),
       MAX(CASE WHEN newest_rank = 1 THEN v END),
       MAX(CASE WHEN newest_rank = 1 THEN n END),
       MAX(CASE WHEN newest_rank = 1 THEN d END),
       COUNT(*), MAX(last_ord), MAX(last_on),
       MAX(CASE WHEN newest_rank = 1 THEN ms END)
FROM newest
GROUP BY indicator_id, year
"""


def indicator_year_figures(*, plan_id: int, as_of: dt.date, indicator_ids=None) -> list[YearFigures]:
    """Per indicator and year, the aggregates of approved values (one query)."""
    where, params = _in_clause("e.indicator_id", indicator_ids)
    sql = INDICATOR_YEAR_SQL.format(indicator_filter=where)
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan_id, _instant(end_of_day(as_of)), *params])
        rows = cursor.fetchall()
    return [YearFigures(indicator_id=r[0], year=r[1], sum_value=_decimal(r[2]), mean_value=_decimal(r[3]),
                        sum_numerator=_decimal(r[4]), sum_denominator=_decimal(r[5]), newest_value=_decimal(r[6]),
                        newest_numerator=_decimal(r[7]), newest_denominator=_decimal(r[8]), agencies=r[9],
                        last_order=r[10] or 0, last_value_on=_date(r[11]), milestone_state=r[12] or "")
            for r in rows]


@dataclass(frozen=True)
class TaskFigures:
    task_id: int
    agencies: int
    completed: int
    in_progress: int
    ongoing: int
    mean_progress: Decimal | None


TASK_SQL = """
WITH latest AS (
    SELECT t.task_id, r.agency_id, t.status, t.progress,
           ROW_NUMBER() OVER (PARTITION BY t.task_id, r.agency_id
                              ORDER BY p.ends_on DESC, p.kind DESC, r.approved_at DESC) AS rn
    FROM reports_taskentry t
    JOIN reports_agencyreport r ON r.id = t.report_id
    JOIN reports_reportingperiod p ON p.id = r.period_id
    WHERE r.plan_id = %s AND r.status = 'approved' AND r.approved_at < %s
      AND (t.status <> '' OR t.progress IS NOT NULL)
)
SELECT task_id, COUNT(*),
       SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'in_progress' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'ongoing' THEN 1 ELSE 0 END),
       AVG(progress)
FROM latest WHERE rn = 1
GROUP BY task_id
"""


def task_figures(*, plan_id: int, as_of: dt.date) -> dict[int, TaskFigures]:
    """Per task, the latest approved entry of each reporting agency, summed up (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(TASK_SQL, [plan_id, _instant(end_of_day(as_of))])
        rows = cursor.fetchall()
    return {r[0]: TaskFigures(task_id=r[0], agencies=r[1], completed=r[2], in_progress=r[3], ongoing=r[4],
                              mean_progress=_decimal(r[5])) for r in rows}


# ---------------------------------------------------------------- reads of the snapshots


@dataclass(frozen=True)
class YearSnapshot:
    as_of: dt.date | None
    computed_at: dt.datetime | None
    indicators: list
    tasks: list
    sections: list
    plan_rollup: object | None


def progress_for_year(*, plan, year: int) -> YearSnapshot:
    """Everything the progress API and pages show for one plan and year: four queries, whatever the size."""
    from progress.models import IndicatorProgress, PlanProgress, SectionProgress, TaskProgress

    indicators = list(IndicatorProgress.objects.for_plan_year(plan, year))
    tasks = list(TaskProgress.objects.filter(plan=plan).select_related("task")
                 .order_by("task__appendix__order", "task__order", "task__code"))
    sections = list(SectionProgress.objects.filter(plan=plan, year=year).select_related("section")
                    .order_by("section__appendix__order", "section__order", "section__id"))
    rollup = PlanProgress.objects.filter(plan=plan, year=year).first()
    stamp = rollup or (indicators[0] if indicators else None)
    return YearSnapshot(as_of=stamp.as_of if stamp else None, computed_at=stamp.computed_at if stamp else None,
                        indicators=indicators, tasks=tasks, sections=sections, plan_rollup=rollup)
