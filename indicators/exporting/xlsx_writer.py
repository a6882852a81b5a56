"""ExportTables → an .xlsx workbook: one sheet per appendix, printable in landscape."""

import datetime as dt
import io
import re
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from indicators.exporting.cells import write_cell
from indicators.exporting.layout import ExportTable

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")
_HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
_FONT = "Times New Roman"
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# A number as the layout writes it (16.861 · 5,07 · 11.984,5 · 77); a bare run of four or more digits is a
# year or a code ("2026"), kept as text so it never shows as "2.026".
_VN_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:\.\d{3})+|\d{1,3})(?:,\d+)?$")
_VN_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
DATE_FORMAT = "DD/MM/YYYY"


def excel_number_format(value) -> str:
    """A display format that shows the number whole, grouped (Vietnamese Excel: 16.861 · 5,07)."""
    number = Decimal(str(value))
    decimals = max(0, -number.normalize().as_tuple().exponent)
    return "#,##0" if decimals == 0 else "#,##0." + "0" * min(decimals, 6)


def excel_value(text: str) -> tuple[object, str | None]:
    """A laid-out cell as Excel should store it: a number or a date with its display format, else the text."""
    if _VN_NUMBER.match(text):
        try:
            number = Decimal(text.replace(".", "").replace(",", "."))
        except InvalidOperation:
            return text, None
        value = int(number) if number == number.to_integral_value() else float(number)
        return value, excel_number_format(number)
    if match := _VN_DATE.match(text):
        try:
            return dt.date(int(match[3]), int(match[2]), int(match[1])), DATE_FORMAT
        except ValueError:
            return text, None
    return text, None


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
        cell = write_cell(sheet, row_index, 1, line)
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
            cell = write_cell(sheet, row_index, column, label or None)
            cell.font = Font(name=_FONT, bold=True, size=11)
            cell.alignment = _CENTER
            cell.border = _BORDER
            cell.fill = _HEADER_FILL
    header_row = row_index
    for row in table.rows:
        row_index += 1
        for column, value in enumerate(row.cells, start=1):
            # Numbers and dates as such (Excel sums and sorts them; the importer reads them back as written);
            # the first column (TT: "1", "I", "1.2") and everything else as text, never as a formula.
            stored, number_format = excel_value(value) if value and column > 1 else (value, None)
            cell = write_cell(sheet, row_index, column, None if stored in ("", None) else stored)
            if number_format:
                cell.number_format = number_format
            elif stored:
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
