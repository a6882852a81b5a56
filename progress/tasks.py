"""Celery tasks of the progress app: thin (ids in, one service call, retry when the plan is busy).

Every task is acknowledged late and rejected back to the queue when its worker dies (settings:
`CELERY_TASK_ACKS_LATE`, `CELERY_TASK_REJECT_ON_WORKER_LOST`), so each must be safe to run twice:
`plan_recompute` rewrites a plan's snapshots in one transaction, and `recompute_pending` deletes the
requests it served in that same transaction.
"""

import datetime as dt
import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import transaction

from indicators.models import Indicator
from plans.models import Plan
from progress.services import RecomputeBusy, pending_recompute_run, plan_recompute
from reports.models import RecomputeRequest

BUSY_RETRY_SECONDS = 10
# Below the broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT), or a waiting retry would be redelivered.
RETRY_BACKOFF_MAX_SECONDS = 300

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=30, autoretry_for=(ConnectionError,), retry_backoff=True,
             retry_backoff_max=RETRY_BACKOFF_MAX_SECONDS)
def recompute_plan(self, plan_id: int, as_of: str | None = None) -> int:
    """Recompute every snapshot of one plan (`as_of` as "YYYY-MM-DD"; default today)."""
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        return 0  # deleted since it was enqueued: nothing to do
    try:
        result = plan_recompute(plan=plan, as_of=dt.date.fromisoformat(as_of) if as_of else None)
    except RecomputeBusy as busy:
        raise self.retry(exc=busy, countdown=BUSY_RETRY_SECONDS) from busy
    return result.indicator_years


@shared_task(bind=True, max_retries=30, autoretry_for=(ConnectionError,), retry_backoff=True,
             retry_backoff_max=RETRY_BACKOFF_MAX_SECONDS)
def recompute_indicators(self, indicator_ids: list[int], from_year: int | None = None) -> int:
    """Recompute the given indicators, plan by plan; with `from_year`, only that year and the later ones.

    Approvals now go through `recompute_pending`; this stays registered so that messages queued by the previous
    version before an upgrade are still served, and for operators who queue a recompute of chosen indicators."""
    done = 0
    plan_ids = (Indicator.objects.filter(pk__in=indicator_ids).order_by()
                .values_list("plan_id", flat=True).distinct())
    for plan in Plan.objects.filter(pk__in=list(plan_ids)):
        ids = list(Indicator.objects.filter(plan=plan, pk__in=indicator_ids).values_list("pk", flat=True))
        try:
            done += plan_recompute(plan=plan, indicator_ids=ids, from_year=from_year).indicator_years
        except RecomputeBusy as busy:
            raise self.retry(exc=busy, countdown=BUSY_RETRY_SECONDS) from busy
    return done


@shared_task(bind=True, max_retries=30, autoretry_for=(ConnectionError,), retry_backoff=True,
             retry_backoff_max=RETRY_BACKOFF_MAX_SECONDS)
def recompute_pending(self, plan_id: int) -> int:
    """Serve the recompute requests of one plan (an approval or a reopening wrote them)."""
    try:
        result = pending_recompute_run(plan_id=plan_id)
    except RecomputeBusy as busy:
        raise self.retry(exc=busy, countdown=BUSY_RETRY_SECONDS) from busy
    return result.indicator_years if result else 0


@shared_task
def recompute_all_pending() -> int:
    """Beat (every minute) and each worker start: the requests whose task was never queued (the broker was
    down when the approval committed) or was lost."""
    plan_ids = list(RecomputeRequest.objects.order_by().values_list("plan_id", flat=True).distinct())
    for plan_id in plan_ids:
        recompute_pending.delay(plan_id)
    return len(plan_ids)


@shared_task
def recompute_active_plans() -> int:
    """Nightly: every active plan, because deadlines move statuses even without new data."""
    plan_ids = list(Plan.objects.active().values_list("pk", flat=True))
    for plan_id in plan_ids:
        recompute_plan.delay(plan_id)
    return len(plan_ids)


def _send_or_leave_pending(plan_id: int) -> None:
    try:
        recompute_pending.delay(plan_id)
    except Exception as exc:  # kombu raises several kinds; for the approval they all mean "later"
        # The request row is committed: the beat sweep or the next worker start takes it.
        logger.warning("broker unreachable (%s): the recompute of plan %s stays pending in the database",
                       exc.__class__.__name__, plan_id)


def enqueue_pending_recompute(*, plan_id: int) -> None:
    """After the current transaction commits, ask a worker to serve the plan's recompute requests now.

    Never fails the caller: the approval has committed, and its request waits in the database if the
    broker cannot be reached.
    """
    transaction.on_commit(lambda: _send_or_leave_pending(plan_id))


@worker_ready.connect(dispatch_uid="progress.drain_on_worker_start")
def _drain_on_worker_start(sender=None, **kwargs) -> None:
    """A worker that starts (after an outage, a deploy) takes what waited in the database meanwhile."""
    try:
        recompute_all_pending.delay()
    except Exception as exc:
        logger.warning("could not queue the pending recomputes at worker start: %s", exc.__class__.__name__)
