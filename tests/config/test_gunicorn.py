"""Gunicorn with config/gunicorn.conf.py serves the application and, through WhiteNoise, /static/ (issue 12
item 7): the compose setup needs no proxy for the static files."""

import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.services import ROOT, _port_free, celery_env, wait_until


def _get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.usefixtures("postgresql_database")
def test_gunicorn_serves_the_app_and_compressed_static_files(db, worker_broker, tmp_path):
    port = next(p for p in range(18400, 18500) if _port_free(p))
    env = celery_env(worker_broker, STATIC_ROOT=str(tmp_path / "static"), GUNICORN_BIND=f"127.0.0.1:{port}",
                     WEB_CONCURRENCY="1", LOG_FORMAT="json")
    bin_dir = Path(sys.executable).parent
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=120)
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen([str(bin_dir / "gunicorn"), "config.wsgi:application", "--config",
                               "config/gunicorn.conf.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: not _port_free(port), 30, what="gunicorn to listen")
        status, _headers, body = wait_until(lambda: _try(base + "/healthz"), 30, what="/healthz")
        assert status in {200, 503}  # no worker answers here; what matters is the JSON
        assert {"database", "redis", "worker", "version"} <= set(json.loads(body))
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
        status, headers, _body = _get(f"{base}/static/{manifest['css/app.css']}", **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers.get("Content-Encoding") == "gzip"
        assert "immutable" in headers.get("Cache-Control", "")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        log.close()
    access = [json.loads(line) for line in (tmp_path / "gunicorn.log").read_text().splitlines()
              if '"gunicorn.access"' in line]
    assert any(line["path"] == "/healthz" and len(line["request_id"]) == 32 for line in access)


def _try(url):
    try:
        return _get(url)
    except OSError:
        return None
