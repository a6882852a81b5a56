"""Section rows marked by bold alone or numbered "1", "2" like the items: the readers keep bold, the layout step
tells a section from an item, and never takes an item with data of its own for a section."""

from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Font

from indicators.importing.layout import layout_table
from indicators.importing.readers import read_docx, read_xlsx
from indicators.importing.tables import RawTable

HEADER = ["TT", "Chỉ tiêu", "ĐVT", "Năm 2026", "Cơ quan chủ trì"]


def layout(rows, bold=()):
    table = RawTable(rows=[HEADER, *rows], row_numbers=list(range(1, len(rows) + 2)), bold={0, *bold})
    result = layout_table(table)
    return [(s.kind, s.code, s.title) for s in result.sections], {r.code: (r.values["name"], r.section and r.section.title)
                                                                 for r in result.rows}


def test_a_bold_title_is_a_section_and_a_bold_row_with_data_an_item():
    sections, rows = layout([
        ["", "Hạ tầng số", "", "", ""],
        ["1", "Tỷ lệ hộ có cáp quang", "%", "90", "Sở KH&CN"],
        ["2", "Số trạm 5G", "Trạm", "300", "Sở KH&CN"],
        ["", "Dữ liệu số", "", "", ""],
        ["3", "Số cơ sở dữ liệu dùng chung", "Cơ sở dữ liệu", "10", "Sở KH&CN"],
    ], bold={1, 3, 4})
    assert sections == [("bold", "", "Hạ tầng số"), ("bold", "", "Dữ liệu số")]
    assert rows == {"1": ("Tỷ lệ hộ có cáp quang", "Hạ tầng số"), "2": ("Số trạm 5G", "Hạ tầng số"),
                    "3": ("Số cơ sở dữ liệu dùng chung", "Dữ liệu số")}


def test_a_bold_total_or_stray_mark_is_not_a_section():
    sections, rows = layout([
        ["1", "Tỷ lệ hộ có cáp quang", "%", "90", "Sở KH&CN"],
        ["", "", "", "", "x"],
        ["2", "Số trạm 5G", "Trạm", "300", "Sở KH&CN"],
        ["", "Tổng cộng", "", "", ""],
    ], bold={2, 4})
    assert sections == []
    assert rows["TC"] == ("Tổng cộng", None)


def test_a_table_typed_all_in_bold_has_no_bold_sections():
    sections, rows = layout([
        ["1", "Tỷ lệ hộ có cáp quang", "%", "90", "Sở KH&CN"],
        ["2", "Chỉ số chuyển đổi số chưa có số liệu", "", "", ""],
        ["3", "Số trạm 5G", "Trạm", "300", "Sở KH&CN"],
    ], bold={1, 2, 3})
    assert sections == [] and list(rows) == ["1", "2", "3"]


def test_an_arabic_numbered_title_is_a_section_only_when_the_rows_under_it_are_its_parts():
    sections, rows = layout([
        ["1", "Hạ tầng số", "", "", ""],
        ["1.1", "Tỷ lệ hộ có cáp quang", "%", "90", "Sở KH&CN"],
        ["2", "Dữ liệu số", "", "", ""],
        ["a", "Số cơ sở dữ liệu dùng chung", "Cơ sở dữ liệu", "10", "Sở KH&CN"],
        ["3", "Nhân lực số", "", "", ""],
        ["3.1", "Số sinh viên công nghệ thông tin", "Người", "500", "Sở GD&ĐT"],
        ["4", "Chỉ số chưa có số liệu", "", "", ""],
        ["5", "Tỷ lệ dân số có danh tính số", "%", "70", "Công an tỉnh"],
    ])
    assert sections == [("numbered", "1", "Hạ tầng số"), ("numbered", "2", "Dữ liệu số"),
                        ("numbered", "3", "Nhân lực số")]
    # "4" followed by "5": an item with no data yet, beside the sections (not inside section 3).
    assert rows == {"1.1": ("Tỷ lệ hộ có cáp quang", "Hạ tầng số"), "a": ("Số cơ sở dữ liệu dùng chung", "Dữ liệu số"),
                    "3.1": ("Số sinh viên công nghệ thông tin", "Nhân lực số"),
                    "4": ("Chỉ số chưa có số liệu", None), "5": ("Tỷ lệ dân số có danh tính số", None)}


def test_an_item_after_the_parts_of_a_numbered_section_is_not_inside_it():
    sections, rows = layout([
        ["1", "Hạ tầng số", "", "", ""],
        ["1.1", "Tỷ lệ hộ có cáp quang", "%", "90", "Sở KH&CN"],
        ["2", "Tỷ lệ dân số có danh tính số", "%", "70", "Công an tỉnh"],
    ])
    assert sections == [("numbered", "1", "Hạ tầng số")]
    assert rows["2"] == ("Tỷ lệ dân số có danh tính số", None)


def test_bold_sections_nested_by_their_numbers():
    sections, rows = layout([
        ["1", "Hạ tầng số", "", "", ""],
        ["1.1", "Hạ tầng viễn thông", "", "", ""],
        ["a", "Tỷ lệ hộ có cáp quang", "%", "90", "Sở KH&CN"],
        ["1.2", "Hạ tầng dữ liệu", "", "", ""],
        ["a", "Số trung tâm dữ liệu", "Trung tâm", "1", "Sở KH&CN"],
    ], bold={1, 2, 4})
    assert [s[:2] for s in sections] == [("numbered", "1"), ("subnumbered", "1.1"), ("subnumbered", "1.2")]
    assert rows == {"1.1.a": ("Tỷ lệ hộ có cáp quang", "Hạ tầng viễn thông"),
                    "1.2.a": ("Số trung tâm dữ liệu", "Hạ tầng dữ liệu")}


def test_the_xlsx_reader_keeps_rows_whose_every_cell_is_bold(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["TT", "Chỉ tiêu"])
    sheet.append([1, "Hạ tầng số"])
    sheet.append([None, "Dữ liệu số"])
    sheet.append([2, "Tỷ lệ hộ có cáp quang"])
    for cell in (*sheet[2], sheet["B3"], sheet["B4"]):
        cell.font = Font(bold=True)
    book.save(tmp_path / "bang.xlsx")
    [table] = read_xlsx(tmp_path / "bang.xlsx")
    assert table.bold == {1, 2}  # row 4: its number is not bold


def test_the_docx_reader_keeps_bold_runs_and_bold_styles_but_not_bold_switched_off(tmp_path):
    document = Document()
    table = document.add_table(rows=4, cols=2)
    for r, (number, title, how) in enumerate([("1", "Hạ tầng số", "direct"), ("", "Dữ liệu số", "style"),
                                              ("2", "Tỷ lệ hộ có cáp quang", "off"), ("3", "Số trạm 5G", "")]):
        for c, text in enumerate((number, title)):
            run = table.cell(r, c).paragraphs[0].add_run(text)
            if how == "direct":
                run.bold = True
            elif how in {"style", "off"}:
                run.style = "Strong"
                if how == "off":
                    run.bold = False  # <w:b w:val="0"/> over a bold style
    document.save(tmp_path / "bang.docx")
    [read] = read_docx(tmp_path / "bang.docx")
    assert read.bold == {0, 1}
