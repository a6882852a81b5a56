"""The admin's tabular inline inputs are named for their column and row (they have no <label>)."""

import re

import pytest
from django.urls import reverse

from tests.factories import IndicatorFactory, PlanFactory, TargetFactory

pytestmark = pytest.mark.django_db


def test_every_input_of_the_target_rows_has_a_name(client, staff_admin, province):
    plan = PlanFactory(province=province, start_year=2026, end_year=2028)
    indicator = IndicatorFactory(plan=plan, code="I.1")
    TargetFactory(indicator=indicator, year=2026)
    client.force_login(staff_admin)
    page = client.get(reverse("admin:indicators_indicator_change", args=[indicator.pk])).content.decode()

    inputs = re.findall(r'<(?:input|select|textarea)[^>]*name="targets-(\d+|__prefix__)-(\w+)"[^>]*>', page)
    visible = [(row, name) for row, name in inputs if name not in ("id", "indicator")]
    assert {name for _row, name in visible} == {"year", "op", "low", "high", "text", "DELETE"}
    for tag in re.findall(r'<(?:input|select|textarea)[^>]*name="targets-(?:\d+|__prefix__)-'
                          r'(?:year|op|low|high|text|DELETE)"[^>]*>', page):
        assert 'aria-label="' in tag, tag
    assert 'aria-label="Năm – dòng 1"' in page and 'aria-label="Năm – dòng 3"' in page
    assert 'aria-label="Năm – dòng mới"' in page  # the row copied by "add another"
