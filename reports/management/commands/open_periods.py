from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.models import Plan
from reports.models import AgencyReport, ReportingPeriod
from reports.services import periods_open


class Command(BaseCommand):
    help = _("Tạo kỳ báo cáo (quý, năm) và các báo cáo phải nộp của kế hoạch đang thực hiện. Chạy lại không tạo trùng.")

    def add_arguments(self, parser):
        parser.add_argument("--plan", metavar="CODE", help=_("Chỉ kế hoạch có mã này"))

    def handle(self, *args, plan: str | None = None, **options):
        if plan:
            plans = list(Plan.objects.filter(code=plan))
            if not plans:
                raise CommandError(_("Không có kế hoạch mã “%(code)s”.") % {"code": plan})
            if plans[0].status != Plan.Status.ACTIVE:
                raise CommandError(_("Kế hoạch “%(code)s” chưa ở trạng thái đang thực hiện.") % {"code": plan})
        else:
            plans = list(Plan.objects.active())
        for current in plans:
            reports_before = AgencyReport.objects.filter(plan=current).count()
            created = periods_open(plan=current)
            reports_created = AgencyReport.objects.filter(plan=current).count() - reports_before
            self.stdout.write(_("%(plan)s: %(periods)s kỳ báo cáo mới (tổng %(total)s), %(reports)s báo cáo mới.") % {
                "plan": current.code, "periods": created,
                "total": ReportingPeriod.objects.filter(plan=current).count(), "reports": reports_created})
