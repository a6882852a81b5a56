"""Issue 15 item 4: a new province from zero, on an empty database, with the commands the README lists:
create_province, import_agencies, import_users, import_plan, and the first period opening by itself."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from agencies.models import Agency, Membership, Province
from plans.models import Plan
from plans.services import plan_status_set
from reports.models import AgencyReport, ReportingPeriod

ROOT = Path(__file__).resolve().parents[2]
AGENCY_HEADERS = ["Tên cơ quan", "Tên viết tắt", "Tên gọi khác", "Loại", "Đơn vị cấp trên", "Thành viên",
                  "Đơn vị kế thừa", "Đang hoạt động"]


def _xlsx(path: Path, header: list[str], rows: list[list]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _directory_file(path: Path) -> Path:
    """The Đồng Tháp directory of the demo, as the spreadsheet a province's IT centre would fill in."""
    data = json.loads((ROOT / "fixtures" / "dong_thap_agencies.json").read_text(encoding="utf-8"))
    labels = dict(Agency.Kind.choices)
    rows = [[a["name"], a.get("short_name", ""), "; ".join(a.get("aliases", [])), str(labels[a["kind"]]),
             a.get("parent", ""), "; ".join(a.get("members", [])), a.get("successor", ""),
             "" if a.get("active", True) else "không"] for a in data["agencies"]]
    return _xlsx(path, AGENCY_HEADERS, rows)


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_province_from_zero(tmp_path, client, settings):
    from config.celery import app

    assert not Province.objects.exists() and not Plan.objects.exists()
    assert "dong-thap" in _run("create_province", "Đồng Tháp")

    out = _run("import_agencies", str(_directory_file(tmp_path / "co-quan.xlsx")))
    assert "61 cơ quan mới" in out
    dost = Agency.objects.get(name="Sở Khoa học và Công nghệ")
    assert dost.short_name == "Sở KH&CN" and "SKHCN" in dost.aliases
    group = Agency.objects.get(name="Các sở, ban, ngành tỉnh")
    assert group.kind == Agency.Kind.GROUP and group.members.count() > 5
    merged = Agency.objects.get(name="Sở Thông tin và Truyền thông")
    assert (merged.active, merged.successor) == (False, dost)
    assert "0 cơ quan mới, 0 cơ quan cập nhật, 61 giữ nguyên" in _run(
        "import_agencies", str(_directory_file(tmp_path / "lan-hai.xlsx")))  # again: nothing changes

    users = _xlsx(tmp_path / "tai-khoan.xlsx", ["Tên đăng nhập", "Họ và tên", "Thư điện tử", "Cơ quan", "Vai trò"], [
        ["canbo.khcn", "Nguyễn Văn Cán", "canbo@dongthap.gov.vn", "Sở KH&CN", "Cán bộ Sở KH&CN"],
        ["baocao.khcn", "Trần Thị Báo", "", "SKHCN", "reporter"],
        ["lanhdao.tinh", "Lê Văn Lãnh", "", "UBND tỉnh", "leader"]])
    out = _run("import_users", str(users))
    assert "Đã tạo 3 tài khoản" in out
    assert Membership.objects.filter(agency=dost, role="reporter", user__username="baocao.khcn").exists()

    app.conf.task_always_eager = True  # no worker in this test: the import's after-commit task runs here
    try:
        seed = ROOT / "fixtures" / "seeds" / "000_ha_tang_so_2026_2030.txt"
        _run("import_plan", str(seed), "--province", "dong-thap", "--quiet-rows")
        plan = Plan.objects.get()
        assert plan.province.code == "dong-thap" and plan.indicators.count() == 10
        # Staff put the plan into force (its status in the admin); the beat opens the period that night, 00:30.
        plan_status_set(plan=plan, status=Plan.Status.ACTIVE)
        with time_machine.travel(dt.datetime(2026, 1, 1, 17, 30, tzinfo=dt.UTC), tick=False):
            from reports.tasks import open_periods

            assert settings.CELERY_BEAT_SCHEDULE["reports-open-periods"]["task"] == open_periods.name
            open_periods.apply().get()
            period = ReportingPeriod.objects.get(plan=plan, code="2026-Q1")
            report = AgencyReport.objects.get(period=period, agency=dost)
            client.force_login(Membership.objects.get(user__username="baocao.khcn").user)
            page = client.get(reverse("reports:inbox"))
            assert page.status_code == 200 and f"/bao-cao/{report.pk}/" in page.content.decode()
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.mark.django_db
def test_a_bad_directory_writes_nothing_and_names_each_row(tmp_path):
    call_command("create_province", "Cà Mau", "--code", "ca-mau", stdout=io.StringIO())
    path = _xlsx(tmp_path / "sai.xlsx", AGENCY_HEADERS, [
        ["Sở Y tế", "SYT", "", "Sở, ban, ngành", "", "", "", ""],
        ["Sở Y tế", "", "", "", "", "", "", ""],
        ["Sở Du lịch", "", "", "Phòng", "Sở Không Có", "", "", ""],
        ["Các sở", "", "", "Nhóm cơ quan", "", "Sở Y tế; Sở Ma", "", ""],
        ["Sở Tài chính", "", "", "", "", "Sở Y tế", "Sở Tài chính", ""],
    ])
    with pytest.raises(CommandError) as error:
        call_command("import_agencies", str(path))
    message = str(error.value)
    assert "4 dòng có lỗi" in message
    assert "Dòng 3: “Sở Y tế” trùng với dòng 2" in message
    assert "Dòng 4: loại “Phòng” không hợp lệ" in message and "không tìm thấy cơ quan “Sở Không Có”" in message
    assert "Dòng 5: thành viên: không tìm thấy cơ quan “Sở Ma”" in message
    assert "Dòng 6: " in message and "chỉ nhóm cơ quan" in message and "chính cơ quan này" in message
    assert not Agency.objects.exists()


@pytest.mark.django_db
def test_create_province_refuses_a_duplicate():
    call_command("create_province", "Đồng Tháp", stdout=io.StringIO())
    with pytest.raises(CommandError, match="đã có trong hệ thống"):
        call_command("create_province", "đồng tháp", "--code", "dt2")
    with pytest.raises(CommandError, match="Mã tỉnh “dong-thap” đã được dùng"):
        call_command("create_province", "Đồng Tháp mới", "--code", "dong-thap")


@pytest.mark.django_db
def test_province_admin_creates_through_the_service(admin_client):
    response = admin_client.post(reverse("admin:agencies_province_add"), {"name": "Vĩnh Long", "code": "vinh-long"})
    assert response.status_code == 302
    assert Province.objects.get().code == "vinh-long"
