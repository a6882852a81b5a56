from django.shortcuts import render

from agencies.roles import Role, role_required, user_province
from plans.models import Plan


@role_required(Role.LEADER, Role.STAFF)
def home(request):
    plans = Plan.objects.in_province(user_province(request.user))
    return render(request, "dashboards/home.html", {"plans": plans})
