"""deploy/compose.yaml, the Dockerfile and the gunicorn config: valid, complete, consistent."""

from __future__ import annotations

import json
import re
import runpy

import click
import pytest
from gunicorn.config import KNOWN_SETTINGS

from shared.queue import QUEUES
from tests.unit.deploy import deployfiles as d

HTTP_PORTS = {"gateway": 8000, "commissioning": 8001, "scoring": 8002}
EXPECTED_SERVICES = {
    "postgres", "redis", "migrate", "gateway", "commissioning", "scoring", "scheduler",
    *(f"worker-{q}" for q in QUEUES), *(f"relay-{q}" for q in QUEUES),
}


def test_compose_lists_every_process_with_image_and_command():
    services = d.compose()["services"]
    assert set(services) == EXPECTED_SERVICES
    for name, svc in services.items():
        assert "image" in svc or "build" in svc, name
        if svc["image"].startswith(d.IMAGE):
            assert svc["command"], name
            assert svc["build"]["dockerfile"] == "deploy/Dockerfile"
            assert svc["environment"]["COPROCURE_ENV"] == "production"
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"


def test_compose_redis_never_evicts_and_keeps_an_append_only_file():
    command = " ".join(d.compose()["services"]["redis"]["command"])
    assert "--maxmemory-policy noeviction" in command
    assert "--appendonly yes" in command


def test_compose_runs_migrations_before_every_coprocure_process():
    services = d.compose()["services"]
    assert services["migrate"]["command"] == ["coprocure", "db", "upgrade"]
    for name, svc in services.items():
        if svc["image"].startswith(d.IMAGE) and name != "migrate":
            assert svc["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
            assert svc["depends_on"]["redis"]["condition"] == "service_healthy"


@pytest.mark.parametrize("service", sorted(HTTP_PORTS))
def test_compose_http_services_check_health_and_readiness_on_their_port(service):
    svc = d.compose()["services"][service]
    port = HTTP_PORTS[service]
    assert svc["environment"]["PORT"] == str(port)
    probe = " ".join(svc["healthcheck"]["test"])
    assert f"127.0.0.1:{port}" in probe and "/healthz" in probe and "/readyz" in probe


def test_compose_upstreams_and_databases_point_at_compose_services():
    compose = d.compose()
    env = compose["services"]["gateway"]["environment"]
    assert env["COPROCURE_COMMISSIONING_URL"] == "http://commissioning:8001"
    assert env["COPROCURE_SCORING_URL"] == "http://scoring:8002"
    init_sql = (d.DEPLOY / "postgres-init.sql").read_text()
    for service in HTTP_PORTS:
        url = env[f"COPROCURE_{service.upper()}_DATABASE_URL"]
        assert url.startswith("postgresql://") and "@postgres:5432/" in url
        database = url.rsplit("/", 1)[1]
        assert f"CREATE DATABASE {database};" in init_sql


def test_compose_workers_scale_and_finish_jobs_on_stop():
    services = d.compose()["services"]
    for queue in QUEUES:
        worker = services[f"worker-{queue}"]
        assert worker["command"] == ["coprocure", "worker", queue]
        assert worker["deploy"]["replicas"] >= 1
        assert "ports" not in worker  # `--scale` must not collide on a host port
        assert int(worker["stop_grace_period"].rstrip("s")) > 600  # rq job timeout


def test_compose_mounted_and_referenced_files_exist():
    services = d.compose()["services"]
    for volume in services["postgres"]["volumes"]:
        source = volume.split(":")[0]
        if source.startswith("./"):
            assert (d.DEPLOY / source).is_file(), source
    for name, svc in services.items():
        for env_file in svc.get("env_file", []):
            assert (d.DEPLOY / (env_file["path"] + ".example")).is_file(), name
    assert (d.DEPLOY / ".env.example").is_file()
    ignored = (d.DEPLOY / ".gitignore").read_text().split()
    assert {".env", "secrets.env"} <= set(ignored)


def test_every_command_in_the_deployment_is_a_project_command():
    seen = list(d.project_commands())
    # the image's CMD, 11 coprocure processes in compose and 11 in Kubernetes
    assert len(seen) == 23
    for where, argv in seen:
        try:
            d.check_command(argv)
        except Exception as exc:
            raise AssertionError(f"{where}: {argv}: {exc}") from exc


@pytest.mark.parametrize("argv", [
    ["coprocure", "worker", "billing"],
    ["coprocure", "nope"],
    ["coprocure", "db", "upgrade", "--service", "billing"],
    ["gunicorn", "--config", d.GUNICORN_CONF_IN_IMAGE, "services.gateway.app:nope()"],
    ["gunicorn", "--config", d.GUNICORN_CONF_IN_IMAGE, "services.billing.app:create_app()"],
])
def test_a_wrong_command_is_caught(argv):
    with pytest.raises((AssertionError, ImportError, click.UsageError)):
        d.check_command(argv)


def test_dockerfile_builds_one_production_image_as_non_root():
    text = (d.DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    assert "COPROCURE_ENV=production" in text
    assert re.search(r"pip install \.$", text, re.M)  # no [dev] extra
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert d.dockerfile_cmd()[:3] == ["gunicorn", "--config", d.GUNICORN_CONF_IN_IMAGE]
    assert "services.gateway.app:create_app()" in d.dockerfile_cmd()


def test_dockerfile_copies_files_that_exist():
    text = (d.DEPLOY / "Dockerfile").read_text()
    copies = [line.split()[1:] for line in text.splitlines()
              if line.startswith("COPY ") and "--from=" not in line]
    assert copies
    for args in copies:
        for source in args[:-1]:
            assert (d.ROOT / source).exists(), source
    assert f"COPY deploy/gunicorn.conf.py {d.GUNICORN_CONF_IN_IMAGE}" in text
    assert "pyproject.toml" in [s for args in copies for s in args[:-1]]


def _gunicorn_settings(monkeypatch, **environ) -> dict:
    for name in ("PORT", "GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(d.DEPLOY / "gunicorn.conf.py"))
    return {k: v for k, v in namespace.items() if not k.startswith("_") and not callable(v)
            and k not in ("annotations", "os", "MAX_DEFAULT_WORKERS")}


def test_gunicorn_config_uses_only_real_settings(monkeypatch):
    known = {s.name for s in KNOWN_SETTINGS}
    settings = _gunicorn_settings(monkeypatch)
    assert set(settings) <= known, set(settings) - known
    assert settings["worker_class"] == "services.gunicorn_worker.ProblemThreadWorker"
    from gunicorn.workers.gthread import ThreadWorker

    from services.gunicorn_worker import ProblemThreadWorker  # a real gthread worker class
    assert issubclass(ProblemThreadWorker, ThreadWorker)
    assert settings["control_socket_disable"] is True
    assert settings["accesslog"] == "-"
    assert 1 <= settings["workers"] <= 8
    assert settings["bind"] == "0.0.0.0:8000"
    assert settings["graceful_timeout"] < 30  # Kubernetes' default kill grace period


def test_gunicorn_config_reads_port_and_workers_from_the_environment(monkeypatch):
    settings = _gunicorn_settings(monkeypatch, PORT="8002", GUNICORN_WORKERS="5",
                                  GUNICORN_THREADS="16")
    assert (settings["bind"], settings["workers"], settings["threads"]) == ("0.0.0.0:8002", 5, 16)


def test_gunicorn_access_log_lines_are_json_with_the_request_id(monkeypatch):
    fmt = _gunicorn_settings(monkeypatch)["access_log_format"]
    atoms = {"t": "[23/Nov/2026:14:00:00 +0000]", "h": "10.0.0.1", "m": "POST",
             "U": "/api/v1/tenders", "q": "limit=5", "s": "201", "B": "123", "D": "4567",
             "{x-request-id}o": "abc-123"}
    line = json.loads(fmt % atoms)
    assert line["status"] == 201 and line["request_id"] == "abc-123"
