"""manage.py export_plan CODE --format json|xlsx|docx [-o PATH]"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators.exporting import plan_to_docx, plan_to_json_bytes, plan_to_xlsx
from plans.models import Plan

EXPORTERS = {"json": plan_to_json_bytes, "xlsx": plan_to_xlsx, "docx": plan_to_docx}


class Command(BaseCommand):
    help = _("Xuất một kế hoạch ra JSON (như API), Excel hoặc Word (các phụ lục như trong văn bản).")

    def add_arguments(self, parser):
        parser.add_argument("code", help=_("mã kế hoạch, ví dụ: ha-tang-so-2026-2030"))
        parser.add_argument("--format", choices=sorted(EXPORTERS), default="json", help=_("định dạng tệp xuất"))
        parser.add_argument("-o", "--output", help=_("đường dẫn tệp ghi ra (JSON: mặc định in ra màn hình)"))

    def handle(self, *args, code: str, format: str, output: str | None, **options):
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            raise CommandError(_("Không có kế hoạch mã “%(code)s”.") % {"code": code})
        content = EXPORTERS[format](plan)
        if output:
            path = Path(output)
            try:
                path.write_bytes(content)
            except OSError as error:
                raise CommandError(
                    _("Không ghi được tệp “%(path)s”: %(error)s") % {"path": path, "error": error.strerror}
                ) from error
            self.stderr.write(_("Đã xuất kế hoạch “%(code)s” ra %(path)s.") % {"code": code, "path": path})
            return
        if format != "json":
            raise CommandError(_("Định dạng %(format)s là tệp nhị phân: hãy chỉ ra tệp ghi bằng -o.")
                               % {"format": format})
        # Bytes straight to stdout, so the output is exactly the API's body.
        stream = getattr(self.stdout, "_out", sys.stdout)
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream.flush()
            buffer.write(content)
            buffer.flush()
        else:
            stream.write(content.decode("utf-8"))
