from decimal import Decimal

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from agencies.models import Membership
from agencies.roles import landing_url_name
from dashboards.outputs.open_data import feed, open_data
from plans.models import Plan
from progress.models import IndicatorProgress


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_system_role_reads_the_feed_with_a_token(outputs_world, system_user):
    response = _client(system_user).get(f"/api/v1/plans/{outputs_world.plan.code}/open-data/")
    assert response.status_code == 200
    body = response.json()
    assert body["plan"]["code"] == outputs_world.plan.code
    assert set(body) >= {"chi_tieu", "muc_tieu", "gia_tri_theo_ky", "trang_thai_theo_nam"}
    for row in body["trang_thai_theo_nam"]:
        snapshot = IndicatorProgress.objects.get(indicator__plan=outputs_world.plan, indicator__code=row["ma_chi_tieu"],
                                                 year=row["nam"])
        assert (None if row["thuc_te"] is None else Decimal(str(row["thuc_te"]))) == snapshot.actual
    # The same figures as the package.
    assert body == _client(system_user).get(f"/api/v1/plans/{outputs_world.plan.code}/open-data/").json()
    assert body["gia_tri_theo_ky"] == feed(open_data(plan=outputs_world.plan))["gia_tri_theo_ky"]
    one_year = _client(system_user).get(f"/api/v1/plans/{outputs_world.plan.code}/open-data/?year=2026").json()
    assert one_year["years"] == [2026]
    assert _client(system_user).get(f"/api/v1/plans/{outputs_world.plan.code}/open-data/?year=2040").status_code == 400


def test_feed_permissions(outputs_world, staff, leader, reporter_a, head_a, other_system_user, outsider):
    url = f"/api/v1/plans/{outputs_world.plan.code}/open-data/"
    assert _client().get(url).status_code == 401
    assert _client(staff).get(url).status_code == 200
    assert _client(leader).get(url).status_code == 200
    for user in (reporter_a, head_a, other_system_user, outsider):
        assert _client(user).get(url).status_code == 404, user.username
    assert _client(staff).get("/api/v1/plans/khong-co/open-data/").status_code == 404


def test_system_role_reads_nothing_else(client, outputs_world, system_user):
    """No plans API, no progress, no reports, no compliance, no pages: only the open-data feed."""
    api = _client(system_user)
    code = outputs_world.plan.code
    assert api.get("/api/v1/plans/").json() == []
    for url in (f"/api/v1/plans/{code}/", f"/api/v1/plans/{code}/progress/",
                f"/api/v1/plans/{code}/compliance/?period=2026-Q3"):
        assert api.get(url).status_code in (403, 404), url
    assert api.get("/api/v1/reports/").json() in ([], {"count": 0, "next": None, "previous": None, "results": []})
    assert list(Plan.objects.visible_to(system_user)) == []  # "any role" means a person's role
    assert list(Plan.objects.visible_to(system_user, Membership.Role.SYSTEM)) == [outputs_world.plan]
    assert landing_url_name(system_user) == "no_role"
    client.force_login(system_user)
    report = outputs_world.world.plan.reports.first()
    for url in ("/ke-hoach/", "/bao-cao/", "/bao-cao/duyet/", "/tong-quan/", "/dau-ra/bao-cao-tong-hop/",
                f"/dau-ra/du-lieu-mo/{code}/", f"/bao-cao/{report.pk}/", f"/ke-hoach/{code}/"):
        assert client.get(url).status_code in (403, 404), url


@pytest.mark.parametrize("role_text", ["system", "Hệ thống", "he thong"])
def test_create_user_accepts_the_system_role(agency_a, role_text, capsys):
    call_command("create_user", "ioc.tinh", "--agency", "Sở Y tế", "--role", role_text)
    membership = Membership.objects.get(user__username="ioc.tinh")
    assert membership.role == Membership.Role.SYSTEM and not membership.user.is_staff


def test_import_users_accepts_the_system_role(agency_a, tmp_path, capsys):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Tên đăng nhập", "Họ và tên", "Thư điện tử", "Cơ quan", "Vai trò"])
    workbook.active.append(["ioc.tinh", "Trung tâm IOC", "", "Sở Y tế", "Hệ thống"])
    path = tmp_path / "tai-khoan.xlsx"
    workbook.save(path)
    call_command("import_users", str(path))
    assert Membership.objects.get(user__username="ioc.tinh").role == Membership.Role.SYSTEM
