"""seed_demo: the province, its agency directory, the four seed plans through the importer, demo users."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from agencies.models import Agency, Membership, Province
from indicators.models import Baseline, Indicator, Target
from plans.models import Plan, Task
from reports.models import AgencyReport, ReportingPeriod

pytestmark = pytest.mark.django_db
User = get_user_model()
Role = Membership.Role


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def snapshot() -> dict:
    return {
        "agencies": sorted(Agency.objects.values_list("name", "short_name", "kind", "active", "successor__name",
                                                      "parent__name")),
        "members": sorted(Agency.members.through.objects.values_list("from_agency__name", "to_agency__name")),
        "users": sorted(User.objects.values_list("username", "password", "is_staff", "is_superuser")),
        "memberships": sorted(Membership.objects.values_list("user__username", "agency__name", "role")),
        "plans": list(Plan.objects.values_list("code", "status", "updated_at")),
        "indicators": sorted(Indicator.objects.values_list("code", "name")),
        "targets": sorted(Target.objects.values_list("indicator__code", "year", "op", "low", "text")),
        "tasks": sorted(Task.objects.values_list("code", "deadline_kind", "due_date")),
        "reports": sorted(AgencyReport.objects.values_list("agency__name", "period__code", "version")),
    }


# -- seed_demo ----------------------------------------------------------------------------------------

@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    with time_machine.travel("2026-11-25 09:00 +07:00", tick=False):
        yield run("seed_demo")


def test_seed_demo_builds_the_province_plan_and_users(seeded):
    province = Province.objects.get()
    assert province.name == "Đồng Tháp"
    assert Agency.objects.filter(province=province, kind=Agency.Kind.GROUP).count() >= 4
    assert Agency.objects.get(name="Sở Thông tin và Truyền thông").successor.name == "Sở Khoa học và Công nghệ"
    plan = Plan.objects.get(code="ha-tang-so-2026-2030")
    assert plan.monitoring_agency.name == "Sở Khoa học và Công nghệ"
    assert plan.indicators.count() == 10
    assert plan.tasks.count() == 22  # Phụ lục II of seed 000 numbers 22 tasks
    domains = plan.indicators.get(code="I.5")
    assert Baseline.objects.get(indicator=domains).value == 16861
    assert list(domains.targets.values_list("year", "low")) == [
        (2026, 43863), (2027, 55561), (2028, 70561), (2029, 89817), (2030, 114570)]
    assert str(plan.indicators.get(code="I.7").baseline.value).rstrip("0") == "5.07"
    first_task = plan.tasks.get(code="1")
    assert {a.name for a in first_task.coordinating_agencies.all()} == {
        "Trung tâm Internet Việt Nam", "Các sở, ban, ngành tỉnh", "UBND các xã, phường",
        "Các doanh nghiệp viễn thông"}
    assert first_task.deadline_kind == Task.DeadlineKind.YEAR_RANGE
    assert str(first_task.due_date) == "2030-12-31"
    assert plan.tasks.get(code="20").lead_agencies.get().name == "Sở Xây dựng"
    for username, role, agency in [("canbo.khcn", Role.STAFF, "Sở Khoa học và Công nghệ"),
                                   ("baocao.yte", Role.REPORTER, "Sở Y tế"),
                                   ("lanhdao.yte", Role.AGENCY_HEAD, "Sở Y tế"),
                                   ("baocao.caolanh", Role.REPORTER, "UBND phường Cao Lãnh"),
                                   ("lanhdao.tinh", Role.LEADER, "Ủy ban nhân dân tỉnh Đồng Tháp")]:
        assert Membership.objects.filter(user__username=username, role=role, agency__name=agency).exists()
    assert User.objects.get(username="admin").is_superuser
    staff = User.objects.get(username="canbo.khcn")
    assert staff.is_staff and staff.has_perm("indicators.change_target")
    assert "canbo.khcn" in seeded and "chitieu-demo-2026" in seeded


def test_seed_demo_twice_changes_nothing(seeded):
    before = snapshot()
    output = run("seed_demo")
    assert snapshot() == before
    assert "thêm 0 cơ quan, cập nhật 0" in output
    assert "mới tạo" not in output


def test_seed_demo_if_empty_skips_a_database_with_a_province(seeded):
    before = snapshot()
    assert "bỏ qua" in run("seed_demo", "--if-empty")
    assert snapshot() == before


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="chỉ chạy khi DEBUG bật"):
        run("seed_demo")
    assert not Province.objects.exists()
    run("seed_demo", "--force")
    assert Province.objects.exists()


def test_demo_staff_reaches_the_plan_list_with_seed_000(seeded, client):
    assert client.login(username="canbo.khcn", password="chitieu-demo-2026")
    response = client.get("/", follow=True)
    body = response.content.decode()
    assert "Phát triển hạ tầng số trên địa bàn tỉnh Đồng Tháp" in body
    detail = client.get("/ke-hoach/ha-tang-so-2026-2030/").content.decode()
    assert "Tỷ lệ phủ sóng di động 5G cho người dân" in detail




def test_demo_reporters_find_their_open_reports(seeded):
    """The seed plans in force have their periods open, so the demo reporter's inbox is not empty."""
    assert Plan.objects.get(code="ha-tang-so-tien-giang-2023-2025").status == Plan.Status.CLOSED
    open_codes = set(AgencyReport.objects.filter(agency__name="Sở Khoa học và Công nghệ")
                     .values_list("period__code", flat=True))
    assert {"2026-Q4", "2026-Y"} <= open_codes
    assert not AgencyReport.objects.filter(plan__code="ha-tang-so-tien-giang-2023-2025").exists()
    assert AgencyReport.objects.filter(agency__name="Sở Y tế").exists()


def test_seed_001_reports_the_year_before_15_december(seeded):
    """Seed 001 (“Hằng năm, báo cáo kết quả thực hiện trước ngày 15/12”) sets its own annual deadline."""
    due = dict(ReportingPeriod.objects.filter(plan__code="hop-tac-vnpt-2026-2030").values_list("code", "due_on"))
    assert due["2026-Y"] == dt.date(2026, 12, 15) and due["2030-Y"] == dt.date(2030, 12, 15)
    assert due["2026-Q4"] == dt.date(2026, 12, 20)
    other = dict(ReportingPeriod.objects.filter(plan__code="chuyen-doi-so-2026").values_list("code", "due_on"))
    assert other["2026-Y"] == dt.date(2026, 12, 1)  # seed 002: “trước ngày 01/12”, the default


def test_seed_demo_writes_a_reporting_history_and_computes_progress(seeded):
    from progress.models import AgencyProgress, PlanProgress
    from reports.models import ReportEvent

    plan = Plan.objects.get(code="ha-tang-so-2026-2030")
    reports = AgencyReport.objects.filter(plan__status=Plan.Status.ACTIVE, period__code__in=[
        "2026-Q1", "2026-Q2", "2026-Q3"]).with_compliance()
    assert reports.filter(status=AgencyReport.Status.APPROVED).count() >= 20
    assert reports.filter(is_late=True).exists() and reports.filter(is_on_time=True).exists()
    assert reports.filter(is_missing=True).exists()
    assert reports.filter(status=AgencyReport.Status.SUBMITTED).count() >= 1
    assert ReportEvent.objects.filter(action=ReportEvent.Action.RETURNED).exists()
    assert PlanProgress.objects.filter(plan=plan, year=2026).exists()
    assert AgencyProgress.objects.filter(plan=plan, year=2026).exists()
