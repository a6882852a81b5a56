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
Steps 1–2 per agency are also kept up to date, one row per (plan, agency, year, indicator), by
`progress.figures` (built from `per_agency_sql`, `stock_sql`, `flow_sql`, `MILESTONE_SQL` below); a recompute
as of today runs only steps 2–3 over those rows (`maintained_year_figures`, the same `BY_LAST_ORDER_SQL`).
FILTER and a window over the few rows of step 2 run on PostgreSQL and on SQLite ≥ 3.30 alike.
An annual period is the one without a quarter (`period_quarter_matches_kind`), so `COALESCE(quarter, 5)`
is the period's order.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Max

from agencies.clock import VIETNAM
from progress.models import PlanProgress
from reports.models import RecomputeRequest


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


# Step 1: each agency's entries of a year side by side (`{keys}`: extra grouping columns; `{where}`: the scope).
PER_AGENCY_SQL = """
    SELECT {keys}e.indicator_id, p.year, r.agency_id,
           MAX(COALESCE(p.quarter, 5)) AS last_ord,
           {pivot},
           MAX(CAST(COALESCE(p.quarter, 5) AS TEXT) || e.milestone_state)
               FILTER (WHERE e.milestone_state <> '') AS ms_key
    FROM reports_indicatorentry e
    JOIN reports_agencyreport r ON r.id = e.report_id
    JOIN reports_reportingperiod p ON p.id = r.period_id
    WHERE r.status = 'approved'
      AND (e.value IS NOT NULL OR e.numerator IS NOT NULL OR e.milestone_state <> ''){where}
    GROUP BY {keys}e.indicator_id, p.year, r.agency_id
"""

# Steps 2 and 3 over rows (indicator_id, year, cumulative, last_ord, v, n, d, ms) of `agency_figures`, one per
# agency: the same for the from-scratch read and for the maintained figures (`progress.figures`).
BY_LAST_ORDER_SQL = """
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

INDICATOR_YEAR_SQL = """
WITH per_agency AS ({per_agency}),
agency_figures AS (
    SELECT a.indicator_id, a.year, i.cumulative, a.last_ord, {figure},
           {milestone} AS ms
    FROM per_agency a
    JOIN indicators_indicator i ON i.id = a.indicator_id
),
{by_last_order}"""

ORDERS = (5, 4, 3, 2, 1)
COLUMNS = {"v": "value", "n": "numerator", "d": "denominator"}


def _pivot_sql() -> str:
    """Each number of the agency's entry of each period of the year, side by side (at most one entry per
    agency, indicator and period: one report per agency and period)."""
    return ",\n           ".join(
        f"MAX(e.{column}) FILTER (WHERE p.quarter {'IS NULL' if order == 5 else f'= {order}'}) AS {key}{order}"
        for key, column in COLUMNS.items() for order in ORDERS)


def stock_sql(key: str) -> str:
    """A stock's reading of the agency's year (`key` v, n or d): the entry of its latest period."""
    return f"CASE a.last_ord {' '.join(f'WHEN {o} THEN {key}{o}' for o in ORDERS)} END"


def flow_sql(key: str) -> str:
    """A flow's reading: the annual report when the agency has one, else its quarters added up (NULL when no
    quarter has that number)."""
    quarters = [f"{key}{o}" for o in (1, 2, 3, 4)]
    total = " + ".join(f"COALESCE({q}, 0)" for q in quarters)
    return f"CASE WHEN a.last_ord = 5 THEN {key}5 WHEN COALESCE({', '.join(quarters)}) IS NOT NULL THEN {total} END"


def _figure_sql() -> str:
    """The agency's figure as its indicator reads it: a stock or a flow."""
    return ",\n           ".join(f"CASE WHEN i.cumulative THEN {stock_sql(k)} ELSE {flow_sql(k)} END AS {k}"
                                  for k in COLUMNS)


# The milestone state of the agency's latest entry (NULL when that entry has none: no older state counts).
MILESTONE_SQL = "CASE WHEN SUBSTR(a.ms_key, 1, 1) = CAST(a.last_ord AS TEXT) THEN SUBSTR(a.ms_key, 2) END"
SQL_PARTS = {"pivot": _pivot_sql(), "figure": _figure_sql()}


def per_agency_sql(*, keys: str = "", where: str = "") -> str:
    return PER_AGENCY_SQL.format(keys=keys, where=where, **SQL_PARTS)


def indicator_year_figures(*, plan_id: int, as_of: dt.date, indicator_ids=None,
                           from_year: int | None = None, through_order: int | None = None) -> list[YearFigures]:
    """Per indicator and year, the aggregates of approved values (one query), read as the indicator
    needs: a stock from each agency's latest period, a flow from its quarters or annual report.

    `through_order` (1–4 a quarter, 5 the annual report) counts only the periods of each year up to that
    one: the year's figure as it stood at the end of that period (the open-data values by period)."""
    where, params = _in_clause("e.indicator_id", indicator_ids)
    if from_year is not None:
        where, params = f"{where} AND p.year >= %s", [*params, from_year]
    if through_order is not None:
        where, params = f"{where} AND COALESCE(p.quarter, 5) <= %s", [*params, through_order]
    sql = INDICATOR_YEAR_SQL.format(
        per_agency=per_agency_sql(where=f" AND r.plan_id = %s AND r.approved_at < %s{where}"),
        figure=SQL_PARTS["figure"], milestone=MILESTONE_SQL, by_last_order=BY_LAST_ORDER_SQL)
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan_id, _instant(end_of_day(as_of)), *params])
        rows = cursor.fetchall()
    return [_figures(row) for row in rows]


MAINTAINED_YEAR_SQL = """
WITH agency_figures AS (
    SELECT f.indicator_id, f.year, i.cumulative, f.last_order AS last_ord,
           {figure},
           NULLIF(f.milestone_state, '') AS ms
    FROM progress_agencyindicatorfigure f
    JOIN indicators_indicator i ON i.id = f.indicator_id
    WHERE f.plan_id = %s{where}
),
{by_last_order}"""


def maintained_year_figures(*, plan_id: int, indicator_ids=None, from_year: int | None = None) -> list[YearFigures]:
    """`indicator_year_figures` as of now, from the maintained per-agency figures (`progress.figures`): steps 2
    and 3 only, over one row per (indicator, year, agency) instead of every approved value."""
    where, params = _in_clause("f.indicator_id", indicator_ids)
    if from_year is not None:
        where, params = f"{where} AND f.year >= %s", [*params, from_year]
    figure = ",\n           ".join(
        f"CASE WHEN i.cumulative THEN f.stock_{column} ELSE f.flow_{column} END AS {key}"
        for key, column in COLUMNS.items())
    sql = MAINTAINED_YEAR_SQL.format(figure=figure, where=where, by_last_order=BY_LAST_ORDER_SQL)
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan_id, *params])
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
      AND (t.status <> '' OR t.progress IS NOT NULL){where}
)
SELECT task_id, COUNT(*),
       SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'in_progress' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'ongoing' THEN 1 ELSE 0 END),
       AVG(progress)
FROM latest WHERE rn = 1
GROUP BY task_id
"""


def task_figures(*, plan_id: int, as_of: dt.date, task_ids=None) -> dict[int, TaskFigures]:
    """Per task (of `task_ids` only, if given), the latest approved entry of each reporting agency, summed up
    (one query)."""
    where, params = _in_clause("t.task_id", task_ids)
    with connection.cursor() as cursor:
        cursor.execute(TASK_SQL.format(where=where), [plan_id, _instant(end_of_day(as_of)), *params])
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


# ---------------------------------------------------------------- recompute state (pages, /healthz)


def is_recompute_pending(plan_id: int) -> bool:
    """Whether approved values of the plan changed and its snapshots are not recomputed yet: pages show
    "đang cập nhật tiến độ" meanwhile."""
    return RecomputeRequest.objects.for_plan(plan_id).exists()


def plans_with_pending_recompute(plan_ids) -> set[int]:
    """`is_recompute_pending` for many plans in one query (lists of plans)."""
    return set(RecomputeRequest.objects.filter(plan_id__in=list(plan_ids)).order_by()
               .values_list("plan_id", flat=True).distinct())


def oldest_pending_recompute_at() -> dt.datetime | None:
    return RecomputeRequest.objects.oldest_requested_at()


def last_recompute_at() -> dt.datetime | None:
    """When a recompute last wrote snapshots (every recompute rewrites its plan's PlanProgress rows)."""
    return PlanProgress.objects.aggregate(last=Max("computed_at"))["last"]
