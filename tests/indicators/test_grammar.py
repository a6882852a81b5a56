from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.grammar import (
    OPS,
    ParseError,
    clean_cell,
    format_target,
    parse_baseline,
    parse_money,
    parse_target,
    parse_year_header,
    split_stated_target,
    units_agree,
)
from indicators.numbers import ParseError as NumbersParseError

D = Decimal


@pytest.mark.parametrize(
    ("text", "op", "low", "high", "unit"),
    [
        ("≥ 90", ">=", 90, None, ""),
        ("≥90%", ">=", 90, None, "%"),
        (">= 90", ">=", 90, None, ""),
        ("Tối thiểu 96%", ">=", 96, None, "%"),
        ("Ít nhất 02 doanh nghiệp", ">=", 2, None, "doanh nghiệp"),
        ("Trên 95%", ">", 95, None, "%"),
        ("> 80%", ">", 80, None, "%"),
        ("Đạt trên 95% dân số", ">", 95, None, "% dân số"),
        ("Phấn đấu đạt 50%", ">=", 50, None, "%"),
        ("Phấn đấu trên 50%", ">", 50, None, "%"),
        ("Phấn đấu 100%", ">=", 100, None, "%"),
        ("Phần đầu đạt 50%", ">=", 50, None, "%"),  # seed 002's typo of "Phấn đấu"
        ("Không thấp hơn 90%", ">=", 90, None, "%"),
        ("90% trở lên", ">=", 90, None, "%"),
        ("Dưới 5%", "<", None, 5, "%"),
        ("Tối đa 10%", "<=", None, 10, "%"),
        ("Không quá 3 ngày", "<=", None, 3, "ngày"),
        ("≤ 5", "<=", None, 5, ""),
        ("= 12", "=", 12, 12, ""),
        ("15 - 20%", "range", 15, 20, "%"),
        ("15-20", "range", 15, 20, ""),
        ("từ 15% đến 20%", "range", 15, 20, "%"),
        ("15 – 20 %", "range", 15, 20, "%"),
        ("Duy trì 100%", "maintain", 100, None, "%"),
        ("100%", ">=", 100, None, "%"),
        ("95", ">=", 95, None, ""),
        ("5,07", ">=", D("5.07"), None, ""),
        ("Trên 110.000 tên miền", ">", 110000, None, "tên miền"),
        ("04 kết nối IoT", ">=", 4, None, "kết nối IoT"),
        ("43.863", ">=", 43863, None, ""),
        ("$\\geq 95\\%$", ">=", 95, None, "%"),
        ("<b>≥ 30%</b>", ">=", 30, None, "%"),
        ("≥ 60%¹⁹", ">=", 60, None, "%"),
        ("102 xã, phường", ">=", 102, None, "xã, phường"),
        ("95%.", ">=", 95, None, "%"),
        ("Tăng lên 50%", ">=", 50, None, "%"),
        ("Đạt 100%", ">=", 100, None, "%"),
        ("Giảm xuống dưới 5%", "<", None, 5, "%"),
        ("Không dưới 90%", ">=", 90, None, "%"),
    ],
)
def test_parse_target_reads_the_design_grammar(text, op, low, high, unit):
    parsed = parse_target(text)
    expected_low = None if low is None else D(low)
    expected_high = None if high is None else D(high)
    assert (parsed.op, parsed.low, parsed.high, parsed.unit) == (op, expected_low, expected_high, unit)
    assert parsed.text == clean_cell(text)


@pytest.mark.parametrize(("text", "op"), [("100%", "<="), ("95", "<="), ("Trên 95%", ">"), ("Duy trì 0", "maintain")])
def test_plain_numbers_follow_the_indicator_direction(text, op):
    assert parse_target(text, direction="decrease").op == op


@pytest.mark.parametrize(
    "text",
    [
        "Hoàn thành",
        "Ít nhất",
        "Tối đa",
        "Không quá",
        "Triển khai chuyển đổi IPv6 và IPv6 only trên địa bàn tỉnh",
        "Thí điểm IPv6 only tại Sở KH&CN, 01 phường và 01 xã",
        "Tỷ lệ 95%",
        "1.016/1.095",
        "Nâng cấp Trung tâm tích hợp dữ liệu tỉnh theo mô hình điện toán đám mây",
        "Các sở, ban, ngành và 102 xã, phường",
        "7. Tỷ trọng kinh tế số chiếm GRDP.",
        "Tăng 10%",
        "3) Hoàn thành hệ thống",
    ],
)
def test_sentences_are_text_targets_that_keep_the_cell(text):
    parsed = parse_target(text)
    assert (parsed.op, parsed.low, parsed.high, parsed.unit) == ("text", None, None, "")
    assert parsed.text == text
    assert parsed.value is None


def test_empty_target_is_an_empty_text_target():
    assert parse_target("  ") == parse_target(None) == parse_target("")
    assert parse_target("").op == "text"
    assert parse_target("").text == ""


def test_value_gives_the_single_bound():
    assert parse_target("Dưới 5%").value == 5
    assert parse_target("≥ 90").value == 90
    assert parse_target("15 - 20%").value is None


# Every target cell of seed 000's indicator table (Phụ lục I, 2026 … 2030) and of seed 002's tables.
SEED_TARGETS = {
    "≥ 90": (">=", 90), "95": (">=", 95), "97": (">=", 97), "99": (">=", 99), "100": (">=", 100),
    "≥ 90%": (">=", 90), "89.817": (">=", 89817), "114.570": (">=", 114570), "55.561": (">=", 55561),
    "≥ 85%": (">=", 85), "≥ 70%": (">=", 70), "≥ 30%": (">=", 30), "≥ 40%": (">=", 40), "≥ 5": (">=", 5),
    "≥ 3": (">=", 3), "Tối thiểu 60%": (">=", 60), "Tối thiểu 10%": (">=", 10), "80%": (">=", 80),
    "Phấn đấu 80%": (">=", 80), "> 80%": (">", 80), "02 doanh nghiệp": (">=", 2), "70%": (">=", 70),
}


@pytest.mark.parametrize(("cell", "expected"), SEED_TARGETS.items())
def test_seed_target_cells(cell, expected):
    parsed = parse_target(cell)
    assert (parsed.op, parsed.value) == (expected[0], D(expected[1]))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Tỷ lệ¹⁹ <i>dân số</i>", "Tỷ lệ dân số"),
        ("DỰ ÁN DỰ KIẾN KHỞI CÔNG NĂM 2026²¹", "DỰ ÁN DỰ KIẾN KHỞI CÔNG NĂM 2026"),
        # Seed 002, Phụ lục I: the marker after a space, before the full stop.
        ("đến cấp xã ¹⁹ .", "đến cấp xã."),
        ("Đồng Tháp ²⁰ .", "Đồng Tháp."),
        ("¹⁹ Mạng truyền số liệu", "¹⁹ Mạng truyền số liệu"),  # a footnote's own text keeps its number
        ("**Trên** 90%", "Trên 90%"),
        ("*Ghi chú*", "Ghi chú"),
        ("dòng một<br>dòng hai<br/>ba", "dòng một dòng hai ba"),
        ("$\\geq 95\\%$", "≥ 95%"),
        ("$\\leq$ 5\\%", "≤ 5%"),
        ("a\u00a0\u00a0b\n\tc ", "a b c"),
        ("Sở KH&amp;CN", "Sở KH&CN"),
        ("Sở KH&CN", "Sở KH&CN"),
        ("diện tích 20 km², 3 m³", "diện tích 20 km², 3 m³"),
        ("\ufeffTT", "TT"),
        (None, ""),
        (95, "95"),
    ],
)
def test_clean_cell(raw, clean):
    assert clean_cell(raw) == clean


def test_clean_cell_composes_decomposed_vietnamese():
    import unicodedata

    assert clean_cell(unicodedata.normalize("NFD", "Chỉ tiêu")) == "Chỉ tiêu"


@pytest.mark.parametrize(
    ("text", "value", "fraction"),
    [
        ("77", D(77), None),
        ("5,45", D("5.45"), None),
        ("16.861", D(16861), None),
        ("77%", D(77), None),
        ("Thử nghiệm triển khai IPv6 only tại Trung tâm Chuyển đổi số", None, None),
        ("1.016/1.095", None, (D(1016), D(1095))),
        ("25 (năm 2024)", None, None),
        ("", None, None),
    ],
)
def test_parse_baseline(text, value, fraction):
    parsed = parse_baseline(text)
    assert (parsed.value, parsed.fraction, parsed.text) == (value, fraction, text)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("12.500 triệu đồng", D(12500), "triệu đồng"),
        ("1,2 tỷ đồng", D("1.2"), "tỷ đồng"),
        ("12.500", D(12500), ""),
        ("61.691", D(61691), ""),
        ("Vốn đầu tư", None, ""),
        ("", None, ""),
    ],
)
def test_parse_money(text, amount, unit):
    parsed = parse_money(text)
    assert (parsed.amount, parsed.unit) == (amount, unit)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Năm 2026", 2026),
        ("Mục tiêu năm 2026", 2026),
        ("2026", 2026),
        ("Chỉ tiêu 2026", 2026),
        ("Hiện trạng năm 2025", 2025),
        ("Mục tiêu đến năm 2030", 2030),
        ("2026 - 2030", None),
        ("Chỉ tiêu", None),
        ("", None),
        ("12026", None),
    ],
)
def test_parse_year_header(text, year):
    assert parse_year_header(text) == year


def test_parse_error_is_the_numbers_parse_error():
    assert ParseError is NumbersParseError


@given(st.text())
def test_parsers_never_crash(text):
    assert parse_target(text).op in OPS
    assert parse_target(text, direction="decrease").op in OPS
    parse_baseline(text)
    parse_money(text)
    parse_year_header(text)
    assert isinstance(clean_cell(text), str)


@given(st.text(alphabet="0123456789.,-–%≥≤<>= tTrênDướiduy", max_size=24))
def test_parsers_never_crash_on_target_like_text(text):
    parsed = parse_target(text)
    if parsed.op == "range":
        assert parsed.low <= parsed.high


numbers = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9, places=3)
positive = st.decimals(allow_nan=False, allow_infinity=False, min_value=0, max_value=10**9, places=3)
units = st.sampled_from(["", "%", "% dân số", "tên miền", "kết nối IoT", "triệu đồng", "ngày"])


@given(st.sampled_from([">=", ">", "<=", "<", "=", "maintain"]), numbers, units)
def test_a_formatted_target_parses_back(op, number, unit):
    low = None if op in {"<=", "<"} else number
    high = number if op in {"<=", "<", "="} else None
    parsed = parse_target(format_target(op, low, high, unit))
    assert (parsed.op, parsed.low, parsed.high, parsed.unit) == (op, low, high, unit)


@given(positive, positive, units)
def test_a_formatted_range_parses_back(a, b, unit):
    low, high = min(a, b), max(a, b)
    parsed = parse_target(format_target("range", low, high, unit))
    assert (parsed.op, parsed.low, parsed.high, parsed.unit) == ("range", low, high, unit)


@pytest.mark.parametrize(
    ("sentence", "name", "op", "value", "unit"),
    [
        ("Tỷ lệ phủ sóng 5G trên địa bàn tỉnh đạt trên 95% dân số", "Tỷ lệ phủ sóng 5G trên địa bàn tỉnh", ">",
         95, "% dân số"),
        # seed 003, "MỤC TIÊU ĐẾN NĂM 2025"
        ("Tỷ lệ thuê bao băng rộng di động/100 dân: 80%.", "Tỷ lệ thuê bao băng rộng di động/100 dân", ">=", 80,
         "%"),
        ("Tỷ lệ dân số trưởng thành có điện thoại thông minh: Trên 95%.",
         "Tỷ lệ dân số trưởng thành có điện thoại thông minh", ">", 95, "%"),
        ("Tốc độ băng rộng di động (tốc độ trung bình theo i-Speed): 70 Mbps.",
         "Tốc độ băng rộng di động (tốc độ trung bình theo i-Speed)", ">=", 70, "Mbps"),
        ("Tỷ lệ áp, khu phố được phủ băng rộng cố định (cáp quang FTTH): duy trì 100%.",
         "Tỷ lệ áp, khu phố được phủ băng rộng cố định (cáp quang FTTH)", "maintain", 100, "%"),
        ("Tỷ lệ hồ sơ trực tuyến tối thiểu 60%", "Tỷ lệ hồ sơ trực tuyến", ">=", 60, "%"),
    ],
)
def test_split_stated_target(sentence, name, op, value, unit):
    found_name, target = split_stated_target(sentence)
    assert (found_name, target.op, target.value, target.unit) == (name, op, D(value), unit)


@pytest.mark.parametrize(
    "sentence",
    ["Xây dựng Trung tâm tích hợp dữ liệu mới theo hướng hiện đại", "Hoàn thành", "",
     "Phát triển hạ tầng kết nối mạng trên địa bàn tỉnh"],
)
def test_split_stated_target_without_a_target(sentence):
    assert split_stated_target(sentence) is None


@given(st.text())
def test_split_stated_target_never_crashes(text):
    split_stated_target(text)


def test_parse_money_takes_the_column_unit_when_the_cell_has_none():
    with_column_unit = parse_money("12.500", unit="triệu đồng")
    assert (with_column_unit.amount, with_column_unit.unit, with_column_unit.text) == (12500, "triệu đồng", "12.500")
    assert parse_money("1,2 tỷ đồng", unit="triệu đồng").unit == "tỷ đồng"
    assert parse_money("Vốn đầu tư", unit="triệu đồng").unit == ""


@pytest.mark.parametrize(
    ("cell", "indicator", "agree"),
    [("%", "% dân số", True), ("% dân số", "%", True), ("tên miền", "Tên miền", True), ("", "%", True),
     ("%", "", True), ("tên miền", "%", False), ("kết nối IoT", "Kết nối", True), ("Mbps", "%", False)],
)
def test_units_agree(cell, indicator, agree):
    assert units_agree(cell, indicator) is agree
