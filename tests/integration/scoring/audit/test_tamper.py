"""The log on the real database: triggers reject changes; tampering makes the verifier fail."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from shared.audit.verify import verify_command
from shared.canonical import canonical_json
from tests.integration.scoring.audit.helpers import ANONYMOUS, fill, get

GUARDED = ("audit_entries", "audit_payloads", "audit_nodes", "audit_tree_heads")


@pytest.fixture
def app(make_app):
    return make_app("scoring")


def _engine(app):
    return app.extensions["coprocure"].engine


@contextmanager
def _bypassing_triggers(app):
    """A connection that can rewrite the log, as the database owner (DDL) could."""
    engine = _engine(app)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # superuser
            yield conn
            return
        triggers = conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name LIKE 'audit_%'")).all()
        for name, _ in triggers:
            conn.execute(text(f'DROP TRIGGER "{name}"'))
        yield conn
        for _, sql in triggers:  # put the guards back in the same transaction
            conn.execute(text(sql))


@pytest.mark.parametrize("table", GUARDED)
@pytest.mark.parametrize("statement", ["UPDATE {t} SET {c} = {c}", "DELETE FROM {t}"])
def test_triggers_reject_update_and_delete(app, table, statement):
    fill(app, 3, per_tx=3, tender_id="tnd_a")
    get(app, "/audit/tree-head", ANONYMOUS)
    column = {"audit_entries": "seq", "audit_payloads": "seq", "audit_nodes": "idx",
              "audit_tree_heads": "tree_size"}[table]
    with pytest.raises(DBAPIError, match="append-only"), _engine(app).begin() as conn:
        conn.execute(text(statement.format(t=table, c=column)))
    with _engine(app).connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() > 0  # noqa: S608


def _export_and_verify(app, tmp_path, head):
    export = tmp_path / "export.jsonl"
    export.write_bytes(get(app, "/audit/export?format=jsonl").get_data())
    head_file = tmp_path / "head.json"
    head_file.write_text(json.dumps(head))
    key = tmp_path / "key.json"
    key.write_text(json.dumps(get(app, "/audit/public-key", ANONYMOUS).json))
    return CliRunner().invoke(verify_command, [str(export), "--tree-head", str(head_file),
                                               "--public-key", str(key)])


@pytest.fixture
def logged(app, tmp_path):
    """A 20-entry log and the head an auditor saved before anyone tampered with it."""
    fill(app, 20, per_tx=7)
    head = get(app, "/audit/tree-head", ANONYMOUS).json
    ok = _export_and_verify(app, tmp_path, head)
    assert ok.exit_code == 0, ok.output
    return head


def test_updating_a_field_breaks_the_root(app, tmp_path, logged):
    with _bypassing_triggers(app) as conn:
        line = conn.execute(text("SELECT line FROM audit_entries WHERE seq = 9")).scalar()
        entry = json.loads(line)
        entry["score"] = 5  # a better score, still perfectly canonical JSON
        conn.execute(text("UPDATE audit_entries SET line = :l WHERE seq = 9"),
                     {"l": canonical_json(entry).decode()})
    result = _export_and_verify(app, tmp_path, logged)
    assert result.exit_code == 1
    assert "root mismatch at tree size 20" in result.output
    assert "entries seq 0..19" in result.output


def test_a_clumsy_edit_is_named(app, tmp_path, logged):
    with _bypassing_triggers(app) as conn:
        conn.execute(text("UPDATE audit_entries SET line = replace(line, :a, :b) WHERE seq = 9"),
                     {"a": '"score":3', "b": '"score": 5'})
    result = _export_and_verify(app, tmp_path, logged)
    assert result.exit_code == 1
    assert "entry seq=9" in result.output and "canonical" in result.output


def test_deleting_an_entry_is_named(app, tmp_path, logged):
    with _bypassing_triggers(app) as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = 13"))
    result = _export_and_verify(app, tmp_path, logged)
    assert result.exit_code == 1
    assert "seq 14 out of order (expected 13)" in result.output


def test_reordering_two_entries_is_named(app, tmp_path, logged):
    with _bypassing_triggers(app) as conn:
        conn.execute(text("UPDATE audit_entries SET seq = -1 WHERE seq = 4"))
        conn.execute(text("UPDATE audit_entries SET seq = 4 WHERE seq = 5"))
        conn.execute(text("UPDATE audit_entries SET seq = 5 WHERE seq = -1"))
    result = _export_and_verify(app, tmp_path, logged)
    assert result.exit_code == 1
    assert "seq 5 out of order (expected 4)" in result.output


def test_renumbering_after_a_delete_still_breaks_the_root(app, tmp_path, logged):
    """A careful forger deletes entry 13 and rewrites every later seq: the root says no."""
    with _bypassing_triggers(app) as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = 13"))
        for seq in range(14, 20):
            line = json.loads(conn.execute(
                text("SELECT line FROM audit_entries WHERE seq = :s"), {"s": seq}).scalar())
            line["seq"] = seq - 1
            conn.execute(text("UPDATE audit_entries SET seq = :n, line = :l WHERE seq = :s"),
                         {"n": seq - 1, "l": canonical_json(line).decode(), "s": seq})
    result = _export_and_verify(app, tmp_path, logged)
    assert result.exit_code == 1
    assert "covers 20 entries but the export has only 19" in result.output
