"""A real Celery worker, fed through the Redis of REDIS_URL, recomputes progress after an approval."""

import time
from decimal import Decimal as D

import pytest

from progress.models import IndicatorProgress
from reports.services import report_approve, report_save, report_submit

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.usefixtures("worker_broker"),  # skipped without REDIS_URL, failed if CI requires it
]


@pytest.mark.django_db(transaction=True)  # the worker thread reads what the test committed
def test_worker_recomputes_after_an_approval(world, agency_a, reporter_a, staff):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    assert not app.conf.task_always_eager
    report = world.report(agency_a)
    report_save(report=report, user=reporter_a, version=report.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": "77,5"}]})
    report_submit(report=report, user=reporter_a)
    app.control.purge()  # messages other tests left in this Redis db are not ours to wait for
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
        report_approve(report=report, user=staff)  # commits: on_commit enqueues recompute_indicators
        deadline = time.monotonic() + 30
        row = None
        while time.monotonic() < deadline:
            row = IndicatorProgress.objects.filter(indicator=world.indicators["I.1"], year=2026).first()
            if row is not None:
                break
            time.sleep(0.2)
    assert row is not None, "the worker did not write the snapshot within 30 s"
    assert row.actual == D("77.5")
    assert row.status != "no_data"
