"""The reads of the dashboards: snapshots (progress/) and, for per-period series, set-based queries over
approved values. Each page costs a fixed number of queries whatever the data size (asserted in tests);
nothing here computes a status: the recompute did that.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Count, Exists, Max, OuterRef, Prefetch, Q, Sum
from django.http import Http404
from django.utils import timezone

from agencies.models import Agency
from dashboards import palette
from indicators import rules
from indicators.models import Indicator, Target
from indicators.rules import Status, TaskStatus
from plans.models import Plan, Section, Task
from progress.models import AgencyProgress, IndicatorProgress, PlanProgress, SectionProgress
from progress.selectors import is_recompute_pending, plans_with_pending_recompute
from reports.models import VIETNAM, AgencyReport, Attachment, IndicatorEntry, ReportingPeriod, local_today

QUEUED_KEY = "dashboards:recompute-queued:{plan_id}"
QUEUED_SECONDS = 15 * 60


# ---------------------------------------------------------------- year and freshness


def plan_year(plan: Plan, raw: str | None) -> int:
    """The year asked for (?year=), or this year within the plan's period; a year outside it is a 404."""
    if raw in (None, ""):
        return min(max(local_today().year, plan.start_year), plan.end_year)
    if not str(raw).isdigit() or int(raw) not in plan.years:
        raise Http404(f"Năm {raw} không thuộc kỳ kế hoạch.")
    return int(raw)


@dataclass(frozen=True)
class Freshness:
    computed_at: dt.datetime | None
    as_of: dt.date | None
    updating: bool

    @property
    def has_snapshot(self) -> bool:
        return self.computed_at is not None


def freshness(*, plan: Plan, year: int, rollup: PlanProgress | None = None, queued=None,
              pending: bool | None = None) -> Freshness:
    """When the figures of a plan-year were computed, up to which day approved values count, and whether a
    newer recompute is on its way.

    "On its way" is either of two things: an approval or reopening whose recompute is recorded in the
    database and not done yet (`progress.selectors.is_recompute_pending`: it survives a broker outage), or
    the marker `recompute_queued_mark` sets when staff ask for a recompute (until a snapshot newer than the
    request is written, or the marker expires). Pass `rollup` when the page read it already (no query then);
    `queued` and `pending` when the caller read them for many plans at once."""
    if rollup is None:
        rollup = PlanProgress.objects.filter(plan=plan, year=year).only("computed_at", "as_of").first()
    if queued is None:
        queued = cache.get(QUEUED_KEY.format(plan_id=plan.pk))
    if pending is None:
        pending = is_recompute_pending(plan.pk)
    computed_at = rollup.computed_at if rollup else None
    updating = pending or (bool(queued) and (computed_at is None or computed_at < queued))
    return Freshness(computed_at=computed_at, as_of=rollup.as_of if rollup else None, updating=updating)


def recompute_queued_mark(*, plan: Plan) -> None:
    cache.set(QUEUED_KEY.format(plan_id=plan.pk), timezone.now(), QUEUED_SECONDS)


# ---------------------------------------------------------------- all plans


@dataclass
class PlanHeadline:
    plan: Plan
    year: int
    rollup: PlanProgress | None
    freshness: Freshness

    @property
    def counts(self) -> dict:
        return self.rollup.counts if self.rollup else {}

    @property
    def task_counts(self) -> dict:
        return self.rollup.task_counts if self.rollup else {}


def plans_headlines(plans: list[Plan], year: int | None = None) -> list[PlanHeadline]:
    """One row per plan with its figures for `year` (or each plan's current year): two queries."""
    today_year = local_today().year
    years = {plan.pk: (year if year in plan.years else min(max(today_year, plan.start_year), plan.end_year))
             for plan in plans}
    rollups = {(r.plan_id, r.year): r for r in PlanProgress.objects.filter(plan__in=plans)}
    queued = cache.get_many([QUEUED_KEY.format(plan_id=plan.pk) for plan in plans])
    pending = plans_with_pending_recompute(plan.pk for plan in plans)
    rows = []
    for plan in plans:
        rollup = rollups.get((plan.pk, years[plan.pk]))
        rows.append(PlanHeadline(plan=plan, year=years[plan.pk], rollup=rollup, freshness=freshness(
            plan=plan, year=years[plan.pk], rollup=rollup or PlanProgress(),
            queued=queued.get(QUEUED_KEY.format(plan_id=plan.pk), False), pending=plan.pk in pending)))
    return rows


# ---------------------------------------------------------------- overview of one plan


@dataclass
class ComplianceCell:
    agency_id: int
    period_code: str
    state: str
    status_label: str
    returned: int
    on_time: bool = False


@dataclass
class Overview:
    plan: Plan
    year: int
    year_over: bool
    rollup: PlanProgress | None
    sections: list[SectionProgress]
    scorecard: list[AgencyProgress]
    periods: list[ReportingPeriod]
    cells: list[ComplianceCell]
    attention: list[IndicatorProgress]
    tasks: list[Task]
    latest_period: ReportingPeriod | None
    latest_compliance: dict
    section_choices: list[Section]
    agency_choices: list[Agency]
    overdue_by_agency: list[tuple[str, list[Task]]] = field(default_factory=list)
    agency_names: dict[int, str] = field(default_factory=dict)


def compliance_state(report) -> str:
    """The heatmap state of one report, from the `with_compliance` annotations."""
    if report["status"] == AgencyReport.Status.RETURNED:
        return palette.RETURNED
    if report["is_missing"]:
        return palette.MISSING
    if report["is_pending"]:
        return palette.NOT_DUE
    return palette.LATE if report["is_late"] else palette.ON_TIME


def _cells(plan: Plan, year: int, today: dt.date) -> tuple[list[ComplianceCell], dict[int, str]]:
    """Each report of the year with its heatmap state. The on-time rule is `with_compliance`'s (first
    submission before 00:00 of the due day, Asia/Ho_Chi_Minh), applied here to the few columns it needs: the
    heatmap must not pay for the entry-count subqueries of every report of a province."""
    rows = (AgencyReport.objects.filter(plan=plan, period__year=year)
            .values_list("agency_id", "agency__name", "period__code", "period__due_on", "status",
                         "first_submitted_at"))
    labels = dict(AgencyReport.Status.choices)
    cells, names = [], {}
    for agency_id, name, code, due_on, status, first_submitted_at in rows:
        names[agency_id] = name
        submitted_on = first_submitted_at.astimezone(VIETNAM).date() if first_submitted_at else None
        facts = {"status": status, "is_missing": submitted_on is None and due_on <= today,
                 "is_pending": submitted_on is None and due_on > today,
                 "is_late": submitted_on is not None and submitted_on >= due_on}
        cells.append(ComplianceCell(agency_id=agency_id, period_code=code, state=compliance_state(facts),
                                    status_label=str(labels[status]), returned=0,
                                    on_time=submitted_on is not None and submitted_on < due_on))
    return cells, names


def _latest_compliance(cells: list[ComplianceCell], period: ReportingPeriod | None, plan: Plan,
                       today: dt.date) -> dict:
    """Reports expected and on time for the latest period due: from the heatmap's cells when that period is in
    the year shown (no query), else from the database."""
    if period is None:
        return {}
    mine = [c for c in cells if c.period_code == period.code]
    if mine:
        return {"expected": len(mine), "on_time": sum(1 for c in mine if c.on_time)}
    return period_on_time(plan=plan, period=period)


def period_on_time(*, plan: Plan, period: ReportingPeriod) -> dict:
    """Reports expected and first submitted on time for one period: one COUNT over the period's reports (an
    index scan). The rule is `with_compliance`'s (before 00:00 of the due day, Asia/Ho_Chi_Minh), without
    its per-report entry counts, which cost a province's whole period for two numbers."""
    cutoff = dt.datetime.combine(period.due_on, dt.time.min, tzinfo=VIETNAM)
    return AgencyReport.objects.filter(plan=plan, period=period).aggregate(
        expected=Count("pk"), on_time=Count("pk", filter=Q(first_submitted_at__lt=cutoff)))


def reports_stamp(plan: Plan) -> tuple:
    """What changes whenever a report of the plan is created or moves in its workflow (every write goes
    through `reports.services._record`, which bumps the version and `updated_at`): the overview's cached
    heatmap and on-time figures are keyed by it. One aggregate over the plan's reports (index on plan)."""
    row = AgencyReport.objects.filter(plan=plan).aggregate(n=Count("pk"), versions=Sum("version"),
                                                           latest=Max("updated_at"))
    return row["n"], row["versions"], row["latest"].isoformat() if row["latest"] else None


ATTENTION_IN_YEAR = (Status.OFF_TRACK, Status.AT_RISK, Status.STALE)
ATTENTION_YEAR_OVER = (Status.NOT_ACHIEVED,)


def plan_tasks(plan: Plan, *, section_id: int | None = None, agency_id: int | None = None) -> list[Task]:
    """The plan's tasks with their snapshot (`progress_snapshot`, None before the first recompute), section
    and lead agencies: two queries."""
    tasks = (Task.objects.filter(plan=plan).select_related("section", "progress_snapshot")
             .prefetch_related("lead_agencies").order_by("appendix__order", "order", "code"))
    if section_id:
        ids = [section_id]
        tasks = tasks.filter(Q(section_id__in=ids) | Q(section__parent_id__in=ids)
                             | Q(section__parent__parent_id__in=ids))
    if agency_id:
        tasks = tasks.filter(lead_agencies=agency_id)
    return list(tasks)


def plan_rollup(plan: Plan, year: int) -> PlanProgress | None:
    return PlanProgress.objects.filter(plan=plan, year=year).first()


def overview(*, plan: Plan, year: int, rollup: PlanProgress | None, section_id: int | None = None,
             agency_id: int | None = None, today: dt.date | None = None) -> Overview:
    """`rollup`: the plan-year's `plan_rollup` (the page reads it first: its `computed_at` keys the cache)."""
    today = today or local_today()
    sections = list(SectionProgress.objects.filter(plan=plan, year=year, section__parent__isnull=True)
                    .select_related("section", "section__appendix")
                    .order_by("section__appendix__order", "section__order", "section__id"))
    scorecard = list(AgencyProgress.objects.filter(plan=plan, year=year).select_related("agency"))
    scorecard.sort(key=lambda row: (-(row.share_achieved if row.share_achieved is not None else Decimal(-1)),
                                    -row.reports_on_time, row.reports_late + row.reports_missing,
                                    row.agency.name))
    periods = list(ReportingPeriod.objects.filter(plan=plan, year=year))
    cells, agency_names = _cells(plan, year, today)
    year_over = today.year > year
    statuses = ATTENTION_YEAR_OVER if year_over else ATTENTION_IN_YEAR
    attention = list(IndicatorProgress.objects.for_plan_year(plan, year).filter(status__in=statuses))
    severity = {Status.OFF_TRACK: 0, Status.NOT_ACHIEVED: 0, Status.AT_RISK: 1, Status.STALE: 2}
    attention.sort(key=lambda row: severity.get(row.status, 3))
    tasks = plan_tasks(plan, section_id=section_id, agency_id=agency_id)
    due = [p for p in periods if p.due_on <= today] or list(
        ReportingPeriod.objects.filter(plan=plan, due_on__lte=today).order_by("-due_on")[:1])
    latest = max(due, key=lambda p: p.due_on) if due else None
    latest_compliance = _latest_compliance(cells, latest, plan, today)
    section_choices = list(Section.objects.filter(plan=plan, parent__isnull=True)
                           .select_related("appendix").order_by("appendix__order", "order"))
    agency_choices = list(Agency.objects.filter(led_tasks__plan=plan).distinct().order_by("name"))
    overdue: dict[str, list[Task]] = defaultdict(list)
    for task in (tasks if not (section_id or agency_id) else plan_tasks(plan)):
        snapshot = getattr(task, "progress_snapshot", None)
        if snapshot is not None and snapshot.status == TaskStatus.OVERDUE:
            leads = [a.display_name for a in task.lead_agencies.all()] or ["—"]
            for name in leads:
                overdue[name].append(task)
    return Overview(
        plan=plan, year=year, year_over=year_over, rollup=rollup,
        sections=sections, scorecard=scorecard, periods=periods, cells=cells, attention=attention, tasks=tasks,
        latest_period=latest, latest_compliance=latest_compliance, section_choices=section_choices,
        agency_choices=agency_choices, overdue_by_agency=sorted(overdue.items(), key=lambda kv: (-len(kv[1]), kv[0])),
        agency_names=agency_names)


# ---------------------------------------------------------------- one indicator


@dataclass(frozen=True)
class PeriodFigure:
    year: int
    quarter: int | None
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    agencies: int

    @property
    def label(self) -> str:
        return f"Q{self.quarter}/{self.year}" if self.quarter else f"{self.year}"


def period_series(indicator: Indicator) -> list[PeriodFigure]:
    """The province figure of each period with approved values (one GROUP BY): the agencies' values summed
    (`sum`), Σnumerator ÷ Σdenominator (`ratio`), their mean (`mean`) or the largest of the period's values
    (`latest`: one agency reports it). The year's own figure, with the stock/flow rules, is the snapshot's."""
    rows = (IndicatorEntry.objects.filter(indicator=indicator, report__status=AgencyReport.Status.APPROVED)
            .filter(Q(value__isnull=False) | Q(numerator__isnull=False))
            .values("report__period__year", "report__period__quarter")
            .annotate(total=Sum("value"), mean=Avg("value"), newest=Max("value"), n=Sum("numerator"),
                      d=Sum("denominator"), agencies=Count("report__agency_id", distinct=True))
            .order_by("report__period__year", "report__period__quarter"))
    method = indicator.aggregation
    series = []
    for row in rows:
        if method == Indicator.Aggregation.RATIO or (row["total"] is None and row["n"] is not None):
            value = rules.ratio_percent(row["n"], row["d"])
        elif method == Indicator.Aggregation.MEAN:
            value = row["mean"]
        elif method == Indicator.Aggregation.LATEST:
            value = row["newest"]
        else:
            value = row["total"]
        series.append(PeriodFigure(year=row["report__period__year"], quarter=row["report__period__quarter"],
                                   value=Decimal(value).quantize(Decimal("0.01")) if value is not None else None,
                                   numerator=row["n"], denominator=row["d"], agencies=row["agencies"]))
    return series


@dataclass
class IndicatorPage:
    indicator: Indicator
    year: int
    targets: list[Target]
    snapshots: list[IndicatorProgress]
    current: IndicatorProgress | None
    series: list[PeriodFigure]
    entries: list[IndicatorEntry]
    by_agency: list[dict]


def indicator_or_404(pk: int) -> Indicator:
    indicator = (Indicator.objects.select_related("plan", "section", "baseline", "appendix")
                 .prefetch_related("lead_agencies").filter(pk=pk).first())
    if indicator is None:
        raise Http404("Không có chỉ tiêu này.")
    return indicator


def indicator_snapshots(indicator: Indicator) -> list[IndicatorProgress]:
    return list(IndicatorProgress.objects.filter(indicator=indicator).order_by("year"))


def indicator_page(*, indicator: Indicator, year: int, snapshots: list[IndicatorProgress],
                   entry_agency_ids: set[int] | None) -> IndicatorPage:
    """`snapshots`: the indicator's `indicator_snapshots`; `entry_agency_ids`: whose approved values (and
    evidence) the reader may list, None for all."""
    targets = list(Target.objects.filter(indicator=indicator).order_by("year"))
    current = next((s for s in snapshots if s.year == year), None)
    entries = (IndicatorEntry.objects.filter(indicator=indicator, report__status=AgencyReport.Status.APPROVED,
                                             report__period__year=year)
               .filter(Q(value__isnull=False) | Q(numerator__isnull=False) | ~Q(milestone_state=""))
               .select_related("report", "report__agency", "report__period")
               .prefetch_related(Prefetch("report__attachments", queryset=Attachment.objects.order_by("pk")))
               .order_by("report__period__ends_on", "report__agency__name"))
    if entry_agency_ids is not None:
        entries = entries.filter(report__agency_id__in=entry_agency_ids)
    entries = list(entries)
    latest: dict[int, IndicatorEntry] = {}
    flows: dict[int, dict] = {}
    for entry in entries:  # ordered by period: the last one seen is the agency's latest
        latest[entry.report.agency_id] = entry
        total = flows.setdefault(entry.report.agency_id, {"value": None, "annual": None})
        if entry.value is not None:
            if entry.report.period.quarter is None:
                total["annual"] = entry.value
            else:
                total["value"] = (total["value"] or 0) + entry.value
    by_agency = []
    for agency_id, entry in latest.items():
        value = entry.value
        if not indicator.cumulative and value is not None:
            flow = flows[agency_id]
            value = flow["annual"] if flow["annual"] is not None else flow["value"]
        if value is None and entry.numerator is not None:
            value = rules.ratio_percent(entry.numerator, entry.denominator)
        by_agency.append({"agency": entry.report.agency, "value": value, "numerator": entry.numerator,
                          "denominator": entry.denominator, "period": entry.report.period})
    by_agency.sort(key=lambda row: (row["value"] is None, -(row["value"] or 0), row["agency"].name))
    return IndicatorPage(
        indicator=indicator, year=year, targets=targets, snapshots=snapshots, current=current,
        series=period_series(indicator), entries=entries, by_agency=by_agency)


# ---------------------------------------------------------------- one agency


@dataclass
class AgencyPage:
    agency: Agency
    plan: Plan
    year: int
    rollup: AgencyProgress | None
    indicators: list[IndicatorProgress]
    indicators_without_snapshot: list[Indicator]
    tasks: list[Task]
    reports: list[dict]
    freshness: Freshness


def agency_plans(agency: Agency) -> list[Plan]:
    """The plans of the agency's province in which it leads something or reports (one query)."""
    # Three EXISTS, not joins: joining a plan's indicators, tasks and reports multiplies them (100 × 200 ×
    # 2,600 rows for one plan of a province) before DISTINCT folds them back: seconds instead of a millisecond.
    leads_indicator = Indicator.lead_agencies.through.objects.filter(
        indicator__plan=OuterRef("pk"), agency_id=agency.pk)
    leads_task = Task.lead_agencies.through.objects.filter(task__plan=OuterRef("pk"), agency_id=agency.pk)
    reports = AgencyReport.objects.filter(plan=OuterRef("pk"), agency_id=agency.pk)
    return list(Plan.objects.filter(province_id=agency.province_id)
                .filter(Exists(leads_indicator) | Exists(leads_task) | Exists(reports))
                .order_by("-start_year", "title"))


def agency_page(*, agency: Agency, plan: Plan, year: int, today: dt.date | None = None) -> AgencyPage:
    today = today or local_today()
    rollup = AgencyProgress.objects.filter(plan=plan, agency=agency, year=year).first()
    indicators = list(IndicatorProgress.objects.for_plan_year(plan, year).filter(indicator__lead_agencies=agency))
    without = []
    if not indicators:
        without = list(Indicator.objects.filter(plan=plan, lead_agencies=agency).order_by("order", "code"))
    tasks = list(Task.objects.filter(plan=plan, lead_agencies=agency).select_related("progress_snapshot", "section")
                 .order_by("appendix__order", "order", "code"))
    reports = list(AgencyReport.objects.filter(plan=plan, agency=agency).with_compliance(today)
                   .values("pk", "period__code", "period__year", "period__quarter", "period__due_on", "status",
                           "first_submitted_at", "approved_at", "is_missing", "is_pending", "is_late",
                           "returned_count", "entries_filled", "entries_assigned")
                   .order_by("period__year", "-period__kind", "period__quarter"))
    labels = dict(AgencyReport.Status.choices)
    for report in reports:
        report["state"] = compliance_state(report)
        report["status_label"] = str(labels[report["status"]])
    stamp = PlanProgress.objects.filter(plan=plan, year=year).first()
    return AgencyPage(agency=agency, plan=plan, year=year, rollup=rollup, indicators=indicators,
                      indicators_without_snapshot=without, tasks=tasks, reports=reports,
                      freshness=freshness(plan=plan, year=year, rollup=stamp or PlanProgress()))


# ---------------------------------------------------------------- the plan page


@dataclass
class PlanPage:
    indicators: list[Indicator]
    progress: dict[int, IndicatorProgress]
    tasks: list[Task]
    years_computed: set[int]
    freshness: Freshness
    # item id → its lead agencies' display names, in the agencies' order
    indicator_leads: dict[int, list[str]] = field(default_factory=dict)
    task_leads: dict[int, list[str]] = field(default_factory=dict)


def _lead_names(model, plan: Plan) -> dict[int, list[str]]:
    """Each item's lead agencies by `display_name`, in Agency's order (kind, name): one query of names,
    rather than an Agency instance for each of a province plan's ~1,000 links."""
    owner = model._meta.model_name
    names: dict[int, list[str]] = defaultdict(list)
    for item_id, short_name, name in (model.lead_agencies.through.objects.filter(**{f"{owner}__plan": plan})
                                      .order_by("agency__kind", "agency__name")
                                      .values_list(f"{owner}_id", "agency__short_name", "agency__name")):
        names[item_id].append(short_name or name)
    return names


def plan_page(*, plan: Plan, year: int, status: str = "") -> PlanPage:
    # Only the year's target: the page shows no other, and a plan has one per year of its period.
    indicators = list(Indicator.objects.of_plan(plan).select_related("section", "baseline")
                      .prefetch_related(Prefetch("targets", queryset=Target.objects.filter(year=year))))
    progress = {row.indicator_id: row for row in IndicatorProgress.objects.filter(plan=plan, year=year)}
    if status:
        indicators = [i for i in indicators if progress.get(i.pk) and progress[i.pk].status == status]
    tasks = list(plan.tasks.select_related("section", "progress_snapshot"))
    rollups = {r.year: r for r in PlanProgress.objects.filter(plan=plan).only("year", "computed_at", "as_of")}
    return PlanPage(indicators=indicators, progress=progress, tasks=tasks, years_computed=set(rollups),
                    freshness=freshness(plan=plan, year=year, rollup=rollups.get(year) or PlanProgress()),
                    indicator_leads=_lead_names(Indicator, plan), task_leads=_lead_names(Task, plan))


# ---------------------------------------------------------------- the public page


def public_rows(*, plan: Plan, year: int) -> list[IndicatorProgress]:
    """Indicators with a target for the year and their snapshot: approved values only, no agency data."""
    return list(IndicatorProgress.objects.for_plan_year(plan, year).exclude(target_op=""))
