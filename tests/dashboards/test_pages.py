"""The dashboards' pages: who may read each, what they show, bad input, escaping, exports, query bounds."""

import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Agency
from plans.models import Plan
from progress.models import PlanProgress

pytestmark = pytest.mark.django_db

ROLES = ["leader", "staff", "reporter_a", "reporter_b", "head_a", "other_staff", "anonymous"]


def _pages(world, agency_a, agency_b) -> dict[str, str]:
    plan = world.plan
    return {
        "overview_all": reverse("dashboards:overview"),
        "overview": reverse("dashboards:overview") + f"?plan={plan.code}&year=2026",
        "indicator": reverse("dashboards:indicator", args=[world.indicators["I.1"].pk]),
        "agency_a": reverse("dashboards:agency", args=[agency_a.pk]),
        "agency_b": reverse("dashboards:agency", args=[agency_b.pk]),
        "plan_list": reverse("plans:list"),
        "plan_detail": reverse("plans:detail", args=[plan.code]),
    }


# 200 may read; 403 has no role for it; 404 may not see that object; "login" anonymous.
EXPECTED = {
    "leader": dict.fromkeys(["overview_all", "overview", "indicator", "agency_a", "agency_b", "plan_list",
                             "plan_detail"], 200),
    "staff": dict.fromkeys(["overview_all", "overview", "indicator", "agency_a", "agency_b", "plan_list",
                            "plan_detail"], 200),
    "reporter_a": {"overview_all": 403, "overview": 403, "indicator": 200, "agency_a": 200, "agency_b": 404,
                   "plan_list": 403, "plan_detail": 403},
    "head_a": {"overview_all": 403, "overview": 403, "indicator": 200, "agency_a": 200, "agency_b": 404,
               "plan_list": 403, "plan_detail": 403},
    "reporter_b": {"overview_all": 403, "overview": 403, "indicator": 404, "agency_a": 404, "agency_b": 200,
                   "plan_list": 403, "plan_detail": 403},
    "other_staff": {"overview_all": 200, "overview": 404, "indicator": 404, "agency_a": 404, "agency_b": 404,
                    "plan_list": 200, "plan_detail": 404},
    "anonymous": dict.fromkeys(["overview_all", "overview", "indicator", "agency_a", "agency_b", "plan_list",
                                "plan_detail"], "login"),
}


@pytest.mark.parametrize("who", ROLES)
def test_each_page_for_each_role(client, request, world, agency_a, agency_b, leader, head_a, other_staff, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for page, url in _pages(world, agency_a, agency_b).items():
        response = client.get(url)
        expected = EXPECTED[who][page]
        if expected == "login":
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), page
        else:
            assert response.status_code == expected, (who, page)


def test_other_province_staff_sees_only_its_plans_in_all_plans_mode(client, world, other_staff):
    client.force_login(other_staff)
    assert "Hạ tầng số" not in client.get(reverse("dashboards:overview")).content.decode()


def test_reporter_lists_only_its_own_agency_values_on_the_indicator_page(client, world, reporter_a, staff):
    client.force_login(reporter_a)
    body = client.get(reverse("dashboards:indicator", args=[world.indicators["I.1"].pk])).content.decode()
    assert "Sở Y tế" in body and "UBND phường Cao Lãnh" not in body


def _figure(body: str, fig_id: str) -> dict:
    match = re.search(rf'<script id="{fig_id}" type="application/json">(.*?)</script>', body, re.S)
    assert match, fig_id
    return json.loads(match.group(1))


def test_overview_figures_carry_the_snapshot_numbers(client, world, leader):
    client.force_login(leader)
    body = client.get(reverse("dashboards:overview") + "?plan=ha-tang-so&year=2026").content.decode()
    figure = _figure(body, "fig-theo-muc")
    by_name = {trace["name"]: trace["x"] for trace in figure["data"]}
    # As of 10/05/2026 one quarter has ended: I.1 reported 60 against an expected 50 + 40 × 1/4 = 60 → on
    # track; the bar of the section carries every status of the snapshot with its count.
    rollup = PlanProgress.objects.get(plan=world.plan, year=2026).counts
    assert rollup["on_track"] >= 1 and sum(rollup.values()) == 4
    for status, n in rollup.items():
        label = {"on_track": "Đúng tiến độ", "at_risk": "Có nguy cơ chậm", "off_track": "Chậm tiến độ",
                 "no_data": "Chưa có số liệu", "achieved": "Đạt", "stale": "Số liệu cũ"}[status]
        assert by_name[label] == [n]
    assert figure["layout"]["separators"] == ",."
    assert figure["config"] == {"displaylogo": False, "responsive": True,
                                "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}
    heatmap = _figure(body, "fig-tuan-thu")["data"][0]
    assert heatmap["type"] == "heatmap"
    assert heatmap["x"][:2] == ["Quý 1/2026", "Quý 2/2026"]
    assert "Đúng hạn" in heatmap["text"][0][0]


def test_indicator_figure_has_targets_actuals_and_course(client, world, leader):
    client.force_login(leader)
    body = client.get(reverse("dashboards:indicator", args=[world.indicators["I.1"].pk])).content.decode()
    traces = {t["name"]: t for t in _figure(body, "fig-dien-bien")["data"]}
    assert traces["Hiện trạng"]["y"] == [50.0]
    assert traces["Mục tiêu năm"]["y"] == [90.0, 100.0]
    assert traces["Thực tế theo quý"]["y"] == [60.0]
    assert traces["Thực tế cả năm"]["y"] == [60.0]
    assert traces["Lộ trình đến mục tiêu 2030"]["y"] == [50.0, 100.0]
    assert "ghi chú nội bộ" not in body  # notes are not shown on the dashboards


def test_user_text_is_escaped_in_page_hover_text_and_export(client, world, leader, agency_a):
    evil = "<script>alert(1)</script>"
    Agency.objects.filter(pk=agency_a.pk).update(name=evil, short_name=evil)
    task = world.tasks["II.1"]
    task.content = evil
    task.start_date, task.due_date = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
    task.save(update_fields=["content", "start_date", "due_date"])
    from progress.services import plan_recompute

    plan_recompute(plan=world.plan)
    client.force_login(leader)
    url = reverse("dashboards:overview") + "?plan=ha-tang-so&year=2026"
    body = client.get(url).content.decode()
    assert evil not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    timeline = _figure(body, "fig-tien-do-nv")
    labels = [label for trace in timeline["data"] for label in trace["y"]]
    assert any("&lt;script&gt;" in label for label in labels) and not any("<script>" in label for label in labels)
    heatmap = _figure(body, "fig-tuan-thu")["data"][0]
    assert all("<script>" not in name for name in heatmap["y"])
    agency_page = client.get(reverse("dashboards:agency", args=[agency_a.pk])).content.decode()
    assert evil not in agency_page
    workbook = load_workbook(io.BytesIO(client.get(url + "&xuat=co-quan").content))
    values = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert evil in values  # a workbook holds text, not HTML: kept as written, as a string


def test_tables_export_to_xlsx_with_numbers_as_numbers(client, world, leader):
    client.force_login(leader)
    response = client.get(reverse("plans:detail", args=["ha-tang-so"]) + "?year=2026&xuat=chi-tieu")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if row and row[0] == "Chỉ tiêu")
    assert header[:5] == ["Chỉ tiêu", "ĐVT", "Hiện trạng", "Mục tiêu năm 2026", "Thực tế"]
    first = rows[rows.index(header) + 1]
    assert first[0].startswith("I.1") and first[4] == 60 and first[5] == "Đúng tiến độ"
    assert any(str(row[0]).startswith("Số liệu tính đến ngày 10/05/2026") for row in rows if row[0])
    assert client.get(reverse("plans:detail", args=["ha-tang-so"]) + "?xuat=khong-co").status_code == 404


@pytest.mark.parametrize("url", [
    "/tong-quan/?plan=khong-co", "/tong-quan/?plan=ha-tang-so&year=2040", "/tong-quan/?plan=ha-tang-so&year=abc",
    "/tong-quan/chi-tieu/999999/", "/tong-quan/co-quan/999999/", "/ke-hoach/khong-co/",
    "/ke-hoach/ha-tang-so/?year=1999", "/cong-khai/khong-co/"])
def test_bad_input_is_a_404_never_a_500(client, world, leader, url):
    client.force_login(leader)
    assert client.get(url).status_code == 404


def test_no_snapshot_says_so_and_offers_staff_the_recompute(client, world, staff, leader,
                                                            django_capture_on_commit_callbacks):
    Plan.objects.filter(pk=world.plan.pk)
    PlanProgress.objects.filter(plan=world.plan).delete()
    url = reverse("dashboards:overview") + "?plan=ha-tang-so&year=2026"
    client.force_login(leader)
    body = client.get(url).content.decode()
    assert "Chưa tính tiến độ" in body and "Tính lại tiến độ" not in body
    client.force_login(staff)
    body = client.get(url).content.decode()
    assert "Chưa tính tiến độ" in body and "Tính lại tiến độ" in body
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("dashboards:recompute", args=["ha-tang-so"]), {"next": url}, follow=True)
    assert len(callbacks) == 1  # the recompute is queued once the request's transaction commits
    body = response.content.decode()
    assert "Đã xếp lịch tính lại tiến độ" in body and "Đang cập nhật" in body
    client.force_login(leader)
    assert client.post(reverse("dashboards:recompute", args=["ha-tang-so"])).status_code == 403


def test_plan_page_shows_actual_status_and_links_for_leaders(client, world, leader):
    client.force_login(leader)
    body = client.get(reverse("plans:detail", args=["ha-tang-so"]) + "?year=2026").content.decode()
    assert reverse("dashboards:indicator", args=[world.indicators["I.1"].pk]) in body
    assert 'class="badge st-on_track"' in body
    assert "/xuat/xlsx/" not in body  # plan file downloads stay with staff
    filtered = client.get(reverse("plans:detail", args=["ha-tang-so"]) + "?year=2026&trang_thai=on_track")
    assert "I.4." not in filtered.content.decode()


def test_plan_page_names_the_lead_agencies_of_each_line_in_their_order(client, world, leader, agency_a, agency_b):
    from dashboards.content import plan_content
    from dashboards.selectors import plan_page

    agency_a.short_name = "Sở YT"
    agency_a.save()
    indicator = world.indicators["I.1"]
    indicator.lead_agencies.set([agency_a, agency_b])
    expected = "; ".join(a.display_name for a in indicator.lead_agencies.all())  # Agency's order: kind, name
    data = plan_page(plan=world.plan, year=2026)
    rows = plan_content(world.plan, data, 2026)["tables"]["chi-tieu"].rows
    row = next(row for row in rows if row[0].text.startswith("I.1."))
    assert row[-1] == expected and "Sở YT" in expected
    client.force_login(leader)
    assert "Sở YT" in client.get(reverse("plans:detail", args=["ha-tang-so"]) + "?year=2026").content.decode()


def test_public_page_is_off_by_default_and_shows_only_public_figures(client, world, reporter_a):
    url = reverse("public:progress", args=["ha-tang-so"])
    assert client.get(url).status_code == 404
    Plan.objects.filter(pk=world.plan.pk).update(public_progress=True)
    # A value entered but never approved must not show.
    from reports.services import periods_open

    periods_open(plan=world.plan, today=dt.date(2026, 5, 10))
    report = world.report(world.indicators["I.1"].lead_agencies.get(), "2026-Q2")
    report.indicator_entries.filter(indicator__code="I.1").update(value=987654)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "≥ 90%" in body and "60" in body and "Đúng tiến độ" in body
    for hidden in ("987.654", "987654", "ghi chú nội bộ", "Sở Y tế", "UBND phường Cao Lãnh", "/bao-cao/", "Tính lại"):
        assert hidden not in body, hidden


def test_the_404_page_is_vietnamese(client, world, leader, settings):
    settings.DEBUG = False
    client.force_login(leader)
    response = client.get("/tong-quan/chi-tieu/999999/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_reporters_inbox_links_their_agency_page(client, world, reporter_a, agency_a):
    client.force_login(reporter_a)
    body = client.get(reverse("reports:inbox")).content.decode()
    assert f'href="{reverse("dashboards:agency", args=[agency_a.pk])}"' in body


def test_leader_lands_on_the_overview(client, world, leader):
    client.force_login(leader)
    assert client.get("/")["Location"] == reverse("dashboards:overview")


def test_an_approval_waiting_for_its_recompute_shows_updating_until_the_recompute(client, world, leader, staff,
                                                                                  agency_a, reporter_a):
    """The recompute request an approval records (kept in the database even when the broker is down) makes
    every page say "Đang cập nhật" until the recompute has run."""
    from progress.services import plan_recompute
    from tests.dashboards.conftest import TODAY
    from tests.progress.factories import approve_report

    url = reverse("dashboards:overview") + "?plan=ha-tang-so&year=2026"
    client.force_login(leader)
    assert "Đang cập nhật" not in client.get(url).content.decode()
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, code="2026-Q2", on=TODAY,
                   indicators={"I.1": {"value": "70"}})
    assert "Đang cập nhật" in client.get(url).content.decode()
    assert "Đang cập nhật tiến độ của" in client.get(reverse("dashboards:overview")).content.decode()  # all plans
    plan_recompute(plan=world.plan, as_of=TODAY)
    assert "Đang cập nhật" not in client.get(url).content.decode()
