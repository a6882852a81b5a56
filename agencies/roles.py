"""Who a user is in the system, and the one answer to "who may". Read this file to find any permission.

A user's memberships (role, agency, province) are read once per user object by `access(user)` and
cached on it; every check below, `Plan.objects.visible_to` / `reviewable_by`, `plan.is_visible_to` /
`is_reviewable_by` and `AgencyReport.objects.visible_to` / `reviewable_by` read that one cache. (A list
filtered before anything read the cache gets the same rule as a subquery, `provinces_where` /
`agencies_where`, so that it costs no query of its own.)

The rules, the same everywhere (pages, API, admin, exports, commands):
- an anonymous or inactive user may do nothing (inactive superusers included);
- an active superuser may read, review and act everywhere, in every province (but writes as an agency only
  where it has a membership: it is staff, not a reporter);
- every other user acts only in the provinces of its memberships, with the roles of those memberships.
  All memberships count, not the first one (a user works in one province: `membership_add` refuses a
  second one, so "the" province of a user is that of any of its memberships).

Who may what:
| what                                              | who                                                  | asked by |
|---------------------------------------------------|------------------------------------------------------|----------|
| read a plan (API plan list and file)              | any role in the plan's province                      | `Plan.objects.visible_to(user)` |
| read a plan's progress (API, dashboards)          | `PLAN_READER_ROLES` in the plan's province           | `plan.is_visible_to(user, *PLAN_READER_ROLES)` |
| read compliance, province-wide dashboards         | `PROVINCE_READER_ROLES` in the plan's province       | `plan.is_visible_to(user, *PROVINCE_READER_ROLES)` |
| plan pages and exports, review queue, compliance  | staff of the plan's province                         | `Plan.objects.reviewable_by(user)`, `plan.is_reviewable_by(user)` |
| enter values on agencies' behalf (form, file)     | staff of the plan's province                         | `plan.is_reviewable_by(user)` |
| read a report                                     | staff/leader of its province, reporter/head of its agency | `AgencyReport.objects.visible_to(user)` |
| act on a report (save, submit, confirm, review…)  | `Access.for_report` below, by the report's status    | `reports.selectors.report_permissions` |
| the workflow actions (who may each)               | the table `reports.actions.ACTIONS`                  | pages, API, admin |
| the Django admin of reports and values            | the Django `is_staff` flag and a staff membership    | `is_admin_staff(user, province_id)` |
| the admin's lists and choices                     | the user's province only (superusers: all)           | `agencies.admin.limit_to_province` (`user_province`) |
| import a plan document                            | staff with Django's "add plan" permission            | `may_import_plans(user)` |
| a page restricted to roles                        | the roles named (superusers too)                     | `@role_required(...)` |

Someone not allowed to see an object gets 404 (never 403, which would confirm it exists).
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
#: Roles that write their own agency's reports.
AGENCY_ROLES = (Role.REPORTER, Role.AGENCY_HEAD)


@dataclass(frozen=True)
class ReportRoles:
    """Who a user is for one report (its plan's province, its agency), whatever the report's status."""

    is_staff: bool = False  # Sở KH&CN of the report's province, or a superuser: reviews, enters on behalf
    is_agency_user: bool = False  # reporter or head of the report's agency: writes and submits
    is_head: bool = False  # head of the report's agency: confirms a reporter's submission
    is_reader: bool = False  # may read it at all (the above, or a leader of the province)


@dataclass(frozen=True)
class Access:
    """A user's memberships, read once: (role, agency id, province id) triples, and its province."""

    is_superuser: bool = False
    memberships: tuple[tuple[str, int, int], ...] = ()
    roles: frozenset[str] = frozenset()
    province: Province | None = None  # of its memberships (one province per user); None without any

    def province_ids(self, *roles: str) -> set[int]:
        return {province for role, _agency, province in self.memberships if not roles or role in roles}

    def agency_ids(self, *roles: str) -> set[int]:
        return {agency for role, agency, _province in self.memberships if not roles or role in roles}

    def in_province(self, province_id: int | None, *roles: str) -> bool:
        """Has one of `roles` (any role when none is named) in the province; superusers always."""
        return self.is_superuser or (province_id is not None and province_id in self.province_ids(*roles))

    def in_agency(self, agency_id: int | None, *roles: str) -> bool:
        """Has one of `roles` (any role when none is named) in the agency itself (superusers not: see above)."""
        return agency_id is not None and agency_id in self.agency_ids(*roles)

    def for_report(self, *, province_id: int, agency_id: int) -> ReportRoles:
        """Who the user is for a report of `agency_id` on a plan of `province_id`."""
        is_staff = self.in_province(province_id, Role.STAFF)
        is_agency_user = self.in_agency(agency_id, *AGENCY_ROLES)
        return ReportRoles(
            is_staff=is_staff, is_agency_user=is_agency_user, is_head=self.in_agency(agency_id, Role.AGENCY_HEAD),
            is_reader=is_staff or is_agency_user or self.in_province(province_id, Role.LEADER))


NO_ACCESS = Access()


def access(user) -> Access:
    """The user's memberships, cached on the user object (once per request); nothing for anonymous or
    inactive users."""
    if not _active(user):
        return NO_ACCESS
    cached = getattr(user, "_chitieu_access", None)
    if cached is None:
        rows = list(Membership.objects.filter(user=user).select_related("agency__province").order_by("pk"))
        memberships = tuple((row.role, row.agency_id, row.agency.province_id) for row in rows)
        cached = Access(is_superuser=user.is_superuser, memberships=memberships,
                        roles=frozenset(role for role, _agency, _province in memberships),
                        province=rows[0].agency.province if rows else None)
        user._chitieu_access = cached
    return cached


def sees_everything(user) -> bool:
    """An active superuser: every province, every plan, every report."""
    return access(user).is_superuser if _cached(user) else bool(_active(user) and user.is_superuser)


def provinces_where(user, *roles: str):
    """Ids of the provinces where `user` has one of `roles` (any role when none is named), for a filter
    (`province_id__in=`): the cached set once `access(user)` was read, else a subquery, so that a list
    filtered by it costs no query of its own. Superusers are not expanded: ask `sees_everything` first."""
    if _cached(user):
        return access(user).province_ids(*roles)
    return _memberships(user, roles).values("agency__province_id")


def agencies_where(user, *roles: str):
    """Ids of the agencies where `user` has one of `roles`, like `provinces_where`."""
    if _cached(user):
        return access(user).agency_ids(*roles)
    return _memberships(user, roles).values("agency_id")


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _cached(user) -> bool:
    return not _active(user) or getattr(user, "_chitieu_access", None) is not None


def _memberships(user, roles: tuple[str, ...]):
    memberships = Membership.objects.filter(user=user)
    return memberships.filter(role__in=roles) if roles else memberships


def forget_access(user) -> None:
    """Drop the cached memberships (after a membership of this user object changed)."""
    if hasattr(user, "_chitieu_access"):
        del user._chitieu_access


def user_roles(user) -> set[str]:
    return set(access(user).roles)


def has_role(user, *roles: str) -> bool:
    return bool(access(user).roles & set(roles))


def user_province(user) -> Province | None:
    """The province a user works in (every membership of a user lies in one province)."""
    return access(user).province


def user_agencies(user, *roles: str):
    """The agencies where the user has one of `roles` (any role when none is named)."""
    return Agency.objects.filter(pk__in=agencies_where(user, *roles))


def is_admin_staff(user, province_id: int | None = None) -> bool:
    """Sở KH&CN staff signed in to the Django admin (the `is_staff` flag), with a staff membership in
    `province_id` (in any province when None); superusers always."""
    if not user.is_staff:
        return False
    user_access = access(user)
    if province_id is None:
        return user_access.is_superuser or bool(user_access.province_ids(Role.STAFF))
    return user_access.in_province(province_id, Role.STAFF)


def may_import_plans(user) -> bool:
    """Import or update a plan from a document (the admin's "Nhập từ văn bản"): superusers, and Sở KH&CN
    staff signed in to the admin with Django's permission to add plans."""
    return sees_everything(user) or (user.is_staff and has_role(user, Role.STAFF) and user.has_perm("plans.add_plan"))


def landing_url_name(user) -> str:
    """Where each role works: staff the plans, reporters their reports, leaders the dashboards."""
    roles = user_roles(user)
    if Role.STAFF in roles:
        return "plans:list"
    if Role.REPORTER in roles or Role.AGENCY_HEAD in roles:
        return "reports:inbox"
    if Role.LEADER in roles:
        return "dashboards:overview"
    if user.is_superuser:
        return "admin:index"
    return "no_role"


def role_required(*roles: str) -> Callable:
    """Allow only users with one of `roles` (superusers too); others get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not (access(request.user).is_superuser or has_role(request.user, *roles)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
