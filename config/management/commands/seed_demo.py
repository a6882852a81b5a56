"""`manage.py seed_demo`: the province Đồng Tháp, its agency directory, the seed plans, demo users and a
reporting history of 2026 (config.demo_history) with its progress computed.

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
from config.demo_history import plan_history_seed
from indicators.importing.service import plan_import
from plans.models import Plan
from plans.services import plan_status_set
from reports.services import periods_open, plan_deadlines_set

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
AGENCY_DIRECTORY = FIXTURES / "dong_thap_agencies.json"
SEEDS = FIXTURES / "seeds"
# (document, plan code, status): seed 003 is Tiền Giang's finished 2023–2025 plan, kept for the record.
SEED_PLANS = [
    (SEEDS / "000_ha_tang_so_2026_2030.txt", "ha-tang-so-2026-2030", Plan.Status.ACTIVE),
    (SEEDS / "001_hop_tac_vnpt_2026_2030.txt", "hop-tac-vnpt-2026-2030", Plan.Status.ACTIVE),
    (SEEDS / "002_chuyen_doi_so_2026.txt", "chuyen-doi-so-2026", Plan.Status.ACTIVE),
    (SEEDS / "003_tien_giang_ha_tang_so_2023_2025.txt", "ha-tang-so-tien-giang-2023-2025", Plan.Status.CLOSED),
]
# Deadlines a seed plan sets for itself (seed 001: “Hằng năm, báo cáo kết quả thực hiện trước ngày 15/12”);
# the others keep the defaults (quarterly before the 20th of the quarter's last month, annual before 01/12).
SEED_DEADLINES = {"hop-tac-vnpt-2026-2030": {"annual_due_month": 12, "annual_due_day": 15}}

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
    """Load the four seed plans (fixtures/seeds, text extractions of real plans) through the plan importer.

    Idempotent: the importer updates in place, so a second run reports every item unchanged. Seed 003 is a
    Tiền Giang plan of 2023 (Tiền Giang merged into Đồng Tháp in 2025): it is imported into this province.
    """
    for path, code, status in SEED_PLANS:
        report = plan_import(source=path, province=province, plan_code=code)
        if not report.ok:
            raise CommandError(report.render(verbose=False))
        counts = report.counts["plan"]
        message = _("Đã nạp kế hoạch: %(title)s") if counts.created else (
            _("Kế hoạch đã có, cập nhật: %(title)s") if counts.updated or _changed(report) else
            _("Kế hoạch đã có, giữ nguyên: %(title)s"))
        stdout.write(message % {"title": report.plan_title})
        plan = plan_status_set(plan=Plan.objects.get(code=code), status=status)
        if code in SEED_DEADLINES:
            plan = plan_deadlines_set(plan=plan, **SEED_DEADLINES[code])
        if plan.status == Plan.Status.ACTIVE:
            # The import also asks for this after commit; doing it here lets the demo reporters find
            # their open reports at once, whether or not a Celery worker is running yet.
            periods_open(plan=plan)


def _changed(report) -> bool:
    return any(c.created or c.updated or c.removed for kind, c in report.counts.items() if kind != "plan")


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
            for plan in Plan.objects.filter(province=province, status=Plan.Status.ACTIVE).order_by("code"):
                sent = plan_history_seed(plan=plan)
                if sent:
                    self.stdout.write(_("Lịch sử báo cáo mẫu của “%(title)s”: %(count)d báo cáo, đã tính tiến độ.")
                                      % {"title": plan.title, "count": sent})
        self.stdout.write(_("Tài khoản demo (mật khẩu: %(password)s):") % {"password": DEMO_PASSWORD})
        for spec in DEMO_USERS:
            role = Role(spec["role"]).label if spec["role"] else _("Quản trị hệ thống (superuser)")
            where = f" – {spec['agency']}" if spec["agency"] else ""
            mark = _(" (mới tạo)") if spec["username"] in created_users else ""
            self.stdout.write(f"  {spec['username']:<16} {role}{where}{mark}")
