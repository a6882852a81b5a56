"""Logs: JSON lines, each event once, 403/404 as one line without traceback, tagged with the request."""

import io
import json
import logging

import pytest
from django.urls import reverse

from config.logging import JsonLineFormatter


@pytest.fixture
def console():
    """The root console handler of settings.LOGGING, writing JSON into a buffer for the test."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream, formatter = io.StringIO(), handler.formatter
    previous = handler.setStream(stream)
    handler.setFormatter(JsonLineFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s %(agency_ids)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    yield stream
    handler.setStream(previous)
    handler.setFormatter(formatter)


def _lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_404_is_one_json_line_with_the_request(client, reporter_a, agency_a, console):
    client.force_login(reporter_a)
    client.get(reverse("reports:inbox"))  # reads the memberships, as most pages do
    console.truncate(0)
    console.seek(0)
    response = client.get(reverse("reports:report", args=[999_999]), HTTP_X_REQUEST_ID="probe-404")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "probe-404"
    lines = _lines(console)
    assert len(lines) == 1, lines  # once: Django's own console handler does not print it again
    line = lines[0]
    assert line["level"] == "WARNING" and line["logger"] == "django.request"
    assert line["time"].endswith("+00:00")
    assert line["message"].startswith("Not Found: /")
    assert line["request_id"] == "probe-404"
    assert line["user_id"] == reporter_a.pk
    assert line["agency_ids"] == [agency_a.pk]
    assert "exc_info" not in line and "Traceback" not in console.getvalue()


def test_a_403_is_one_line_without_traceback(client, reporter_a, console):
    client.force_login(reporter_a)
    response = client.get(reverse("reports:review_queue"))  # staff only
    assert response.status_code == 403
    lines = [line for line in _lines(console) if line["logger"] == "django.request"]
    assert len(lines) == 1
    assert lines[0]["message"].startswith("Forbidden")
    assert lines[0]["user_id"] == reporter_a.pk
    assert len(lines[0]["request_id"]) == 32  # none was sent: a new one
    assert "Traceback" not in console.getvalue()


def test_a_500_keeps_its_traceback(console):
    from config.logging import ClientErrorFilter, RequestContextFilter

    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x", (),
                               (ValueError, ValueError("boom"), None))
    record.status_code = 500
    assert ClientErrorFilter().filter(record) and RequestContextFilter().filter(record)
    assert record.exc_info is not None
    assert record.request_id is None  # outside a request


def test_a_bad_request_id_is_replaced(client, db, console):
    response = client.get("/khong-co-trang-nay/", HTTP_X_REQUEST_ID="x" * 200 + "\n")
    assert response.status_code in {302, 404}
    assert len(response["X-Request-ID"]) == 32
