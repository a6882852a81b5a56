"""Approved reports built through the real reporting services (save → submit → approve)."""

import datetime as dt

import time_machine

from agencies.clock import VIETNAM
from reports.services import periods_open, report_approve, report_save, report_submit
from tests.reports.factories import ReportingWorld


def approve_report(world: ReportingWorld, *, agency, reporter, staff, code: str = "2026-Q1",
                   indicators: dict | None = None, tasks: dict | None = None,
                   on: dt.date | None = None, reopen_days: int = 0):
    """Enter `indicators` ({code: {"value": "95,5"}}) and `tasks` for `agency` in period `code`, submit and
    approve it; `on` is the local day the approval happens (default: the period's due day − 1)."""
    period = world.period(code)
    on = on or period.due_on - dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(on, dt.time(9, 0), tzinfo=VIETNAM), tick=False):
        periods_open(plan=world.plan, today=on)
        report = world.report(agency, code)
        data = {
            "indicator_entries": [{"indicator": c, **values} for c, values in (indicators or {}).items()],
            "task_entries": [{"task": c, **values} for c, values in (tasks or {}).items()],
        }
        report_save(report=report, user=reporter, version=report.version, data=data)
        report_submit(report=report, user=reporter)
        report_approve(report=report, user=staff)
    return report
