from decimal import Decimal

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.admin import ProvinceScopedAdmin, ProvinceScopedInline
from indicators import admin_import  # noqa: F401 - adds "Nhập từ văn bản" (upload, preview, confirm) to plans
from indicators.admin_export import IndicatorExportMixin, register_plan_exports
from indicators.method_services import indicator_aggregation_set
from indicators.models import Baseline, Indicator, Target
from plans.admin import PlanContentChangedAdmin

RelatedOnly = admin.RelatedOnlyFieldListFilter  # choices come from the (province-scoped) changelist rows


def plain_decimal(value):
    """A stored Decimal without the column's trailing zeros: 95.500000 → 95.5, 114570.000000 → 114570."""
    if not isinstance(value, Decimal):
        return value
    return Decimal(f"{value.normalize():f}")


class PlainNumbersForm(forms.ModelForm):
    """Shows stored numbers as officials write them ("95,5", not "95,500000")."""

    plain_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.plain_fields:
            if name in self.initial:
                self.initial[name] = plain_decimal(self.initial[name])


class TargetForm(PlainNumbersForm):
    plain_fields = ("low", "high")

    class Meta:
        model = Target
        fields = ("year", "op", "low", "high", "text")
        # Officials type "95,5" and "16.861" (Vietnamese formats), not "95.5" and "16861".
        localized_fields = ("low", "high")
        # Django's default 40×10 textarea pushes the inline table past the page; milestones need a few lines.
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def clean(self):
        cleaned = super().clean()
        indicator = getattr(self.instance, "indicator", None)
        year = cleaned.get("year")
        plan = getattr(indicator, "plan", None) if indicator is not None else None
        # The database trigger rejects such a year too; this says why, in Vietnamese, before it does.
        if plan is not None and year and not plan.start_year <= year <= plan.end_year:
            self.add_error("year", _("Năm %(year)s nằm ngoài giai đoạn của kế hoạch (%(start)s – %(end)s).")
                           % {"year": year, "start": plan.start_year, "end": plan.end_year})
        return cleaned


class TargetInline(ProvinceScopedInline, admin.TabularInline):
    """One row per year of the plan: the missing years are offered with the year already filled in."""

    model = Target
    form = TargetForm
    fields = ("year", "op", "low", "high", "text")

    def get_formset(self, request, obj=None, **kwargs):
        missing = []
        if obj is not None and obj.pk:
            present = set(obj.targets.values_list("year", flat=True))
            missing = [year for year in obj.plan.years if year not in present]
        kwargs["extra"] = len(missing) if obj is not None and obj.pk else 5
        base = super().get_formset(request, obj, **kwargs)

        class YearRowsFormSet(base):
            def __init__(self, *args, **formset_kwargs):
                formset_kwargs.setdefault("initial", [{"year": year} for year in missing])
                super().__init__(*args, **formset_kwargs)

        return YearRowsFormSet


class BaselineForm(PlainNumbersForm):
    plain_fields = ("value",)

    class Meta:
        model = Baseline
        fields = ("year", "value", "text")
        localized_fields = ("value",)


class BaselineInline(ProvinceScopedInline, admin.StackedInline):
    model = Baseline
    form = BaselineForm
    max_num = 1
    extra = 1
    fields = (("year", "value"), "text")


@admin.register(Indicator)
class IndicatorAdmin(PlanContentChangedAdmin, IndicatorExportMixin, ProvinceScopedAdmin):
    list_display = ("code", "name", "unit", "value_type", "aggregation", "plan", "section")
    list_filter = (("plan", RelatedOnly), ("section", RelatedOnly), ("lead_agencies", RelatedOnly), "value_type",
                   "aggregation")
    search_fields = ("code", "name__unaccent")
    autocomplete_fields = ("plan", "section", "task", "lead_agencies", "coordinating_agencies")
    list_select_related = ("plan", "section")
    inlines = [BaselineInline, TargetInline]
    fieldsets = (
        (None, {"fields": ("plan", "appendix", "section", "code", "order", "name", "unit")}),
        (gettext_lazy("Cách tính"), {"fields": ("value_type", "direction", "aggregation", "cumulative")}),
        (gettext_lazy("Phân công"), {"fields": ("lead_agencies", "coordinating_agencies", "task", "note")}),
    )

    def save_model(self, request, obj, form, change):
        """A changed aggregation goes through its service, which has the indicator's progress recomputed."""
        if not change or "aggregation" not in form.changed_data:
            return super().save_model(request, obj, form, change)
        wanted, obj.aggregation = obj.aggregation, form.initial["aggregation"]
        super().save_model(request, obj, form, change)
        indicator_aggregation_set(indicator=obj, aggregation=wanted)
        self.message_user(request, _("Đã đổi cách tổng hợp thành “%(label)s”; tiến độ của chỉ tiêu đang được tính "
                                     "lại.") % {"label": obj.get_aggregation_display()})


register_plan_exports()  # appendix actions on plans, the list export on tasks
