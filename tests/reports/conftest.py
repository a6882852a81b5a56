import datetime as dt

import pytest

from tests.reports.factories import reporting_plan


@pytest.fixture
def world(province, agency_a, agency_b):
    return reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b, today=dt.date(2026, 3, 1))


@pytest.fixture
def report_a(world, agency_a):
    return world.report(agency_a)


@pytest.fixture
def report_b(world, agency_b):
    return world.report(agency_b)
