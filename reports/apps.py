from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo")

    def ready(self) -> None:
        from plans.models import Plan
        from plans.signals import item_history, plan_content_changed
        from reports.item_history import reported_items

        plan_content_changed.connect(_enqueue_open_periods, sender=Plan, dispatch_uid="reports.on_plan_changed")
        item_history.connect(reported_items, dispatch_uid="reports.item_history")


def _enqueue_open_periods(sender, *, plan_id: int, **kwargs) -> None:
    """A plan was imported or changed: open its periods and expected reports after the commit."""
    from django.db import transaction

    from reports.tasks import open_periods

    transaction.on_commit(lambda: open_periods.delay(plan_id))
