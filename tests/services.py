"""Real services a test starts and stops itself: a spare Redis, Celery workers and beat as processes.

Ports 6390–6399 are kept for spare Redis servers; each test takes a free one and stops its server.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SPARE_PORTS = range(6390, 6400)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until(predicate, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout} s")


class SpareRedis:
    """A throw-away redis-server on 127.0.0.1 (no persistence), started and stopped by the test."""

    def __init__(self):
        self.port = next((p for p in SPARE_PORTS if _port_free(p)), None)
        assert self.port is not None, "no free port in 6390–6399 for a spare Redis"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "SpareRedis":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.answers, 10, what=f"redis on port {self.port}")
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


def database_url() -> str:
    """The URL of the database the test runs in (pytest-django's test_… database)."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def celery_env(broker_url: str, **extra: str) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url(), REDIS_URL=broker_url, DEBUG="0",
               SECRET_KEY=os.environ.get("SECRET_KEY") or "test-secret-key-for-worker-processes",
               LOG_FORMAT="text", LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def start_celery(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    """`celery -A <app> <args>` in its own process group (so the test can kill it whole)."""
    return subprocess.Popen([str(Path(sys.executable).parent / "celery"), *args], cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # the main process: a warm shutdown stops its pool itself
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(c) for c in task.read_text().split()]
    return found


@contextmanager
def broker_at(url: str):
    """Point this process's Celery producer at another broker (its connection pools are rebuilt)."""
    from config.celery import app

    def reset_pools():
        # Dropped, not closed: kombu keeps one pool per URL for the process, and a closed one would be reused.
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url
    app.conf.broker_url = url
    reset_pools()
    try:
        yield app
    finally:
        app.conf.broker_url = saved
        reset_pools()
