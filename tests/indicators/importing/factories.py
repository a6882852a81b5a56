"""Appendix tables built in tests: the same rows as text, .csv, .xlsx (with merged cells) and .docx."""

import csv
from pathlib import Path

import openpyxl
from docx import Document

# Phụ lục I of seed 000, shortened: a section row, a vertically merged agency cell, a milestone row.
HEADER = ["TT", "Chỉ tiêu", "ĐVT", "Hiện trạng năm 2025", "Năm 2026", "Năm 2027", "Năm 2028",
          "Cơ quan theo dõi", "Ghi chú"]
ROWS = [
    ["I. HẠ TẦNG VIỄN THÔNG - INTERNET", "", "", "", "", "", "", "", ""],
    ["1", "Tỷ lệ phủ sóng di động 5G cho người dân", "% dân số", "77", "≥ 90", "95", "97",
     "Sở Khoa học và Công nghệ", ""],
    ["2", "Số lượng tên miền .vn", "Tên miền", "16.861", "43.863", "55.561", "70.561", "Sở KH&CN", ""],
    ["II. HẠ TẦNG DỮ LIỆU", "", "", "", "", "", "", "", ""],
    ["1", "Tỷ lệ ngầm mạng cáp ngoại vi viễn thông", "%", "5,07", "6", "7", "8", "Sở KH&CN", "ghi chú"],
]


def write_text(path: Path, rows=None) -> Path:
    rows = rows if rows is not None else [HEADER, *ROWS]
    path.write_text("\n".join("\t".join(r) for r in rows), encoding="utf-8")  # no final newline on purpose
    return path


def write_csv(path: Path, rows=None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows if rows is not None else [HEADER, *ROWS])
    return path


def write_xlsx(path: Path, *, merge_agency: bool = True) -> Path:
    """The lead agency of the two rows of section I as one vertically merged cell, as officials lay it out."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [HEADER, *ROWS]:
        sheet.append(row)
    # Excel keeps numbers as numbers: the reader must give them back as Vietnamese text.
    sheet["D3"], sheet["D4"], sheet["D6"], sheet["E4"] = 77, 16861, 5.07, 43863
    if merge_agency:
        sheet["H4"] = None
        sheet.merge_cells("H3:H4")
    sheet.merge_cells("A2:I2")
    sheet.merge_cells("A5:I5")
    book.save(path)
    return path


def write_docx(path: Path) -> Path:
    document = Document()
    document.add_paragraph("Phụ lục I")
    table = document.add_table(rows=0, cols=len(HEADER))
    for row in [HEADER, *ROWS]:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    document.save(path)
    return path


# A real-world layout with merges: a two-row header whose "Mục tiêu" spans the five year columns (the
# other header cells span both rows), section rows without a code merged across the whole table, a
# lead agency merged down over two rows ("same as above") and a milestone merged across the years.
MERGED_HEADER = ["TT", "Chỉ tiêu", "ĐVT", "Hiện trạng năm 2025", "Mục tiêu", "", "", "", "",
                 "Cơ quan theo dõi", "Ghi chú"]
MERGED_SUBHEADER = ["", "", "", "", "Năm 2026", "Năm 2027", "Năm 2028", "Năm 2029", "Năm 2030", "", ""]
MERGED_ROWS = [
    ["HẠ TẦNG VIỄN THÔNG - INTERNET", "", "", "", "", "", "", "", "", "", ""],
    ["1", "Tỷ lệ phủ sóng di động 5G cho người dân", "% dân số", "77", "≥ 90", "95", "97", "99", "100",
     "Sở Khoa học và Công nghệ", ""],
    ["2", "Tỷ lệ hộ gia đình có cáp quang", "%", "80", "85", "88", "90", "92", "95", "", ""],
    ["HẠ TẦNG DỮ LIỆU", "", "", "", "", "", "", "", "", "", ""],
    ["1", "Trung tâm dữ liệu tỉnh", "Trung tâm", "", "Hoàn thành", "", "", "", "", "Sở KH&CN", "ghi chú"],
]
MERGED_WIDTH = len(MERGED_HEADER)


def write_merged_xlsx(path: Path, *, header_spans_rows: bool = True) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [MERGED_HEADER, MERGED_SUBHEADER, *MERGED_ROWS]:
        sheet.append([cell or None for cell in row])
    sheet.merge_cells("E1:I1")
    if header_spans_rows:
        for column in "ABCDJK":
            sheet.merge_cells(f"{column}1:{column}2")
    sheet.merge_cells("A3:K3")
    sheet.merge_cells("A6:K6")
    sheet.merge_cells("J4:J5")
    sheet.merge_cells("E7:I7")
    book.save(path)
    return path


def write_merged_docx(path: Path, *, header_spans_rows: bool = True) -> Path:
    document = Document()
    rows = [MERGED_HEADER, MERGED_SUBHEADER, *MERGED_ROWS]
    table = document.add_table(rows=len(rows), cols=MERGED_WIDTH)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    table.cell(0, 4).merge(table.cell(0, 8))
    if header_spans_rows:
        for c in (0, 1, 2, 3, 9, 10):
            table.cell(0, c).merge(table.cell(1, c))
    table.cell(2, 0).merge(table.cell(2, MERGED_WIDTH - 1))
    table.cell(5, 0).merge(table.cell(5, MERGED_WIDTH - 1))
    table.cell(3, 9).merge(table.cell(4, 9))
    table.cell(6, 4).merge(table.cell(6, 8))
    document.save(path)
    return path
