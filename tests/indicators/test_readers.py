import datetime as dt
import unicodedata
from decimal import Decimal

import docx
import pytest
from docx.enum.section import WD_ORIENT  # noqa: F401  (python-docx is importable with its enums)
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from indicators.importing.readers import (
    MAX_UPLOAD_BYTES,
    ReadError,
    cell_to_text,
    number_to_text,
    read_blocks,
    read_delimited_text,
    read_pipe_table,
    sniff_delimiter,
)
from indicators.importing.tables import RawTable
from indicators.numbers import parse_number

HEADER = ["TT", "Chỉ tiêu", "ĐVT", "Hiện trạng năm 2025", "Năm 2026", "Cơ quan theo dõi"]


def _xlsx(path, build):
    workbook = Workbook()
    build(workbook)
    workbook.save(path)
    return path


def test_xlsx_sheets_values_and_merges(tmp_path):
    def build(workbook):
        sheet = workbook.active
        sheet.title = "Phụ lục I"
        sheet.append(HEADER)
        sheet.append(["I. HẠ TẦNG VIỄN THÔNG - INTERNET"])
        sheet.merge_cells("A2:F2")
        sheet.append([1, "Tỷ lệ phủ sóng di động 5G", "% dân số", 77, "≥ 90", "Sở Khoa học và Công nghệ"])
        sheet.append([2, "Tỷ lệ ngầm hóa cáp", "%", 5.07, 6, None])
        sheet.merge_cells("F3:F4")  # one lead agency for both rows
        sheet.append([])  # an empty row in the middle is dropped
        sheet.append([3, "Số lượng tên miền .vn", "Tên miền", 16861, 43863.0, "Sở KH&CN"])
        sheet.append([4, "Tỷ lệ dân số có chữ ký số", "%", 0.0545, 0.1, ""])
        sheet["D7"].number_format = "0.00%"
        sheet["E7"].number_format = "0%"
        sheet.append([5, "Hoàn thành", "Ngày", dt.datetime(2026, 6, 30), dt.date(2026, 12, 31), Decimal("1.50")])
        second = workbook.create_sheet("Phụ lục II")
        second.append(["STT", "Nội dung nhiệm vụ"])
        workbook.create_sheet("Trống")

    blocks = read_blocks(_xlsx(tmp_path / "phu-luc.xlsx", build))
    assert [b.title for b in blocks] == ["Phụ lục I", "Phụ lục II"]
    table = blocks[0]
    assert table.source == "phu-luc.xlsx"
    assert table.row_numbers == [1, 2, 3, 4, 6, 7, 8]
    assert table.rows[0] == HEADER
    assert table.rows[1] == ["I. HẠ TẦNG VIỄN THÔNG - INTERNET"] * 6
    assert table.rows[2] == ["1", "Tỷ lệ phủ sóng di động 5G", "% dân số", "77", "≥ 90", "Sở Khoa học và Công nghệ"]
    assert table.rows[3] == ["2", "Tỷ lệ ngầm hóa cáp", "%", "5,07", "6", "Sở Khoa học và Công nghệ"]
    assert table.rows[4][3:5] == ["16861", "43863"]
    assert table.rows[5][3:5] == ["5,45%", "10%"]
    assert table.rows[6][3:6] == ["30/06/2026", "31/12/2026", "1,5"]
    assert table.merged == {(1, c) for c in range(1, 6)} | {(3, 5)}
    assert (2, 5) not in table.merged  # the top-left cell of a merge is a real cell
    assert parse_number(table.rows[3][3]) == Decimal("5.07")
    assert parse_number(table.rows[4][3]) == 16861


def test_xlsx_trailing_empty_columns_are_dropped(tmp_path):
    def build(workbook):
        sheet = workbook.active
        sheet.append(["a", "b"])
        sheet["F5"] = None
        sheet["E9"].number_format = "0%"

    [table] = read_blocks(_xlsx(tmp_path / "a.xlsx", build))
    assert table.rows == [["a", "b"]]


@pytest.mark.parametrize(
    ("value", "text"),
    [(16861, "16861"), (5.07, "5,07"), (0.1 + 0.2, "0,3"), (2026.0, "2026"), (-3.2, "-3,2"), (1e20, "100000000000000000000"),
     (Decimal("114570.000"), "114570"), (0.0, "0"), (-0.0, "0"), (True, "TRUE")],
)
def test_number_to_text_reads_back(value, text):
    assert number_to_text(value) == text


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_numeric_cells_read_back_to_excel_precision(value):
    assert parse_number(cell_to_text(value)) == Decimal(f"{value:.15g}")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integer_cells_read_back_exactly(value):
    assert parse_number(cell_to_text(value)) == value


def _docx(path, build):
    document = docx.Document()
    build(document)
    document.save(path)
    return path


def test_docx_paragraphs_tables_and_merges_in_order(tmp_path):
    def build(document):
        document.add_paragraph("PHỤ LỤC I")
        document.add_paragraph("")
        table = document.add_table(rows=5, cols=4)
        for c, text in enumerate(["TT", "Chỉ tiêu", "Năm 2026", "Cơ quan theo dõi"]):
            table.cell(0, c).text = text
        section = table.cell(1, 0).merge(table.cell(1, 3))
        section.text = "I. HẠ TẦNG"
        for r, (name, target) in enumerate([("Tỷ lệ 5G", "≥ 90"), ("Tỷ lệ IPv6", "65"), ("Tên miền", "43.863")], 2):
            table.cell(r, 0).text = str(r - 1)
            table.cell(r, 1).text = name
            table.cell(r, 2).text = target
        lead = table.cell(2, 3).merge(table.cell(4, 3))
        lead.text = "Sở Khoa học và Công nghệ"
        paragraph = table.cell(3, 1).paragraphs[0]
        marker = paragraph.add_run("19")
        marker.font.superscript = True
        table.cell(4, 1).add_paragraph("(dòng hai)")
        document.add_paragraph("Nơi nhận:")

    blocks = read_blocks(_docx(tmp_path / "ke-hoach.docx", build))
    assert blocks[0] == "PHỤ LỤC I"
    assert blocks[2] == "Nơi nhận:"
    table = blocks[1]
    assert isinstance(table, RawTable)
    assert table.title == "Bảng 1"
    assert table.row_numbers == [1, 2, 3, 4, 5]
    assert table.rows[1] == ["I. HẠ TẦNG"] * 4
    assert table.rows[2] == ["1", "Tỷ lệ 5G", "≥ 90", "Sở Khoa học và Công nghệ"]
    assert table.rows[3] == ["2", "Tỷ lệ IPv6¹⁹", "65", "Sở Khoa học và Công nghệ"]
    assert table.rows[4] == ["3", "Tên miền\n(dòng hai)", "43.863", "Sở Khoa học và Công nghệ"]
    assert table.merged == {(1, 1), (1, 2), (1, 3), (3, 3), (4, 3)}


def test_same_table_from_xlsx_docx_and_csv_gives_the_same_rows(tmp_path):
    rows = [HEADER, ["1", "Tỷ lệ 5G", "% dân số", "77", "≥ 90", "Sở KH&CN"],
            ["2", "Tên miền", "Tên miền", "16.861", "43.863", "Sở KH&CN"]]

    def build_xlsx(workbook):
        for row in rows:
            workbook.active.append(row)

    def build_docx(document):
        table = document.add_table(rows=len(rows), cols=len(HEADER))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text

    csv_path = tmp_path / "bang.csv"
    csv_path.write_text("\n".join(";".join(row) for row in rows), encoding="utf-8")
    from_xlsx = read_blocks(_xlsx(tmp_path / "bang.xlsx", build_xlsx))[0].rows
    from_docx = read_blocks(_docx(tmp_path / "bang.docx", build_docx))[0].rows
    from_csv = read_blocks(csv_path)[0].rows
    assert from_xlsx == from_docx == from_csv == rows


@pytest.mark.parametrize(
    ("content", "encoding", "suffix"),
    [
        ('TT;Chỉ tiêu;Năm 2026\n1;"Tỷ lệ; 5G";95,5\n', "utf-8", ".csv"),
        ('TT;Chỉ tiêu;Năm 2026\n1;"Tỷ lệ; 5G";95,5\n', "utf-8-sig", ".csv"),
        ('TT,Chỉ tiêu,Năm 2026\n1,"Tỷ lệ; 5G","95,5"\n', "utf-8", ".csv"),
        ("TT\tChỉ tiêu\tNăm 2026\n1\tTỷ lệ; 5G\t95,5\n", "utf-8", ".csv"),
        ("TT\tChỉ tiêu\tNăm 2026\n1\tTỷ lệ; 5G\t95,5\n", "utf-16", ".tsv"),
        ("TT;Chỉ tiêu;Năm 2026\r\n1;Tỷ lệ; 5G;95,5\r\n", "cp1258", ".csv"),
    ],
)
def test_delimited_files(tmp_path, content, encoding, suffix):
    path = tmp_path / f"bang{suffix}"
    path.write_bytes(_windows_1258(content) if encoding == "cp1258" else content.encode(encoding))
    [table] = read_blocks(path)
    assert table.rows[0][:3] == ["TT", "Chỉ tiêu", "Năm 2026"]
    if encoding == "cp1258":  # unquoted ";" inside a cell splits it: the file is read as written
        assert table.rows[1] == ["1", "Tỷ lệ", "5G", "95,5"]
    else:
        assert table.rows[1] == ["1", "Tỷ lệ; 5G", "95,5"]
    assert table.row_numbers == [1, 2]


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def _windows_1258(text: str) -> bytes:
    """How Vietnamese Windows writes text: base letters precomposed, tone marks as combining characters."""
    out = []
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in _TONE_MARKS)
        out.append(unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS)) + tones)
    return "".join(out).encode("cp1258")


def test_delimited_row_numbers_follow_lines_with_multiline_cells():
    table = read_delimited_text('a;b\n\n1;"dòng một\ndòng hai"\n2;x\n')
    assert table.rows == [["a", "b"], ["1", "dòng một\ndòng hai"], ["2", "x"]]
    assert table.row_numbers == [1, 3, 5]


def test_sniff_delimiter():
    assert sniff_delimiter("a;b;c\n1;2,5;3\n") == ";"
    assert sniff_delimiter("a,b,c\n1,2,3\n") == ","
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"


def test_pipe_table():
    text = "Phụ lục\n\n| TT | Chỉ tiêu | Năm 2026 |\n|---|:---|---:|\n| 1 | Tỷ lệ \\| 5G | ≥ 90 |\n| 2 | IPv6 |\n\nHết."
    table = read_pipe_table(text, source="a.md", first_line=10)
    assert table.rows == [["TT", "Chỉ tiêu", "Năm 2026"], ["1", "Tỷ lệ | 5G", "≥ 90"], ["2", "IPv6", ""]]
    assert table.row_numbers == [12, 14, 15]
    with pytest.raises(ReadError, match="Không tìm thấy bảng"):
        read_pipe_table("không có bảng")


def test_markdown_file_goes_through_the_text_document_reader(tmp_path):
    path = tmp_path / "bang.md"
    path.write_text("PHỤ LỤC I\n\n| TT | Chỉ tiêu |\n|---|---|\n| 1 | Tỷ lệ 5G |", encoding="utf-8")
    blocks = read_blocks(path)
    assert blocks[0] == "PHỤ LỤC I"
    assert [b.rows for b in blocks if isinstance(b, RawTable)] == [[["TT", "Chỉ tiêu"], ["1", "Tỷ lệ 5G"]]]


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_corrupt_office_file(tmp_path, suffix):
    path = tmp_path / f"hong{suffix}"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive" * 10)
    with pytest.raises(ReadError) as error:
        read_blocks(path)
    assert "bị hỏng" in error.value.message and f"hong{suffix}" in error.value.message


def test_empty_file(tmp_path):
    path = tmp_path / "rong.csv"
    path.write_bytes(b"")
    with pytest.raises(ReadError, match="rỗng"):
        read_blocks(path)


def test_file_with_only_blank_lines_has_no_data(tmp_path):
    path = tmp_path / "trang.csv"
    path.write_text(";;\n;;\n", encoding="utf-8")
    with pytest.raises(ReadError, match="không có dữ liệu"):
        read_blocks(path)


def test_file_over_20_mb(tmp_path):
    path = tmp_path / "lon.xlsx"
    with path.open("wb") as handle:  # sparse: no 20 MB actually written
        handle.truncate(MAX_UPLOAD_BYTES + 1)
    with pytest.raises(ReadError) as error:
        read_blocks(path)
    assert "vượt quá giới hạn 20 MB" in error.value.message


@pytest.mark.parametrize(("name", "hint"), [("ke-hoach.doc", True), ("ke-hoach.pdf", True), ("anh.png", False),
                                             ("khong-duoi", False)])
def test_unsupported_suffix(tmp_path, name, hint):
    path = tmp_path / name
    path.write_bytes(b"x")
    with pytest.raises(ReadError) as error:
        read_blocks(path)
    assert "chưa được hỗ trợ" in error.value.message
    assert ("Hãy lưu lại dưới dạng .docx hoặc .xlsx" in error.value.message) is hint


def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="Không mở được"):
        read_blocks(tmp_path / "khong-co.xlsx")


def test_docx_tables_inside_content_controls_are_read(tmp_path):
    from docx.oxml import OxmlElement

    def build(document):
        document.add_paragraph("Trước")
        table = document.add_table(rows=2, cols=2)
        for r, row in enumerate([["TT", "Nội dung"], ["1", "Nhiệm vụ trong khung nội dung"]]):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        # Wrap the table in <w:sdt><w:sdtContent>…</w:sdtContent></w:sdt>, as Word templates do.
        sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
        table._tbl.addprevious(sdt)
        content.append(table._tbl)
        sdt.append(content)
        document.add_paragraph("Sau")

    blocks = read_blocks(_docx(tmp_path / "sdt.docx", build))
    assert blocks[0] == "Trước" and blocks[-1] == "Sau"
    assert blocks[1].rows == [["TT", "Nội dung"], ["1", "Nhiệm vụ trong khung nội dung"]]
