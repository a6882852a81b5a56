"""Who a user is in the system: the roles of its memberships, its province, its agencies.

Reused by views, the API and the admin so that every entry point answers "who may" the same way.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from agencies.models import Agency, Membership, Province

Role = Membership.Role


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_chitieu_roles", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("role", flat=True))
        user._chitieu_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def user_province(user) -> Province | None:
    """The province a user works in (every membership of a user lies in one province)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_chitieu_province"):  # asked by every admin form field: once per request
        membership = Membership.objects.filter(user=user).select_related("agency__province").first()
        user._chitieu_province = membership.agency.province if membership else None
    return user._chitieu_province


def user_agencies(user, *roles: str):
    qs = Agency.objects.filter(memberships__user=user)
    if roles:
        qs = qs.filter(memberships__role__in=roles)
    return qs.distinct()


def landing_url_name(user) -> str:
    """Where each role works: staff the plans, reporters their reports, leaders the dashboards."""
    roles = user_roles(user)
    if Role.STAFF in roles:
        return "plans:list"
    if Role.REPORTER in roles or Role.AGENCY_HEAD in roles:
        return "reports:inbox"
    if Role.LEADER in roles:
        return "dashboards:home"
    if user.is_superuser:
        return "admin:index"
    return "no_role"


def role_required(*roles: str) -> Callable:
    """Allow only users with one of `roles` (superusers too); others get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not (request.user.is_superuser or has_role(request.user, *roles)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
