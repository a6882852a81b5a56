"""Reads of the reports layer that views, the API, the admin and the services share.

Who may do what with a report is answered here once (`report_permissions`), so the screens, the
API and the services agree.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Subquery, Sum

from agencies.models import Province
from agencies.roles import Role, access
from reports.models import (
    AgencyReport,
    Attachment,
    IndicatorEntry,
    PlanReportingPolicy,
    ReportingPolicy,
    TaskEntry,
    indicator_entry_filled_q,
    task_entry_filled_q,
)

Status = AgencyReport.Status


@dataclass(frozen=True)
class ReportPermissions:
    can_view: bool = False
    can_edit: bool = False  # save the draft (agency users of the report's agency)
    can_enter_on_behalf: bool = False  # staff typing in an agency's paper report
    can_submit: bool = False
    can_confirm: bool = False  # the agency head confirms, or sends the report back to its reporters
    can_review: bool = False  # approve or return
    can_reopen: bool = False


REPORTING_SWITCHES = ("require_head_confirmation", "require_complete")


def reporting_settings(*, province_id: int, plan_id: int | None = None) -> dict[str, bool]:
    """Every reporting switch (`REPORTING_SWITCHES`), each the plan's own when it sets one, else the
    province's, else off; in one query (a submission asks both)."""
    own = PlanReportingPolicy.objects.filter(plan_id=plan_id) if plan_id is not None else None
    row = Province.objects.filter(pk=province_id).values(**{
        **{f"province_{name}": Subquery(ReportingPolicy.objects.filter(province_id=province_id).values(name)[:1])
           for name in REPORTING_SWITCHES},
        **({f"plan_{name}": Subquery(own.values(name)[:1]) for name in REPORTING_SWITCHES} if own is not None
           else {}),
    }).first() or {}
    return {name: bool(row.get(f"province_{name}")) if row.get(f"plan_{name}") is None else row[f"plan_{name}"]
            for name in REPORTING_SWITCHES}


def reporting_setting(name: str, *, province_id: int, plan_id: int | None = None) -> bool:
    """A reporting switch (`require_head_confirmation`, `require_complete`): the plan's own when it sets one,
    else the province's, else off."""
    return reporting_settings(province_id=province_id, plan_id=plan_id)[name]


def head_confirmation_required(province_id: int, plan_id: int | None = None) -> bool:
    return reporting_setting("require_head_confirmation", province_id=province_id, plan_id=plan_id)


def complete_submission_required(province_id: int, plan_id: int | None = None) -> bool:
    return reporting_setting("require_complete", province_id=province_id, plan_id=plan_id)


def _as_bool(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def empty_entries_of(indicator_entries, task_entries) -> dict:
    """`empty_entries` of entries already loaded (with their indicator and task, in the page's order)."""
    rows = ([(entry.indicator.code, entry.is_filled) for entry in indicator_entries]
            + [(entry.task.code, entry.is_filled) for entry in task_entries])
    empty = [code for code, filled in rows if not filled]
    return {"empty": len(empty), "assigned": len(rows), "items": empty}


def empty_entries(report: AgencyReport) -> dict:
    """What is still empty in a report: {"empty": n, "assigned": n, "items": [codes of the empty items]}."""
    indicator_rows = list(IndicatorEntry.objects.filter(report=report).order_by("indicator__order", "indicator__code")
                          .values_list("indicator__code", _as_bool(indicator_entry_filled_q())))
    task_rows = list(TaskEntry.objects.filter(report=report).order_by("task__order", "task__code")
                     .values_list("task__code", _as_bool(task_entry_filled_q())))
    empty = [code for code, filled in indicator_rows + task_rows if not filled]
    return {"empty": len(empty), "assigned": len(indicator_rows) + len(task_rows), "items": empty}


def report_permissions(user, report: AgencyReport) -> ReportPermissions:
    """What `user` may do with `report` in its current status: who the user is for the report
    (`agencies.roles.Access.for_report`) crossed with what the status allows."""
    who = access(user).for_report(province_id=report.plan.province_id, agency_id=report.agency_id)
    if not who.is_reader:
        return ReportPermissions()
    editable = report.status in AgencyReport.EDITABLE_STATUSES
    return ReportPermissions(
        can_view=True,
        can_edit=editable and who.is_agency_user,
        can_enter_on_behalf=editable and who.is_staff,
        can_submit=editable and (who.is_agency_user or (who.is_staff and report.entered_on_behalf)),
        can_confirm=report.status == Status.AWAITING_CONFIRMATION and who.is_head,
        can_review=report.status == Status.SUBMITTED and who.is_staff,
        can_reopen=report.status == Status.APPROVED and who.is_staff,
    )


def previous_report(report: AgencyReport) -> AgencyReport | None:
    """The same agency's report of the period before this one in the plan (for the side-by-side review)."""
    return (AgencyReport.objects.filter(agency_id=report.agency_id, plan_id=report.plan_id,
                                        period__kind=report.period.kind,
                                        period__ends_on__lt=report.period.ends_on)
            .select_related("period").order_by("-period__ends_on").first())


def previous_values(report: AgencyReport) -> dict[int, Decimal]:
    """indicator id → the agency's latest earlier submitted value (prefill and the "far from last" check)."""
    rows = (IndicatorEntry.objects
            .filter(report__agency_id=report.agency_id, report__plan_id=report.plan_id,
                    report__period__ends_on__lt=report.period.ends_on,
                    report__first_submitted_at__isnull=False, value__isnull=False)
            .order_by("indicator_id", "-report__period__ends_on")
            .values_list("indicator_id", "value"))
    values: dict[int, Decimal] = {}
    for indicator_id, value in rows:
        values.setdefault(indicator_id, value)
    return values


_NOT_LOOKED_UP = object()


def previous_entries(report: AgencyReport, before=_NOT_LOOKED_UP) -> dict[str, dict[int, object]]:
    """The previous period's entries by indicator id and task id, to prefill the form (`before`: the
    `previous_report` when the caller has it already)."""
    if before is _NOT_LOOKED_UP:
        before = previous_report(report)
    if before is None:
        return {"indicators": {}, "tasks": {}}
    return {
        "indicators": {entry.indicator_id: entry for entry in before.indicator_entries.all()},
        "tasks": {entry.task_id: entry for entry in before.task_entries.all()},
    }


def report_entry_history(report: AgencyReport) -> list:
    """Every recorded change of the report and its entries, newest first (django-simple-history rows).

    Each row has history_date, history_user, history_type ("+", "~", "-") and the entry's fields; the
    indicator and task are loaded, so a template can show "I.1: 95,5 → 96" without more queries.
    """
    report_rows = report.history.select_related("history_user")
    indicator_rows = (IndicatorEntry.history.filter(report_id=report.pk)
                      .select_related("history_user", "indicator"))
    task_rows = TaskEntry.history.filter(report_id=report.pk).select_related("history_user", "task")
    return sorted(chain(report_rows, indicator_rows, task_rows), key=lambda row: row.history_date, reverse=True)


def attachment_readable_by(user, attachment: Attachment) -> bool:
    """An attachment is served to exactly the users who may see its report."""
    return report_permissions(user, attachment.report).can_view


def reports_for_user(user) -> QuerySet[AgencyReport]:
    return (AgencyReport.objects.visible_to(user)
            .select_related("agency", "plan", "period").order_by("period__due_on", "agency__name"))


ZERO_ENTRIES = {"entries_assigned": 0, "entries_filled": 0}


def entry_counts(reports: QuerySet | None = None, by: str = "report_id", *, where: dict | None = None) -> dict:
    """`by` ("report_id", or "report__agency_id") → {"entries_assigned", "entries_filled"}: the indicator
    and task entries of `reports`, filled (`indicator_entry_filled_q`, `task_entry_filled_q`) and assigned.

    One GROUP BY per entry table, set-based: counting them per report with a correlated subquery read
    every report's entries once per count, and made the compliance page over all periods take ~0.7 s at
    province scale (issue 14).

    `where` (lookups on the entries, "report__plan": plan) instead of `reports`: the entries joined to their
    reports once, rather than also filtered by a subquery of the same reports (a second hash join over a
    province's 310,000 entries)."""
    counts: dict = defaultdict(lambda: dict(ZERO_ENTRIES))
    for model, filled in ((IndicatorEntry, indicator_entry_filled_q()), (TaskEntry, task_entry_filled_q())):
        rows = (model.objects.filter(**where) if where is not None
                else model.objects.filter(report__in=reports.order_by().values("pk")))
        rows = (rows.order_by().values(by)
                .annotate(assigned=Count("pk"), filled=Count("pk", filter=filled)))
        for row in rows:
            counts[row[by]]["entries_assigned"] += row["assigned"]
            counts[row[by]]["entries_filled"] += row["filled"]
    return counts


def set_entry_counts(reports: list[AgencyReport]) -> list[AgencyReport]:
    """Each report of a page gets entries_assigned / entries_filled (as `with_compliance` annotates them),
    counted by `entry_counts` for exactly these reports: two GROUP BYs over their entries, rather than four
    correlated subqueries per row that Postgres ran for every row up to the page's end (page 5 counted 500)."""
    if not reports:
        return reports
    counts = entry_counts(where={"report_id__in": [report.pk for report in reports]})
    for report in reports:
        found = counts.get(report.pk, ZERO_ENTRIES)
        report.entries_assigned, report.entries_filled = found["entries_assigned"], found["entries_filled"]
    return reports


# A report's entry counts change only while it is being written: a save (which bumps the version) is
# allowed in the editable statuses only, and new items get entries only in editable reports
# (`reports.services.expected_reports_create`). Once submitted, its counts are kept, with its version, in one
# cache entry per period; every workflow step bumps the version, so a reopened and resubmitted report is
# counted anew.
FROZEN_COUNTS_SECONDS = 24 * 60 * 60


def _frozen_counts_key(period_id: int) -> str:
    return f"reports:entry-counts:v1:period:{period_id}"


def entry_counts_by_agency(reports: QuerySet) -> dict:
    """agency id → {"entries_assigned", "entries_filled"} of `reports` (as `entry_counts(by="report__agency_id")`).

    A plan's five years are 3,000 reports and 300,000 entries: grouping them all on every view of the
    compliance page over all periods was most of its time (issue 14). The reports that can no longer change
    take their counts from the cache (see FROZEN_COUNTS_SECONDS; a key per period, not per report: a cache
    round trip of 3,000 keys cost more than it saved); the ones being written, and any not cached yet, are
    counted by `entry_counts` in two GROUP BYs over their own entries. One query for the reports, at most
    two for the counts, whatever their number."""
    from django.core.cache import cache

    rows = list(reports.order_by().values_list("pk", "agency_id", "period_id", "version", "status"))
    keys = {period_id: _frozen_counts_key(period_id) for _pk, _agency, period_id, _version, _status in rows}
    stored = cache.get_many(list(keys.values())) if keys else {}
    by_report: dict[int, tuple[int, int]] = {}
    for pk, _agency, period_id, version, status in rows:
        kept = stored.get(keys[period_id], {}).get(pk)
        if status not in AgencyReport.EDITABLE_STATUSES and kept is not None and kept[0] == version:
            by_report[pk] = kept[1:]
    to_count = [row for row in rows if row[0] not in by_report]
    if to_count:
        counted = entry_counts(where={"report_id__in": [pk for pk, *_rest in to_count]})
        changed: dict[str, dict] = {}
        for pk, _agency, period_id, version, status in to_count:
            found = counted.get(pk, ZERO_ENTRIES)
            by_report[pk] = (found["entries_assigned"], found["entries_filled"])
            if status not in AgencyReport.EDITABLE_STATUSES:
                key = keys[period_id]
                changed.setdefault(key, dict(stored.get(key, {})))[pk] = (version, *by_report[pk])
        if changed:
            cache.set_many(changed, FROZEN_COUNTS_SECONDS)
    by_agency: dict = defaultdict(lambda: dict(ZERO_ENTRIES))
    for pk, agency_id, _period, _version, _status in rows:
        assigned, filled = by_report[pk]
        by_agency[agency_id]["entries_assigned"] += assigned
        by_agency[agency_id]["entries_filled"] += filled
    return by_agency


COMPLIANCE_COUNTS = ("expected", "on_time", "late", "missing", "pending", "returned", "entries_filled",
                     "entries_assigned")


def compliance_by_agency(*, plan, period=None, today: dt.date | None = None) -> list[dict]:
    """One row per agency: expected, on_time, late, missing, pending, returned, filled, assigned.

    Computed in the database: the submission facts per report (see
    `AgencyReportQuerySet.with_submission_facts`) grouped by agency, and the entries by
    `entry_counts_by_agency`; four queries at most whatever the number of reports. completeness = filled /
    assigned is left to the caller so it stays exact (Decimal) and 0 assigned shows as "—".
    """
    qs = AgencyReport.objects.filter(plan=plan)
    if period is not None:
        qs = qs.filter(period=period)
    rows = list(qs.with_submission_facts(today).order_by().values("agency_id", "agency__name")
                .annotate(expected=Count("pk"),
                          on_time=Count("pk", filter=Q(is_on_time=True)),
                          late=Count("pk", filter=Q(is_late=True)),
                          missing=Count("pk", filter=Q(is_missing=True)),
                          pending=Count("pk", filter=Q(is_pending=True)),
                          returned=Sum("returned_count"))
                .order_by("agency__name"))
    entries = entry_counts_by_agency(qs)
    for row in rows:
        row.update(entries.get(row["agency_id"], ZERO_ENTRIES))
        row["returned"] = row["returned"] or 0
    return rows


def compliance_totals_of(rows: list[dict]) -> dict:
    """The plan's totals from its `compliance_by_agency` rows (no query)."""
    return {key: sum(row[key] or 0 for row in rows) for key in COMPLIANCE_COUNTS}


def compliance_totals(*, plan, period=None, today: dt.date | None = None) -> dict:
    return compliance_totals_of(compliance_by_agency(plan=plan, period=period, today=today))


def completeness(filled: int | None, assigned: int | None) -> Decimal | None:
    """Share of assigned entries filled, as a percentage with one decimal; None when nothing is assigned."""
    if not assigned:
        return None
    return (Decimal(filled or 0) * 100 / Decimal(assigned)).quantize(Decimal("0.1"))


def staff_of_province(province: Province):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(memberships__role=Role.STAFF,
                                           memberships__agency__province=province, is_active=True).distinct()

