from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Membership, Province
from agencies.roles import access, provinces_where, sees_everything

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class PlanQuerySet(models.QuerySet):
    def in_province(self, province) -> "PlanQuerySet":
        return self.filter(province=province)

    def visible_to(self, user, *roles: str) -> "PlanQuerySet":
        """The plans `user` may read: those of the provinces where it has one of `roles` (any role when
        none is named); every plan for a superuser; none for an anonymous or inactive user.

        The one answer to "which plans": see `agencies.roles` for the rules."""
        if sees_everything(user):
            return self.all()
        return self.filter(province_id__in=provinces_where(user, *roles))

    def reviewable_by(self, user) -> "PlanQuerySet":
        """The plans `user` works on as Sở KH&CN staff of their province: it reviews their reports, opens
        their pages and exports, and enters values on the agencies' behalf."""
        return self.visible_to(user, Membership.Role.STAFF)

    def active(self) -> "PlanQuerySet":
        return self.filter(status=Plan.Status.ACTIVE)


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ACTIVE = "active", _("Đang thực hiện")
        CLOSED = "closed", _("Đã kết thúc")

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="plans", verbose_name=_("tỉnh"))
    code = models.SlugField(_("mã kế hoạch"), max_length=60, unique=True,
                            help_text=_("Mã ngắn dùng trong đường dẫn và API, ví dụ: ha-tang-so-2026-2030"))
    number = models.CharField(_("số hiệu"), max_length=60, blank=True, help_text=_("Ví dụ: 540/KH-UBND"))
    title = models.CharField(_("tên kế hoạch"), max_length=500)
    issued = models.DateField(_("ngày ban hành"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("từ năm"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("đến năm"), validators=YEAR_VALIDATORS)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    monitoring_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="monitored_plans", verbose_name=_("cơ quan theo dõi"))
    source_document = models.CharField(_("văn bản gốc"), max_length=255, blank=True)
    # db_default: SQLite adds the column in place instead of rebuilding plans_plan (which the target-year
    # triggers of indicators name).
    public_progress = models.BooleanField(
        _("công khai tiến độ"), default=False, db_default=False,
        help_text=_("Bật: trang /cong-khai/<mã kế hoạch>/ cho mọi người (không cần đăng nhập) xem chỉ tiêu, "
                    "mục tiêu, số liệu đã duyệt và trạng thái; không có ghi chú, minh chứng hay số liệu từng cơ quan."))
    # Reporting calendar (Nghị định 09/2019/NĐ-CP defaults; a plan may set its own).
    quarterly_due_day = models.PositiveSmallIntegerField(
        _("hạn báo cáo quý (ngày của tháng cuối quý)"), default=20,
        validators=[MinValueValidator(1), MaxValueValidator(28)])
    annual_due_month = models.PositiveSmallIntegerField(
        _("hạn báo cáo năm (tháng)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(12)])
    annual_due_day = models.PositiveSmallIntegerField(
        _("hạn báo cáo năm (ngày)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(28)])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(start_year__lte=F("end_year")), name="plan_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_visible_to(self, user, *roles: str) -> bool:
        """The same answer as `Plan.objects.visible_to(user, *roles)`, for a plan already loaded."""
        return access(user).in_province(self.province_id, *roles)

    def is_reviewable_by(self, user) -> bool:
        """The same answer as `Plan.objects.reviewable_by(user)`: Sở KH&CN staff of the plan's province."""
        return self.is_visible_to(user, Membership.Role.STAFF)

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class Appendix(models.Model):
    class Kind(models.TextChoices):
        INDICATORS = "indicators", _("Chỉ tiêu")
        TASKS = "tasks", _("Nhiệm vụ")
        PROJECTS = "projects", _("Dự án")
        RESULTS = "results", _("Kết quả thực hiện")
        COOPERATION = "cooperation", _("Nội dung hợp tác")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="appendices", verbose_name=_("kế hoạch"))
    number = models.CharField(_("số phụ lục"), max_length=20, help_text=_("Ví dụ: I, II, III"))
    title = models.CharField(_("tiêu đề"), max_length=500, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("phụ lục")
        verbose_name_plural = _("phụ lục")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="appendix_number_unique_in_plan")]

    def __str__(self) -> str:
        return f"Phụ lục {self.number}"


class Section(models.Model):
    """A heading row of an appendix (I., II., A, I.1 …): an ordered tree per appendix."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("kế hoạch"))
    appendix = models.ForeignKey(Appendix, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="sections", verbose_name=_("phụ lục"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name=_("mục cha"))
    code = models.CharField(_("số mục"), max_length=20, blank=True)
    title = models.CharField(_("tên mục"), max_length=500)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("mục")
        verbose_name_plural = _("mục")
        ordering = ["plan", "appendix__order", "order"]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}" if self.code else self.title

    def path(self) -> list[str]:
        """Titles from the top of the tree down to this section."""
        titles, node = [], self
        while node is not None:
            titles.append(node.title)
            node = node.parent
        return titles[::-1]


class PlanItem(models.Model):
    """What indicators, tasks, projects and results share: their place in a plan's appendices."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="%(class)ss", verbose_name=_("kế hoạch"))
    appendix = models.ForeignKey(Appendix, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="%(class)ss", verbose_name=_("phụ lục"))
    section = models.ForeignKey(Section, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="%(class)ss", verbose_name=_("mục"))
    code = models.CharField(_("mã"), max_length=40, help_text=_("Duy nhất trong kế hoạch, ví dụ: I.1, II.3"))
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    note = models.TextField(_("ghi chú"), blank=True)
    # Set when a re-import no longer lists an item that already has reports: kept with its history, left out of
    # new reports; cleared when a later import lists it again.
    archived_at = models.DateTimeField(_("lưu trữ lúc"), null=True, blank=True,
                                       help_text=_("Mục không còn trong văn bản kế hoạch nhưng đã có báo cáo: "
                                                   "giữ lại cùng lịch sử, không đưa vào báo cáo mới."))

    class Meta:
        abstract = True
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="%(class)s_code_unique_in_plan"),
        ]


class Task(PlanItem):
    class DeadlineKind(models.TextChoices):
        MONTH = "month", _("Tháng")
        QUARTER = "quarter", _("Quý")
        YEAR = "year", _("Năm")
        YEAR_RANGE = "year_range", _("Giai đoạn")
        DATE = "date", _("Ngày")
        ONGOING = "ongoing", _("Thường xuyên")
        RECURRING = "recurring", _("Định kỳ")
        NONE = "none", _("Không xác định")

    content = models.TextField(_("nội dung nhiệm vụ"))
    lead_agencies = models.ManyToManyField(Agency, blank=True, related_name="led_tasks",
                                           verbose_name=_("cơ quan chủ trì"))
    coordinating_agencies = models.ManyToManyField(Agency, blank=True, related_name="coordinated_tasks",
                                                   verbose_name=_("cơ quan phối hợp"))
    partner = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="partnered_tasks", verbose_name=_("đối tác"),
                                help_text=_("Với thỏa thuận hợp tác, ví dụ: VNPT"))
    deadline_kind = models.CharField(_("loại thời hạn"), max_length=12, choices=DeadlineKind.choices,
                                     default=DeadlineKind.NONE)
    deadline_text = models.CharField(_("thời gian thực hiện (nguyên văn)"), max_length=255, blank=True)
    start_date = models.DateField(_("bắt đầu"), null=True, blank=True)
    due_date = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    expected_result = models.TextField(_("kết quả dự kiến"), blank=True)

    class Meta(PlanItem.Meta):
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        constraints = [
            *PlanItem.Meta.constraints,
            models.CheckConstraint(condition=Q(start_date__isnull=True) | Q(due_date__isnull=True)
                                   | Q(start_date__lte=F("due_date")), name="task_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.content[:80]}"


class Project(PlanItem):
    name = models.TextField(_("tên dự án"))
    investors = models.ManyToManyField(Agency, blank=True, related_name="invested_projects",
                                       verbose_name=_("chủ đầu tư"))
    total_investment = models.DecimalField(_("tổng mức đầu tư"), max_digits=20, decimal_places=3,
                                           null=True, blank=True)
    investment_unit = models.CharField(_("đơn vị tính vốn"), max_length=40, blank=True, default="triệu đồng")
    funding_source = models.CharField(_("nguồn vốn"), max_length=500, blank=True)
    start_year = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True, validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True, validators=YEAR_VALIDATORS)
    status = models.CharField(_("tình trạng"), max_length=255, blank=True)

    class Meta(PlanItem.Meta):
        verbose_name = _("dự án")
        verbose_name_plural = _("dự án")
        constraints = [
            *PlanItem.Meta.constraints,
            models.CheckConstraint(condition=Q(total_investment__isnull=True) | Q(total_investment__gte=0),
                                   name="project_investment_not_negative"),
            models.CheckConstraint(condition=Q(start_year__isnull=True) | Q(end_year__isnull=True)
                                   | Q(start_year__lte=F("end_year")), name="project_years_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name[:80]}"


class Result(PlanItem):
    """A row of a past year's results appendix: the target as written, and ĐẠT / CHƯA ĐẠT."""

    class Status(models.TextChoices):
        ACHIEVED = "achieved", _("Đạt")
        NOT_ACHIEVED = "not_achieved", _("Chưa đạt")
        UNKNOWN = "unknown", _("Chưa đánh giá")

    target_text = models.TextField(_("mục tiêu"))
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    status = models.CharField(_("đánh giá"), max_length=15, choices=Status.choices, default=Status.UNKNOWN)
    result_text = models.TextField(_("kết quả thực hiện"), blank=True)

    class Meta(PlanItem.Meta):
        verbose_name = _("kết quả năm trước")
        verbose_name_plural = _("kết quả năm trước")

    def __str__(self) -> str:
        return f"{self.code}. {self.target_text[:80]}"
