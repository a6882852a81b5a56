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


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process even when REDIS_URL points to a broker (CI): these tests check what a
    task does, not the transport; test_worker.py runs the real worker."""
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
