from django.contrib import admin

from agencies.admin import ProvinceScopedAdmin, ProvinceScopedInline
from plans.models import Appendix, Plan, Project, Result, Section, Task

RelatedOnly = admin.RelatedOnlyFieldListFilter  # choices come from the (province-scoped) changelist rows


class AppendixInline(ProvinceScopedInline, admin.TabularInline):
    model = Appendix
    extra = 0
    fields = ("number", "title", "kind", "order")


@admin.register(Plan)
class PlanAdmin(ProvinceScopedAdmin):
    list_display = ("title", "number", "start_year", "end_year", "status", "monitoring_agency")
    list_filter = ("status", "start_year")
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


class PlanItemAdmin(ProvinceScopedAdmin):
    list_filter = (("plan", RelatedOnly), ("section", RelatedOnly))
    autocomplete_fields = ("plan", "section")
    list_select_related = ("plan", "section")


@admin.register(Task)
class TaskAdmin(PlanItemAdmin):
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
