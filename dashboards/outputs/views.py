"""Pages of the outputs: the compiled report (staff: pick plan and period, preview, download .docx) and the
open-data package download (staff and leaders)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from agencies.clock import local_today
from agencies.roles import Role, role_required
from dashboards.fragments import cached_fragment, fragment_key
from dashboards.outputs.compiled_report import (
    DOCX_CONTENT_TYPE,
    CompiledReportError,
    compiled_report,
    compiled_report_docx,
    plan_and_period,
)
from dashboards.outputs.open_data import OpenDataError, open_data, package_name, package_zip
from dashboards.selectors import reports_stamp
from plans.models import Plan
from progress.models import PlanProgress
from reports.models import ReportingPeriod


def _chosen(request):
    """The plan and period asked for, among the plans the user reviews; 404 for any other or unknown."""
    try:
        return plan_and_period(plan_code=request.GET.get("plan", ""), period_code=request.GET.get("period", ""),
                               plans=Plan.objects.reviewable_by(request.user))
    except CompiledReportError:
        raise Http404 from None


def _latest_period(plan: Plan) -> ReportingPeriod | None:
    """The period a staff member most likely wants: the latest one that has started."""
    started = ReportingPeriod.objects.filter(plan=plan, starts_on__lte=local_today())
    return (started.order_by("-ends_on", "-kind").first()
            or ReportingPeriod.objects.filter(plan=plan).order_by("starts_on").first())


@role_required(Role.STAFF)
def compiled_report_page(request):
    """?plan=&period=: the preview; ?plan= alone (the plan was just changed): its latest period; nothing: the
    first plan. An unknown plan or period, or another province's plan, is 404."""
    plans = list(Plan.objects.reviewable_by(request.user).order_by("-start_year", "title"))
    context = {"plans": plans, "report": None, "periods": [], "plan": None, "period": None}
    if "period" in request.GET:
        plan, period = _chosen(request)
    elif "plan" in request.GET:
        plan = next((p for p in plans if p.code == request.GET["plan"]), None)
        if plan is None:
            raise Http404
        period = _latest_period(plan)
    elif plans:
        plan = plans[0]
        period = _latest_period(plan)
    else:
        return render(request, "outputs/compiled_report.html", context)
    context.update(plan=plan, period=period,
                   periods=list(ReportingPeriod.objects.filter(plan=plan).order_by("-year", "-kind", "-quarter")))
    if period is not None:
        context["report"] = compiled_report(plan=plan, period=period)
    return render(request, "outputs/compiled_report.html", context)


@role_required(Role.STAFF)
def compiled_report_download(request):
    plan, period = _chosen(request)
    report = compiled_report(plan=plan, period=period)
    response = HttpResponse(compiled_report_docx(report), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    return response


@role_required(Role.STAFF, Role.LEADER)
def open_data_download(request, code: str):
    plan = (Plan.objects.visible_to(request.user, Role.STAFF, Role.LEADER).select_related("province")
            .filter(code=code).first())
    if plan is None:
        raise Http404
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else None
    if year_text and year is None:
        raise Http404
    if year is not None and year not in plan.years:
        raise Http404
    # The package is the snapshot's and the approved values' (five runs of the recompute's SQL): cached like
    # the dashboards' fragments, under the latest snapshot and the reports' stamp.
    latest = PlanProgress.objects.filter(plan=plan).order_by("-computed_at").first()
    key = fragment_key("open-data", plan_id=plan.pk, plan_changed=plan.updated_at.isoformat(), year=year,
                       snapshot=(latest.pk, latest.computed_at.isoformat(), latest.as_of.isoformat()) if latest
                       else None, reports=reports_stamp(plan))
    try:
        package = cached_fragment(key, lambda: {"zip": package_zip(open_data(plan=plan, year=year))})
    except OpenDataError:
        raise Http404 from None
    response = HttpResponse(package["zip"], content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{package_name(plan, year)}.zip"'
    return response
