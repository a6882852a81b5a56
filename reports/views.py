"""The reporting screens: the agency inbox and report form, the staff review, compliance, Excel and files.

Views only translate HTTP into calls: who may do what is `reports.selectors.report_permissions`, the
rules are `reports.validation`, every write is a `reports.services` function and every workflow action a
row of `reports.actions.ACTIONS`. A report the user may not see is a 404 (never 403: that would confirm
it exists).
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.roles import Role, role_required
from plans.models import Plan
from reports import excel
from reports.actions import ACTIONS, perform, perform_many
from reports.forms import (
    NARRATIVE_LABELS,
    AttachmentForm,
    ComplianceFilterForm,
    ExcelUploadForm,
    ReasonForm,
    ReportDataForm,
    ReviewFilterForm,
)
from reports.models import AgencyReport, Attachment, IndicatorEntry, ReportingPeriod, TaskEntry
from reports.screen_data import (
    awaiting_head_confirmation,
    history_changes,
    inbox_reports,
    period_codes,
    report_entries,
    report_for_page,
    report_page_data,
    review_queue,
)
from reports.selectors import (
    attachment_readable_by,
    complete_submission_required,
    completeness,
    compliance_by_agency,
    compliance_totals_of,
    empty_entries,
    empty_entries_of,
    report_permissions,
    set_entry_counts,
)
from reports.services import (
    ReportDataInvalid,
    ReportError,
    ReportVersionConflict,
    attachment_add,
    attachment_remove,
    report_save,
)

EXCEL_SESSION_KEY = "reports-excel-upload-%s"
REVIEW_PAGE_SIZE = 100


def _report_or_404(request, pk: int):
    """The report and what the user may do with it; 404 for anyone who may not see it."""
    try:
        report = report_for_page(AgencyReport.objects.visible_to(request.user), pk)
    except AgencyReport.DoesNotExist:
        raise Http404 from None
    permissions = report_permissions(request.user, report)
    if not permissions.can_view:
        raise Http404
    return report, permissions


def _report_url(report: AgencyReport, **query) -> str:
    url = reverse("reports:report", args=[report.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def _back(request, report: AgencyReport) -> HttpResponseRedirect:
    """Back where a review action came from (the queue or the report), never to another site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect(_report_url(report))


# ---------------------------------------------------------------- agency screens


@role_required(Role.REPORTER, Role.AGENCY_HEAD)
def inbox(request):
    to_send, others = inbox_reports(request.user)
    return render(request, "reports/inbox.html", {"to_send": to_send, "others": others,
                                                  "to_confirm": awaiting_head_confirmation(request.user),
                                                  "here": request.get_full_path()})


@login_required
def report_page(request, pk: int):
    """One report: the form for the agency while it is a draft (or returned), read-only otherwise;
    staff see the review actions. Staff type in an agency's paper report with ?nhap-thay=1."""
    report, permissions = _report_or_404(request, pk)
    on_behalf = request.GET.get("nhap-thay") == "1" and permissions.can_enter_on_behalf
    if request.method == "POST":
        return _report_post(request, report, permissions, on_behalf=on_behalf)
    if permissions.can_edit or on_behalf:
        return _render_form(request, report, permissions, on_behalf=on_behalf,
                            just_saved=request.GET.get("luu") == str(report.version))
    return _render_detail(request, report, permissions)


def _bound_form(report: AgencyReport, page: dict, data=None, on_behalf: bool = False) -> ReportDataForm:
    return ReportDataForm(report, page["indicator_entries"], page["task_entries"], targets=page["targets"],
                          previous=page["previous"], data=data, on_behalf=on_behalf)


def _render_form(request, report, permissions, *, on_behalf: bool, form: ReportDataForm | None = None,
                 page: dict | None = None, version: int | None = None, just_saved: bool = False,
                 status: int = 200, failure: str = ""):
    # What is still empty: from the entries just loaded, or, after a failed save or a conflict (the page's
    # entries are those read before it), from the database.
    empty = empty_entries(report) if page else None
    page = page or report_page_data(report)
    empty = empty or empty_entries_of(page["indicator_entries"], page["task_entries"])
    form = form or _bound_form(report, page, on_behalf=on_behalf)
    return render(request, "reports/report_form.html", {
        "report": report, "period": report.period, "permissions": permissions, "form": form, "page": page,
        "version": version or report.version, "on_behalf": on_behalf, "just_saved": just_saved,
        # One key per rendering of the form: the same form sent twice (a double click, a resend after a lost
        # reply) is one save; every answer to a save renders the form again, with a new key.
        "idempotency_key": uuid.uuid4().hex,
        "failure": failure,
        "narrative_labels": NARRATIVE_LABELS, "attachment_form": AttachmentForm(),
        "excel_form": ExcelUploadForm(), "history": history_changes(report),
        "milestone_choices": IndicatorEntry.MilestoneState.choices, "task_choices": TaskEntry.Status.choices,
        "empty": empty,
    }, status=status)


# The posted fields that are not what the user typed: left out of the save's fingerprint.
NOT_CONTENT = {"csrfmiddlewaretoken", "version", "idempotency_key", "action", "confirmed"}


def _posted_content(request) -> dict:
    """What the user typed, as posted: the same form sent again has the same content (its `to_data()`
    does not: it holds what differs from the stored report, and the first send changed that)."""
    return {name: request.POST.getlist(name) for name in sorted(request.POST) if name not in NOT_CONTENT}


def _report_post(request, report, permissions, *, on_behalf: bool):
    if not (permissions.can_edit or on_behalf):
        messages.error(request, _("Báo cáo này không thể sửa: đã gửi, đã duyệt hoặc bạn không có quyền."))
        return redirect(_report_url(report))
    action = request.POST.get("action", "save")
    page = report_page_data(report)
    form = _bound_form(report, page, data=request.POST, on_behalf=on_behalf)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        report_save(report=report, user=request.user, data=form.to_data(), version=version, on_behalf=on_behalf,
                    idempotency_key=request.POST.get("idempotency_key", "")[:100], content=_posted_content(request))
    except ReportVersionConflict as conflict:
        fresh = report_for_page(AgencyReport.objects.all(), report.pk)
        indicator_now, task_now = report_entries(fresh)
        form.mark_conflicts(fresh, indicator_now, task_now)
        messages.error(request, _(
            "Báo cáo vừa được người khác lưu trong lúc bạn đang sửa. Dữ liệu bạn nhập vẫn còn nguyên trên trang; "
            "ô nào khác với bản vừa lưu có ghi chú “Bản đã lưu” bên cạnh. Kiểm tra rồi bấm “Lưu nháp” lần nữa "
            "để lưu dữ liệu của bạn."))
        # The next save is deliberate: it carries the version the user has now seen.
        return _render_form(request, fresh, report_permissions(request.user, fresh), on_behalf=on_behalf,
                            form=form, page=page, version=conflict.current_version, status=409)
    except ReportDataInvalid as invalid:
        form.add_errors(invalid.errors)
        # Said once, by the form's error summary (an alert that takes the focus), not by a message too.
        failure = _("Chưa lưu được: %(count)s ô cần sửa (xem ghi chú màu đỏ bên cạnh từng ô). "
                    "Dữ liệu bạn nhập vẫn còn trên trang.") % {"count": form.error_count}
        return _render_form(request, report, permissions, on_behalf=on_behalf, form=form, page=page,
                            version=version, status=400, failure=failure)
    except ReportError as error:
        messages.error(request, error.message)
        return _render_form(request, report, permissions, on_behalf=on_behalf, form=form, page=page,
                            version=version, status=403)

    if action != "submit":
        messages.success(request, _("Đã lưu nháp lúc %(time)s.") % {"time": f"{timezone.localtime():%H:%M}"})
        query = {"luu": report.version, **({"nhap-thay": 1} if on_behalf else {})}
        return redirect(_report_url(report, **query))
    if request.POST.get("confirmed") != "1":
        # Without the page's script (which asks in a dialog), the confirmation is a page of its own.
        messages.success(request, _("Đã lưu nháp lúc %(time)s.") % {"time": f"{timezone.localtime():%H:%M}"})
        return redirect("reports:submit", pk=report.pk)
    return _submit(request, report)


def _submit(request, report: AgencyReport) -> HttpResponseRedirect:
    try:
        messages.success(request, perform("submit", report=report, user=request.user))
    except ReportError as error:
        messages.error(request, _("Đã lưu nháp nhưng chưa gửi được: %(reason)s") % {"reason": error.message})
    return redirect(_report_url(report, luu=report.version))


@login_required
def report_submit_view(request, pk: int):
    """GET: what is still empty and "send it?"; POST: send (the rules are report_submit's)."""
    report, permissions = _report_or_404(request, pk)
    if request.method == "POST":
        return _submit(request, report)
    if not permissions.can_submit:
        return redirect(_report_url(report))
    return render(request, "reports/submit_confirm.html", {
        "report": report, "period": report.period, "permissions": permissions, "empty": empty_entries(report),
        "must_be_complete": complete_submission_required(report.plan.province_id, report.plan_id)})


def _render_detail(request, report, permissions, status: int = 200):
    page = report_page_data(report)
    form = ReportDataForm(report, page["indicator_entries"], page["task_entries"], targets=page["targets"],
                          previous=page["previous"], prefill=False)
    return render(request, "reports/report_detail.html", {
        "report": report, "period": report.period, "permissions": permissions, "form": form, "page": page,
        "narrative_labels": NARRATIVE_LABELS, "history": history_changes(report),
        "events": report.events.select_related("actor").order_by("-at", "-pk"),
        "reason_form": ReasonForm(), "next": request.GET.get("next", ""),
    }, status=status)


# ---------------------------------------------------------------- workflow actions


def _entry_reasons(request, report: AgencyReport) -> dict:
    """The per-entry reasons typed beside each line of the review page (reason-i<entry id>, reason-t<…>)."""
    return {
        "indicator_entries": {entry.indicator.code: request.POST.get(f"reason-i{entry.pk}", "")
                              for entry in report.indicator_entries.select_related("indicator")},
        "task_entries": {entry.task.code: request.POST.get(f"reason-t{entry.pk}", "")
                         for entry in report.task_entries.select_related("task")},
    }


@require_POST
@login_required
def report_action_view(request, pk: int, action: str):
    """One workflow action of `reports.actions.ACTIONS` on one report (approve, return, reopen, confirm,
    send back), then back where it came from."""
    report, _permissions = _report_or_404(request, pk)
    entry_reasons = _entry_reasons(request, report) if ACTIONS[action].takes_entry_reasons else None
    try:
        message = perform(action, report=report, user=request.user, reason=request.POST.get("reason", ""),
                          entry_reasons=entry_reasons)
    except ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)
    return _back(request, report)


# ---------------------------------------------------------------- staff screens


@role_required(Role.STAFF)
def review_queue_view(request):
    plans = Plan.objects.reviewable_by(request.user).order_by("-start_year", "title")
    # Default: what waits for review. "?status=" (empty) shows every status.
    query = request.GET.copy()
    if "status" not in query:
        query["status"] = AgencyReport.Status.SUBMITTED
    filters = ReviewFilterForm(query, plans=plans, periods=period_codes(plans))
    chosen = filters.cleaned_data if filters.is_valid() else {}
    # A page at a time: every status of a province's five years is thousands of reports, each counted
    # (entries filled) in the database; the page's counts cost the same whatever the total.
    page = Paginator(review_queue(request.user, plan_code=chosen.get("plan", ""),
                                  period_code=chosen.get("period", ""), status=chosen.get("status", "")),
                     REVIEW_PAGE_SIZE).get_page(request.GET.get("trang"))
    reports = set_entry_counts(list(page.object_list))
    for report in reports:
        report.completeness = completeness(report.entries_filled, report.entries_assigned)
    others = request.GET.copy()
    others.pop("trang", None)
    return render(request, "reports/review_queue.html", {
        "filters": filters, "reports": reports, "page": page, "query": others.urlencode(),
        "here": request.get_full_path()})


@require_POST
@role_required(Role.STAFF)
def bulk_approve_view(request):
    scope = AgencyReport.objects.reviewable_by(request.user)
    ids = [int(pk) for pk in request.POST.getlist("report") if pk.isdigit()]
    outcome = perform_many("approve", user=request.user,
                           reports=scope.filter(pk__in=ids).select_related("agency", "plan", "period").order_by("pk"))
    if outcome.done:
        messages.success(request, outcome.message)
    for line in outcome.refused:
        messages.error(request, line)
    if not ids:
        messages.error(request, _("Chưa chọn báo cáo nào."))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("reports:review_queue")


@role_required(Role.STAFF)
def compliance_view(request):
    plans = list(Plan.objects.reviewable_by(request.user).order_by("-start_year", "title"))
    context = {"plans": plans, "rows": [], "totals": None}
    plan_code = request.GET.get("plan") or (plans[0].code if plans else "")
    plan = next((plan for plan in plans if plan.code == plan_code), None)
    if plan is None:
        if plan_code:
            raise Http404  # another province's plan, or none at all: do not say which
        return render(request, "reports/compliance.html", context)
    periods = list(ReportingPeriod.objects.filter(plan=plan).order_by("-year", "kind", "quarter"))
    filters = ComplianceFilterForm({"plan": plan.code, "period": request.GET.get("period", "")},
                                   plans=plans, periods=periods)
    period = None
    if filters.is_valid() and filters.cleaned_data["period"]:
        period = next(p for p in periods if p.code == filters.cleaned_data["period"])
    rows = compliance_by_agency(plan=plan, period=period)
    totals = compliance_totals_of(rows)
    for row in rows:
        row["completeness"] = completeness(row["entries_filled"], row["entries_assigned"])
    totals["completeness"] = completeness(totals["entries_filled"], totals["entries_assigned"])
    context.update({"plan": plan, "period": period, "filters": filters, "rows": rows, "totals": totals})
    return render(request, "reports/compliance.html", context)


# ---------------------------------------------------------------- attachments


@require_POST
@login_required
def attachment_upload(request, pk: int):
    report, _permissions = _report_or_404(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_report_url(report))
    try:
        attachment = attachment_add(report=report, user=request.user, uploaded_file=form.cleaned_data["file"])
    except ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã đính kèm “%(name)s”.") % {"name": attachment.original_name})
    return redirect(_report_url(report) + "#dinh-kem")


@require_POST
@login_required
def attachment_delete(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("report__plan"), pk=pk)
    if not attachment_readable_by(request.user, attachment):
        raise Http404
    try:
        attachment_remove(attachment=attachment, user=request.user)
    except ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã xóa tệp “%(name)s”.") % {"name": attachment.original_name})
    return redirect(_report_url(attachment.report) + "#dinh-kem")


@login_required
def attachment_download(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("report__plan"), pk=pk)
    if not attachment_readable_by(request.user, attachment):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- Excel round trip


@login_required
def excel_download(request, pk: int):
    report, permissions = _report_or_404(request, pk)
    page = report_page_data(report)
    content = excel.report_workbook(report, page, prefill=permissions.can_edit)
    response = FileResponse(content, as_attachment=True, filename=excel.workbook_filename(report),
                            content_type=excel.XLSX_CONTENT_TYPE)
    return response


@require_POST
@login_required
def excel_upload(request, pk: int):
    """Read the filled workbook, validate it like the form, and show a preview; nothing is saved yet."""
    report, permissions = _report_or_404(request, pk)
    if not permissions.can_edit:
        messages.error(request, _("Báo cáo này không thể sửa: đã gửi, đã duyệt hoặc bạn không có quyền."))
        return redirect(_report_url(report))
    form = ExcelUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_report_url(report))
    try:
        upload = excel.read_workbook(report, form.cleaned_data["file"])
    except excel.WorkbookError as error:
        messages.error(request, error.message)
        return redirect(_report_url(report))
    preview = excel.preview(report, upload)
    if not preview.errors:
        request.session[EXCEL_SESSION_KEY % report.pk] = {"data": preview.data, "version": report.version}
    return render(request, "reports/excel_preview.html", {
        "report": report, "period": report.period, "preview": preview,
    }, status=400 if preview.errors else 200)


@require_POST
@login_required
def excel_confirm(request, pk: int):
    """Save the previewed workbook as a draft through report_save (same validation, same version check)."""
    report, _permissions = _report_or_404(request, pk)
    stored = request.session.get(EXCEL_SESSION_KEY % report.pk)
    if not stored:
        messages.error(request, _("Không tìm thấy tệp Excel đã xem trước; vui lòng tải tệp lên lại."))
        return redirect(_report_url(report))
    try:
        report_save(report=report, user=request.user, data=stored["data"], version=stored["version"])
    except ReportVersionConflict:
        messages.error(request, _("Báo cáo đã được lưu sau khi bạn tải tệp Excel lên; chưa lưu gì từ tệp. "
                                  "Vui lòng tải báo cáo xuống lại, điền và tải lên lại."))
    except ReportDataInvalid:
        messages.error(request, _("Dữ liệu trong tệp không còn hợp lệ với báo cáo; chưa lưu gì. "
                                  "Vui lòng tải tệp lên lại để xem lỗi."))
    except ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã lưu nháp từ tệp Excel. Kiểm tra lại rồi bấm “Gửi báo cáo”."))
        request.session.pop(EXCEL_SESSION_KEY % report.pk, None)
        return redirect(_report_url(report, luu=report.version))
    request.session.pop(EXCEL_SESSION_KEY % report.pk, None)
    return redirect(_report_url(report))
