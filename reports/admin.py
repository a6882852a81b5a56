"""Admin for the reports. Workflow changes and entries go through the services (admin actions, the
on-behalf entry page, the bulk upload), so the audit trail, the version and the progress notifications
stay right."""

import html
import uuid
from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin.helpers import InlineAdminFormSet
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from agencies.admin import PlainActionCheckbox, ProvinceScopedAdmin, limit_to_province
from agencies.admin_a11y import LabelledInlineFormSet
from agencies.memory import collector_paused
from agencies.roles import is_admin_staff
from indicators.numbers import format_number, format_value
from plans.models import Plan
from reports import services
from reports.actions import perform, perform_many
from reports.admin_forms import (
    AttachmentAdminForm,
    EntryFormSet,
    IndicatorEntryAdminForm,
    IndicatorEntryFormSet,
    OnBehalfReportForm,
    TaskEntryAdminForm,
    TaskEntryFormSet,
    ValuesUploadForm,
)
from reports.bulk_values import values_import
from reports.models import (
    AgencyReport,
    Attachment,
    DeadlineChange,
    IndicatorEntry,
    PlanReportingPolicy,
    ReminderLog,
    ReportEvent,
    ReportingPeriod,
    ReportingPolicy,
    ReviewDigestLog,
    TaskEntry,
)
from reports.selectors import report_permissions
from reports.services import ReportError
from reports.services_on_behalf import report_enter_on_behalf
from reports.values_file import BulkFileError, ValueRow, read_uploaded_values


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ["at", "action", "actor", "reason"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_view_permission(self, request, obj=None):
        return is_admin_staff(request.user, obj and obj.plan.province_id)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["plan", "code", "starts_on", "ends_on", "data_from", "data_to", "due_on"]
    list_filter = ["kind", "year", "plan"]
    search_fields = ["plan__code", "plan__title", "code"]
    actions = ["create_expected_reports"]

    @admin.action(description=_("Tạo các báo cáo phải nộp của kỳ đã chọn"))
    def create_expected_reports(self, request, queryset):
        created = sum(services.expected_reports_create(period=period) for period in queryset.select_related("plan"))
        self.message_user(request, _("Đã tạo %(count)s báo cáo.") % {"count": created}, messages.SUCCESS)


# ---------------------------------------------------------------- agency reports: review, and entry on behalf
#
# Sở KH&CN staff key in a report an agency sent by dispatch (công văn) or e-mail, on the report's change
# page: entries, task progress and narrative inline, the dispatch attached, its number and date recorded.
# Nothing here writes a row itself: the page's forms only collect and check (with the shared
# `validate_report_data`), and one call to `report_enter_on_behalf` (→ `report_save(on_behalf=True)`,
# `attachment_add`, `attachment_remove`) writes it all; submitting and approving go through
# `report_submit` / `report_approve`. Staff see only their province's reports, by their membership role
# (Role.STAFF), not by Django model permissions.


def can_enter_on_behalf(request, report: AgencyReport | None) -> bool:
    return (report is not None and is_admin_staff(request.user, report.plan.province_id)
            and report_permissions(request.user, report).can_enter_on_behalf)


class OnBehalfInline(admin.TabularInline):
    """Lines of the report: editable while staff may enter the report on the agency's behalf."""

    extra = 0
    can_delete = False
    formset = LabelledInlineFormSet

    def has_view_permission(self, request, obj=None):
        return is_admin_staff(request.user, obj and obj.plan.province_id)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return can_enter_on_behalf(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


def _escaped(value) -> str:
    # The stdlib escape Django's own `escape` calls, without its lazy-string wrapper: ~1,000 cells a page.
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


class EntryLinesAdminFormSet(InlineAdminFormSet):
    """The editable lines of a report (one an indicator or task, ~100 for a large agency) drawn in Python.

    Django's tabular inline builds a wrapper per form, per fieldset, per cell (AdminField,
    AdminReadonlyField) and renders a template or two for each; at 100 lines × 9 cells that was 2–3 s of
    the page (issue 14). The rows here are the same markup (names, ids, aria-labels, errors beside their
    input), so the post, the tests and the admin's script see the same page."""

    @property
    def media(self):
        # Every line has the same widgets: the first form's media is the formset's (Django walks them all).
        return self.opts.media + self.formset.media

    def lines(self):
        inline, formset = self.opts, self.formset
        form_fields = formset.empty_form.fields
        columns = [(name, name in form_fields) for name in inline.fields]
        heads = "".join(
            f'<th class="column-{name}">{_escaped(capfirst(form_fields[name].label if editable else label_for(inline, name)))}</th>'
            for name, editable in columns)
        rows = []
        for index, form in enumerate(formset.forms):
            hidden = "".join(_input(form, name, None) for name, field in form.fields.items() if field.widget.is_hidden)
            errors = form.non_field_errors()
            if errors:
                rows.append(f'<tr class="row-form-errors"><td colspan="{len(columns) + 2}">{errors}</td></tr>')
            cells = []
            for name, editable in columns:
                if editable:
                    field_errors = form.errors.get(name)
                    content = f"{field_errors.as_ul() if field_errors else ''}{_input(form, name, field_errors)}"
                else:
                    content = f"<p>{_escaped(inline.cell(form.instance, name))}</p>"
                cells.append(f'<td class="field-{name}">{content}</td>')
            rows.append(f'<tr class="form-row has_original" id="{formset.prefix}-{index}">'
                        f'<td class="original">{hidden}</td>{"".join(cells)}<td class="delete"></td></tr>')
        return mark_safe(f'<thead><tr><th class="original"></th>{heads}<th></th></tr></thead>'  # noqa: S308 - every value escaped above
                         f'<tbody>{"".join(rows)}</tbody>')


def _input(form, name: str, errors) -> str:
    """`str(form[name])`: BoundField.as_widget's attributes (required, disabled, aria-invalid, aria-describedby,
    id) and value, given to the widget, without looking the field's errors up three more times (~700 inputs)."""
    bound = form[name]
    field = bound.field
    widget = field.widget
    attrs = {}
    if widget.use_required_attribute(bound.initial) and field.required and form.use_required_attribute:
        attrs["required"] = True
    if field.disabled:
        attrs["disabled"] = True
    if errors and not widget.is_hidden:
        attrs["aria-invalid"] = "true"
    auto_id = bound.auto_id
    if auto_id and not widget.is_hidden and not widget.attrs.get("aria-describedby") and not widget.use_fieldset:
        described_by = [f"{auto_id}_helptext"] if bound.help_text else []
        if errors:
            described_by.append(f"{auto_id}_error")
        if described_by:
            attrs["aria-describedby"] = " ".join(described_by)
    if auto_id and "id" not in widget.attrs:
        attrs["id"] = auto_id
    return widget.render(name=bound.html_name, value=bound.value(), attrs=attrs, renderer=form.renderer)


def label_for(inline, name: str) -> str:
    attribute = getattr(inline, name, None)
    if attribute is not None and hasattr(attribute, "short_description"):
        return attribute.short_description
    return inline.model._meta.get_field(name).verbose_name


class EntryInline(OnBehalfInline):
    """Shown only while the report is editable (a read-only report shows `entry_tables`): lines drawn by
    `EntryLinesAdminFormSet`."""

    template = "admin/reports/edit_inline/entry_lines.html"

    def cell(self, entry, name: str):
        """A read-only cell of a line: the inline's display method, or the model field."""
        method = getattr(self, name, None)
        return method(entry) if callable(method) else getattr(entry, name)


class IndicatorEntryInline(EntryInline):
    model = IndicatorEntry
    form = IndicatorEntryAdminForm
    formset = IndicatorEntryFormSet
    fields = ["indicator_label", "entry_value", "entry_numerator", "entry_denominator", "entry_milestone_state",
              "entry_note", "entry_source", "entry_as_of", "return_reason"]
    readonly_fields = ["indicator_label", "return_reason"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")

    @admin.display(description=_("Chỉ tiêu"))
    def indicator_label(self, entry):
        indicator = entry.indicator
        unit = f" ({indicator.unit})" if indicator.unit else ""
        return f"{indicator.code}. {indicator.name}{unit}"

    # Shown in place of the inputs when the report can no longer be edited.
    @admin.display(description=_("Giá trị"))
    def entry_value(self, entry):
        return format_value(entry.value)

    @admin.display(description=_("Tử số"))
    def entry_numerator(self, entry):
        return format_value(entry.numerator)

    @admin.display(description=_("Mẫu số"))
    def entry_denominator(self, entry):
        return format_value(entry.denominator)

    @admin.display(description=_("Tình trạng"))
    def entry_milestone_state(self, entry):
        return entry.get_milestone_state_display()

    @admin.display(description=_("Ghi chú, giải trình"))
    def entry_note(self, entry):
        return entry.note

    @admin.display(description=_("Nguồn số liệu"))
    def entry_source(self, entry):
        return entry.source

    @admin.display(description=_("Tính đến ngày"))
    def entry_as_of(self, entry):
        return format_value(entry.as_of)


class TaskEntryInline(EntryInline):
    model = TaskEntry
    form = TaskEntryAdminForm
    formset = TaskEntryFormSet
    fields = ["task_label", "entry_status", "entry_progress", "entry_done", "entry_next", "return_reason"]
    readonly_fields = ["task_label", "return_reason"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("task")

    @admin.display(description=_("Nhiệm vụ"))
    def task_label(self, entry):
        return f"{entry.task.code}. {entry.task.content[:200]}"

    @admin.display(description=_("Tình trạng"))
    def entry_status(self, entry):
        return entry.get_status_display()

    @admin.display(description=_("Tiến độ (%)"))
    def entry_progress(self, entry):
        return format_value(entry.progress)

    @admin.display(description=_("Kết quả thực hiện trong kỳ"))
    def entry_done(self, entry):
        return entry.done

    @admin.display(description=_("Nhiệm vụ kỳ tới"))
    def entry_next(self, entry):
        return entry.next_steps


def entry_tables(report: AgencyReport) -> list[dict]:
    """A read-only report's lines as two plain tables (the entry inlines' columns), a query each: building
    ~100 admin inline forms only to show their values took one to two seconds (issue 14)."""
    indicators = IndicatorEntryInline
    milestone_states = dict(IndicatorEntry.MilestoneState.choices)
    indicator_rows = [
        (indicators.indicator_label(None, entry),
         [format_value(entry.value), format_value(entry.numerator), format_value(entry.denominator),
          format_value(entry.milestone_state, choices=milestone_states), entry.note, entry.source,
          format_value(entry.as_of), entry.return_reason])
        for entry in IndicatorEntry.objects.filter(report=report).select_related("indicator")]
    statuses = dict(TaskEntry.Status.choices)
    task_rows = [
        (TaskEntryInline.task_label(None, entry),
         [format_value(entry.status, choices=statuses), format_value(entry.progress), entry.done, entry.next_steps,
          entry.return_reason])
        for entry in TaskEntry.objects.filter(report=report).select_related("task")]
    return [
        {"caption": capfirst(model._meta.verbose_name_plural), "id": f"{model._meta.model_name}-table",
         "heads": [capfirst(label_for(inline, name)) for name in inline.fields], "rows": rows}
        for inline, model, rows in ((IndicatorEntryInline, IndicatorEntry, indicator_rows),
                                    (TaskEntryInline, TaskEntry, task_rows))
        if rows]


class AttachmentInline(OnBehalfInline):
    """The dispatch and other files: added through `attachment_add`, removed through `attachment_remove`."""

    model = Attachment
    form = AttachmentAdminForm
    can_delete = True  # while the report is editable (has_delete_permission)
    fields = ["download_link", "content_type", "size_shown", "uploaded_by", "uploaded_at", "upload"]
    readonly_fields = ["download_link", "content_type", "size_shown", "uploaded_by", "uploaded_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if can_enter_on_behalf(request, obj) else 0

    def has_add_permission(self, request, obj=None):
        return can_enter_on_behalf(request, obj)

    def has_change_permission(self, request, obj=None):
        return False  # a file is replaced by removing it and adding another

    def has_delete_permission(self, request, obj=None):
        return can_enter_on_behalf(request, obj)

    @admin.display(description=_("Tệp"))
    def download_link(self, attachment):
        if not attachment.pk:
            return ""
        return format_html('<a href="{}">{}</a>', reverse("reports:attachment", args=[attachment.pk]),
                           attachment.original_name)

    @admin.display(description=_("Dung lượng"))
    def size_shown(self, attachment):
        return f"{format_number(Decimal(attachment.size) / 1024, 1)} KB" if attachment.size else ""

    @admin.display(description=_("Tải lên"))
    def upload(self, attachment):
        return ""


class SortedKeysPaginator(Paginator):
    """A changelist page found by sorting and slicing the primary keys alone, then its rows fetched with their
    joins, in that order. Postgres otherwise joins every row (the report, its agency and period, the actor)
    before sorting them all for one page: the events list (9,000 events at province scale, ordered by their
    report's period and agency) took 40–80 ms for its query (issue 14). Same rows, same order, one more
    query."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=keys)}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


@admin.register(AgencyReport)
class AgencyReportAdmin(PlainActionCheckbox, SimpleHistoryAdmin):
    form = OnBehalfReportForm
    list_display = ["agency", "plan", "period", "status", "entered_on_behalf", "submitted_at", "approved_at",
                    "version"]
    list_filter = ["status", "period__code", "plan", "entered_on_behalf", "agency__kind"]
    # Django draws each cell through display_for_field and lazy labels (~0.3 ms a cell): 100 rows × 8 columns
    # was 380 ms p95 at province scale (issue 14). Fifty rows a page keep it under the page budget; the review
    # queue is where staff work through reports in bulk.
    list_per_page = 50
    search_fields = ["agency__name", "agency__short_name", "plan__code", "source_reference"]
    list_select_related = ["agency", "plan", "period"]
    paginator = SortedKeysPaginator  # the list's 3,000 reports sorted by period and agency name
    inlines = [IndicatorEntryInline, TaskEntryInline, AttachmentInline, ReportEventInline]
    actions = ["approve_selected", "submit_on_behalf_selected", "submit_and_approve_selected"]

    WORKFLOW_FIELDS = ["submitted_at", "submitted_by", "confirmed_by", "approved_at", "approved_by", "return_reason",
                       "reopened_reason"]

    # -- who sees what --------------------------------------------------------------------------------
    USER_FIELDS = ["entered_by", "submitted_by", "confirmed_by", "approved_by"]

    def get_queryset(self, request):
        return limit_to_province(super().get_queryset(request), request).select_related("agency", "plan", "period")

    def get_object(self, request, object_id, from_field=None):
        """Django's get_object, with the report's people joined (the change page shows them). Not in
        `get_queryset`: over the changelist's 3,000 reports, four more joins of auth_user made Postgres plan
        the query for ~100 ms (eight relations) for 50 rows that never show a person (issue 14)."""
        queryset = self.get_queryset(request).select_related(*self.USER_FIELDS)
        field = AgencyReport._meta.pk if from_field is None else AgencyReport._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (AgencyReport.DoesNotExist, ValidationError, ValueError):
            return None

    def has_module_permission(self, request):
        return is_admin_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin_staff(request.user, obj and obj.plan.province_id)

    def has_change_permission(self, request, obj=None):
        # The list needs "change" to offer the actions; a page is editable only while the report is.
        return is_admin_staff(request.user) if obj is None else can_enter_on_behalf(request, obj)

    def has_add_permission(self, request):
        return False  # expected reports are created by the system (expected_reports_create)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_history_permission(self, request, obj=None):
        return False  # reverting would bypass the services

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each row of the history page names its report (`record.history_object`, agency – period): simple
        history builds a fresh report per row whose agency and period cost two queries each. Give every row
        one built with the agency and period its query already joined (a report never changes either)."""
        for record in historical_records:
            shown = type(record).history_object.__get__(record, type(record))
            shown.agency, shown.period = record.agency, record.period
            record.history_object = shown
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)

    # -- the page ---------------------------------------------------------------------------------------
    def get_fieldsets(self, request, obj=None):
        if can_enter_on_behalf(request, obj):
            source = ["document_number", "document_date", "entered_by", "entered_on_behalf", "version"]
        else:
            source = ["source_reference", "entered_by", "entered_on_behalf"]
        return [
            (None, {"fields": ["agency", "plan", "period", "status"]}),
            (_("Nguồn số liệu (Sở KH&CN nhập thay cơ quan)"), {"fields": source}),
            (_("Thuyết minh"), {"fields": list(AgencyReport.NARRATIVE_FIELDS)}),
            (_("Quy trình"), {"fields": self.WORKFLOW_FIELDS, "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["agency", "plan", "period", "status", "source_reference", "entered_by", "entered_on_behalf",
                *self.WORKFLOW_FIELDS]

    def get_inlines(self, request, obj):
        if can_enter_on_behalf(request, obj):
            return self.inlines
        # Nothing to type: the lines are shown as plain tables (`entry_tables`), not as ~100 inline forms.
        return [inline for inline in self.inlines if not issubclass(inline, EntryInline)]

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        shown = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for admin_formset in shown:
            if isinstance(admin_formset.opts, EntryInline):
                # Same state, drawn in Python (see EntryLinesAdminFormSet): Django builds these itself.
                admin_formset.__class__ = EntryLinesAdminFormSet
        return shown

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            permissions = report_permissions(request.user, obj)
            editable = can_enter_on_behalf(request, obj)
            context.update(
                can_enter_on_behalf=editable,
                entry_tables=[] if editable else entry_tables(obj),
                can_review=permissions.can_review and is_admin_staff(request.user, obj.plan.province_id),
                workflow_url=reverse("admin:reports_agencyreport_workflow", args=[obj.pk]),
                staff_form_url=reverse("reports:report", args=[obj.pk]) + "?nhap-thay=1",
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # ~100 line forms, each a cycle with its bound fields: see agencies.memory.
        with collector_paused():
            try:
                response = super().changeform_view(request, object_id, form_url, extra_context)
            except ReportError as error:
                # A save raced with another (the page's check passed, the service's did not): nothing was written.
                self.message_user(request, error.message, messages.ERROR)
                return HttpResponseRedirect(request.path)
            if isinstance(response, TemplateResponse):
                response.render()  # the lines are drawn here, so inside the pause (no template-response middleware)
            return response

    # -- saving: one service call, after every form and inline has been checked ------------------------
    def save_model(self, request, obj, form, change):
        """Nothing yet: `save_related` writes the report and its lines together, through the services."""

    def save_related(self, request, form, formsets, change):
        data = form.report_data()
        uploads, removed = [], []
        for formset in formsets:
            if isinstance(formset, EntryFormSet):
                data[formset.data_key] = formset.items
            elif formset.model is Attachment:
                removed += [f.instance for f in formset.deleted_forms if f.instance.pk]
                uploads += [f.cleaned_data["upload"] for f in formset.forms
                            if not f.instance.pk and f.cleaned_data.get("upload") and f not in formset.deleted_forms]
        report_enter_on_behalf(report=form.instance, user=request.user, data=data,
                               version=form.cleaned_data["version"], uploads=uploads, removed_attachments=removed)

    def construct_change_message(self, request, form, formsets, add=False):
        return [{"changed": {"fields": [str(_("Sở KH&CN nhập thay")), form.instance.source_reference]}}]

    def response_change(self, request, obj):
        if "_submit_on_behalf" in request.POST or "_submit_and_approve" in request.POST:
            self._workflow(request, obj, "submit_and_approve" if "_submit_and_approve" in request.POST else "submit")
            return HttpResponseRedirect(reverse("admin:reports_agencyreport_change", args=[obj.pk]))
        return super().response_change(request, obj)

    # -- workflow: submit on behalf, submit and approve in one step, approve ---------------------------
    def get_urls(self):
        urls = [
            path("nhap-so-lieu/", self.admin_site.admin_view(self.import_values_view),
                 name="reports_agencyreport_import_values"),
            path("<int:pk>/quy-trinh/", self.admin_site.admin_view(self.workflow_view),
                 name="reports_agencyreport_workflow"),
        ]
        return urls + super().get_urls()

    ADMIN_ACTIONS = ("submit", "submit_and_approve", "approve")  # of reports.actions.ACTIONS

    def _workflow(self, request, report: AgencyReport, action: str) -> bool:
        if action not in self.ADMIN_ACTIONS:
            raise PermissionDenied
        try:
            self.message_user(request, perform(action, report=report, user=request.user), messages.SUCCESS)
        except ReportError as error:
            self.message_user(request, error.message, messages.ERROR)
            return False
        return True

    def workflow_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = get_object_or_404(self.get_queryset(request), pk=pk)
        if not is_admin_staff(request.user, report.plan.province_id):
            raise PermissionDenied
        self._workflow(request, report, request.POST.get("action", ""))
        return HttpResponseRedirect(reverse("admin:reports_agencyreport_change", args=[report.pk]))

    def _bulk(self, request, queryset, action: str) -> None:
        outcome = perform_many(action, reports=queryset.select_related("agency", "plan", "period"), user=request.user)
        self.message_user(request, outcome.message, messages.SUCCESS)
        for line in outcome.refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description=_("Duyệt các báo cáo đã chọn"))
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, "approve")

    @admin.action(description=_("Gửi thay các báo cáo Sở KH&CN đã nhập thay"))
    def submit_on_behalf_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description=_("Gửi và duyệt trong một bước các báo cáo Sở KH&CN đã nhập thay"))
    def submit_and_approve_selected(self, request, queryset):
        self._bulk(request, queryset, "submit_and_approve")

    # -- bulk values from a spreadsheet: upload → preview → confirm ------------------------------------
    IMPORT_SESSION_KEY = "reports_import_values"

    def _periods(self, request):
        return ReportingPeriod.objects.filter(plan__in=Plan.objects.reviewable_by(request.user)).select_related(
            "plan", "plan__province")

    def import_values_view(self, request):
        if not is_admin_staff(request.user):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Nhập số liệu từ tệp"), "form": None, "outcome": None, "token": ""}
        if request.method == "POST" and request.POST.get("token"):
            return self._import_confirm(request, context)
        form = ValuesUploadForm(request.POST or None, request.FILES or None, user=request.user)
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            period = form.cleaned_data["period"]
            try:
                sheet = read_uploaded_values(form.cleaned_data["file"])
                outcome = values_import(plan=period.plan, period=period, rows=sheet.rows, user=request.user,
                                        source_reference=form.cleaned_data["source_reference"], dry_run=True)
            except BulkFileError as error:
                form.add_error("file", error.message)
            except ReportError as error:
                form.add_error(None, error.message)
            else:
                context.update(outcome=outcome, sheet=sheet, period=period,
                               source_reference=form.cleaned_data["source_reference"])
                if outcome.ok:
                    token = uuid.uuid4().hex
                    pending = request.session.get(self.IMPORT_SESSION_KEY, {})
                    pending[token] = {"period": period.pk, "rows": [row.as_dict() for row in sheet.rows],
                                      "source_reference": form.cleaned_data["source_reference"],
                                      "file": sheet.source_name}
                    request.session[self.IMPORT_SESSION_KEY] = pending
                    context["token"] = token
        return TemplateResponse(request, "admin/reports/agencyreport/import_values.html", context,
                                status=400 if context["outcome"] is not None and not context["outcome"].ok else 200)

    def _import_confirm(self, request, context):
        pending = request.session.get(self.IMPORT_SESSION_KEY, {})
        stored = pending.get(request.POST["token"])
        if stored is None:
            self.message_user(request, _("Phiên xem trước đã hết hạn; vui lòng tải tệp lên lại."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:reports_agencyreport_import_values"))
        period = get_object_or_404(self._periods(request), pk=stored["period"])
        rows = [ValueRow(**row) for row in stored["rows"]]
        try:
            outcome = values_import(plan=period.plan, period=period, rows=rows, user=request.user,
                                    source_reference=stored["source_reference"], dry_run=False)
        except ReportError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:reports_agencyreport_import_values"))
        if not outcome.ok:  # the data changed between preview and confirm
            context.update(outcome=outcome, period=period, source_reference=stored["source_reference"],
                           form=ValuesUploadForm(user=request.user))
            return TemplateResponse(request, "admin/reports/agencyreport/import_values.html", context, status=400)
        del pending[request.POST["token"]]
        request.session[self.IMPORT_SESSION_KEY] = pending
        self.message_user(request, outcome.summary, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:reports_agencyreport_changelist")
                                    + f"?period__code={period.code}&plan__id__exact={period.plan_id}")


def _deadlines_through_service(obj, form, fields) -> dict | None:
    """The deadline fields the form changed, put back on `obj` as they were (the service writes them)."""
    changed = {name: getattr(obj, name) for name in fields if name in form.changed_data}
    for name in changed:
        setattr(obj, name, form.initial[name])
    return changed or None


@admin.register(ReportingPolicy)
class ReportingPolicyAdmin(ProvinceScopedAdmin):
    """The province's reporting switches and deadlines. A deadline change goes through
    `province_deadlines_set`: periods not yet due move, and the change is recorded."""

    list_display = ["province", "require_head_confirmation", "require_complete", "quarterly_due_day",
                    "annual_due_day", "annual_due_month"]
    fields = ["province", "require_head_confirmation", "require_complete", "quarterly_due_day", "annual_due_day",
              "annual_due_month"]

    def save_model(self, request, obj, form, change):
        deadlines = _deadlines_through_service(obj, form, ReportingPolicy.DEADLINE_FIELDS) if change else None
        super().save_model(request, obj, form, change)
        if deadlines:
            services.province_deadlines_set(province=obj.province, user=request.user, **deadlines)
            self.message_user(request, _("Đã đổi hạn báo cáo của tỉnh: các kỳ chưa đến hạn của những kế hoạch theo "
                                         "hạn của tỉnh đã được dời theo."), messages.SUCCESS)


@admin.register(PlanReportingPolicy)
class PlanReportingPolicyAdmin(ProvinceScopedAdmin):
    list_display = ["plan", "require_head_confirmation", "require_complete"]
    autocomplete_fields = ["plan"]
    list_select_related = ["plan"]


class PlanReportingAdminMixin:
    """The plan admin: a deadline change goes through `plan_deadlines_set` (periods not yet due move,
    recorded) instead of a bare save. (The plan's reporting switches have their own admin page, so the plan
    form stays as the layers below define it.)"""

    def save_model(self, request, obj, form, change):
        deadlines = _deadlines_through_service(obj, form, services.DEADLINE_FIELDS) if change else None
        super().save_model(request, obj, form, change)
        if deadlines:
            try:
                services.plan_deadlines_set(plan=obj, user=request.user, reason=_("trang quản trị"), **deadlines)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, _("Đã đổi hạn báo cáo: các kỳ chưa đến hạn đã được dời theo; các kỳ đã "
                                             "đến hạn giữ nguyên."), messages.SUCCESS)


def _register_plan_reporting_admin() -> None:
    """Extend whichever Plan admin the layers below registered (import, export actions), as they do."""
    from indicators import admin as _indicators_admin  # noqa: F401 - registers its Plan admin first

    registered = type(admin.site._registry[Plan])
    if issubclass(registered, PlanReportingAdminMixin):
        return
    admin.site.unregister(Plan)
    admin.site.register(Plan, type("PlanReportingAdmin", (PlanReportingAdminMixin, registered), {}))


_register_plan_reporting_admin()


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(ProvinceScopedAdmin):
    list_display = ["at", "province", "plan", "changed_by", "what", "periods_moved", "reason"]
    list_select_related = ["province", "plan", "changed_by"]

    @admin.display(description=_("thay đổi"))
    def what(self, change: DeadlineChange) -> str:
        def shown(values: dict) -> str:
            return _("quý: trước ngày %(q)s tháng cuối quý; năm: trước ngày %(d)02d/%(m)02d") % {
                "q": values.get("quarterly_due_day"), "d": values.get("annual_due_day") or 0,
                "m": values.get("annual_due_month") or 0}
        return f"{shown(change.before)} → {shown(change.after)}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportEvent)
class ReportEventAdmin(PlainActionCheckbox, admin.ModelAdmin):
    list_display = ["report", "action", "actor", "at"]
    list_filter = ["action"]
    list_select_related = ["report__agency", "report__period", "actor"]
    paginator = SortedKeysPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(PlainActionCheckbox, admin.ModelAdmin):
    list_display = ["report", "kind", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["report__agency", "report__period"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReviewDigestLog)
class ReviewDigestLogAdmin(admin.ModelAdmin):
    list_display = ["province", "day", "sent_at"]

    def has_change_permission(self, request, obj=None):
        return False
