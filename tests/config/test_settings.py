"""Settings come from the environment through helpers that fail loudly, naming the variable.

The helpers are tested directly; the fallbacks are tested by importing the real settings module in a
subprocess with a crafted environment (settings are read once per process).
"""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_email, env_list, env_redis_url

SQLITE_DEFAULT = {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}


# -- the helpers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,expected", [("1", True), ("true", True), ("Yes", True), (" on ", True),
                                          ("0", False), ("false", False), ("no", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)
    assert env_bool("DEBUG") is expected


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)
    assert env_bool("DEBUG", default=True) is True


@pytest.mark.parametrize("raw", ["maybe", "2", "vâng"])
def test_env_bool_rejects_anything_else_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("DEBUG", raw)
    with pytest.raises(ImproperlyConfigured, match=r"^DEBUG="):
        env_bool("DEBUG")


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " chitieu.dongthap.gov.vn, ,localhost ")
    assert env_list("ALLOWED_HOSTS") == ["chitieu.dongthap.gov.vn", "localhost"]


def test_env_database_falls_back_to_the_default(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert env_database("DATABASE_URL", default=SQLITE_DEFAULT) is SQLITE_DEFAULT
    monkeypatch.setenv("DATABASE_URL", "")
    assert env_database("DATABASE_URL", default=SQLITE_DEFAULT) is SQLITE_DEFAULT


def test_env_database_reads_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://chitieu:bi-mat@db.example:5433/chitieu")
    config = env_database("DATABASE_URL", default=SQLITE_DEFAULT)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["HOST"], config["PORT"]) == ("chitieu", "chitieu", "db.example", 5433)


@pytest.mark.filterwarnings("ignore:Engine not recognized:UserWarning")
@pytest.mark.parametrize("raw", ["not a url", "postgres://", "mysql://u@h/db", "postgres://u@h:notaport/db"])
def test_env_database_rejects_malformed_urls_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("DATABASE_URL", raw)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", default=SQLITE_DEFAULT)


@pytest.mark.parametrize("name,raw,reader", [
    ("DATABASE_URL", "postgres://chitieu:Bi@Mat123@db.example:5432", lambda n: env_database(n, default={})),
    ("REDIS_URL", "http://:Bi@Mat/123@127.0.0.1:6379/0", env_redis_url),
])
def test_errors_name_the_variable_but_never_print_its_password(monkeypatch, name, raw, reader):
    """Start-up errors end up in logs and CI output: the URL is shown with its password masked."""
    monkeypatch.setenv(name, raw)
    with pytest.raises(ImproperlyConfigured) as error:
        reader(name)
    message = str(error.value)
    assert message.startswith(name) and "Bi@Mat" not in message and "123" not in message
    assert ":***@" in message


@pytest.mark.parametrize("raw", ["http://127.0.0.1:6379/1", "127.0.0.1:6379", "localhost"])
def test_env_redis_url_rejects_other_schemes(monkeypatch, raw):
    monkeypatch.setenv("REDIS_URL", raw)
    with pytest.raises(ImproperlyConfigured, match=r"^REDIS_URL="):
        env_redis_url("REDIS_URL")


def test_env_redis_url_unset_or_valid(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert env_redis_url("REDIS_URL") is None
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    assert env_redis_url("REDIS_URL") == "redis://127.0.0.1:6379/1"


def test_env_email(monkeypatch):
    monkeypatch.delenv("EMAIL_URL", raising=False)
    assert env_email("EMAIL_URL")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://thu:bi-mat@mail.dongthap.gov.vn:587")
    config = env_email("EMAIL_URL")
    assert config["EMAIL_HOST"] == "mail.dongthap.gov.vn" and config["EMAIL_PORT"] == 587
    assert config["EMAIL_USE_TLS"] is True
    monkeypatch.setenv("EMAIL_URL", "khong-phai-url")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env_email("EMAIL_URL")


# -- the real settings module, in a clean process ------------------------------------------------------

PROBE = """
import json, django
django.setup()
from django.conf import settings
from config.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "celery_eager": app.conf.task_always_eager,
    "broker": settings.CELERY_BROKER_URL,
    "broker_host": app.connection_for_write().info()["hostname"],  # kombu warns here if it has to guess
    "cache": settings.CACHES["default"]["BACKEND"],
    "debug": settings.DEBUG,
    "language": settings.LANGUAGE_CODE,
    "languages": [code for code, _ in settings.LANGUAGES],
    "time_zone": settings.TIME_ZONE,
    "hosts": settings.ALLOWED_HOSTS,
    "email": settings.EMAIL_BACKEND,
    "media": str(settings.MEDIA_ROOT),
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}),
    "db_conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
    "db_health_checks": settings.DATABASES["default"].get("CONN_HEALTH_CHECKS"),
}))
"""


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean_env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run([sys.executable, "-c", PROBE], env=clean_env, cwd=settings.BASE_DIR,
                          capture_output=True, text=True, timeout=60)


def loaded(**env: str) -> dict:
    result = load_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_sqlite_eager_celery_and_local_memory_cache():
    values = loaded(DEBUG="1")
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(settings.BASE_DIR / "db.sqlite3")
    assert values["eager"] is True and values["celery_eager"] is True
    assert values["broker"].startswith("memory://")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["hosts"] == ["127.0.0.1", "localhost"]


def test_eager_celery_prints_no_english_broker_warning():
    """Every command that enqueues a task (seed_demo, import_plan) would print kombu's warning otherwise."""
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_vietnamese_language_and_time_zone():
    values = loaded(DEBUG="1")
    assert values["language"] == "vi" and "en" in values["languages"]
    assert values["time_zone"] == "Asia/Ho_Chi_Minh"


def test_database_url_and_redis_url_switch_to_postgresql_and_a_real_broker(tmp_path):
    values = loaded(DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/chitieu_h1",
                    REDIS_URL="redis://127.0.0.1:6379/1", MEDIA_ROOT=str(tmp_path), ALLOWED_HOSTS="a.vn,b.vn")
    assert values["engine"] == "django.db.backends.postgresql" and values["name"] == "chitieu_h1"
    assert values["eager"] is False and values["celery_eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/1"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["media"] == str(tmp_path)
    assert values["hosts"] == ["a.vn", "b.vn"]


def test_secret_key_required_with_debug_off():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr
    assert loaded(DEBUG="0", SECRET_KEY="k" * 50)["debug"] is False


def test_debug_defaults_to_off():
    result = load_settings()
    assert "SECRET_KEY is required" in result.stderr


@pytest.mark.parametrize("variable,value", [
    ("DATABASE_URL", "postgres//oops"),
    ("DATABASE_URL", "postgres://u@h:notaport/db"),
    ("REDIS_URL", "127.0.0.1:6379"),
    ("DEBUG", "có"),
    ("EMAIL_URL", "khong-phai-url"),
])
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value):
    env = {"DEBUG": "1", variable: value}
    result = load_settings(**env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line and variable in last_line


def test_vietnamese_number_and_date_formats():
    from datetime import date
    from decimal import Decimal

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.localize(Decimal("5.07"), use_l10n=True) == "5,07"
        assert formats.localize(16861, use_l10n=True) == "16.861"
        assert formats.date_format(date(2026, 3, 20), "SHORT_DATE_FORMAT") == "20/03/2026"
        assert formats.sanitize_separators("95,5") == "95.5"


@pytest.mark.django_db
def test_jit_is_off_on_the_apps_connections():
    """PostgreSQL's JIT compiled the review queue's per-report counts for 0.5–1.8 s (issue 14): off here."""
    from django.db import connection

    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://… (CI does)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_jit_can_be_turned_back_on_and_sqlite_gets_no_postgresql_options():
    url = "postgres://u@127.0.0.1:5432/x"
    assert loaded(DEBUG="1", DATABASE_URL=url)["db_options"]["options"] == "-c jit=off"
    assert loaded(DEBUG="1", DATABASE_URL=url, POSTGRES_JIT="1")["db_options"]["options"] == "-c jit=on"
    assert "options" not in loaded(DEBUG="1")["db_options"]


def test_postgresql_connections_are_kept_between_requests():
    """A new connection per request cost the database as much CPU as a report's read (issue 14)."""
    url = "postgres://u@127.0.0.1:5432/x"
    assert {k: v for k, v in loaded(DEBUG="1", DATABASE_URL=url).items() if k.startswith("db_")} == {
        "db_options": {"options": "-c jit=off"}, "db_conn_max_age": 60, "db_health_checks": True}
    assert loaded(DEBUG="1", DATABASE_URL=url, DB_CONN_MAX_AGE="0")["db_conn_max_age"] == 0
    assert loaded(DEBUG="1", DATABASE_URL=url + "?conn_max_age=5", DB_CONN_MAX_AGE="0")["db_conn_max_age"] == 5
