"""Export from the admin: a plan's appendices (Excel/Word, the same exporters as `export_plan`), and the
indicator and task lists through django-import-export (choose columns, Excel or CSV).

Everything is province-scoped like the changelists: the export starts from the admin's queryset, so staff
export exactly the rows their list shows (search and filters included), never another province's.
Plans and tasks sit below indicators in the layers, so their admins get the export here, by re-registering
the registered admin class with a mixin (as `admin_import` does), rather than plans importing upwards.
"""

from django.contrib import admin, messages
from django.db.models import Max, Min, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.admin import ExportActionMixin
from import_export.forms import SelectableFieldsExportForm

from indicators.exporting.cells import SafeCSV, SafeXLSX
from indicators.models import Indicator, Target
from indicators.views import plan_file_response
from plans.models import Plan, Task


def _names(agencies) -> str:
    return "; ".join(agency.display_name for agency in agencies.all())


class IndicatorResource(resources.ModelResource):
    """One row per indicator, its targets as "Năm 2026", "Năm 2027"… columns (the targets as written)."""

    plan = fields.Field(column_name=gettext_lazy("Kế hoạch"))
    code = fields.Field(attribute="code", column_name=gettext_lazy("TT"))
    section = fields.Field(column_name=gettext_lazy("Nhóm, lĩnh vực"))
    name = fields.Field(attribute="name", column_name=gettext_lazy("Chỉ tiêu"))
    unit = fields.Field(attribute="unit", column_name=gettext_lazy("Đơn vị tính"))
    value_type = fields.Field(column_name=gettext_lazy("Kiểu giá trị"))
    direction = fields.Field(column_name=gettext_lazy("Chiều"))
    aggregation = fields.Field(column_name=gettext_lazy("Cách tổng hợp"))
    lead_agencies = fields.Field(column_name=gettext_lazy("Cơ quan chủ trì"))

    class Meta:
        model = Indicator
        fields = ("plan", "code", "section", "name", "unit", "value_type", "direction", "aggregation",
                  "lead_agencies")

    #: The indicators whose plans' periods give the year columns (the admin sets its province's); None: all.
    year_columns_from = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The year columns span the plans' periods, so the export form (built from the class) and the
        # export itself agree on them; years outside an indicator's plan stay empty.
        indicators = Indicator.objects.all() if self.year_columns_from is None else self.year_columns_from
        span = indicators.aggregate(first=Min("plan__start_year"), last=Max("plan__end_year"))
        self.years = list(range(span["first"], span["last"] + 1)) if span["first"] else []
        for year in self.years:
            self.fields[f"target_{year}"] = fields.Field(
                column_name=_("Năm %(year)s") % {"year": year}, dehydrate_method=self._target_text(year))

    def get_export_order(self):
        order = list(super().get_export_order())
        years = [name for name in order if name.startswith("target_")]
        rest = [name for name in order if name not in years]
        at = rest.index("lead_agencies")
        return tuple(rest[:at] + years + rest[at:])

    @staticmethod
    def _target_text(year: int):
        def text(indicator: Indicator) -> str:
            return next((target.text for target in indicator.targets.all() if target.year == year), "")
        return text

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("plan", "section").prefetch_related(
            "lead_agencies", Prefetch("targets", queryset=Target.objects.order_by("year"))
        ).order_by("plan__code", "order", "pk")

    def dehydrate_plan(self, indicator: Indicator) -> str:
        return indicator.plan.code

    def dehydrate_section(self, indicator: Indicator) -> str:
        return indicator.section.title if indicator.section else ""

    def dehydrate_value_type(self, indicator: Indicator) -> str:
        return indicator.get_value_type_display()

    def dehydrate_direction(self, indicator: Indicator) -> str:
        return indicator.get_direction_display()

    def dehydrate_aggregation(self, indicator: Indicator) -> str:
        return indicator.get_aggregation_display()

    def dehydrate_lead_agencies(self, indicator: Indicator) -> str:
        return _names(indicator.lead_agencies)

    @classmethod
    def get_display_name(cls):
        return _("Chỉ tiêu")


class TaskResource(resources.ModelResource):
    plan = fields.Field(column_name=gettext_lazy("Kế hoạch"))
    code = fields.Field(attribute="code", column_name=gettext_lazy("TT"))
    section = fields.Field(column_name=gettext_lazy("Nhóm, lĩnh vực"))
    content = fields.Field(attribute="content", column_name=gettext_lazy("Nội dung nhiệm vụ"))
    lead_agencies = fields.Field(column_name=gettext_lazy("Cơ quan chủ trì"))
    coordinating_agencies = fields.Field(column_name=gettext_lazy("Cơ quan phối hợp"))
    deadline_text = fields.Field(attribute="deadline_text", column_name=gettext_lazy("Thời gian thực hiện"))
    due_date = fields.Field(column_name=gettext_lazy("Hạn hoàn thành"))

    class Meta:
        model = Task
        fields = ("plan", "code", "section", "content", "lead_agencies", "coordinating_agencies",
                  "deadline_text", "due_date")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("plan", "section").prefetch_related(
            "lead_agencies", "coordinating_agencies").order_by("plan__code", "order", "pk")

    def dehydrate_plan(self, task: Task) -> str:
        return task.plan.code

    def dehydrate_section(self, task: Task) -> str:
        return task.section.title if task.section else ""

    def dehydrate_lead_agencies(self, task: Task) -> str:
        return _names(task.lead_agencies)

    def dehydrate_coordinating_agencies(self, task: Task) -> str:
        return _names(task.coordinating_agencies)

    def dehydrate_due_date(self, task: Task) -> str:
        # dd/mm/yyyy whatever the export format: officials read and retype it as written.
        return task.due_date.strftime("%d/%m/%Y") if task.due_date else ""

    @classmethod
    def get_display_name(cls):
        return _("Nhiệm vụ")


class ColumnChoiceExportForm(SelectableFieldsExportForm):
    """The export page's column checkboxes labelled with the Vietnamese column headers ("Năm 2026").

    django-import-export has no Vietnamese catalog, so the labels this code owns are given here.
    """

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].label = _("Định dạng tệp")
        self.fields["resource"].label = _("Dữ liệu")

    def _create_boolean_fields(self, resource, index):
        # An instance, as the year columns are added per instance.
        self._column_names = {name: str(field.column_name) for name, field in resource().fields.items()}
        return super()._create_boolean_fields(resource, index)

    def _get_field_label(self, resource, field_name):
        return self._column_names.get(field_name, field_name)


class ScopedExportMixin(ExportActionMixin):
    """django-import-export's export (the button and the "export selected" action) within the province."""

    # Formula-safe: reporter text such as "=HYPERLINK(…)" is exported as text (indicators/exporting/cells.py).
    export_formats = (SafeXLSX, SafeCSV)
    export_form_class = ColumnChoiceExportForm
    show_change_form_export = False

    def has_export_permission(self, request):
        # Exporting is reading: whoever may view the list may export it, nobody else.
        return self.has_view_permission(request)

    def get_valid_export_item_pks(self, request):
        # The rows chosen with the action must be rows this user's changelist shows.
        return self.get_queryset(request).values_list("pk", flat=True)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "export_admin_action" in actions:
            function, name, _description = actions["export_admin_action"]
            actions[name] = (function, name, _("Xuất các %(verbose_name_plural)s đã chọn ra tệp"))
        return actions

    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        context["title"] = _("Xuất %(name)s ra tệp") % {"name": self.model._meta.verbose_name_plural}
        return context

    def get_export_filename(self, request, queryset, file_format):
        name = {"indicator": "chi-tieu", "task": "nhiem-vu"}.get(self.model._meta.model_name,
                                                                   self.model._meta.model_name)
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"


class IndicatorExportMixin(ScopedExportMixin):
    """The indicator export, its year columns those of the plans in the user's province."""

    def get_export_resource_classes(self, request):
        # Same class name, so the export form's field names ("indicatorresource_target_2026") stay put.
        scoped = type(IndicatorResource.__name__, (IndicatorResource,),
                      {"__module__": __name__, "year_columns_from": self.get_queryset(request)})
        return [scoped]


class PlanAppendixExportMixin:
    """Admin actions: the selected plan's appendices as the officials' Excel or Word tables."""

    actions = ("export_appendix_xlsx", "export_appendix_docx")

    def _export_one(self, request, queryset, file_format: str):
        if queryset.count() != 1:
            self.message_user(request, _("Hãy chọn đúng một kế hoạch để xuất phụ lục."), messages.WARNING)
            return None
        return plan_file_response(queryset.get(), file_format)

    @admin.action(description=gettext_lazy("Xuất phụ lục (Excel)"), permissions=["view"])
    def export_appendix_xlsx(self, request, queryset):
        return self._export_one(request, queryset, "xlsx")

    @admin.action(description=gettext_lazy("Xuất phụ lục (Word)"), permissions=["view"])
    def export_appendix_docx(self, request, queryset):
        return self._export_one(request, queryset, "docx")


def register_plan_exports() -> None:
    """Give the plan admin its appendix actions and the task admin its export (see the module docstring)."""
    from plans.admin import PlanAdmin, TaskAdmin  # noqa: F401 - registers them first

    registered_plan_admin = type(admin.site._registry[Plan])
    if not issubclass(registered_plan_admin, PlanAppendixExportMixin):
        class PlanWithExportAdmin(PlanAppendixExportMixin, registered_plan_admin):
            pass

        admin.site.unregister(Plan)
        admin.site.register(Plan, PlanWithExportAdmin)

    registered_task_admin = type(admin.site._registry[Task])
    if not issubclass(registered_task_admin, ScopedExportMixin):
        class TaskWithExportAdmin(ScopedExportMixin, registered_task_admin):
            resource_classes = [TaskResource]

        admin.site.unregister(Task)
        admin.site.register(Task, TaskWithExportAdmin)
