"""Tables of the read side: one structure rendered as an HTML <table> and written to .xlsx.

A page builds each table once (`DataTable`); the template draws it (`dashboards/_table.html`) and the same
object answers `?xuat=<key>` as a workbook, so what a leader copies into a report is what the page shows.
Cells hold values, not text: Decimal and int stay numbers in Excel, dates stay dates, a status is its key
(a coloured badge on the page, its Vietnamese label in the workbook).
"""

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from dashboards import palette

TEXT, NUMBER, PERCENT, STATUS, DATE, LINK, YEAR = "text", "number", "percent", "status", "date", "link", "year"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class Link:
    text: str
    href: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Badge:
    """A status cell: the key picks the colour and label; `note` is the one-line explanation."""

    key: str
    note: str = ""

    @property
    def label(self) -> str:
        return str(palette.swatch(self.key).label)

    def __str__(self) -> str:
        return self.label


@dataclass
class DataTable:
    key: str
    caption: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    empty: str = ""

    def __bool__(self) -> bool:
        return bool(self.rows)


def _excel_value(value):
    if value is None:
        return None
    if isinstance(value, Badge):
        return value.label
    if isinstance(value, Link):
        return value.text
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, int | float | dt.date):
        return value
    return str(value)


def table_xlsx(table: DataTable, *, title_lines: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (table.key or "Bang")[:31]
    row = 1
    for line in [table.caption, *title_lines]:
        cell = sheet.cell(row=row, column=1)
        cell.value, cell.data_type = line, "s"
        cell.font = Font(bold=row == 1)
        row += 1
    row += 1
    for column, spec in enumerate(table.columns, start=1):
        cell = sheet.cell(row=row, column=column)
        cell.value, cell.data_type = str(spec.label), "s"
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = 14 if spec.kind in (NUMBER, PERCENT, DATE) else 40
    for values in table.rows:
        row += 1
        for column, (spec, value) in enumerate(zip(table.columns, values, strict=False), start=1):
            cell = sheet.cell(row=row, column=column)
            shown = _excel_value(value)
            cell.value = shown
            if isinstance(shown, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif isinstance(shown, dt.date):
                cell.number_format = "DD/MM/YYYY"
            elif spec.kind == YEAR:
                cell.number_format = "0"
            elif spec.kind == PERCENT:
                cell.number_format = "0.00"
            elif isinstance(shown, float):
                cell.number_format = "#,##0.##"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(table: DataTable, *, filename: str, title_lines: list[str]) -> HttpResponse:
    response = HttpResponse(table_xlsx(table, title_lines=title_lines), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
