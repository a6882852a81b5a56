from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Tiến độ")

    def ready(self) -> None:
        from plans.models import Plan
        from plans.signals import item_history, plan_content_changed
        from progress.item_history import progress_history
        from reports.models import AgencyReport
        from reports.signals import approved_values_changed, report_approved, report_reopened

        item_history.connect(progress_history, dispatch_uid="progress.item_history")
        plan_content_changed.connect(_plan_content_changed, sender=Plan, dispatch_uid="progress.on_plan_changed")

        report_approved.connect(_enqueue_recompute, sender=AgencyReport, dispatch_uid="progress.on_report_approved")
        report_reopened.connect(_enqueue_recompute, sender=AgencyReport, dispatch_uid="progress.on_report_reopened")
        approved_values_changed.connect(_refresh_figures, sender=AgencyReport,
                                        dispatch_uid="progress.on_approved_values_changed")

        from indicators.models import Indicator
        from indicators.signals import indicator_rules_changed

        indicator_rules_changed.connect(_rules_changed, sender=Indicator, dispatch_uid="progress.on_rules_changed")


def _rules_changed(sender, *, indicator_ids, **kwargs) -> None:
    """How an indicator's province figure is made changed (its aggregation): its snapshots are stale.

    The signal is sent inside the changing transaction, so the request is recorded there, like an
    approval's (the indicators layer cannot write the reports layer's outbox itself), and a worker is asked
    once committed; a broker that is down loses nothing."""
    from indicators.models import Indicator
    from reports.models import RecomputeRequest

    plans: dict[int, list[int]] = {}
    for indicator_id, plan_id in Indicator.objects.filter(pk__in=indicator_ids).values_list("pk", "plan_id"):
        plans.setdefault(plan_id, []).append(indicator_id)
    for plan_id, ids in plans.items():
        # Only these indicators' figures change: no task, no report (report_ids=[]).
        RecomputeRequest.objects.create(plan_id=plan_id, indicator_ids=sorted(ids), report_ids=[])
        _enqueue_recompute(sender, plan_id=plan_id)


def _plan_content_changed(sender, *, plan_id: int, **kwargs) -> None:
    """An active plan was (re-)imported: its indicators, tasks, deadlines or leads may have changed, none of which
    an approval's scoped recompute looks at. A whole-plan request is recorded in the import's transaction and a
    worker asked once committed, so leaders see the new plan without waiting for the nightly run."""
    from reports.models import RecomputeRequest

    RecomputeRequest.objects.create(plan_id=plan_id)  # no indicators, no reports named: the whole plan
    _enqueue_recompute(sender, plan_id=plan_id)


def _refresh_figures(sender, *, report_ids, **kwargs) -> None:
    """The maintained per-agency figures of the reports' agencies and years, in the sender's transaction."""
    from progress.figures import agency_figures_refresh

    agency_figures_refresh(report_ids=report_ids)


def _enqueue_recompute(sender, *, plan_id=None, **kwargs) -> None:
    """A report's approved values changed (its RecomputeRequest is written): poke a worker once committed."""
    from progress.tasks import enqueue_pending_recompute

    if plan_id is not None:
        enqueue_pending_recompute(plan_id=plan_id)
