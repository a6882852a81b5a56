import contextlib
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.numbers import (
    ParseError,
    format_number,
    format_value,
    parse_fraction,
    parse_number,
    parse_number_strict,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5,07", "5.07"),
        ("16.861", "16861"),
        ("114.570", "114570"),
        ("1.016", "1016"),
        ("95,5", "95.5"),
        ("0,5", "0.5"),
        ("100%", "100"),
        ("04", "4"),
        ("-3,2", "-3.2"),
        ("−3,2", "-3.2"),
        ("1.234.567,5", "1234567.5"),
        ("16 861", "16861"),
        ("16\u00a0861", "16861"),
        (" 77 ", "77"),
        ("12.500 triệu đồng", "12500"),
        ("43.863", "43863"),
        ("5,07.", "5.07"),
        # English keyboard, unambiguous: one dot not followed by exactly three digits.
        ("95.5", "95.5"),
        ("0.25", "0.25"),
        ("0.500", "0.500"),
        ("1,234.5", "1234.5"),
        ("1,234,567", "1234567"),
    ],
)
def test_parse_number_reads_vietnamese_numbers(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["", None, "   ", "abc", "Năm 2026", "Tỷ lệ 95%", "1.2.3", "1,2,3", "1.016/1.095", "12.34.567", "--5"]
)
def test_parse_number_returns_none_without_a_number(text):
    assert parse_number(text) is None


def test_parse_number_strict_raises_a_vietnamese_error():
    assert parse_number_strict("95,5") == Decimal("95.5")
    with pytest.raises(ParseError) as error:
        parse_number_strict("khoảng chín mươi")
    assert error.value.message == "“khoảng chín mươi” không phải là số"
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("5.07"), None, "5,07"),
        (16861, None, "16.861"),
        (Decimal("1234567.5"), None, "1.234.567,5"),
        (Decimal("1.50"), None, "1,5"),
        (Decimal("100.000"), None, "100"),
        (Decimal("-0.5"), None, "-0,5"),
        (Decimal("86.575"), 2, "86,58"),
        (Decimal("16861"), 2, "16.861,00"),
        (Decimal("-0.001"), 2, "0,00"),
        (None, None, ""),
        (2.5, None, "2,5"),
        (Decimal("1E+6"), None, "1.000.000"),
    ],
)
def test_format_number_writes_vietnamese_format(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_parse_fraction():
    assert parse_fraction("1.016/1.095") == (Decimal(1016), Decimal(1095))
    assert parse_fraction("3 / 4") == (Decimal(3), Decimal(4))
    assert parse_fraction("1/0") is None
    assert parse_fraction("1.016") is None
    assert parse_fraction("a/b") is None
    assert parse_fraction("1/2/3") is None
    assert parse_fraction(None) is None


decimals = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15, places=6)


@given(decimals)
def test_a_formatted_number_parses_back_to_itself(value):
    assert parse_number(format_number(value)) == value


@given(decimals, st.integers(min_value=0, max_value=4))
def test_a_rounded_number_parses_back_to_its_rounding(value, places):
    # Half up, as people round (86,575 → 86,58), not Python's round-half-even.
    assert parse_number(format_number(value, places)) == value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


@given(st.text())
def test_parsers_never_crash(text):
    parse_number(text)
    parse_fraction(text)
    with contextlib.suppress(ParseError):
        parse_number_strict(text)


@given(st.text(alphabet="0123456789.,-−% ", max_size=20))
def test_parsers_never_crash_on_number_like_text(text):
    value = parse_number(text)
    assert value is None or value.is_finite()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("95,5", "95.5"), ("16.861", "16861"), ("1.234,5", "1234.5"), ("95.5", "95.5"), ("80%", "80"), (" 7 ", "7")],
)
def test_vietnamese_decimal_field_accepts_what_officials_type(typed, expected):
    from indicators.forms import VietnameseDecimalField

    field = VietnameseDecimalField(max_digits=12, decimal_places=3)
    assert field.clean(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["abc", "95,5 tỷ", "1.2.3", "12,34,5"])
def test_vietnamese_decimal_field_rejects_other_text_in_vietnamese(typed):
    from django import forms

    from indicators.forms import VietnameseDecimalField

    field = VietnameseDecimalField(max_digits=12, decimal_places=3)
    with pytest.raises(forms.ValidationError) as error:
        field.clean(typed)
    assert "Vui lòng nhập một số" in error.value.messages[0]


def test_vietnamese_decimal_field_keeps_the_typed_text_and_shows_values_in_vietnamese():
    from django import forms

    from indicators.forms import VietnameseDecimalField

    class ValueForm(forms.Form):
        value = VietnameseDecimalField(max_digits=12, decimal_places=3, required=False)

    bound = ValueForm(data={"value": "chín mươi"})
    assert not bound.is_valid()
    assert 'value="chín mươi"' in str(bound["value"])
    unbound = ValueForm(initial={"value": Decimal("16861.5")})
    assert 'value="16.861,5"' in str(unbound["value"])
    assert ValueForm(data={"value": ""}).is_valid()


def test_vn_number_filter():
    from django.template import Context, Template

    template = Template("{% load vn_numbers %}{{ a|vn_number }} {{ b|vn_number:2 }} {{ c|vn_number }} {{ d|vn_number }}")
    rendered = template.render(Context({"a": Decimal("16861"), "b": Decimal("86.575"), "c": None, "d": "n/a"}))
    assert rendered == "16.861 86,58  n/a"


@pytest.mark.parametrize("value,kwargs,shown", [
    (None, {}, ""), ("", {"empty": "—"}, "—"), (Decimal("95.500000"), {}, "95,5"), (16861, {}, "16.861"),
    (0.25, {}, "0,25"), (dt.date(2026, 3, 31), {}, "31/03/2026"), (True, {}, "True"),
    ("completed", {"choices": {"completed": "Hoàn thành"}}, "Hoàn thành"), ("Theo Cục Thống kê", {}, "Theo Cục Thống kê"),
])
def test_format_value_is_the_one_vietnamese_display(value, kwargs, shown):
    assert format_value(value, **kwargs) == shown
