"""`manage.py import_users FILE.xlsx`: provision many users at once, all or nothing.

Columns (first sheet, header row first): username, full name, e-mail, agency, role, with English or
Vietnamese headers ("Tên đăng nhập", "Họ và tên", "Thư điện tử"/"Email", "Cơ quan", "Vai trò").
Roles by code or Vietnamese label. Every bad row is reported with its row number and nothing is written.
"""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from agencies.management.commands._base import VietnameseCommand
from agencies.management.commands._province import province_for_command
from agencies.management.commands._sheet import read_sheet_rows
from agencies.services import UserRow, UsersImportError, users_import

HEADERS = {
    "username": {"username", "ten dang nhap", "tai khoan"},
    "full_name": {"full name", "full_name", "ho va ten", "ho ten"},
    "email": {"email", "e-mail", "thu dien tu", "thu dien tu/email", "dia chi thu dien tu"},
    "agency": {"agency", "co quan", "don vi", "co quan, don vi"},
    "role": {"role", "vai tro"},
}
REQUIRED = ("username", "agency", "role")


def read_user_rows(path: Path) -> list[UserRow]:
    def build(number: int, cells: dict[str, str], found: set[str]) -> UserRow | None:
        if number == 1:
            missing = [field for field in REQUIRED if field not in found]
            if missing:
                raise CommandError(_("Tệp thiếu cột: %(columns)s (cần: Tên đăng nhập, Họ và tên, Thư điện tử, Cơ quan, "
                                     "Vai trò).") % {"columns": ", ".join(missing)})
            return None
        return UserRow(row_number=number, **cells)

    return read_sheet_rows(path, HEADERS, build)


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
