"""Quarterly and annual reporting: periods, the reports agencies file, their entries and the audit trail.

Writes go through `reports.services`; reads that are reused live on the QuerySets below.
"""

import datetime as dt

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.clock import VIETNAM, local_today
from agencies.models import Agency, Province
from agencies.roles import (
    AGENCY_ROLES,
    PROVINCE_READER_ROLES,
    Role,
    agencies_where,
    provinces_where,
    sees_everything,
)
from indicators.models import VALUE_DIGITS, Indicator
from plans.models import Plan, Task


class ReportingPeriodQuerySet(models.QuerySet):
    def for_year(self, year: int) -> "ReportingPeriodQuerySet":
        return self.filter(year=year)

    def quarterly(self) -> "ReportingPeriodQuerySet":
        return self.filter(kind=ReportingPeriod.Kind.QUARTER)

    def annual(self) -> "ReportingPeriodQuerySet":
        return self.filter(kind=ReportingPeriod.Kind.ANNUAL)

    def open(self, today: dt.date | None = None) -> "ReportingPeriodQuerySet":
        """Periods agencies can report on: started already (reports stay open after the due day: late
        reports are still wanted)."""
        return self.filter(starts_on__lte=today or local_today())

    def current(self, today: dt.date | None = None) -> "ReportingPeriodQuerySet":
        today = today or local_today()
        return self.filter(starts_on__lte=today, ends_on__gte=today)


class ReportingPeriod(models.Model):
    class Kind(models.TextChoices):
        QUARTER = "quarter", _("Quý")
        ANNUAL = "annual", _("Năm")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods", verbose_name=_("kế hoạch"))
    code = models.CharField(_("mã kỳ"), max_length=10, help_text=_("Ví dụ: 2026-Q1, 2026-Y"))
    kind = models.CharField(_("loại kỳ"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"), null=True, blank=True,
                                               validators=[MinValueValidator(1), MaxValueValidator(4)])
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    # Nghị định 09/2019/NĐ-CP: figures are taken from the 15th of the month before the period
    # to the 14th of its last month.
    data_from = models.DateField(_("số liệu từ ngày"))
    data_to = models.DateField(_("số liệu đến ngày"))
    # On time = submitted before 00:00 (Asia/Ho_Chi_Minh) of this day.
    due_on = models.DateField(_("hạn nộp (trước ngày)"))

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["plan", "year", "-kind", "quarter"]  # Q1…Q4, then the annual period
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="period_code_unique_in_plan"),
            models.CheckConstraint(
                condition=(Q(kind="quarter") & Q(quarter__gte=1) & Q(quarter__lte=4))
                | (Q(kind="annual") & Q(quarter__isnull=True)),
                name="period_quarter_matches_kind"),
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="period_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.QUARTER:
            return _("Quý %(quarter)s/%(year)s") % {"quarter": self.quarter, "year": self.year}
        return _("Năm %(year)s") % {"year": self.year}

    @property
    def due_at(self) -> dt.datetime:
        """The deadline instant: 00:00 of the due day in Asia/Ho_Chi_Minh."""
        return dt.datetime.combine(self.due_on, dt.time.min, tzinfo=VIETNAM)

    def days_left(self, today: dt.date | None = None) -> int:
        """Whole days left to submit on time (0 on the due day itself: already late)."""
        return (self.due_on - (today or local_today())).days


class ReportingPolicy(models.Model):
    province = models.OneToOneField(Province, on_delete=models.CASCADE, related_name="reporting_policy",
                                    verbose_name=_("tỉnh"))
    require_head_confirmation = models.BooleanField(
        _("lãnh đạo đơn vị xác nhận trước khi gửi"), default=False,
        help_text=_("Bật: báo cáo do người báo cáo gửi phải được lãnh đạo đơn vị xác nhận mới đến Sở KH&CN."))
    require_complete = models.BooleanField(
        _("phải nhập đủ mọi mục trước khi gửi"), default=False,
        help_text=_("Bật: báo cáo còn chỉ tiêu hoặc nhiệm vụ được giao chưa nhập thì không gửi được."))
    # The province's deadlines: the plans that follow them (not their own, like "trước ngày 15/12") move with them.
    quarterly_due_day = models.PositiveSmallIntegerField(
        _("hạn báo cáo quý (ngày của tháng cuối quý)"), default=20,
        validators=[MinValueValidator(1), MaxValueValidator(28)])
    annual_due_month = models.PositiveSmallIntegerField(
        _("hạn báo cáo năm (tháng)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(12)])
    annual_due_day = models.PositiveSmallIntegerField(
        _("hạn báo cáo năm (ngày)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(28)])

    DEADLINE_FIELDS = ("quarterly_due_day", "annual_due_month", "annual_due_day")

    class Meta:
        verbose_name = _("quy định báo cáo của tỉnh")
        verbose_name_plural = _("quy định báo cáo của tỉnh")

    def __str__(self) -> str:
        return str(self.province)


class PlanReportingPolicy(models.Model):
    """A plan's own answer to the province's reporting settings; empty means "as the province"."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="reporting_policy",
                                verbose_name=_("kế hoạch"))
    require_head_confirmation = models.BooleanField(
        _("lãnh đạo đơn vị xác nhận trước khi gửi"), null=True, blank=True,
        help_text=_("Để trống: theo quy định của tỉnh."))
    require_complete = models.BooleanField(
        _("phải nhập đủ mọi mục trước khi gửi"), null=True, blank=True,
        help_text=_("Để trống: theo quy định của tỉnh."))

    class Meta:
        verbose_name = _("quy định báo cáo của kế hoạch")
        verbose_name_plural = _("quy định báo cáo của kế hoạch")

    def __str__(self) -> str:
        return str(self.plan)


class DeadlineChange(models.Model):
    """The record of a change of reporting deadlines: who, when, from what to what, how many periods moved."""

    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="+", verbose_name=_("tỉnh"))
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="deadline_changes",
                             verbose_name=_("kế hoạch"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("người thay đổi"))
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    before = models.JSONField(_("trước"), default=dict)
    after = models.JSONField(_("sau"), default=dict)
    periods_moved = models.PositiveIntegerField(_("số kỳ dời hạn"), default=0)
    reason = models.CharField(_("nguồn thay đổi"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("thay đổi hạn báo cáo")
        verbose_name_plural = _("thay đổi hạn báo cáo")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan or self.province} – {timezone.localtime(self.at):%d/%m/%Y %H:%M}"


def _subquery_count(queryset, field: str = "report") -> Coalesce:
    """COUNT(*) of `queryset` per outer report, as a correlated subquery (no join fan-out)."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), Value(0))


def indicator_entry_filled_q(prefix: str = "") -> Q:
    """An indicator entry counts as filled when it carries a value, a full ratio or a milestone state."""
    return (Q(**{f"{prefix}value__isnull": False})
            | (Q(**{f"{prefix}numerator__isnull": False}) & Q(**{f"{prefix}denominator__isnull": False}))
            | ~Q(**{f"{prefix}milestone_state": ""}))


def task_entry_filled_q(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}status": ""})


class AgencyReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AgencyReportQuerySet":
        """Reports a user may read: staff and leaders their province's, agency users their agencies'
        (`agencies.roles` has the rules; `Access.for_report(...).is_reader` is the same answer for one)."""
        if sees_everything(user):
            return self.all()
        return self.filter(Q(plan__province_id__in=provinces_where(user, *PROVINCE_READER_ROLES))
                           | Q(agency_id__in=agencies_where(user, *AGENCY_ROLES)))

    def reviewable_by(self, user) -> "AgencyReportQuerySet":
        """Reports of the plans `user` reviews (`Plan.objects.reviewable_by`): staff of their province."""
        if sees_everything(user):
            return self.all()
        return self.filter(plan__province_id__in=provinces_where(user, Role.STAFF))

    def for_period(self, period: "ReportingPeriod | None" = None, *, plan: Plan | None = None,
                   code: str | None = None) -> "AgencyReportQuerySet":
        if period is not None:
            return self.filter(period=period)
        qs = self.filter(period__code=code) if code else self
        return qs.filter(plan=plan) if plan is not None else qs

    def approved(self) -> "AgencyReportQuerySet":
        return self.filter(status=AgencyReport.Status.APPROVED)

    def editable(self) -> "AgencyReportQuerySet":
        return self.filter(status__in=AgencyReport.EDITABLE_STATUSES)

    def awaiting_review(self) -> "AgencyReportQuerySet":
        return self.filter(status=AgencyReport.Status.SUBMITTED)

    def not_submitted(self) -> "AgencyReportQuerySet":
        return self.filter(status__in=AgencyReport.NOT_SUBMITTED_STATUSES)

    def with_submission_facts(self, today: dt.date | None = None) -> "AgencyReportQuerySet":
        """Annotate each report with its compliance facts, all computed in the database.

        - submitted_local_date: the day (Asia/Ho_Chi_Minh) of the first submission; the first one
          counts, so a report returned for rework and resubmitted later stays on time;
        - is_on_time: first submitted before 00:00 of the due day; is_late: first submitted on or
          after it; is_missing: not submitted and the due day has come; is_pending: not submitted,
          still time;
        - returned_count: how many times Sở KH&CN returned it (from the audit trail).
        """
        today = today or local_today()
        submitted_day = TruncDate("first_submitted_at", tzinfo=VIETNAM)
        return self.annotate(
            submitted_local_date=submitted_day,
            is_on_time=models.ExpressionWrapper(
                Q(first_submitted_at__isnull=False) & Q(submitted_local_date__lt=F("period__due_on")),
                output_field=models.BooleanField()),
            is_late=models.ExpressionWrapper(
                Q(first_submitted_at__isnull=False) & Q(submitted_local_date__gte=F("period__due_on")),
                output_field=models.BooleanField()),
            is_missing=models.ExpressionWrapper(
                Q(first_submitted_at__isnull=True) & Q(period__due_on__lte=today),
                output_field=models.BooleanField()),
            is_pending=models.ExpressionWrapper(
                Q(first_submitted_at__isnull=True) & Q(period__due_on__gt=today),
                output_field=models.BooleanField()),
            returned_count=_subquery_count(ReportEvent.objects.filter(action=ReportEvent.Action.RETURNED)),
        )

    def with_compliance(self, today: dt.date | None = None) -> "AgencyReportQuerySet":
        """`with_submission_facts`, and entries_assigned / entries_filled: the report's indicator and task
        entries, assigned and filled, counted per report (for a page of reports; over a whole plan,
        `reports.selectors.entry_counts` counts them set-based).

        Each sum is written out, not as F() of other annotations: Django inlines an annotation wherever
        it is referenced, so each count would run twice per report."""
        return self.with_submission_facts(today).annotate(
            entries_assigned=_subquery_count(IndicatorEntry.objects.all()) + _subquery_count(TaskEntry.objects.all()),
            entries_filled=(_subquery_count(IndicatorEntry.objects.filter(indicator_entry_filled_q()))
                            + _subquery_count(TaskEntry.objects.filter(task_entry_filled_q()))),
        )


class AgencyReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Chờ lãnh đạo đơn vị xác nhận")
        SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        RETURNED = "returned", _("Bị trả lại")

    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
    NOT_SUBMITTED_STATUSES = (Status.DRAFT, Status.RETURNED, Status.AWAITING_CONFIRMATION)
    NARRATIVE_FIELDS = ("achievements", "shortcomings", "difficulties", "proposals")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="reports", verbose_name=_("cơ quan"))
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reports", verbose_name=_("kế hoạch"))
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reports",
                               verbose_name=_("kỳ báo cáo"))
    status = models.CharField(_("trạng thái"), max_length=25, choices=Status.choices, default=Status.DRAFT)
    # Optimistic locking: every save bumps it; a save carrying an older number is refused.
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # Compliance judges the first submission: rework after a return does not make a report late.
    first_submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("người gửi"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("lãnh đạo xác nhận"))
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("người duyệt"))
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    reopened_reason = models.TextField(_("lý do mở lại"), blank=True)
    achievements = models.TextField(_("kết quả đạt được"), blank=True)
    shortcomings = models.TextField(_("tồn tại, hạn chế"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    source_reference = models.CharField(
        _("văn bản nguồn"), max_length=255, blank=True,
        help_text=_("Khi Sở KH&CN nhập thay, ví dụ: Công văn số 123/STTTT-BCVT ngày 05/10/2026"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("người nhập"))
    entered_on_behalf = models.BooleanField(_("Sở KH&CN nhập thay"), default=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = AgencyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo của cơ quan")
        verbose_name_plural = _("báo cáo của cơ quan")
        ordering = ["period__starts_on", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "period"], name="report_one_per_agency_period"),
        ]
        indexes = [models.Index(fields=["plan", "status"])]

    def __str__(self) -> str:
        return f"{self.agency} – {self.period}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def narrative(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.NARRATIVE_FIELDS}


class IndicatorEntry(models.Model):
    class MilestoneState(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa triển khai")
        IN_PROGRESS = "in_progress", _("Đang triển khai")
        COMPLETED = "completed", _("Hoàn thành")

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="indicator_entries",
                               verbose_name=_("báo cáo"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="entries",
                                  verbose_name=_("chỉ tiêu"))
    value = models.DecimalField(_("giá trị"), null=True, blank=True, **VALUE_DIGITS)
    numerator = models.DecimalField(_("tử số"), null=True, blank=True, **VALUE_DIGITS)
    denominator = models.DecimalField(_("mẫu số"), null=True, blank=True, **VALUE_DIGITS)
    milestone_state = models.CharField(_("tình trạng"), max_length=12, choices=MilestoneState.choices, blank=True)
    note = models.TextField(_("ghi chú, giải trình"), blank=True)
    source = models.CharField(_("nguồn số liệu"), max_length=255, blank=True)
    as_of = models.DateField(_("số liệu tính đến ngày"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("số liệu chỉ tiêu")
        verbose_name_plural = _("số liệu chỉ tiêu")
        ordering = ["report", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicator_entry_unique_in_report"),
            models.CheckConstraint(condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                                   name="indicator_entry_denominator_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value}"

    @property
    def is_filled(self) -> bool:
        return (self.value is not None or (self.numerator is not None and self.denominator is not None)
                or bool(self.milestone_state))


class TaskEntry(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa triển khai")
        IN_PROGRESS = "in_progress", _("Đang triển khai")
        COMPLETED = "completed", _("Hoàn thành")
        ONGOING = "ongoing", _("Thực hiện thường xuyên")

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="task_entries",
                               verbose_name=_("báo cáo"))
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="entries", verbose_name=_("nhiệm vụ"))
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), null=True, blank=True,
                                                validators=[MaxValueValidator(100)])
    done = models.TextField(_("kết quả thực hiện trong kỳ"), blank=True)
    next_steps = models.TextField(_("nhiệm vụ kỳ tới"), blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiến độ nhiệm vụ")
        verbose_name_plural = _("tiến độ nhiệm vụ")
        ordering = ["report", "task__order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="task_entry_unique_in_report"),
            models.CheckConstraint(condition=Q(progress__isnull=True) | Q(progress__lte=100),
                                   name="task_entry_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code}: {self.get_status_display()}"

    @property
    def is_filled(self) -> bool:
        return bool(self.status)


def attachment_storage() -> FileSystemStorage:
    """Private storage: MEDIA_ROOT (outside static files) with no URL, so a file is served only by a view
    that checks who may see its report. MEDIA_ROOT is read on use, so tests can point it elsewhere."""
    return FileSystemStorage(base_url=None)


class Attachment(models.Model):
    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="attachments",
                               verbose_name=_("báo cáo"))
    file = models.FileField(_("tệp"), storage=attachment_storage, upload_to="reports/attachments/%Y/%m/", max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("kiểu tệp"), max_length=120)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("người tải lên"))
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["report", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ReportEvent(models.Model):
    """The audit trail of a report's workflow: who did what, when, and why."""

    class Action(models.TextChoices):
        SAVED = "saved", _("Lưu nháp")
        ENTERED_ON_BEHALF = "entered_on_behalf", _("Sở KH&CN nhập thay")
        SUBMITTED = "submitted", _("Gửi báo cáo")
        CONFIRMED = "confirmed", _("Lãnh đạo đơn vị xác nhận")
        SENT_BACK = "sent_back", _("Lãnh đạo đơn vị yêu cầu sửa")
        APPROVED = "approved", _("Duyệt")
        RETURNED = "returned", _("Trả lại")
        REOPENED = "reopened", _("Mở lại")

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="events",
                               verbose_name=_("báo cáo"))
    action = models.CharField(_("thao tác"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+", verbose_name=_("người thực hiện"))
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        verbose_name = _("lịch sử xử lý")
        verbose_name_plural = _("lịch sử xử lý")
        ordering = ["report", "at", "pk"]
        indexes = [models.Index(fields=["report", "action"])]

    def __str__(self) -> str:
        # This action's label alone: get_action_display hashes (so translates) every action's label to find it,
        # and the admin's list of events names each of its 100 rows (issue 14).
        action = dict(self.Action.choices).get(self.action, self.action)
        return f"{action} – {self.at:%d/%m/%Y %H:%M}"


class SaveReceipt(models.Model):
    """One successful save of a report's data: who, from which version to which, what they sent.

    Lets `report_save` recognise a save sent again (its reply lost on a slow link, a double click, the
    browser's "resend") and answer it as saved instead of as a conflict with itself: by the request's
    idempotency key, or by the same content from the same user at the version that save started from.
    Only the recent ones are kept (`reports.services.SAVE_RECEIPTS_KEPT` versions back).
    """

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="+", verbose_name=_("báo cáo"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("người lưu"))
    idempotency_key = models.CharField(_("khóa lần lưu"), max_length=100, blank=True)
    digest = models.CharField(_("dấu vân tay dữ liệu"), max_length=64)
    from_version = models.PositiveIntegerField(_("từ phiên bản"))
    version = models.PositiveIntegerField(_("thành phiên bản"))
    at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("lần lưu báo cáo")
        verbose_name_plural = _("lần lưu báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["report", "user", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="save_receipt_key_unique"),
        ]
        indexes = [models.Index(fields=["report", "version"])]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.from_version}→v{self.version}"


class ReminderLog(models.Model):
    """One row per reminder sent: inserting it claims the reminder, so each is sent exactly once."""

    class Kind(models.TextChoices):
        DUE_IN_7_DAYS = "due_in_7", _("Còn 7 ngày đến hạn")
        DUE_IN_3_DAYS = "due_in_3", _("Còn 3 ngày đến hạn")
        OVERDUE = "overdue", _("Quá hạn")
        OVERDUE_HEAD = "overdue_head", _("Quá hạn: báo lãnh đạo đơn vị")

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="reminders",
                               verbose_name=_("báo cáo"))
    kind = models.CharField(_("loại nhắc"), max_length=15, choices=Kind.choices)
    sent_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("nhắc hạn đã gửi")
        verbose_name_plural = _("nhắc hạn đã gửi")
        constraints = [models.UniqueConstraint(fields=["report", "kind"], name="reminder_once_per_report_kind")]

    def __str__(self) -> str:
        return f"{self.report} – {self.get_kind_display()}"


class ReviewDigestLog(models.Model):
    """The daily digest to a province's staff, claimed the same way: one per province and day."""

    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="+", verbose_name=_("tỉnh"))
    day = models.DateField(_("ngày"))
    sent_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("bản tin chờ duyệt đã gửi")
        verbose_name_plural = _("bản tin chờ duyệt đã gửi")
        constraints = [models.UniqueConstraint(fields=["province", "day"], name="review_digest_once_per_day")]

    def __str__(self) -> str:
        return f"{self.province} – {self.day:%d/%m/%Y}"



class RecomputeRequestQuerySet(models.QuerySet):
    def for_plan(self, plan_id: int) -> "RecomputeRequestQuerySet":
        return self.filter(plan_id=plan_id)

    def oldest_requested_at(self):
        return self.aggregate(oldest=models.Min("requested_at"))["oldest"]


class RecomputeRequest(models.Model):
    """The outbox of `report_approved` / `report_reopened`: approved values of a plan changed.

    Written by `reports.services` in the approving transaction, so the request survives a broker that
    is down at commit time; the progress layer deletes it in the transaction that recomputes the plan.
    An empty `indicator_ids` asks for the whole plan. `report_ids` names the reports whose approval changed
    (their agencies' compliance and their tasks are all that changed besides the indicators), so the recompute
    rolls up only those agencies and tasks; `[]` says nothing else changed (an indicator's rules), and NULL
    (requests of an older version, or a writer that cannot tell) asks to roll up every task and agency.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", verbose_name=_("kế hoạch"))
    indicator_ids = models.JSONField(_("chỉ tiêu cần tính lại"), default=list, blank=True)
    report_ids = models.JSONField(_("báo cáo đã thay đổi"), null=True, blank=True, default=None)
    from_year = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    requested_at = models.DateTimeField(_("yêu cầu lúc"), default=timezone.now, db_index=True)

    objects = RecomputeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("yêu cầu tính lại tiến độ")
        verbose_name_plural = _("yêu cầu tính lại tiến độ")
        indexes = [models.Index(fields=["plan", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.plan_id} @ {self.requested_at:%Y-%m-%d %H:%M}"
