"""Issue 12 item 2: nothing approved is lost when the broker is down, and a killed worker's recompute comes back.

Against real services: the approvals publish to a spare Redis that is not running (the broker is down), then
a worker is fed from it once it is up; the killed-worker test runs real `celery worker` processes.
"""

import os
import signal
import time
from decimal import Decimal as D
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse

from progress.models import IndicatorProgress, PlanProgress
from progress.selectors import is_recompute_pending, oldest_pending_recompute_at
from reports.models import AgencyReport, RecomputeRequest
from reports.services import report_approve, report_save, report_submit
from tests.services import SpareRedis, broker_at, celery_env, children, start_celery, stop_process, wait_until

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.usefixtures("worker_broker"),  # skipped without REDIS_URL, failed if CI requires it
]


def _submitted(world, agency, user, code, value) -> AgencyReport:
    report = world.report(agency)
    report_save(report=report, user=user, version=report.version,
                data={"indicator_entries": [{"indicator": code, "value": value}]})
    report_submit(report=report, user=user)
    return report


@pytest.mark.django_db(transaction=True)  # the worker reads what the approvals committed
def test_approvals_succeed_with_the_broker_down_and_recompute_once_it_is_back(
        world, agency_a, agency_b, reporter_a, reporter_b, staff_admin, client):
    """Every way to approve (bulk, API, admin action, the report page) answers success with the broker down."""
    from celery.contrib.testing.worker import start_worker

    from progress.tasks import recompute_all_pending

    report_a = _submitted(world, agency_a, reporter_a, "I.1", "77,5")
    report_b = _submitted(world, agency_b, reporter_b, "I.4", "5")
    spare = SpareRedis()  # its port is free: nothing listens there, the broker is down
    client.force_login(staff_admin)

    def reopen_and_resubmit(report, reporter):
        response = client.post(reverse("api-report-reopen", args=[report.pk]), {"reason": "Sửa số liệu"},
                               content_type="application/json")
        assert response.status_code == 200, response.content
        report.refresh_from_db()
        report_submit(report=report, user=reporter)

    with broker_at(spare.url) as app:
        assert not app.conf.task_always_eager
        started = time.monotonic()
        response = client.post(reverse("reports:bulk_approve"), {"report": [report_a.pk, report_b.pk]})
        assert response.status_code == 302
        assert AgencyReport.objects.filter(pk__in=[report_a.pk, report_b.pk], status="approved").count() == 2
        reopen_and_resubmit(report_a, reporter_a)
        response = client.post(reverse("api-report-approve", args=[report_a.pk]), {}, content_type="application/json")
        assert response.status_code == 200, response.content
        reopen_and_resubmit(report_b, reporter_b)
        response = client.post(reverse("admin:reports_agencyreport_changelist"),
                               {"action": "approve_selected", "_selected_action": [report_b.pk]})
        assert response.status_code == 302
        reopen_and_resubmit(report_a, reporter_a)
        response = client.post(reverse("reports:approve", args=[report_a.pk]))
        assert response.status_code == 302
        assert AgencyReport.objects.filter(pk__in=[report_a.pk, report_b.pk], status="approved").count() == 2
        assert time.monotonic() - started < 30, "the approvals waited on the broker"

        # 2 bulk approvals, then three times a reopening and an approval: each recorded in its transaction.
        assert RecomputeRequest.objects.filter(plan=world.plan).count() == 8
        assert is_recompute_pending(world.plan.pk)
        assert oldest_pending_recompute_at() is not None
        assert not IndicatorProgress.objects.filter(plan=world.plan).exists()

        spare.start()  # the broker is back
        try:
            app.control.purge()
            with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
                recompute_all_pending.delay()  # what beat sends every minute (and a worker at its start)
                wait_until(lambda: not RecomputeRequest.objects.exists(), 30, what="the pending recompute")
        finally:
            spare.stop()
    assert not is_recompute_pending(world.plan.pk)
    row = IndicatorProgress.objects.get(indicator=world.indicators["I.1"], year=2026)
    assert row.actual == D("77.5")
    assert IndicatorProgress.objects.get(indicator=world.indicators["I.4"], year=2026).actual == D(5)


def _blocked_backends(database: str) -> list[int]:
    # Asked on the test's own autocommit connection: within the blocker's transaction the view would not change.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                       [database])
        return sorted(pid for (pid,) in cursor.fetchall())


def _terminate(pids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [pids])


@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_recompute_is_redelivered(world, agency_a, reporter_a, staff, tmp_path):
    """The recompute is stopped mid-way (the table it writes last is locked by the test); its worker process is
    killed, then the whole worker: the task comes back both times, and runs once the table is free."""
    report = _submitted(world, agency_a, reporter_a, "I.1", "81")
    settings_dict = connection.settings_dict
    database = settings_dict["NAME"]
    blocker = psycopg2.connect(dbname=database, user=settings_dict["USER"], host=settings_dict["HOST"] or "127.0.0.1",
                               port=settings_dict["PORT"] or 5432, password=settings_dict.get("PASSWORD") or None)
    spare = SpareRedis().start()
    log = Path(os.environ.get("WORKER_LOG_DIR", str(tmp_path))) / "worker.log"
    workers = []
    try:
        with blocker.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {PlanProgress._meta.db_table} IN ACCESS EXCLUSIVE MODE")
            env = celery_env(spare.url, CELERY_VISIBILITY_TIMEOUT="2")
            args = ["-A", "config", "worker", "--pool=prefork", "--concurrency=1", "--without-gossip",
                    "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
            workers.append(start_celery(args, env, log))
            with broker_at(spare.url):
                report_approve(report=report, user=staff)  # on commit: recompute_pending.delay(plan)
            first = wait_until(lambda: _blocked_backends(database), 60,
                               what="the recompute to reach the locked table")
            # 1. The worker's pool process dies (OOM killer, a segfault): the task is rejected back to the queue.
            pool_processes = children(workers[0].pid)
            assert pool_processes
            for pid in pool_processes:
                os.kill(pid, signal.SIGKILL)
            # Its database session would end when PostgreSQL next writes to the dead socket; end it now.
            _terminate(first)
            second = wait_until(lambda: [p for p in _blocked_backends(database) if p not in first], 60,
                                what="the recompute redelivered to a new pool process")
            # 2. The whole worker is killed: the message is unacknowledged in Redis until the visibility timeout.
            os.killpg(workers[0].pid, signal.SIGKILL)
            workers[0].wait(10)
            _terminate(second)
            time.sleep(2.5)  # past the visibility timeout (2 s here; CELERY_VISIBILITY_TIMEOUT in production)
            workers.append(start_celery(args, env, log))
            wait_until(lambda: [p for p in _blocked_backends(database) if p not in first + second], 60,
                       what="the recompute restored after the visibility timeout")
            assert RecomputeRequest.objects.filter(plan=world.plan).exists()  # nothing served while blocked
        blocker.rollback()  # the table is free: the redelivered recompute finishes
        wait_until(lambda: not RecomputeRequest.objects.exists(), 60, what="the recompute to finish")
    finally:
        blocker.close()
        for worker in workers:
            stop_process(worker)
        spare.stop()
    assert IndicatorProgress.objects.get(indicator=world.indicators["I.1"], year=2026).actual == D(81)
    assert PlanProgress.objects.filter(plan=world.plan).exists()
