"""Gunicorn settings from the environment (docker-compose.yml and the systemd unit use this file).

Workers are recycled after GUNICORN_MAX_REQUESTS requests (with jitter, so not all at once): a worker that
grew on one large request gives its memory back. Timeouts bound a stuck request.
"""

import multiprocessing
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.env import env_int, env_str  # noqa: E402  (gunicorn loads this file by path)

bind = env_str("GUNICORN_BIND", "0.0.0.0:8000")
# Gunicorn's own convention; default 2 × cores + 1, at most 8 (each worker holds a database connection).
workers = env_int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8), minimum=1)
timeout = env_int("GUNICORN_TIMEOUT", 60, minimum=5)
graceful_timeout = 30
keepalive = 5
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = max(1, max_requests // 10) if max_requests else 0
accesslog = "-"
errorlog = "-"
# Behind nginx: trust X-Forwarded-* from it only (the default is 127.0.0.1).
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access lines as JSON too, with the request id the application set (or nginx passed) on the response.
access_log_format = ('{"time": "%(t)s", "logger": "gunicorn.access", "method": "%(m)s", "path": "%(U)s", '
                     '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s"}')
