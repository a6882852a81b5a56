from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.deadlines import ParsedDeadline, parse_deadline
from plans.models import Task

Kind = Task.DeadlineKind


@pytest.mark.parametrize(
    ("text", "kind", "start", "due"),
    [
        ("Tháng 03/2026", "month", date(2026, 3, 1), date(2026, 3, 31)),
        ("6/2025", "month", date(2025, 6, 1), date(2025, 6, 30)),
        ("06/2025", "month", date(2025, 6, 1), date(2025, 6, 30)),
        ("T6/2025", "month", date(2025, 6, 1), date(2025, 6, 30)),
        ("tháng 6 năm 2025", "month", date(2025, 6, 1), date(2025, 6, 30)),
        ("quý 2 năm 2025", "quarter", date(2025, 4, 1), date(2025, 6, 30)),
        ("Quý 2/2025", "quarter", date(2025, 4, 1), date(2025, 6, 30)),
        ("2025 và những năm tiếp theo", "ongoing", date(2025, 1, 1), None),
        ("Từ năm 2025 trở đi", "ongoing", date(2025, 1, 1), None),
        ("45838", "date", None, date(2025, 6, 30)),
        ("Trước 30/6/2025", "date", None, date(2025, 6, 30)),
        ("Tháng 3/2026", "month", date(2026, 3, 1), date(2026, 3, 31)),
        ("Tháng 02/2028", "month", date(2028, 2, 1), date(2028, 2, 29)),
        ("Tháng 11/2026", "month", date(2026, 11, 1), date(2026, 11, 30)),
        ("tháng 6 năm 2026", "month", date(2026, 6, 1), date(2026, 6, 30)),
        ("Quý IV/2026", "quarter", date(2026, 10, 1), date(2026, 12, 31)),
        ("Quý 4/2026", "quarter", date(2026, 10, 1), date(2026, 12, 31)),
        ("Quý I năm 2026", "quarter", date(2026, 1, 1), date(2026, 3, 31)),
        ("Quý II/2027", "quarter", date(2027, 4, 1), date(2027, 6, 30)),
        ("Quý III - 2026", "quarter", date(2026, 7, 1), date(2026, 9, 30)),
        ("Năm 2026", "year", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026", "year", date(2026, 1, 1), date(2026, 12, 31)),
        ("Trong năm 2027", "year", date(2027, 1, 1), date(2027, 12, 31)),
        ("2026 - 2030", "year_range", date(2026, 1, 1), date(2030, 12, 31)),
        ("2026-2030", "year_range", date(2026, 1, 1), date(2030, 12, 31)),
        ("Giai đoạn 2026 - 2027", "year_range", date(2026, 1, 1), date(2027, 12, 31)),
        ("Giai đoạn 2026 – 2029", "year_range", date(2026, 1, 1), date(2029, 12, 31)),
        ("Giai đoạn 2026 -2028", "year_range", date(2026, 1, 1), date(2028, 12, 31)),
        ("Từ năm 2026 đến năm 2030", "year_range", date(2026, 1, 1), date(2030, 12, 31)),
        ("Trước 30/6/2026", "date", None, date(2026, 6, 30)),
        ("Trước ngày 15/4/2026", "date", None, date(2026, 4, 15)),
        ("30/06/2026", "date", None, date(2026, 6, 30)),
        ("6 tháng đầu năm 2026", "date", date(2026, 1, 1), date(2026, 6, 30)),
        ("6 tháng cuối năm 2026", "date", date(2026, 7, 1), date(2026, 12, 31)),
        ("Thường xuyên", "ongoing", None, None),
        ("Thường xuyên, hằng năm", "ongoing", None, None),
        ("Hằng năm", "recurring", None, None),
        ("Hàng năm", "recurring", None, None),
        ("Hàng quý", "recurring", None, None),
        ("Hằng quý", "recurring", None, None),
        ("Định kỳ", "recurring", None, None),
    ],
)
def test_parse_deadline(text, kind, start, due):
    parsed = parse_deadline(text)
    assert parsed == ParsedDeadline(kind, start, due, text)
    assert parsed.kind in Kind.values


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [("Tháng 9", "month", date(2026, 9, 30)), ("Quý III", "quarter", date(2026, 9, 30)),
     ("Trước 30/6", "date", date(2026, 6, 30)), ("6 tháng đầu năm", "date", date(2026, 6, 30))],
)
def test_default_year_completes_a_deadline_without_year(text, kind, due):
    parsed = parse_deadline(text, default_year=2026)
    assert (parsed.kind, parsed.due) == (kind, due)
    assert parse_deadline(text).kind == "none"


@pytest.mark.parametrize(
    "text", ["", None, "   ", "Khi có chủ trương", "31/02/2026", "Tháng 13/2026", "2030 - 2026", "Quý V/2026"]
)
def test_unknown_text_gives_kind_none_and_keeps_the_text(text):
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.start, parsed.due) == ("none", None, None)
    assert parsed.text == (text or "").strip()


def test_text_is_kept_with_its_spacing_normalised():
    assert parse_deadline("  Quý IV/2026 \n").text == "Quý IV/2026"


@given(st.text())
def test_never_crashes(text):
    parsed = parse_deadline(text, default_year=2026)
    assert parsed.kind in Kind.values
    if parsed.start and parsed.due:
        assert parsed.start <= parsed.due


@given(st.text(alphabet="0123456789/- QuýIVThángnăm", max_size=20), st.none() | st.integers(0, 3000))
def test_never_crashes_on_deadline_like_text(text, default_year):
    parsed = parse_deadline(text, default_year=default_year)
    assert parsed.kind in Kind.values
