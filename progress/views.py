from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from agencies.roles import Role, role_required
from plans.models import Plan
from progress.exports import FORMATS, NoSnapshot, results_file


@role_required(Role.STAFF)
def export_results(request, code: str, year: int):
    """Download the year-end results appendix (?format=xlsx|docx): staff of the plan's province."""
    plan = get_object_or_404(Plan.objects.reviewable_by(request.user), code=code)
    file_format = request.GET.get("format", "xlsx")
    if file_format not in FORMATS or year not in plan.years:
        raise Http404
    try:
        content, content_type, filename = results_file(plan=plan, year=year, file_format=file_format)
    except NoSnapshot as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
