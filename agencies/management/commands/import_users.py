"""`manage.py import_users FILE.xlsx`: provision many users at once, all or nothing.

Columns (first sheet, header row first): username, full name, e-mail, agency, role, with English or
Vietnamese headers ("Tên đăng nhập", "Họ và tên", "Thư điện tử"/"Email", "Cơ quan", "Vai trò").
Roles by code or Vietnamese label. Every bad row is reported with its row number and nothing is written.
"""

from pathlib import Path
from zipfile import BadZipFile

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from agencies.management.commands._base import VietnameseCommand
from agencies.management.commands._province import province_for_command
from agencies.services import UserRow, UsersImportError, users_import
from agencies.text import fold
from agencies.uploads import UploadRefused, bounded_rows, open_workbook

HEADERS = {
    "username": {"username", "ten dang nhap", "tai khoan"},
    "full_name": {"full name", "full_name", "ho va ten", "ho ten"},
    "email": {"email", "e-mail", "thu dien tu", "thu dien tu/email", "dia chi thu dien tu"},
    "agency": {"agency", "co quan", "don vi", "co quan, don vi"},
    "role": {"role", "vai tro"},
}
REQUIRED = ("username", "agency", "role")


def read_user_rows(path: Path) -> list[UserRow]:
    try:
        workbook = open_workbook(path)
    except UploadRefused as error:
        raise CommandError(error.message) from None
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError):
        raise CommandError(_("Không đọc được tệp Excel “%(path)s”.") % {"path": path}) from None
    try:
        return _user_rows(bounded_rows(workbook.worksheets[0], name=Path(path).name))
    except UploadRefused as error:
        raise CommandError(error.message) from None
    finally:
        workbook.close()


def _user_rows(rows) -> list[UserRow]:
    header = next(rows, None) or ()
    columns = {}
    for index, title in enumerate(header):
        key = fold(str(title or "")).strip(" :*")
        for field, names in HEADERS.items():
            if key in names:
                columns.setdefault(field, index)
    missing = [field for field in REQUIRED if field not in columns]
    if missing:
        raise CommandError(_("Tệp thiếu cột: %(columns)s (cần: Tên đăng nhập, Họ và tên, Thư điện tử, Cơ quan, "
                             "Vai trò).") % {"columns": ", ".join(missing)})
    result = []
    for number, values in enumerate(rows, start=2):
        def cell(field, values=values):
            index = columns.get(field)
            value = values[index] if index is not None and index < len(values) else None
            return "" if value is None else str(value).strip()

        if not any(cell(field) for field in HEADERS):
            continue
        result.append(UserRow(row_number=number, username=cell("username"), full_name=cell("full_name"),
                              email=cell("email"), agency=cell("agency"), role=cell("role")))
    return result


class Command(VietnameseCommand):
    help = _("Tạo hàng loạt tài khoản từ tệp Excel (tất cả hoặc không tài khoản nào).")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--province", default=None, help=_("Mã tỉnh, khi có nhiều tỉnh"))

    def handle(self, *args, file: Path, province, **options):
        rows = read_user_rows(file)
        if not rows:
            raise CommandError(_("Tệp không có dòng dữ liệu nào."))
        try:
            created = users_import(province=province_for_command(province), rows=rows)
        except UsersImportError as error:
            raise CommandError(
                _("Không tạo tài khoản nào vì %(count)d dòng có lỗi:") % {"count": len(error.errors)}
                + "\n" + "\n".join(error.errors)) from None
        self.stdout.write(_("Đã tạo %(count)d tài khoản. Mật khẩu ban đầu (hãy giao riêng cho từng người):")
                          % {"count": len(created)})
        for item in created:
            self.stdout.write(f"{item.user.username}\t{item.password}")
