"""`manage.py create_user USERNAME --agency NAME --role ROLE [--password-stdin] [--email E] [--full-name N]`."""

import secrets
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from agencies.management.commands._base import VietnameseCommand
from agencies.management.commands._province import province_for_command
from agencies.matching import AgencyDirectory
from agencies.models import Agency, Membership
from agencies.services import agency_not_found_message, role_from_text, user_create


class Command(VietnameseCommand):
    help = _("Tạo một tài khoản người dùng gắn với một cơ quan và một vai trò.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--agency", required=True, help=_("Tên cơ quan (tên đầy đủ, viết tắt hoặc tên gọi khác)"))
        parser.add_argument("--role", required=True,
                            help=_("Vai trò: %(roles)s") % {"roles": ", ".join(Membership.Role.values)})
        parser.add_argument("--password-stdin", action="store_true", help=_("Đọc mật khẩu từ dòng đầu của stdin"))
        parser.add_argument("--email", default="")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--province", default=None, help=_("Mã tỉnh, khi có nhiều tỉnh"))

    def handle(self, *args, username, agency, role, password_stdin, email, full_name, province, **options):
        role_code = role_from_text(role)
        if role_code is None:
            raise CommandError(_("Vai trò “%(role)s” không hợp lệ; dùng một trong: %(roles)s.")
                               % {"role": role, "roles": ", ".join(Membership.Role.values)})
        directory = AgencyDirectory(province_for_command(province))
        found = directory.match(agency)
        if found is None:
            message = agency_not_found_message(directory, agency)
            raise CommandError(f"{message[0].upper()}{message[1:]}.")
        if found.kind == Agency.Kind.GROUP:
            raise CommandError(_("“%(name)s” là nhóm cơ quan; hãy chọn một cơ quan cụ thể.") % {"name": found.name})
        generated = not password_stdin
        password = secrets.token_urlsafe(9) if generated else sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError(_("Mật khẩu đọc từ stdin đang trống."))
        try:
            user = user_create(username=username, agency=found, role=role_code, email=email, full_name=full_name,
                               password=password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(_("Đã tạo tài khoản %(username)s – %(role)s – %(agency)s.")
                          % {"username": user.username, "role": Membership.Role(role_code).label,
                             "agency": found.name})
        if generated:
            self.stdout.write(_("Mật khẩu: %(password)s") % {"password": password})
