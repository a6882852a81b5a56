"""The reads the recompute is made of: set-based SQL over approved values, one query per kind.

How the approved values of one indicator become its yearly figure. Written twice by design: the rules
live in `indicators.rules` as pure Python, and this is the same arithmetic written for the database, so
that a recompute is set-based. Change one, change the other: `tests/progress/test_sql_matches_rules.py`
runs both on the same values and fails when they disagree. Three GROUP BYs, each one
hash aggregation over the output of the one before, no sort of the values and no window over them:
1. `per_agency` (indicator, year, agency): the agency's entries of the year side by side, one column per
   period and number (`v1`…`v4` the quarters, `v5` the annual report; an agency has at most one report
   per period), and its latest period `last_ord`. The milestone state of its latest entry rides along as
   text prefixed by the period order, so that MAX finds it without a second pass.
2. `agency_figures` / `by_last_order`: each agency's figure as its indicator reads it, a stock
   (`cumulative`: the entry of its latest period) or a flow (its annual report if it has one, else its
   quarters added up), then summed per (indicator, year, latest period): at most five rows per
   indicator-year.
3. The final GROUP BY (indicator, year): Σvalue, mean, Σnumerator, Σdenominator over the agencies;
   - a ratio is Σnumerator ÷ Σdenominator (computed by the caller), never a mean of percentages;
   - `latest`: the value in the most recent period any agency reported (the agencies whose latest period
     is the year's latest); if several agencies reported that period, the largest.
FILTER and a window over the few rows of step 2 run on PostgreSQL and on SQLite ≥ 3.30 alike.
An annual period is the one without a quarter (`period_quarter_matches_kind`), so `COALESCE(quarter, 5)`
is the period's order.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from agencies.clock import VIETNAM


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


def _in_clause(column: str, ids) -> tuple[str, list]:
    if ids is None:
        return "", []
    ids = list(ids)
    if not ids:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", ids


INDICATOR_YEAR_SQL = """
WITH per_agency AS (
    SELECT e.indicator_id, p.year,
           MAX(COALESCE(p.quarter, 5)) AS last_ord,
           {pivot},
           MAX(CAST(COALESCE(p.quarter, 5) AS TEXT) || e.milestone_state)
               FILTER (WHERE e.milestone_state <> '') AS ms_key
    FROM reports_indicatorentry e
    JOIN reports_agencyreport r ON r.id = e.report_id
    JOIN reports_reportingperiod p ON p.id = r.period_id
    WHERE r.plan_id = %s AND r.status = 'approved' AND r.approved_at < %s
      AND (e.value IS NOT NULL OR e.numerator IS NOT NULL OR e.milestone_state <> ''){indicator_filter}
    GROUP BY e.indicator_id, p.year, r.agency_id
),
agency_figures AS (
    SELECT a.indicator_id, a.year, i.cumulative, a.last_ord, {figure},
           CASE WHEN SUBSTR(a.ms_key, 1, 1) = CAST(a.last_ord AS TEXT) THEN SUBSTR(a.ms_key, 2) END AS ms
    FROM per_agency a
    JOIN indicators_indicator i ON i.id = a.indicator_id
),
by_last_order AS (
    SELECT indicator_id, year, cumulative, last_ord, COUNT(*) AS agencies,
           SUM(v) AS v, COUNT(v) AS value_count, SUM(n) AS n, SUM(d) AS d,
           MAX(v) AS newest_v, MAX(n) AS newest_n, MAX(d) AS newest_d, MAX(ms) AS newest_ms,
           MAX(last_ord) OVER (PARTITION BY indicator_id, year) AS year_last
    FROM agency_figures
    GROUP BY indicator_id, year, cumulative, last_ord
)
SELECT indicator_id, year, cumulative,
       SUM(v), SUM(v) * 1.0 / NULLIF(SUM(value_count), 0), SUM(n), SUM(d),
       MAX(newest_v) FILTER (WHERE last_ord = year_last),
       MAX(newest_n) FILTER (WHERE last_ord = year_last),
       MAX(newest_d) FILTER (WHERE last_ord = year_last),
       SUM(agencies), MAX(last_ord),
       MAX(newest_ms) FILTER (WHERE last_ord = year_last)
FROM by_last_order
GROUP BY indicator_id, year, cumulative
"""

ORDERS = (5, 4, 3, 2, 1)
COLUMNS = {"v": "value", "n": "numerator", "d": "denominator"}


def _pivot_sql() -> str:
    """Each number of the agency's entry of each period of the year, side by side (at most one entry per
    agency, indicator and period: one report per agency and period)."""
    return ",\n           ".join(
        f"MAX(e.{column}) FILTER (WHERE p.quarter {'IS NULL' if order == 5 else f'= {order}'}) AS {key}{order}"
        for key, column in COLUMNS.items() for order in ORDERS)


def _figure_sql() -> str:
    """The agency's figure: for a stock its entry of its latest period; for a flow its annual report when it
    has one, else its quarters added up (NULL when no quarter has that number)."""
    parts = []
    for k in COLUMNS:
        latest = " ".join(f"WHEN {o} THEN {k}{o}" for o in ORDERS)
        quarters = [f"{k}{o}" for o in (1, 2, 3, 4)]
        total = " + ".join(f"COALESCE({q}, 0)" for q in quarters)
        parts.append(f"CASE WHEN i.cumulative THEN CASE a.last_ord {latest} END "
                     f"WHEN a.last_ord = 5 THEN {k}5 WHEN COALESCE({', '.join(quarters)}) IS NOT NULL THEN {total} "
                     f"END AS {k}")
    return ",\n           ".join(parts)


SQL_PARTS = {"pivot": _pivot_sql(), "figure": _figure_sql()}


def indicator_year_figures(*, plan_id: int, as_of: dt.date, indicator_ids=None,
                           from_year: int | None = None) -> list[YearFigures]:
    """Per indicator and year, the aggregates of approved values (one query), read as the indicator
    needs: a stock from each agency's latest period, a flow from its quarters or annual report."""
    where, params = _in_clause("e.indicator_id", indicator_ids)
    if from_year is not None:
        where, params = f"{where} AND p.year >= %s", [*params, from_year]
    sql = INDICATOR_YEAR_SQL.format(indicator_filter=where, **SQL_PARTS)
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan_id, _instant(end_of_day(as_of)), *params])
        rows = cursor.fetchall()
    return [_figures(row) for row in rows]


def _period_end(year: int, order: int) -> dt.date:
    month = 12 if order == 5 else 3 * order
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _figures(row) -> YearFigures:
    indicator_id, year, cumulative = row[:3]
    v, mean, n, d, newest_v, newest_n, newest_d = (_decimal(x) for x in row[3:10])
    agencies, last_order, milestone_state = row[10:13]
    if not cumulative:
        # A `latest` flow is reported by one agency: its figure is the sum too.
        newest_v, newest_n, newest_d = v, n, d
    return YearFigures(indicator_id=indicator_id, year=year, sum_value=v, mean_value=mean, sum_numerator=n,
                       sum_denominator=d, newest_value=newest_v, newest_numerator=newest_n,
                       newest_denominator=newest_d, agencies=agencies, last_order=last_order or 0,
                       last_value_on=_period_end(year, last_order) if last_order else None,
                       milestone_state=milestone_state or "")


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
