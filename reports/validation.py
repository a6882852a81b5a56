"""One validation for every way a report's data arrives: the form, the API, the Excel upload, the admin.

The data shape is the API's (any part of it may be given; what is absent stays as it is):

    {
        "indicator_entries": [{"indicator": "I.1", "value": "95,5", "numerator": …, "denominator": …,
                               "milestone_state": "completed", "note": …, "source": …, "as_of": "31/03/2026"}],
        "task_entries": [{"task": "II.3", "status": "in_progress", "progress": 40, "done": …, "next": …}],
        "narrative": {"achievements": …, "shortcomings": …, "difficulties": …, "proposals": …},
        "source_reference": "Công văn số 123/STTTT-BCVT ngày 05/10/2026",
    }

`validate_report_data(report, data)` returns `(cleaned, errors)`. `cleaned` holds model field values:
`{"report": {field: value}, "indicator_entries": {entry_id: {field: value}}, "task_entries": {…}}`.
`errors` mirrors the input so a form or an API client can put each message beside its field:
`{"indicator_entries": {"I.1": {"value": ["…"]}}, "task_entries": {"II.3": {"progress": ["…"]}},
"narrative": {"achievements": ["…"]}, "source_reference": ["…"], "non_field_errors": ["…"]}`.
Numbers may be JSON numbers or Vietnamese text ("95,5" is 95.5, "16.861" is 16861).
"""

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from indicators.models import Indicator
from indicators.numbers import format_number, parse_number
from reports.models import AgencyReport, IndicatorEntry, TaskEntry

# A value this far from the agency's previous one must be explained in the note: for percentages an
# absolute change of more than 20 points, for other numbers a relative change of more than 50%.
FAR_PERCENT_POINTS = Decimal(20)
FAR_RELATIVE_CHANGE = Decimal("0.5")
VALUE_QUANTUM = Decimal("0.000001")  # the six decimal places the value columns keep
VALUE_LIMIT = Decimal(10) ** 18  # 24 digits, 6 of them decimals
TEXT_LIMIT = 20_000

INDICATOR_TEXT_FIELDS = {"note": TEXT_LIMIT, "source": 255}
# What the checks read of a stored entry and its item (not the item's long texts, ~100 times a save).
INDICATOR_ENTRY_READ = ("report", "indicator__code", "indicator__value_type", "indicator__aggregation", "value",
                        "numerator", "denominator", "milestone_state", "note")
TASK_ENTRY_READ = ("report", "task__code", "status", "progress")
TASK_TEXT_FIELDS = {"done": "done", "next": "next_steps", "next_steps": "next_steps"}


class _Errors(dict):
    def add(self, path: tuple[str, ...], message: str) -> None:
        node = self
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node.setdefault(path[-1], []).append(message)


def _number(raw: Any) -> Decimal | None:
    """A JSON number or Vietnamese text as a Decimal; None when empty. Raises ValueError when unreadable."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int | Decimal):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(str(raw))
    elif isinstance(raw, str):
        value = parse_number(raw)
        if value is None:
            raise ValueError
    else:
        raise ValueError
    if not value.is_finite() or abs(value) >= VALUE_LIMIT:
        raise ValueError
    try:
        return value.quantize(VALUE_QUANTUM).normalize() if value != value.to_integral() else value.quantize(1)
    except InvalidOperation as exc:
        raise ValueError from exc


def _date(raw: Any) -> dt.date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
            try:
                return dt.datetime.strptime(raw.strip(), fmt).date()
            except ValueError:
                continue
    raise ValueError


def _text(raw: Any, limit: int) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str | int | float | Decimal) or isinstance(raw, bool):
        raise ValueError
    text = str(raw).strip()
    if len(text) > limit:
        raise OverflowError
    return text


def _is_far(indicator: Indicator, previous: Decimal, value: Decimal) -> bool:
    if indicator.value_type == Indicator.ValueType.PERCENT:
        return abs(value - previous) > FAR_PERCENT_POINTS
    if previous == 0:
        return False
    return abs(value - previous) / abs(previous) > FAR_RELATIVE_CHANGE


def _items(data: dict, key: str, errors: _Errors) -> list[dict]:
    items = data.get(key)
    if items is None:
        return []
    if isinstance(items, dict):  # {"I.1": {...}} is accepted as well as a list
        items = [{**(value if isinstance(value, dict) else {}), "_code": code} for code, value in items.items()]
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        errors.add((key, "non_field_errors"), _("Dữ liệu phải là danh sách các mục."))
        return []
    return items


def _validate_indicator_entry(entry: IndicatorEntry, item: dict, previous_value: Callable[[], Decimal | None],
                              errors: _Errors, path: tuple[str, ...]) -> dict:
    indicator = entry.indicator
    changes: dict[str, Any] = {}
    failed = False

    for field in ("value", "numerator", "denominator"):
        if field in item:
            try:
                changes[field] = _number(item[field])
            except ValueError:
                errors.add((*path, field), _("“%(text)s” không phải là số. Ví dụ cách viết: 95,5 hoặc 16.861.")
                           % {"text": item[field]})
                failed = True
    for field, limit in INDICATOR_TEXT_FIELDS.items():
        if field in item:
            try:
                changes[field] = _text(item[field], limit)
            except ValueError:
                errors.add((*path, field), _("Phải là văn bản."))
                failed = True
            except OverflowError:
                errors.add((*path, field), _("Tối đa %(limit)s ký tự.") % {"limit": format_number(limit)})
                failed = True
    if "milestone_state" in item:
        state = item["milestone_state"] or ""
        if state and state not in IndicatorEntry.MilestoneState.values:
            errors.add((*path, "milestone_state"),
                       _("Tình trạng không hợp lệ; chọn một trong: %(choices)s.")
                       % {"choices": ", ".join(str(label) for label in IndicatorEntry.MilestoneState.labels)})
            failed = True
        else:
            changes["milestone_state"] = state
    if "as_of" in item:
        try:
            changes["as_of"] = _date(item["as_of"])
        except ValueError:
            errors.add((*path, "as_of"), _("Ngày không hợp lệ; viết theo dạng ngày/tháng/năm, ví dụ 31/03/2026."))
            failed = True
    if failed:
        return {}

    # Rules over the merged state: what is stored, overwritten by what arrives.
    merged = {field: changes.get(field, getattr(entry, field))
              for field in ("value", "numerator", "denominator", "milestone_state", "note")}
    is_milestone = indicator.value_type == Indicator.ValueType.MILESTONE
    is_ratio = indicator.aggregation == Indicator.Aggregation.RATIO

    if is_milestone:
        for field in ("value", "numerator", "denominator"):
            if changes.get(field) is not None:
                errors.add((*path, field), _("Chỉ tiêu dạng mốc, lộ trình: chọn tình trạng thực hiện, không nhập số."))
                return {}
    elif changes.get("milestone_state"):
        errors.add((*path, "milestone_state"), _("Chỉ tiêu này nhập số liệu, không chọn tình trạng."))
        return {}

    if is_ratio:
        numerator, denominator = merged["numerator"], merged["denominator"]
        if "value" in changes and changes["value"] is not None and (numerator is None or denominator is None):
            errors.add((*path, "value"), _("Chỉ tiêu tỷ lệ: nhập tử số và mẫu số, hệ thống tự tính tỷ lệ."))
            return {}
        if (numerator is None) != (denominator is None):
            missing = "denominator" if denominator is None else "numerator"
            errors.add((*path, missing), _("Nhập cả tử số và mẫu số."))
            return {}
        if denominator is not None:
            if denominator <= 0:
                errors.add((*path, "denominator"), _("Mẫu số phải lớn hơn 0."))
                return {}
            if numerator < 0:
                errors.add((*path, "numerator"), _("Tử số không được âm."))
                return {}
            if numerator > denominator:
                errors.add((*path, "numerator"),
                           _("Tử số (%(numerator)s) không được lớn hơn mẫu số (%(denominator)s).")
                           % {"numerator": format_number(numerator), "denominator": format_number(denominator)})
                return {}
            ratio = numerator / denominator
            if indicator.value_type == Indicator.ValueType.PERCENT:
                ratio *= 100
            changes["value"] = merged["value"] = _number(ratio.quantize(VALUE_QUANTUM))
        elif "numerator" in changes or "denominator" in changes:
            changes["value"] = merged["value"] = None
    else:
        for field in ("numerator", "denominator"):
            if changes.get(field) is not None:
                errors.add((*path, field), _("Chỉ tiêu này nhập một giá trị, không nhập tử số và mẫu số."))
                return {}

    value = merged["value"]
    if value is not None and not is_ratio:
        if indicator.value_type == Indicator.ValueType.PERCENT and not (0 <= value <= 100):
            errors.add((*path, "value"), _("Tỷ lệ phần trăm phải từ 0 đến 100 (đã nhập %(value)s).")
                       % {"value": format_number(value)})
            return {}
        if indicator.value_type == Indicator.ValueType.COUNT and (value < 0 or value != value.to_integral()):
            errors.add((*path, "value"), _("Số lượng phải là số nguyên không âm (đã nhập %(value)s).")
                       % {"value": format_number(value)})
            return {}
    if ("value" in changes and value is not None and not (merged["note"] or "").strip()
            and (previous := previous_value()) is not None and _is_far(indicator, previous, value)):
        field = "numerator" if is_ratio else "value"
        errors.add((*path, field),
                   _("Giá trị %(value)s chênh lệch nhiều so với kỳ trước (%(previous)s): "
                     "vui lòng giải trình trong phần ghi chú.")
                   % {"value": format_number(value), "previous": format_number(previous)})
        return {}
    return changes


def _validate_task_entry(entry: TaskEntry, item: dict, errors: _Errors, path: tuple[str, ...]) -> dict:
    changes: dict[str, Any] = {}
    failed = False
    if "status" in item:
        status = item["status"] or ""
        if status and status not in TaskEntry.Status.values:
            errors.add((*path, "status"), _("Tình trạng không hợp lệ; chọn một trong: %(choices)s.")
                       % {"choices": ", ".join(str(label) for label in TaskEntry.Status.labels)})
            failed = True
        else:
            changes["status"] = status
    if "progress" in item:
        raw = item["progress"]
        try:
            progress = _number(raw.replace("%", "") if isinstance(raw, str) else raw)
            if progress is not None and (progress != progress.to_integral() or not 0 <= progress <= 100):
                raise ValueError
            changes["progress"] = int(progress) if progress is not None else None
        except ValueError:
            errors.add((*path, "progress"), _("Tiến độ là số nguyên từ 0 đến 100 (%)."))
            failed = True
    for key, field in TASK_TEXT_FIELDS.items():
        if key in item:
            try:
                changes[field] = _text(item[key], TEXT_LIMIT)
            except ValueError:
                errors.add((*path, key), _("Phải là văn bản."))
                failed = True
            except OverflowError:
                errors.add((*path, key), _("Tối đa %(limit)s ký tự.") % {"limit": format_number(TEXT_LIMIT)})
                failed = True
    if failed:
        return {}
    status = changes.get("status", entry.status)
    progress = changes.get("progress", entry.progress)
    if status == TaskEntry.Status.COMPLETED:
        if progress is None:
            changes["progress"] = 100
        elif progress != 100:
            errors.add((*path, "progress"), _("Nhiệm vụ đã hoàn thành thì tiến độ là 100%."))
            return {}
    elif status == TaskEntry.Status.NOT_STARTED and progress:
        errors.add((*path, "progress"), _("Nhiệm vụ chưa triển khai thì tiến độ là 0%."))
        return {}
    return changes


def validate_report_data(report: AgencyReport, data: dict) -> tuple[dict, dict]:
    """Check `data` against `report` (see the module docstring); nothing is written."""
    from reports.selectors import previous_values

    errors = _Errors()
    cleaned: dict[str, dict] = {"report": {}, "indicator_entries": {}, "task_entries": {}}
    if not isinstance(data, dict):
        errors.add(("non_field_errors",), _("Dữ liệu gửi lên không đúng định dạng."))
        return cleaned, dict(errors)

    narrative = data.get("narrative") or {}
    if not isinstance(narrative, dict):
        errors.add(("narrative", "non_field_errors"), _("Phần thuyết minh không đúng định dạng."))
        narrative = {}
    for field in AgencyReport.NARRATIVE_FIELDS:
        source = narrative if field in narrative else data  # flat keys are accepted too (forms)
        if field in source:
            try:
                cleaned["report"][field] = _text(source[field], TEXT_LIMIT)
            except ValueError:
                errors.add(("narrative", field), _("Phải là văn bản."))
            except OverflowError:
                errors.add(("narrative", field), _("Tối đa %(limit)s ký tự.") % {"limit": format_number(TEXT_LIMIT)})
    if "source_reference" in data:
        try:
            cleaned["report"]["source_reference"] = _text(data["source_reference"], 255)
        except (ValueError, OverflowError):
            errors.add(("source_reference",), _("Văn bản nguồn tối đa 255 ký tự."))

    indicator_items = _items(data, "indicator_entries", errors)
    if indicator_items:
        entries = {entry.indicator.code: entry
                   for entry in report.indicator_entries.select_related("indicator").only(*INDICATOR_ENTRY_READ)}
        # The agency's previous values are read (once) only if an entry without a note needs them.
        previous = functools.cache(lambda: previous_values(report))
        for item in indicator_items:
            code = str(item.get("indicator", item.get("_code", "")))
            entry = entries.get(code)
            if entry is None:
                errors.add(("indicator_entries", code or "?", "indicator"),
                           _("Chỉ tiêu “%(code)s” không thuộc báo cáo này.") % {"code": code})
                continue
            changes = _validate_indicator_entry(
                entry, item, lambda indicator_id=entry.indicator_id: previous().get(indicator_id), errors,
                ("indicator_entries", code))
            if changes:
                cleaned["indicator_entries"].setdefault(entry.pk, {}).update(changes)

    task_items = _items(data, "task_entries", errors)
    if task_items:
        tasks = {entry.task.code: entry for entry in report.task_entries.select_related("task").only(*TASK_ENTRY_READ)}
        for item in task_items:
            code = str(item.get("task", item.get("_code", "")))
            entry = tasks.get(code)
            if entry is None:
                errors.add(("task_entries", code or "?", "task"),
                           _("Nhiệm vụ “%(code)s” không thuộc báo cáo này.") % {"code": code})
                continue
            changes = _validate_task_entry(entry, item, errors, ("task_entries", code))
            if changes:
                cleaned["task_entries"].setdefault(entry.pk, {}).update(changes)

    return cleaned, dict(errors)
