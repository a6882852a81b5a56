"""Admin for the reports: read-mostly. Workflow changes go through the services (admin actions), so the
audit trail, the version and the progress notifications stay right."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from reports import services
from reports.models import (
    AgencyReport,
    Attachment,
    IndicatorEntry,
    ReminderLog,
    ReportEvent,
    ReportingPeriod,
    ReportingPolicy,
    ReviewDigestLog,
    TaskEntry,
)


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


class IndicatorEntryInline(ReadOnlyInline):
    model = IndicatorEntry
    fields = ["indicator", "value", "numerator", "denominator", "milestone_state", "note", "source", "as_of",
              "return_reason"]


class TaskEntryInline(ReadOnlyInline):
    model = TaskEntry
    fields = ["task", "status", "progress", "done", "next_steps", "return_reason"]


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ["at", "action", "actor", "reason"]


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


@admin.register(AgencyReport)
class AgencyReportAdmin(SimpleHistoryAdmin):
    list_display = ["agency", "plan", "period", "status", "submitted_at", "approved_at", "version"]
    list_filter = ["status", "period__code", "plan"]
    search_fields = ["agency__name", "agency__short_name", "plan__code"]
    list_select_related = ["agency", "plan", "period"]
    readonly_fields = [field.name for field in AgencyReport._meta.fields]
    inlines = [IndicatorEntryInline, TaskEntryInline, AttachmentInline, ReportEventInline]
    actions = ["approve_selected"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Duyệt các báo cáo đã chọn"))
    def approve_selected(self, request, queryset):
        approved, refused = 0, []
        for report in queryset.select_related("agency", "plan", "period"):
            try:
                services.report_approve(report=report, user=request.user)
                approved += 1
            except services.ReportError as error:
                refused.append(f"{report}: {error.message}")
        self.message_user(request, _("Đã duyệt %(count)s báo cáo.") % {"count": approved}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)


@admin.register(ReportingPolicy)
class ReportingPolicyAdmin(admin.ModelAdmin):
    list_display = ["province", "require_head_confirmation"]


@admin.register(ReportEvent)
class ReportEventAdmin(admin.ModelAdmin):
    list_display = ["report", "action", "actor", "at"]
    list_filter = ["action"]
    list_select_related = ["report__agency", "report__period", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
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
