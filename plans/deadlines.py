"""Task deadlines as officials write them ("Quý IV/2026", "2026 - 2030", "Thường xuyên") → kind and dates.

`parse_deadline` never raises: text it cannot read gives kind `none` with the text kept, so an import
never fails on a deadline (the importer may warn). Rules (DESIGN.md, Deadlines):
- month "Tháng 03/2026": start the 1st, due the month's last day;
- quarter "Quý IV/2026", "Quý 4/2026", "Quý I năm 2026": due the quarter's last day;
- half year "6 tháng đầu năm 2026" / "6 tháng cuối năm 2026": kind `date`, due 30/06 or 31/12;
- year "Năm 2026", "2026": 01/01 … 31/12; year_range "2026 - 2030", "Giai đoạn 2026 - 2027": 01/01 of
  the first year … 31/12 of the last;
- date "30/06/2026", "Trước 30/6/2026", "Trước ngày 15/4/2026": due that day (no start);
- month also "6/2025", "06/2025", "T6/2025", "tháng 6 năm 2025";
- ongoing "Thường xuyên", "Liên tục"; recurring "Hằng năm", "Hàng quý", "Hằng tháng", "Định kỳ";
- ongoing from a year "2025 và những năm tiếp theo", "Từ năm 2025 trở đi": start 01/01 of that year, no due date;
- an Excel date left as its serial number ("45838"): that day.
A month, quarter or date without a year takes `default_year` (the plan's year), if given.
"""

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from plans.models import Task

Kind = Task.DeadlineKind


@dataclass(frozen=True)
class ParsedDeadline:
    kind: str
    start: date | None
    due: date | None
    text: str


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"((?:19|20|21)\d{2})"
_SEP = r"\s*(?:/|-|\.|\s+nam\s+|,?\s*nam\s+|\s+)\s*"

_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})\s*[/.-]\s*(\d{{1,2}})(?:\s*[/.-]\s*{_YEAR})?(?![\d/])")
_MONTH = re.compile(rf"\bthang\s+(\d{{1,2}})(?:{_SEP}{_YEAR})?(?![\d/])")
_QUARTER = re.compile(rf"\bquy\s+(iv|iii|ii|i|[1-4])\b(?:{_SEP}{_YEAR})?(?!\d)")
_HALF = re.compile(rf"\b6\s+thang\s+(dau|cuoi)(?:\s+nam)?(?:\s+{_YEAR})?")
_YEAR_RANGE = re.compile(rf"(?<!\d){_YEAR}\s*(?:-|–|—|den|toi)\s*(?:nam\s+)?{_YEAR}(?!\d)")
_SINGLE_YEAR = re.compile(rf"(?<![\d/]){_YEAR}(?![\d/])")
_MONTH_YEAR = re.compile(rf"(?<![\d/.])(?<!quy )(?:\bt|thang\s*)?(\d{{1,2}})\s*[/.-]\s*{_YEAR}(?![\d/])")
_ONWARD = re.compile(rf"{_YEAR}\s*(?:va|,)?\s*(?:nhung|cac)\s+nam\s+(?:tiep theo|sau|ke tiep)"
                     rf"|\btu\s+(?:nam\s+)?{_YEAR}\s*(?:tro di|tro ve sau)")
_EXCEL_SERIAL = re.compile(r"^(\d{5})(?:[.,]0+)?$")
_ONGOING = re.compile(r"\b(?:thuong xuyen|lien tuc|hang ngay|hang tuan)\b")
_RECURRING = re.compile(r"\b(?:hang|moi)\s+(?:nam|quy|thang)\b|\bdinh ky\b")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D").lower()
    return re.sub(r"\s+", " ", stripped).strip()


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_ok(year: int | None) -> bool:
    return year is not None and 1900 <= year <= 2199


def parse_deadline(text: str | None, *, default_year: int | None = None) -> ParsedDeadline:
    original = re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text or ""))).strip()
    folded = _fold(original)
    if not folded:
        return ParsedDeadline(str(Kind.NONE), None, None, original)
    try:
        parsed = _parse(folded, default_year)
    except ValueError:  # 31/02/2026, a month 13: not a date
        parsed = None
    if parsed is None:
        return ParsedDeadline(str(Kind.NONE), None, None, original)
    kind, start, due = parsed
    return ParsedDeadline(str(kind), start, due, original)


def _parse(folded: str, default_year: int | None) -> tuple[str, date | None, date | None] | None:
    if serial := _EXCEL_SERIAL.match(folded):
        day = date(1899, 12, 30) + timedelta(days=int(serial[1]))
        if 1950 <= day.year <= 2150:
            return Kind.DATE, None, day
    if onward := _ONWARD.search(folded):
        year = int(onward[1] or onward[2])
        if _year_ok(year):
            return Kind.ONGOING, date(year, 1, 1), None
    if _ONGOING.search(folded):
        return Kind.ONGOING, None, None
    if _RECURRING.search(folded):
        return Kind.RECURRING, None, None

    match = _DATE.search(folded)
    if match:
        day, month = int(match[1]), int(match[2])
        year = int(match[3]) if match[3] else default_year
        if _year_ok(year) and 1 <= month <= 12:
            return Kind.DATE, None, date(year, month, day)

    match = _MONTH_YEAR.search(folded)
    if match and not _YEAR_RANGE.search(folded):
        month, year = int(match[1]), int(match[2])
        if _year_ok(year) and 1 <= month <= 12:
            return Kind.MONTH, date(year, month, 1), _last_day(year, month)

    match = _HALF.search(folded)
    if match:
        year = int(match[2]) if match[2] else default_year
        if _year_ok(year):
            if match[1] == "dau":
                return Kind.DATE, date(year, 1, 1), date(year, 6, 30)
            return Kind.DATE, date(year, 7, 1), date(year, 12, 31)

    match = _MONTH.search(folded)
    if match:
        month = int(match[1])
        year = int(match[2]) if match[2] else default_year
        if _year_ok(year) and 1 <= month <= 12:
            return Kind.MONTH, date(year, month, 1), _last_day(year, month)

    match = _QUARTER.search(folded)
    if match:
        token = match[1]
        quarter = int(token) if token.isdigit() else _ROMAN[token]
        year = int(match[2]) if match[2] else default_year
        if _year_ok(year):
            return Kind.QUARTER, date(year, 3 * quarter - 2, 1), _last_day(year, 3 * quarter)

    match = _YEAR_RANGE.search(folded)
    if match:
        first, last = int(match[1]), int(match[2])
        if _year_ok(first) and _year_ok(last) and first <= last:
            return Kind.YEAR_RANGE, date(first, 1, 1), date(last, 12, 31)
        return None

    years = {int(y) for y in _SINGLE_YEAR.findall(folded)}
    if len(years) == 1:
        year = years.pop()
        if _year_ok(year):
            return Kind.YEAR, date(year, 1, 1), date(year, 12, 31)
    return None
