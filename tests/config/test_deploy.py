"""Issue 15 items 1 and 2: docker-compose.yml, .env.example and the production settings, checked without Docker
(which does not run on these machines): the compose file parsed, every variable cross-checked with what the
settings read, and `manage.py check --deploy` run with production variables."""

import os
import re
import subprocess
import sys

import yaml

from tests.services import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
APP_SERVICES = {name for name, service in SERVICES.items() if service.get("image") == "chitieu:latest"}
ENV_CALL = re.compile(r"\benv_[a-z_]+\(\s*\"([A-Z][A-Z0-9_]*)\"")
SHELL_VAR = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")


def variables_read() -> set[str]:
    """What the deployment reads from the environment: the settings, gunicorn's config, the backup scripts."""
    found = set()
    for path in (ROOT / "config" / "settings.py", ROOT / "config" / "gunicorn.conf.py"):
        found |= set(ENV_CALL.findall(path.read_text(encoding="utf-8")))
    for path in (ROOT / "scripts").glob("*.sh"):
        found |= set(SHELL_VAR.findall(path.read_text(encoding="utf-8")))
    return found


def env_example() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def command(name: str) -> list[str]:
    value = SERVICES[name]["command"]
    return value if isinstance(value, list) else value.split()


def test_the_services_and_their_images():
    assert {"migrate", "web", "worker", "beat", "db", "redis"} <= set(SERVICES)
    assert SERVICES["db"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7"
    assert {"migrate", "web", "worker", "beat"} <= APP_SERVICES


def test_exactly_one_beat_and_workers_without_beat():
    beats = [name for name in APP_SERVICES if "beat" in command(name)]
    assert beats == ["beat"]
    assert SERVICES["beat"].get("deploy", {}).get("replicas") == 1
    worker = command("worker")
    assert worker[:4] == ["celery", "-A", "config", "worker"]
    assert not {"--beat", "-B"} & set(worker)
    assert "replicas" not in SERVICES["worker"].get("deploy", {})  # scalable: --scale worker=N


def test_web_is_gunicorn_configured_from_the_environment():
    web = command("web")
    assert web[0] == "gunicorn" and "--config" in web
    config_file = ROOT / web[web.index("--config") + 1]
    text = config_file.read_text(encoding="utf-8")
    for name in ("WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "GUNICORN_MAX_REQUESTS"):
        assert f'"{name}"' in text
    assert "max_requests" in text and "max_requests_jitter" in text


def test_migrations_run_once_before_web_worker_and_beat():
    assert command("migrate")[-2:] == ["migrate", "--noinput"]
    assert SERVICES["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert SERVICES[name]["depends_on"]["db"] == {"condition": "service_healthy"}


def test_health_checks_on_every_running_service():
    running = {name for name, service in SERVICES.items() if "profiles" not in service}
    for name in running:
        assert SERVICES[name].get("healthcheck", {}).get("test"), f"{name} has no health check"
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])


def test_volumes_for_the_database_uploads_and_backups():
    def mounts(name):
        return {entry.split(":")[0]: entry.split(":")[1] for entry in SERVICES[name].get("volumes", [])}

    assert {"pgdata", "media", "backups", "redisdata"} <= set(COMPOSE["volumes"])
    assert mounts("db")["pgdata"] == "/var/lib/postgresql/data"
    for name in ("web", "worker"):
        assert mounts(name)["media"] == SERVICES[name]["environment"]["MEDIA_ROOT"]
    assert mounts("backup")["backups"] == SERVICES["backup"]["environment"]["BACKUP_DIR"]


def test_every_variable_set_is_read_and_every_variable_read_is_documented():
    read = variables_read()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY", "BACKUP_DIR"} <= read
    for name, service in SERVICES.items():
        if name in APP_SERVICES or "profiles" in service:
            unknown = set(service.get("environment", {})) - read
            assert not unknown, f"{name} sets variables nothing reads: {sorted(unknown)}"
    documented = env_example()
    assert not read - documented, f"missing from .env.example: {sorted(read - documented)}"
    interpolated = set(SHELL_VAR.findall((ROOT / "docker-compose.yml").read_text(encoding="utf-8")))
    assert not interpolated - documented, f"compose variables missing from .env.example: {interpolated - documented}"


def test_debug_is_off_unless_set_and_then_a_secret_key_is_required():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    result = subprocess.run([sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = "
                             "'config.settings'; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr
