from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from agencies.roles import Role, may_import_plans, role_required
from indicators.exporting import plan_to_docx, plan_to_json_bytes, plan_to_xlsx
from indicators.models import Indicator, Target
from plans.models import Plan

# file format -> (exporter, content type); the same exporters as `manage.py export_plan`.
PLAN_EXPORTS = {
    "xlsx": (plan_to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (plan_to_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "json": (plan_to_json_bytes, "application/json"),
}


def plan_file_response(plan: Plan, file_format: str) -> HttpResponse:
    """The plan as a downloaded file named after its code (ha-tang-so-2026-2030.xlsx).

    The header is RFC 5987/6266 (filename*=utf-8''…) whenever the name is not plain ASCII.
    """
    exporter, content_type = PLAN_EXPORTS[file_format]
    response = HttpResponse(exporter(plan), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{plan.code}.{file_format}")
    return response


@role_required(Role.STAFF)
def plan_list(request):
    plans = (
        Plan.objects.reviewable_by(request.user)
        .select_related("province")
        .annotate(indicator_count=Count("indicators", distinct=True), task_count=Count("tasks", distinct=True))
    )
    return render(request, "plans/plan_list.html", {"plans": plans})


@role_required(Role.STAFF)
def plan_detail(request, code: str):
    plan = get_object_or_404(Plan.objects.reviewable_by(request.user), code=code)
    indicators = (
        Indicator.objects.of_plan(plan)
        .select_related("section", "baseline")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("year")), "lead_agencies")
    )
    tasks = plan.tasks.select_related("section").prefetch_related("lead_agencies")
    user = request.user
    this_year = timezone.localdate().year
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "indicators": indicators, "tasks": tasks, "years": list(plan.years),
        # The year-end results appendix exists for the years that have begun, newest first.
        "result_years": [year for year in reversed(plan.years) if year <= this_year],
        "may_import": may_import_plans(user),
    })


@role_required(Role.STAFF)
def plan_export(request, code: str, file_format: str):
    """Download the plan's appendices as Excel or Word, or the plan as JSON (the API's body)."""
    plan = get_object_or_404(Plan.objects.reviewable_by(request.user), code=code)
    if file_format not in PLAN_EXPORTS:
        raise Http404
    return plan_file_response(plan, file_format)
