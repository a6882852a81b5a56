import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from progress.figures import agency_figures_rebuild
from progress.services import RecomputeBusy, plan_recompute
from progress.tasks import recompute_plan


class Command(BaseCommand):
    help = "Tính lại tiến độ (ảnh chụp trạng thái) của các kế hoạch đang thực hiện, hoặc của một kế hoạch."

    def add_arguments(self, parser):
        parser.add_argument("--plan", metavar="CODE", help="Mã kế hoạch; bỏ trống: mọi kế hoạch đang thực hiện")
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="Đánh giá tại ngày này (mặc định: hôm nay)")
        parser.add_argument("--sync", action="store_true", help="Tính ngay trong tiến trình này, không qua Celery")
        parser.add_argument("--rebuild", action="store_true",
                            help="Trước khi tính lại, dựng lại từ đầu số liệu theo cơ quan (từ các báo cáo đã duyệt) "
                                 "của các kế hoạch này; dùng để sửa chữa")

    def handle(self, *args, plan=None, as_of=None, sync=False, rebuild=False, **options):
        if as_of:
            try:
                dt.date.fromisoformat(as_of)
            except ValueError as error:
                raise CommandError(f"Ngày “{as_of}” không đúng dạng YYYY-MM-DD") from error
        if plan:
            plans = Plan.objects.filter(code=plan)
            if not plans.exists():
                raise CommandError(f"Không có kế hoạch mã “{plan}”")
        else:
            plans = Plan.objects.active()
        if rebuild:
            # Always here, before the recompute is queued: the recompute reads what the rebuild writes.
            rows = agency_figures_rebuild(plan_ids=plans.values_list("pk", flat=True))
            self.stdout.write(f"Đã dựng lại số liệu theo cơ quan: {rows} dòng thay đổi")
        for each in plans:
            if sync:
                try:
                    result = plan_recompute(plan=each, as_of=dt.date.fromisoformat(as_of) if as_of else None)
                except RecomputeBusy as busy:
                    raise CommandError(f"Kế hoạch “{each.code}” đang được tính lại, hãy thử lại sau") from busy
                self.stdout.write(f"{each.code}: {result.indicator_years} dòng chỉ tiêu-năm, {result.tasks} nhiệm vụ, "
                                  f"tính đến {result.as_of:%d/%m/%Y}")
            else:
                recompute_plan.delay(each.pk, as_of)
                self.stdout.write(f"{each.code}: đã đưa vào hàng đợi")
