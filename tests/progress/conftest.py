import datetime as dt

import pytest

from tests.factories import BaselineFactory, TargetFactory
from tests.reports.factories import reporting_plan


@pytest.fixture
def world(province, agency_a, agency_b):
    """reporting_plan with targets for 2026 and 2030: I.1 ≥ 90 from a baseline of 50 (2025),
    I.2 ratio ≥ 80, I.3 milestone "Hoàn thành", I.4 sum ≥ 20 new businesses (a flow)."""
    world = reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b, today=dt.date(2026, 3, 1))
    i1, i2, i3, i4 = (world.indicators[c] for c in ("I.1", "I.2", "I.3", "I.4"))
    BaselineFactory(indicator=i1, year=2025, value=50)
    TargetFactory(indicator=i1, year=2026, op=">=", low=90, text="≥ 90%")
    TargetFactory(indicator=i1, year=2030, op=">=", low=100, text="100%")
    TargetFactory(indicator=i2, year=2026, op=">=", low=80, text="80%")
    TargetFactory(indicator=i3, year=2026, op="text", low=None, text="Hoàn thành")
    i4.cumulative = False
    i4.save(update_fields=["cumulative"])
    TargetFactory(indicator=i4, year=2026, op=">=", low=20, text="20 doanh nghiệp")
    return world


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process even when REDIS_URL points to a broker (CI): these tests check what a
    task does, not the transport; test_worker.py runs the real worker."""
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
