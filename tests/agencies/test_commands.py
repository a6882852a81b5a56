"""create_user and import_users: what they write, their Vietnamese errors, all-or-nothing."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from agencies.models import Agency, Membership
from indicators.models import Indicator, Target
from plans.models import Plan, Task

pytestmark = pytest.mark.django_db
User = get_user_model()
Role = Membership.Role


def run(*args, stdin: str | None = None) -> str:
    out = io.StringIO()
    if stdin is not None:
        old_stdin, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
    finally:
        if stdin is not None:
            sys.stdin = old_stdin
    return out.getvalue()


def snapshot() -> dict:
    return {
        "agencies": sorted(Agency.objects.values_list("name", "short_name", "kind", "active", "successor__name",
                                                      "parent__name")),
        "members": sorted(Agency.members.through.objects.values_list("from_agency__name", "to_agency__name")),
        "users": sorted(User.objects.values_list("username", "password", "is_staff", "is_superuser")),
        "memberships": sorted(Membership.objects.values_list("user__username", "agency__name", "role")),
        "plans": list(Plan.objects.values_list("code", "updated_at")),
        "indicators": sorted(Indicator.objects.values_list("code", "name")),
        "targets": sorted(Target.objects.values_list("indicator__code", "year", "op", "low", "text")),
        "tasks": sorted(Task.objects.values_list("code", "deadline_kind", "due_date")),
    }


# -- create_user ------------------------------------------------------------------------------------------

def test_create_user_with_password_from_stdin(agency_a):
    output = run("create_user", "nguyen.van.a", "--agency", "so y te", "--role", "Người báo cáo",
                 "--password-stdin", "--email", "a@dongthap.gov.vn", "--full-name", "Nguyễn Văn A",
                 stdin="mat-khau-rat-manh-2026\n")
    user = User.objects.get(username="nguyen.van.a")
    assert user.check_password("mat-khau-rat-manh-2026")
    assert user.get_full_name() == "Nguyễn Văn A"
    assert user.memberships.get().role == Role.REPORTER
    assert not user.is_staff
    assert "Đã tạo tài khoản nguyen.van.a" in output


def test_create_user_staff_enters_the_admin(dost):
    output = run("create_user", "canbo2", "--agency", "Sở KH&CN", "--role", "staff")
    user = User.objects.get(username="canbo2")
    assert user.is_staff and user.groups.filter(name="Sở KH&CN").exists()
    password = output.split("Mật khẩu: ")[1].strip()
    assert user.check_password(password)


@pytest.mark.parametrize("args,message", [
    (["--agency", "Sở Y tá", "--role", "reporter"], "Không tìm thấy cơ quan “Sở Y tá”; gần giống: Sở Y tế"),
    (["--agency", "Sở Y tế", "--role", "giam_doc"], "Vai trò “giam_doc” không hợp lệ"),
    (["--agency", "Sở Thuỷ sản", "--role", "reporter"], "Không tìm thấy cơ quan"),
])
def test_create_user_errors_write_nothing(agency_a, args, message):
    with pytest.raises(CommandError, match=message):
        run("create_user", "moi", *args)
    assert not User.objects.filter(username="moi").exists()


def test_create_user_refuses_a_weak_password_from_stdin(agency_a):
    with pytest.raises(CommandError, match="Mật khẩu quá ngắn"):
        run("create_user", "moi", "--agency", "Sở Y tế", "--role", "reporter", "--password-stdin", stdin="1234\n")
    assert not User.objects.filter(username="moi").exists()


def test_create_user_duplicate_username(agency_a, reporter_a):
    with pytest.raises(CommandError, match="Tên đăng nhập “reporter_a” đã tồn tại"):
        run("create_user", "reporter_a", "--agency", "Sở Y tế", "--role", "reporter")
    assert Membership.objects.filter(user__username="reporter_a").count() == 1


def test_create_user_refuses_a_group(province):
    Agency.objects.create(province=province, name="UBND các xã, phường", kind=Agency.Kind.GROUP)
    with pytest.raises(CommandError, match="là nhóm cơ quan"):
        run("create_user", "moi", "--agency", "UBND các xã, phường", "--role", "reporter")


def test_create_user_from_the_command_line_prints_one_vietnamese_line_and_exits_1(tmp_path):
    """The real command line, in a subprocess on its own SQLite file: exit code 1, no traceback."""
    env = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "PATH": "/usr/bin:/bin",
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0", "--skip-checks"], env=env, check=True, cwd=settings.BASE_DIR)
    subprocess.run([*manage, "shell", "-c",
                    "from agencies.models import Province, Agency; p=Province.objects.create(name='Đồng Tháp',"
                    "code='dong-thap'); Agency.objects.create(province=p, name='Sở Y tế')"],
                   env=env, check=True, cwd=settings.BASE_DIR)
    result = subprocess.run([*manage, "create_user", "x", "--agency", "Sở Ytế", "--role", "reporter",
                             "--skip-checks"], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert result.returncode == 1
    assert result.stderr.strip() == "Không tìm thấy cơ quan “Sở Ytế”; gần giống: Sở Y tế."


@pytest.mark.parametrize("args,message", [
    (["create_user", "x"], "Thiếu tham số: --agency, --role. Xem: manage.py create_user --help"),
    (["create_user", "x", "--agency"], "Tham số --agency cần một giá trị. Xem: manage.py create_user --help"),
    (["import_users", "a.xlsx", "--sheet", "2"], "Không hiểu tham số: --sheet 2. Xem: manage.py import_users --help"),
])
def test_argument_mistakes_on_the_command_line_are_one_vietnamese_line_and_exit_1(tmp_path, args, message):
    """argparse would print its English usage block and exit 2; the database is never reached."""
    env = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}", "PATH": "/usr/bin:/bin",
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run([sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args, "--skip-checks"],
                            env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert result.returncode == 1
    assert result.stderr.strip() == message


# -- import_users ---------------------------------------------------------------------------------------

def workbook(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


VIETNAMESE_HEADER = ["Tên đăng nhập", "Họ và tên", "Thư điện tử/Email", "Cơ quan", "Vai trò"]


def test_import_users_with_vietnamese_headers_and_labels(tmp_path, agency_a, agency_b, dost):
    path = workbook(tmp_path / "users.xlsx", VIETNAMESE_HEADER, [
        ["bc.yte", "Trần Thị B", "b@dongthap.gov.vn", "Sở Y tế", "Người báo cáo"],
        ["ld.yte", "Lê Văn C", "", "SYT", "lanh dao don vi"],
        ["cb.khcn", "Phạm D", "", "Sở KH&CN", "staff"],
        [None, None, None, None, None],
        ["bc.caolanh", "Võ E", "", "UBND phường Cao Lãnh", "reporter"],
    ])
    output = run("import_users", str(path))
    assert sorted(Membership.objects.values_list("user__username", "role")) == [
        ("bc.caolanh", Role.REPORTER), ("bc.yte", Role.REPORTER), ("cb.khcn", Role.STAFF),
        ("ld.yte", Role.AGENCY_HEAD)]
    assert User.objects.get(username="cb.khcn").is_staff
    assert "Đã tạo 4 tài khoản" in output
    password = dict(line.split("\t") for line in output.splitlines()[1:])["bc.yte"]
    assert User.objects.get(username="bc.yte").check_password(password)


def test_import_users_with_english_headers(tmp_path, agency_a):
    path = workbook(tmp_path / "users.xlsx", ["username", "full name", "email", "agency", "role"],
                    [["u1", "", "", "Sở Y tế", "reporter"]])
    run("import_users", str(path))
    assert User.objects.filter(username="u1").exists()


def test_import_users_reports_every_bad_row_and_writes_nothing(tmp_path, agency_a, reporter_a, province):
    Agency.objects.create(province=province, name="Các sở, ban, ngành tỉnh", kind=Agency.Kind.GROUP)
    path = workbook(tmp_path / "users.xlsx", VIETNAMESE_HEADER, [
        ["tot", "Người tốt", "", "Sở Y tế", "reporter"],
        ["x1", "", "", "Sở Y tá", "reporter"],
        ["x2", "", "", "Sở Y tế", "giám đốc"],
        ["reporter_a", "", "", "Sở Y tế", "reporter"],
        ["tot", "", "", "Sở Y tế", "reporter"],
        ["x3", "", "khong-phai-email", "Sở Y tế", "reporter"],
        ["x4", "", "", "Các sở, ban, ngành tỉnh", "reporter"],
        ["", "", "", "Sở Y tế", "reporter"],
    ])
    with pytest.raises(CommandError) as error:
        run("import_users", str(path))
    lines = str(error.value).splitlines()
    assert lines[0] == "Không tạo tài khoản nào vì 7 dòng có lỗi:"
    assert lines[1].startswith("Dòng 3: không tìm thấy cơ quan “Sở Y tá”; gần giống: Sở Y tế")
    assert lines[2].startswith("Dòng 4: vai trò “giám đốc” không hợp lệ")
    assert lines[3] == "Dòng 5: tên đăng nhập “reporter_a” đã tồn tại."
    assert lines[4] == "Dòng 6: tên đăng nhập “tot” trùng với dòng 2."
    assert lines[5] == "Dòng 7: địa chỉ thư điện tử “khong-phai-email” không hợp lệ."
    assert lines[6].startswith("Dòng 8: “Các sở, ban, ngành tỉnh” là nhóm cơ quan")
    assert lines[7] == "Dòng 9: thiếu tên đăng nhập."
    assert not User.objects.filter(username__in=["tot", "x1", "x2", "x3", "x4"]).exists()


def test_import_users_missing_columns(tmp_path, agency_a):
    path = workbook(tmp_path / "users.xlsx", ["Tên đăng nhập", "Họ và tên"], [["u", "A"]])
    with pytest.raises(CommandError, match="Tệp thiếu cột: agency, role"):
        run("import_users", str(path))


def test_import_users_not_an_excel_file(tmp_path, agency_a):
    path = tmp_path / "users.xlsx"
    path.write_text("không phải Excel")
    with pytest.raises(CommandError, match="Không đọc được tệp Excel"):
        run("import_users", str(path))
