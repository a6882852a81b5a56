"""The one way every export writes a cell: reporter text is data, never a formula.

Text a reporter typed ("=HYPERLINK(…)", "+cmd|…", "@SUM(…)") would run as a formula when the
workbook or CSV is opened. Every .xlsx and .csv export writes its cells through these helpers:
- `.xlsx` (openpyxl): `write_cell` / `set_cell` / `append_row` store such text as a string cell, so
  Excel shows it as typed; `neutralise_formulas` does the same to a finished workbook.
- `.csv`: `csv_text` prefixes it with an apostrophe (the OWASP advice), since a CSV has no cell types.
- admin exports (django-import-export): `SafeXLSX` and `SafeCSV` plug these into the library's own
  `IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT` hook (the library alone strips only a leading "=").
Plain numbers written as text ("-5", "+3,5") are left alone: they are not formulas.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from import_export.formats import base_formats

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d.,\s]*%?")


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet would evaluate: it starts with = + - @ tab or CR and is not a number."""
    return (isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
            and not _PLAIN_NUMBER.fullmatch(value))


def set_cell(cell, value: Any):
    """Put `value` into an openpyxl cell; formula-like text is kept as a string cell."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
    return cell


def write_cell(sheet, row: int, column: int, value: Any):
    """`sheet.cell(row, column, value)` that never writes a formula."""
    return set_cell(sheet.cell(row=row, column=column), value)


def append_row(sheet, values: Iterable[Any]) -> None:
    """`sheet.append(values)` that never writes a formula."""
    values = list(values)
    sheet.append(values)
    if values:
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"


def neutralise_formulas(workbook) -> None:
    """Turn every formula cell of a finished workbook into the text it was (exports hold no real formulas)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def csv_text(value: Any) -> Any:
    """A CSV field: formula-like text gets a leading apostrophe; anything else is unchanged."""
    return "'" + value if is_formula_like(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_text(value) for value in values]


class SafeCSV(base_formats.CSV):
    def _escape_formulae(self, dataset):
        rows = [csv_row(row) for row in dataset]
        del dataset[:]
        for row in rows:
            dataset.append(row)


class SafeXLSX(base_formats.XLSX):
    def _escape_formulae(self, dataset):
        """Nothing to change in the data: the finished workbook's formula cells are turned into text."""

    def export_data(self, dataset, **kwargs):
        from openpyxl import load_workbook

        content = super().export_data(dataset, **kwargs)
        workbook = load_workbook(io.BytesIO(content))
        neutralise_formulas(workbook)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
