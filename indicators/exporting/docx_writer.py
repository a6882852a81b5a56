"""ExportTables → a .docx document in landscape A4: each appendix its title lines and its table."""

import io

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from indicators.exporting.layout import ExportTable

_FONT = "Times New Roman"


def tables_to_docx(tables: list[ExportTable], *, heading: list[str] | None = None) -> bytes:
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = _FONT
    style.font.size = Pt(12)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    section.top_margin = section.bottom_margin = Cm(1.5)
    usable_width = section.page_width - section.left_margin - section.right_margin

    for line in heading or []:
        _centered(document, line, bold=True, size=14)
    for index, table in enumerate(tables):
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for line_index, line in enumerate(table.title_lines):
            italic = line.startswith("(")
            _centered(document, line, bold=not italic, italic=italic, size=13 if line_index else 14)
        _write_table(document, table, usable_width)
        for line in table.footer_lines:
            document.add_paragraph().add_run(line).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _centered(document, text: str, *, bold: bool = False, italic: bool = False, size: int = 12) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(2)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _set_cell(cell, text: str, *, bold: bool = False, center: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    lines = (text or "").split("\n")
    for line_index, line in enumerate(lines):
        if line_index:
            paragraph = cell.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(line)
        run.bold = bold
        run.font.size = Pt(11)


def _repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _write_table(document, table: ExportTable, usable_width) -> None:
    width = len(table.header)
    word_table = document.add_table(rows=len(table.header_rows), cols=width)
    word_table.style = "Table Grid"
    word_table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(table.widths) or 1
    column_widths = [int(usable_width * w / total) for w in table.widths]
    for header, labels in zip(word_table.rows, table.header_rows, strict=True):
        _repeat_as_header(header)
        for cell, label in zip(header.cells, labels, strict=True):
            _set_cell(cell, label, bold=True, center=True)
    for row in table.rows:
        cells = word_table.add_row().cells
        for column, (cell, value) in enumerate(zip(cells, row.cells, strict=True)):
            _set_cell(cell, value, bold=row.is_section, center=column == 0)
        if row.is_section:
            # As officials draw it: the section's title spans the row after its number ("I" | "HẠ TẦNG …").
            first = 1 if row.cells[0] and len(cells) > 2 else 0
            if len(cells) - first > 1 and not any(row.cells[first + 1:]):
                cells[first].merge(cells[-1])
    for column, column_width in enumerate(column_widths):
        for cell in word_table.columns[column].cells:
            cell.width = column_width
