"""REST API of the reports (/api/v1/reports/…, /api/v1/plans/<code>/compliance/).

Session or token auth (settings). A report the caller may not see answers 404, never 403, so the API
does not confirm that it exists. JSON in and out goes through `reports.serializers`; every write through
`reports.services` (the workflow actions through the table `reports.actions.ACTIONS`).
"""

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.roles import PROVINCE_READER_ROLES
from plans.models import Plan
from reports import services
from reports.actions import ACTIONS
from reports.models import AgencyReport, IndicatorEntry, ReportingPeriod, SaveReceipt, TaskEntry
from reports.selectors import completeness, compliance_by_agency, compliance_totals_of, report_permissions
from reports.serializers import (
    ComplianceSerializer,
    ReportActionSerializer,
    ReportDetailSerializer,
    ReportFilterSerializer,
    ReportPatchSerializer,
    ReportSummarySerializer,
)
from reports.services import ReportError

IDEMPOTENCY_KEY_MAX = SaveReceipt._meta.get_field("idempotency_key").max_length


class ReportPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


def _visible_reports(user):
    return AgencyReport.objects.visible_to(user).select_related("plan", "agency", "period")


# What ReportDetailSerializer shows of an entry: its own fields and its item's code (the item's long texts are
# not read for nothing on every read, save and action).
_INDICATOR_ENTRY_COLUMNS = ("report", "indicator__code", "value", "numerator", "denominator", "milestone_state",
                            "note", "source", "as_of", "return_reason")
_TASK_ENTRY_COLUMNS = ("report", "task__code", "status", "progress", "done", "next_steps", "return_reason")


def _entries():
    return (Prefetch("indicator_entries",
                     IndicatorEntry.objects.select_related("indicator").only(*_INDICATOR_ENTRY_COLUMNS)),
            Prefetch("task_entries", TaskEntry.objects.select_related("task").only(*_TASK_ENTRY_COLUMNS)))


def _load_report(user, pk) -> AgencyReport:
    """The report with its entries, for ReportDetailSerializer (404 when the user may not see it)."""
    return get_object_or_404(_visible_reports(user).prefetch_related(*_entries()), pk=pk)


def _load_report_to_write(user, pk) -> AgencyReport:
    """The report alone (404 when the user may not see it): a write reads its entries itself, under the
    report's lock."""
    return get_object_or_404(_visible_reports(user), pk=pk)


def _written(report: AgencyReport) -> Response:
    """The answer to a write: the report as the service left it (the service copies what it wrote onto the
    caller's object), with its entries read afresh."""
    prefetch_related_objects([report], *_entries())
    return Response(ReportDetailSerializer(report).data)


def _error(message: str, code: int, **extra) -> Response:
    return Response({"detail": message, **extra}, status=code)


def _invalid(serializer) -> Response:
    """A request the serializer refused: the first message as "detail", every message beside its field."""
    return Response({"detail": serializer.summary(), **serializer.errors}, status=status.HTTP_400_BAD_REQUEST)


def _refused(error: ReportError) -> Response:
    """A write the service refused: its status (400, 403, 409) and its Vietnamese message."""
    return Response({"detail": error.message, **error.details}, status=error.http_status)


class ReportListView(APIView):
    """GET /api/v1/reports/?plan=CODE&period=2026-Q1&status=submitted[,approved]&agency=ID"""

    def get(self, request):
        filters = ReportFilterSerializer(data=request.query_params)
        if not filters.is_valid():
            return _invalid(filters)
        wanted = filters.validated_data
        reports = _visible_reports(request.user)
        if wanted.get("plan"):
            reports = reports.filter(plan__code=wanted["plan"])
        if wanted.get("period"):
            reports = reports.filter(period__code=wanted["period"])
        if wanted.get("status") not in (None, ""):
            reports = reports.filter(status__in=wanted["status"])
        if wanted.get("agency"):
            reports = reports.filter(agency_id=wanted["agency"])
        reports = reports.order_by("period__starts_on", "period__kind", "agency__name", "pk")
        paginator = ReportPagination()
        page = paginator.paginate_queryset(reports, request, view=self)
        return paginator.get_paginated_response(ReportSummarySerializer(page, many=True).data)


class ReportDetailView(APIView):
    """GET and PATCH /api/v1/reports/<id>/ (PATCH carries the `version` it was read at, and may carry an
    `Idempotency-Key` header: the same key sent again by the same user is answered as saved, never 409)."""

    def get(self, request, pk: int):
        return Response(ReportDetailSerializer(_load_report(request.user, pk)).data)

    def patch(self, request, pk: int):
        report = _load_report_to_write(request.user, pk)
        patch = ReportPatchSerializer(data=request.data)
        if not patch.is_valid():
            return _invalid(patch)
        data = dict(patch.validated_data)
        version = data.pop("version")
        permissions = report_permissions(request.user, report)
        on_behalf = not permissions.can_edit and permissions.can_enter_on_behalf
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX:
            return _error(_("“Idempotency-Key” dài quá %(max)s ký tự.") % {"max": IDEMPOTENCY_KEY_MAX},
                          status.HTTP_400_BAD_REQUEST)
        try:
            # The same key (or the same body at the same version) sent again after a lost reply is
            # answered as saved, with the report as it is now: see report_save.
            services.report_save(report=report, user=request.user, data=data, version=version, on_behalf=on_behalf,
                                 idempotency_key=key, content=request.data)
        except ReportError as error:
            return _refused(error)
        return _written(report)


class ReportActionView(APIView):
    """POST /api/v1/reports/<id>/<action>/: the actions of `reports.actions.ACTIONS` shown in the API:
    submit, confirm, send-back ({"reason"}: the head does not confirm), approve, return ({"reason"},
    optional "entry_reasons"), reopen ({"reason"})."""

    action_name = ""

    def post(self, request, pk: int):
        report = _load_report_to_write(request.user, pk)
        action = ACTIONS[self.action_name]
        body = ReportActionSerializer(data=request.data)
        if not body.is_valid():
            return _invalid(body)
        try:
            action.run(report=report, user=request.user, reason=body.validated_data["reason"],
                       entry_reasons=body.validated_data["entry_reasons"])
        except ReportError as error:
            return _refused(error)
        return _written(report)


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
        rows = [{**row, "completeness": completeness(row["entries_filled"], row["entries_assigned"])}
                for row in compliance_by_agency(plan=plan, period=period)]
        totals = compliance_totals_of(rows)
        totals["completeness"] = completeness(totals["entries_filled"], totals["entries_assigned"])
        return Response(ComplianceSerializer({"plan": plan, "period": period, "totals": totals,
                                              "agencies": rows}).data)
