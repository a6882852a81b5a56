"""`manage.py check --deploy` is clean with the production variables the README documents, and the HTTPS
settings come from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k8#Vd2!qLz@7pX$eR1wN%yT4uB^mC6*hJ9&fG3(sA0)oE5-iU_lKjQvWbZcYxMn",
    "ALLOWED_HOSTS": "chitieu.dongthap.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://chitieu.dongthap.gov.vn",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    base = {key: value for key, value in os.environ.items()
            if not key.startswith(("SECURE_", "SESSION_", "CSRF_")) and key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_the_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_them():
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    **{**PRODUCTION, "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0"})
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout and "security.W008" in result.stderr + result.stdout


@pytest.mark.parametrize("name,value,message", [
    ("SECURE_PROXY_SSL_HEADER", "X Forwarded", "SECURE_PROXY_SSL_HEADER"),
    ("CSRF_TRUSTED_ORIGINS", "chitieu.dongthap.gov.vn", "CSRF_TRUSTED_ORIGINS"),
    ("SECURE_HSTS_SECONDS", "một năm", "SECURE_HSTS_SECONDS"),
    ("SESSION_IDLE_MINUTES", "0", "SESSION_IDLE_MINUTES"),
])
def test_a_malformed_value_stops_start_up_naming_the_variable(name, value, message):
    result = manage("check", **{**PRODUCTION, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_proxy_header_and_hsts_are_read(monkeypatch):
    from config.env import env_proxy_ssl_header

    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    assert env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Scheme: https")
    assert env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER") == ("HTTP_X_SCHEME", "https")
