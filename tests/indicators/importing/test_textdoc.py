"""Text extractions → blocks: tab and pipe tables, page breaks, repeated headers, footnotes, no final newline."""

from indicators.importing.layout import LayoutError, layout_table
from indicators.importing.tables import RawTable
from indicators.importing.textdoc import read_text


def tables(blocks):
    return [b for b in blocks if isinstance(b, RawTable)]


def test_paragraphs_and_a_table_without_final_newline():
    blocks = read_text("# **KẾ HOẠCH**\nTên\n\nSTT\tNhiệm vụ\tChủ trì\n1\tViệc một\tSở Y tế", source="x.md")
    assert blocks[:2] == ["KẾ HOẠCH", "Tên"]
    assert blocks[0].line == 1
    (table,) = tables(blocks)
    assert table.rows[-1] == ["1", "Việc một", "Sở Y tế"]
    assert table.row_numbers == [4, 5]


def test_markdown_pipe_table():
    (table,) = tables(read_text("| STT | Nhiệm vụ | Chủ trì |\n|---|---|---|\n| 1 | Việc | Sở Y tế |\n"))
    assert table.rows == [["STT", "Nhiệm vụ", "Chủ trì"], ["1", "Việc", "Sở Y tế"]]


def test_page_break_and_footnote_inside_a_table():
    text = ("STT\tDự án\tChủ đầu tư\n1\tMột\tSở Y tế\n\n2\tHai\tSở Y tế\n"
            "²¹ Theo Nghị quyết số 120/NQ-HĐND\n"
            "STT\tDự án\tChủ đầu tư\n3\tBa\tSở Y tế\n")
    blocks = read_text(text)
    (table,) = tables(blocks)
    assert [r[0] for r in table.rows] == ["STT", "1", "2", "STT", "3"]
    assert table.breaks == {2, 3}
    layout = layout_table(table)
    assert [r.code for r in layout.rows] == ["1", "2", "3"]
    assert "²¹ Theo Nghị quyết số 120/NQ-HĐND" in blocks


def test_continuation_after_a_page_break_joins_the_row_above():
    text = ("STT\tNhiệm vụ\tChủ trì\tPhối hợp\tThời gian\n"
            "I. HẠ TẦNG\t\t\t\t\n"
            "1\tXây dựng nền tảng\tSở Khoa học và Công nghệ\tCác sở, ban,\tGiai đoạn\n"
            "\n"
            "STT\tNhiệm vụ\tChủ trì\tPhối hợp\tThời gian\n"
            "\t\t\tngành tỉnh\t2026 - 2030\n"
            "2\tViệc khác\tSở Y tế\t\tNăm 2026\n")
    layout = layout_table(tables(read_text(text))[0])
    first, second = layout.rows
    assert (first.code, first.values["coord"], first.values["deadline"]) == (
        "1", "Các sở, ban, ngành tỉnh", "Giai đoạn 2026 - 2030")
    assert first.section.path() == ["HẠ TẦNG"]
    assert second.code == "2"  # numbering runs through the table: the number alone is the code


def test_two_row_header_and_merged_number_cells():
    text = ("TT\tNhiệm vụ cụ thể\tĐơn vị chủ trì\t\tThời gian hoàn thành\n"
            "\t\tChủ trì\tPhối hợp\t\n"
            "1\tMột\tSở Y tế\tSở Tài chính\tThường xuyên\n"
            "\tMột (b)\tSở Y tế\tSở Tài chính\tHàng quý\n")
    layout = layout_table(tables(read_text(text))[0])
    assert [c.role for c in layout.columns] == ["number", "content", "lead", "coord", "deadline"]
    assert [r.code for r in layout.rows] == ["1", "1.2"]


def test_no_recognisable_header():
    table = RawTable(rows=[["Cột A", "Cột B"], ["1", "2"]], row_numbers=[7, 8])
    try:
        layout_table(table)
    except LayoutError as error:
        assert error.line == 7
        assert error.message.startswith("Không nhận ra loại bảng từ dòng tiêu đề: “Cột A | Cột B”")
    else:
        raise AssertionError("a table without a known header must be refused")
