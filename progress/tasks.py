"""Celery tasks of the progress app: thin (ids in, one service call, retry when the plan is busy)."""

import datetime as dt

from celery import shared_task
from django.db import transaction

from indicators.models import Indicator
from plans.models import Plan
from progress.services import RecomputeBusy, plan_recompute

BUSY_RETRY_SECONDS = 10


@shared_task(bind=True, max_retries=30, autoretry_for=(ConnectionError,), retry_backoff=True)
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


@shared_task(bind=True, max_retries=30, autoretry_for=(ConnectionError,), retry_backoff=True)
def recompute_indicators(self, indicator_ids: list[int], from_year: int | None = None) -> int:
    """Recompute the given indicators (an approval or a reopening touched them), plan by plan; with
    `from_year`, only that year and the later ones."""
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


@shared_task
def recompute_active_plans() -> int:
    """Nightly: every active plan, because deadlines move statuses even without new data."""
    plan_ids = list(Plan.objects.active().values_list("pk", flat=True))
    for plan_id in plan_ids:
        recompute_plan.delay(plan_id)
    return len(plan_ids)


def enqueue_recompute(*, indicator_ids=None, plan_id: int | None = None, from_year: int | None = None) -> None:
    """After the current transaction commits: recompute these indicators (from `from_year` on), or the
    whole plan when a report changed no indicator (its task entries still count)."""
    ids = sorted({int(pk) for pk in indicator_ids or []})
    if ids:
        transaction.on_commit(lambda: recompute_indicators.delay(ids, from_year))
    elif plan_id is not None:
        transaction.on_commit(lambda: recompute_plan.delay(plan_id))
