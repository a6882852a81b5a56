"""What the reports API reads and writes: DRF serializers for the JSON in and out.

Output: `ReportSummarySerializer` (lists), `ReportDetailSerializer` (one report with its entries),
`ComplianceSerializer`. Input: `ReportPatchSerializer` (a draft's data, checked in depth by
`reports.validation` inside `report_save`), `ReportActionSerializer` (the reason of an action),
`ReportFilterSerializer` (the list's query string). Every error message is Vietnamese.
"""

import functools

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reports.models import AgencyReport, IndicatorEntry, TaskEntry
from reports.selectors import COMPLIANCE_COUNTS


class IndicatorEntrySerializer(serializers.ModelSerializer):
    """One entry of a report. `to_representation` writes out what the declared fields give (a report's answer
    holds ~100 entries, and DRF's per-field machinery was a good part of every read, save and action);
    tests/reports/test_api_save_cost.py checks it against `generic_representation`, DRF's own."""

    indicator = serializers.CharField(source="indicator.code")

    class Meta:
        model = IndicatorEntry
        fields = ["indicator", "value", "numerator", "denominator", "milestone_state", "note", "source", "as_of",
                  "return_reason"]

    def to_representation(self, entry: IndicatorEntry) -> dict:
        return {"indicator": entry.indicator.code, "value": _decimal(entry.value),
                "numerator": _decimal(entry.numerator), "denominator": _decimal(entry.denominator),
                "milestone_state": entry.milestone_state, "note": entry.note, "source": entry.source,
                "as_of": entry.as_of.isoformat() if entry.as_of is not None else None,
                "return_reason": entry.return_reason}

    def generic_representation(self, entry: IndicatorEntry) -> dict:
        return super().to_representation(entry)


class TaskEntrySerializer(serializers.ModelSerializer):
    """One task entry; `to_representation` as IndicatorEntrySerializer's."""

    task = serializers.CharField(source="task.code")
    next = serializers.CharField(source="next_steps")

    class Meta:
        model = TaskEntry
        fields = ["task", "status", "progress", "done", "next", "return_reason"]

    def to_representation(self, entry: TaskEntry) -> dict:
        return {"task": entry.task.code, "status": entry.status, "progress": entry.progress, "done": entry.done,
                "next": entry.next_steps, "return_reason": entry.return_reason}

    def generic_representation(self, entry: TaskEntry) -> dict:
        return super().to_representation(entry)


@functools.cache
def _value_field() -> serializers.DecimalField:
    """The entries' DecimalField, which says how a value is shown (settings.REST_FRAMEWORK: a number)."""
    return IndicatorEntrySerializer().fields["value"]


def _decimal(value):
    return None if value is None else _value_field().to_representation(value)


class ReportSummarySerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.code")
    agency = serializers.CharField(source="agency.name")
    period = serializers.CharField(source="period.code")
    due_at = serializers.DateTimeField(source="period.due_at")

    class Meta:
        model = AgencyReport
        fields = ["id", "plan", "agency", "agency_id", "period", "status", "due_at", "submitted_at", "approved_at",
                  "version"]


class ReportDetailSerializer(ReportSummarySerializer):
    indicator_entries = IndicatorEntrySerializer(many=True)
    task_entries = TaskEntrySerializer(many=True)
    narrative = serializers.DictField(child=serializers.CharField())

    class Meta(ReportSummarySerializer.Meta):
        fields = [*ReportSummarySerializer.Meta.fields, "return_reason", "reopened_reason", "source_reference",
                  "entered_on_behalf", "indicator_entries", "task_entries", "narrative"]




def _compliance_fields() -> dict:
    """The counts of `reports.selectors.compliance_by_agency` / `compliance_totals`, then the completeness."""
    return {**{name: serializers.IntegerField() for name in COMPLIANCE_COUNTS},
            "completeness": serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)}


class _ComplianceCounts(serializers.Serializer):
    def to_representation(self, row):
        return super().to_representation({**row, **{key: row[key] or 0 for key in COMPLIANCE_COUNTS}})


ComplianceTotalsSerializer = type("ComplianceTotalsSerializer", (_ComplianceCounts,), _compliance_fields())
# One agency's row: who, then the same counts.
ComplianceRowSerializer = type("ComplianceRowSerializer", (_ComplianceCounts,), {
    "agency_id": serializers.IntegerField(), "agency": serializers.CharField(source="agency__name"),
    **_compliance_fields()})


class ComplianceSerializer(serializers.Serializer):
    """{"plan", "period", "due_at", "totals", "agencies"}: a plan's reporting compliance."""

    plan = serializers.CharField(source="plan.code")
    period = serializers.CharField(source="period.code", allow_null=True, default=None)
    due_at = serializers.DateTimeField(source="period.due_at", allow_null=True, default=None)
    totals = ComplianceTotalsSerializer()
    agencies = ComplianceRowSerializer(many=True)


# ---------------------------------------------------------------- input


class StrictCharField(serializers.CharField):
    """Text only: a number or a boolean is refused, not turned into "12" or "True"; null reads as ""."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

    def validate_empty_values(self, data):
        if data is None:
            return True, ""
        return super().validate_empty_values(data)


class VietnameseObjectSerializer(serializers.Serializer):
    default_error_messages = {"invalid": _("Dữ liệu gửi lên phải là một đối tượng JSON.")}


class ReportPatchSerializer(VietnameseObjectSerializer):
    """PATCH /api/v1/reports/<id>/: the `version` read, and any part of the data (see reports.validation)."""

    version = serializers.IntegerField(min_value=0, error_messages={
        key: _("Gửi kèm “version” là phiên bản báo cáo bạn đã đọc.")
        for key in ("required", "null", "invalid", "min_value", "max_string_length")})
    indicator_entries = serializers.JSONField(required=False)
    task_entries = serializers.JSONField(required=False)
    narrative = serializers.JSONField(required=False)
    source_reference = serializers.JSONField(required=False)

    def summary(self) -> str:
        if "version" in self.errors:
            return str(_("Thiếu phiên bản báo cáo."))
        return _first_message(self.errors)


class ReportActionSerializer(VietnameseObjectSerializer):
    """POST /api/v1/reports/<id>/<action>/: {"reason"} where the action takes one, and for "return" the
    per-entry reasons {"indicator_entries": {code: reason}, "task_entries": {code: reason}}."""

    reason = StrictCharField(required=False, allow_blank=True, trim_whitespace=False, default="",
                             error_messages={"invalid": _("Lý do phải là văn bản.")})
    entry_reasons = serializers.DictField(required=False, allow_null=True, default=None, error_messages={
        "not_a_dict": _("“entry_reasons” phải là một đối tượng JSON.")})

    def summary(self) -> str:
        return _first_message(self.errors)


class StatusListField(serializers.CharField):
    """"submitted,approved" → ["submitted", "approved"], each one a report status."""

    def to_internal_value(self, data):
        statuses = [value for value in super().to_internal_value(data).split(",") if value]
        unknown = set(statuses) - set(AgencyReport.Status.values)
        if unknown:
            raise serializers.ValidationError(
                _("Trạng thái không hợp lệ: %(values)s. Dùng: %(choices)s.")
                % {"values": ", ".join(sorted(unknown)), "choices": ", ".join(AgencyReport.Status.values)})
        return statuses


class ReportFilterSerializer(serializers.Serializer):
    """GET /api/v1/reports/?plan=CODE&period=2026-Q1&status=submitted[,approved]&agency=ID"""

    plan = serializers.CharField(required=False, allow_blank=True)
    period = serializers.CharField(required=False, allow_blank=True)
    status = StatusListField(required=False, allow_blank=True)
    agency = serializers.RegexField(r"^\d*$", required=False, allow_blank=True,
                                    error_messages={"invalid": _("Mã cơ quan phải là số.")})

    def summary(self) -> str:
        return _first_message(self.errors)


def _first_message(errors) -> str:
    """The first message of DRF's nested errors, as the response's "detail"."""
    while not isinstance(errors, str):
        errors = next(iter(errors.values())) if isinstance(errors, dict) else errors[0]
    return str(errors)
