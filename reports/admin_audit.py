"""The staff's audit page (admin → "Nhật ký thay đổi"): who changed what and when, for plans, targets,
reports and the values and task progress in them, on one page with filters (kind, user, dates, plan).

The rows come from django-simple-history's tables (one per model) and from the report workflow's own
trail (`ReportEvent`: submitted, approved, returned, reopened with its reason). A change made to a report
after it was approved and reopened carries the reopen reason beside it. Staff see their province's plans
only; a superuser sees every province.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.roles import Role, has_role
from indicators.models import Target
from indicators.numbers import format_number
from plans.models import Plan
from reports.models import AgencyReport, IndicatorEntry, ReportEvent, TaskEntry

PAGE_SIZE = 50
ACTIONS = {"+": _("Tạo"), "~": _("Sửa"), "-": _("Xóa")}


@dataclass
class AuditRow:
    at: dt.datetime
    user: Any
    kind: str
    item: str
    action: str
    plan_id: int | None
    report_id: int | None = None
    changes: list[str] = field(default_factory=list)
    reason: str = ""
    record: Any = None


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return format_number(value)
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


# Each source: the kind shown, the history queryset, how to reach its plan, and how to name its object.
SOURCES = {
    "plan": (_("Kế hoạch"), lambda: Plan.history.all(), "id", lambda r: r.title),
    "target": (_("Mục tiêu năm"), lambda: Target.history.select_related("indicator"), "indicator__plan_id",
               lambda r: f"{r.indicator.code} · {r.year}: {r.text or r.low}"),
    "report": (_("Báo cáo"), lambda: AgencyReport.history.select_related("agency", "period"), "plan_id",
               lambda r: f"{r.agency.name} · {r.period.label}"),
    "indicator_entry": (_("Số liệu chỉ tiêu"),
                        lambda: IndicatorEntry.history.select_related("indicator", "report__agency",
                                                                      "report__period"),
                        "report__plan_id",
                        lambda r: f"{r.report.agency.name} · {r.report.period.label} · {r.indicator.code}"),
    "task_entry": (_("Tiến độ nhiệm vụ"),
                   lambda: TaskEntry.history.select_related("task", "report__agency", "report__period"),
                   "report__plan_id",
                   lambda r: f"{r.report.agency.name} · {r.report.period.label} · {r.task.code}"),
}
EVENTS_KIND = "event"


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), required=False,
                             choices=[("", _("Tất cả"))] + [(key, label) for key, (label, *_rest) in SOURCES.items()]
                             + [(EVENTS_KIND, _("Quy trình báo cáo (gửi, duyệt, trả lại, mở lại)"))])
    plan = forms.ModelChoiceField(label=_("Kế hoạch"), queryset=Plan.objects.none(), required=False,
                                  empty_label=_("Tất cả"))
    user = forms.CharField(label=_("Người thực hiện (tên đăng nhập)"), required=False, max_length=150)
    date_from = forms.DateField(label=_("Từ ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    date_to = forms.DateField(label=_("Đến ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


def _visible_plans(user):
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.visible_to(user, Role.STAFF)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filtered(queryset, *, date_field: str, user_field: str, filters: dict):
    if filters.get("user"):
        queryset = queryset.filter(**{f"{user_field}__username__iexact": filters["user"].strip()})
    if filters.get("date_from"):
        queryset = queryset.filter(**{f"{date_field}__gte": _day_start(filters["date_from"])})
    if filters.get("date_to"):
        queryset = queryset.filter(**{f"{date_field}__lt": _day_start(filters["date_to"] + dt.timedelta(days=1))})
    return queryset


def audit_rows(*, plan_ids, filters: dict, limit: int) -> list[AuditRow]:
    """The newest `limit` rows over every source, newest first, within `plan_ids`."""
    kind = filters.get("kind") or ""
    rows: list[AuditRow] = []
    for key, (label, history, plan_path, name) in SOURCES.items():
        if kind and kind != key:
            continue
        queryset = _filtered(history().filter(**{f"{plan_path}__in": plan_ids}).select_related("history_user"),
                             date_field="history_date", user_field="history_user", filters=filters)
        for record in queryset.order_by("-history_date", "-history_id")[:limit]:
            report_id = record.id if key == "report" else getattr(record, "report_id", None)
            plan_id = record.id if key == "plan" else None
            rows.append(AuditRow(at=record.history_date, user=record.history_user, kind=str(label),
                                 item=name(record), action=str(ACTIONS.get(record.history_type, "")),
                                 plan_id=plan_id, report_id=report_id, record=record,
                                 reason=record.history_change_reason or ""))
    if kind in ("", EVENTS_KIND):
        events = _filtered(ReportEvent.objects.filter(report__plan_id__in=plan_ids)
                           .select_related("actor", "report__agency", "report__period"),
                           date_field="at", user_field="actor", filters=filters)
        for event in events.order_by("-at", "-pk")[:limit]:
            rows.append(AuditRow(at=event.at, user=event.actor, kind=str(_("Quy trình báo cáo")),
                                 item=f"{event.report.agency.name} · {event.report.period.label}",
                                 action=event.get_action_display(), plan_id=None, report_id=event.report_id,
                                 reason=event.reason))
    rows.sort(key=lambda row: row.at, reverse=True)
    return rows[:limit]


def _describe_changes(rows: list[AuditRow]) -> None:
    """Field by field, old → new, for the rows shown (one query per changed row: a page is 50 rows)."""
    for row in rows:
        record = row.record
        if record is None or record.history_type == "-":
            continue
        previous = record.prev_record if record.history_type == "~" else None
        if previous is None:
            # A creation, or the first recorded save of a row made without history: what it holds.
            row.changes = [f"{model_field.verbose_name}: {_shown(getattr(record, model_field.attname))}"
                           for model_field in record._meta.concrete_fields
                           if not model_field.is_relation and model_field.name != "id"
                           and not model_field.name.startswith("history_")
                           and getattr(record, model_field.attname) not in (None, "", False)]
            continue
        delta = record.diff_against(previous)
        for change in delta.changes:
            label = record.instance._meta.get_field(change.field).verbose_name
            row.changes.append(f"{label}: {_shown(change.old)} → {_shown(change.new)}")


def _reopen_reasons(rows: list[AuditRow]) -> None:
    """A change to a report after it was approved and then reopened shows the reopen reason."""
    report_ids = {row.report_id for row in rows if row.report_id and row.record is not None}
    if not report_ids:
        return
    events: dict[int, list[ReportEvent]] = {}
    for event in (ReportEvent.objects.filter(report_id__in=report_ids,
                                             action__in=[ReportEvent.Action.APPROVED, ReportEvent.Action.REOPENED])
                  .order_by("at", "pk")):
        events.setdefault(event.report_id, []).append(event)
    for row in rows:
        if row.record is None or not row.report_id:
            continue
        before = [event for event in events.get(row.report_id, []) if event.at <= row.at]
        if before and before[-1].action == ReportEvent.Action.REOPENED:
            reopen = before[-1]
            row.reason = str(_("Sửa sau khi mở lại báo cáo đã duyệt (%(when)s): %(reason)s")) % {
                "when": timezone.localtime(reopen.at).strftime("%d/%m/%Y %H:%M"), "reason": reopen.reason}


def audit_view(request):
    """GET /admin/nhat-ky-thay-doi/?kind=&plan=&user=&date_from=&date_to=&page="""
    if not (request.user.is_superuser or has_role(request.user, Role.STAFF)):
        raise PermissionDenied
    plans = _visible_plans(request.user)
    form = AuditFilterForm(request.GET or None, plans=plans)
    filters = form.cleaned_data if form.is_valid() else {}
    plan_ids = [filters["plan"].pk] if filters.get("plan") else list(plans.values_list("pk", flat=True))
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows = audit_rows(plan_ids=plan_ids, filters=filters, limit=PAGE_SIZE * page + 1)
    has_next = len(rows) > PAGE_SIZE * page
    shown = rows[PAGE_SIZE * (page - 1):PAGE_SIZE * page]
    _describe_changes(shown)
    _reopen_reasons(shown)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **admin.site.each_context(request),
        "title": _("Nhật ký thay đổi"),
        "form": form, "rows": shown, "page": page, "has_next": has_next,
        "query": query.urlencode(),
    }
    return TemplateResponse(request, "admin/audit.html", context)
