from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from agencies.admin import ProvinceScopedAdmin, ProvinceScopedInline
from plans.models import Appendix, Plan, Project, Result, Section, Task
from plans.signals import plan_content_changed

RelatedOnly = admin.RelatedOnlyFieldListFilter  # choices come from the (province-scoped) changelist rows


class AppendixInline(ProvinceScopedInline, admin.TabularInline):
    model = Appendix
    extra = 0
    fields = ("number", "title", "kind", "order")


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ("province", "code", "number", "title", "issued", "start_year", "end_year", "status",
                  "monitoring_agency", "source_document", "public_progress", "quarterly_due_day", "annual_due_month", "annual_due_day")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if self.instance.pk and start and end:
            # Shrinking the period must not strand yearly targets outside it (the target trigger only
            # guards writes to targets); reached through the reverse relation, as plans sit below indicators.
            stranded = sorted(set(self.instance.indicators.exclude(targets__year__isnull=True)
                                  .exclude(targets__year__range=(start, end))
                                  .values_list("targets__year", flat=True)))
            if stranded:
                raise forms.ValidationError(
                    _("Kế hoạch còn mục tiêu các năm %(years)s, nằm ngoài giai đoạn %(start)s – %(end)s; "
                      "hãy sửa các mục tiêu đó trước.")
                    % {"years": ", ".join(str(y) for y in stranded), "start": start, "end": end})
        return cleaned


@admin.register(Plan)
class PlanAdmin(ProvinceScopedAdmin):
    form = PlanForm
    list_display = ("title", "number", "start_year", "end_year", "status", "monitoring_agency", "public_progress")
    list_filter = ("status", "start_year", "public_progress")
    search_fields = ("title__unaccent", "code", "number")
    autocomplete_fields = ("monitoring_agency",)
    list_select_related = ("monitoring_agency",)
    prepopulated_fields = {"code": ("title",)}
    inlines = [AppendixInline]


@admin.register(Section)
class SectionAdmin(ProvinceScopedAdmin):
    list_display = ("__str__", "plan", "appendix", "parent", "order")
    list_filter = (("plan", RelatedOnly), ("appendix", RelatedOnly))
    search_fields = ("title__unaccent", "code")
    autocomplete_fields = ("plan", "parent")
    list_select_related = ("plan", "appendix", "parent")


class PlanContentChangedAdmin:
    """An item edited by hand (targets, deadline, lead agencies) changed its plan as a re-import would: once the
    admin's transaction commits, the layers above open the periods and expected reports a new lead now owes and
    recompute the plan's progress, instead of waiting for the nightly run (an approval's recompute never looks
    at these). Sent after the related objects, so the lead agencies and inlines are saved; active plans only,
    as the import does."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        plan = form.instance.plan
        if plan.status == Plan.Status.ACTIVE:
            plan_content_changed.send(sender=Plan, plan_id=plan.pk)


class PlanItemAdmin(ProvinceScopedAdmin):
    list_filter = (("plan", RelatedOnly), ("section", RelatedOnly))
    autocomplete_fields = ("plan", "section")
    list_select_related = ("plan", "section")


@admin.register(Task)
class TaskAdmin(PlanContentChangedAdmin, PlanItemAdmin):
    list_display = ("code", "short_content", "plan", "section", "deadline_text", "due_date")
    list_filter = (*PlanItemAdmin.list_filter, ("lead_agencies", RelatedOnly), "deadline_kind")
    search_fields = ("code", "content__unaccent")
    autocomplete_fields = (*PlanItemAdmin.autocomplete_fields, "lead_agencies", "coordinating_agencies", "partner")

    @admin.display(description=Task._meta.get_field("content").verbose_name)
    def short_content(self, task: Task) -> str:
        return task.content[:120]


@admin.register(Project)
class ProjectAdmin(PlanItemAdmin):
    list_display = ("code", "name", "plan", "total_investment", "investment_unit", "start_year", "end_year")
    search_fields = ("code", "name__unaccent")
    autocomplete_fields = (*PlanItemAdmin.autocomplete_fields, "investors")


@admin.register(Result)
class ResultAdmin(PlanItemAdmin):
    list_display = ("code", "target_text", "year", "status", "plan")
    list_filter = (*PlanItemAdmin.list_filter, "status", "year")
    search_fields = ("code", "target_text__unaccent", "result_text__unaccent")
