"""`manage.py compile_report PLAN --period 2026-Q3 [-o FILE.docx]`: the compiled periodic report as .docx."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from agencies.management.commands._base import VietnameseCommand
from dashboards.outputs.compiled_report import (
    CompiledReportError,
    compiled_report,
    compiled_report_docx,
    plan_and_period,
)


class Command(VietnameseCommand):
    help = _("Soạn báo cáo tổng hợp tình hình thực hiện kế hoạch của một kỳ (.docx) từ các báo cáo đã duyệt.")

    def add_arguments(self, parser):
        parser.add_argument("plan", help=_("Mã kế hoạch"))
        parser.add_argument("--period", required=True, help=_("Kỳ báo cáo: 2026-Q3 (quý) hoặc 2026-Y (năm)"))
        parser.add_argument("-o", "--output", type=Path, default=None,
                            help=_("Tệp .docx (mặc định: bao-cao-<mã>-<kỳ>.docx)"))

    def handle(self, *args, plan, period, output, **options):
        try:
            found_plan, found_period = plan_and_period(plan_code=plan, period_code=period)
        except CompiledReportError as error:
            raise CommandError(error.message) from None
        report = compiled_report(plan=found_plan, period=found_period)
        path = output or Path(report.file_name)
        try:
            path.write_bytes(compiled_report_docx(report))
        except OSError as error:
            raise CommandError(_("Không ghi được tệp “%(path)s”: %(error)s.")
                               % {"path": path, "error": error.strerror}) from None
        self.stdout.write(_("Đã ghi %(path)s (%(approved)s báo cáo đã duyệt, %(pending)s báo cáo chưa duyệt).")
                          % {"path": path, "approved": len(report.approved), "pending": len(report.not_approved)})
