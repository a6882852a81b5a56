import json

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from indicators.exporting import plan_to_json_bytes
from tests.factories import BaselineFactory, IndicatorFactory, PlanFactory, TargetFactory, UserFactory

PLAN_URL = "/api/v1/plans/{code}/"
LIST_URL = "/api/v1/plans/"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def plan(province, dost):
    plan = PlanFactory(province=province, code="ha-tang-so", title="Hạ tầng số", number="540/KH-UBND")
    indicator = IndicatorFactory(plan=plan, code="I.1", name="Tỷ lệ phủ sóng 5G")
    BaselineFactory(indicator=indicator, value="5.07", text="5,07")
    TargetFactory(indicator=indicator, year=2026, low=90, text="≥ 90")
    indicator.lead_agencies.set([dost])
    return plan


@pytest.fixture
def foreign_plan(other_province):
    return PlanFactory(province=other_province, code="ca-mau-so", title="Chuyển đổi số Cà Mau", start_year=2025,
                       end_year=2025)


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("who", ["staff", "reporter_a", "head_a", "reporter_b", "leader"])
def test_users_of_the_province_read_the_plan(request, plan, who):
    response = _client(request.getfixturevalue(who)).get(PLAN_URL.format(code="ha-tang-so"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.content == plan_to_json_bytes(plan)


@pytest.mark.parametrize("who", ["other_staff", "outsider"])
def test_others_get_404(request, plan, who):
    response = _client(request.getfixturevalue(who)).get(PLAN_URL.format(code="ha-tang-so"))
    assert response.status_code == 404


def test_unknown_plan_is_404(staff, plan):
    response = _client(staff).get(PLAN_URL.format(code="khong-co"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Không có kế hoạch này."}


def test_plan_detail_query_count_does_not_grow(plan, staff, django_assert_num_queries):
    client = _client(staff)
    # The plan (1), then the export: plan with province, appendices, sections, indicators, targets, their
    # lead and coordinating agencies, tasks, projects, results (10; no prefetch for kinds with no rows).
    with django_assert_num_queries(11):
        client.get(PLAN_URL.format(code="ha-tang-so"))
    for n in range(5):
        extra = IndicatorFactory(plan=plan, code=f"X.{n}")
        TargetFactory(indicator=extra, year=2027)
    with django_assert_num_queries(11):
        client.get(PLAN_URL.format(code="ha-tang-so"))


def test_anonymous_gets_401(plan):
    for url in (PLAN_URL.format(code="ha-tang-so"), LIST_URL):
        response = APIClient().get(url)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


def test_superuser_reads_any_province(plan, foreign_plan):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    assert _client(admin).get(PLAN_URL.format(code="ca-mau-so")).status_code == 200


def test_body_is_byte_for_byte_the_export_command(plan, staff, capsysbinary):
    call_command("export_plan", "ha-tang-so", "--format", "json")
    exported = capsysbinary.readouterr().out
    response = _client(staff).get(PLAN_URL.format(code="ha-tang-so"))
    assert response.content == exported
    assert json.loads(response.content)["indicators"][0]["baseline"]["value"] == 5.07


def test_plan_list_shows_only_the_callers_province(plan, foreign_plan, staff, other_staff, leader, outsider,
                                                  django_assert_max_num_queries):
    PlanFactory(province=plan.province, code="cds-2026", title="Chuyển đổi số 2026", start_year=2026,
                end_year=2026, number="")
    with django_assert_max_num_queries(3):
        response = _client(staff).get(LIST_URL)
    assert response.status_code == 200
    assert response.json() == [
        {"code": "cds-2026", "title": "Chuyển đổi số 2026", "number": "", "start_year": 2026, "end_year": 2026,
         "status": "active"},
        {"code": "ha-tang-so", "title": "Hạ tầng số", "number": "540/KH-UBND", "start_year": 2026,
         "end_year": 2030, "status": "active"},
    ]
    assert [p["code"] for p in _client(leader).get(LIST_URL).json()] == ["cds-2026", "ha-tang-so"]
    assert [p["code"] for p in _client(other_staff).get(LIST_URL).json()] == ["ca-mau-so"]
    assert _client(outsider).get(LIST_URL).json() == []


def test_token_flow(plan, reporter_a):
    response = APIClient().post(TOKEN_URL, {"username": "reporter_a", "password": "matkhau-123"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=reporter_a).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(PLAN_URL.format(code="ha-tang-so")).content == plan_to_json_bytes(plan)
    # The same token again on a second login.
    again = APIClient().post(TOKEN_URL, {"username": "reporter_a", "password": "matkhau-123"})
    assert again.json()["token"] == token


def test_token_with_a_wrong_password_is_refused_in_vietnamese(reporter_a):
    response = APIClient().post(TOKEN_URL, {"username": "reporter_a", "password": "sai"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Tên đăng nhập hoặc mật khẩu không đúng."]}
    assert not Token.objects.exists()


def test_token_without_credentials_is_refused_in_vietnamese(db):
    response = APIClient().post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"username": ["Vui lòng nhập tên đăng nhập."], "password": ["Vui lòng nhập mật khẩu."]}


def test_a_bad_token_is_401(plan):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token khong-hop-le")
    assert client.get(PLAN_URL.format(code="ha-tang-so")).status_code == 401


def test_the_api_is_read_only(plan, staff):
    client = _client(staff)
    assert client.post(PLAN_URL.format(code="ha-tang-so"), {}).status_code == 405
    assert client.delete(PLAN_URL.format(code="ha-tang-so")).status_code == 405
    assert client.post(LIST_URL, {}).status_code == 405


def test_session_login_works_too(plan, staff):
    client = APIClient()
    assert client.login(username="staff", password="matkhau-123")
    assert client.get(PLAN_URL.format(code="ha-tang-so")).status_code == 200
