from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from progress.exports import FORMATS, NoSnapshot, results_file


class Command(BaseCommand):
    help = "Xuất phụ lục “Kết quả thực hiện các mục tiêu, chỉ tiêu năm Y” (xlsx hoặc docx) từ số liệu tiến độ."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Mã kế hoạch")
        parser.add_argument("--year", type=int, required=True, help="Năm đánh giá")
        parser.add_argument("--format", dest="file_format", choices=sorted(FORMATS), default="xlsx")
        parser.add_argument("-o", "--output", help="Đường dẫn tệp (mặc định: ket-qua-<mã>-<năm>.<định dạng>)")

    def handle(self, *args, code, year, file_format, output=None, **options):
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch mã “{code}”")
        if year not in plan.years:
            raise CommandError(f"Năm {year} không thuộc kỳ kế hoạch {plan.start_year}–{plan.end_year}")
        try:
            content, _content_type, filename = results_file(plan=plan, year=year, file_format=file_format)
        except NoSnapshot as error:
            raise CommandError(str(error)) from error
        path = Path(output or filename)
        path.write_bytes(content)
        self.stdout.write(f"Đã ghi {path}")
