from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Tiến độ")

    def ready(self) -> None:
        from plans.signals import item_history
        from progress.item_history import progress_history
        from reports.models import AgencyReport
        from reports.signals import report_approved, report_reopened

        item_history.connect(progress_history, dispatch_uid="progress.item_history")

        report_approved.connect(_enqueue_recompute, sender=AgencyReport, dispatch_uid="progress.on_report_approved")
        report_reopened.connect(_enqueue_recompute, sender=AgencyReport, dispatch_uid="progress.on_report_reopened")


def _enqueue_recompute(sender, *, report_id=None, indicator_ids=None, **kwargs) -> None:
    """A report's approved values changed: recompute its indicators once the transaction commits."""
    from progress.tasks import enqueue_recompute
    from reports.models import AgencyReport

    plan_id = from_year = None
    if report_id is not None:
        plan_id, from_year = AgencyReport.objects.filter(pk=report_id).values_list(
            "plan_id", "period__year").first() or (None, None)
    enqueue_recompute(indicator_ids=indicator_ids, plan_id=plan_id, from_year=from_year)
