"""Typed readers for settings that come from the environment.

Each helper fails loudly, naming the variable, so a typo in a deployment is a clear error at
start-up rather than a surprise at the first request.
"""

import os
import re

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


# Up to the last "@": a password may itself hold "@" or "/" that nobody percent-encoded.
_PASSWORD_IN_URL = re.compile(r"(?<=://)([^:/@]*):.*@")


def redacted(raw: str) -> str:
    """The URL as it may appear in an error message or a log: the password replaced by ***."""
    return _PASSWORD_IN_URL.sub(r"\1:***@", raw)


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_origins(name: str) -> list[str]:
    """Origins such as https://chitieu.dongthap.gov.vn (scheme required, as Django's CSRF check needs)."""
    origins = env_list(name)
    for origin in origins:
        if not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ImproperlyConfigured(f"{name}: {origin!r} is not an origin like https://chitieu.example.gov.vn")
    return origins


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """The header a trusted proxy sets to tell HTTPS from HTTP: "X-Forwarded-Proto" (value https) or
    "X-Forwarded-Proto: https". Unset: none (Django then trusts only the connection it sees)."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return None
    header, _sep, value = raw.partition(":")
    header, value = header.strip(), (value.strip() or "https")
    if not re.fullmatch(r"[A-Za-z0-9-]+", header):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a header name such as X-Forwarded-Proto")
    return "HTTP_" + header.upper().replace("-", "_"), value


def env_database(name: str, default: dict) -> dict:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # environ raises several kinds; all mean the same to an operator
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from exc
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured(
            f"{name}={redacted(raw)!r} is not a valid database URL (scheme://user@host:port/name)")
    if config["ENGINE"] not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured(f"{name} must point to PostgreSQL or SQLite, not {config['ENGINE']}")
    return config


def env_email(name: str) -> dict:
    raw = os.environ.get(name)
    if not raw:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    try:
        config = environ.Env.email_url_config(raw)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} is not a valid e-mail URL: {exc}") from exc
    if not config.get("EMAIL_BACKEND"):
        raise ImproperlyConfigured(
            f"{name}={redacted(raw)!r} is not a valid e-mail URL (smtp://, consolemail://, …)")
    return config


def env_redis_url(name: str) -> str | None:
    raw = os.environ.get(name)
    if not raw:
        return None
    if not raw.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name}={redacted(raw)!r} must start with redis://, rediss:// or unix://")
    return raw


def env_int(name: str, default: int | None = None, *, minimum: int | None = None) -> int | None:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum {minimum}")
    return value
