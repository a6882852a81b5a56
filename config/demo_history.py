"""A believable reporting history for the seed plans, so that the first `make run` shows full dashboards.

For each plan in force: the quarterly reports of 2026-Q1 to Q3 of most agencies, approved with values near
or off the targets; some sent late, a few never sent, one returned and resubmitted, one still awaiting
review. Everything goes through the reporting services (report_save, report_submit, report_return,
report_approve) as the demo reporters and the Sở KH&CN staff would do it (staff enter the paper reports of
agencies that have no demo account), then the plan is recomputed.

The services stamp "now"; a history needs the days it happened on, so the demo then moves the submission
and approval instants of each report to its story's day. That is the only write outside the services, and
only for demo data. Idempotent: a plan whose reports were ever submitted is left alone.
"""

import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal

from django.db import transaction

from agencies.models import Membership
from indicators.models import Baseline, Indicator, Target
from plans.models import Plan
from progress.services import plan_recompute
from reports.models import VIETNAM, AgencyReport, IndicatorEntry, TaskEntry
from reports.services import report_approve, report_return, report_save, report_submit

YEAR = 2026
QUARTERS = (1, 2, 3)
# How each agency tends to do against its targets, and how it sends its reports (chosen by a stable hash of
# the agency's name, so the story is the same on every machine).
PACE = (Decimal("1.08"), Decimal("1.0"), Decimal("0.97"), Decimal("0.85"), Decimal("0.6"))


AGENCIES = 7


def r_agency_rank(name: str, reporters: dict, reports) -> int:
    return 0 if any(r.agency.name == name and r.agency_id in reporters for r in reports) else 1


def _pick(name: str, options):
    digest = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
    return options[digest % len(options)]


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=VIETNAM)


def _users(province) -> tuple:
    staff = (Membership.objects.filter(agency__province=province, role=Membership.Role.STAFF)
             .select_related("user").order_by("pk").first())
    reporters = {m.agency_id: m.user for m in Membership.objects.filter(
        agency__province=province, role__in=[Membership.Role.REPORTER, Membership.Role.AGENCY_HEAD])
        .select_related("user").order_by("role", "pk")}
    return (staff.user if staff else None), reporters


def _value(indicator: Indicator, target: Target | None, baseline: Baseline | None, quarter: int,
           pace: Decimal) -> Decimal | None:
    start = baseline.value if baseline is not None and baseline.value is not None else None
    goal = target.low if target is not None else None
    if goal is None:
        return None
    if start is None:
        start = goal * Decimal("0.8")
    if not indicator.cumulative:
        # A flow: this quarter's share of the year's total.
        return (goal / 4 * pace).quantize(Decimal("1") if goal > 100 else Decimal("0.1"))
    value = start + (goal - start) * Decimal(quarter) / 4 * pace
    if indicator.value_type == Indicator.ValueType.PERCENT:
        value = min(value, Decimal(100))
    if indicator.value_type == Indicator.ValueType.COUNT or value > 1000:
        return value.quantize(Decimal("1"))
    return value.quantize(Decimal("0.01"))


def _report_data(report: AgencyReport, targets, baselines, pace: Decimal, on_behalf: bool) -> dict:
    items = []
    for entry in report.indicator_entries.select_related("indicator"):
        indicator = entry.indicator
        # Agencies differ, and so do their indicators: the pace is the agency's, nudged per indicator.
        pace = _pick(report.agency.name + indicator.code, PACE) if indicator.aggregation != "latest" or \
            _pick(indicator.code, (True, False)) else pace
        item = {"indicator": indicator.code, "note": "Số liệu tổng hợp từ hệ thống thống kê của ngành.",
                "source": "Báo cáo thống kê của đơn vị"}
        if indicator.value_type == Indicator.ValueType.MILESTONE:
            item["milestone_state"] = "completed" if pace >= 1 and report.period.quarter == 3 else "in_progress"
        else:
            value = _value(indicator, targets.get(indicator.pk), baselines.get(indicator.pk),
                           report.period.quarter, pace)
            if value is None:
                continue
            if indicator.aggregation == Indicator.Aggregation.RATIO:
                denominator = Decimal(200)
                item["numerator"] = str((value * denominator / 100).quantize(Decimal("1")))
                item["denominator"] = str(denominator)
            else:
                item["value"] = str(value)
        items.append(item)
    tasks = []
    for entry in report.task_entries.select_related("task"):
        progress = min(100, int(25 * report.period.quarter * pace))
        tasks.append({"task": entry.task.code, "status": "completed" if progress >= 100 else "in_progress",
                      "progress": progress, "done": "Đã triển khai theo kế hoạch của đơn vị."})
    data = {"indicator_entries": items, "task_entries": tasks,
            "narrative": {"achievements": "Các chỉ tiêu được triển khai theo kế hoạch.",
                          "difficulties": "Kinh phí và nhân lực chuyên trách còn hạn chế." if pace < 1 else ""}}
    if on_behalf:
        data["source_reference"] = f"Công văn của {report.agency.name} ngày {report.period.due_on:%d/%m/%Y}"
    return data


def plan_history_seed(*, plan: Plan) -> int:
    """Write the demo history of one plan; returns the number of reports sent (0 when it has one already)."""
    if AgencyReport.objects.filter(plan=plan, first_submitted_at__isnull=False).exists():
        return 0
    staff, reporters = _users(plan.province)
    if staff is None:
        return 0
    targets = {t.indicator_id: t for t in Target.objects.filter(indicator__plan=plan, year=YEAR)}
    baselines = {b.indicator_id: b for b in Baseline.objects.filter(indicator__plan=plan)}
    reports = list(AgencyReport.objects.filter(plan=plan, period__year=YEAR, period__quarter__in=QUARTERS)
                   .select_related("agency", "period", "plan").order_by("period__quarter", "agency__name"))
    items = dict(Counter(IndicatorEntry.objects.filter(report__in=reports).values_list("report__agency__name",
                                                                                       flat=True)))
    tasks = Counter(TaskEntry.objects.filter(report__in=reports).values_list("report__agency__name", flat=True))
    reports = [r for r in reports if items.get(r.agency.name) or tasks.get(r.agency.name)]
    # A few agencies tell the story: the demo reporters' own, then those with the most indicators to report.
    names = sorted({r.agency.name for r in reports},
                   key=lambda name: (r_agency_rank(name, reporters, reports), -items.get(name, 0), name))
    keep = set(names[:AGENCIES])
    reports = [r for r in reports if r.agency.name in keep]
    sent = 0
    returned_done = awaiting_done = False
    with transaction.atomic():
        for n, report in enumerate(reports):
            name, quarter = report.agency.name, report.period.quarter
            habit = _pick(name + "habit", ("prompt", "prompt", "prompt", "late", "silent"))
            if habit == "silent" and quarter >= 2:
                continue  # never sent: missing in the compliance heatmap
            if quarter == 3 and n % 9 == 4:
                continue  # a few more missing in the latest quarter
            pace = _pick(name + plan.code, PACE)
            user = reporters.get(report.agency_id)
            on_behalf = user is None
            author = staff if on_behalf else user
            report_save(report=report, user=author, data=_report_data(report, targets, baselines, pace, on_behalf),
                        version=None, on_behalf=on_behalf)
            report_submit(report=report, user=author)
            due = report.period.due_on
            late = habit == "late" or n % 7 == 3
            submitted = due + dt.timedelta(days=4 + n % 9) if late else due - dt.timedelta(days=2 + n % 5)
            if quarter == 2 and not returned_done and not on_behalf:
                # Returned once for a missing figure, corrected and sent again.
                report_return(report=report, user=staff, reason="Đề nghị bổ sung nguồn số liệu và giải trình.")
                report_save(report=report, user=author, data={"narrative": {
                    "shortcomings": "Đã bổ sung nguồn số liệu theo yêu cầu của Sở KH&CN."}}, version=None)
                report_submit(report=report, user=author)
                returned_done = True
            sent += 1
            approved = submitted + dt.timedelta(days=3)
            if quarter == 3 and not awaiting_done:
                awaiting_done = True  # the one still awaiting review
                AgencyReport.objects.filter(pk=report.pk).update(
                    first_submitted_at=_at(submitted), submitted_at=_at(submitted))
                continue
            report_approve(report=report, user=staff)
            AgencyReport.objects.filter(pk=report.pk).update(
                first_submitted_at=_at(submitted), submitted_at=_at(submitted + dt.timedelta(days=1)),
                approved_at=_at(approved, 15))
    plan_recompute(plan=plan)
    return sent
