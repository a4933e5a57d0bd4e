"""The suite's guard (tests/conftest.py) sees every change a test could leave behind."""

from __future__ import annotations

import os
import signal

from tests.support.process import process_changes, process_state


def test_guard_names_a_changed_handler_variable_and_cwd(monkeypatch, tmp_path):
    before = process_state()
    monkeypatch.setenv("COPROCURE_GUARD_PROBE", "1")
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        found = "\n".join(process_changes(before, process_state()))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert "SIGTERM handler" in found
    assert "os.environ['COPROCURE_GUARD_PROBE'] added" in found
    assert ("os.environ['HOME'] removed" in found) == ("HOME" in before["environ"])
    assert f"cwd {before['cwd']} -> {os.getcwd()}" in found


def test_guard_is_quiet_when_nothing_changed():
    assert process_changes(process_state(), process_state()) == []
