"""The Dockerfile and compose.yaml, read as files (Docker does not run here): they must start
the commands the code has, set only settings the code reads, and match the scaling section."""

from __future__ import annotations

import re
import shlex

import yaml

from models.settings import ROOT

# variables read outside `Settings` (by prometheus_client and the Python runtime)
OTHER_VARIABLES = {"PROMETHEUS_MULTIPROC_DIR", "PATH", "PYTHONUNBUFFERED"}
COMMANDS = {"serve", "migrate", "worker"}


def settings_variables() -> set[str]:
    source = (ROOT / "models" / "settings.py").read_text()
    return set(re.findall(r'config\(\s*"([A-Z0-9_]+)"', source))


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def dockerfile() -> list[str]:
    """Instructions, one per entry, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_compose_runs_api_worker_postgres_and_redis_with_the_commands_the_cli_has():
    # when
    services = compose()["services"]
    # then
    assert {"api", "worker", "postgres", "redis", "migrate"} <= set(services)
    for name in ("api", "worker", "migrate"):
        command = services[name]["command"]
        assert command[:2] == ["python", "server.py"] and command[2] in COMMANDS
    assert services["api"]["command"][2] == "serve"
    assert services["worker"]["command"][2] == "worker"
    assert services["migrate"]["restart"] == "no"


def test_compose_sets_only_settings_the_code_reads_and_points_them_at_its_services():
    # given
    services = compose()["services"]
    known = settings_variables() | OTHER_VARIABLES
    # when
    api, worker = services["api"]["environment"], services["worker"]["environment"]
    # then
    assert set(api) - known == set()
    assert set(worker) - known == set()
    assert api["DATABASE_URL"] == worker["DATABASE_URL"]
    assert api["DATABASE_URL"].startswith("postgresql://") and "@postgres:" in api["DATABASE_URL"]
    # the worker command needs a shared broker, and every process the same one
    assert api["BROKER_URL"] == worker["BROKER_URL"]
    assert api["BROKER_URL"].startswith("redis://redis:")
    assert api["REDIS_URL"].startswith("redis://redis:")
    assert api["ENVIRONMENT"] == "production"
    assert "JWT_SECRET" in api and "METRICS_TOKEN" in api
    # uploaded files are written by the API and read by the workers
    assert services["api"]["volumes"] == services["worker"]["volumes"]
    assert services["api"]["environment"]["STORAGE_DIR"] in services["api"]["volumes"][0]


def test_compose_starts_the_api_and_workers_after_the_migration():
    # when
    services = compose()["services"]
    # then
    for name in ("api", "worker"):
        needs = services[name]["depends_on"]
        assert needs["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_dockerfile_installs_the_locked_runtime_only_and_runs_as_a_user():
    # when
    lines = dockerfile()
    # then
    syncs = [line for line in lines if "uv sync" in line]
    assert syncs and all("--locked" in line and "--no-dev" in line for line in syncs)
    assert not any("--group" in line or "--all-groups" in line for line in syncs)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    cmd = next(line for line in reversed(lines) if line.startswith("CMD "))
    assert cmd == 'CMD ["python", "server.py", "serve"]'


def test_dockerfile_copies_what_exists_and_sets_only_variables_the_code_reads():
    # given
    lines = dockerfile()
    known = settings_variables() | OTHER_VARIABLES | {"UV_COMPILE_BYTECODE", "UV_LINK_MODE"}
    known |= {"UV_PYTHON_DOWNLOADS", "UV_PROJECT_ENVIRONMENT"}
    # when
    copied = [
        shlex.split(line)[1:-1]
        for line in lines
        if line.startswith("COPY ") and "--from" not in line
    ]
    variables = {
        pair.split("=", 1)[0]
        for line in lines
        if line.startswith("ENV ")
        for pair in shlex.split(line)[1:]
    }
    # then
    assert [source for group in copied for source in group if not (ROOT / source).exists()] == []
    assert variables - known == set()
    packages = {"models", "loaders", "resolvers", "schema", "tasks", "migrations"}
    assert packages <= {source for group in copied for source in group}


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    # when
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    # then
    assert {".env", ".venv", "data", ".git"} <= ignored
    assert not {"models", "schema", "resolvers", "loaders", "tasks", "migrations"} & ignored
