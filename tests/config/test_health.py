"""/healthz and `manage.py health` against the real PostgreSQL and Redis, and with Redis down."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.models import RecomputeRequest
from tests.factories import PlanFactory
from tests.services import SpareRedis

KEYS = {"database", "redis", "worker", "last_recompute_age_s", "oldest_pending_recompute_s", "version"}


@pytest.fixture
def worker(transactional_db, worker_broker):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
        yield app


def test_healthy_with_database_redis_and_a_worker(client, worker, province):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")  # a probe by IP, not in ALLOWED_HOSTS, no login
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) >= KEYS
    assert (body["database"], body["redis"], body["worker"], body["down"]) == ("ok", "ok", "ok", [])
    assert body["oldest_pending_recompute_s"] is None
    assert response["Cache-Control"] == "no-store"
    assert "Đồng Tháp" not in response.content.decode()  # states and ages only, nothing about anybody


@pytest.mark.django_db
def test_redis_down_is_503_naming_it(client, settings):
    settings.REDIS_URL = SpareRedis().url  # nothing listens on that port
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["redis"] == "down" and body["worker"] == "down"
    assert body["down"] == ["redis", "worker"]


@pytest.mark.django_db
def test_a_recompute_waiting_too_long_is_unhealthy(client, settings, province):
    settings.HEALTH_MAX_PENDING_SECONDS = 600
    settings.REDIS_URL = None  # eager mode: only the outbox can be unhealthy here
    RecomputeRequest.objects.create(plan=PlanFactory(province=province),
                                    requested_at=timezone.now() - dt.timedelta(minutes=11))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["recompute"]
    assert body["oldest_pending_recompute_s"] >= 660
    assert (body["redis"], body["worker"]) == ("not_configured", "eager")


@pytest.mark.django_db
def test_command_prints_the_same_and_fails_when_unhealthy(settings):
    settings.REDIS_URL = SpareRedis().url
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("health", stdout=out)
    assert exit_info.value.code == 1
    body = json.loads(out.getvalue())
    assert set(body) >= KEYS and body["redis"] == "down"


@pytest.mark.django_db
def test_command_exits_zero_when_healthy(settings):
    settings.REDIS_URL = None
    out = io.StringIO()
    call_command("health", stdout=out)
    assert json.loads(out.getvalue())["down"] == []
