"""Helpers for the deployment tests: load deploy/ files, check commands and env names."""

from __future__ import annotations

import ast
import importlib
import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import yaml

from services.cli import main as cli_main
from shared.config import SERVICES

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
IMAGE = "coprocure"
GUNICORN_CONF_IN_IMAGE = "/app/gunicorn.conf.py"
ENV_NAME = re.compile(r"\bCOPROCURE_[A-Z][A-Z0-9_]*[A-Z0-9]\b")

# Secrets the design requires but whose readers land with other issues: the master key that
# wraps per-tender bid data keys (docs/architecture.md, commissioning) and the Ed25519 key that
# signs audit tree heads (docs/architecture.md, scoring). Drop a name once the code reads it.
PENDING_SECRETS = {"COPROCURE_MASTER_KEY", "COPROCURE_AUDIT_SIGNING_KEY"}


def compose() -> dict[str, Any]:
    """deploy/compose.yaml, parsed."""
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def k8s_documents() -> list[tuple[str, dict[str, Any]]]:
    """Every document of every manifest under deploy/k8s, with its file name."""
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is not None:
                docs.append((path.name, doc))
    return docs


def k8s_kind(kind: str) -> dict[str, dict[str, Any]]:
    """Manifests of one kind, by metadata.name."""
    return {doc["metadata"]["name"]: doc for _, doc in k8s_documents() if doc["kind"] == kind}


def containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The containers of a Deployment or Job."""
    return doc["spec"]["template"]["spec"]["containers"]


def dockerfile_cmd() -> list[str]:
    """The Dockerfile's default command (exec form)."""
    lines = [ln for ln in (DEPLOY / "Dockerfile").read_text().splitlines()
             if ln.startswith("CMD ")]
    assert len(lines) == 1, "exactly one CMD"
    return json.loads(lines[0][len("CMD "):])


def project_commands() -> Iterator[tuple[str, list[str]]]:
    """Every command the deployment runs in our image: (where, argv)."""
    yield "Dockerfile CMD", dockerfile_cmd()
    for name, svc in compose()["services"].items():
        if str(svc.get("image", "")).startswith(IMAGE):
            command = svc["command"]
            yield f"compose {name}", shlex.split(command) if isinstance(command, str) else command
    for filename, doc in k8s_documents():
        if doc["kind"] in ("Deployment", "Job"):
            for c in containers(doc):
                yield f"{filename} {doc['metadata']['name']}", list(c.get("command", [])) + \
                    list(c.get("args", []))


def check_coprocure_command(argv: list[str]) -> click.Command:
    """Resolve ``coprocure ...`` through the click group and parse its arguments (no run)."""
    assert argv[0] == "coprocure"
    command: click.Command = cli_main
    rest = list(argv[1:])
    while isinstance(command, click.Group):
        assert rest and rest[0] in command.commands, f"no subcommand {rest[:1]} in {argv}"
        command = command.commands[rest.pop(0)]
    # Parsing validates arguments and choices (queue and service names) without invoking.
    command.make_context(" ".join(argv[:-len(rest) or None]), rest)
    return command


def check_gunicorn_command(argv: list[str]) -> str:
    """A gunicorn command uses our config file and an importable app factory; returns the app."""
    assert argv[0] == "gunicorn"
    assert argv[1:3] == ["--config", GUNICORN_CONF_IN_IMAGE], argv
    app = argv[-1]
    match = re.fullmatch(r"([a-z_.]+):([a-z_]+)\(\)", app)
    assert match, f"app spec {app!r} is not module:factory()"
    module = importlib.import_module(match.group(1))
    assert callable(getattr(module, match.group(2), None)), f"no factory {app}"
    return app


def check_command(argv: list[str]) -> None:
    """A command run in our image is a real project command."""
    if argv[0] == "coprocure":
        check_coprocure_command(argv)
    elif argv[0] == "gunicorn":
        check_gunicorn_command(argv)
    else:
        raise AssertionError(f"unexpected command {argv}")


def names_read_by(path: Path) -> set[str]:
    """COPROCURE_* names one source file reads: env()/env_bool()/secret() and literals."""
    text = path.read_text()
    found = set(ENV_NAME.findall(text))
    # f"COPROCURE_{service.upper()}_DATABASE_URL" and friends, for every service.
    for suffix in re.findall(r"COPROCURE_\{[^}]*upper\(\)\}(_[A-Z0-9_]+)", text):
        found.update(f"COPROCURE_{s.upper()}{suffix}" for s in SERVICES)
    for node in ast.walk(ast.parse(text)):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func = getattr(node.func, "id", getattr(node.func, "attr", None))
        if func not in ("env", "env_bool", "secret"):
            continue
        arg = node.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.add("COPROCURE_" + arg.value)
        elif isinstance(arg, ast.JoinedStr) and arg.values and \
                isinstance(arg.values[-1], ast.Constant):
            # env(f"{service.upper()}_DATABASE_URL"): the suffix, for every service.
            found.update(f"COPROCURE_{s.upper()}{arg.values[-1].value}" for s in SERVICES)
    return found


def known_env_names() -> set[str]:
    """Every COPROCURE_* name the code reads or the README's configuration table documents."""
    names: set[str] = set()
    for package in ("shared", "services"):
        for path in (ROOT / package).rglob("*.py"):
            names |= names_read_by(path)
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[-1].split("\n## ", 1)[0]
    names |= set(ENV_NAME.findall(table))
    return names | PENDING_SECRETS


def deploy_texts() -> dict[str, str]:
    """Every text file of the deployment, and docs/deploy.md."""
    files = [p for p in DEPLOY.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files.append(ROOT / "docs" / "deploy.md")
    return {str(p.relative_to(ROOT)): p.read_text() for p in files}
