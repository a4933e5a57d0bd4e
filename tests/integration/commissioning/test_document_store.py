"""One contract, both real stores: files under var/ and the service's own database (SQLite by
default, PostgreSQL when configured)."""

from __future__ import annotations

import os

import pytest

from services.commissioning.adapters.document_store import DatabaseStore, FileStore


@pytest.fixture(params=["files", "database"])
def store(request, tmp_path, make_app):
    if request.param == "files":
        return FileStore(tmp_path / "documents")
    app = make_app("commissioning")
    return DatabaseStore(app.extensions["coprocure"].session_factory)


def test_blocks_come_back_as_they_went_in(store):
    blocks = [os.urandom(n) for n in (65536, 1, 0, 4096, 65536, 17)]
    assert store.put("doc_a1", iter(blocks)) == len(blocks)
    assert list(store.get("doc_a1")) == blocks


def test_keys_are_separate_and_delete_forgets_one(store):
    store.put("doc_one", [b"first"])
    store.put("doc_two", [b"second", b"part"])
    store.delete("doc_one")
    with pytest.raises(KeyError):
        store.get("doc_one")
    assert list(store.get("doc_two")) == [b"second", b"part"]
    store.delete("doc_one")  # deleting twice is harmless


def test_an_unknown_key_is_a_key_error(store):
    with pytest.raises(KeyError):
        store.get("doc_missing")


def test_a_write_that_fails_midway_leaves_nothing(store):
    def blocks():
        yield b"a" * 100
        yield b"b" * 100
        raise RuntimeError("the upload was refused midway")

    with pytest.raises(RuntimeError):
        store.put("doc_half", blocks())
    with pytest.raises(KeyError):
        store.get("doc_half")


def test_many_blocks_stream_back_in_order(store):
    blocks = [i.to_bytes(4, "big") * 8 for i in range(50)]  # more than one read batch
    store.put("doc_many", blocks)
    assert list(store.get("doc_many")) == blocks


@pytest.mark.parametrize("key", ["../escape", "a/b", "", "x" * 101])
def test_keys_that_could_escape_are_refused(store, key):
    with pytest.raises(ValueError):
        store.put(key, [b"x"])
