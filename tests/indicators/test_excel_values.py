"""Exports store numbers as numbers and dates as dates, and the importer reads them back as they were written."""

import datetime as dt

import pytest
from openpyxl import Workbook

from indicators.exporting.xlsx_writer import excel_number_format, excel_value
from indicators.importing.readers import read_blocks


@pytest.mark.parametrize(("text", "value", "number_format"), [
    ("16.861", 16861, "#,##0"),
    ("5,07", 5.07, "#,##0.00"),
    ("11.984,5", 11984.5, "#,##0.0"),
    ("77", 77, "#,##0"),
    ("30/06/2026", dt.date(2026, 6, 30), "DD/MM/YYYY"),
    # Years and codes stay text: "2026" must never show as "2.026"; "1.2" is an item number.
    ("2026", "2026", None),
    ("1.2", "1.2", None),
    ("≥ 90", "≥ 90", None),
    ("31/02/2026", "31/02/2026", None),
])
def test_a_laid_out_cell_as_excel_stores_it(text, value, number_format):
    assert excel_value(text) == (value, number_format)


def test_numbers_and_dates_read_back_as_written(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["TT", "Chỉ tiêu", "Hiện trạng", "Năm 2026", "Hạn"])
    row = ["1", "Số lượng tên miền .vn", "16.861", "5,07", "30/06/2026"]
    stored = [row[0], row[1], *(excel_value(text) for text in row[2:])]
    sheet.append([cell if isinstance(cell, str) else cell[0] for cell in stored])
    for column, cell in zip("CDE", stored[2:], strict=True):
        sheet[f"{column}2"].number_format = cell[1]
    path = tmp_path / "bang.xlsx"
    book.save(path)
    (table,) = read_blocks(path)
    assert table.rows[1] == row
    assert excel_number_format(95.5) == "#,##0.0"
