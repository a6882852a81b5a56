"""The year-end results appendix ("Kết quả thực hiện các mục tiêu, chỉ tiêu năm Y"), laid out like
Phụ lục I of a plan (seed 002): one row per indicator under its group, the target for the year, and
the result as ĐẠT / CHƯA ĐẠT followed by the figure, ready to paste into next year's plan.

Built from the progress snapshots only (run `recompute_progress` first); xlsx via openpyxl, docx via
python-docx.
"""

import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from indicators.exporting.cells import append_row
from indicators.numbers import format_number
from indicators.rules import MILESTONE_LABELS, Status, fmt, label
from plans.models import Plan, Section
from progress.models import IndicatorProgress


class NoSnapshot(Exception):
    """No progress has been computed for this plan and year yet."""


@dataclass
class ResultRow:
    number: str
    objective: str
    target: str
    verdict: str
    figure: str

    @property
    def result(self) -> str:
        return f"{self.verdict}\n{self.figure}" if self.verdict and self.figure else (self.verdict or self.figure)


@dataclass
class ResultGroup:
    title: str
    rows: list[ResultRow] = field(default_factory=list)


@dataclass
class ResultsAppendix:
    plan: Plan
    year: int
    title: str
    subtitle: str
    headers: list[str]
    groups: list[ResultGroup]
    as_of: object


VERDICTS = {Status.ACHIEVED: "ĐẠT", Status.NOT_ACHIEVED: "CHƯA ĐẠT"}


def _figure(row: IndicatorProgress) -> str:
    if row.milestone_state:
        return str(MILESTONE_LABELS.get(row.milestone_state, row.milestone_state))
    if row.actual is None:
        return _("Không có số liệu thống kê.")
    unit = row.indicator.unit
    text = f"{fmt(row.actual)}{unit if unit == '%' else (' ' + unit if unit else '')}"
    if row.numerator_sum is not None and row.denominator_sum:
        text += f" ({format_number(row.numerator_sum.normalize())}/{format_number(row.denominator_sum.normalize())})"
    return _("Đạt %(figure)s") % {"figure": text}


def _verdict(row: IndicatorProgress) -> str:
    if row.status in VERDICTS:
        return VERDICTS[row.status]
    if row.status == Status.NO_DATA:
        return ""
    # Exported before the year is over: say where it stands rather than pretend a verdict.
    return _("%(label)s (chưa hết năm)") % {"label": label(row.status)}


def results_appendix(*, plan: Plan, year: int) -> ResultsAppendix:
    rows = list(IndicatorProgress.objects.for_plan_year(plan, year))
    if not rows:
        raise NoSnapshot(_("Chưa có số liệu tiến độ năm %(year)s của kế hoạch này; hãy tính lại tiến độ trước.")
                         % {"year": year})
    sections = {s.pk: s for s in Section.objects.filter(plan=plan)}

    def group_title(section_id: int | None) -> str:
        seen = set()
        while section_id in sections and sections[section_id].parent_id in sections and section_id not in seen:
            seen.add(section_id)
            section_id = sections[section_id].parent_id
        return sections[section_id].title if section_id in sections else ""

    groups: list[ResultGroup] = []
    for row in rows:
        title = group_title(row.indicator.section_id)
        if not groups or groups[-1].title != title:
            groups.append(ResultGroup(title=title))
        group = groups[-1]
        group.rows.append(ResultRow(number=f"{len(group.rows) + 1}.", objective=row.indicator.name,
                                    target=row.target_text or "", verdict=_verdict(row), figure=_figure(row)))
    return ResultsAppendix(
        plan=plan, year=year,
        title=_("KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, CHỈ TIÊU NĂM %(year)s") % {"year": year},
        subtitle=(_("(Kèm theo Kế hoạch số %(number)s)") % {"number": plan.number}) if plan.number else plan.title,
        headers=[_("Mục tiêu"), _("Mục tiêu năm %(year)s") % {"year": year}, _("Kết quả thực hiện")],
        groups=groups, as_of=rows[0].as_of)


def _source_note(appendix: ResultsAppendix) -> str:
    return _("Số liệu được duyệt tính đến ngày %(day)s.") % {"day": appendix.as_of.strftime("%d/%m/%Y")}


def results_xlsx(appendix: ResultsAppendix) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Kết quả {appendix.year}"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABC", (70, 22, 70), strict=True):
        sheet.column_dimensions[column].width = width
    append_row(sheet, [_("Phụ lục")])
    append_row(sheet, [appendix.title])
    append_row(sheet, [appendix.subtitle])
    for line in (1, 2, 3):
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=3)
        sheet.cell(line, 1).alignment = Alignment(horizontal="center", wrap_text=True)
        sheet.cell(line, 1).font = Font(bold=line < 3, italic=line == 3)
    append_row(sheet, [])
    append_row(sheet, appendix.headers)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.border, cell.alignment = Font(bold=True), box, Alignment(horizontal="center", wrap_text=True)
    for group in appendix.groups:
        if group.title:
            append_row(sheet, [group.title, "", ""])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=3)
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
            for cell in sheet[sheet.max_row]:
                cell.border = box
        for row in group.rows:
            append_row(sheet, [f"{row.number} {row.objective}", row.target, row.result])
            for cell in sheet[sheet.max_row]:
                cell.border, cell.alignment = box, wrap
            sheet.cell(sheet.max_row, 2).alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
    append_row(sheet, [])
    append_row(sheet, [_source_note(appendix)])
    sheet.cell(sheet.max_row, 1).font = Font(italic=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def results_docx(appendix: ResultsAppendix) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(12)
    for text, bold, italic in ((_("Phụ lục"), True, False), (appendix.title, True, False),
                               (appendix.subtitle, False, True)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, appendix.headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(header)
        run.bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for group in appendix.groups:
        if group.title:
            cells = table.add_row().cells
            merged = cells[0].merge(cells[2])
            merged.text = ""
            merged.paragraphs[0].add_run(group.title).bold = True
        for row in group.rows:
            cells = table.add_row().cells
            cells[0].text = f"{row.number} {row.objective}"
            cells[1].text = row.target
            cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            cells[2].text = ""
            paragraph = cells[2].paragraphs[0]
            if row.verdict:
                paragraph.add_run(row.verdict).bold = True
                if row.figure:
                    paragraph.add_run(" ")
            paragraph.add_run(row.figure)
    for row in table.rows:
        for cell, width in zip(row.cells, (Cm(11), Cm(4), Cm(11)), strict=True):
            cell.width = width
    note = document.add_paragraph()
    note.add_run(_source_note(appendix)).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


FORMATS = {
    "xlsx": (results_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (results_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def results_file(*, plan: Plan, year: int, file_format: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the results appendix in `file_format` (xlsx or docx)."""
    writer, content_type = FORMATS[file_format]
    content = writer(results_appendix(plan=plan, year=year))
    return content, content_type, f"ket-qua-{plan.code}-{year}.{file_format}"
