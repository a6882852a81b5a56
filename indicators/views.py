from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from agencies.roles import Role, role_required, user_province
from indicators.models import Indicator, Target
from plans.models import Plan


def _plans_for(user):
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.in_province(user_province(user))


@role_required(Role.STAFF)
def plan_list(request):
    plans = (
        _plans_for(request.user)
        .select_related("province")
        .annotate(indicator_count=Count("indicators", distinct=True), task_count=Count("tasks", distinct=True))
    )
    return render(request, "plans/plan_list.html", {"plans": plans})


@role_required(Role.STAFF)
def plan_detail(request, code: str):
    plan = get_object_or_404(_plans_for(request.user), code=code)
    indicators = (
        Indicator.objects.of_plan(plan)
        .select_related("section", "baseline")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("year")), "lead_agencies")
    )
    tasks = plan.tasks.select_related("section").prefetch_related("lead_agencies")
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "indicators": indicators, "tasks": tasks, "years": list(plan.years),
    })
