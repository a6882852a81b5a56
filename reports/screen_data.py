"""The data of the reporting screens, beyond `reports.selectors`: the inbox, the page of one report,
the review queue. Each is a fixed number of queries whatever the number of rows (asserted in tests)."""

import datetime as dt

from django.db.models import Count, F, QuerySet

from agencies.clock import local_today
from agencies.roles import AGENCY_ROLES, Role, user_agencies
from indicators.models import Indicator, Target
from indicators.numbers import format_value
from reports.models import (
    AgencyReport,
    Attachment,
    IndicatorEntry,
    ReportingPeriod,
    TaskEntry,
    indicator_entry_filled_q,
)
from reports.selectors import previous_entries, previous_report

Status = AgencyReport.Status


def inbox_reports(user, today: dt.date | None = None) -> tuple[list[AgencyReport], list[AgencyReport]]:
    """The reports of the user's agencies: (still to send, of periods already open; the rest, newest first).

    Each report carries entries_assigned / entries_filled (compliance annotations) and days_left."""
    today = today or local_today()
    reports = list(
        AgencyReport.objects.filter(agency__in=user_agencies(user, *AGENCY_ROLES))
        .filter(period__starts_on__lte=today)
        .with_compliance(today)
        .select_related("agency", "plan", "period")
        .order_by("period__due_on", "plan__title", "agency__name"))
    to_send, others = [], []
    for report in reports:
        report.days_left = report.period.days_left(today)
        (to_send if report.status in AgencyReport.NOT_SUBMITTED_STATUSES else others).append(report)
    others.sort(key=lambda report: report.period.due_on, reverse=True)
    return to_send, others


def awaiting_head_confirmation(user) -> list[AgencyReport]:
    """The reports waiting for this agency head's confirmation (the agencies where the user is head),
    oldest submission first, with entries_filled / entries_assigned."""
    return list(
        AgencyReport.objects.filter(agency__in=user_agencies(user, Role.AGENCY_HEAD),
                                    status=Status.AWAITING_CONFIRMATION)
        .with_compliance().select_related("agency", "plan", "period", "submitted_by")
        .order_by("submitted_at", "period__due_on", "agency__name"))


def report_for_page(queryset: QuerySet, pk: int) -> AgencyReport:
    return queryset.select_related("agency", "plan", "plan__province", "period").get(pk=pk)


def report_entries(report: AgencyReport) -> tuple[list[IndicatorEntry], list[TaskEntry]]:
    indicator_entries = list(report.indicator_entries.select_related("indicator", "indicator__section")
                             .order_by("indicator__order", "indicator__code"))
    task_entries = list(report.task_entries.select_related("task", "task__section").order_by("task__order", "task__code"))
    return indicator_entries, task_entries


def year_targets(report: AgencyReport, indicator_entries: list[IndicatorEntry]) -> dict[int, str]:
    """indicator id → the target text of the report's year, as the plan wrote it ("≥ 90%")."""
    rows = Target.objects.filter(indicator_id__in=[entry.indicator_id for entry in indicator_entries],
                                 year=report.period.year).values_list("indicator_id", "text", "op", "low")
    return {indicator_id: text or f"{op} {low}" for indicator_id, text, op, low in rows}


def several_agencies_on_latest(report: AgencyReport, indicator_entries: list[IndicatorEntry]) -> dict[int, int]:
    """indicator id → how many agencies filled it this period, for the report's indicators aggregated as
    "latest" that more than one agency reports (the province figure then takes only one of them)."""
    ids = [entry.indicator_id for entry in indicator_entries
           if entry.indicator.aggregation == Indicator.Aggregation.LATEST]
    if not ids:
        return {}
    rows = (IndicatorEntry.objects.filter(report__period_id=report.period_id, indicator_id__in=ids)
            .filter(indicator_entry_filled_q()).order_by().values("indicator_id")
            .annotate(agencies=Count("report__agency_id", distinct=True)).filter(agencies__gt=1))
    return {row["indicator_id"]: row["agencies"] for row in rows}


def report_page_data(report: AgencyReport) -> dict:
    """Everything the report page shows besides the form's inputs: entries, targets, previous period,
    attachments."""
    indicator_entries, task_entries = report_entries(report)
    before = previous_report(report)
    return {
        "indicator_entries": indicator_entries,
        "task_entries": task_entries,
        "targets": year_targets(report, indicator_entries),
        "several_on_latest": several_agencies_on_latest(report, indicator_entries),
        "previous": previous_entries(report, before),
        "previous_report": before,
        "attachments": list(Attachment.objects.filter(report=report).select_related("uploaded_by")),
    }


def review_queue(user, *, plan_code: str = "", period_code: str = "", status: str = "") -> QuerySet:
    reports = AgencyReport.objects.reviewable_by(user)
    if plan_code:
        reports = reports.filter(plan__code=plan_code)
    if period_code:
        reports = reports.filter(period__code=period_code)
    if status:
        reports = reports.filter(status=status)
    # The entry counts are not annotated here: a page of it gets them from `set_entry_counts`.
    return (reports.with_submission_facts().select_related("agency", "plan", "period")
            .order_by("period__due_on", "plan__title", "submitted_at", "agency__name"))


def period_codes(plans: QuerySet) -> list[tuple[str, str]]:
    """(code, Vietnamese name) of the periods that have started, newest first: future ones have no reports."""
    periods = (ReportingPeriod.objects.filter(plan__in=plans).open()
               .order_by("-year", F("quarter").desc(nulls_first=True)).only("code", "kind", "year", "quarter"))
    return list(dict.fromkeys((period.code, period.label) for period in periods))  # plans share "2026-Q1"


HISTORY_FIELDS = {
    "report": ("status", "achievements", "shortcomings", "difficulties", "proposals", "return_reason",
               "reopened_reason", "source_reference"),
    "indicator": ("value", "numerator", "denominator", "milestone_state", "note", "source", "as_of",
                  "return_reason"),
    "task": ("status", "progress", "done", "next_steps", "return_reason"),
}


def _history_value(field, value) -> str:
    """A recorded value as people read it: the choice's label, 95,5, 31/03/2026."""
    return format_value(value, empty="—", choices=dict(field.flatchoices) if field.choices else None)


def history_changes(report: AgencyReport, limit: int = 200) -> list[dict]:
    """The recorded changes of a report and its entries, newest first, each with its changed fields
    (field label, before, after). Diffs are taken between consecutive rows already loaded, so the whole
    history costs three queries (no `prev_record` per row)."""
    from reports.selectors import report_entry_history

    rows = report_entry_history(report)
    by_object: dict[tuple[str, int], list] = {}
    for row in sorted(rows, key=lambda row: (row.history_date, row.history_id)):
        kind = "indicator" if hasattr(row, "indicator_id") else "task" if hasattr(row, "task_id") else "report"
        by_object.setdefault((kind, row.id), []).append(row)
    changes = []
    for (kind, _object_id), versions in by_object.items():
        model = versions[0].instance_type
        before = None
        for row in versions:
            fields = []
            for name in HISTORY_FIELDS[kind]:
                old, new = (getattr(before, name) if before is not None else None), getattr(row, name)
                if old != new and not (before is None and new in (None, "")):
                    field = model._meta.get_field(name)
                    fields.append({"label": field.verbose_name, "old": _history_value(field, old),
                                   "new": _history_value(field, new)})
            if fields:
                item = (row.indicator.code if kind == "indicator" else row.task.code if kind == "task"
                        else None)
                changes.append({"at": row.history_date, "user": row.history_user, "item": item, "kind": kind,
                                "fields": fields, "order": row.history_id})
            before = row
    changes.sort(key=lambda change: (change["at"], change["order"]), reverse=True)
    return changes[:limit]
