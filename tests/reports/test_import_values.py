"""manage.py import_values: per-row lines in Vietnamese, exit 1 on errors, --dry-run, --user scoping."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.models import AgencyReport, IndicatorEntry
from tests.reports.test_bulk_values import LONG_HEADER, LONG_ROWS, add_communes, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune_world(world, province, agency_b):
    return add_communes(world, province, agency_b)


def command(*args):
    out = io.StringIO()
    call_command("import_values", *map(str, args), stdout=out)
    return out.getvalue()


def test_imports_and_prints_each_row(commune_world, staff, agency_a, tmp_path):
    path = write_csv(tmp_path / "so-lieu.csv", [LONG_HEADER, *LONG_ROWS])
    output = command(path, "--plan", commune_world.plan.code, "--period", "2026-Q1", "--user", "staff",
                     "--source", "Công văn số 45/SYT-KHTC ngày 10/03/2026")
    assert "bố cục mỗi dòng một cơ quan và một chỉ tiêu, 4 giá trị" in output
    assert "Dòng 2: Sở Y tế · I.1 = 95,5 (mới)" in output
    assert "Đã ghi 4 giá trị mới, 0 thay đổi, 0 không đổi vào 3 báo cáo." in output
    report = commune_world.report(agency_a)
    assert (report.source_reference, report.entered_by, report.entered_on_behalf) == (
        "Công văn số 45/SYT-KHTC ngày 10/03/2026", staff, True)

    again = command(path, "--plan", commune_world.plan.code, "--period", "2026-Q1", "--user", "staff")
    assert "Dòng 2: Sở Y tế · I.1 = 95,5 (không đổi)" in again
    assert IndicatorEntry.objects.filter(report=report, indicator__code="I.1").get().value == Decimal("95.5")


def test_dry_run_writes_nothing(commune_world, staff, tmp_path):
    path = write_csv(tmp_path / "a.csv", [LONG_HEADER, *LONG_ROWS])
    output = command(path, "--plan", commune_world.plan.code, "--period", "2026-Q1", "--user", "staff", "--dry-run")
    assert "chưa ghi" in output
    assert not IndicatorEntry.objects.filter(value__isnull=False).exists()


def test_bad_row_exits_1_and_names_it(commune_world, staff, tmp_path):
    path = write_csv(tmp_path / "a.csv", [LONG_HEADER, *LONG_ROWS, ["5", "Sở Y tế", "I.1", "105", "", "", "", ""]])
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 dòng lỗi: chưa ghi gì") as raised:
        call_command("import_values", str(path), "--plan", commune_world.plan.code, "--period", "2026-Q1",
                     "--user", "staff", stdout=out)
    assert raised.value.returncode == 1
    assert "Dòng 6: lỗi: Trùng với Dòng 2" in out.getvalue()
    assert not IndicatorEntry.objects.filter(value__isnull=False).exists()


def test_staff_of_another_province_is_refused(commune_world, other_staff, tmp_path):
    path = write_csv(tmp_path / "a.csv", [LONG_HEADER, *LONG_ROWS])
    with pytest.raises(CommandError, match="Chỉ cán bộ Sở KH&CN của tỉnh"):
        command(path, "--plan", commune_world.plan.code, "--period", "2026-Q1", "--user", "other_staff")
    assert not AgencyReport.objects.filter(entered_on_behalf=True).exists()


def test_unknown_plan_period_user(commune_world, staff, tmp_path):
    path = write_csv(tmp_path / "a.csv", [LONG_HEADER, *LONG_ROWS])
    with pytest.raises(CommandError, match="Không có kế hoạch mã “khong-co”"):
        command(path, "--plan", "khong-co", "--period", "2026-Q1", "--user", "staff")
    with pytest.raises(CommandError, match="không có kỳ báo cáo “2026-Q9”"):
        command(path, "--plan", commune_world.plan.code, "--period", "2026-Q9", "--user", "staff")
    with pytest.raises(CommandError, match="Không có người dùng “ai-do”"):
        command(path, "--plan", commune_world.plan.code, "--period", "2026-Q1", "--user", "ai-do")
    with pytest.raises(CommandError, match="Chưa có quản trị viên"):
        command(path, "--plan", commune_world.plan.code, "--period", "2026-Q1")
