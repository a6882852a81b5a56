"""Word and Excel tables with merged cells: the reader fills every merged position with the merge's text and
lists it in `RawTable.merged`; the importer must read a merged section row as one title, a merged header cell
as one header over its columns, and a cell merged down a data column as "same as above"."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.importing.layout import LayoutError, layout_table
from indicators.importing.readers import read_blocks
from indicators.importing.service import PlanOverrides, plan_import_table
from indicators.importing.tables import RawTable
from indicators.models import Indicator
from plans.models import Section
from tests.indicators.importing import factories

pytestmark = pytest.mark.django_db

WRITERS = {"xlsx": factories.write_merged_xlsx, "docx": factories.write_merged_docx}


@pytest.fixture(params=[(suffix, spans) for suffix in WRITERS for spans in (True, False)],
                ids=lambda p: f"{p[0]}-{'header-spans-rows' if p[1] else 'header-one-row-each'}")
def merged_file(request, tmp_path):
    suffix, header_spans_rows = request.param
    return WRITERS[suffix](tmp_path / f"bang.{suffix}", header_spans_rows=header_spans_rows)


def test_layout_reads_merged_headers_and_section_rows(merged_file):
    [table] = [block for block in read_blocks(merged_file) if not isinstance(block, str)]
    assert table.merged  # the reader did see the merges
    layout = layout_table(table)
    assert layout.kind == "indicators"
    assert [(c.role, c.year) for c in layout.columns] == [
        ("number", None), ("name", None), ("unit", None), ("baseline", 2025),
        *[("target", year) for year in range(2026, 2031)], ("lead", None), ("note", None)]
    assert layout.columns[4].label == "Mục tiêu / Năm 2026"
    assert [(s.code, s.title) for s in layout.sections] == [("", "HẠ TẦNG VIỄN THÔNG - INTERNET"),
                                                             ("", "HẠ TẦNG DỮ LIỆU")]
    assert [row.values["name"] for row in layout.rows] == [
        "Tỷ lệ phủ sóng di động 5G cho người dân", "Tỷ lệ hộ gia đình có cáp quang", "Trung tâm dữ liệu tỉnh"]


def test_import_of_a_merged_table(directory, merged_file):
    report = plan_import_table(source=merged_file, plan_code="thu-nghiem", province=directory,
                               overrides=PlanOverrides(title="Kế hoạch thử nghiệm", start_year=2026, end_year=2030))
    assert report.ok, report.render()
    assert not report.warnings, report.render()
    assert list(Section.objects.order_by("order").values_list("code", "title")) == [
        ("", "HẠ TẦNG VIỄN THÔNG - INTERNET"), ("", "HẠ TẦNG DỮ LIỆU")]
    indicators = {i.code: i for i in Indicator.objects.all()}
    assert sorted(indicators) == ["1.1", "1.2", "2.1"]
    coverage, fibre, centre = indicators["1.1"], indicators["1.2"], indicators["2.1"]
    assert coverage.section.title == fibre.section.title == "HẠ TẦNG VIỄN THÔNG - INTERNET"
    assert [(t.year, t.op, t.low) for t in coverage.targets.order_by("year")] == [
        (2026, ">=", Decimal("90")), (2027, ">=", Decimal("95")), (2028, ">=", Decimal("97")),
        (2029, ">=", Decimal("99")), (2030, ">=", Decimal("100"))]
    assert coverage.baseline.value == Decimal("77")
    # The lead agency cell merged down over rows 1 and 2: the same agency leads both.
    assert list(fibre.lead_agencies.values_list("name", flat=True)) == ["Sở Khoa học và Công nghệ"]
    assert [(t.year, t.op, t.text) for t in centre.targets.order_by("year")] == [
        (year, "text", "Hoàn thành") for year in range(2026, 2031)]
    assert (centre.unit, centre.note) == ("Trung tâm", "ghi chú")


def test_a_cell_merged_across_other_columns_is_one_value():
    """Merged across name and unit, the name is not the unit too; a coded title merged across is a section."""
    header = ["TT", "Chỉ tiêu", "ĐVT", "Năm 2026", "Năm 2027", "Cơ quan theo dõi", "Ghi chú"]
    rows = [header,
            ["B. Chuyển đổi số"] * 7,
            ["1", "Số nền tảng số dùng chung", "Số nền tảng số dùng chung", "3", "5", "Sở Y tế", "Sở Y tế"],
            ["2. Dữ liệu số"] * 7,
            ["1", "Tỷ lệ dữ liệu được số hóa", "%", "Hoàn thành", "Hoàn thành", "Sở Y tế", ""]]
    merged = {(1, c) for c in range(1, 7)} | {(2, 2), (2, 6)} | {(3, c) for c in range(1, 7)} | {(4, 4)}
    layout = layout_table(RawTable(rows=rows, row_numbers=list(range(1, 6)), merged=merged))
    assert [(s.key, s.code, s.title) for s in layout.sections] == [
        (("B",), "B", "Chuyển đổi số"), (("B", "2"), "2", "Dữ liệu số")]
    platforms, digitised = layout.rows
    assert (platforms.values["unit"], platforms.values["note"], platforms.years) == ("", "", {2026: "3", 2027: "5"})
    assert (platforms.code, digitised.code) == ("B.1", "B.2.1")
    assert digitised.years == {2026: "Hoàn thành", 2027: "Hoàn thành"}  # merged across the years: each year


def test_a_column_merged_down_is_the_same_as_above():
    rows = [["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"],
            ["1", "Một", "Sở Y tế", "Quý I/2026"],
            ["2", "Hai", "Sở Y tế", "Quý II/2026"]]  # the agency cell spans both rows
    layout = layout_table(RawTable(rows=rows, row_numbers=[1, 2, 3], merged={(2, 2)}))
    assert [row.values["lead"] for row in layout.rows] == ["Sở Y tế", "Sở Y tế"]


def test_cooperation_header_merged_in_word():
    """Seed 001's layout as drawn in Word: "PHÂN CÔNG THỰC HIỆN" spans the partner's and the province's
    columns, the other header cells span both header rows, the field and its number span their items."""
    rows = [["STT", "LĨNH VỰC", "MÔ TẢ NỘI DUNG", "THỜI GIAN", "PHÂN CÔNG THỰC HIỆN", "PHÂN CÔNG THỰC HIỆN"],
            ["STT", "LĨNH VỰC", "MÔ TẢ NỘI DUNG", "THỜI GIAN", "VNPT", "UBND TỈNH ĐỒNG THÁP"],
            ["I", "HẠ TẦNG SỐ", "HẠ TẦNG SỐ", "HẠ TẦNG SỐ", "HẠ TẦNG SỐ", "HẠ TẦNG SỐ"],
            ["1", "Hạ tầng viễn thông", "Rà soát mạng truyền số liệu.", "Giai đoạn 2026 - 2027", "VNPT", "Sở Y tế"],
            ["1", "Hạ tầng viễn thông", "Mở rộng băng thông 5G.", "Năm 2026", "VNPT", "Sở Y tế"],
            ["2", "Nền tảng IoT", "Triển khai nền tảng IoT.", "Giai đoạn 2026 - 2030", "VNPT", "Sở Y tế"]]
    merged = ({(0, 5)} | {(1, c) for c in range(4)} | {(2, c) for c in range(2, 6)}
              | {(4, 0), (4, 1)})
    layout = layout_table(RawTable(rows=rows, row_numbers=list(range(1, 7)), merged=merged))
    assert layout.kind == "cooperation"
    assert [c.role for c in layout.columns] == ["number", "field", "content", "deadline", "partner", "lead"]
    assert [(s.code, s.title) for s in layout.sections] == [("I", "HẠ TẦNG SỐ"), ("", "Hạ tầng viễn thông"),
                                                             ("", "Nền tảng IoT")]
    assert [(row.values["content"], row.values["partner"], row.values["lead"]) for row in layout.rows] == [
        ("Rà soát mạng truyền số liệu.", "VNPT", "Sở Y tế"), ("Mở rộng băng thông 5G.", "VNPT", "Sở Y tế"),
        ("Triển khai nền tảng IoT.", "VNPT", "Sở Y tế")]


cells = st.text(alphabet=st.sampled_from(list("0123456789,.%≥IVX ạăâđêôơưTtSốNămChỉtiêu")), max_size=10)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cells, min_size=1, max_size=9), min_size=1, max_size=8), st.data())
def test_layout_never_crashes_whatever_is_merged(rows, data):
    rows = [factories.MERGED_HEADER, factories.MERGED_SUBHEADER, *rows]
    positions = [(r, c) for r, row in enumerate(rows) for c in range(len(row))]
    merged = set(data.draw(st.lists(st.sampled_from(positions), max_size=12)))
    try:
        layout = layout_table(RawTable(rows=rows, row_numbers=list(range(1, len(rows) + 1)), merged=merged))
    except LayoutError:
        return
    codes = [row.code for row in layout.rows]
    assert len(codes) == len(set(codes))
