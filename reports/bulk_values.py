"""Loading a spreadsheet of indicator values (read by `reports.values_file`) into the agencies' reports,
entered by Sở KH&CN on their behalf.

`values_import` finds agencies (`agencies.matching.AgencyDirectory`) and indicators (code, then
folded name, closest matches by RapidFuzz for the error message), checks every value with the same
`reports.validation.validate_report_data` as the agency form and the API, and only when every row passed
writes through `reports.services.report_save(on_behalf=True)`, one call per affected report, all in one
transaction. A value equal to what is stored is "unchanged" and not written, so loading the same file
twice writes nothing the second time (no duplicate history, no version bump).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz, process

from agencies.matching import AgencyDirectory
from indicators.models import Indicator
from indicators.numbers import format_number, format_value, parse_fraction
from plans.models import Plan
from reports.models import AgencyReport, IndicatorEntry, ReportingPeriod
from reports.services import ReportError, ReportNotAllowed, report_save
from reports.validation import validate_report_data
from reports.values_file import ValueRow, header_key


class IndicatorDirectory:
    """A plan's indicators by code and by folded name, with closest matches for unknown ones."""

    def __init__(self, plan: Plan):
        self.indicators = list(Indicator.objects.filter(plan=plan).order_by("order", "pk"))
        self._by_code = {self._code_key(i.code): i for i in self.indicators if i.code}
        self._by_name = {header_key(i.name): i for i in self.indicators}
        # A department's sheet often heads a column "Name (unit)", as the plan's own tables do.
        for indicator in self.indicators:
            if indicator.unit:
                self._by_name.setdefault(header_key(f"{indicator.name} ({indicator.unit})"), indicator)
        self._choices = {f"{i.code} {header_key(i.name)}": i for i in self.indicators}

    @staticmethod
    def _code_key(code: str) -> str:
        return re.sub(r"\s+", "", code or "").rstrip(".").casefold()

    def match(self, text: str) -> Indicator | None:
        return self._by_code.get(self._code_key(text)) or self._by_name.get(header_key(text))

    def closest(self, text: str, limit: int = 3) -> list[str]:
        if not self._choices:
            return []
        found = process.extract(header_key(text), self._choices.keys(), scorer=fuzz.WRatio, limit=limit)
        return [f"{self._choices[key].code} {self._choices[key].name}" for key, _score, _index in found]


class RowStatus:
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"

    LABELS = {NEW: gettext_lazy("mới"), CHANGED: gettext_lazy("thay đổi"), UNCHANGED: gettext_lazy("không đổi"),
              ERROR: gettext_lazy("lỗi")}


@dataclass
class RowResult:
    row: ValueRow
    agency_name: str = ""
    indicator_code: str = ""
    shown_value: str = ""
    status: str = RowStatus.UNCHANGED
    errors: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(RowStatus.LABELS[self.status])

    def describe(self) -> str:
        if self.errors:
            return f"{self.row.where}: " + _("lỗi: %(errors)s") % {"errors": " ".join(self.errors)}
        return f"{self.row.where}: {self.agency_name} · {self.indicator_code} = {self.shown_value} ({self.status_label})"


@dataclass
class ImportOutcome:
    rows: list[RowResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems not tied to one row
    dry_run: bool = True
    reports_written: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not any(result.errors for result in self.rows)

    @property
    def error_rows(self) -> list[RowResult]:
        return [result for result in self.rows if result.errors]

    def count(self, status: str) -> int:
        return sum(1 for result in self.rows if result.status == status)

    @property
    def summary(self) -> str:
        counts = {"new": self.count(RowStatus.NEW), "changed": self.count(RowStatus.CHANGED),
                  "unchanged": self.count(RowStatus.UNCHANGED), "errors": len(self.error_rows)}
        if not self.ok:
            # A wide sheet's row holds several values: count the file's rows, and the values when they differ.
            bad_rows = len({result.row.row_number for result in self.error_rows})
            label = _("%(rows)s dòng lỗi") % {"rows": bad_rows}
            if counts["errors"] != bad_rows:
                label += " " + _("(%(values)s giá trị)") % {"values": counts["errors"]}
            return label + ": " + _("chưa ghi gì vào hệ thống. Sửa tệp rồi nhập lại.")
        if self.dry_run:
            return _("Kiểm tra xong, không có lỗi: %(new)s giá trị mới, %(changed)s thay đổi, %(unchanged)s không "
                     "đổi (chưa ghi).") % counts
        return _("Đã ghi %(new)s giá trị mới, %(changed)s thay đổi, %(unchanged)s không đổi vào %(reports)s báo cáo.") \
            % {**counts, "reports": self.reports_written}


def _milestone_state(text: str) -> str | None:
    key = header_key(text)
    for value, label in IndicatorEntry.MilestoneState.choices:
        if key in {header_key(value), header_key(str(label))}:
            return value
    return None


def _entry_item(indicator: Indicator, row: ValueRow) -> tuple[dict, str | None]:
    """The validation's item for a row, or an error the validation cannot phrase (milestone labels)."""
    item: dict = {"indicator": indicator.code}
    if indicator.value_type == Indicator.ValueType.MILESTONE and row.value:
        state = _milestone_state(row.value)
        if state is None:
            return item, _("Chỉ tiêu dạng mốc, lộ trình: ghi một trong %(choices)s (đã ghi “%(text)s”).") % {
                "choices": ", ".join(f"“{label}”" for label in IndicatorEntry.MilestoneState.labels),
                "text": row.value}
        item["milestone_state"] = state
    elif indicator.aggregation == Indicator.Aggregation.RATIO and row.value and not (row.numerator or row.denominator):
        # "1.016/1.095" in one cell (the wide layout has no numerator and denominator columns).
        fraction = parse_fraction(row.value)
        if fraction is not None:
            item["numerator"], item["denominator"] = row.value.split("/")
        else:
            item["value"] = row.value
    else:
        for name in ("value", "numerator", "denominator"):
            if getattr(row, name):
                item[name] = getattr(row, name)
    for name in ("note", "source"):
        if getattr(row, name):
            item[name] = getattr(row, name)
    return item, None


def _entry_shown(changes: dict, entry: IndicatorEntry) -> str:
    """The entry's value after the changes, as the preview shows it: a milestone's label, "n/d = v" for a ratio."""
    if entry.indicator.value_type == Indicator.ValueType.MILESTONE:
        return format_value(changes.get("milestone_state", entry.milestone_state),
                            choices=dict(IndicatorEntry.MilestoneState.choices))
    value = changes.get("value", entry.value)
    numerator = changes.get("numerator", entry.numerator)
    if numerator is not None and entry.indicator.aggregation == Indicator.Aggregation.RATIO:
        denominator = changes.get("denominator", entry.denominator)
        return f"{format_number(numerator)}/{format_number(denominator)} = {format_number(value, 2)}"
    return format_number(value)


def _flatten(errors: dict) -> list[str]:
    messages: list[str] = []
    for value in errors.values():
        messages += _flatten(value) if isinstance(value, dict) else list(value)
    return messages


def values_import(*, plan: Plan, period: ReportingPeriod, rows: list[ValueRow], user, source_reference: str = "",
                  dry_run: bool = False) -> ImportOutcome:
    """Check every row, then (unless `dry_run` or any row failed) write all values in one transaction.

    Each row names an agency and an indicator of `plan`; its value lands in that agency's report of
    `period` through `report_save(on_behalf=True)`, so validation, history and the recompute trigger
    are those of the agency's own form. `source_reference` ("Công văn số …") is recorded on every report
    written. All or nothing; idempotent (values already stored are "unchanged" and not written).

    Three phases: `_match_rows` (who and what each row is about), `_check_values` (the agency form's
    validation, report by report) and `_write` (all or nothing).
    """
    if not plan.is_reviewable_by(user):
        raise ReportNotAllowed(_("Chỉ cán bộ Sở KH&CN của tỉnh có kế hoạch này mới được nhập số liệu thay cơ quan."))
    if period.plan_id != plan.pk:
        raise ReportError(_("Kỳ báo cáo %(period)s không thuộc kế hoạch “%(plan)s”.")
                          % {"period": period.code, "plan": plan.title})
    source_reference = (source_reference or "").strip()
    outcome = ImportOutcome(dry_run=dry_run, rows=[RowResult(row=row) for row in rows])
    if not rows:
        outcome.errors.append(_("Tệp không có giá trị nào để nhập."))
        return outcome
    if len(source_reference) > 255:
        outcome.errors.append(_("Văn bản nguồn tối đa 255 ký tự."))

    reports = {report.agency_id: report for report in
               AgencyReport.objects.filter(period=period).select_related("agency", "plan", "period")}
    by_report = _match_rows(outcome, plan=plan, period=period, reports=reports)
    report_by_id = {report.pk: report for report in reports.values()}
    changed_items = _check_values(outcome, by_report=by_report, report_by_id=report_by_id)
    for result in outcome.rows:
        if result.errors:
            result.status = RowStatus.ERROR
    if outcome.ok and not dry_run:
        _write(outcome, changed_items=changed_items, report_by_id=report_by_id, user=user,
               source_reference=source_reference)
    return outcome


Matched = dict[int, list[tuple[RowResult, IndicatorEntry, dict]]]  # report id → (row, its entry, its item)


def _match_rows(outcome: ImportOutcome, *, plan: Plan, period: ReportingPeriod,
                reports: dict[int, AgencyReport]) -> Matched:
    """Phase 1: the agency, the indicator and the report entry of each row; the validation's item for it."""
    agencies = AgencyDirectory(plan.province)
    indicators = IndicatorDirectory(plan)
    entries = {(entry.report_id, entry.indicator_id): entry for entry in
               IndicatorEntry.objects.filter(report__period=period).select_related("indicator")}
    by_report: Matched = defaultdict(list)
    seen: dict[tuple[int, int], ValueRow] = {}
    for result in outcome.rows:
        row = result.row
        agency = agencies.match(row.agency) if row.agency else None
        if agency is None:
            if not row.agency:
                result.errors.append(_("Thiếu tên cơ quan."))
            else:
                closest = agencies.closest(row.agency)
                result.errors.append(_("Không tìm thấy cơ quan “%(name)s”.") % {"name": row.agency}
                                     + (" " + _("Có phải: %(names)s?") % {"names": "; ".join(closest)} if closest else ""))
        indicator = indicators.match(row.indicator) if row.indicator else None
        if indicator is None:
            if not row.indicator:
                result.errors.append(_("Thiếu mã hoặc tên chỉ tiêu."))
            else:
                closest = indicators.closest(row.indicator)
                result.errors.append(_("Không tìm thấy chỉ tiêu “%(name)s” trong kế hoạch.") % {"name": row.indicator}
                                     + (" " + _("Có phải: %(names)s?") % {"names": "; ".join(closest)} if closest else ""))
        if agency is None or indicator is None:
            continue
        result.agency_name, result.indicator_code = agency.name, indicator.code
        report = reports.get(agency.pk)
        entry = entries.get((report.pk, indicator.pk)) if report is not None else None
        if entry is None:
            result.errors.append(_("%(agency)s không được giao báo cáo chỉ tiêu %(code)s trong kỳ %(period)s.")
                                 % {"agency": agency.name, "code": indicator.code, "period": period.label})
            continue
        if (report.pk, indicator.pk) in seen:
            result.errors.append(_("Trùng với %(where)s (cùng cơ quan và chỉ tiêu).")
                                 % {"where": seen[(report.pk, indicator.pk)].where})
            continue
        seen[(report.pk, indicator.pk)] = row
        if not (row.value or row.numerator or row.denominator):
            result.errors.append(_("Chưa có giá trị."))
            continue
        item, problem = _entry_item(indicator, row)
        if problem:
            result.errors.append(problem)
            continue
        by_report[report.pk].append((result, entry, item))
    return by_report


def _check_values(outcome: ImportOutcome, *, by_report: Matched,
                  report_by_id: dict[int, AgencyReport]) -> dict[int, list[dict]]:
    """Phase 2: the values, by the same validation as the agency's form, report by report. Returns the
    items that change something, by report id (unchanged values are not written)."""
    changed_items: dict[int, list[dict]] = defaultdict(list)
    for report_id, items in by_report.items():
        report = report_by_id[report_id]
        cleaned, errors = validate_report_data(report, {"indicator_entries": [item for _r, _e, item in items]})
        entry_errors = errors.get("indicator_entries", {})
        for result, entry, item in items:
            messages = _flatten(entry_errors.get(entry.indicator.code, {}))
            if messages:
                result.errors += messages
                continue
            changes = cleaned["indicator_entries"].get(entry.pk, {})
            result.shown_value = _entry_shown(changes, entry)
            if all(getattr(entry, name) == value for name, value in changes.items()):
                result.status = RowStatus.UNCHANGED
                continue
            if not report.is_editable:
                result.errors.append(_("Báo cáo của %(agency)s đang ở trạng thái “%(status)s”: cần trả lại hoặc mở lại "
                                       "báo cáo trước khi nhập số liệu mới.")
                                     % {"agency": report.agency.name, "status": report.get_status_display()})
                continue
            result.status = RowStatus.NEW if not entry.is_filled else RowStatus.CHANGED
            changed_items[report_id].append(item)
        for message in _flatten({key: value for key, value in errors.items() if key != "indicator_entries"}):
            outcome.errors.append(message)
    return changed_items


def _write(outcome: ImportOutcome, *, changed_items: dict[int, list[dict]], report_by_id: dict[int, AgencyReport],
           user, source_reference: str) -> None:
    """Phase 3: every changed report through `report_save(on_behalf=True)`, all in one transaction."""
    try:
        with transaction.atomic():
            for report_id, items in changed_items.items():
                report = report_by_id[report_id]
                data: dict = {"indicator_entries": items}
                if source_reference:
                    data["source_reference"] = source_reference
                report_save(report=report, user=user, data=data, version=report.version, on_behalf=True)
                outcome.reports_written += 1
    except ReportError as error:
        outcome.reports_written = 0
        outcome.errors.append(" ".join([error.message, *_flatten(error.details)]))
