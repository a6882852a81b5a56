"""GET /api/v1/plans/<code>/progress/?year=Y: the latest snapshots of a plan, read only (never computed here).

Staff, leaders, reporters and agency heads of the plan's province may read it (and superusers);
anyone else gets 404, so the API does not confirm that the plan exists.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.roles import Role, has_role, user_province
from plans.models import Plan
from progress.selectors import is_recompute_pending, progress_for_year
from reports.models import local_today

READER_ROLES = (Role.STAFF, Role.LEADER, Role.REPORTER, Role.AGENCY_HEAD)


def may_read_progress(user, plan: Plan) -> bool:
    return user.is_superuser or (has_role(user, *READER_ROLES) and user_province(user) == plan.province)


def _decimal(value):
    return None if value is None else float(value)


def _date(value):
    return value.isoformat() if value else None


class PlanProgressView(APIView):
    def get(self, request, code: str):
        plan = get_object_or_404(Plan, code=code)
        if not may_read_progress(request.user, plan):
            raise Http404
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
        return Response({
            "plan": plan.code,
            "year": year,
            "as_of": _date(snapshot.as_of),
            "computed_at": timezone.localtime(snapshot.computed_at).isoformat() if snapshot.computed_at else None,
            # Approved values changed since: the figures are being updated ("đang cập nhật tiến độ").
            "recompute_pending": is_recompute_pending(plan.pk),
            "indicators": [{
                "code": row.indicator.code,
                "name": row.indicator.name,
                "unit": row.indicator.unit,
                "target": {"op": row.target_op or None, "low": _decimal(row.target_low),
                           "high": _decimal(row.target_high), "text": row.target_text},
                "actual": _decimal(row.actual),
                "status": row.status,
                "explanation": row.explanation,
                "percent_of_target": _decimal(row.percent_of_target),
                "trajectory": row.trajectory or None,
                "last_value_at": _date(row.last_value_at),
            } for row in snapshot.indicators],
            "tasks": [{
                "code": row.task.code,
                "status": row.status,
                "due": _date(row.due),
                "progress": _decimal(row.progress),
                "explanation": row.explanation,
            } for row in snapshot.tasks],
            "sections": [{
                "section": str(row.section),
                "counts": row.counts,
                "share_achieved": _decimal(row.share_achieved),
            } for row in snapshot.sections],
            "plan_rollup": {
                "counts": snapshot.plan_rollup.counts if snapshot.plan_rollup else {},
                "share_achieved": _decimal(snapshot.plan_rollup.share_achieved) if snapshot.plan_rollup else None,
            },
        })
