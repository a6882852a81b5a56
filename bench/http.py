"""A small HTTP client for the bench's loopback requests (http.client: no dependency; a new connection per
request, as gunicorn's sync workers close each one), and a runner for concurrent clients (threads)."""

import gzip
import http.client
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Answer:
    status: int
    seconds: float
    body: bytes  # decompressed
    wire_bytes: int = 0  # as sent (gzip where the server compressed)

    def json(self):
        return json.loads(self.body)


class Client:
    """Requests to one base URL as one user: a session cookie (pages) or an API token."""

    def __init__(self, base: str, *, session: str = "", token: str = "", timeout: float = 60):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.session, self.token, self.timeout = session, token, timeout

    def request(self, method: str, path: str, payload=None, headers: dict | None = None) -> Answer:
        sent = {"Host": f"{self.host}:{self.port}", "Accept-Encoding": "gzip"}
        if self.session:
            sent["Cookie"] = f"sessionid={self.session}"
        if self.token:
            sent["Authorization"] = f"Token {self.token}"
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        start = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            status = response.status
            wire = len(data)
            if response.getheader("Content-Encoding") == "gzip":
                data = gzip.decompress(data)
        except OSError:
            status, data, wire = 0, b"", 0  # refused, reset or timed out: counted as an error by the caller
        finally:
            connection.close()
        return Answer(status, time.perf_counter() - start, data, wire)

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)


def concurrently(jobs: list[Callable[[], object]], *, deadline_s: float) -> tuple[list, float]:
    """Run every job at once (one thread each, released together); returns their results and the wall time.
    A job still running at the deadline is reported as a TimeoutError in its place."""
    barrier = threading.Barrier(len(jobs))

    def released(job):
        barrier.wait()
        return job()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(released, job) for job in jobs]
        outcomes = []
        for future in futures:
            remaining = max(0.1, deadline_s - (time.perf_counter() - start))
            try:
                outcomes.append(future.result(timeout=remaining))
            except Exception as error:  # noqa: BLE001 (each failure is counted, the run goes on)
                outcomes.append(error)
    return outcomes, time.perf_counter() - start
