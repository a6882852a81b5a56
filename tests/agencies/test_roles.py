import pytest
from django.urls import reverse

from agencies.models import Agency, Membership, Province
from agencies.roles import (
    NO_ACCESS,
    access,
    agencies_where,
    forget_access,
    is_admin_staff,
    may_import_plans,
    provinces_where,
    sees_everything,
)
from tests.factories import PlanFactory

Role = Membership.Role

pytestmark = pytest.mark.django_db

LANDING = {
    "staff": "plans:list",
    "reporter_a": "reports:inbox",
    "head_a": "reports:inbox",
    "leader": "dashboards:overview",
}


@pytest.mark.parametrize("who,landing", LANDING.items())
def test_each_role_lands_where_it_works(client, request, who, landing):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(landing)


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_is_vietnamese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
    assert "Mật khẩu" in response.content.decode()


def test_user_without_membership_is_told_so(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 403
    assert "chưa được phân quyền" in response.content.decode()


# Which landing pages each role may open: its own, and (for staff) the dashboards too.
ALLOWED = {
    "staff": {"plans:list", "dashboards:home"},
    "reporter_a": {"reports:inbox"},
    "head_a": {"reports:inbox"},
    "leader": {"plans:list", "dashboards:home"},
    "outsider": set(),
}


@pytest.mark.parametrize("who", ALLOWED)
@pytest.mark.parametrize("page", ["plans:list", "reports:inbox", "dashboards:home"])
def test_roles_cannot_open_each_others_pages(client, request, who, page):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(page))
    assert response.status_code == (200 if page in ALLOWED[who] else 403)


def test_staff_sees_only_plans_of_its_province(client, staff, province, other_province):
    PlanFactory(province=province, title="Kế hoạch của Đồng Tháp", code="dt")
    PlanFactory(province=other_province, title="Kế hoạch của Cà Mau", code="cm")
    client.force_login(staff)
    body = client.get(reverse("plans:list")).content.decode()
    assert "Kế hoạch của Đồng Tháp" in body
    assert "Kế hoạch của Cà Mau" not in body
    assert client.get(reverse("plans:detail", args=["cm"])).status_code == 404


# -- the predicates of agencies.roles: one answer, read once per user -------------------------------------

def test_access_reads_the_memberships_once_per_user_object(staff, province, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = access(staff)
        assert access(staff) is first
    assert first.province == province
    assert first.roles == {Role.STAFF}
    forget_access(staff)
    with django_assert_num_queries(1):
        access(staff)


def test_anonymous_and_inactive_users_may_nothing(staff, province, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "x-long-password")
    for user in (AnonymousUser(), None):
        assert access(user) == NO_ACCESS
        assert not sees_everything(user)
    for user in (staff, superuser):
        user.is_active = False
        assert access(user) == NO_ACCESS
        assert not sees_everything(user)
        assert not access(user).in_province(province.pk)
        assert not is_admin_staff(user)


def test_a_superuser_sees_every_province_but_is_no_agency_user(agency_a, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "x-long-password")
    assert sees_everything(superuser)
    who = access(superuser).for_report(province_id=agency_a.province_id, agency_id=agency_a.pk)
    assert (who.is_staff, who.is_reader, who.is_agency_user, who.is_head) == (True, True, False, False)
    assert is_admin_staff(superuser, agency_a.province_id)


@pytest.mark.parametrize("who,expected", [
    # (is_staff, is_agency_user, is_head, is_reader) for a report of agency A in the province
    ("staff", (True, False, False, True)),
    ("reporter_a", (False, True, False, True)),
    ("head_a", (False, True, True, True)),
    ("reporter_b", (False, False, False, False)),
    ("leader", (False, False, False, True)),
    ("other_staff", (False, False, False, False)),
    ("outsider", (False, False, False, False)),
])
def test_who_a_user_is_for_a_report(request, agency_a, who, expected):
    user = request.getfixturevalue(who)
    roles = access(user).for_report(province_id=agency_a.province_id, agency_id=agency_a.pk)
    assert (roles.is_staff, roles.is_agency_user, roles.is_head, roles.is_reader) == expected


def test_the_cached_and_the_subquery_answers_agree(request, province, agency_a):
    for who in ("staff", "reporter_a", "leader", "other_staff", "outsider"):
        user = request.getfixturevalue(who)
        before = (set(Province.objects.filter(pk__in=provinces_where(user, Role.STAFF)).values_list("pk", flat=True)),
                  set(Agency.objects.filter(pk__in=agencies_where(user)).values_list("pk", flat=True)))
        access(user)
        assert (provinces_where(user, Role.STAFF), agencies_where(user)) == before


def test_admin_staff_needs_the_flag_and_a_staff_membership(staff_admin, staff, leader, other_staff_admin, province):
    assert is_admin_staff(staff_admin) and is_admin_staff(staff_admin, province.pk)
    assert not is_admin_staff(other_staff_admin, province.pk)
    leader.is_staff = True
    assert not is_admin_staff(leader) and not is_admin_staff(leader, province.pk)
    staff_admin.is_staff = False
    assert not is_admin_staff(staff_admin, province.pk)


def test_a_new_membership_is_seen_at_once(reporter_a, agency_b):
    from agencies.services import membership_add

    assert agency_b.pk not in access(reporter_a).agency_ids()
    membership_add(user=reporter_a, agency=agency_b, role=Role.AGENCY_HEAD)
    assert access(reporter_a).in_agency(agency_b.pk, Role.AGENCY_HEAD)


def test_importing_plans_needs_staff_with_the_add_plan_permission(staff_admin, staff, leader):
    assert may_import_plans(staff_admin)
    leader.is_staff = True
    assert not may_import_plans(leader)
    staff_admin.is_staff = False
    assert not may_import_plans(staff_admin)


@pytest.mark.parametrize("who", ["staff", "reporter_a", "head_a", "reporter_b", "leader", "other_staff", "outsider"])
def test_report_lists_give_the_answer_of_one_report(request, province, agency_a, agency_b, who):
    import datetime as dt

    from reports.models import AgencyReport
    from tests.reports.factories import reporting_plan

    reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b, today=dt.date(2026, 3, 1))
    user = request.getfixturevalue(who)
    reports = list(AgencyReport.objects.select_related("plan"))
    visible, reviewable = set(AgencyReport.objects.visible_to(user)), set(AgencyReport.objects.reviewable_by(user))
    for report in reports:
        roles = access(user).for_report(province_id=report.plan.province_id, agency_id=report.agency_id)
        assert (report in visible, report in reviewable) == (roles.is_reader, roles.is_staff)
        assert report.plan.is_reviewable_by(user) is roles.is_staff
