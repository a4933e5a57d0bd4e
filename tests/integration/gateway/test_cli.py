"""`coprocure users create`: the password asked for (hidden, twice) and friendly errors."""

import os
import subprocess
import sys

PASSWORD = "Correct-Horse-Battery-9"


def cli(tmp_path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env["COPROCURE_GATEWAY_DATABASE_URL"] = f"sqlite:///{tmp_path / 'gateway.db'}"
    return subprocess.run([sys.executable, "-m", "services.cli", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=60)


def create(tmp_path, email: str, stdin: str) -> subprocess.CompletedProcess:
    return cli(tmp_path, "users", "create", "--email", email, "--role", "admin", stdin=stdin)


def test_users_create_asks_for_the_password_twice_and_friendly_errors(tmp_path):
    never_migrated = create(tmp_path, "a@example.org", f"{PASSWORD}\n{PASSWORD}\n")
    assert never_migrated.returncode == 1
    assert "Traceback" not in never_migrated.stderr
    assert "Cannot write to the gateway database" in never_migrated.stderr, never_migrated.stderr
    assert cli(tmp_path, "db", "upgrade", "--service", "gateway").returncode == 0
    made = create(tmp_path, "a@example.org", f"{PASSWORD}\n{PASSWORD}\n")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("usr_") and PASSWORD not in made.stdout + made.stderr
    assert "Repeat for confirmation" in made.stderr
    mismatch = create(tmp_path, "b@example.org", f"{PASSWORD}\nsomething-else\n")
    assert mismatch.returncode != 0 and "Traceback" not in mismatch.stderr
    assert "do not match" in mismatch.stdout + mismatch.stderr, mismatch
