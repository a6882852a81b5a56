"""Who a user is in the system: the roles of its memberships, its province, its agencies.

This is the one place that answers "who may": views, the API, the admin, exports and the dashboards
ask `access(user)` (or the predicates below, or `Plan.objects.visible_to(user)`, which reads it).
A user's memberships are read once per request object and cached on it.

The rules:
- an anonymous or inactive user may do nothing;
- a superuser may read and review everything, in every province;
- every other user acts only in the provinces of its memberships, with the roles of those memberships;
- the role "system" (another system's token: the IOC, the open-data portal) is not a person: it reads
  the open-data feed of its province's plans (`OPEN_DATA_READER_ROLES`) and nothing else. "Any role"
  below means any role of a person (`PERSON_ROLES`), so a check that names no role never admits it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from agencies.models import Agency, Membership, Province

Role = Membership.Role

#: Roles that read a plan's progress and pages (everyone with a membership in the plan's province).
PLAN_READER_ROLES = (Role.STAFF, Role.LEADER, Role.REPORTER, Role.AGENCY_HEAD)
#: Roles that read province-wide figures: dashboards of every agency, compliance.
PROVINCE_READER_ROLES = (Role.STAFF, Role.LEADER)
#: The roles of people; a check that names no role means one of these (never `Role.SYSTEM`).
PERSON_ROLES = (Role.STAFF, Role.LEADER, Role.REPORTER, Role.AGENCY_HEAD)
#: Who reads a plan's open-data feed and package (approved, aggregated figures only).
OPEN_DATA_READER_ROLES = (Role.SYSTEM, Role.STAFF, Role.LEADER)


@dataclass(frozen=True)
class Access:
    """A user's memberships, read once: (role, agency id, province id) triples."""

    is_superuser: bool = False
    memberships: tuple[tuple[str, int, int], ...] = ()
    roles: frozenset[str] = frozenset()

    def province_ids(self, *roles: str) -> set[int]:
        roles = roles or PERSON_ROLES
        return {province for role, _agency, province in self.memberships if role in roles}

    def agency_ids(self, *roles: str) -> set[int]:
        roles = roles or PERSON_ROLES
        return {agency for role, agency, _province in self.memberships if role in roles}

    def in_province(self, province_id: int | None, *roles: str) -> bool:
        """Has one of `roles` (any person's role when none is named) in the province; superusers always."""
        return self.is_superuser or (province_id is not None and province_id in self.province_ids(*roles))

    def in_agency(self, agency_id: int | None, *roles: str) -> bool:
        return agency_id is not None and agency_id in self.agency_ids(*roles)


NO_ACCESS = Access()


def access(user) -> Access:
    """The user's memberships, cached on the user object (once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_chitieu_access", None)
    if cached is None:
        memberships = tuple(Membership.objects.filter(user=user)
                            .values_list("role", "agency_id", "agency__province_id").order_by("pk"))
        cached = Access(is_superuser=user.is_superuser, memberships=memberships,
                        roles=frozenset(role for role, _agency, _province in memberships))
        user._chitieu_access = cached
    return cached


def forget_access(user) -> None:
    """Drop the cached memberships (after a membership of this user object changed)."""
    for name in ("_chitieu_access", "_chitieu_province"):
        if hasattr(user, name):
            delattr(user, name)


def user_roles(user) -> set[str]:
    return set(access(user).roles)


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def user_province(user) -> Province | None:
    """The province a user works in (every membership of a user lies in one province)."""
    if not user.is_authenticated or not user.is_active:
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
    # A system account (Role.SYSTEM) has no page: it lands on "no role", like a user without membership.
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
