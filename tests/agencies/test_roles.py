import pytest
from django.urls import reverse

from tests.factories import PlanFactory

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
