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
