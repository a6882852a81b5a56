from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from agencies.roles import Role, role_required
from indicators.exporting import plan_to_docx, plan_to_json_bytes, plan_to_xlsx
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
def plan_export(request, code: str, file_format: str):
    """Download the plan's appendices as Excel or Word, or the plan as JSON (the API's body)."""
    plan = get_object_or_404(Plan.objects.reviewable_by(request.user), code=code)
    if file_format not in PLAN_EXPORTS:
        raise Http404
    return plan_file_response(plan, file_format)
