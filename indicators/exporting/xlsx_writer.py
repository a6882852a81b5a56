"""ExportTables → an .xlsx workbook: one sheet per appendix, printable in landscape."""

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from indicators.exporting.layout import ExportTable

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")
_HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
_FONT = "Times New Roman"
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_NAME_FORBIDDEN.sub(" ", name).strip()[:31] or "Bang"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def tables_to_xlsx(tables: list[ExportTable]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        _write_sheet(workbook.create_sheet(_sheet_name(table.name, used)), table)
    if not tables:
        workbook.create_sheet("Kế hoạch")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet, table: ExportTable) -> None:
    width = len(table.header)
    row_index = 1
    for line in table.title_lines:
        cell = sheet.cell(row=row_index, column=1, value=line)
        cell.font = Font(name=_FONT, bold=True, size=13)
        cell.alignment = _CENTER
        if width > 1:
            sheet.merge_cells(start_row=row_index, start_column=1, end_row=row_index, end_column=width)
        row_index += 1
    row_index += 1  # a blank line between the title and the table, as in the documents
    first_header_row = row_index
    for offset, labels in enumerate(table.header_rows):
        row_index = first_header_row + offset
        for column, label in enumerate(labels, start=1):
            cell = sheet.cell(row=row_index, column=column, value=label or None)
            cell.font = Font(name=_FONT, bold=True, size=11)
            cell.alignment = _CENTER
            cell.border = _BORDER
            cell.fill = _HEADER_FILL
    header_row = row_index
    for row in table.rows:
        row_index += 1
        for column, value in enumerate(row.cells, start=1):
            # Text cells always: "16.861" must stay the Vietnamese number as written, in any Excel locale.
            cell = sheet.cell(row=row_index, column=column, value=value or None)
            cell.data_type = "s"
            cell.font = Font(name=_FONT, size=11, bold=row.is_section)
            cell.alignment = _CENTER if column == 1 else _WRAP_TOP
            cell.border = _BORDER
    if table.footer_lines:
        row_index += 1
    for line in table.footer_lines:
        row_index += 1
        sheet.cell(row=row_index, column=1, value=line).font = Font(name=_FONT, italic=True, size=11)
    for column, column_width in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = column_width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{first_header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
