"""Progress snapshots: what the recompute wrote, so that pages and the API only read.

Every row carries `as_of` (the date the statuses are judged at) and `computed_at`. Rows are only
written by `progress.services.plan_recompute`, in one transaction per recompute.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from indicators.models import VALUE_DIGITS, Indicator, Target
from indicators.rules import (
    STATUS_LABELS,
    TASK_STATUS_LABELS,
    TRAJECTORY_LABELS,
    Status,
    TaskStatus,
    Trajectory,
)
from plans.models import Plan, Section, Task

STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in Status]
TASK_STATUS_CHOICES = [(s.value, TASK_STATUS_LABELS[s]) for s in TaskStatus]
TRAJECTORY_CHOICES = [(t.value, TRAJECTORY_LABELS[t]) for t in Trajectory]


class Snapshot(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", verbose_name=_("kế hoạch"))
    as_of = models.DateField(_("tính đến ngày"))
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        abstract = True


class IndicatorProgressQuerySet(models.QuerySet):
    def for_plan_year(self, plan, year: int) -> "IndicatorProgressQuerySet":
        return (self.filter(plan=plan, year=year).select_related("indicator")
                .order_by("indicator__appendix__order", "indicator__order", "indicator__code"))


class IndicatorProgress(Snapshot):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="progress",
                                  verbose_name=_("chỉ tiêu"))
    year = models.PositiveSmallIntegerField(_("năm"))
    actual = models.DecimalField(_("thực tế"), null=True, blank=True, **VALUE_DIGITS)
    numerator_sum = models.DecimalField(_("tổng tử số"), null=True, blank=True, **VALUE_DIGITS)
    denominator_sum = models.DecimalField(_("tổng mẫu số"), null=True, blank=True, **VALUE_DIGITS)
    reporting_agencies = models.PositiveIntegerField(_("số cơ quan có số liệu"), default=0)
    expected = models.DecimalField(_("kỳ vọng đến nay"), null=True, blank=True, **VALUE_DIGITS)
    status = models.CharField(_("trạng thái"), max_length=15, choices=STATUS_CHOICES)
    explanation = models.TextField(_("giải thích"))
    percent_of_target = models.DecimalField(_("% so với mục tiêu"), null=True, blank=True, max_digits=24,
                                            decimal_places=2)
    trajectory = models.CharField(_("xu hướng đến cuối kỳ kế hoạch"), max_length=15, choices=TRAJECTORY_CHOICES,
                                  blank=True)
    trajectory_explanation = models.TextField(_("giải thích xu hướng"), blank=True)
    last_value_at = models.DateField(_("số liệu gần nhất đến ngày"), null=True, blank=True)
    milestone_state = models.CharField(_("đánh giá mốc"), max_length=12, blank=True)
    target_op = models.CharField(_("phép so sánh"), max_length=10, choices=Target.Op.choices, blank=True)
    target_low = models.DecimalField(_("mục tiêu (cận dưới)"), null=True, blank=True, **VALUE_DIGITS)
    target_high = models.DecimalField(_("mục tiêu (cận trên)"), null=True, blank=True, **VALUE_DIGITS)
    target_text = models.TextField(_("mục tiêu (nguyên văn)"), blank=True)

    objects = IndicatorProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("tiến độ chỉ tiêu")
        verbose_name_plural = _("tiến độ chỉ tiêu")
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicator_progress_one_per_year")]
        indexes = [models.Index(fields=["plan", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.year}: {self.status}"


class TaskProgress(Snapshot):
    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="progress_snapshot",
                                verbose_name=_("nhiệm vụ"))
    status = models.CharField(_("trạng thái"), max_length=15, choices=TASK_STATUS_CHOICES)
    progress = models.DecimalField(_("tiến độ (%)"), null=True, blank=True, max_digits=5, decimal_places=2)
    due = models.DateField(_("hạn"), null=True, blank=True)
    explanation = models.TextField(_("giải thích"))
    reporting_agencies = models.PositiveIntegerField(_("số cơ quan đã báo cáo"), default=0)

    class Meta:
        verbose_name = _("tiến độ nhiệm vụ")
        verbose_name_plural = _("tiến độ nhiệm vụ")
        indexes = [models.Index(fields=["plan", "status"])]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.status}"


class SectionProgress(Snapshot):
    """Counts of the indicator statuses of a section and everything under it, for one year."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="progress", verbose_name=_("mục"))
    year = models.PositiveSmallIntegerField(_("năm"))
    counts = models.JSONField(_("số chỉ tiêu theo trạng thái"), default=dict)
    task_counts = models.JSONField(_("số nhiệm vụ theo trạng thái"), default=dict)
    share_achieved = models.DecimalField(_("tỷ lệ đạt (%)"), null=True, blank=True, max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("tiến độ theo mục")
        verbose_name_plural = _("tiến độ theo mục")
        constraints = [models.UniqueConstraint(fields=["section", "year"], name="section_progress_one_per_year")]

    def __str__(self) -> str:
        return f"{self.section_id}/{self.year}"


class PlanProgress(Snapshot):
    year = models.PositiveSmallIntegerField(_("năm"))
    counts = models.JSONField(_("số chỉ tiêu theo trạng thái"), default=dict)
    task_counts = models.JSONField(_("số nhiệm vụ theo trạng thái"), default=dict)
    share_achieved = models.DecimalField(_("tỷ lệ đạt (%)"), null=True, blank=True, max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("tiến độ kế hoạch")
        verbose_name_plural = _("tiến độ kế hoạch")
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="plan_progress_one_per_year")]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.year}"


class AgencyProgress(Snapshot):
    """An agency's items (indicators and tasks it leads) by status, and its reporting compliance, per year."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="progress", verbose_name=_("cơ quan"))
    year = models.PositiveSmallIntegerField(_("năm"))
    indicator_counts = models.JSONField(_("số chỉ tiêu theo trạng thái"), default=dict)
    task_counts = models.JSONField(_("số nhiệm vụ theo trạng thái"), default=dict)
    share_achieved = models.DecimalField(_("tỷ lệ đạt (%)"), null=True, blank=True, max_digits=5, decimal_places=2)
    reports_expected = models.PositiveIntegerField(_("số báo cáo đến hạn"), default=0)
    reports_on_time = models.PositiveIntegerField(_("đúng hạn"), default=0)
    reports_late = models.PositiveIntegerField(_("trễ hạn"), default=0)
    reports_missing = models.PositiveIntegerField(_("chưa nộp"), default=0)
    reports_returned = models.PositiveIntegerField(_("số lần bị trả lại"), default=0)

    class Meta:
        verbose_name = _("tiến độ theo cơ quan")
        verbose_name_plural = _("tiến độ theo cơ quan")
        constraints = [models.UniqueConstraint(fields=["plan", "agency", "year"],
                                               name="agency_progress_one_per_year")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}"


class AgencyIndicatorFigure(models.Model):
    """One agency's current figure of one indicator for one year, from its approved entries only.

    Not a snapshot: kept up to date by `progress.figures.agency_figures_refresh` in the very transaction that
    approves, reopens or returns a report, and rebuilt from scratch by `agency_figures_rebuild`, so that the
    recompute aggregates about one row per (indicator, year, agency) instead of re-reading every value.
    Both readings are kept, the stock's (the entry of the agency's latest period) and the flow's (its annual
    report, else its quarters added up): changing an indicator's `cumulative` or aggregation needs no rebuild.
    """

    # Room for four quarters of the largest value added up.
    SUM_DIGITS = {"max_digits": VALUE_DIGITS["max_digits"] + 4, "decimal_places": VALUE_DIGITS["decimal_places"]}

    # Derived rows, rewritten by the thousand: no foreign key constraints or single-column indexes to maintain
    # on every write (deleting a plan, an indicator or an agency still deletes its rows, through the ORM).
    # Its index serves both the recompute's read (a plan's rows) and an approval's rewrite (a plan, agency, year).
    pk = models.CompositePrimaryKey("plan", "agency", "year", "indicator")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", verbose_name=_("kế hoạch"),
                             db_constraint=False, db_index=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", verbose_name=_("cơ quan"),
                               db_constraint=False, db_index=False)
    year = models.PositiveSmallIntegerField(_("năm"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("chỉ tiêu"),
                                  db_constraint=False, db_index=False)
    last_order = models.PositiveSmallIntegerField(_("kỳ gần nhất"))  # 1–4 the quarters, 5 the annual report
    stock_value = models.DecimalField(_("giá trị (kỳ gần nhất)"), null=True, blank=True, **SUM_DIGITS)
    stock_numerator = models.DecimalField(_("tử số (kỳ gần nhất)"), null=True, blank=True, **SUM_DIGITS)
    stock_denominator = models.DecimalField(_("mẫu số (kỳ gần nhất)"), null=True, blank=True, **SUM_DIGITS)
    flow_value = models.DecimalField(_("giá trị (cộng dồn)"), null=True, blank=True, **SUM_DIGITS)
    flow_numerator = models.DecimalField(_("tử số (cộng dồn)"), null=True, blank=True, **SUM_DIGITS)
    flow_denominator = models.DecimalField(_("mẫu số (cộng dồn)"), null=True, blank=True, **SUM_DIGITS)
    milestone_state = models.CharField(_("đánh giá mốc"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("số liệu của cơ quan theo chỉ tiêu")
        verbose_name_plural = _("số liệu của cơ quan theo chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.indicator_id}/{self.year}"
