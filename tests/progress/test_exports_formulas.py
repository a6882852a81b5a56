"""The results appendix writes a section title that looks like a formula as text."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from indicators.models import Indicator
from progress.exports import results_file
from progress.services import plan_recompute
from tests.factories import SectionFactory

pytestmark = pytest.mark.django_db
ATTACK = '=HYPERLINK("http://evil.example/","Bấm vào đây")'


def test_results_xlsx_has_no_formula(world):
    section = SectionFactory(plan=world.plan, code="I", title=ATTACK, order=1)
    Indicator.objects.filter(pk=world.indicators["I.1"].pk).update(section=section)
    plan_recompute(plan=world.plan, as_of=dt.date(2027, 1, 5))
    content, _name, _type = results_file(plan=world.plan, year=2026, file_format="xlsx")
    cells = [cell for row in load_workbook(io.BytesIO(content)).active.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert ATTACK in [cell.value for cell in cells]
