"""Celery tasks of the reports layer: thin, they take ids, call a service and retry."""

from celery import shared_task

from plans.models import Plan
from reports import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def open_periods(plan_id: int | None = None) -> int:
    """Daily (beat) and on demand: periods and expected reports of one plan, or of every active plan."""
    # Only plans in force report: a draft or a closed (finished) plan opens no periods.
    plans = Plan.objects.active().filter(pk=plan_id) if plan_id else Plan.objects.active()
    return sum(services.periods_open(plan=plan) for plan in plans)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_reminders() -> int:
    return services.reminders_send()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_review_digest() -> int:
    return services.review_digest_send()
