"""`manage.py export_open_data PLAN [--year YYYY] [-o FOLDER]`: the plan's Frictionless Data Package."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from agencies.management.commands._base import VietnameseCommand
from dashboards.outputs.open_data import OpenDataError, open_data, package_name, package_write
from plans.models import Plan


class Command(VietnameseCommand):
    help = _("Xuất dữ liệu mở của kế hoạch (Frictionless Data Package: datapackage.json và các tệp CSV).")

    def add_arguments(self, parser):
        parser.add_argument("plan", help=_("Mã kế hoạch"))
        parser.add_argument("--year", type=int, default=None, help=_("Chỉ một năm (mặc định: cả kỳ kế hoạch)"))
        parser.add_argument("-o", "--output", type=Path, default=None,
                            help=_("Thư mục ghi gói dữ liệu (mặc định: chi-tieu-<mã>)"))

    def handle(self, *args, plan, year, output, **options):
        found = Plan.objects.select_related("province").filter(code=plan).first()
        if found is None:
            raise CommandError(_("Không có kế hoạch mã “%(code)s”.") % {"code": plan})
        try:
            data = open_data(plan=found, year=year)
        except OpenDataError as error:
            raise CommandError(error.message) from None
        folder = output or Path(package_name(found, year))
        try:
            written = package_write(data, folder)
        except OSError as error:
            raise CommandError(_("Không ghi được thư mục “%(path)s”: %(error)s.")
                               % {"path": folder, "error": error.strerror}) from None
        self.stdout.write(_("Đã ghi %(count)s tệp vào %(folder)s.") % {"count": len(written), "folder": folder})
