"""The processes a bench starts on 127.0.0.1 and always stops: a private Redis, gunicorn, a Celery worker.

Each is a context manager that kills its process group in `finally`, so an interrupted bench leaves nothing
running. Gunicorn runs with config/gunicorn.conf.py as deployed (workers: 2 × cores + 1, at most 8, unless
WEB_CONCURRENCY says otherwise), DEBUG=0.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise RuntimeError(f"{what}: not within {timeout:g} s")


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM to the process (a graceful stop of its own workers), SIGKILL to its group if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def private_redis() -> Iterator[str]:
    """A redis-server of the bench's own (no persistence): its queue and cache share nothing with anyone."""
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        wait_until(lambda: _redis_answers(port), 10, "the bench's redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


def service_env(*, database_url: str, redis_url: str, **extra: str) -> dict:
    """The environment of a production-like process (DEBUG=0) on the bench's database and Redis."""
    env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, DEBUG="0",
               SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-secret-key-not-for-production-0123456789",
               ALLOWED_HOSTS="127.0.0.1,localhost", SESSION_COOKIE_SECURE="0", SECURE_SSL_REDIRECT="0",
               LOG_FORMAT="text", LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1",
               # 200 simulated users log in from one address: the per-address limit would refuse most of them.
               API_TOKEN_THROTTLE_RATE="100000/minute")
    env.update(extra)
    return env


class Gunicorn:
    def __init__(self, *, env: dict, log: Path, workers: int | None = None):
        self.port = free_port()
        self.env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}")
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def workers(self) -> int:
        """The worker count gunicorn.conf.py settles on in this environment."""
        code = ("import runpy; print(runpy.run_path('config/gunicorn.conf.py')['workers'])")
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=self.env, capture_output=True, text=True,
                             check=True)
        return int(out.stdout.strip())

    def start(self) -> "Gunicorn":
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi:application", "--config", "config/gunicorn.conf.py"],
            cwd=ROOT, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(self._answers, 60, "gunicorn to answer", interval=0.25)
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {self.log}")
        try:
            with urllib.request.urlopen(self.base + "/favicon.ico", timeout=10):
                return True
        except urllib.error.HTTPError:
            return True  # it answers
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=35)  # graceful_timeout is 30 s
            self.process = None


@contextmanager
def celery_worker(*, env: dict, log: Path) -> Iterator[subprocess.Popen]:
    """`celery -A config worker` (no beat) on the bench's Redis; yields once it answers a ping."""
    process = subprocess.Popen([str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO", "--without-gossip",
                                "--without-mingle"], cwd=ROOT, env=env, stdout=log.open("ab"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        from config.celery import app

        def pong():
            if process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited ({process.returncode}); see {log}")
            return app.control.ping(timeout=0.5)

        wait_until(pong, 60, "the Celery worker to answer a ping", interval=0.5)
        yield process
    finally:
        stop(process)
