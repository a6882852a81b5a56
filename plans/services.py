"""Writes on plans. Each is keyword-only and runs in one transaction (nested imports use a savepoint)."""

from datetime import date

from django.db import transaction

from agencies.models import Agency, Province
from plans.models import Plan


@transaction.atomic
def plan_upsert(*, province: Province, code: str, title: str, number: str = "", issued: date | None = None,
                start_year: int, end_year: int, source_document: str = "", monitoring_agency: Agency | None = None,
                dry_run: bool = False) -> tuple[Plan, str, list[str]]:
    """Create the plan `code` or bring it up to date. Returns (plan, "created"|"updated"|"unchanged", fields changed).

    `monitoring_agency` is only a default: it is set on a new plan, or on one that has none, never replaced.

    With `dry_run` nothing is saved (a new plan is returned unsaved), so the caller can report what would change.
    """
    wanted = {"province_id": province.pk, "title": title[:500], "number": number, "issued": issued,
              "start_year": start_year, "end_year": end_year, "source_document": source_document[:255]}
    plan = Plan.objects.select_for_update().filter(code=code).first() if not dry_run else (
        Plan.objects.filter(code=code).first())
    if plan is None:
        plan = Plan(code=code, status=Plan.Status.ACTIVE, monitoring_agency=monitoring_agency, **wanted)
        if not dry_run:
            plan.full_clean(validate_unique=False, validate_constraints=False)
            plan.save()
        return plan, "created", list(wanted)
    if plan.monitoring_agency_id is None and monitoring_agency is not None:
        wanted["monitoring_agency_id"] = monitoring_agency.pk
    changed = [name for name, value in wanted.items() if getattr(plan, name) != value]
    for name in changed:
        setattr(plan, name, wanted[name])
    if changed and not dry_run:
        plan.save(update_fields=[*changed, "updated_at"])
    return plan, ("updated" if changed else "unchanged"), changed


@transaction.atomic
def plan_status_set(*, plan: Plan, status: str) -> Plan:
    """Move a plan between draft, active and closed (closing a finished plan stops its reporting)."""
    if status not in Plan.Status.values:
        raise ValueError(f"unknown plan status {status!r}")
    if plan.status != status:
        plan.status = status
        plan.save(update_fields=["status", "updated_at"])
    return plan
