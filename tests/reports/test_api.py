"""REST API: the permission matrix over every endpoint, the JSON shape, the version conflict, 400s."""

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reports.models import AgencyReport
from reports.services import report_save, report_submit
from tests.factories import AgencyFactory, IndicatorFactory

pytestmark = pytest.mark.django_db

EVERYONE = ["staff", "reporter_a", "reporter_b", "head_a", "leader", "other_staff", "outsider", "anonymous"]


@pytest.fixture
def as_user(request):
    def client_for(who):
        client = APIClient()
        if who != "anonymous":
            client.force_authenticate(request.getfixturevalue(who))
        return client

    return client_for


def url(report, action=""):
    return f"/api/v1/reports/{report.pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def submitted_a(report_a, reporter_a):
    return report_submit(report=report_a, user=reporter_a)


DETAIL = {"staff": 200, "reporter_a": 200, "head_a": 200, "leader": 200, "reporter_b": 404,
          "other_staff": 404, "outsider": 404, "anonymous": 403}


@pytest.mark.parametrize("who", EVERYONE)
def test_detail_matrix(report_a, as_user, who):
    assert as_user(who).get(url(report_a)).status_code == DETAIL[who]


PATCH = {"staff": 200, "reporter_a": 200, "head_a": 200, "leader": 403, "reporter_b": 404,
         "other_staff": 404, "outsider": 404, "anonymous": 403}


@pytest.mark.parametrize("who", EVERYONE)
def test_patch_matrix(report_a, as_user, who):
    response = as_user(who).patch(url(report_a), {"version": 1, "narrative": {"proposals": "Bổ sung kinh phí"}},
                                  format="json")
    assert response.status_code == PATCH[who]
    report_a.refresh_from_db()
    assert (report_a.proposals == "Bổ sung kinh phí") is (PATCH[who] == 200)
    if who == "staff":
        assert report_a.entered_on_behalf


SUBMIT = {"staff": 403, "reporter_a": 200, "head_a": 200, "leader": 403, "reporter_b": 404,
          "other_staff": 404, "outsider": 404, "anonymous": 403}


@pytest.mark.parametrize("who", EVERYONE)
def test_submit_matrix(report_a, as_user, who):
    response = as_user(who).post(url(report_a, "submit"))
    assert response.status_code == SUBMIT[who]
    report_a.refresh_from_db()
    assert (report_a.status == AgencyReport.Status.SUBMITTED) is (SUBMIT[who] == 200)


REVIEW = {"staff": 200, "reporter_a": 403, "head_a": 403, "leader": 403, "reporter_b": 404,
          "other_staff": 404, "outsider": 404, "anonymous": 403}


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("action,status", [("approve", "approved"), ("return", "returned")])
def test_review_matrix(submitted_a, as_user, who, action, status):
    response = as_user(who).post(url(submitted_a, action), {"reason": "Thiếu nguồn số liệu"}, format="json")
    assert response.status_code == REVIEW[who]
    submitted_a.refresh_from_db()
    assert (submitted_a.status == status) is (REVIEW[who] == 200)


def test_reopen_and_confirm_endpoints(submitted_a, as_user):
    staff = as_user("staff")
    assert staff.post(url(submitted_a, "approve")).json()["status"] == "approved"
    response = staff.post(url(submitted_a, "reopen"), {"reason": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Vui lòng nêu lý do mở lại báo cáo đã duyệt."
    assert staff.post(url(submitted_a, "reopen"), {"reason": "Sai đơn vị tính"}, format="json").json()[
        "status"] == "draft"
    assert as_user("head_a").post(url(submitted_a, "confirm")).status_code == 403  # nothing to confirm


def test_return_needs_a_reason_in_vietnamese(submitted_a, as_user):
    response = as_user("staff").post(url(submitted_a, "return"), {"reason": " "}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Vui lòng nêu lý do trả lại (cho cả báo cáo hoặc cho từng mục)."}
    response = as_user("staff").post(url(submitted_a, "return"), {
        "reason": "", "entry_reasons": {"indicator_entries": {"I.1": "Ghi nguồn"}}}, format="json")
    assert response.status_code == 200
    assert response.json()["indicator_entries"][0]["return_reason"] == "Ghi nguồn"


def test_detail_shape(report_a, reporter_a, as_user):
    report_save(report=report_a, user=reporter_a, version=1, data={
        "indicator_entries": [{"indicator": "I.1", "value": "95,5", "note": "Theo Cục Thống kê"},
                              {"indicator": "I.2", "numerator": "1.016", "denominator": "1.095"}],
        "task_entries": [{"task": "II.1", "status": "in_progress", "progress": 60, "done": "Lắp 20 trạm",
                          "next": "Lắp 10 trạm"}],
        "narrative": {"achievements": "Đạt", "difficulties": "Thiếu vốn"}})
    body = as_user("reporter_a").get(url(report_a)).json()
    assert {key: body[key] for key in ("id", "plan", "agency", "period", "status", "due_at", "submitted_at",
                                       "version")} == {
        "id": report_a.pk, "plan": report_a.plan.code, "agency": "Sở Y tế", "period": "2026-Q1",
        "status": "draft", "due_at": "2026-03-20T00:00:00+07:00", "submitted_at": None, "version": 2}
    first, ratio, milestone = body["indicator_entries"]
    assert {k: first[k] for k in ("indicator", "value", "numerator", "denominator", "milestone_state", "note")} == {
        "indicator": "I.1", "value": 95.5, "numerator": None, "denominator": None, "milestone_state": "",
        "note": "Theo Cục Thống kê"}
    assert (ratio["numerator"], ratio["denominator"], ratio["value"]) == (1016, 1095, 92.785388)
    assert milestone["indicator"] == "I.3"
    assert [{k: t[k] for k in ("task", "status", "progress", "done", "next")} for t in body["task_entries"]] == [
        {"task": "II.1", "status": "in_progress", "progress": 60, "done": "Lắp 20 trạm", "next": "Lắp 10 trạm"}]
    assert body["narrative"] == {"achievements": "Đạt", "shortcomings": "", "difficulties": "Thiếu vốn",
                                 "proposals": ""}


def test_patch_accepts_json_numbers_and_vietnamese_strings(report_a, as_user):
    response = as_user("reporter_a").patch(url(report_a), {"version": 1, "indicator_entries": [
        {"indicator": "I.1", "value": 88.25}, {"indicator": "I.2", "numerator": "45", "denominator": 50}],
        "task_entries": [{"task": "II.1", "progress": "40"}]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == 2
    assert [e["value"] for e in body["indicator_entries"][:2]] == [88.25, 90]
    assert body["task_entries"][0]["progress"] == 40


def test_patch_conflict_409(report_a, as_user):
    assert as_user("head_a").patch(url(report_a), {"version": 1, "narrative": {"achievements": "A"}},
                                   format="json").status_code == 200
    response = as_user("reporter_a").patch(url(report_a), {"version": 1, "narrative": {"achievements": "B"}},
                                           format="json")
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert "vừa được người khác lưu" in response.json()["detail"]
    report_a.refresh_from_db()
    assert report_a.achievements == "A"


def test_patch_400_per_field_and_nothing_saved(report_a, as_user):
    response = as_user("reporter_a").patch(url(report_a), {"version": 1, "narrative": {"achievements": "X"},
                                                           "indicator_entries": [
        {"indicator": "I.1", "value": "120"}, {"indicator": "I.2", "numerator": "7", "denominator": "5"}]},
        format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Dữ liệu chưa hợp lệ, vui lòng xem lỗi bên cạnh từng ô.",
        "indicator_entries": {
            "I.1": {"value": ["Tỷ lệ phần trăm phải từ 0 đến 100 (đã nhập 120)."]},
            "I.2": {"numerator": ["Tử số (7) không được lớn hơn mẫu số (5)."]}}}
    report_a.refresh_from_db()
    assert (report_a.version, report_a.achievements) == (1, "")


def test_patch_needs_the_version(report_a, as_user):
    response = as_user("reporter_a").patch(url(report_a), {"narrative": {"achievements": "X"}}, format="json")
    assert response.status_code == 400
    assert response.json()["version"] == ["Gửi kèm “version” là phiên bản báo cáo bạn đã đọc."]


def test_patch_after_submission_is_refused(submitted_a, as_user):
    response = as_user("reporter_a").patch(url(submitted_a), {"version": submitted_a.version,
                                                               "narrative": {"achievements": "X"}}, format="json")
    assert response.status_code == 403
    assert "Đã gửi, chờ duyệt" in response.json()["detail"]


LIST = {"staff": 4, "reporter_a": 2, "head_a": 2, "reporter_b": 2, "leader": 4, "other_staff": 0, "outsider": 0}


@pytest.mark.parametrize("who", EVERYONE)
def test_list_shows_only_what_the_caller_may_see(world, as_user, who):
    response = as_user(who).get("/api/v1/reports/")
    if who == "anonymous":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert response.json()["count"] == LIST[who]


def test_list_filters(world, submitted_a, as_user):
    client = as_user("staff")
    plan = world.plan.code
    assert client.get(f"/api/v1/reports/?plan={plan}&period=2026-Q1").json()["count"] == 2
    results = client.get(f"/api/v1/reports/?plan={plan}&period=2026-Q1&status=submitted").json()["results"]
    assert [(r["agency"], r["status"], r["period"]) for r in results] == [("Sở Y tế", "submitted", "2026-Q1")]
    assert client.get("/api/v1/reports/?status=draft,submitted").json()["count"] == 4
    assert client.get("/api/v1/reports/?plan=khong-co").json()["count"] == 0
    response = client.get("/api/v1/reports/?status=xong")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Trạng thái không hợp lệ: xong.")


def test_list_query_count_does_not_grow(world, province, as_user, django_assert_num_queries):
    client = as_user("staff")
    # the count and the page; the caller's memberships are a subquery inside both
    with django_assert_num_queries(2):
        client.get("/api/v1/reports/")
    for n in range(10):
        agency = AgencyFactory(province=province, name=f"UBND xã {n}")
        IndicatorFactory(plan=world.plan, code=f"X.{n}").lead_agencies.add(agency)
    from reports.services import periods_open

    periods_open(plan=world.plan, today=dt.date(2026, 3, 1))
    with django_assert_num_queries(2):
        assert client.get("/api/v1/reports/").json()["count"] == 24


def test_token_authentication(report_a, reporter_a):
    token = Token.objects.create(user=reporter_a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(url(report_a)).status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token sai")
    assert client.get(url(report_a)).status_code in (401, 403)


COMPLIANCE = {"staff": 200, "leader": 200, "reporter_a": 404, "head_a": 404, "reporter_b": 404,
              "other_staff": 404, "outsider": 404, "anonymous": 403}


@pytest.mark.parametrize("who", EVERYONE)
def test_compliance_matrix(world, as_user, who):
    response = as_user(who).get(f"/api/v1/plans/{world.plan.code}/compliance/?period=2026-Q1")
    assert response.status_code == COMPLIANCE[who]


def test_compliance_body(world, submitted_a, as_user):
    client = as_user("staff")
    body = client.get(f"/api/v1/plans/{world.plan.code}/compliance/?period=2026-Q1").json()
    assert body["period"] == "2026-Q1"
    assert body["due_at"] == "2026-03-20T00:00:00+07:00"
    assert [row["agency"] for row in body["agencies"]] == ["Sở Y tế", "UBND phường Cao Lãnh"]
    assert body["totals"]["expected"] == 2
    assert body["totals"]["entries_assigned"] == 6
    response = client.get(f"/api/v1/plans/{world.plan.code}/compliance/?period=2031-Q1")
    assert response.status_code == 404
    assert response.json()["detail"] == "Kế hoạch không có kỳ báo cáo “2031-Q1”."
    assert client.get("/api/v1/plans/khong-co/compliance/").status_code == 404


def test_head_confirmation_through_the_api(province, report_a, as_user):
    from tests.reports.factories import ReportingPolicyFactory

    ReportingPolicyFactory(province=province, require_head_confirmation=True)
    assert as_user("reporter_a").post(url(report_a, "submit")).json()["status"] == "awaiting_confirmation"
    assert as_user("reporter_a").post(url(report_a, "confirm")).status_code == 403
    assert as_user("reporter_b").post(url(report_a, "confirm")).status_code == 404
    response = as_user("head_a").post(url(report_a, "send-back"), {"reason": "Thiếu nguồn"}, format="json")
    assert response.json()["status"] == "draft"
    as_user("reporter_a").post(url(report_a, "submit"))
    body = as_user("head_a").post(url(report_a, "confirm")).json()
    assert body["status"] == "submitted"
    assert body["submitted_at"] is not None
