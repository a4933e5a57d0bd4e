"""Running schemathesis against the merged /openapi.json of a real platform (the CLI, as an
integrator would)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from services.gateway.domain.routes import ANYONE, SIGNED_IN

# Every check runs (schemathesis 4's default) for every caller; the file names the few
# documented per-operation exclusions. `--checks all` on the command line would override them,
# so it is not passed.
CONFIG = Path(__file__).with_name("schemathesis.toml")
# For an operation the gateway refuses this caller whatever it sends (401 anonymous, 403 for
# another role), the coverage phase's hundreds of boundary cases all meet the same refusal:
# those operations still run every check, in the examples, fuzzing and stateful phases, on a
# few examples. Every operation is fuzzed by a caller allowed to use it.
REFUSED_EXAMPLES = 3


def refused_operations(spec: dict, role: str | None) -> list[str]:
    """operationIds the gateway refuses this caller before reading the request: the route
    table's roles (``x-coprocure-roles``) for a role; a bearer-only ``security`` anonymously."""
    refused = []
    for item in spec["paths"].values():
        for op in item.values():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            if role is None:
                out = {} not in op.get("security", [{}])
            else:
                roles = op.get("x-coprocure-roles") or []
                out = bool(roles) and not {role, ANYONE, SIGNED_IN} & set(roles)
            if out:
                refused.append(op["operationId"])
    return sorted(refused)


def caller_config(spec: dict, role: str | None, folder: Path) -> Path:
    """The shared configuration plus, for this caller, fewer examples and no coverage phase
    on the operations refused to it."""
    text = CONFIG.read_text()
    refused = refused_operations(spec, role)
    if refused:
        text += ("\n# Refused to this caller whatever it sends (tests/security/"
                 "schemathesis_run.py).\n[[operations]]\n"
                 f'include-operation-id-regex = "^({"|".join(refused)})$"\n'
                 "phases.coverage.enabled = false\n"
                 f"generation.max-examples = {REFUSED_EXAMPLES}\n")
    path = folder / "schemathesis.toml"
    path.write_text(text)
    return path


# schemathesis's phases, in two processes at once: its coverage phase takes about as long as
# the rest together, and the run is mostly the client generating cases, not the platform
# answering them. Processes, not `--workers`: Hypothesis in threads trips a CPython 3.11 bug
# ("AST constructor recursion depth mismatch").
PHASE_GROUPS = ("coverage", "examples,fuzzing,stateful")


def run_schemathesis(platform, headers: dict[str, str], tmp_path: Path,
                     role: str | None = None) -> None:
    st = Path(sys.executable).parent / "st"
    exe = str(st) if st.exists() else "st"
    spec = httpx.get(platform.url() + "/openapi.json", timeout=30).json()
    config = caller_config(spec, role, tmp_path)
    argv = [exe, "--config-file", str(config), "run", platform.url() + "/openapi.json",
            "--max-examples", "15", "--request-timeout", "20", "--generation-deterministic",
            # What ends the caller's own session or account: the shared actors must outlive the
            # run (tests/security/test_sessions.py and the gateway's account tests cover these).
            "--exclude-path-regex",
            "^/api/v1/(auth/(token|revoke)|me/password|users/[^/]+/(deactivate|revoke-tokens))$"]
    for key, value in headers.items():
        argv += ["-H", f"{key}: {value}"]
    runs = []
    for phases in PHASE_GROUPS:
        folder = tmp_path / phases.replace(",", "-")
        folder.mkdir()
        log = (folder / "st.log").open("w+")
        runs.append((phases, log, subprocess.Popen([*argv, "--phases", phases], stdout=log,
                                                   stderr=subprocess.STDOUT, text=True,
                                                   cwd=folder)))
    failed = []
    for phases, log, proc in runs:
        try:
            code = proc.wait(timeout=900)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        log.seek(0)
        if code != 0:
            failed.append(f"==== st --phases {phases}: exit {code}\n{log.read()[-20000:]}")
        log.close()
    assert not failed, "\n".join(failed)
