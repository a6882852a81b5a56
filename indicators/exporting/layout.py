"""A plan's appendices laid out as officials lay them out, independent of the file format.

Each appendix becomes a table: title lines ("PHỤ LỤC I", its title, "(Kèm theo Kế hoạch số …)"), one
header row, then the rows, with a section row ("I" | "HẠ TẦNG VIỄN THÔNG - INTERNET", in bold) wherever
the section changes; items are numbered within their section (1, 2 … under I). The xlsx and docx writers draw these tables; neither decides
anything about content.

Every cell is text in the Vietnamese format (16.861 · 5,07 · 30/06/2026), as in the documents: the
file then reads the same in an Excel of any locale, and imports back unchanged.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.exporting.data import PlanContents
from indicators.grammar import format_target
from indicators.numbers import format_number
from plans.models import Appendix, Result, Section


@dataclass
class ExportRow:
    cells: list[str]
    is_section: bool = False


@dataclass
class ExportTable:
    name: str
    title_lines: list[str]
    header: list[str]
    widths: list[int]
    rows: list[ExportRow] = field(default_factory=list)
    # A second header row under the first ("Phân công thực hiện" → "VNPT" | "UBND tỉnh …"). Header cells
    # are not merged: a merged header reads back as repeated labels, which hides the two-row structure.
    subheader: list[str] | None = None
    # Lines under the table, in italics ("Số liệu được duyệt tính đến ngày …").
    footer_lines: list[str] = field(default_factory=list)

    @property
    def header_rows(self) -> list[list[str]]:
        return [self.header, self.subheader] if self.subheader else [self.header]


def _agency_names(agencies) -> str:
    return "; ".join(agency.name for agency in agencies.all())


def _section_cells(section: Section, width: int) -> list[str]:
    """A section row as the importer reads one back: its code under TT and its title beside it, in bold.

    Not merged across the row: a merged row reads back as the title repeated in every column, which an
    importer cannot tell from an item row.
    """
    if section.code:
        return [section.code, section.title] + [""] * (width - 2)
    return [section.title] + [""] * (width - 1)


def _item_number(code: str, chain: list[Section]) -> str:
    """The number shown under TT: the item's code without its sections' part ("I.1" under I → "1").

    Codes follow the importer: one segment per section on the path (its code, or its ordinal when it
    has none), then the row's number.
    """
    segments = code.split(".")
    if 0 < len(chain) < len(segments) and all(
            not section.code or segment == section.code for section, segment in zip(chain, segments, strict=False)):
        return ".".join(segments[len(chain):])
    prefix = ".".join(section.code for section in chain if section.code)
    return code[len(prefix) + 1:] if prefix and code.startswith(prefix + ".") else code


def _with_sections(contents: PlanContents, items, width: int, row_cells, section_cells=None, *,
                   group_column: bool = False) -> list[ExportRow]:
    """Item rows with a section row wherever the section changes.

    With `group_column`, sections without a code (a "Trụ cột / Nhóm chỉ tiêu" group) are not rows of
    their own: their title goes in the second column of their first item, as in seed 002.
    """
    section_cells = section_cells or _section_cells
    rows: list[ExportRow] = []
    previous: list[int] = []
    previous_group: int | None = None
    for item in items:
        chain = contents.section_chain(item.section_id)
        headed = [section for section in chain if section.code] if group_column else chain
        ids = [section.id for section in headed]
        common = 0
        while common < min(len(ids), len(previous)) and ids[common] == previous[common]:
            common += 1
        for section in headed[common:]:
            rows.append(ExportRow(section_cells(section, width), is_section=True))
        previous = ids
        cells = row_cells(item, _item_number(item.code, chain))
        if group_column:
            groups = [section for section in chain if not section.code]
            group = groups[-1] if groups else None
            title = group.title if group is not None and group.id != previous_group else ""
            previous_group = group.id if group is not None else None
            cells = [cells[0], title, *cells[1:]]
        rows.append(ExportRow(cells))
    return rows


_DIRECTION_WORDS = {"increase": "tăng", "decrease": "giảm"}
_AGGREGATION_WORDS = {"latest": "mới nhất", "sum": "tổng", "ratio": "tỷ lệ", "mean": "trung bình"}


def _indicator_table(contents: PlanContents, items: list, name: str, title_lines: list[str], *,
                     with_rules: bool = False) -> ExportTable:
    plan = contents.plan
    years = list(plan.years)
    baseline_years = Counter(
        baseline.year for item in items if (baseline := getattr(item, "baseline", None)) and baseline.year
    )
    baseline_label = (_("Hiện trạng năm %(year)s") % {"year": baseline_years.most_common(1)[0][0]}
                      if baseline_years else _("Hiện trạng"))
    header = [_("TT"), _("Chỉ tiêu"), _("ĐVT"), baseline_label,
              *[_("Năm %(year)s") % {"year": year} for year in years],
              _("Cơ quan theo dõi, triển khai thực hiện"), _("Cơ quan phối hợp"), _("Ghi chú")]
    if with_rules:
        # The optional columns staff add in Excel, so a re-import keeps how progress is computed.
        header += [_("Chiều"), _("Cách tổng hợp")]

    def cells(indicator, number: str) -> list[str]:
        baseline = getattr(indicator, "baseline", None)  # a missing one-to-one raises AttributeError
        baseline_text = (baseline.text or format_number(baseline.value)) if baseline else ""
        targets = {target.year: target for target in indicator.targets.all()}
        target_cells = []
        for year in years:
            target = targets.get(year)
            target_cells.append(
                (target.text or format_target(target.op, target.low, target.high)) if target else ""
            )
        row = [number, indicator.name, indicator.unit, baseline_text, *target_cells,
               _agency_names(indicator.lead_agencies), _agency_names(indicator.coordinating_agencies),
               indicator.note]
        if with_rules:
            row += [_DIRECTION_WORDS.get(indicator.direction, ""), _AGGREGATION_WORDS.get(indicator.aggregation, "")]
        return row

    widths = [6, 45, 10, 14, *[12] * len(years), 24, 30, 24, *([10, 14] if with_rules else [])]
    group_column = any(not section.code for item in items for section in contents.section_chain(item.section_id))
    if group_column:
        header.insert(1, _("Trụ cột/ Nhóm chỉ tiêu"))
        widths.insert(1, 18)
    return ExportTable(name, title_lines, header, widths,
                       _with_sections(contents, items, len(header), cells, group_column=group_column))


def _task_table(contents: PlanContents, items: list, name: str, title_lines: list[str]) -> ExportTable:
    with_partner = any(task.partner_id for task in items)
    with_result = any(task.expected_result for task in items)
    header = [_("STT"), _("Nội dung nhiệm vụ")]
    widths = [6, 55]
    if with_partner:
        header.append(_("Đối tác"))
        widths.append(16)
    header += [_("Cơ quan chủ trì"), _("Cơ quan phối hợp"), _("Thời gian thực hiện")]
    widths += [24, 30, 14]
    if with_result:
        header.append(_("Kết quả dự kiến"))
        widths.append(30)
    header.append(_("Ghi chú"))
    widths.append(24)

    def cells(task, number: str) -> list[str]:
        row = [number, task.content]
        if with_partner:
            row.append(task.partner.name if task.partner_id else "")
        row += [_agency_names(task.lead_agencies), _agency_names(task.coordinating_agencies), task.deadline_text]
        if with_result:
            row.append(task.expected_result)
        return [*row, task.note]

    return ExportTable(name, title_lines, header, widths, _with_sections(contents, items, len(header), cells))


def _cooperation_table(contents: PlanContents, items: list, name: str, title_lines: list[str]) -> ExportTable:
    """Seed 001's layout: STT | Lĩnh vực | Mô tả nội dung | Thời gian | Phân công thực hiện (đối tác | tỉnh).

    A field (lĩnh vực) is a section without a code under a numbered one; its number and title head its
    first row, and its further rows leave them empty, as in the agreement's plan.
    """
    partners = Counter(task.partner.display_name for task in items if task.partner_id)
    partner_label = partners.most_common(1)[0][0].upper() if partners else _("ĐỐI TÁC")
    province_label = _("UBND TỈNH %(province)s") % {"province": contents.plan.province.name.upper()}
    header = [_("STT"), _("LĨNH VỰC"), _("MÔ TẢ NỘI DUNG"), _("THỜI GIAN"), _("PHÂN CÔNG THỰC HIỆN"), ""]
    subheader = ["", "", "", "", partner_label, province_label]
    rows: list[ExportRow] = []
    opened: set[int] = set()
    for task in items:
        chain = contents.section_chain(task.section_id)
        coded = [section for section in chain if section.code]
        fields = [section for section in chain if not section.code]
        for section in coded:
            if section.id not in opened:
                opened.add(section.id)
                rows.append(ExportRow(_section_cells(section, len(header)), is_section=True))
        field_section = fields[-1] if fields else None
        prefix = ".".join(section.code for section in coded)
        rest = task.code[len(prefix) + 1:] if prefix and task.code.startswith(prefix + ".") else task.code
        first_of_field = field_section is None or field_section.id not in opened
        number, title = "", ""
        if first_of_field:
            number = rest.split(".")[0]
            title = field_section.title if field_section else ""
            if field_section is not None:
                opened.add(field_section.id)
        partner = task.partner.display_name if task.partner_id else ""
        rows.append(ExportRow([number, title, task.content, task.deadline_text, partner,
                               _agency_names(task.lead_agencies)]))
    return ExportTable(name, title_lines, header, [6, 24, 55, 16, 12, 34], rows, subheader=subheader)


def _project_table(contents: PlanContents, items: list, name: str, title_lines: list[str]) -> ExportTable:
    units = Counter(project.investment_unit for project in items if project.investment_unit)
    unit = units.most_common(1)[0][0] if units else _("triệu đồng")
    header = [_("STT"), _("Tên dự án"), _("Chủ đầu tư"), _("Tổng mức đầu tư (%(unit)s)") % {"unit": unit},
              _("Nguồn vốn"), _("Thời gian thực hiện"), _("Tình trạng"), _("Ghi chú")]

    def cells(project, number: str) -> list[str]:
        amount = format_number(project.total_investment)
        if amount and project.investment_unit and project.investment_unit != unit:
            amount = f"{amount} {project.investment_unit}"
        if project.start_year and project.end_year and project.start_year != project.end_year:
            period = f"{project.start_year} - {project.end_year}"
        else:
            period = str(project.start_year or project.end_year or "")
        return [number, project.name, _agency_names(project.investors), amount, project.funding_source, period,
                project.status, project.note]

    widths = [6, 45, 24, 16, 18, 14, 24, 24]
    return ExportTable(name, title_lines, header, widths, _with_sections(contents, items, len(header), cells))


_RESULT_LABELS = {Result.Status.ACHIEVED: "ĐẠT", Result.Status.NOT_ACHIEVED: "CHƯA ĐẠT"}
# The importer keeps a results row's "Mục tiêu năm 2025" cell in its note as "Mục tiêu năm 2025: 100%".
_YEAR_TARGET_NOTE = re.compile(r"^Mục tiêu năm (?P<year>\d{4}): (?P<target>.*?)(?:; (?P<rest>.*))?$", re.DOTALL)


def _result_table(contents: PlanContents, items: list, name: str, title_lines: list[str]) -> ExportTable:
    """Seed 002's layout: Mục tiêu ("1. …") | Mục tiêu năm 2025 | Kết quả thực hiện ("ĐẠT …")."""
    years = sorted({result.year for result in items})
    year_label = (_("Mục tiêu năm %(year)s") % {"year": years[0]} if len(years) == 1 else _("Mục tiêu năm"))
    header = [_("Mục tiêu"), year_label, _("Kết quả thực hiện")]

    def split_note(result) -> tuple[str, str]:
        match = _YEAR_TARGET_NOTE.match(result.note or "")
        if match and int(match["year"]) == result.year:
            return match["target"], match["rest"] or ""
        return "", result.note

    with_note = any(split_note(result)[1] for result in items)
    if with_note:
        header.append(_("Ghi chú"))

    def cells(result, number: str) -> list[str]:
        year_target, note = split_note(result)
        if len(years) > 1 and year_target:
            year_target = f"{result.year}: {year_target}"
        outcome = " ".join(p for p in [_RESULT_LABELS.get(result.status, ""), result.result_text] if p)
        objective = f"{number}. {result.target_text}" if number else result.target_text
        return [objective, year_target, outcome, *([note] if with_note else [])]

    def section_cells(section: Section, width: int) -> list[str]:
        # No TT column here: a section row is its title alone in the first column ("Hạ tầng số").
        return [_section_label(section)] + [""] * (width - 1)

    widths = [55, 16, 60, *([24] if with_note else [])]
    return ExportTable(name, title_lines, header, widths,
                       _with_sections(contents, items, len(header), cells, section_cells))


def _section_label(section: Section) -> str:
    return f"{section.code}. {section.title}" if section.code else section.title


_BUILDERS = {
    "indicators": _indicator_table,
    "tasks": _task_table,
    "projects": _project_table,
    "results": _result_table,
}
_DEFAULT_TITLES = {
    "indicators": gettext_lazy("CÁC CHỈ TIÊU CỦA KẾ HOẠCH"),
    "tasks": gettext_lazy("CÁC NHIỆM VỤ CỦA KẾ HOẠCH"),
    "projects": gettext_lazy("CÁC DỰ ÁN CỦA KẾ HOẠCH"),
    "results": gettext_lazy("KẾT QUẢ THỰC HIỆN"),
}


def _attached_line(contents: PlanContents) -> str:
    plan = contents.plan
    number = f" số {plan.number}" if plan.number else ""
    issued = f" ngày {plan.issued:%d/%m/%Y}" if plan.issued else ""
    return _("(Kèm theo Kế hoạch%(number)s%(issued)s của Ủy ban nhân dân tỉnh %(province)s)") % {
        "number": number, "issued": issued, "province": contents.plan.province.name}


def plan_tables(contents: PlanContents, *, with_rules: bool = False) -> list[ExportTable]:
    """The plan's tables in appendix order; items outside any appendix come last, one table per kind.

    `with_rules` adds the indicators' "Chiều" and "Cách tổng hợp" columns (the Excel working file).
    """
    items_by_kind = {"indicators": contents.indicators, "tasks": contents.tasks,
                     "projects": contents.projects, "results": contents.results}
    attached = _attached_line(contents)
    tables: list[ExportTable] = []
    for appendix in contents.appendices:
        for kind, items in items_by_kind.items():
            own = [item for item in items if item.appendix_id == appendix.id]
            if kind == "indicators":
                # A task that states a target ("… đạt trên 95% dân số") also made an indicator: the task's
                # row already says it, and a second table would repeat the appendix.
                own = [item for item in own if item.task_id is None or item.task.appendix_id != appendix.id]
            if not own:
                continue
            name = str(appendix)
            lines = [_("PHỤ LỤC %(number)s") % {"number": appendix.number}]
            if appendix.title:
                lines.append(appendix.title.upper())
            lines.append(attached)
            tables.append(_build(kind, contents, own, name, lines, with_rules=with_rules,
                                 cooperation=appendix.kind == Appendix.Kind.COOPERATION))
    # Items stated in the plan's body (no appendix, as seed 003's targets) get an appendix of their own,
    # numbered after the plan's, so the file stays a set of appendices that imports back.
    used_numbers = {appendix.number.upper() for appendix in contents.appendices}
    next_number = 1
    for kind, items in items_by_kind.items():
        loose = [item for item in items if item.appendix_id is None]
        if not loose:
            continue
        while _roman(next_number) in used_numbers:
            next_number += 1
        number = _roman(next_number)
        used_numbers.add(number)
        lines = [_("PHỤ LỤC %(number)s") % {"number": number}, str(_DEFAULT_TITLES[kind]), attached]
        tables.append(_build(kind, contents, loose, _("Phụ lục %(number)s") % {"number": number}, lines,
                             with_rules=with_rules, cooperation=False))
    return tables


def _build(kind: str, contents: PlanContents, items: list, name: str, lines: list[str], *, with_rules: bool,
           cooperation: bool) -> ExportTable:
    if kind == "indicators":
        return _indicator_table(contents, items, name, lines, with_rules=with_rules)
    if kind == "tasks" and cooperation:
        return _cooperation_table(contents, items, name, lines)
    return _BUILDERS[kind](contents, items, name, lines)


def _roman(number: int) -> str:
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in numerals:
        while number >= value:
            out, number = out + letters, number - value
    return out

