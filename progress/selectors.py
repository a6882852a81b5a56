"""The reads the recompute is made of: set-based SQL over approved values, one query per kind.

How the approved values of one indicator become its yearly figure (the rules live in
`indicators.rules`; this is the same arithmetic written for the database):
1. `entries`: approved entries of the plan, approved before the end of `as_of` (Asia/Ho_Chi_Minh);
   each gets an order: the quarter (1–4), or 5 for an annual report.
2. `ranked`: each entry learns its agency's latest order in that year and the latest order of any
   agency (two window MAX sharing one narrow sort on indicator, year, agency; no second pass).
3. The final GROUP BY (indicator, year) gives every aggregate a rule may need, in one pass:
   - stock (`cumulative`): each agency's latest row only (`ord = last_ord`): Σvalue, mean,
     Σnumerator, Σdenominator;
   - flow: each agency's quarters, or its annual report when it has one (`ord = 5 OR last_ord < 5`);
   - a ratio is Σnumerator ÷ Σdenominator (computed by the caller), never a mean of percentages;
   - `latest`: the value in the most recent period any agency reported; if several agencies
     reported that period, the largest.
Window functions and FILTER run on PostgreSQL and on SQLite ≥ 3.30 alike.
"""

import calendar
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


@dataclass(frozen=True)
class YearRow:
    """An indicator-year read both ways: `stock` (each agency's latest period) and `flow` (its quarters summed,
    or its annual report)."""

    stock: YearFigures
    flow: YearFigures


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
    SELECT e.indicator_id, r.agency_id, p.year,
           CASE WHEN p.kind = 'annual' THEN 5 ELSE p.quarter END AS ord,
           e.value, e.numerator, e.denominator, NULLIF(e.milestone_state, '') AS ms
    FROM reports_indicatorentry e
    JOIN reports_agencyreport r ON r.id = e.report_id
    JOIN reports_reportingperiod p ON p.id = r.period_id
    WHERE r.plan_id = %s AND r.status = 'approved' AND r.approved_at < %s
      AND (e.value IS NOT NULL OR e.numerator IS NOT NULL OR e.milestone_state <> ''){indicator_filter}
),
ranked AS (
    SELECT entries.*,
           MAX(ord) OVER (PARTITION BY indicator_id, year, agency_id) AS last_ord,
           MAX(ord) OVER (PARTITION BY indicator_id, year) AS year_last
    FROM entries
)
SELECT indicator_id, year,
       SUM(value) FILTER (WHERE ord = last_ord),
       AVG(value) FILTER (WHERE ord = last_ord),
       SUM(numerator) FILTER (WHERE ord = last_ord),
       SUM(denominator) FILTER (WHERE ord = last_ord),
       {newest_stock},
       SUM(value) FILTER (WHERE ord = 5 OR last_ord < 5),
       SUM(numerator) FILTER (WHERE ord = 5 OR last_ord < 5),
       SUM(denominator) FILTER (WHERE ord = 5 OR last_ord < 5),
       COUNT(*) FILTER (WHERE ord = last_ord),
       MAX(ord),
       {newest_ms}
FROM ranked
GROUP BY indicator_id, year
"""


def _newest(column: str) -> str:
    """The column's value in the most recent period any agency reported that year (rows with
    `ord = year_last` are necessarily their agency's latest); if several agencies share it, the largest."""
    return f"MAX({column}) FILTER (WHERE ord = year_last)"


NEWEST = {
    "newest_stock": ", ".join(_newest(c) for c in ("value", "numerator", "denominator")),
    "newest_ms": _newest("ms"),
}


def indicator_year_figures(*, plan_id: int, as_of: dt.date, indicator_ids=None,
                           from_year: int | None = None) -> list[YearRow]:
    """Per indicator and year, the aggregates of approved values (one query), for stocks and flows alike:
    the caller keeps the ones its indicator needs (`stock` or `flow` of each row)."""
    where, params = _in_clause("e.indicator_id", indicator_ids)
    if from_year is not None:
        where, params = f"{where} AND p.year >= %s", [*params, from_year]
    sql = INDICATOR_YEAR_SQL.format(indicator_filter=where, **NEWEST)
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan_id, _instant(end_of_day(as_of)), *params])
        rows = cursor.fetchall()
    return [YearRow(stock=_stock(r), flow=_flow(r)) for r in rows]


def _period_end(year: int, order: int) -> dt.date:
    month = 12 if order == 5 else 3 * order
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _common(row) -> dict:
    return {"indicator_id": row[0], "year": row[1], "agencies": row[12], "last_order": row[13] or 0,
            "last_value_on": _period_end(row[1], row[13]) if row[13] else None, "milestone_state": row[14] or ""}


def _stock(row) -> YearFigures:
    v, mean, n, d, newest_v, newest_n, newest_d = (_decimal(x) for x in row[2:9])
    return YearFigures(sum_value=v, mean_value=mean, sum_numerator=n, sum_denominator=d, newest_value=newest_v,
                       newest_numerator=newest_n, newest_denominator=newest_d, **_common(row))


def _flow(row) -> YearFigures:
    """Each agency's quarters summed (or its annual report). A `latest` flow is reported by one agency:
    its figure is the sum too."""
    v, n, d = (_decimal(x) for x in row[9:12])
    mean = v / row[12] if v is not None and row[12] else None
    return YearFigures(sum_value=v, mean_value=mean, sum_numerator=n, sum_denominator=d, newest_value=v,
                       newest_numerator=n, newest_denominator=d, **_common(row))


def _figures(row, start: int) -> YearFigures:
    sums = [_decimal(v) for v in row[start:start + 7]]
    return YearFigures(indicator_id=row[0], year=row[1], sum_value=sums[0], mean_value=sums[1],
                       sum_numerator=sums[2], sum_denominator=sums[3], newest_value=sums[4],
                       newest_numerator=sums[5], newest_denominator=sums[6], agencies=row[16],
                       last_order=row[17] or 0, last_value_on=_date(row[18]), milestone_state=row[19] or "")


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
