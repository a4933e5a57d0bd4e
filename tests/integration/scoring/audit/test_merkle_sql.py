"""The SQL node store gives the same roots and proofs as the in-memory reference, 1..300."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.scoring.adapters.audit_store import SqlNodeStore, log_size
from services.scoring.adapters.tables.audit import AuditEntry
from shared.audit import merkle
from tests.integration.scoring.audit.helpers import fill


@pytest.fixture
def app(make_app):
    return make_app("scoring")


def test_sql_store_matches_memory_for_sizes_1_to_300(app):
    entries = fill(app, 300, per_tx=37)
    assert [e["seq"] for e in entries] == list(range(300))
    factory = app.extensions["coprocure"].session_factory
    with factory() as session:
        lines = session.scalars(select(AuditEntry.line).order_by(AuditEntry.seq)).all()
        # Independent of the stored leaf hashes: recompute them from the stored lines.
        memory = merkle.MemoryNodeStore.from_leaves(
            merkle.leaf_hash(line.encode()) for line in lines)
        store = SqlNodeStore(session)
        assert log_size(session) == 300
        for n in range(1, 301):
            assert merkle.root(store, n) == merkle.root(memory, n), n
            for index in {0, n // 2, n - 1}:
                assert merkle.inclusion_proof(store, index, n) == \
                    merkle.inclusion_proof(memory, index, n), (index, n)
            for m in {1, max(1, n // 3), n - 1 or 1, n}:
                assert merkle.consistency_proof(store, m, n) == \
                    merkle.consistency_proof(memory, m, n), (m, n)


def test_proofs_cost_one_batched_read(app, monkeypatch):
    fill(app, 100, per_tx=100)
    factory = app.extensions["coprocure"].session_factory
    with factory() as session:
        store = SqlNodeStore(session)
        calls = []
        original = store.get_nodes
        monkeypatch.setattr(store, "get_nodes", lambda keys: calls.append(len(keys))
                            or original(keys))
        merkle.inclusion_proof(store, 37, 100)
        merkle.consistency_proof(store, 41, 100)
        merkle.root(store, 100)
        assert len(calls) == 3 and max(calls) <= 2 * 7


def test_stored_leaf_hash_is_the_hash_of_the_line(app):
    entries = fill(app, 5)
    factory = app.extensions["coprocure"].session_factory
    with factory() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    for row, entry in zip(rows, entries, strict=True):
        assert row.leaf_hash == merkle.leaf_hash(row.line.encode()).hex()
        assert '"score":' in row.line and entry["payload_sha256"] in row.line


def test_concurrent_appenders_keep_seq_gap_free_and_the_tree_whole(app):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda w: fill(app, 12, start=100 * w, per_tx=3, tender_id=f"tnd_{w}"),
                      range(4)))
    factory = app.extensions["coprocure"].session_factory
    with factory() as session:
        seqs = session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)).all()
        lines = session.scalars(select(AuditEntry.line).order_by(AuditEntry.seq)).all()
        assert seqs == list(range(48))
        memory = merkle.MemoryNodeStore.from_leaves(merkle.leaf_hash(x.encode()) for x in lines)
        assert merkle.root(SqlNodeStore(session), 48) == merkle.root(memory, 48)
