"""manage.py import_plan: what officials run. Errors are Vietnamese and exit with code 1."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from indicators.models import Indicator
from plans.models import Plan
from tests.indicators.importing.conftest import SEED_000, SEED_003

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("import_plan", *map(str, args), stdout=out)
    return out.getvalue()


def test_dry_run_prints_counts_rows_and_warnings_and_writes_nothing(directory):
    output = run(SEED_000, "--dry-run", "--province", "Đồng Tháp")
    assert "CHẠY THỬ (--dry-run)" in output
    assert "  - chỉ tiêu: tạo mới 10, cập nhật 0, giữ nguyên 0, xóa 0" in output
    assert "[Phụ lục I, dòng 356] chỉ tiêu I.5 (tạo mới): Số lượng tên miền .vn | Tên miền | hiện trạng 2025 16.861" in output
    assert "Cảnh báo (6):" in output
    assert not Plan.objects.exists()


def test_import_then_reimport(directory):
    assert "Đã nhập xong." in run(SEED_000, "--plan", "ha-tang-so-2026-2030")
    output = run(SEED_000, "--plan", "ha-tang-so-2026-2030")
    assert "  - chỉ tiêu: tạo mới 0, cập nhật 0, giữ nguyên 10, xóa 0" in output
    assert Indicator.objects.filter(plan__code="ha-tang-so-2026-2030").count() == 10


def test_options_override_the_document(directory):
    run(SEED_003, "--province", "dong-thap", "--plan", "tg-ha-tang-so", "--title", "Hạ tầng số (Tiền Giang cũ)",
        "--number", "540/KH-UBND")
    plan = Plan.objects.get(code="tg-ha-tang-so")
    assert (plan.title, plan.province.name, plan.start_year, plan.end_year) == (
        "Hạ tầng số (Tiền Giang cũ)", "Đồng Tháp", 2023, 2025)


def test_errors_abort_with_a_vietnamese_message(directory):
    with pytest.raises(CommandError) as error:
        run(SEED_000, "--province", "Đồng Tháp", "--start-year", "2026", "--end-year", "2027")
    assert "KHÔNG NHẬP" in str(error.value)
    assert "Mục tiêu năm 2030 nằm ngoài thời kỳ kế hoạch 2026–2027" in str(error.value)
    assert not Plan.objects.exists()
    with pytest.raises(CommandError, match="Không có tỉnh “Hà Nội”"):
        run(SEED_000, "--province", "Hà Nội")


def test_exit_code_is_1_from_the_command_line(tmp_path):
    """The real command line, in a subprocess on its own SQLite file (migrated here): it never touches the
    developer's database, and works on a fresh clone and in CI, where only pytest's test database exists."""
    env = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "PATH": "/usr/bin:/bin",
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0", "--skip-checks"], env=env, check=True, cwd=settings.BASE_DIR,
                   timeout=300)
    missing = tmp_path / "khong-co.txt"
    for options, message in [(["--province", "x"], "Không có tỉnh “x” trong hệ thống."),
                             ([], f"Không tìm thấy tệp “{missing}”.")]:
        result = subprocess.run([*manage, "import_plan", str(missing), *options, "--skip-checks"], env=env,
                                capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=120)
        assert result.returncode == 1, result.stderr
        assert message in result.stderr
        assert "Traceback" not in result.stderr
