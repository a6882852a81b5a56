"""`manage.py import_plan PATH`: a plan document (.docx, .txt/.md) or one appendix table (.xlsx, .csv, .tsv, .md,
.docx) → plan, indicators, targets, tasks, projects. `--dry-run` shows what would change and writes nothing."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from agencies.management.commands._base import VietnameseCommand
from agencies.models import Province
from agencies.text import fold
from indicators.importing.service import PlanOverrides, plan_import


class Command(VietnameseCommand):
    help = _("Nhập kế hoạch (văn bản .docx/.txt/.md) hoặc một bảng phụ lục (.xlsx/.csv/.tsv/.md/.docx).")

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("Đường dẫn tệp cần nhập."))
        parser.add_argument("--plan", dest="plan_code", help=_("Mã kế hoạch (mặc định: tạo từ tên kế hoạch)."))
        parser.add_argument("--province", help=_("Tên hoặc mã tỉnh (mặc định: tỉnh ghi trong văn bản)."))
        parser.add_argument("--title", help=_("Tên kế hoạch, thay cho tên trong văn bản."))
        parser.add_argument("--number", help=_("Số hiệu, ví dụ 540/KH-UBND."))
        parser.add_argument("--start-year", type=int, help=_("Năm bắt đầu thời kỳ kế hoạch."))
        parser.add_argument("--end-year", type=int, help=_("Năm kết thúc thời kỳ kế hoạch."))
        parser.add_argument("--appendix", help=_("Số phụ lục khi nhập một bảng riêng lẻ (mặc định: I)."))
        parser.add_argument("--create-agencies", action="store_true",
                            help=_("Tạo các cơ quan chưa có trong danh bạ thay vì dừng lại."))
        parser.add_argument("--archive-missing", action="store_true",
                            help=_("Lưu trữ (không xóa) các chỉ tiêu, nhiệm vụ đã có báo cáo mà văn bản mới không còn."))
        parser.add_argument("--dry-run", action="store_true",
                            help=_("Chạy thử: in ra những gì sẽ tạo và thay đổi, không ghi gì."))
        parser.add_argument("--quiet-rows", action="store_true", help=_("Không in kết quả từng dòng."))

    def handle(self, *args, path: str, plan_code=None, province=None, title=None, number=None, start_year=None,
               end_year=None, appendix=None, create_agencies=False, archive_missing=False, dry_run=False, quiet_rows=False, **options):
        province_obj = None
        if province:
            province_obj = next((p for p in Province.objects.all()
                                 if p.code == province or fold(p.name) == fold(province)), None)
            if province_obj is None:
                raise CommandError(_("Không có tỉnh “%(name)s” trong hệ thống.") % {"name": province})
        if (start_year is None) != (end_year is None):
            raise CommandError(_("Cần cả --start-year và --end-year."))
        report = plan_import(
            source=Path(path), province=province_obj, plan_code=plan_code,
            overrides=PlanOverrides(title=title, number=number, start_year=start_year, end_year=end_year,
                                    appendix_number=appendix),
            create_agencies=create_agencies, dry_run=dry_run, archive_missing=archive_missing)
        text = report.render(verbose=dry_run and not quiet_rows or options.get("verbosity", 1) > 1)
        if not report.ok:
            raise CommandError(text)
        self.stdout.write(text)
