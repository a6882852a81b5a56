"""The reminder job through a real Celery worker fed by the Redis of REDIS_URL."""

import datetime as dt
import time

import pytest
import time_machine

from reports.models import ReminderLog

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.usefixtures("worker_broker"),  # skipped without REDIS_URL, failed if CI requires it
]


@pytest.mark.django_db(transaction=True)  # the worker thread reads what the test committed
def test_worker_sends_each_reminder_once(world, reporter_a, reporter_b, mailoutbox):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from reports.tasks import send_reminders

    assert not app.conf.task_always_eager
    for user in (reporter_a, reporter_b):
        user.email = f"{user.username}@dongthap.gov.vn"
        user.save()
    app.control.purge()
    # 07:00 on 13/03/2026 in Vietnam: seven days before the Q1 due day
    with time_machine.travel(dt.datetime(2026, 3, 13, 0, 0, tzinfo=dt.UTC)), \
            start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
        send_reminders.delay()
        send_reminders.delay()  # the beat firing twice must not send twice
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and ReminderLog.objects.count() < 2:
            time.sleep(0.2)
        time.sleep(0.5)
    assert ReminderLog.objects.filter(kind=ReminderLog.Kind.DUE_IN_7_DAYS).count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["reporter_a@dongthap.gov.vn", "reporter_b@dongthap.gov.vn"]
