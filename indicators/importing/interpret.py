"""From blocks (paragraphs and tables) to a ParsedPlan: metadata, appendices, items, warnings, errors.

Pure: reads no database and writes nothing, so a dry run and a real import see the same result.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from agencies.text import fold
from indicators.grammar import clean_cell, parse_baseline, parse_money, parse_target
from indicators.importing import layout as L
from indicators.importing.parsed import (
    Issue,
    ParsedAppendix,
    ParsedIndicator,
    ParsedItem,
    ParsedPlan,
    ParsedProject,
    ParsedResult,
    ParsedSection,
    ParsedTarget,
    ParsedTask,
)
from indicators.importing.tables import Block, RawTable
from indicators.numbers import ParseError, format_number
from plans.deadlines import parse_deadline

_NUMBER_LINE = re.compile(r"^số\s*:\s*(?P<number>.*)$", re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"^(?P<place>[^,\d]{2,60}),\s*ngày\s*(?P<day>\d{1,2})?\s*(?:/\s*)?tháng\s*(?P<month>\d{1,2})?\s*năm\s*(?P<year>\d{4})",
    re.IGNORECASE)
_PERIOD = re.compile(r"(\d{4})\s*[-–]\s*(\d{4})")
_SINGLE_YEAR = re.compile(r"năm\s+(\d{4})", re.IGNORECASE)
_APPENDIX = re.compile(
    r"^ph[uụ]\s*l[uụ]c(?:\s+(?:số\s*)?(?P<number>[IVXL]+|\d+)(?![\w/]))?\s*[.:\-–]?\s*(?P<title>[^a-zà-ỹđ(].*)?$",
    re.IGNORECASE)
_UNIT_LINE = re.compile(r"^đvt\s*:\s*(?P<unit>.+)$", re.IGNORECASE)
_HEADING = re.compile(r"^(?P<code>[IVXL]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s+(?P<title>.+)$")
_PERCENT_TARGET = re.compile(
    r"(?P<phrase>(?:(?:đạt|trên|tối thiểu|ít nhất|duy trì|phấn đấu|phần đấu|phân đấu|đến|tới)\s+)*"
    r"(?:≥|>|≤|<)?\s*\d+(?:,\d+)?\s*%)", re.IGNORECASE)
_AGGREGATIONS = {"moi nhat": "latest", "tong": "sum", "ty le": "ratio", "trung binh": "mean"}
_DIRECTIONS = {"tang": "increase", "giam": "decrease"}
# The word itself, with its diacritics: folded, "giám sát" (supervise) would read as "giảm" (decrease).
_DECREASE_WORD = re.compile(r"\bgiảm\b", re.IGNORECASE)
_ABBREVIATIONS = {"httt": "he thong thong tin", "csdl": "co so du lieu", "cntt": "cong nghe thong tin"}


@dataclass
class PlanOverrides:
    title: str | None = None
    number: str | None = None
    province_name: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    appendix_number: str | None = None


# What a plan document calls itself, folded → as shown. Longest first: "chương trình hành động" before "chương trình".
DOCUMENT_KINDS = {
    "chuong trinh hanh dong": "Chương trình hành động", "ke hoach hanh dong": "Kế hoạch hành động",
    "ke hoach": "Kế hoạch", "nghi quyet": "Nghị quyết", "chuong trinh": "Chương trình", "quyet dinh": "Quyết định",
    "de an": "Đề án", "chi thi": "Chỉ thị",
}
_PROVINCIAL_ISSUER = re.compile(
    r"^(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd|hội đồng nhân dân|hđnd|tỉnh ủy|tỉnh uỷ|thành ủy|thành uỷ)?\s*"
    r"(?P<level>tỉnh|thành phố|tp\.)\s+(?P<name>[^\d,;:()]{2,40})$", re.IGNORECASE)
_PARTY_ISSUER = re.compile(r"^(?:tỉnh ủy|tỉnh uỷ|thành ủy|thành uỷ)\s+(?P<name>[^\d,;:()]{2,40})$", re.IGNORECASE)
_CENTRAL_ISSUER = re.compile(r"^(bo |chinh phu|thu tuong|van phong chinh phu|ngan hang nha nuoc|quoc hoi|uy ban "
                             r"thuong vu quoc hoi|bo chinh tri|ban chap hanh trung uong)")
_NOT_PROVINCE_NAME = re.compile(r"^(xa hoi|chu nghia|viet nam|doc lap)")


def document_kind(text: str) -> str:
    """"KẾ HOẠCH", "NGHỊ QUYẾT", "CHƯƠNG TRÌNH HÀNH ĐỘNG" … as the heading line of a document; "" otherwise."""
    folded = fold(text).rstrip(" :.")
    return DOCUMENT_KINDS.get(folded, "")


def _header_paragraphs(blocks: list[Block]) -> list[str]:
    """The document's first paragraphs, with the cells of a header laid out as a table (issuing body | motto,
    number | place and date, as Word documents have it) read as paragraphs too."""
    paragraphs: list[str] = []
    for index, block in enumerate(blocks):
        if isinstance(block, str):
            paragraphs.append(block)
        elif index < 6 and len(block.rows) <= 6:
            for column in range(max((len(r) for r in block.rows), default=0)):
                for row in block.rows:
                    if column < len(row) and row[column] and (column == 0 or row[column] != row[column - 1]):
                        paragraphs.extend(line.strip() for line in row[column].splitlines() if line.strip())
        if len(paragraphs) >= 60:
            break
    return paragraphs[:60]


def parse_metadata(blocks: list[Block], plan: ParsedPlan) -> None:
    paragraphs = _header_paragraphs(blocks)
    place = ""
    for index, text in enumerate(paragraphs[:12]):
        folded = fold(text)
        if not plan.issuer and _CENTRAL_ISSUER.match(folded) and text.upper() == text:
            plan.issuer = text
            continue
        m = _PROVINCIAL_ISSUER.match(text.strip())
        if not m or plan.province_name or _NOT_PROVINCE_NAME.match(fold(m.group("name"))):
            continue
        above = paragraphs[index - 1] if index else ""
        if (text.upper() == text or _PARTY_ISSUER.match(text.strip())
                or fold(above).startswith(("uy ban nhan dan", "hoi dong nhan dan"))):
            plan.province_name = m.group("name").strip().title() if text.isupper() else m.group("name").strip()
            plan.issuer = plan.issuer or " ".join(p for p in [above, text] if p)
    for index, text in enumerate(paragraphs):
        if not plan.number and (m := _NUMBER_LINE.match(text)):
            raw = re.sub(r"\s+", "", m.group("number"))
            plan.number = "" if raw.startswith("/") else raw
        elif not place and (m := _PLACE_DATE.match(text)):
            place = m.group("place").strip()
            if m.group("day") and m.group("month"):
                try:
                    plan.issued = date(int(m.group("year")), int(m.group("month")), int(m.group("day")))
                except ValueError:
                    plan.issued = None
        elif not plan.title and (kind := document_kind(text)):
            plan.kind = kind
            lines = []
            for following in paragraphs[index + 1:index + 4]:
                folded = fold(following)
                # The title ends where the document goes on: its legal bases, its number, its appendices
                # (an exported .docx has no blank line or "Căn cứ" between the title and "PHỤ LỤC I").
                if (folded.startswith(("can cu", "phan ", "phu luc", "dieu ", "bieu ", "danh muc ", "chuong ", "i."))
                        or _NUMBER_LINE.match(following) or isinstance(following, RawTable)
                        or _HEADING.match(following) or len(following) > 250):
                    break
                lines.append(following)
            plan.title = " ".join(lines)
    # The signing place ("Hà Nội, ngày …") names the province only for a provincial document that printed no
    # issuing body: a ministry signs in Hà Nội whatever province its plan is for.
    if not plan.province_name and place and not plan.issuer:
        plan.province_name = place
    _period_from_title(plan)


_UNTIL_YEAR = re.compile(r"(?:đến|tới)\s+năm\s+(\d{4})", re.IGNORECASE)


def _period_from_title(plan: ParsedPlan) -> None:
    period = _PERIOD.search(plan.title)
    if period:
        plan.start_year, plan.end_year = int(period.group(1)), int(period.group(2))
    elif until := _UNTIL_YEAR.search(plan.title):
        # "… đến năm 2030": the end is printed, the start is the year of issue (or, later, the first year used).
        plan.end_year = int(until.group(1))
        if plan.issued and plan.issued.year <= plan.end_year:
            plan.start_year = plan.issued.year
    elif single := _SINGLE_YEAR.search(plan.title):
        plan.start_year = plan.end_year = int(single.group(1))


# A percentage in passing, not a target: a range ("1% – 3% doanh thu"), a share set aside ("trích 10%"), a bound
# of something else ("khoảng 5%").
_PERCENT_RANGE = re.compile(r"\d\s*%?\s*[-–—]\s*\d+(?:,\d+)?\s*%|\d+(?:,\d+)?\s*%\s*[-–—]\s*\d")
_IN_PASSING = re.compile(r"\b(trich|danh|chiem|khoang|tu|muc|ho tro|giam|bang)\s*$")


def _is_the_measure(task: ParsedTask, match: re.Match) -> bool:
    """The task is itself a measure ("Phấn đấu 100% hồ sơ …", "Duy trì 100% sản phẩm OCOP", "… tại 100% cơ sở"), not
    a task that mentions a share on the way ("trích 1% – 3% doanh thu"). Its year is the task's (see mixed_row)."""
    around = task.content[max(0, match.start() - 12):match.end() + 12]
    if _PERCENT_RANGE.search(around):
        return False
    return not _IN_PASSING.search(fold(task.content[:match.start()]))


def _split_agencies(text: str) -> list[str]:
    text = clean_cell(text)
    return [text] if text else []


def _appendix_sections(plan: ParsedPlan, appendix: str | None, table: L.TableLayout) -> dict[tuple, tuple]:
    keys = {}
    for order, section in enumerate(table.sections):
        key = (appendix or "", *section.key)
        parent = (appendix or "", *section.parent.key) if section.parent else None
        if any(s.key == key for s in plan.sections):
            # The same table in several pieces (a continuation file): keep the first.
            keys[section.key] = key
            continue
        plan.sections.append(ParsedSection(key=key, code=section.code, title=section.title, parent_key=parent,
                                           appendix=appendix, order=len(plan.sections) + order))
        keys[section.key] = key
    return keys


# Units of measure, not of counting: "70 Mbps" today may be 94,82 Mbps tomorrow (reports refuse a count's decimals).
_MEASURE_UNIT = re.compile(r"/|\b(?:[kmgt]?bps|[kmgt]b|k?m[23²³]?|ha|kg|tan|g|dong|usd|gio|phut|giay|diem|lan)\b")


def _value_type(unit: str, targets: list[ParsedTarget], any_percent: bool, baseline: Decimal | None = None) -> str:
    if "%" in unit or any_percent:
        return "percent"
    if targets and all(t.op == "text" for t in targets):
        return "milestone"
    numbers = [v for t in targets for v in (t.low, t.high) if v is not None]
    numbers += [baseline] if baseline is not None else []
    if unit and numbers and all(v == v.to_integral_value() for v in numbers) and not _MEASURE_UNIT.search(fold(unit)):
        return "count"
    return "number"


def _bound(target) -> Decimal | None:
    return target.low if target.low is not None else target.high


class TableInterpreter:
    def __init__(self, plan: ParsedPlan, *, where: str, appendix: str | None, unit_hint: str = "") -> None:
        self.plan = plan
        self.where = where
        self.appendix = appendix
        self.unit_hint = unit_hint
        self.horizon_notes: dict[int, int] = {}

    def warn(self, line: int | None, message: str) -> None:
        self.plan.warnings.append(Issue(message, line, self.where))

    def error(self, line: int | None, message: str) -> None:
        self.plan.errors.append(Issue(message, line, self.where))

    def run(self, table: L.TableLayout) -> None:
        self.unit_hint = self.unit_hint or table.unit_hint
        self.undated_target_warned = False
        for line, message in table.warnings:
            self.warn(line, message)
        keys = _appendix_sections(self.plan, self.appendix, table)
        handler = {L.INDICATORS: self.indicator, L.TASKS: self.task, L.COOPERATION: self.task,
                   L.PROJECTS: self.project, L.RESULTS: self.result}[table.kind]
        totals = []
        for order, row in enumerate(table.rows):
            if row.is_total:
                totals.append(row)
                continue
            section_key = keys.get(row.section.key) if row.section else None
            handler(table, row, section_key, order)
        if table.kind == L.PROJECTS:
            self.check_totals(table, totals)
        for year, line in self.horizon_notes.items():
            self.warn(line, _("Cột “Mục tiêu đến năm {year}” nằm ngoài thời kỳ kế hoạch: giá trị được ghi vào ghi chú "
                              "của từng chỉ tiêu, không tạo mục tiêu năm.").format(year=year))

    def base(self, row: L.LogicalRow, section_key, order: int) -> dict:
        return {"code": row.code, "line": row.line, "appendix": self.appendix, "section_key": section_key,
                "order": order, "note": row.values.get("note", "")}

    # Indicators ------------------------------------------------------------------------------
    def indicator(self, table: L.TableLayout, row: L.LogicalRow, section_key, order: int) -> None:
        values = row.values
        name = values.get("name") or values.get("objective", "")
        if not name:
            self.warn(row.line, _("Dòng không có tên chỉ tiêu: bỏ qua."))
            return
        unit = values.get("unit", "")
        direction = _DIRECTIONS.get(fold(values.get("direction", "")))
        if values.get("direction") and not direction:
            self.error(row.line, _("Cột “Chiều” chỉ nhận “tăng” hoặc “giảm”, không phải “{v}”.").format(
                v=values["direction"]))
        aggregation = "latest"
        if values.get("aggregation"):
            aggregation = _AGGREGATIONS.get(fold(values["aggregation"]))
            if not aggregation:
                self.error(row.line, _("Cột “Cách tổng hợp” chỉ nhận: mới nhất, tổng, tỷ lệ, trung bình — không "
                                       "phải “{v}”.").format(v=values["aggregation"]))
                aggregation = "latest"
        explicit_direction = direction is not None
        if direction is None:
            direction = "decrease" if _DECREASE_WORD.search(unicodedata.normalize("NFC", name)) else "increase"
        note_parts = [values.get("note", "")]
        cells = dict(row.years)
        if 0 in cells:
            self.undated_target(table, row, cells, note_parts)
        for year, text in row.horizon_years.items():
            if self.plan.start_year and self.plan.end_year and self.plan.start_year <= year <= self.plan.end_year:
                cells[year] = text
            elif text:
                note_parts.append(_("Mục tiêu đến năm {year}: {text}").format(year=year, text=clean_cell(text)))
                self.horizon_notes.setdefault(year, row.line)
        parsed = self.parse_targets(row, cells, direction)
        if not explicit_direction and direction == "increase":
            bounds = [_bound(t) for t in parsed if t.op != "text" and _bound(t) is not None]
            explicit_up = any(t.op in {">=", ">"} and any(s in t.text for s in "≥>") or
                              re.search(r"\b(tren|toi thieu|it nhat)\b", fold(t.text)) for t in parsed)
            if len(bounds) >= 2 and bounds[-1] < bounds[0] and not explicit_up and all(
                    b >= a for a, b in zip(bounds[1:], bounds, strict=False)):
                direction = "decrease"
                parsed = self.parse_targets(row, cells, direction)
        self.check_direction(row, parsed, direction)
        if unit.lstrip().startswith("%") and parsed and all(t.op == "text" for t in parsed):
            # No other year to compare with (a one-year plan), but the unit column says these are percentages.
            for target in parsed:
                self.error(row.line, _("Mục tiêu năm {year} “{text}” không phải là số, trong khi đơn vị tính là "
                                       "“{unit}”.").format(year=target.year, text=target.text, unit=unit))
        if not values.get("lead") and any(c.role == "lead" for c in table.columns):
            self.warn(row.line, _("Chỉ tiêu {code} không có cơ quan chủ trì (ô trống, không phải ô gộp): hãy bổ sung."
                                  ).format(code=row.code))
        any_percent = "%" in unit or any("%" in t.text for t in parsed) or "%" in self.unit_hint
        if not unit and any_percent:
            unit = "%"
        baseline = None
        if values.get("baseline"):
            parsed_baseline = parse_baseline(values["baseline"])
            baseline = (table.baseline_year(), parsed_baseline.value, parsed_baseline.text)
        self.plan.indicators.append(ParsedIndicator(
            **{**self.base(row, section_key, order), "note": "; ".join(p for p in note_parts if p)},
            name=name, unit=unit, value_type=_value_type(unit, parsed, any_percent, baseline[1] if baseline else None),
            direction=direction,
            aggregation=aggregation, baseline=baseline, targets=parsed,
            lead=_split_agencies(values.get("lead", "")), coordinating=_split_agencies(values.get("coord", ""))))

    def undated_target(self, table: L.TableLayout, row: L.LogicalRow, cells: dict[int, str],
                       note_parts: list[str]) -> None:
        """A single target column with no year: the year of the group row above ("Đến năm 2030"), else the plan's
        last year; a year past the plan's end goes to the note, as a long-term target does."""
        text = cells.pop(0)
        year = row.group_year or self.plan.end_year
        label = next((c.label for c in table.columns if c.role == "target" and c.year == 0), "")
        if year is None:
            if text:
                note_parts.append(_("Mục tiêu: {text}").format(text=text))
            return
        if row.group_year and not self.undated_target_warned:
            self.warn(row.line, _("Năm của mục tiêu lấy từ dòng nhóm “đến năm {year}” phía trên.").format(year=year))
            self.undated_target_warned = True
        elif not row.group_year and not self.undated_target_warned:
            self.warn(row.line, _("Cột “{label}” không ghi năm: hiểu là mục tiêu năm {year} (năm cuối kế hoạch)."
                                  ).format(label=label, year=year))
            self.undated_target_warned = True
        if self.plan.start_year and self.plan.end_year and not self.plan.start_year <= year <= self.plan.end_year:
            if text:
                note_parts.append(_("Mục tiêu đến năm {year}: {text}").format(year=year, text=text))
                self.horizon_notes.setdefault(year, row.line)
            return
        cells[year] = text

    def parse_targets(self, row: L.LogicalRow, cells: dict[int, str], direction: str) -> list[ParsedTarget]:
        parsed: list[ParsedTarget] = []
        # Cells come cleaned from the layout (clean_cell): no second pass here, it is the hot loop.
        filled = {year: text for year, text in cells.items() if text}
        for year in sorted(cells):
            text = cells[year]
            if not text:
                if filled:
                    self.warn(row.line, _("Ô mục tiêu năm {year} trống: có thể là ô gộp với năm bên cạnh; "
                                          "không ghi mục tiêu năm này.").format(year=year))
                continue
            try:
                target = parse_target(text, direction=direction)
            except ParseError as exc:
                self.error(row.line, _("Mục tiêu năm {year} “{text}”: {reason}").format(
                    year=year, text=text, reason=getattr(exc, "message", str(exc))))
                continue
            parsed.append(ParsedTarget(year, target.op, target.low, target.high, target.text or text))
        numeric = [t for t in parsed if t.op != "text"]
        if numeric and len(numeric) < len(parsed):
            for target in parsed:
                if target.op == "text":
                    self.error(row.line, _("Mục tiêu năm {year} “{text}” không phải là số, trong khi các năm khác "
                                           "của chỉ tiêu này là số.").format(year=target.year, text=target.text))
        for target in parsed:
            if self.plan.start_year and self.plan.end_year and not (
                    self.plan.start_year <= target.year <= self.plan.end_year):
                self.error(row.line, _("Mục tiêu năm {year} nằm ngoài thời kỳ kế hoạch {start}–{end}.").format(
                    year=target.year, start=self.plan.start_year, end=self.plan.end_year))
        return parsed

    def check_direction(self, row: L.LogicalRow, targets: list[ParsedTarget], direction: str) -> None:
        numeric = [(t.year, _bound(t)) for t in targets if t.op != "text" and _bound(t) is not None]
        for (year_a, a), (year_b, b) in zip(numeric, numeric[1:], strict=False):
            if (direction == "increase" and b < a) or (direction == "decrease" and b > a):
                self.warn(row.line, _("Mục tiêu năm {b_year} ({b}) đi ngược chiều chỉ tiêu so với năm {a_year} ({a})."
                                      ).format(b_year=year_b, b=format_number(b), a_year=year_a, a=format_number(a)))

    # Tasks and cooperation items -------------------------------------------------------------
    def task(self, table: L.TableLayout, row: L.LogicalRow, section_key, order: int) -> None:
        values = row.values
        content = values.get("content", "")
        if not content:
            self.warn(row.line, _("Dòng không có nội dung nhiệm vụ: bỏ qua."))
            return
        default_year = self.plan.start_year if self.plan.start_year == self.plan.end_year else None
        deadline = parse_deadline(values.get("deadline", ""), default_year=default_year)
        if values.get("deadline") and deadline.kind == "none":
            self.warn(row.line, _("Thời hạn “{text}” không đọc được: giữ nguyên văn, nhiệm vụ chưa có hạn hoàn thành."
                                  ).format(text=clean_cell(values["deadline"])[:80]))
        elif deadline.kind in ("month", "quarter", "date") and default_year and not re.search(
                r"(19|20|21)\d{2}|^\d{5}$", values.get("deadline", "").strip()):
            self.warn(row.line, _("Thời hạn “{text}” không ghi năm: hiểu là năm {year} của kế hoạch.").format(
                text=clean_cell(values["deadline"])[:80], year=default_year))
        start_date, deadline_text, kind = deadline.start, clean_cell(values.get("deadline", "")), str(deadline.kind)
        if values.get("start"):
            # Start and due in two columns (a work plan): the start column's first day, the due column's last.
            begun = parse_deadline(values["start"], default_year=default_year)
            start_date = begun.start or begun.due or start_date
            deadline_text = f"{clean_cell(values['start'])} - {deadline_text}".strip(" -")
            if begun.kind == "none":
                self.warn(row.line, _("Ngày bắt đầu “{text}” không đọc được: giữ nguyên văn.").format(
                    text=clean_cell(values["start"])[:80]))
            if start_date and deadline.due and start_date > deadline.due:
                start_date = None
        if not values.get("lead") and any(c.role == "lead" for c in table.columns):
            self.warn(row.line, _("Nhiệm vụ {code} không có cơ quan chủ trì (ô trống, không phải ô gộp): hãy bổ sung."
                                  ).format(code=row.code))
        task = ParsedTask(
            **self.base(row, section_key, order), content=content,
            lead=_split_agencies(values.get("lead", "")), coordinating=_split_agencies(values.get("coord", "")),
            partner=clean_cell(values.get("partner", "")) or None, deadline_kind=kind,
            deadline_text=deadline_text[:255], start_date=start_date, due_date=deadline.due,
            expected_result=values.get("expected", "") or values.get("result", ""))
        self.plan.tasks.append(task)
        self.mixed_row(task)

    def mixed_row(self, task: ParsedTask) -> None:
        """A task stating a measurable target ("… đạt trên 95% dân số") is also an indicator."""
        match = _PERCENT_TARGET.search(task.content)
        if not match or not _is_the_measure(task, match):
            return
        year = task.due_date.year if task.due_date else self.plan.end_year
        if year is None or (self.plan.start_year and year < self.plan.start_year):
            return
        if self.plan.end_year and year > self.plan.end_year:
            year = self.plan.end_year
        phrase = re.sub(r"^(đạt|đến|tới)\s+", "", match.group("phrase").strip(), flags=re.IGNORECASE)
        try:
            target = parse_target(phrase, direction="increase")
        except ParseError:
            return
        if target.op == "text":
            return
        self.plan.indicators.append(ParsedIndicator(
            code=f"NV.{task.code}", line=task.line, appendix=task.appendix, section_key=task.section_key,
            order=task.order, name=task.content, unit="%", value_type="percent",
            targets=[ParsedTarget(year, target.op, target.low, target.high, match.group("phrase").strip())],
            lead=list(task.lead), coordinating=list(task.coordinating), task_code=task.code))

    # Projects --------------------------------------------------------------------------------
    def project(self, table: L.TableLayout, row: L.LogicalRow, section_key, order: int) -> None:
        values = row.values
        name = values.get("project", "")
        if not name:
            self.warn(row.line, _("Dòng không có tên dự án: bỏ qua."))
            return
        money = parse_money(values.get("investment", "")) if values.get("investment") else None
        if values.get("investment") and (money is None or money.amount is None):
            self.error(row.line, _("Tổng mức đầu tư “{text}” không phải là số tiền.").format(text=values["investment"]))
        years = [int(y) for y in re.findall(r"\b(20\d{2})\b", values.get("deadline", ""))]
        note = "; ".join(p for p in [values.get("note", ""),
                                     _("Mục tiêu: {text}").format(text=values["objective"])
                                     if values.get("objective") else ""] if p)
        self.plan.projects.append(ParsedProject(
            **{**self.base(row, section_key, order), "note": note}, name=name,
            investors=_split_agencies(values.get("investor", "")),
            total_investment=money.amount if money else None,
            investment_unit=(money.unit if money and money.unit else "") or self.unit_hint or "triệu đồng",
            funding_source=values.get("funding", ""), start_year=min(years) if years else None,
            end_year=max(years) if years else None, status=values.get("status", "")))

    def check_totals(self, table: L.TableLayout, totals: list[L.LogicalRow]) -> None:
        rows = [p for p in self.plan.projects if p.appendix == self.appendix]
        for total in totals:
            stated = parse_money(total.values.get("investment", "")).amount if total.values.get("investment") else None
            if stated is None:
                continue
            computed = sum((p.total_investment for p in rows if p.total_investment is not None), Decimal(0))
            if computed != stated:
                self.warn(total.line, _("Dòng “Tổng cộng” ghi {stated} nhưng tổng các dòng là {computed} "
                                        "(chênh {diff}).").format(stated=format_number(stated), computed=format_number(computed),
                                                                  diff=format_number(stated - computed)))

    # Results of a past year ------------------------------------------------------------------
    def result(self, table: L.TableLayout, row: L.LogicalRow, section_key, order: int) -> None:
        values = row.values
        objective = values.get("objective") or values.get("name", "")
        if not objective:
            self.warn(row.line, _("Dòng không có mục tiêu: bỏ qua."))
            return
        year, target = next(iter(sorted(row.years.items())), (None, ""))
        outcome = clean_cell(values.get("result", ""))
        folded = fold(outcome)
        status, text = "unknown", outcome
        if folded.startswith("chua dat"):
            status, text = "not_achieved", outcome[len("CHƯA ĐẠT"):].strip()
        elif folded.startswith("dat ") or folded == "dat":
            status, text = "achieved", outcome[len("ĐẠT"):].strip()
        note = "; ".join(p for p in [_("Mục tiêu năm {year}: {text}").format(year=year, text=clean_cell(target))
                                     if target else "", values.get("note", "")] if p)
        self.plan.results.append(ParsedResult(**{**self.base(row, section_key, order), "note": note},
                                              target_text=objective, year=year or 0, status=status,
                                              result_text=text))


def _objective_blocks(blocks: list[Block]) -> tuple[int | None, list]:
    """The paragraphs under the heading "MỤC TIÊU ĐẾN NĂM 2025" (targets stated only in the body)."""
    for index, block in enumerate(blocks):
        if isinstance(block, str):
            match = re.search(r"muc tieu(?:, chi tieu)?(?: chu yeu| cu the)? den nam (\d{4})", fold(block))
            heading = _HEADING.match(block)
            if match and heading and re.fullmatch(r"[IVXL]+", heading.group("code")):
                body = []
                for following in blocks[index + 1:]:
                    if isinstance(following, RawTable):
                        continue
                    sub = _HEADING.match(following)
                    if sub and re.fullmatch(r"[IVXL]+", sub.group("code")):
                        break
                    body.append(following)
                return int(match.group(1)), [(block, heading.group("code")), *body]
    return None, []


def parse_body_targets(blocks: list[Block], plan: ParsedPlan) -> None:
    year, body = _objective_blocks(blocks)
    if not body:
        return
    (_heading, prefix), paragraphs = body[0], body[1:]
    baselines = _baselines_from_body(blocks)
    section_key, sub_code, counter = None, "", 0
    items: list[tuple[str, int, tuple | None, str]] = []
    for paragraph in paragraphs:
        text = paragraph.strip()
        sub = _HEADING.match(text)
        if sub and not text.startswith("-"):
            sub_code = sub.group("code")
            section_key = ("", prefix, sub_code)
            plan.sections.append(ParsedSection(key=section_key, code=f"{prefix}.{sub_code}",
                                               title=sub.group("title"), parent_key=None, appendix=None,
                                               order=len(plan.sections)))
            counter = 0
            continue
        if text[:1].islower() and items:
            last_text, last_line, last_key, last_code = items[-1]
            items[-1] = (f"{last_text} {text}", last_line, last_key, last_code)
            continue
        counter += 1
        code = ".".join(p for p in [prefix, sub_code, str(counter)] if p)
        items.append((text.lstrip("-–•+ ").strip(), getattr(paragraph, "line", None), section_key, code))
    for order, (text, line, key, code) in enumerate(items):
        name, target_text = text, ""
        if ":" in text:
            head, _sep, tail = text.rpartition(":")
            if re.search(r"\d", tail) or len(tail) < 40:
                name, target_text = head.strip(), tail.strip().rstrip(".")
        target = None
        if target_text:
            try:
                target = parse_target(target_text, direction="increase")
            except ParseError:
                target = None
        if target is None or target.op == "text":
            parsed_target = ParsedTarget(year, "text", None, None, target_text or text.rstrip("."))
            unit = ""
        else:
            parsed_target = ParsedTarget(year, target.op, target.low, target.high, target_text)
            unit = getattr(target, "unit", "") or _unit_after_number(target_text)
        baseline = baselines.get(fold(name))
        if baseline is None and baselines:
            best = max(baselines, key=lambda key: fuzz.ratio(key, fold(name)))
            if fuzz.ratio(best, fold(name)) >= 95:
                baseline = baselines[best]
        plan.indicators.append(ParsedIndicator(
            code=code, line=line, appendix=None, section_key=key, order=order, name=name.rstrip("."), unit=unit,
            value_type=_value_type(unit, [parsed_target], "%" in target_text, baseline[0] if baseline else None),
            baseline=(None, *baseline) if baseline else None, targets=[parsed_target]))
        if plan.start_year and plan.end_year and not plan.start_year <= year <= plan.end_year:
            plan.errors.append(Issue(_("Mục tiêu năm {year} nằm ngoài thời kỳ kế hoạch {start}–{end}.").format(
                year=year, start=plan.start_year, end=plan.end_year), line))


def _unit_after_number(text: str) -> str:
    match = re.search(r"\d[\d.,]*\s*(%|[^\W\d][\w/]*)", text)
    return match.group(1) if match else ""


def _baselines_from_body(blocks: list[Block]) -> dict[str, tuple]:
    """"Name: value" bullets under "HIỆN TRẠNG …": the baselines of the body's targets."""
    found: dict[str, tuple] = {}
    inside = False
    for block in blocks:
        if not isinstance(block, str):
            continue
        heading = _HEADING.match(block)
        if heading and re.fullmatch(r"[IVXL]+", heading.group("code")):
            inside = "hien trang" in fold(heading.group("title"))
            continue
        if inside and block.lstrip().startswith("-") and ":" in block:
            head, _sep, tail = block.lstrip("-–• ").rpartition(":")
            parsed = parse_baseline(tail.strip().rstrip("."))
            found[fold(head.strip())] = (parsed.value, parsed.text)
    return found


def parse_blocks(blocks: list[Block], *, source: str, overrides: PlanOverrides, single_table: bool = False) -> ParsedPlan:
    plan = ParsedPlan(source=source)
    if not single_table:
        parse_metadata(blocks, plan)
    for attribute in ("title", "number", "province_name", "start_year", "end_year"):
        value = getattr(overrides, attribute)
        if value not in (None, ""):
            setattr(plan, attribute, value)
    if not plan.province_name:
        plan.errors.append(Issue(_("Không xác định được tỉnh của kế hoạch: dùng --province.")))
    if plan.start_year and plan.end_year and plan.start_year > plan.end_year:
        plan.errors.append(Issue(_("Thời kỳ kế hoạch không hợp lệ: từ năm {start} đến năm {end}.").format(
            start=plan.start_year, end=plan.end_year)))

    appendix: ParsedAppendix | None = None
    expecting_title = False
    unit_hint = ""
    tables = 0
    last_paragraph = ""
    body_tables = 0
    for index, block in enumerate(blocks):
        if isinstance(block, str):
            match = _APPENDIX.match(block.strip())
            # "DANH MỤC …" under "Phụ lục II" is that appendix's title; on its own it opens an appendix.
            listing = (not match and (appendix is None or bool(appendix.kind))
                       and _is_listing_heading(block, blocks[index + 1:index + 4]))
            if match or listing:
                number = (match.group("number") if match else None) or _next_appendix_number(plan)
                appendix = ParsedAppendix(number=_appendix_number(number), title=(match.group("title") or "").strip()
                                          if match else block.strip(), kind="", order=len(plan.appendices))
                plan.appendices.append(appendix)
                expecting_title, unit_hint = not listing, ""
            elif appendix and expecting_title:
                if block.startswith("(") or fold(block).startswith("kem theo"):
                    expecting_title = False
                elif unit := _UNIT_LINE.match(block):
                    unit_hint = unit.group("unit").strip().lower()
                else:
                    appendix.title = f"{appendix.title} {block}".strip()
            elif appendix and (unit := _UNIT_LINE.match(block)):
                unit_hint = unit.group("unit").strip().lower()
            elif appendix is None and len(block) < 200:
                last_paragraph = block.strip()
                if unit := _UNIT_LINE.match(block):
                    unit_hint = unit.group("unit").strip().lower()
            continue
        expecting_title = False
        if appendix is None and not single_table:
            # A table in the body: imported when it is clearly a table of indicators or tasks, else left out.
            try:
                table = L.layout_table(block)
            except L.LayoutError:
                table = None
            line = block.row_numbers[0] if block.row_numbers else None
            if table is None or table.kind not in (L.INDICATORS, L.TASKS) or len(table.rows) < 2:
                if table is not None or index > 5:
                    plan.warnings.append(Issue(_("Bảng trong thân văn bản (không thuộc phụ lục nào): không nhập."),
                                               line))
                continue
            body_tables += 1
            body = ParsedAppendix(number=f"B{body_tables}", title=last_paragraph[:200] or _("Bảng trong văn bản"),
                                  kind=table.kind, order=len(plan.appendices))
            plan.appendices.append(body)
            where = _("Bảng {n} trong thân văn bản").format(n=body_tables)
            plan.warnings.append(Issue(_("Bảng trong thân văn bản (sau đoạn “{after}”) là bảng {kind}: được nhập như "
                                         "phụ lục {number}; hãy kiểm tra.").format(
                after=last_paragraph[:80], kind=_KIND_NAMES.get(table.kind, table.kind), number=body.number), line))
            tables += 1
            TableInterpreter(plan, where=where, appendix=body.number, unit_hint=unit_hint).run(table)
            continue
        if appendix is None:
            appendix = ParsedAppendix(number=overrides.appendix_number or "I", title=block.title or "", kind="",
                                      order=0)
            plan.appendices.append(appendix)
        where = _("Phụ lục {number}").format(number=appendix.number)
        try:
            table = L.layout_table(block)
        except L.LayoutError as exc:
            if appendix.kind:
                # A second table in an appendix that already has one (a signature block, a legend): not data.
                plan.warnings.append(Issue(_("Bảng thêm trong phụ lục không nhận ra được: bỏ qua ({reason})").format(
                    reason=exc.message[:120]), exc.line, where))
                continue
            plan.errors.append(Issue(exc.message, exc.line, where))
            continue
        tables += 1
        appendix.kind = appendix.kind or table.kind
        TableInterpreter(plan, where=where, appendix=appendix.number, unit_hint=unit_hint).run(table)
    plan.appendices = [a for a in plan.appendices if a.kind]
    if not plan.indicators or all(i.task_code for i in plan.indicators):
        parse_body_targets(blocks, plan)
    if tables == 0 and not plan.indicators:
        plan.errors.append(Issue(_("Không tìm thấy bảng phụ lục hay mục tiêu nào trong văn bản.")))
    _infer_period(plan)
    if not plan.title:
        if plan.indicators or plan.tasks or plan.projects:
            plan.title = next((a.title for a in plan.appendices if a.title), "") or source.rsplit(".", 1)[0]
            plan.warnings.append(Issue(_("Không tìm thấy tên văn bản (dòng sau “KẾ HOẠCH”, “NGHỊ QUYẾT”…): tạm lấy "
                                         "“{title}”; sửa bằng --title nếu cần.").format(title=plan.title[:120])))
        else:
            plan.errors.append(Issue(_("Không tìm thấy tên kế hoạch (dòng sau “KẾ HOẠCH”): dùng --title.")))
    _make_codes_unique(plan)
    _check_duplicate_projects(plan)
    _check_years_in_period(plan)
    return plan


_KIND_NAMES = {L.INDICATORS: _("chỉ tiêu"), L.TASKS: _("nhiệm vụ")}


def _appendix_number(text: str) -> str:
    """"01" → "1", "ii" → "II": the number as the plan's other appendices write it."""
    text = text.strip().upper()
    return str(int(text)) if text.isdigit() else text


def _next_appendix_number(plan: ParsedPlan) -> str:
    romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    used = {a.number for a in plan.appendices}
    return next(r for r in [*romans, *map(str, range(13, 100))] if r not in used)


def _is_listing_heading(text: str, following: list[Block]) -> bool:
    """"DANH MỤC NHIỆM VỤ …", "BIỂU 01 …" in capitals, with a table right after it: an appendix by another name."""
    stripped = text.strip()
    folded = fold(stripped)
    if not folded.startswith(("danh muc ", "bieu ", "bieu so ", "bang ")) or stripped.upper() != stripped:
        return False
    return any(isinstance(block, RawTable) for block in following)


def _infer_period(plan: ParsedPlan) -> None:
    """No period printed ("giai đoạn 2026 - 2030"): the years of the targets, deadlines and projects, with a warning."""
    if plan.start_year and plan.end_year:
        return
    years = {t.year for i in plan.indicators for t in i.targets}
    years |= {d.year for t in plan.tasks for d in (t.start_date, t.due_date) if d}
    years |= {y for p in plan.projects for y in (p.start_year, p.end_year) if y}
    if plan.end_year:
        years = {y for y in years if y <= plan.end_year} | {plan.end_year}
    if plan.issued and plan.end_year and not plan.start_year:
        years.add(plan.issued.year)
    if not years:
        plan.errors.append(Issue(_("Không xác định được thời kỳ kế hoạch (ví dụ “giai đoạn 2026 - 2030”): dùng "
                                   "--start-year và --end-year.")))
        return
    plan.start_year = plan.start_year or min(years)
    plan.end_year = plan.end_year or max(years)
    plan.warnings.append(Issue(_("Văn bản không ghi rõ thời kỳ kế hoạch: lấy {start}–{end} theo các năm của mục tiêu, "
                                 "thời hạn trong văn bản; sửa bằng --start-year, --end-year nếu cần.").format(
        start=plan.start_year, end=plan.end_year)))


def _check_years_in_period(plan: ParsedPlan) -> None:
    """Warn of a task due, or a project carried out entirely, outside the plan's period (targets are errors)."""
    start, end = plan.start_year, plan.end_year
    if not start or not end or start > end:
        return
    for task in plan.tasks:
        if task.due_date and not start <= task.due_date.year <= end:
            plan.warnings.append(Issue(
                _("Nhiệm vụ {code}: thời hạn “{text}” nằm ngoài thời kỳ kế hoạch {start}–{end}.").format(
                    code=task.code, text=task.deadline_text, start=start, end=end),
                task.line, _("Phụ lục {number}").format(number=task.appendix) if task.appendix else ""))
    # One warning per appendix: a table of last year's projects would otherwise repeat it on every row.
    outside: dict[str | None, list[int | None]] = {}
    for project in plan.projects:
        years = [y for y in (project.start_year, project.end_year) if y]
        if years and (max(years) < start or min(years) > end):
            outside.setdefault(project.appendix, []).append(project.line)
    for appendix, lines in outside.items():
        plan.warnings.append(Issue(
            _("{count} dự án có thời gian thực hiện ngoài thời kỳ kế hoạch {start}–{end} (dòng {lines}).").format(
                count=len(lines), start=start, end=end, lines=", ".join(str(line) for line in lines if line)),
            lines[0], _("Phụ lục {number}").format(number=appendix) if appendix else ""))


def _make_codes_unique(plan: ParsedPlan) -> None:
    """The same model in several appendices (projects of 2025 and of 2026): prefix the later ones."""
    for items in plan.items().values():
        seen: set[str] = set()
        for item in items:
            if item.code in seen and item.appendix:
                item.code = f"PL{item.appendix}.{item.code}"
            suffix = 2
            base = item.code
            while item.code in seen:
                item.code = f"{base}.{suffix}"
                suffix += 1
            seen.add(item.code)
    for items in plan.items().values():
        for item in items:
            if len(item.code) > 40:
                plan.errors.append(Issue(_("Mã mục “{code}” dài quá 40 ký tự: các mục lồng nhau quá sâu.").format(
                    code=item.code), item.line, _("Phụ lục {n}").format(n=item.appendix) if item.appendix else ""))
    task_codes = {t.code for t in plan.tasks}
    for indicator in plan.indicators:
        if indicator.task_code and indicator.task_code not in task_codes:
            indicator.task_code = None


def _project_key(name: str) -> str:
    folded = fold(name)
    for short, long in _ABBREVIATIONS.items():
        folded = re.sub(rf"\b{short}\b", long, folded)
    return folded


def _check_duplicate_projects(plan: ParsedPlan) -> None:
    projects: list[ParsedItem] = plan.projects
    for index, project in enumerate(projects):
        for other in projects[index + 1:]:
            if other.appendix == project.appendix:
                continue
            if fuzz.token_sort_ratio(_project_key(project.name), _project_key(other.name)) >= 90:
                plan.warnings.append(Issue(_("Dự án “{name}” có ở cả Phụ lục {a} (dòng {a_line}) và Phụ lục {b}."
                                             ).format(name=project.name, a=project.appendix, a_line=project.line,
                                                      b=other.appendix), other.line,
                                           _("Phụ lục {number}").format(number=other.appendix)))
