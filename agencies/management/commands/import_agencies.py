"""`manage.py import_agencies FILE.xlsx [--province CODE]`: a province's agency directory, all or nothing.

Columns (first sheet, header row first, Vietnamese or English headers): name ("Tên cơ quan"), short name
("Tên viết tắt"), aliases ("Tên gọi khác", separated by ";"), kind ("Loại": code or Vietnamese label, empty
= department), parent ("Đơn vị cấp trên"), group members ("Thành viên", ";"-separated, for groups), successor
("Đơn vị kế thừa") and active ("Đang hoạt động": "không" for a merged agency). Every bad row is reported with
its row number and nothing is written; loading the same file again changes nothing.
"""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from agencies.management.commands._base import VietnameseCommand
from agencies.management.commands._province import province_for_command
from agencies.management.commands._sheet import read_sheet_rows
from agencies.services import AgenciesImportError, AgencyRow, agencies_import

HEADERS = {
    "name": {"name", "ten", "ten co quan", "ten day du", "co quan, don vi", "ten co quan, don vi"},
    "short_name": {"short name", "short_name", "ten viet tat", "viet tat"},
    "aliases": {"aliases", "ten goi khac", "cach viet khac"},
    "kind": {"kind", "loai", "loai co quan"},
    "parent": {"parent", "don vi cap tren", "co quan cap tren", "cap tren"},
    "members": {"members", "group members", "thanh vien", "thanh vien nhom"},
    "successor": {"successor", "don vi ke thua", "co quan ke thua", "ke thua"},
    "active": {"active", "dang hoat dong", "hoat dong"},
}
MAX_ROWS = 5000


def read_agency_rows(path: Path) -> list[AgencyRow]:
    def build(number: int, cells: dict[str, str], found: set[str]) -> AgencyRow | None:
        if number == 1:
            if "name" not in found:
                raise CommandError(_("Tệp thiếu cột “Tên cơ quan” (các cột: Tên cơ quan, Tên viết tắt, Tên gọi khác, "
                                     "Loại, Đơn vị cấp trên, Thành viên, Đơn vị kế thừa, Đang hoạt động)."))
            return None
        return AgencyRow(row_number=number, **cells)

    rows = read_sheet_rows(path, HEADERS, build)
    if len(rows) > MAX_ROWS:
        raise CommandError(_("Tệp có hơn %(max)d dòng cơ quan.") % {"max": MAX_ROWS})
    return rows


class Command(VietnameseCommand):
    help = _("Nạp danh bạ cơ quan, đơn vị của tỉnh từ tệp Excel (tất cả hoặc không dòng nào).")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--province", default=None, help=_("Mã tỉnh, khi có nhiều tỉnh"))

    def handle(self, *args, file: Path, province, **options):
        rows = read_agency_rows(file)
        if not rows:
            raise CommandError(_("Tệp không có dòng dữ liệu nào."))
        try:
            result = agencies_import(province=province_for_command(province), rows=rows)
        except AgenciesImportError as error:
            raise CommandError(
                _("Không nạp cơ quan nào vì %(count)d dòng có lỗi:") % {"count": len(error.errors)}
                + "\n" + "\n".join(error.errors)) from None
        self.stdout.write(_("Đã nạp danh bạ: %(created)d cơ quan mới, %(updated)d cơ quan cập nhật, "
                            "%(same)d giữ nguyên.")
                          % {"created": len(result.created), "updated": len(result.updated),
                             "same": len(rows) - len(result.created) - len(result.updated)})
