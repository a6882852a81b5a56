"""`manage.py bench_data --scale demo|province|national`: synthetic provinces bench-NN for measuring
(issue 14). What each scale makes is in bench/data.py; the README's "Đo hiệu năng" section says how to use it."""

import datetime as dt

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from agencies.errors import UserError
from agencies.management.commands._base import VietnameseCommand


class Command(VietnameseCommand):
    help = _("Tạo dữ liệu thử nghiệm để đo hiệu năng: các tỉnh bench-01 … bench-34, mỗi tỉnh một kế hoạch "
             "bench-NN-kh với số liệu, báo cáo ở mọi trạng thái, tài khoản bench-NN-staff, bench-NN-leader, "
             "bench-NN-a001 … (mật khẩu bench-pass-2026). demo: 1 tỉnh, 12 cơ quan, 10 chỉ tiêu, 2 năm; "
             "province: 1 tỉnh, 130 cơ quan, 100 chỉ tiêu, 5 năm (310.000 số liệu); national: 34 tỉnh như vậy "
             "(khoảng 10,5 triệu số liệu).")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "province", "national"], required=True,
                            help=_("Quy mô: demo, province hoặc national."))
        parser.add_argument("--seed", type=int, default=1, help=_("Hạt giống ngẫu nhiên (mặc định 1): cùng "
                                                                  "hạt giống, cùng dữ liệu."))
        parser.add_argument("--today", default=None,
                            help=_("Ngày coi là hôm nay, dạng YYYY-MM-DD (mặc định: hôm nay theo giờ Việt Nam)."))
        parser.add_argument("--years", type=int, default=None,
                            help=_("Số năm của kế hoạch, tính đến năm nay (mặc định: 2 với demo, 5 với "
                                   "province và national); --years 2 cho 10 kỳ báo cáo."))
        parser.add_argument("--checksum", action="store_true",
                            help=_("In thêm mã băm của mọi số liệu đã tạo (so sánh hai lần chạy cùng hạt giống)."))
        parser.add_argument("--replace", action="store_true",
                            help=_("Xóa dữ liệu thử nghiệm cũ (chỉ các tỉnh bench-NN và tài khoản bench-NN-…) "
                                   "trước khi tạo."))

    def handle(self, *args, scale, seed, today, years, replace, checksum, **options):
        from bench.data import checksum as data_checksum
        from bench.data import generate

        if today:
            try:
                today = dt.date.fromisoformat(today)
            except ValueError:
                raise CommandError(_("Ngày “%(day)s” không đúng dạng YYYY-MM-DD.") % {"day": today}) from None
        try:
            data = generate(scale, seed=seed, today=today, years=years, replace=replace,
                            log=lambda message: self.stdout.write(f"  {message}"))
        except UserError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("Đã tạo dữ liệu thử nghiệm “%(scale)s” (hạt giống %(seed)s, hôm nay %(today)s, %(years)s "
                            "năm) trong %(seconds).1f giây (trong đó tính tiến độ %(recompute).1f giây, VACUUM, ANALYZE và "
                            "kiểm tra khóa ngoại %(maintenance).1f giây).")
                          % {"scale": scale, "seed": seed, "today": data.today.isoformat(), "years": data.years,
                             "seconds": data.elapsed_seconds, "recompute": data.recompute_seconds,
                             "maintenance": data.maintenance_seconds})
        for table, count in data.counts.items():
            self.stdout.write(f"  {table}: {count:,}")
        statuses = ", ".join(f"{status} {count:,}" for status, count in sorted(data.reports_by_status.items()))
        self.stdout.write(_("  báo cáo theo trạng thái: %(statuses)s") % {"statuses": statuses})
        if checksum:
            self.stdout.write(_("  mã băm số liệu: %(digest)s") % {"digest": data_checksum(data.plan_ids)})
