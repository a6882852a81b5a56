"""Forms of the reporting screens.

`ReportDataForm` turns the report page's POST into the data shape of `reports.validation` (the API's
shape) and puts each validation message back beside its field. It does not validate anything itself:
the rules live once, in `reports.validation`, for the form, the API, the Excel upload and the admin.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from indicators.numbers import format_value
from reports.models import AgencyReport, IndicatorEntry, TaskEntry

NARRATIVE_LABELS = {
    "achievements": _("Kết quả đạt được"),
    "shortcomings": _("Tồn tại, hạn chế"),
    "difficulties": _("Khó khăn, vướng mắc"),
    "proposals": _("Đề xuất, kiến nghị"),
}


def indicator_input_kind(indicator: Indicator) -> str:
    """What an agency enters for an indicator: a milestone state, a numerator and denominator, or a value."""
    if indicator.value_type == Indicator.ValueType.MILESTONE:
        return "milestone"
    if indicator.aggregation == Indicator.Aggregation.RATIO:
        return "ratio"
    return "value"


_RATIO_PREFIX = re.compile(r"^\s*(?:tỷ lệ|tỉ lệ)\s+", re.IGNORECASE)
# Where the counted thing's description turns into the condition that makes the numerator:
# "hồ sơ | được giải quyết trực tuyến", "người dân | có tài khoản".
_CONDITION = re.compile(r"\s(?:được|có|đã|đạt|sử dụng|tham gia|thực hiện|ứng dụng|dùng|làm chủ|trên địa bàn)\s",
                        re.IGNORECASE)


def ratio_labels(indicator: Indicator) -> tuple[str, str]:
    """What a ratio indicator's numerator and denominator count, from its name where it can be read:
    "Tỷ lệ hồ sơ được giải quyết trực tuyến" → ("Số hồ sơ được giải quyết trực tuyến", "Tổng số hồ sơ")."""
    name = " ".join((indicator.name or "").split()).rstrip(".")
    match = _RATIO_PREFIX.match(name)
    if not match:
        return str(_("Tử số")), str(_("Mẫu số"))
    rest = name[match.end():]
    condition = _CONDITION.search(rest)
    counted = rest[:condition.start()] if condition else rest
    numerator = _("Số %(what)s") % {"what": rest}
    denominator = _("Tổng số %(what)s") % {"what": counted}
    return _shorten(numerator), _shorten(denominator)


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip(" ,;") + "…"


INDICATOR_FIELDS_BY_KIND = {
    "milestone": ("milestone_state", "note", "source", "as_of"),
    "ratio": ("numerator", "denominator", "note", "source", "as_of"),
    "value": ("value", "note", "source", "as_of"),
}
TASK_FIELDS = ("status", "progress", "done", "next")
# What each input of an entry is called on the form (its <label>), also in the error summary's links.
FIELD_LABELS = {
    "value": _("Giá trị"), "numerator": _("Tử số"), "denominator": _("Mẫu số"),
    "milestone_state": _("Tình trạng thực hiện"), "as_of": _("Số liệu tính đến ngày"),
    "source": _("Nguồn số liệu"), "note": _("Ghi chú, giải trình"), "status": _("Tình trạng"),
    "progress": _("Tiến độ (%)"), "done": _("Kết quả thực hiện trong kỳ"), "next": _("Nhiệm vụ kỳ tới"),
}
# Form key → model field, where they differ (the API says "next" for next_steps).
TASK_MODEL_FIELD = {"next": "next_steps"}


@dataclass
class EntryRow:
    """One line of the form: an indicator or a task entry, with what the user sees and typed."""

    entry: IndicatorEntry | TaskEntry
    prefix: str
    kind: str
    fields: tuple[str, ...]
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    previous: IndicatorEntry | TaskEntry | None = None
    prefilled: bool = False
    target_text: str = ""
    conflict: dict[str, str] = field(default_factory=dict)  # field → the value someone else saved

    def name(self, field_name: str) -> str:
        return f"{self.prefix}-{field_name}"

    @property
    def code(self) -> str:
        item = self.entry.indicator if isinstance(self.entry, IndicatorEntry) else self.entry.task
        return item.code

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


class ReportDataForm:
    """The report page's inputs: entries, narrative; bound to POST data or prefilled from the database."""

    def __init__(self, report: AgencyReport, indicator_entries, task_entries, *, targets: dict[int, str],
                 previous: dict[str, dict], data=None, prefill: bool = True, on_behalf: bool = False):
        self.report = report
        # Staff typing in a paper report also name the letter it came in ("Công văn số …").
        self.on_behalf = on_behalf
        self.source_reference = (data.get("source_reference", "") if data is not None
                                 else report.source_reference)
        self.data = data
        self.prefill = prefill
        self.narrative_conflicts: dict[str, str] = {}
        self.errors: dict = {}
        self.indicator_rows = [self._indicator_row(entry, targets, previous["indicators"])
                               for entry in indicator_entries]
        self.task_rows = [self._task_row(entry, previous["tasks"]) for entry in task_entries]
        self.narrative = {name: (data.get(name, getattr(report, name)) if data is not None else getattr(report, name))
                          for name in AgencyReport.NARRATIVE_FIELDS}

    # Building the rows ------------------------------------------------------------------------------
    def _indicator_row(self, entry: IndicatorEntry, targets: dict[int, str], previous: dict) -> EntryRow:
        kind = indicator_input_kind(entry.indicator)
        row = EntryRow(entry=entry, prefix=f"i{entry.pk}", kind=kind, fields=INDICATOR_FIELDS_BY_KIND[kind],
                       previous=previous.get(entry.indicator_id), target_text=targets.get(entry.indicator_id, ""))
        if self.data is not None:
            # A field the POST does not carry keeps its stored value: a save changes only what it sends.
            row.values = {name: self.data.get(row.name(name), format_value(getattr(entry, name))) for name in row.fields}
            return row
        row.values = {name: format_value(getattr(entry, name)) for name in row.fields}
        # An entry nobody has touched starts from the previous period's figures (not its note).
        if self.prefill and not entry.is_filled and row.previous is not None and row.previous.is_filled:
            for name in ("value", "numerator", "denominator", "milestone_state", "source"):
                if name in row.fields:
                    row.values[name] = format_value(getattr(row.previous, name))
            row.prefilled = True
        return row

    def _task_row(self, entry: TaskEntry, previous: dict) -> EntryRow:
        row = EntryRow(entry=entry, prefix=f"t{entry.pk}", kind="task", fields=TASK_FIELDS,
                       previous=previous.get(entry.task_id))
        if self.data is not None:
            row.values = {name: self.data.get(row.name(name), format_value(getattr(entry, TASK_MODEL_FIELD.get(name, name))))
                          for name in row.fields}
            return row
        row.values = {name: format_value(getattr(entry, TASK_MODEL_FIELD.get(name, name))) for name in row.fields}
        if self.prefill and not entry.is_filled and row.previous is not None and row.previous.is_filled:
            row.values["status"] = row.previous.status
            row.values["progress"] = format_value(row.previous.progress)
            row.prefilled = True
        return row

    # From POST to the validation's data shape, and its messages back to the fields ------------------
    def to_data(self) -> dict:
        """The API-shaped data of what was posted: for each entry, the fields of its kind that differ from
        what is stored (a prefilled value counts as new). Entries left as they were are not sent, so a
        save does not write a history row for every untouched entry of a long report."""
        indicator_items = [item for row in self.indicator_rows if (item := self._changed(row, "indicator"))]
        task_items = [item for row in self.task_rows if (item := self._changed(row, "task"))]
        data = {"indicator_entries": indicator_items, "task_entries": task_items,
                "narrative": dict(self.narrative)}
        if self.on_behalf:
            data["source_reference"] = self.source_reference
        return data

    @staticmethod
    def _changed(row: EntryRow, key: str) -> dict | None:
        changed = {name: row.values[name] for name in row.fields
                   if row.values[name].strip() != format_value(getattr(row.entry, TASK_MODEL_FIELD.get(name, name)))}
        return {key: row.code, **changed} if changed else None

    def add_errors(self, errors: dict) -> None:
        self.errors = errors or {}
        for key, rows in (("indicator_entries", self.indicator_rows), ("task_entries", self.task_rows)):
            by_code = self.errors.get(key) or {}
            for row in rows:
                messages = by_code.get(row.code) or {}
                row.errors = {name: list(msgs) for name, msgs in messages.items() if isinstance(msgs, list)}

    @property
    def source_reference_errors(self) -> list[str]:
        return list(self.errors.get("source_reference") or [])

    @property
    def narrative_errors(self) -> dict:
        return self.errors.get("narrative") or {}

    @property
    def non_field_errors(self) -> list[str]:
        messages = list(self.errors.get("non_field_errors") or [])
        for key in ("indicator_entries", "task_entries", "narrative"):
            nested = self.errors.get(key) or {}
            messages += list(nested.get("non_field_errors") or []) if isinstance(nested, dict) else []
        # A message for an entry this page does not show (should not happen) must still be seen.
        shown = {row.code for row in self.indicator_rows + self.task_rows}
        for key in ("indicator_entries", "task_entries"):
            for code, fields in (self.errors.get(key) or {}).items():
                if code not in shown and code != "non_field_errors":
                    for msgs in fields.values():
                        messages += list(msgs)
        return messages

    @property
    def error_links(self) -> list[dict]:
        """The error summary: one link per field to fix, to the field itself (its id on the page), in
        the order of the page."""
        links = []
        for row in self.indicator_rows + self.task_rows:
            for name in row.fields:
                if row.errors.get(name):
                    links.append({"field_id": f"id-{row.prefix}-{name}", "item": row.code,
                                  "label": FIELD_LABELS[name], "message": row.errors[name][0]})
        for name, label in NARRATIVE_LABELS.items():
            if self.narrative_errors.get(name):
                links.append({"field_id": f"id-{name}", "item": "", "label": label,
                              "message": self.narrative_errors[name][0]})
        if self.source_reference_errors:
            links.append({"field_id": "id-source_reference", "item": "", "label": _("Văn bản nguồn"),
                          "message": self.source_reference_errors[0]})
        return links

    @property
    def error_count(self) -> int:
        return (sum(len(row.errors) for row in self.indicator_rows + self.task_rows)
                + len(self.narrative_errors) + len(self.non_field_errors) + bool(self.source_reference_errors))

    def mark_conflicts(self, current_report: AgencyReport, current_indicator_entries, current_task_entries) -> None:
        """After a version conflict: beside each field, what the other person saved, where it differs."""
        indicator_now = {entry.pk: entry for entry in current_indicator_entries}
        task_now = {entry.pk: entry for entry in current_task_entries}
        for row in self.indicator_rows:
            now = indicator_now.get(row.entry.pk)
            if now is not None:
                row.conflict = {name: format_value(getattr(now, name)) for name in row.fields
                                if format_value(getattr(now, name)) != row.values.get(name, "")}
        for row in self.task_rows:
            now = task_now.get(row.entry.pk)
            if now is not None:
                row.conflict = {name: format_value(getattr(now, TASK_MODEL_FIELD.get(name, name))) for name in row.fields
                                if format_value(getattr(now, TASK_MODEL_FIELD.get(name, name))) != row.values.get(name, "")}
        self.narrative_conflicts = {name: getattr(current_report, name) for name in AgencyReport.NARRATIVE_FIELDS
                                    if getattr(current_report, name) != self.narrative.get(name, "")}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                             error_messages={"required": _("Vui lòng ghi lý do.")})


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Tệp đính kèm"),
                           help_text=_("PDF, DOCX, XLSX, JPG, PNG; tối đa 20 MB mỗi tệp."),
                           error_messages={"required": _("Vui lòng chọn tệp.")})


class ExcelUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel đã điền (.xlsx)"), error_messages={"required": _("Vui lòng chọn tệp.")})


class ReviewFilterForm(forms.Form):
    plan = forms.ChoiceField(label=_("Kế hoạch"), required=False)
    period = forms.ChoiceField(label=_("Kỳ báo cáo"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)

    def __init__(self, *args, plans, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", _("Tất cả kế hoạch"))] + [(plan.code, plan.title) for plan in plans]
        self.fields["period"].choices = [("", _("Tất cả các kỳ"))] + list(periods)
        self.fields["status"].choices = [("", _("Tất cả trạng thái"))] + list(AgencyReport.Status.choices)


class ComplianceFilterForm(forms.Form):
    plan = forms.ChoiceField(label=_("Kế hoạch"))
    period = forms.ChoiceField(label=_("Kỳ báo cáo"), required=False)

    def __init__(self, *args, plans, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(plan.code, plan.title) for plan in plans]
        self.fields["period"].choices = [("", _("Tất cả các kỳ"))] + [(p.code, p.label) for p in periods]
