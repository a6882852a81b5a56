"""The Excel round trip for agencies on poor connections: download a report as .xlsx, fill it offline,
upload it, preview what would change, confirm (saved as a draft through `report_save`).

The workbook has three visible sheets (Chỉ tiêu, Nhiệm vụ, Thuyết minh) and one hidden sheet naming
the report. Column A of each visible sheet holds the entry's id: hidden and locked, like every cell
but the ones to fill (sheet protection without a password: it prevents slips, not people). Reading
turns the sheets into the API's data shape, so the upload is checked by the same
`reports.validation.validate_report_data` as the form and the API.
"""

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from agencies.errors import UserError
from agencies.text import fold
from indicators.numbers import format_number, format_value
from reports.forms import NARRATIVE_LABELS, indicator_input_kind
from reports.models import AgencyReport, IndicatorEntry, TaskEntry
from reports.validation import validate_report_data

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
META_SHEET = "_baocao"
INDICATOR_SHEET = "Chỉ tiêu"
TASK_SHEET = "Nhiệm vụ"
NARRATIVE_SHEET = "Thuyết minh"
HEADER_ROW = 4  # rows 1–3: what the report is and how to fill it
FIRST_DATA_ROW = HEADER_ROW + 1

# (key, header, width, editable for kinds) — key is the validation's field name.
INDICATOR_COLUMNS = [
    ("id", "id", 6, ()),
    ("code", gettext_lazy("Mã"), 8, ()),
    ("name", gettext_lazy("Chỉ tiêu"), 50, ()),
    ("unit", gettext_lazy("ĐVT"), 10, ()),
    ("target", gettext_lazy("Mục tiêu năm"), 16, ()),
    ("previous", gettext_lazy("Kỳ trước"), 14, ()),
    ("how", gettext_lazy("Cách nhập"), 22, ()),
    ("value", gettext_lazy("Giá trị"), 14, ("value",)),
    ("numerator", gettext_lazy("Tử số"), 14, ("ratio",)),
    ("denominator", gettext_lazy("Mẫu số"), 14, ("ratio",)),
    ("milestone_state", gettext_lazy("Tình trạng"), 18, ("milestone",)),
    ("note", gettext_lazy("Ghi chú, giải trình"), 40, ("value", "ratio", "milestone")),
    ("source", gettext_lazy("Nguồn số liệu"), 24, ("value", "ratio", "milestone")),
    ("as_of", gettext_lazy("Số liệu tính đến ngày"), 14, ("value", "ratio", "milestone")),
]
TASK_COLUMNS = [
    ("id", "id", 6, True),
    ("code", gettext_lazy("Mã"), 8, False),
    ("content", gettext_lazy("Nhiệm vụ"), 50, False),
    ("deadline", gettext_lazy("Thời gian thực hiện"), 16, False),
    ("status", gettext_lazy("Tình trạng"), 20, True),
    ("progress", gettext_lazy("Tiến độ (%)"), 12, True),
    ("done", gettext_lazy("Kết quả thực hiện trong kỳ"), 45, True),
    ("next", gettext_lazy("Nhiệm vụ kỳ tới"), 40, True),
]
HOW_TO_ENTER = {
    "value": gettext_lazy("Nhập giá trị"),
    "ratio": gettext_lazy("Nhập tử số và mẫu số"),
    "milestone": gettext_lazy("Chọn tình trạng"),
}
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
INPUT_FILL = PatternFill("solid", fgColor="FFF9DB")
UNLOCKED = Protection(locked=False)


class WorkbookError(UserError):
    """The file cannot be read as this report's workbook."""


@dataclass
class Upload:
    data: dict
    rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (entries key, code) → sheet row
    errors: list[str] = field(default_factory=list)  # problems of the file itself, before validation


@dataclass
class Preview:
    changes: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    data: dict = field(default_factory=dict)  # what confirming saves: only the cells that change

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)


def workbook_filename(report: AgencyReport) -> str:
    agency = fold(report.agency.short_name or report.agency.name).replace(" ", "-")
    safe = "".join(ch for ch in agency if ch.isalnum() or ch == "-")[:40] or "don-vi"
    return f"bao-cao-{report.period.code}-{safe}.xlsx"


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _header(sheet, columns, title: str, report: AgencyReport, hint: str) -> None:
    sheet["B1"] = title
    sheet["B1"].font = Font(bold=True, size=13)
    sheet["B2"] = _("%(agency)s · %(period)s · Hạn nộp: trước ngày %(due)s · Số liệu từ %(start)s đến %(end)s") % {
        "agency": report.agency.name, "period": report.period.label,
        "due": report.period.due_on.strftime("%d/%m/%Y"),
        "start": report.period.data_from.strftime("%d/%m/%Y"), "end": report.period.data_to.strftime("%d/%m/%Y")}
    sheet["B3"] = hint
    sheet["B3"].font = Font(italic=True, color="5B6775")
    for index, (_key, header, width, *_rest) in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=str(header))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.column_dimensions["A"].hidden = True
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=3)
    sheet.protection.sheet = True
    # Protected sheets still let people resize and filter: they only must not touch ids and headings.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False


def _cell_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    return value


def _quoted_list(labels: list[str]) -> str:
    """An Excel list validation's inline source: "a,b,c" (labels must not contain commas)."""
    return '"' + ",".join(labels) + '"'


def _entry_values(entry: IndicatorEntry, previous: IndicatorEntry | None, prefill: bool) -> IndicatorEntry:
    """The entry, or (when it is still empty) the previous period's figures, as the form prefills."""
    if prefill and not entry.is_filled and previous is not None and previous.is_filled:
        return previous
    return entry


def report_workbook(report: AgencyReport, page: dict, *, prefill: bool = True) -> io.BytesIO:
    """The report as an .xlsx (in memory), with the entries' current values (or last period's)."""
    workbook = Workbook()
    milestone_labels = [str(label) for label in IndicatorEntry.MilestoneState.labels]
    task_labels = [str(label) for label in TaskEntry.Status.labels]

    sheet = workbook.active
    sheet.title = INDICATOR_SHEET
    _header(sheet, INDICATOR_COLUMNS, _("BÁO CÁO SỐ LIỆU CHỈ TIÊU"), report,
            _("Chỉ điền các ô màu vàng. Số viết như 95,5 hoặc 16.861; ngày viết như 31/03/2026."))
    milestone_list = DataValidation(type="list", formula1=_quoted_list(milestone_labels), allow_blank=True,
                                    showErrorMessage=True, errorTitle=_("Tình trạng"),
                                    error=_("Chọn một tình trạng trong danh sách."))
    sheet.add_data_validation(milestone_list)
    previous_entries = page["previous"]["indicators"]
    for offset, entry in enumerate(page["indicator_entries"]):
        row = FIRST_DATA_ROW + offset
        indicator, kind = entry.indicator, indicator_input_kind(entry.indicator)
        previous = previous_entries.get(entry.indicator_id)
        source = _entry_values(entry, previous, prefill)
        previous_text = ""
        if previous is not None:
            previous_text = (previous.get_milestone_state_display() if kind == "milestone"
                             else format_number(previous.value))
        values = {
            "id": entry.pk, "code": indicator.code, "name": indicator.name, "unit": indicator.unit,
            "target": page["targets"].get(entry.indicator_id, ""), "previous": previous_text,
            "how": str(HOW_TO_ENTER[kind]),
            "value": _cell_value(source.value) if kind == "value" else None,
            "numerator": _cell_value(source.numerator) if kind == "ratio" else None,
            "denominator": _cell_value(source.denominator) if kind == "ratio" else None,
            "milestone_state": (source.get_milestone_state_display() if kind == "milestone" and source.milestone_state
                                else None),
            "note": entry.note, "source": source.source, "as_of": entry.as_of,
        }
        for index, (key, _header_text, _width, editable_for) in enumerate(INDICATOR_COLUMNS, start=1):
            cell = sheet.cell(row=row, column=index, value=values[key] if values[key] != "" else None)
            cell.alignment = Alignment(wrap_text=key in ("name", "note"), vertical="top")
            if kind in editable_for:
                cell.protection = UNLOCKED
                cell.fill = INPUT_FILL
            if key == "as_of":
                cell.number_format = "DD/MM/YYYY"
            if key in ("value", "numerator", "denominator"):
                cell.number_format = "#,##0.######"
        if kind == "milestone":
            milestone_list.add(sheet.cell(row=row, column=_column_index(INDICATOR_COLUMNS, "milestone_state")))

    tasks = workbook.create_sheet(TASK_SHEET)
    _header(tasks, TASK_COLUMNS, _("BÁO CÁO TIẾN ĐỘ NHIỆM VỤ"), report,
            _("Chỉ điền các ô màu vàng. Tình trạng chọn trong danh sách; tiến độ là số từ 0 đến 100."))
    status_list = DataValidation(type="list", formula1=_quoted_list(task_labels), allow_blank=True,
                                 showErrorMessage=True, errorTitle=_("Tình trạng"),
                                 error=_("Chọn một tình trạng trong danh sách."))
    progress_rule = DataValidation(type="whole", operator="between", formula1="0", formula2="100",
                                   allow_blank=True, showErrorMessage=True, errorTitle=_("Tiến độ"),
                                   error=_("Tiến độ là số nguyên từ 0 đến 100."))
    tasks.add_data_validation(status_list)
    tasks.add_data_validation(progress_rule)
    previous_tasks = page["previous"]["tasks"]
    for offset, entry in enumerate(page["task_entries"]):
        row = FIRST_DATA_ROW + offset
        previous = previous_tasks.get(entry.task_id)
        source = entry
        if prefill and not entry.is_filled and previous is not None and previous.is_filled:
            source = previous
        values = {
            "id": entry.pk, "code": entry.task.code, "content": entry.task.content,
            "deadline": entry.task.deadline_text,
            "status": source.get_status_display() if source.status else None,
            "progress": source.progress, "done": entry.done, "next": entry.next_steps,
        }
        for index, (key, _header_text, _width, editable) in enumerate(TASK_COLUMNS, start=1):
            cell = tasks.cell(row=row, column=index, value=values[key] if values[key] != "" else None)
            cell.alignment = Alignment(wrap_text=key in ("content", "done", "next"), vertical="top")
            if editable and key != "id":
                cell.protection = UNLOCKED
                cell.fill = INPUT_FILL
        status_list.add(tasks.cell(row=row, column=_column_index(TASK_COLUMNS, "status")))
        progress_rule.add(tasks.cell(row=row, column=_column_index(TASK_COLUMNS, "progress")))

    narrative = workbook.create_sheet(NARRATIVE_SHEET)
    narrative_columns = [("id", "id", 6), ("part", _("Phần"), 26), ("text", _("Nội dung"), 100)]
    _header(narrative, narrative_columns, _("THUYẾT MINH BÁO CÁO"), report,
            _("Viết nội dung vào cột Nội dung (ô màu vàng)."))
    for offset, name in enumerate(AgencyReport.NARRATIVE_FIELDS):
        row = FIRST_DATA_ROW + offset
        narrative.cell(row=row, column=1, value=name)
        narrative.cell(row=row, column=2, value=str(NARRATIVE_LABELS[name])).font = Font(bold=True)
        cell = narrative.cell(row=row, column=3, value=getattr(report, name) or None)
        cell.protection = UNLOCKED
        cell.fill = INPUT_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        narrative.row_dimensions[row].height = 90

    meta = workbook.create_sheet(META_SHEET)
    meta["A1"], meta["B1"] = "report", report.pk
    meta["A2"], meta["B2"] = "version", report.version
    meta["A3"], meta["B3"] = "period", report.period.code
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True

    content = io.BytesIO()
    workbook.save(content)
    content.seek(0)
    return content


def _column_index(columns, key: str) -> int:
    return next(index for index, column in enumerate(columns, start=1) if column[0] == key)


# ---------------------------------------------------------------- reading an upload


def _text(value: Any) -> Any:
    """A cell as the validation takes it: numbers and dates as they are, text stripped, empty as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _choice(value: Any, choices) -> str:
    """A list cell back to its stored value; unknown text is passed on for the validation to refuse."""
    text = _text(value)
    if text == "":
        return ""
    folded = fold(str(text)).lower()
    for stored, label in choices:
        if folded in (fold(str(label)).lower(), stored):
            return stored
    return str(text)


def _rows(sheet, width: int):
    for row_number, row in enumerate(sheet.iter_rows(min_row=FIRST_DATA_ROW, max_col=width, values_only=True),
                                     start=FIRST_DATA_ROW):
        if row and any(value not in (None, "") for value in row):
            yield row_number, row


def read_workbook(report: AgencyReport, uploaded_file) -> Upload:
    """Turn an uploaded workbook into the API's data shape; nothing is checked against the rules here."""
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise WorkbookError(_("Tệp Excel lớn hơn 10 MB; đây không phải tệp báo cáo đã tải xuống."))
    try:
        workbook = load_workbook(uploaded_file, data_only=True, read_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise WorkbookError(_("Không đọc được tệp: hãy tải lên đúng tệp .xlsx đã tải xuống từ hệ thống.")) from exc
    if META_SHEET not in workbook.sheetnames or INDICATOR_SHEET not in workbook.sheetnames:
        raise WorkbookError(_("Tệp này không phải mẫu báo cáo của hệ thống (thiếu trang tính “%(sheet)s”). "
                              "Hãy tải mẫu xuống từ trang báo cáo.") % {"sheet": INDICATOR_SHEET})
    meta = {row[0]: row[1] for row in workbook[META_SHEET].iter_rows(max_col=2, values_only=True) if row[0]}
    if str(meta.get("report")) != str(report.pk):
        raise WorkbookError(_("Tệp này là của một báo cáo khác (%(period)s). Hãy tải lên tệp của báo cáo này.")
                            % {"period": meta.get("period") or "?"})

    indicator_entries = {entry.pk: entry for entry in report.indicator_entries.select_related("indicator")}
    task_entries = {entry.pk: entry for entry in report.task_entries.select_related("task")}
    upload = Upload(data={"indicator_entries": [], "task_entries": [], "narrative": {}})
    keys = [column[0] for column in INDICATOR_COLUMNS]
    for row_number, row in _rows(workbook[INDICATOR_SHEET], len(keys)):
        cells = dict(zip(keys, row, strict=False))
        entry = indicator_entries.get(_as_int(cells["id"]))
        if entry is None:
            upload.errors.append(_("Trang “%(sheet)s”, dòng %(row)s: không nhận ra chỉ tiêu (cột id bị sửa hoặc "
                                   "dòng được thêm vào).") % {"sheet": INDICATOR_SHEET, "row": row_number})
            continue
        kind = indicator_input_kind(entry.indicator)
        item = {"indicator": entry.indicator.code}
        for key, _header_text, _width, editable_for in INDICATOR_COLUMNS:
            if kind in editable_for:
                item[key] = (_choice(cells[key], IndicatorEntry.MilestoneState.choices) if key == "milestone_state"
                             else _text(cells[key]))
        upload.data["indicator_entries"].append(item)
        upload.rows[("indicator_entries", entry.indicator.code)] = row_number

    if TASK_SHEET in workbook.sheetnames:
        keys = [column[0] for column in TASK_COLUMNS]
        for row_number, row in _rows(workbook[TASK_SHEET], len(keys)):
            cells = dict(zip(keys, row, strict=False))
            entry = task_entries.get(_as_int(cells["id"]))
            if entry is None:
                upload.errors.append(_("Trang “%(sheet)s”, dòng %(row)s: không nhận ra nhiệm vụ (cột id bị sửa hoặc "
                                       "dòng được thêm vào).") % {"sheet": TASK_SHEET, "row": row_number})
                continue
            upload.data["task_entries"].append({
                "task": entry.task.code, "status": _choice(cells["status"], TaskEntry.Status.choices),
                "progress": _text(cells["progress"]), "done": _text(cells["done"]), "next": _text(cells["next"]),
            })
            upload.rows[("task_entries", entry.task.code)] = row_number

    if NARRATIVE_SHEET in workbook.sheetnames:
        for _row_number, row in _rows(workbook[NARRATIVE_SHEET], 3):
            if row[0] in AgencyReport.NARRATIVE_FIELDS:
                upload.data["narrative"][row[0]] = _text(row[2])
    # Dates and numbers must survive the session (JSON) between the preview and the confirmation.
    upload.data = _jsonable(upload.data)
    return upload


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float | Decimal):
        return format_number(Decimal(str(value)))
    return value


# ---------------------------------------------------------------- the preview


_CHOICES = {"milestone_state": dict(IndicatorEntry.MilestoneState.choices), "status": dict(TaskEntry.Status.choices)}


def _shown(value: Any, field_name: str = "") -> str:
    return format_value(value, empty="—", choices=_CHOICES.get(field_name))


def _same(old: Any, new: Any) -> bool:
    """Stored and uploaded values are the same change-wise: "" and None are both "empty"."""
    empty = (None, "")
    if old in empty or new in empty:
        return old in empty and new in empty
    return old == new


def preview(report: AgencyReport, upload: Upload) -> Preview:
    """What saving the upload would change, and every problem found, row by row."""
    result = Preview()
    for message in upload.errors:
        result.errors.append({"where": "", "item": "", "field": "", "messages": [message]})
    cleaned, errors = validate_report_data(report, upload.data)

    labels = {"indicator_entries": {key: header for key, header, *_rest in INDICATOR_COLUMNS},
              "task_entries": {key: header for key, header, *_rest in TASK_COLUMNS}}
    labels["task_entries"]["next_steps"] = labels["task_entries"]["next"]
    sheets = {"indicator_entries": INDICATOR_SHEET, "task_entries": TASK_SHEET}
    for key in ("indicator_entries", "task_entries"):
        for code, fields in (errors.get(key) or {}).items():
            if not isinstance(fields, dict):
                result.errors.append({"where": sheets[key], "item": "", "field": "", "messages": list(fields)})
                continue
            row = upload.rows.get((key, code))
            for field_name, messages in fields.items():
                result.errors.append({
                    "where": _("Trang “%(sheet)s”, dòng %(row)s") % {"sheet": sheets[key], "row": row or "?"},
                    "item": code, "field": labels[key].get(field_name, field_name), "messages": list(messages)})
    for field_name, messages in (errors.get("narrative") or {}).items():
        result.errors.append({"where": NARRATIVE_SHEET, "item": "",
                              "field": NARRATIVE_LABELS.get(field_name, field_name), "messages": list(messages)})
    for message in errors.get("non_field_errors") or []:
        result.errors.append({"where": "", "item": "", "field": "", "messages": [message]})
    if result.errors:
        return result

    entries = {("indicator_entries", entry.pk): entry
               for entry in report.indicator_entries.select_related("indicator")}
    entries.update({("task_entries", entry.pk): entry for entry in report.task_entries.select_related("task")})
    changed_fields: set[tuple[str, str, str]] = set()
    for key in ("indicator_entries", "task_entries"):
        for entry_pk, changes in cleaned[key].items():
            entry = entries[(key, entry_pk)]
            item = entry.indicator if key == "indicator_entries" else entry.task
            for field_name, new in changes.items():
                old = getattr(entry, field_name)
                if not _same(old, new):
                    changed_fields.add((key, item.code, field_name))
                    result.changes.append({
                        "item": item.code, "field": labels[key].get(field_name, field_name),
                        "old": _shown(old, field_name), "new": _shown(new, field_name)})
    for field_name, new in cleaned["report"].items():
        if not _same(getattr(report, field_name), new):
            result.changes.append({"item": "", "field": NARRATIVE_LABELS.get(field_name, field_name),
                                   "old": _shown(getattr(report, field_name)), "new": _shown(new)})
    result.data = _only_changed(upload.data, changed_fields)
    return result


def _only_changed(data: dict, changed_fields: set[tuple[str, str, str]]) -> dict:
    """The upload without the cells that repeat what is stored, so saving it does not write a history row
    for every untouched entry. A ratio's numerator and denominator travel together (the value is theirs)."""
    model_field = {"next": "next_steps"}
    kept: dict = {"narrative": data.get("narrative", {})}
    for key, code_key in (("indicator_entries", "indicator"), ("task_entries", "task")):
        kept[key] = []
        for item in data.get(key, []):
            code = item[code_key]
            fields = {name for name in item if name != code_key
                      and (key, code, model_field.get(name, name)) in changed_fields}
            if (key, code, "value") in changed_fields and {"numerator", "denominator"} & set(item):
                fields |= {"numerator", "denominator"}
            if fields:
                kept[key].append({code_key: code, **{name: item[name] for name in fields}})
    return kept
