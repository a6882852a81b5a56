"""The one write of the progress app: `plan_recompute` turns approved values into snapshots.

Reads are set-based (`progress.selectors`: one SQL query per kind); Python only applies the pure
rules of `indicators.rules` to each indicator-year; writes are bulk deletes and inserts inside
one transaction, so a reader sees the previous recompute or the next one, never half of one.

Two recomputes of one plan never run at once: on PostgreSQL a transaction-scoped advisory lock
(`pg_try_advisory_xact_lock`: held by the database, released by commit, rollback or a dead
connection, so a crashed worker can never leave it behind); on other databases a cache key added
with a timeout (Redis in production, locmem in tests). A recompute that finds the lock taken raises
`RecomputeBusy`; the Celery task retries it a little later, so no change is lost.
"""

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.clock import local_today
from indicators import rules
from indicators.models import Baseline, Indicator, Target
from plans.models import Plan, Section, Task
from progress.models import AgencyProgress, IndicatorProgress, PlanProgress, SectionProgress, TaskProgress
from progress.selectors import YearFigures, indicator_year_figures, maintained_year_figures, task_figures
from reports.models import AgencyReport, RecomputeRequest, TaskEntry

LOCK_NAMESPACE = 5_170_601  # first key of the advisory lock pair: "progress recompute"
LOCK_TIMEOUT_SECONDS = 15 * 60


class RecomputeBusy(Exception):
    """Another recompute of the same plan is running."""


@contextmanager
def plan_lock(plan_id: int) -> Iterator[None]:
    """Hold the recompute lock of one plan for the enclosed block (which must be in a transaction on PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, plan_id])
            if not cursor.fetchone()[0]:
                raise RecomputeBusy(plan_id)
        yield
        return
    key, token = f"progress:recompute:{plan_id}", uuid.uuid4().hex
    if not cache.add(key, token, timeout=LOCK_TIMEOUT_SECONDS):
        raise RecomputeBusy(plan_id)
    try:
        yield
    finally:
        if cache.get(key) == token:
            cache.delete(key)


@dataclass(frozen=True)
class RecomputeResult:
    plan_id: int
    as_of: dt.date
    indicators: int
    indicator_years: int
    tasks: int


def plan_recompute(*, plan: Plan, as_of: dt.date | None = None, indicator_ids: Iterable[int] | None = None,
                   from_year: int | None = None) -> RecomputeResult:
    """Recompute a plan's snapshots as of a date (default: today in Asia/Ho_Chi_Minh).

    With `indicator_ids`, only those indicators' rows are rebuilt (an approval touched them); with
    `from_year` as well, only their years from that one on (an approval of a 2026 report cannot change
    2025; the 2025 actual, the starting point of 2026, is read from its snapshot). Tasks, sections, the
    plan and the agencies are always rolled up again: cheap, and statuses move with time.
    """
    with transaction.atomic(), plan_lock(plan.pk):
        # A full recompute as of today serves every recompute request already committed when it began.
        serves_requests = indicator_ids is None and (as_of is None or as_of >= local_today())
        served = list(RecomputeRequest.objects.for_plan(plan.pk).values_list("pk", flat=True)) if serves_requests \
            else []
        result = _recompute_locked(plan=plan, as_of=as_of, indicator_ids=indicator_ids, from_year=from_year)
        if served:
            RecomputeRequest.objects.filter(pk__in=served).delete()
        return result


def _recompute_locked(*, plan: Plan, as_of: dt.date | None, indicator_ids: Iterable[int] | None,
                      from_year: int | None, report_ids: Iterable[int] | None = None) -> RecomputeResult:
    """The body of `plan_recompute`, in the caller's transaction, with the plan's lock already held.

    `report_ids` (with `indicator_ids`) says what else changed: the reports whose approved values changed.
    Then, if the plan's snapshots were last judged at this same date, only what those changes can move is
    rolled up again (`_scoped_recompute`); otherwise every task, section and agency is, as statuses move with time.
    """
    as_of = as_of or local_today()
    ids = None if indicator_ids is None else sorted(set(indicator_ids))
    if ids is None or from_year is None or from_year <= plan.start_year:
        from_year = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Room to hash every value of a province in memory, for this transaction only. And: snapshots are
            # derived data: a crash right after COMMIT can lose this recompute (the next one redoes it) but never
            # corrupts anything, so the commit need not wait for the WAL flush. (One round trip for both.)
            cursor.execute("SET LOCAL work_mem = '64MB'; SET LOCAL synchronous_commit = off")
    computed_at = timezone.now()
    stamp = {"plan_id": plan.pk, "as_of": as_of, "computed_at": computed_at}
    indicator_rows = _indicator_rows(plan, as_of, ids, from_year, stamp)
    if ids is not None and report_ids is not None and _judged_on(plan, as_of):
        return _scoped_recompute(plan, as_of, ids, from_year, sorted(set(report_ids)), indicator_rows, stamp)
    existing = IndicatorProgress.objects.filter(plan=plan)
    if ids is not None:
        existing = existing.filter(indicator_id__in=ids)
    if from_year is not None:
        existing = existing.filter(year__gte=from_year)
    existing.delete()
    _insert(IndicatorProgress, indicator_rows)
    if ids is not None:
        # Rows of the other indicators keep their values (and the time they were computed) but are judged
        # at the same date. Only rows of an earlier date are touched: re-stamping all of them on every
        # approval rewrote every row of the plan (issue 14).
        IndicatorProgress.objects.filter(plan=plan).exclude(as_of=as_of).update(as_of=as_of)
    task_rows = _task_rows(plan, as_of, stamp)
    TaskProgress.objects.filter(plan=plan).delete()
    _insert(TaskProgress, task_rows)
    _rollups(plan, as_of, stamp)
    return RecomputeResult(plan_id=plan.pk, as_of=as_of, indicators=len({r["indicator_id"] for r in indicator_rows}),
                           indicator_years=len(indicator_rows), tasks=len(task_rows))


def _judged_on(plan: Plan, as_of: dt.date) -> bool:
    """Whether the plan's last recompute judged its snapshots at `as_of` (every recompute rewrites PlanProgress
    and stamps every other snapshot row with its date): then only changed data can move a status."""
    return list(PlanProgress.objects.filter(plan=plan).order_by().values_list("as_of", flat=True).distinct()) \
        == [as_of]


# An entry that can be an agency's latest for its task (the condition of `selectors.TASK_SQL`): an approval or a
# reopening of a report whose entry of a task is empty moves nothing of that task.
_task_entry_counts = ~Q(status="") | Q(progress__isnull=False)


def _scoped_recompute(plan: Plan, as_of: dt.date, ids: list[int], from_year: int | None, report_ids: list[int],
                      indicator_rows: list[dict], stamp: dict) -> RecomputeResult:
    """An approval's recompute, when the plan was last judged the same day (issue 14: an approval must show
    within 200 ms). What it can change, and only that, is rewritten:
    - its indicators' rows (from its year on): `indicator_rows`, already computed;
    - its tasks' rows (the approving agency's latest entry of each task moved), and any task without a row;
    - the AgencyProgress rows of the agencies leading an indicator or task whose status changed, and of the
      reports' agencies (their compliance);
    - sections and the plan: counted again only when a status changed (else only PlanProgress.computed_at
      moves, the time of the last recompute).
    Everything else was judged at this date from data that did not change, so it already equals what a full
    recompute would write (tests/progress/test_incremental.py compares them)."""
    before = _delete_returning(IndicatorProgress, plan, "indicator_id", ids, from_year)
    _insert(IndicatorProgress, indicator_rows)
    changed_indicators = _changed(before, {(r["indicator_id"], r["year"]): r["status"] for r in indicator_rows})

    tasks = list(Task.objects.filter(plan=plan)
                 .filter(Q(pk__in=TaskEntry.objects.filter(report_id__in=report_ids).filter(_task_entry_counts)
                           .values("task_id"))
                         | Q(progress_snapshot__isnull=True))
                 .only("id", "deadline_kind", "start_date", "due_date")) if report_ids else \
        list(Task.objects.filter(plan=plan, progress_snapshot__isnull=True)
             .only("id", "deadline_kind", "start_date", "due_date"))
    task_rows = _task_rows(plan, as_of, stamp, tasks=tasks) if tasks else []
    changed_tasks = set()
    if tasks:
        before = _delete_returning(TaskProgress, plan, "task_id", [task.pk for task in tasks], None)
        _insert(TaskProgress, task_rows)
        changed_tasks = _changed(before, {(r["task_id"], None): r["status"] for r in task_rows})

    if changed_indicators or changed_tasks:
        _section_and_plan_rollups(plan, stamp)
    else:
        PlanProgress.objects.filter(plan=plan).update(computed_at=stamp["computed_at"])
    agency_ids = _agencies_to_roll_up(plan, changed_indicators, changed_tasks, report_ids)
    if agency_ids:
        _agency_rollups(plan, as_of, stamp, agency_ids=agency_ids)
    return RecomputeResult(plan_id=plan.pk, as_of=as_of, indicators=len({r["indicator_id"] for r in indicator_rows}),
                           indicator_years=len(indicator_rows), tasks=len(task_rows))


def _delete_returning(model: type[models.Model], plan: Plan, column: str, ids: list[int],
                      from_year: int | None) -> dict[tuple[int, int | None], str]:
    """Delete a plan's snapshot rows of these items (from `from_year` on) and return the status each had, by
    (item, year) (year None for tasks): one statement, so that only the statuses that moved are rolled up."""
    if not ids:
        return {}
    table = connection.ops.quote_name(model._meta.db_table)
    year = "year" if any(field.name == "year" for field in model._meta.concrete_fields) else "NULL"
    where = f"plan_id = %s AND {column} IN ({', '.join(['%s'] * len(ids))})"
    params = [plan.pk, *ids]
    if from_year is not None:
        where, params = f"{where} AND year >= %s", [*params, from_year]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {where} RETURNING {column}, {year}, status", params)
        return {(item, row_year): status for item, row_year, status in cursor.fetchall()}


def _changed(before: dict[tuple, str], after: dict[tuple, str]) -> set[int]:
    """The items with a row whose status differs (appeared or vanished rows included)."""
    return {key[0] for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def _agencies_to_roll_up(plan: Plan, indicator_ids: set[int], task_ids: set[int], report_ids: list[int]) -> set[int]:
    """The agencies whose AgencyProgress may have moved: the leads of the indicators and tasks whose status
    changed, and the agencies of the changed reports (their compliance). One query."""
    queries = []
    if indicator_ids:
        queries.append(Indicator.lead_agencies.through.objects.filter(indicator_id__in=indicator_ids)
                       .values_list("agency_id", flat=True))
    if task_ids:
        queries.append(Task.lead_agencies.through.objects.filter(task_id__in=task_ids)
                       .values_list("agency_id", flat=True))
    if report_ids:
        queries.append(AgencyReport.objects.filter(plan=plan, pk__in=report_ids).values_list("agency_id", flat=True))
    if not queries:
        return set()
    first, *rest = [query.order_by() for query in queries]
    return set(first.union(*rest) if rest else first)


def pending_recompute_run(*, plan_id: int) -> RecomputeResult | None:
    """Take every recompute request of one plan (the outbox `reports.services` writes on approval and
    reopening) and recompute what they ask for, deleting them in the same transaction.

    Idempotent under redelivery: a task that dies half-way rolls back, so its requests are still there for the
    next try; a task delivered twice finds nothing left and does nothing. A second worker finds the plan's
    lock taken (RecomputeBusy: its task retries); a request committed after this run began waits for the next.
    """
    if not RecomputeRequest.objects.for_plan(plan_id).exists():
        return None  # served already (a redelivered or duplicate task): no lock, no work
    with transaction.atomic(), plan_lock(plan_id):
        requests = list(RecomputeRequest.objects.for_plan(plan_id).select_for_update()
                        .only("pk", "indicator_ids", "from_year", "report_ids"))
        if not requests:
            return None
        plan = Plan.objects.filter(pk=plan_id).first()
        result = None
        if plan is not None:
            whole_plan = any(not r.indicator_ids for r in requests)
            indicator_ids = None if whole_plan else {pk for r in requests for pk in r.indicator_ids}
            years = [r.from_year for r in requests]
            from_year = None if whole_plan or None in years else min(years)
            # The union of what changed; one request that cannot tell (NULL) has every task and agency rolled up.
            reports = [r.report_ids for r in requests]
            report_ids = None if whole_plan or None in reports else {pk for ids in reports for pk in ids}
            result = _recompute_locked(plan=plan, as_of=None, indicator_ids=indicator_ids, from_year=from_year,
                                       report_ids=report_ids)
        RecomputeRequest.objects.filter(pk__in=[r.pk for r in requests]).delete()
        return result


def _insert(model: type[models.Model], rows: list[dict]) -> None:
    """Insert snapshot rows given as {attname: value} (missing fields take their default).

    On PostgreSQL: multi-row INSERTs built by psycopg2's `execute_values`. `bulk_create` spends about 60 µs
    a row building model instances and preparing every field, which at province scale costs as much as a
    third of the values' SQL (issue 5); the values here are already what the columns hold (Decimal, date,
    aware datetime, int, str), only JSON needs wrapping. Elsewhere (SQLite in tests): `bulk_create`.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)
        return
    from psycopg2.extras import Json, execute_values

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    wrap = {f.attname: (Json if isinstance(f, models.JSONField) else None) for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = []
    for row in rows:
        unknown = row.keys() - defaults.keys()
        if unknown:
            raise TypeError(f"{model.__name__} has no field {sorted(unknown)}")
        values.append(tuple((wrap[name](value) if wrap[name] and value is not None else value)
                            for name in defaults for value in (row.get(name, defaults[name]),)))
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
                       "VALUES %s", values, page_size=1000)


def _write_changed(model: type[models.Model], plan: Plan, rows: list[dict], *, key: tuple[str, ...],
                   stamp: dict, scope: dict | None = None) -> None:
    """Make a plan's snapshot rows of `model` hold `rows`, writing only the rows whose values changed.

    An approval moves a few counts of a few agencies, but deleting and re-inserting every agency-year (with
    its JSON) on each approval cost a large part of an incremental recompute (issue 14). A row whose values
    are unchanged is kept with the time it was computed, only judged at the new date; the time a recompute
    ran is PlanProgress.computed_at, which every recompute rewrites. With `scope` (a filter), only the plan's
    rows within it are compared and replaced.
    """
    current = model.objects.filter(plan=plan, **(scope or {}))
    stamp_fields = set(stamp)
    fields = sorted(set(key) | ({name for row in rows for name in row} - stamp_fields))
    existing: dict[tuple, list[dict]] = {}
    for row in current.values("pk", *fields):
        existing.setdefault(tuple(row[name] for name in key), []).append(row)
    kept, fresh = [], []
    for row in rows:
        found = existing.pop(tuple(row[name] for name in key), [])
        if len(found) == 1 and all(found[0][name] == row[name] for name in fields):
            kept.append(found[0]["pk"])
        else:
            fresh.append(row)
    # Everything not kept goes, rows no longer produced included (one query whatever changed).
    current.exclude(pk__in=kept).delete()
    current.exclude(as_of=stamp["as_of"]).update(as_of=stamp["as_of"])
    _insert(model, fresh)


# ---------------------------------------------------------------- indicators


def pick_actual(method: str, figures: YearFigures) -> Decimal | None:
    """The province figure by the indicator's aggregation, from the sums the database computed (also read
    by the open-data package, so its values by period are counted exactly as the snapshots)."""
    if method == Indicator.Aggregation.LATEST:
        if figures.newest_value is not None:
            return figures.newest_value
        return rules.ratio_percent(figures.newest_numerator, figures.newest_denominator)
    if method == Indicator.Aggregation.RATIO:
        return rules.ratio_percent(figures.sum_numerator, figures.sum_denominator)
    if method == Indicator.Aggregation.MEAN:
        return figures.mean_value
    return figures.sum_value


def several_agencies_but_latest(indicator: Indicator, agencies: int) -> str:
    """The warning when an indicator taken as one agency's latest value has values from several agencies."""
    if indicator.aggregation != Indicator.Aggregation.LATEST or agencies < 2:
        return ""
    return _("Có %(n)s cơ quan báo cáo chỉ tiêu này nhưng cách tổng hợp là “Mới nhất”: chỉ lấy số mới nhất của một "
             "cơ quan, không cộng hay tính tỷ lệ chung; cán bộ nên xem lại cách tổng hợp.") % {"n": agencies}


def _explained(explanation: str, indicator: Indicator, figures: YearFigures | None) -> str:
    warning = several_agencies_but_latest(indicator, figures.agencies) if figures else ""
    return " ".join(part for part in (explanation, warning) if part)


class _TargetRow(NamedTuple):
    """The fields of a Target a snapshot reads (read as tuples: no model instance per target)."""

    op: str
    low: Decimal | None
    high: Decimal | None
    text: str


class _BaselineRow(NamedTuple):
    year: int | None
    value: Decimal | None


def _target_rule(target: _TargetRow | None) -> rules.TargetRule | None:
    if target is None:
        return None
    return rules.TargetRule(op=target.op, low=target.low, high=target.high, text=target.text)


def _year_figures(plan: Plan, as_of: dt.date, ids: list[int] | None, from_year: int | None) -> list[YearFigures]:
    """As of today or later (approvals, the nightly run): from the maintained per-agency figures, which hold
    what is approved now. As of a past day: from the values approved by then, because the maintained rows
    keep no history."""
    if as_of >= local_today():
        return maintained_year_figures(plan_id=plan.pk, indicator_ids=ids, from_year=from_year)
    return indicator_year_figures(plan_id=plan.pk, as_of=as_of, indicator_ids=ids, from_year=from_year)


def _indicator_rows(plan: Plan, as_of: dt.date, ids: list[int] | None, from_year: int | None,
                    stamp: dict) -> list[dict]:
    indicators = Indicator.objects.filter(plan=plan).only(
        "id", "unit", "value_type", "direction", "aggregation", "cumulative")
    if ids is None:
        targets = Target.objects.filter(indicator__plan=plan)
        baselines = Baseline.objects.filter(indicator__plan=plan)
    else:
        # By the indicators' own index, without the join to the plan's indicators (only the plan's are read
        # below, whatever else an id could name).
        indicators = indicators.filter(id__in=ids)
        targets = Target.objects.filter(indicator_id__in=ids)
        baselines = Baseline.objects.filter(indicator_id__in=ids)
    if from_year is not None:
        targets = targets.filter(year__gte=from_year)  # the years recomputed, the plan's final year among them
    targets_by = {(indicator_id, year): _TargetRow(*rule) for indicator_id, year, *rule in
                  targets.values_list("indicator_id", "year", "op", "low", "high", "text")}
    baselines_by = {indicator_id: _BaselineRow(year, value) for indicator_id, year, value in
                    baselines.values_list("indicator_id", "year", "value")}
    figures_by = {(f.indicator_id, f.year): f for f in _year_figures(plan, as_of, ids, from_year)}
    years = range(from_year or plan.start_year, plan.end_year + 1)
    # The starting point of the first recomputed year: the actual of the year before, as last computed.
    earlier = {} if from_year is None else dict(
        IndicatorProgress.objects.filter(plan=plan, indicator_id__in=ids, year=from_year - 1, actual__isnull=False)
        .values_list("indicator_id", "actual"))
    final_year = plan.end_year
    rows = []
    for indicator in indicators:
        decreasing = indicator.direction == Indicator.Direction.DECREASE
        baseline = baselines_by.get(indicator.pk)
        base_value = baseline.value if baseline is not None else None
        base_year = (baseline.year or plan.start_year - 1) if baseline is not None else None
        final_target = _target_rule(targets_by.get((indicator.pk, final_year)))
        previous = earlier.get(indicator.pk, base_value)
        for year in years:
            figures = figures_by.get((indicator.pk, year))
            actual = pick_actual(indicator.aggregation, figures) if figures else None
            target = targets_by.get((indicator.pk, year))
            result = rules.year_status(rules.YearInput(
                year=year, as_of=as_of, target=_target_rule(target), actual=actual, previous=previous,
                last_value_on=figures.last_value_on if figures else None,
                last_order=figures.last_order if figures else 0, cumulative=indicator.cumulative,
                decreasing=decreasing, milestone_state=figures.milestone_state if figures else "",
                unit=indicator.unit))
            course = rules.trajectory(base=base_value, base_year=base_year, current=actual,
                                      current_year=year if actual is not None else None,
                                      final_target=final_target, final_year=final_year, decreasing=decreasing)
            rows.append(dict(
                indicator_id=indicator.pk, year=year, actual=actual,
                numerator_sum=figures.sum_numerator if figures else None,
                denominator_sum=figures.sum_denominator if figures else None,
                reporting_agencies=figures.agencies if figures else 0, expected=result.expected,
                status=result.status, explanation=_explained(result.explanation, indicator, figures),
                percent_of_target=result.percent_of_target,
                trajectory=course.trajectory if course else "",
                trajectory_explanation=course.explanation if course else "",
                last_value_at=figures.last_value_on if figures else None,
                milestone_state=figures.milestone_state if figures else "",
                target_op=target.op if target else "", target_low=target.low if target else None,
                target_high=target.high if target else None, target_text=target.text if target else "",
                **stamp))
            if actual is not None:
                previous = actual
    return rows


# ---------------------------------------------------------------- tasks


def _task_rows(plan: Plan, as_of: dt.date, stamp: dict, tasks: list[Task] | None = None) -> list[dict]:
    """The TaskProgress rows of the plan's tasks (or of `tasks` only)."""
    if tasks is None:
        tasks = Task.objects.filter(plan=plan).only("id", "deadline_kind", "start_date", "due_date")
        figures_by = task_figures(plan_id=plan.pk, as_of=as_of)
    else:
        figures_by = task_figures(plan_id=plan.pk, as_of=as_of, task_ids=[task.pk for task in tasks])
    rows = []
    for task in tasks:
        figures = figures_by.get(task.pk)
        reported = ""
        progress = None
        if figures is not None:
            progress = figures.mean_progress
            if figures.completed == figures.agencies:
                reported = "completed"
            elif figures.ongoing:
                reported = "ongoing"
            elif figures.in_progress or figures.completed:
                reported = "in_progress"
        result = rules.task_status(rules.TaskInput(
            as_of=as_of, deadline_kind=task.deadline_kind, due_date=task.due_date, start_date=task.start_date,
            reported_status=reported, progress=progress))
        rows.append(dict(task_id=task.pk, status=result.status, explanation=result.explanation,
                                 progress=progress.quantize(Decimal("0.01")) if progress is not None else None,
                                 due=task.due_date, reporting_agencies=figures.agencies if figures else 0, **stamp))
    return rows


# ---------------------------------------------------------------- roll-ups


def _rollups(plan: Plan, as_of: dt.date, stamp: dict) -> None:
    """Sections, plan and agencies, from the snapshot rows just written (GROUP BY in the database)."""
    _section_and_plan_rollups(plan, stamp)
    _agency_rollups(plan, as_of, stamp)


def _section_and_plan_rollups(plan: Plan, stamp: dict) -> None:
    by_section: dict[tuple[int, int], Counter] = defaultdict(Counter)
    by_plan: dict[int, Counter] = defaultdict(Counter)
    for row in (IndicatorProgress.objects.filter(plan=plan).order_by()
                .values("indicator__section_id", "year", "status").annotate(n=Count("id"))):
        by_plan[row["year"]][row["status"]] += row["n"]
        if row["indicator__section_id"] is not None:
            by_section[(row["indicator__section_id"], row["year"])][row["status"]] += row["n"]
    tasks_by_section: dict[int, Counter] = defaultdict(Counter)
    plan_tasks: Counter = Counter()
    for row in (TaskProgress.objects.filter(plan=plan).order_by()
                .values("task__section_id", "status").annotate(n=Count("id"))):
        plan_tasks[row["status"]] += row["n"]
        if row["task__section_id"] is not None:
            tasks_by_section[row["task__section_id"]][row["status"]] += row["n"]

    # A section counts what lies under it too: add each leaf's counts to its ancestors.
    parents = dict(Section.objects.filter(plan=plan).values_list("id", "parent_id"))
    section_totals: dict[tuple[int, int], Counter] = defaultdict(Counter)
    section_tasks: dict[int, Counter] = defaultdict(Counter)
    for (section_id, year), counts in by_section.items():
        for ancestor in _lineage(section_id, parents):
            section_totals[(ancestor, year)].update(counts)
    for section_id, counts in tasks_by_section.items():
        for ancestor in _lineage(section_id, parents):
            section_tasks[ancestor].update(counts)

    SectionProgress.objects.filter(plan=plan).delete()
    _insert(SectionProgress, [
        dict(section_id=section_id, year=year, counts=dict(counts),
                        task_counts=dict(section_tasks.get(section_id, {})),
                        share_achieved=rules.share_achieved(counts), **stamp)
        for (section_id, year), counts in section_totals.items()])
    PlanProgress.objects.filter(plan=plan).delete()
    _insert(PlanProgress, [
        dict(year=year, counts=dict(by_plan.get(year, {})), task_counts=dict(plan_tasks),
                     share_achieved=rules.share_achieved(by_plan.get(year, {})), **stamp)
        for year in plan.years])


def _lineage(section_id: int, parents: dict[int, int | None]) -> Iterator[int]:
    seen = set()
    node = section_id
    while node is not None and node not in seen:
        seen.add(node)
        yield node
        node = parents.get(node)


def _agency_rollups(plan: Plan, as_of: dt.date, stamp: dict, agency_ids: set[int] | None = None) -> None:
    """Each agency's AgencyProgress rows (or only those of `agency_ids`: the others did not move)."""
    # One filter() per relation: a second one on the multi-valued lead_agencies would join it twice and count
    # an item led by two of the agencies four times.
    if agency_ids is None:
        indicators = IndicatorProgress.objects.filter(plan=plan, indicator__lead_agencies__isnull=False)
        tasks = TaskProgress.objects.filter(plan=plan, task__lead_agencies__isnull=False)
        reports = AgencyReport.objects.filter(plan=plan, period__due_on__lte=as_of)
    else:
        indicators = IndicatorProgress.objects.filter(plan=plan, indicator__lead_agencies__in=agency_ids)
        tasks = TaskProgress.objects.filter(plan=plan, task__lead_agencies__in=agency_ids)
        reports = AgencyReport.objects.filter(plan=plan, period__due_on__lte=as_of, agency_id__in=agency_ids)
    indicator_counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for row in (indicators.order_by()
                .values("indicator__lead_agencies", "year", "status").annotate(n=Count("id"))):
        indicator_counts[(row["indicator__lead_agencies"], row["year"])][row["status"]] += row["n"]
    task_counts: dict[int, Counter] = defaultdict(Counter)
    for row in (tasks.order_by()
                .values("task__lead_agencies", "status").annotate(n=Count("id"))):
        task_counts[row["task__lead_agencies"]][row["status"]] += row["n"]
    compliance = {
        (row["agency_id"], row["period__year"]): row
        # The submission facts only: `with_compliance` adds entry counts (four subqueries) this does not read.
        for row in (reports.with_submission_facts(today=as_of)
                    .order_by().values("agency_id", "period__year")
                    .annotate(expected=Count("id"), on_time=Count("id", filter=Q(is_on_time=True)),
                              late=Count("id", filter=Q(is_late=True)),
                              missing=Count("id", filter=Q(is_missing=True)), returned=Sum("returned_count")))
    }
    keys = set(indicator_counts) | set(compliance)
    keys |= {(agency_id, year) for agency_id in task_counts for year in plan.years}
    rows = []
    for agency_id, year in sorted(keys):
        counts = indicator_counts.get((agency_id, year), Counter())
        facts = compliance.get((agency_id, year), {})
        rows.append(dict(
            agency_id=agency_id, year=year, indicator_counts=dict(counts),
            task_counts=dict(task_counts.get(agency_id, {})), share_achieved=rules.share_achieved(counts),
            reports_expected=facts.get("expected", 0), reports_on_time=facts.get("on_time", 0),
            reports_late=facts.get("late", 0), reports_missing=facts.get("missing", 0),
            reports_returned=facts.get("returned") or 0, **stamp))
    _write_changed(AgencyProgress, plan, rows, key=("agency_id", "year"), stamp=stamp,
                   scope={} if agency_ids is None else {"agency_id__in": agency_ids})
