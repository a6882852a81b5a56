"""GET /api/v1/plans/<code>/progress/?year=Y: the latest snapshots of a plan, read only (never computed here).

Staff, leaders, reporters and agency heads of the plan's province may read it (and superusers);
anyone else gets 404, so the API does not confirm that the plan exists.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.clock import local_today
from agencies.roles import PLAN_READER_ROLES
from plans.models import Plan
from progress.selectors import progress_for_year
from progress.serializers import PlanProgressSerializer


class PlanProgressView(APIView):
    def get(self, request, code: str):
        plan = get_object_or_404(Plan.objects.visible_to(request.user, *PLAN_READER_ROLES), code=code)
        year_text = request.query_params.get("year")
        if year_text:
            if not year_text.isdigit() or int(year_text) not in plan.years:
                return Response({"detail": _("Năm “%(year)s” không thuộc kỳ kế hoạch %(start)s–%(end)s.")
                                 % {"year": year_text, "start": plan.start_year, "end": plan.end_year}},
                                status=status.HTTP_400_BAD_REQUEST)
            year = int(year_text)
        else:
            year = min(max(local_today().year, plan.start_year), plan.end_year)
        snapshot = progress_for_year(plan=plan, year=year)
        return Response(PlanProgressSerializer({"plan": plan, "year": year, "snapshot": snapshot}).data)
