"""Running schemathesis against the merged /openapi.json of a real platform (the CLI, as an
integrator would)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Every check runs (schemathesis 4's default) for every caller; the file names the few
# documented per-operation exclusions. `--checks all` on the command line would override them,
# so it is not passed.
CONFIG = Path(__file__).with_name("schemathesis.toml")


def run_schemathesis(platform, headers: dict[str, str], tmp_path: Path) -> None:
    st = Path(sys.executable).parent / "st"
    exe = str(st) if st.exists() else "st"
    argv = [exe, "--config-file", str(CONFIG), "run", platform.url() + "/openapi.json",
            "--max-examples", "15", "--request-timeout", "20", "--generation-deterministic",
            # What ends the caller's own session or account: the shared actors must outlive the
            # run (tests/security/test_sessions.py and the gateway's account tests cover these).
            "--exclude-path-regex",
            "^/api/v1/(auth/(token|revoke)|me/password|users/[^/]+/(deactivate|revoke-tokens))$"]
    for key, value in headers.items():
        argv += ["-H", f"{key}: {value}"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-20000:] + out.stderr[-2000:]
