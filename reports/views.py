from django.shortcuts import render

from agencies.roles import Role, role_required, user_agencies


@role_required(Role.REPORTER, Role.AGENCY_HEAD)
def inbox(request):
    agencies = user_agencies(request.user, Role.REPORTER, Role.AGENCY_HEAD)
    return render(request, "reports/inbox.html", {"agencies": agencies})
