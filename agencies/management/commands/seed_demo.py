"""`manage.py seed_demo`: the province Đồng Tháp, its agency directory, the seed plans and demo users.

Idempotent: a second run finds everything in place and writes nothing. Refuses to run with DEBUG off
(demo passwords are public) unless --force.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from agencies.management.commands._base import VietnameseCommand
from agencies.models import Membership, Province
from agencies.services import agency_directory_load_file, demo_user_ensure

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
AGENCY_DIRECTORY = FIXTURES / "dong_thap_agencies.json"
SEED_PLAN_FILES = [FIXTURES / "plan_000_ha_tang_so.json"]

Role = Membership.Role
# Public demo logins, printed by the command and listed in README.md (keep both in sync).
DEMO_PASSWORD = "chitieu-demo-2026"  # noqa: S105 - a documented demo password, refused with DEBUG off
DEMO_USERS = [
    {"username": "admin", "full_name": "Quản trị hệ thống", "agency": None, "role": None},
    {"username": "canbo.khcn", "full_name": "Nguyễn Văn Cán Bộ", "agency": "Sở Khoa học và Công nghệ",
     "role": Role.STAFF},
    {"username": "baocao.yte", "full_name": "Trần Thị Báo Cáo", "agency": "Sở Y tế", "role": Role.REPORTER},
    {"username": "lanhdao.yte", "full_name": "Lê Văn Lãnh Đạo", "agency": "Sở Y tế", "role": Role.AGENCY_HEAD},
    {"username": "baocao.caolanh", "full_name": "Phạm Thị Phường", "agency": "UBND phường Cao Lãnh",
     "role": Role.REPORTER},
    {"username": "lanhdao.tinh", "full_name": "Huỳnh Văn Tỉnh", "agency": "Ủy ban nhân dân tỉnh Đồng Tháp",
     "role": Role.LEADER},
]


def seed_plans(*, province: Province, stdout) -> None:
    """Load the seed plans of the province.

    Until the plan importer (indicators/importing) lands, seed 000 comes from a fixture written by hand
    from the seed text; replace this body with importer calls on shared/seeds when it does.
    """
    from agencies.management.demo_plans import plan_fixture_load

    for path in SEED_PLAN_FILES:
        plan, created = plan_fixture_load(province=province, path=path)
        if created:
            stdout.write(_("Đã nạp kế hoạch: %(title)s") % {"title": plan.title})
        else:
            stdout.write(_("Kế hoạch đã có, giữ nguyên: %(title)s") % {"title": plan.title})


class Command(VietnameseCommand):
    help = _("Tạo dữ liệu mẫu: tỉnh Đồng Tháp, danh bạ cơ quan, kế hoạch mẫu và tài khoản demo.")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help=_("Không làm gì nếu cơ sở dữ liệu đã có tỉnh (dùng cho make run)."))
        parser.add_argument("--force", action="store_true",
                            help=_("Cho phép chạy khi DEBUG tắt (mật khẩu demo là công khai)."))

    def handle(self, *args, if_empty: bool = False, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(_("seed_demo chỉ chạy khi DEBUG bật (mật khẩu demo là công khai); "
                                 "thêm --force nếu thực sự muốn."))
        if if_empty and Province.objects.exists():
            self.stdout.write(_("Cơ sở dữ liệu đã có dữ liệu, bỏ qua seed_demo."))
            return
        with transaction.atomic():
            province, loaded = agency_directory_load_file(path=AGENCY_DIRECTORY)
            self.stdout.write(_("Tỉnh %(province)s: thêm %(created)d cơ quan, cập nhật %(updated)d.")
                              % {"province": province.name, "created": len(loaded.created),
                                 "updated": len(loaded.updated)})
            seed_plans(province=province, stdout=self.stdout)
            created_users = [
                spec["username"] for spec in DEMO_USERS
                if demo_user_ensure(province=province, password=DEMO_PASSWORD, **spec)
            ]
        self.stdout.write(_("Tài khoản demo (mật khẩu: %(password)s):") % {"password": DEMO_PASSWORD})
        for spec in DEMO_USERS:
            role = Role(spec["role"]).label if spec["role"] else _("Quản trị hệ thống (superuser)")
            where = f" – {spec['agency']}" if spec["agency"] else ""
            mark = _(" (mới tạo)") if spec["username"] in created_users else ""
            self.stdout.write(f"  {spec['username']:<16} {role}{where}{mark}")
