"""Maintained per-agency figures: each agency's current figure per indicator and year, from approved entries.

Why: the recompute's costly step was re-deriving every agency's yearly figure from all approved values (the
`per_agency` pivot of `progress.selectors`, about 5× one GROUP BY over the values). Those figures only change
when a report's approved status changes, so they are kept in `AgencyIndicatorFigure`, one row per (plan,
agency, year, indicator), and the recompute aggregates those rows (`selectors.maintained_year_figures`).

When: `agency_figures_refresh` runs in the transaction that approves or reopens a report (the reports layer
sends `reports.signals.approved_values_changed` from `_approved_values_changed`, next to its recompute
request; `progress/apps.py` receives it), so the rows commit with the status change or not at all.
`agency_figures_rebuild` recomputes them from scratch (`manage.py recompute_progress --rebuild`; after bulk
loads that bypass the services, such as `bench_data`).

The arithmetic is the one of `progress.selectors` (`per_agency_sql`, `stock_sql`, `flow_sql`, `MILESTONE_SQL`),
itself the mirror of `indicators.rules`: a row holds both the stock's and the flow's reading, so changing an
indicator's `cumulative` or aggregation needs no rebuild. Only what is approved now counts (no `approved_at`
cut): a recompute as of a past day reads the values themselves (`selectors.indicator_year_figures`).
"""

from collections.abc import Iterable

from django.db import connection, transaction

from plans.models import Plan
from progress.models import AgencyIndicatorFigure
from progress.selectors import COLUMNS, MILESTONE_SQL, flow_sql, per_agency_sql, stock_sql
from reports.models import AgencyReport

LOCK_NAMESPACE = 5_170_602  # first key of the advisory lock pair: "agency figures of (plan, agency, year)"
SCOPES_PER_STATEMENT = 200

TABLE = AgencyIndicatorFigure._meta.db_table
KEYS = ("plan_id", "agency_id", "year", "indicator_id")  # the primary key
FRESH = "progress_agency_figures_fresh"  # the rebuild's temporary table
FIGURE_COLUMNS = ["plan_id", "indicator_id", "agency_id", "year", "last_order",
                  *(f"stock_{column}" for column in COLUMNS.values()),
                  *(f"flow_{column}" for column in COLUMNS.values()), "milestone_state"]


def _select_sql(where: str) -> str:
    """The figures (columns FIGURE_COLUMNS) of the approved entries in `where` (a condition on r and p)."""
    readings = [*(f"{stock_sql(key)} AS stock_{column}" for key, column in COLUMNS.items()),
                *(f"{flow_sql(key)} AS flow_{column}" for key, column in COLUMNS.items())]
    return ("SELECT a.plan_id, a.indicator_id, a.agency_id, a.year, a.last_ord AS last_order,\n       "
            + ",\n       ".join(readings)
            + f",\n       COALESCE({MILESTONE_SQL}, '') AS milestone_state\n"
            f"FROM ({per_agency_sql(keys='r.plan_id, ', where=where)}) a")


def _insert_sql(where: str) -> str:
    return f"INSERT INTO {TABLE} ({', '.join(FIGURE_COLUMNS)})\n{_select_sql(where)}"


def _lock_scopes(scopes: list[tuple[int, int, int]]) -> None:
    """Serialise refreshes of the same (plan, agency, year): two approvals of one agency's quarters in parallel
    would otherwise each delete what the other has not committed yet, and the second insert would collide.
    Taken in sorted order (no deadlock between refreshes); after the wait, READ COMMITTED lets the next
    statements see what the other transaction committed."""
    if connection.vendor != "postgresql":
        return  # SQLite has one writer at a time
    # One int4 per scope (a collision only serialises two unrelated refreshes).
    keys = sorted({(plan_id * 1_000_003 + agency_id * 10_007 + year) % 2**31 for plan_id, agency_id, year in scopes})
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, key])


def agency_figures_refresh(*, report_ids: Iterable[int]) -> int:
    """Recompute the maintained figures of each (plan, agency, year) these reports belong to, from the entries
    approved now (all of that agency's periods of the year: the figure of a year reads its other periods).

    Call it in the transaction that changed the reports' approved status or values. Returns the rows written.
    """
    ids = sorted(set(report_ids))
    if not ids:
        return 0
    written = 0
    with transaction.atomic():
        scopes = sorted(set(AgencyReport.objects.filter(pk__in=ids).order_by()
                            .values_list("plan_id", "agency_id", "period__year")))
        _lock_scopes(scopes)
        for start in range(0, len(scopes), SCOPES_PER_STATEMENT):
            chunk = scopes[start:start + SCOPES_PER_STATEMENT]
            params = [value for scope in chunk for value in scope]
            delete_where = " OR ".join(["(plan_id = %s AND agency_id = %s AND year = %s)"] * len(chunk))
            select_where = " OR ".join(["(r.plan_id = %s AND r.agency_id = %s AND p.year = %s)"] * len(chunk))
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE} WHERE {delete_where}", params)
                cursor.execute(_insert_sql(f" AND ({select_where})"), params)
                written += max(cursor.rowcount, 0)
    return written


def agency_figures_rebuild(*, plan_ids: Iterable[int] | None = None) -> int:
    """Compute the maintained figures of these plans (default: every plan) from scratch, from the approved
    entries, and make the table say exactly that: for repair, and after loads that write reports without the
    services (`bench_data`). All in one transaction. Returns the rows inserted, changed or deleted.

    The fresh figures go to a temporary table first and only the differences are written: a rebuild of
    figures that were right writes nothing, and a first build inserts into an empty table (deleting a plan's
    rows and inserting them again costs several times more: each insert then checks the dead duplicate).
    """
    if plan_ids is None:
        plan_ids = Plan.objects.order_by("pk").values_list("pk", flat=True)
    values = [column for column in FIGURE_COLUMNS if column not in KEYS]
    same_key = " AND ".join(f"n.{key} = {TABLE}.{key}" for key in KEYS)
    changed = " OR ".join(f"{TABLE}.{column} IS DISTINCT FROM n.{column}" for column in values)
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Refreshes (approvals) wait until the rebuild commits, then redo their scope over it: without the
            # lock, an approval committed in between could collide with the rows inserted here.
            cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SET LOCAL work_mem = '64MB'")  # hash a plan's values in memory, as the recompute
        for plan_id in sorted(set(plan_ids)):
            cursor.execute(f"DROP TABLE IF EXISTS {FRESH}")
            cursor.execute(f"CREATE TEMPORARY TABLE {FRESH} AS {_select_sql(' AND r.plan_id = %s')}", [plan_id])
            cursor.execute(f"DELETE FROM {TABLE} WHERE plan_id = %s AND NOT EXISTS "
                           f"(SELECT 1 FROM {FRESH} n WHERE {same_key})", [plan_id])
            written += max(cursor.rowcount, 0)
            cursor.execute(f"UPDATE {TABLE} SET {', '.join(f'{column} = n.{column}' for column in values)} "
                           f"FROM {FRESH} n WHERE {same_key} AND ({changed})")
            written += max(cursor.rowcount, 0)
            cursor.execute(f"INSERT INTO {TABLE} ({', '.join(FIGURE_COLUMNS)}) "
                           f"SELECT {', '.join(FIGURE_COLUMNS)} FROM {FRESH} n WHERE NOT EXISTS "
                           f"(SELECT 1 FROM {TABLE} WHERE {same_key})")
            written += max(cursor.rowcount, 0)
            cursor.execute(f"DROP TABLE {FRESH}")
    return written
