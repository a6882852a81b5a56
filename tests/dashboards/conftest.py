import datetime as dt

import pytest
import time_machine

from progress.services import plan_recompute
from tests.factories import BaselineFactory, SectionFactory, TargetFactory
from tests.progress.factories import approve_report
from tests.reports.factories import reporting_plan

TODAY = dt.date(2026, 5, 10)


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 5, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
                             tick=False):
        yield TODAY


@pytest.fixture
def world(province, agency_a, agency_b, staff, reporter_a, reporter_b, frozen):
    """A plan 2026–2030: I.1 (agency A, ≥ 90 from 50) reported 60 in Q1, I.4 (agency B, a flow ≥ 20) 4 in
    Q1; I.2 and I.3 without values; tasks II.1 (A) and II.2 (B). Recomputed as of 10/05/2026."""
    world = reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b, today=dt.date(2026, 3, 1),
                           code="ha-tang-so", title="Hạ tầng số")
    section = SectionFactory(plan=world.plan, code="I", title="Hạ tầng")
    i1, i2, i3, i4 = (world.indicators[c] for c in ("I.1", "I.2", "I.3", "I.4"))
    for indicator in (i1, i2, i3, i4):
        indicator.section = section
        indicator.save(update_fields=["section"])
    BaselineFactory(indicator=i1, year=2025, value=50)
    TargetFactory(indicator=i1, year=2026, op=">=", low=90, text="≥ 90%")
    TargetFactory(indicator=i1, year=2030, op=">=", low=100, text="100%")
    TargetFactory(indicator=i2, year=2026, op=">=", low=80, text="80%")
    TargetFactory(indicator=i3, year=2026, op="text", low=None, text="Hoàn thành")
    i4.cumulative = False
    i4.save(update_fields=["cumulative"])
    TargetFactory(indicator=i4, year=2026, op=">=", low=20, text="20 doanh nghiệp")
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff,
                   indicators={"I.1": {"value": "60", "note": "ghi chú nội bộ của Sở Y tế"}})
    approve_report(world, agency=agency_b, reporter=reporter_b, staff=staff, indicators={"I.4": {"value": "4"}})
    plan_recompute(plan=world.plan, as_of=TODAY)
    return world
