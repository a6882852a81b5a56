"""manage.py import_values FILE --plan CODE --period 2026-Q3 [--dry-run] [--source "Công văn số …"] [--user USERNAME]

Loads a spreadsheet of indicator values (read by reports.values_file, loaded by reports.bulk_values) into
the agencies' reports of one period, on their behalf. Prints one line per value; exits with status 1 when
any row fails (nothing is written then).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.models import Plan
from reports.bulk_values import values_import
from reports.models import ReportingPeriod
from reports.services import ReportError
from reports.values_file import BulkFileError, read_values_file


class Command(BaseCommand):
    help = _("Nhập số liệu chỉ tiêu của nhiều cơ quan từ tệp .xlsx hoặc .csv (Sở KH&CN nhập thay). Kiểm tra toàn "
             "bộ trước, có lỗi thì không ghi gì; nhập lại cùng tệp không tạo trùng.")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help=_("Tệp .xlsx hoặc .csv"))
        parser.add_argument("--plan", required=True, metavar="CODE", help=_("Mã kế hoạch"))
        parser.add_argument("--period", required=True, metavar="CODE", help=_("Kỳ báo cáo, ví dụ 2026-Q3 hoặc 2026-Y"))
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ kiểm tra, không ghi"))
        parser.add_argument("--source", default="", help=_("Văn bản nguồn, ví dụ: Công văn số 123/STTTT-BCVT ngày "
                                                           "05/10/2026"))
        parser.add_argument("--user", metavar="USERNAME",
                            help=_("Cán bộ Sở KH&CN được ghi là người nhập (mặc định: quản trị viên đầu tiên)"))

    def handle(self, *args, file: str, plan: str, period: str, dry_run: bool, source: str, user: str | None,
               **options):
        acting_user = self._user(user)
        plan_obj = Plan.objects.select_related("province").filter(code=plan).first()
        if plan_obj is None:
            raise CommandError(_("Không có kế hoạch mã “%(code)s”.") % {"code": plan})
        period_obj = ReportingPeriod.objects.filter(plan=plan_obj, code=period).first()
        if period_obj is None:
            raise CommandError(_("Kế hoạch “%(plan)s” không có kỳ báo cáo “%(period)s”.") % {"plan": plan, "period": period})
        try:
            sheet = read_values_file(Path(file))
        except BulkFileError as error:
            raise CommandError(error.message) from error
        self.stdout.write(_("Tệp %(name)s: bố cục %(layout)s, %(count)s giá trị.")
                          % {"name": Path(file).name, "layout": sheet.layout_label, "count": len(sheet.rows)})
        try:
            outcome = values_import(plan=plan_obj, period=period_obj, rows=sheet.rows, user=acting_user,
                                    source_reference=source, dry_run=dry_run)
        except ReportError as error:
            raise CommandError(error.message) from error
        for result in outcome.rows:
            line = result.describe()
            self.stdout.write(self.style.ERROR(line) if result.errors else line)
        for message in outcome.errors:
            self.stdout.write(self.style.ERROR(message))
        if not outcome.ok:
            raise CommandError(outcome.summary)
        self.stdout.write(self.style.SUCCESS(outcome.summary))

    def _user(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            found = users.filter(username=username).first()
            if found is None:
                raise CommandError(_("Không có người dùng “%(name)s” đang hoạt động.") % {"name": username})
            return found
        found = users.filter(is_superuser=True).order_by("pk").first()
        if found is None:
            raise CommandError(_("Chưa có quản trị viên; chỉ định người nhập bằng --user."))
        return found
