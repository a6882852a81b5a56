from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from agencies.roles import landing_url_name


@login_required
def home(request):
    return redirect(landing_url_name(request.user))


@login_required
def no_role(request):
    return render(request, "agencies/no_role.html", status=403)
