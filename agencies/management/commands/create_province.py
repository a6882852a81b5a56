"""`manage.py create_province NAME [--code CODE]`: the first step of a new province (see the README)."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from agencies.management.commands._base import VietnameseCommand
from agencies.services import province_create


class Command(VietnameseCommand):
    help = _("Tạo một tỉnh mới (chưa có cơ quan, người dùng, kế hoạch).")

    def add_arguments(self, parser):
        parser.add_argument("name", help=_("Tên tỉnh, ví dụ: “Đồng Tháp”"))
        parser.add_argument("--code", default=None, help=_("Mã tỉnh không dấu (mặc định: tạo từ tên, “dong-thap”)"))

    def handle(self, *args, name, code, **options):
        try:
            province = province_create(name=name, code=code)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(_("Đã tạo tỉnh %(name)s, mã %(code)s.") % {"name": province.name, "code": province.code})
