"""Where document blocks live: one interface, two real stores (docs/architecture.md, "Documents").

A store keeps a sequence of opaque blocks (already encrypted) under a key and gives the same
blocks back in order; it never sees plaintext. ``FileStore`` writes files under ``var/`` (the
laptop default); ``DatabaseStore`` writes one row per block in the service's own database
(SQLite or PostgreSQL), so production needs no extra server.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, sessionmaker

from services.commissioning.adapters.tables import document_blocks

_KEY = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
_LEN = struct.Struct(">I")
READ_BATCH = 8  # blocks per query when reading from the database (64 KiB each)


class DocumentStore(Protocol):
    """Blocks of bytes kept under a key."""

    def put(self, key: str, blocks: Iterable[bytes]) -> int:
        """Store the blocks under a new key; returns how many were written."""

    def get(self, key: str) -> Iterator[bytes]:
        """The key's blocks, in order (``KeyError`` if there is no such key)."""

    def delete(self, key: str) -> None:
        """Forget the key (nothing happens if it is absent)."""


def _checked(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"bad document key {key!r}")
    return key


class FileStore:
    """One file per key under a folder: length-prefixed blocks, written to a temporary file
    and renamed into place, so a reader never sees half a document."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        key = _checked(key)
        return self.root / key[-2:] / key

    def put(self, key: str, blocks: Iterable[bytes]) -> int:
        """Store the blocks under a new key; returns how many were written."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{key}.part")
        count = 0
        try:
            with open(tmp, "wb") as out:
                for block in blocks:
                    out.write(_LEN.pack(len(block)))
                    out.write(block)
                    count += 1
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return count

    def get(self, key: str) -> Iterator[bytes]:
        """The key's blocks, in order."""
        path = self._path(key)
        if not path.is_file():
            raise KeyError(key)
        return self._read(path)

    @staticmethod
    def _read(path: Path) -> Iterator[bytes]:
        with open(path, "rb") as src:
            while header := src.read(_LEN.size):
                (length,) = _LEN.unpack(header)
                block = src.read(length)
                if len(block) != length:
                    raise OSError(f"truncated document file {path.name}")
                yield block

    def delete(self, key: str) -> None:
        """Forget the key."""
        self._path(key).unlink(missing_ok=True)


class DatabaseStore:
    """One row per block in the service's database, written in one transaction of its own."""

    def __init__(self, session_factory: sessionmaker[Session]):
        self.session_factory = session_factory

    def put(self, key: str, blocks: Iterable[bytes]) -> int:
        """Store the blocks under a new key; returns how many were written."""
        _checked(key)
        count = 0
        with self.session_factory() as session, session.begin():
            for block in blocks:
                # Core inserts: the session keeps no object per block, so memory stays flat.
                session.execute(insert(document_blocks).values(
                    blob_key=key, seq=count, data=block))
                count += 1
        return count

    def get(self, key: str) -> Iterator[bytes]:
        """The key's blocks, in order (read a few at a time, each batch its own query)."""
        _checked(key)
        with self.session_factory() as session:
            first = session.scalar(select(document_blocks.c.seq).where(
                document_blocks.c.blob_key == key).order_by(document_blocks.c.seq).limit(1))
        if first is None:
            raise KeyError(key)
        return self._read(key)

    def _read(self, key: str) -> Iterator[bytes]:
        seq = 0
        while True:
            with self.session_factory() as session:
                rows = session.execute(select(document_blocks.c.data).where(
                    document_blocks.c.blob_key == key, document_blocks.c.seq >= seq,
                    document_blocks.c.seq < seq + READ_BATCH).order_by(
                    document_blocks.c.seq)).scalars().all()
            yield from rows
            if len(rows) < READ_BATCH:
                return
            seq += READ_BATCH

    def delete(self, key: str) -> None:
        """Forget the key."""
        with self.session_factory() as session, session.begin():
            session.execute(delete(document_blocks).where(document_blocks.c.blob_key == key))


def store_from_settings(kind: str, var_dir: Path,
                        session_factory: sessionmaker[Session]) -> DocumentStore:
    """The configured store: ``files`` (default) or ``database``."""
    if kind == "files":
        return FileStore(Path(var_dir) / "documents" / "commissioning")
    if kind == "database":
        return DatabaseStore(session_factory)
    raise ValueError(f"COPROCURE_DOCUMENT_STORE must be files or database, not {kind!r}")
