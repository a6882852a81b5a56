"""REST API of the reports (/api/v1/reports/…, /api/v1/plans/<code>/compliance/).

Session or token auth (settings). A report the caller may not see answers 404, never 403, so the API
does not confirm that it exists. Every write goes through `reports.services`.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.roles import PROVINCE_READER_ROLES
from plans.models import Plan
from reports import services
from reports.models import AgencyReport, IndicatorEntry, ReportingPeriod, TaskEntry
from reports.selectors import completeness, compliance_by_agency, compliance_totals, report_permissions


class ReportPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


def _iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def report_summary(report: AgencyReport) -> dict:
    return {
        "id": report.pk,
        "plan": report.plan.code,
        "agency": report.agency.name,
        "agency_id": report.agency_id,
        "period": report.period.code,
        "status": report.status,
        "due_at": report.period.due_at.isoformat(),
        "submitted_at": _iso(report.submitted_at),
        "approved_at": _iso(report.approved_at),
        "version": report.version,
    }


def report_detail(report: AgencyReport) -> dict:
    return {
        **report_summary(report),
        "return_reason": report.return_reason,
        "reopened_reason": report.reopened_reason,
        "source_reference": report.source_reference,
        "entered_on_behalf": report.entered_on_behalf,
        "indicator_entries": [
            {"indicator": entry.indicator.code, "value": entry.value, "numerator": entry.numerator,
             "denominator": entry.denominator, "milestone_state": entry.milestone_state, "note": entry.note,
             "source": entry.source, "as_of": entry.as_of.isoformat() if entry.as_of else None,
             "return_reason": entry.return_reason}
            for entry in report.indicator_entries.all()
        ],
        "task_entries": [
            {"task": entry.task.code, "status": entry.status, "progress": entry.progress, "done": entry.done,
             "next": entry.next_steps, "return_reason": entry.return_reason}
            for entry in report.task_entries.all()
        ],
        "narrative": report.narrative,
    }


def _visible_reports(user):
    return AgencyReport.objects.visible_to(user).select_related("plan", "agency", "period")


def _load_report(user, pk) -> AgencyReport:
    return get_object_or_404(
        _visible_reports(user).prefetch_related(
            Prefetch("indicator_entries", IndicatorEntry.objects.select_related("indicator")),
            Prefetch("task_entries", TaskEntry.objects.select_related("task"))),
        pk=pk)


def _error(message: str, code: int, **extra) -> Response:
    return Response({"detail": message, **extra}, status=code)


def _service_error(error: services.ReportError) -> Response:
    if isinstance(error, services.ReportVersionConflict):
        return _error(error.message, status.HTTP_409_CONFLICT, current_version=error.current_version)
    if isinstance(error, services.ReportDataInvalid):
        return Response({"detail": error.message, **error.errors}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(error, services.ReportNotAllowed):
        return _error(error.message, status.HTTP_403_FORBIDDEN)
    return _error(error.message, status.HTTP_400_BAD_REQUEST)


class ReportListView(APIView):
    """GET /api/v1/reports/?plan=CODE&period=2026-Q1&status=submitted[,approved]&agency=ID"""

    def get(self, request):
        reports = _visible_reports(request.user)
        params = request.query_params
        if params.get("plan"):
            reports = reports.filter(plan__code=params["plan"])
        if params.get("period"):
            reports = reports.filter(period__code=params["period"])
        if params.get("status"):
            statuses = [value for value in params["status"].split(",") if value]
            unknown = set(statuses) - set(AgencyReport.Status.values)
            if unknown:
                return _error(_("Trạng thái không hợp lệ: %(values)s. Dùng: %(choices)s.")
                              % {"values": ", ".join(sorted(unknown)),
                                 "choices": ", ".join(AgencyReport.Status.values)}, status.HTTP_400_BAD_REQUEST)
            reports = reports.filter(status__in=statuses)
        if params.get("agency"):
            if not params["agency"].isdigit():
                return _error(_("Mã cơ quan phải là số."), status.HTTP_400_BAD_REQUEST)
            reports = reports.filter(agency_id=params["agency"])
        reports = reports.order_by("period__starts_on", "period__kind", "agency__name", "pk")
        paginator = ReportPagination()
        page = paginator.paginate_queryset(reports, request, view=self)
        return paginator.get_paginated_response([report_summary(report) for report in page])


class ReportDetailView(APIView):
    """GET and PATCH /api/v1/reports/<id>/ (PATCH carries the `version` it was read at)."""

    def get(self, request, pk: int):
        return Response(report_detail(_load_report(request.user, pk)))

    def patch(self, request, pk: int):
        report = _load_report(request.user, pk)
        data = request.data if isinstance(request.data, dict) else None
        if data is None:
            return _error(_("Dữ liệu gửi lên phải là một đối tượng JSON."), status.HTTP_400_BAD_REQUEST)
        version = data.get("version")
        if isinstance(version, bool) or not (isinstance(version, int) or (isinstance(version, str)
                                                                          and version.isdigit())):
            return Response({"detail": _("Thiếu phiên bản báo cáo."),
                             "version": [_("Gửi kèm “version” là phiên bản báo cáo bạn đã đọc.")]},
                            status=status.HTTP_400_BAD_REQUEST)
        permissions = report_permissions(request.user, report)
        on_behalf = not permissions.can_edit and permissions.can_enter_on_behalf
        try:
            services.report_save(report=report, user=request.user, data=data, version=int(version),
                                 on_behalf=on_behalf)
        except services.ReportError as error:
            return _service_error(error)
        return Response(report_detail(_load_report(request.user, pk)))


class ReportActionView(APIView):
    """POST /api/v1/reports/<id>/<action>/: submit, confirm, send-back ({"reason"}: the head does not confirm),
    approve, return ({"reason"}, optional "entry_reasons"), reopen ({"reason"})."""

    action_name = ""

    def post(self, request, pk: int):
        report = _load_report(request.user, pk)
        body = request.data if isinstance(request.data, dict) else {}
        reason = body.get("reason") or ""
        if not isinstance(reason, str):
            return _error(_("Lý do phải là văn bản."), status.HTTP_400_BAD_REQUEST)
        try:
            if self.action_name == "submit":
                services.report_submit(report=report, user=request.user)
            elif self.action_name == "confirm":
                services.report_confirm(report=report, user=request.user)
            elif self.action_name == "send-back":
                services.report_send_back(report=report, user=request.user, reason=reason)
            elif self.action_name == "approve":
                services.report_approve(report=report, user=request.user)
            elif self.action_name == "return":
                entry_reasons = body.get("entry_reasons")
                if entry_reasons is not None and not isinstance(entry_reasons, dict):
                    return _error(_("“entry_reasons” phải là một đối tượng JSON."), status.HTTP_400_BAD_REQUEST)
                services.report_return(report=report, user=request.user, reason=reason, entry_reasons=entry_reasons)
            elif self.action_name == "reopen":
                services.report_reopen(report=report, user=request.user, reason=reason)
            else:  # pragma: no cover - the URLconf lists the actions
                raise Http404
        except services.ReportError as error:
            return _service_error(error)
        return Response(report_detail(_load_report(request.user, pk)))


class PlanComplianceView(APIView):
    """GET /api/v1/plans/<code>/compliance/?period=2026-Q1: staff and leaders of the plan's province."""

    def get(self, request, code: str):
        plan = get_object_or_404(Plan.objects.visible_to(request.user, *PROVINCE_READER_ROLES), code=code)
        period = None
        if request.query_params.get("period"):
            period = ReportingPeriod.objects.filter(plan=plan, code=request.query_params["period"]).first()
            if period is None:
                return _error(_("Kế hoạch không có kỳ báo cáo “%(code)s”.") % {"code": request.query_params["period"]},
                              status.HTTP_404_NOT_FOUND)
        rows = [
            {"agency_id": row["agency_id"], "agency": row["agency__name"],
             **{key: row[key] or 0 for key in ("expected", "on_time", "late", "missing", "pending", "returned",
                                                "entries_filled", "entries_assigned")},
             "completeness": completeness(row["entries_filled"], row["entries_assigned"])}
            for row in compliance_by_agency(plan=plan, period=period)
        ]
        totals = compliance_totals(plan=plan, period=period)
        totals["completeness"] = completeness(totals["entries_filled"], totals["entries_assigned"])
        return Response({"plan": plan.code, "period": period.code if period else None,
                         "due_at": period.due_at.isoformat() if period else None,
                         "totals": totals, "agencies": rows})
