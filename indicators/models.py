from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from plans.models import PlanItem, Task

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
VALUE_DIGITS = {"max_digits": 24, "decimal_places": 6}


class IndicatorQuerySet(models.QuerySet):
    def of_plan(self, plan) -> "IndicatorQuerySet":
        return self.filter(plan=plan)

    def led_by(self, agency) -> "IndicatorQuerySet":
        return self.filter(Q(lead_agencies=agency) | Q(lead_agencies__members=agency)).distinct()


class Indicator(PlanItem):
    class ValueType(models.TextChoices):
        PERCENT = "percent", _("Tỷ lệ (%)")
        NUMBER = "number", _("Số")
        COUNT = "count", _("Số lượng")
        MILESTONE = "milestone", _("Mốc, lộ trình")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Càng cao càng tốt")
        DECREASE = "decrease", _("Càng thấp càng tốt")

    class Aggregation(models.TextChoices):
        LATEST = "latest", _("Mới nhất")
        SUM = "sum", _("Tổng")
        RATIO = "ratio", _("Tỷ lệ (tổng tử số / tổng mẫu số)")
        MEAN = "mean", _("Trung bình")

    name = models.TextField(_("tên chỉ tiêu"))
    unit = models.CharField(_("đơn vị tính"), max_length=60, blank=True)
    value_type = models.CharField(_("kiểu giá trị"), max_length=10, choices=ValueType.choices,
                                  default=ValueType.NUMBER)
    direction = models.CharField(_("chiều"), max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    aggregation = models.CharField(_("cách tổng hợp"), max_length=10, choices=Aggregation.choices,
                                   default=Aggregation.LATEST)
    cumulative = models.BooleanField(
        _("số liệu lũy kế"), default=True,
        help_text=_("Có: lấy số liệu quý gần nhất (đại lượng tồn). Không: cộng dồn các quý (đại lượng phát sinh)."))
    lead_agencies = models.ManyToManyField(Agency, blank=True, related_name="led_indicators",
                                           verbose_name=_("cơ quan chủ trì, theo dõi"))
    coordinating_agencies = models.ManyToManyField(Agency, blank=True, related_name="coordinated_indicators",
                                                   verbose_name=_("cơ quan phối hợp"))
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators",
                             verbose_name=_("nhiệm vụ liên quan"))

    objects = IndicatorQuerySet.as_manager()

    class Meta(PlanItem.Meta):
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.code}. {self.name[:80]}"


class Baseline(models.Model):
    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="baseline",
                                     verbose_name=_("chỉ tiêu"))
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True, validators=YEAR_VALIDATORS)
    value = models.DecimalField(_("giá trị"), null=True, blank=True, **VALUE_DIGITS)
    text = models.TextField(_("nguyên văn"), blank=True)

    class Meta:
        verbose_name = _("hiện trạng")
        verbose_name_plural = _("hiện trạng")

    def __str__(self) -> str:
        return self.text or str(self.value)


class Target(models.Model):
    class Op(models.TextChoices):
        GTE = ">=", "≥"
        GT = ">", ">"
        LTE = "<=", "≤"
        LT = "<", "<"
        EQ = "=", "="
        RANGE = "range", _("khoảng")
        MAINTAIN = "maintain", _("duy trì")
        TEXT = "text", _("mốc, mô tả")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets",
                                  verbose_name=_("chỉ tiêu"))
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    op = models.CharField(_("phép so sánh"), max_length=10, choices=Op.choices)
    low = models.DecimalField(_("giá trị (cận dưới)"), null=True, blank=True, **VALUE_DIGITS)
    high = models.DecimalField(_("cận trên"), null=True, blank=True, **VALUE_DIGITS)
    text = models.TextField(_("nguyên văn"), blank=True)
    # Who changed what and when (the staff's audit page, reports/admin_audit.py).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mục tiêu năm")
        verbose_name_plural = _("mục tiêu năm")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_one_per_indicator_year"),
            models.CheckConstraint(condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(low__lte=F("high")),
                                   name="target_low_not_above_high"),
            models.CheckConstraint(
                condition=Q(op="text") | Q(low__isnull=False) | Q(high__isnull=False),
                name="target_numeric_op_has_number"),
            models.CheckConstraint(condition=~Q(op="range") | (Q(low__isnull=False) & Q(high__isnull=False)),
                                   name="target_range_has_both_bounds"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.text or self.get_op_display()}"
