"""The agencies admin: Vietnamese, diacritic-insensitive search, province scoping, who may enter."""

import pytest
from django.urls import reverse

from agencies.models import Agency
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:agencies_agency_changelist")


def listed(client, query: str) -> set[str]:
    response = client.get(CHANGELIST, {"q": query})
    assert response.status_code == 200
    return {agency.name for agency in response.context["cl"].result_list}


@pytest.mark.parametrize("query", ["so khoa hoc", "Sở Khoa học", "SO KHOA HOC VA CONG NGHE", "khoa hoc cong nghe"])
def test_search_ignores_diacritics_and_case(client, staff_admin, agency_a, query):
    client.force_login(staff_admin)
    assert listed(client, query) == {"Sở Khoa học và Công nghệ"}


def test_search_by_short_name(client, staff_admin, agency_a):
    client.force_login(staff_admin)
    assert listed(client, "syt") == {"Sở Y tế"}


def test_admin_is_in_vietnamese(client, staff_admin):
    client.force_login(staff_admin)
    body = client.get(reverse("admin:index")).content.decode()
    assert "Quản trị hệ thống" in body
    assert "Cơ quan, đơn vị" in body


def test_staff_sees_only_its_province(client, staff_admin, agency_a, other_province):
    foreign = AgencyFactory(province=other_province, name="Sở Y tế Cà Mau")
    client.force_login(staff_admin)
    assert "Sở Y tế Cà Mau" not in listed(client, "")
    response = client.get(reverse("admin:agencies_agency_change", args=[foreign.pk]))
    assert response.status_code == 302  # Django's answer for an object outside the queryset
    assert response.url == reverse("admin:index")


def test_other_province_staff_cannot_open_this_provinces_agency(client, other_staff_admin, agency_a):
    client.force_login(other_staff_admin)
    assert "Sở Y tế" not in listed(client, "y te")
    assert client.get(reverse("admin:agencies_agency_change", args=[agency_a.pk])).status_code == 302


def test_autocomplete_offers_only_this_provinces_agencies(client, staff_admin, agency_a, other_province):
    AgencyFactory(province=other_province, name="Sở Y tế Cà Mau")
    client.force_login(staff_admin)
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "agencies", "model_name": "agency", "field_name": "parent", "term": "y te"})
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Sở Y tế"]


def test_staff_cannot_create_an_agency_in_another_province(client, staff_admin, other_province):
    client.force_login(staff_admin)
    response = client.post(reverse("admin:agencies_agency_add"), {
        "province": other_province.pk, "name": "Sở Lạ", "short_name": "", "aliases": "[]",
        "kind": Agency.Kind.DEPARTMENT, "active": "on"})
    assert response.status_code == 200  # the form comes back with an error
    assert not Agency.objects.filter(name="Sở Lạ").exists()


def test_staff_creates_an_agency_in_its_province(client, staff_admin, province):
    client.force_login(staff_admin)
    response = client.post(reverse("admin:agencies_agency_add"), {
        "province": province.pk, "name": "Sở Ngoại vụ", "short_name": "SNgV", "aliases": "[]",
        "kind": Agency.Kind.DEPARTMENT, "active": "on"})
    assert response.status_code == 302
    assert Agency.objects.get(name="Sở Ngoại vụ").province == province


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader", "outsider"])
def test_only_staff_enter_the_admin(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_may_view_but_not_edit_provinces(client, staff_admin, province, other_province):
    client.force_login(staff_admin)
    response = client.get(reverse("admin:agencies_province_changelist"))
    assert [p.name for p in response.context["cl"].result_list] == ["Đồng Tháp"]
    response = client.post(reverse("admin:agencies_province_change", args=[province.pk]),
                           {"name": "Tỉnh khác", "code": "khac"})
    assert response.status_code == 403


@pytest.mark.parametrize("query", ["SKHCN", "so khcn", "Sở KHCN"])
def test_search_finds_aliases(client, staff_admin, agency_a, query):
    client.force_login(staff_admin)
    assert listed(client, query) == {"Sở Khoa học và Công nghệ"}


def test_alias_search_stays_in_the_province(client, staff_admin, dost, other_province):
    AgencyFactory(province=other_province, name="Sở Khoa học Cà Mau", aliases=["SKHCN-CM"])
    client.force_login(staff_admin)
    assert listed(client, "skhcn") == {"Sở Khoa học và Công nghệ"}


def test_granting_the_staff_role_in_the_admin_lets_the_user_into_the_admin(client, staff_admin, dost, agency_a,
                                                                           reporter_a):
    """A membership added on the admin page goes through membership_add: staff get is_staff and the group."""
    client.force_login(staff_admin)
    response = client.post(reverse("admin:agencies_membership_add"),
                           {"user": reporter_a.pk, "agency": dost.pk, "role": "staff"})
    assert response.status_code == 302
    reporter_a.refresh_from_db()
    assert reporter_a.is_staff and reporter_a.groups.filter(name="Sở KH&CN").exists()
    client.force_login(reporter_a)
    assert client.get(reverse("admin:indicators_indicator_changelist")).status_code == 200


def test_changing_a_membership_to_staff_in_the_admin_grants_admin_access(client, staff_admin, agency_a,
                                                                         reporter_a):
    membership = reporter_a.memberships.get()
    client.force_login(staff_admin)
    response = client.post(reverse("admin:agencies_membership_change", args=[membership.pk]),
                           {"user": reporter_a.pk, "agency": agency_a.pk, "role": "staff"})
    assert response.status_code == 302
    reporter_a.refresh_from_db()
    assert reporter_a.is_staff and reporter_a.groups.filter(name="Sở KH&CN").exists()


def test_superuser_cannot_place_a_user_in_a_second_province(client, admin_user, reporter_a, other_province):
    foreign = AgencyFactory(province=other_province, name="Sở Y tế Cà Mau")
    client.force_login(admin_user)
    response = client.post(reverse("admin:agencies_membership_add"),
                           {"user": reporter_a.pk, "agency": foreign.pk, "role": "reporter"})
    assert response.status_code == 200
    assert "chỉ làm việc trong một tỉnh" in response.content.decode()
    assert reporter_a.memberships.count() == 1
