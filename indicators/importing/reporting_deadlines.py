"""The reporting calendar a plan's body states, read into the plan's reporting deadlines.

Officials write it in a sentence of the implementation section:
- "Hằng năm, báo cáo kết quả thực hiện trước ngày 15/12 về UBND tỉnh" → annual report before 15/12;
- "Định kỳ trước ngày 01/12 hàng năm … báo cáo" → the same, 01/12;
- "hàng quý (trước ngày 20 tháng cuối quý)" → quarterly report before the 20th of the quarter's last month;
- "định kỳ 6 tháng" → reports every six months (the system's periods are quarters and years: said, not read).
A dated one-off ("gửi về Sở … trước ngày 15/4/2026") carries its year and is not a yearly deadline.
"""

import re

from django.utils.translation import gettext as _

from agencies.text import fold
from indicators.importing.parsed import Issue, ParsedPlan
from indicators.importing.tables import Block

_REPORT = re.compile(r"\bbao cao\b")
_YEARLY = re.compile(r"\bhang nam\b|\bnam\s*\(?\s*truoc ngay|\bbao cao nam\b")
_ANNUAL = re.compile(r"truoc ngay (\d{1,2})\s*/\s*(\d{1,2})(?!\s*/\s*\d)")
_QUARTERLY = re.compile(r"truoc ngay (\d{1,2}) (?:cua )?thang cuoi (?:moi )?quy")
_HALF_YEAR = re.compile(r"\b(?:dinh ky|hang|hang ky)\s*(?:06|6) thang\b|\b(?:06|6) thang (?:mot lan|1 lan)\b")
# Days stop at 28 (Plan's validators): every month has the day.
_MAX_DAY = 28


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=\.)\s+", text) if s]


def read_reporting_deadlines(blocks: list[Block], plan: ParsedPlan) -> None:
    """Put the deadlines the body states into `plan.reporting_deadlines` and say so in `plan.warnings`."""
    found: dict[str, int] = {}
    lines: dict[str, int | None] = {}
    half_year_line: int | None = None
    for block in blocks:
        if not isinstance(block, str):
            continue
        for sentence in _sentences(block):
            folded = fold(sentence)
            if not _REPORT.search(folded):
                continue
            if _HALF_YEAR.search(folded) and half_year_line is None:
                half_year_line = getattr(block, "line", None) or 0
            quarterly = _QUARTERLY.search(folded)
            if quarterly and "quarterly_due_day" not in found and 1 <= int(quarterly.group(1)) <= _MAX_DAY:
                found["quarterly_due_day"] = int(quarterly.group(1))
                lines["quarterly_due_day"] = getattr(block, "line", None)
            if "annual_due_day" in found or not _YEARLY.search(folded):
                continue
            for match in _ANNUAL.finditer(folded):
                day, month = int(match.group(1)), int(match.group(2))
                if 1 <= day <= _MAX_DAY and 1 <= month <= 12:
                    found["annual_due_month"], found["annual_due_day"] = month, day
                    lines["annual_due_day"] = getattr(block, "line", None)
                    break
    plan.reporting_deadlines.update(found)
    if "annual_due_day" in found:
        plan.warnings.append(Issue(_("Hạn báo cáo năm đọc từ văn bản: trước ngày {day:02d}/{month:02d} hằng năm; ghi vào "
                                     "hạn báo cáo của kế hoạch.").format(day=found["annual_due_day"],
                                                                         month=found["annual_due_month"]),
                                   lines["annual_due_day"]))
    if "quarterly_due_day" in found:
        plan.warnings.append(Issue(_("Hạn báo cáo quý đọc từ văn bản: trước ngày {day} tháng cuối quý; ghi vào hạn báo "
                                     "cáo của kế hoạch.").format(day=found["quarterly_due_day"]),
                                   lines["quarterly_due_day"]))
    if half_year_line is not None:
        plan.warnings.append(Issue(_("Văn bản quy định báo cáo định kỳ 6 tháng: hệ thống mở kỳ báo cáo quý và năm; "
                                     "báo cáo 6 tháng là báo cáo quý II, báo cáo năm là báo cáo quý IV và năm."),
                                   half_year_line or None))
