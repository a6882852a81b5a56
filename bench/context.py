"""What every benchmark module receives: the scale, the data, the bench's database and Redis, and the
shared gunicorn (started on first use, stopped by `close`). Sessions and tokens are created directly in
the database (as a login would), so no measurement pays for password hashing."""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.dataset import BenchData
from bench.http import Client
from bench.servers import Gunicorn, service_env


@dataclass
class Bench:
    scale: str
    database_url: str
    redis_url: str
    data: BenchData
    logs: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="chitieu-bench-")))
    settings: dict = field(default_factory=dict)
    _gunicorn: Gunicorn | None = None
    _sessions: dict = field(default_factory=dict)

    def env(self, **extra: str) -> dict:
        return service_env(database_url=self.database_url, redis_url=self.redis_url, **extra)

    def gunicorn(self) -> Gunicorn:
        if self._gunicorn is None:
            server = Gunicorn(env=self.env(), log=self.logs / "gunicorn.log")
            self.settings["gunicorn_workers"] = server.workers
            self.settings["gunicorn_config"] = "config/gunicorn.conf.py (sync workers, DEBUG=0)"
            self._gunicorn = server.start()
        return self._gunicorn

    def session(self, username: str) -> str:
        """A session key for the user, as the login page would create it."""
        if username not in self._sessions:
            from django.conf import settings
            from django.test import Client as DjangoClient

            client = DjangoClient()
            client.force_login(BenchData.user(username))
            self._sessions[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return self._sessions[username]

    @staticmethod
    def token(username: str) -> str:
        from agencies.tokens import token_issue

        return token_issue(user=BenchData.user(username)).key

    def client(self, username: str | None = None, *, api: bool = False) -> Client:
        base = self.gunicorn().base
        if username is None:
            return Client(base)
        return Client(base, token=self.token(username)) if api else Client(base, session=self.session(username))

    def close(self) -> None:
        if self._gunicorn is not None:
            self._gunicorn.stop()
            self._gunicorn = None
