"""Fast scan of an export file: the same verdicts as :func:`shared.audit.export.scan_export`.

The export is read in blocks of whole lines. A block is accepted at once when msgspec decodes
every line into an :class:`_Entry` (the documented fields, each a string, a safe integer, a
boolean or null) and encoding those entries again gives back the block **byte for byte**, with
``seq`` running on from the previous block. That proves each line is the RFC 8785 canonical
JSON of its entry without calling ``rfc8785``: for these values msgspec writes exactly what
RFC 8785 writes (keys in field order, which is sorted ASCII; the same string escapes, checked
for every code point in tests/unit/shared/audit/test_fastscan.py; integers within ±(2**53-1),
as ``rfc8785`` requires). Any block that is not accepted whole is checked line by line, and a
line the fast check does not accept (a float, an extra field, a bad line...) goes through the
reference check :func:`shared.audit.export._check_line`, which accepts it or raises the error
it always raised. Leaves are hashed from the raw lines and the tree built a level at a time
(:meth:`TreeBuilder.extend`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import IO, Annotated

import msgspec

from shared.audit.export import (
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    ExportError,
    ExportScan,
    _check_line,
)
from shared.audit.merkle import TreeBuilder

__all__ = ["BLOCK_BYTES", "ExportError", "scan_export_file"]

BLOCK_BYTES = 1 << 20
# Told (entries read, bytes read, bytes in the export) every ``every`` entries.
Progress = Callable[[int, int, int], None]

_SAFE = 2**53 - 1  # rfc8785 refuses integers outside ±(2**53 - 1)
_Int = Annotated[int, msgspec.Meta(ge=-_SAFE, le=_SAFE)]
_Seq = Annotated[int, msgspec.Meta(ge=0, le=_SAFE)]
_Scalar = str | _Int | bool | None
_Optional = str | _Int | bool | None | msgspec.UnsetType
_FIELDS = sorted((*REQUIRED_FIELDS, *OPTIONAL_FIELDS))  # ASCII: the RFC 8785 (UTF-16) order


def _entry_type(name: str, required: Iterable[str]) -> type[msgspec.Struct]:
    """An entry Struct whose fields are in sorted order; absent optional fields stay UNSET
    (and are not encoded), so encoding writes back exactly the keys the line had."""
    needed = set(required)
    fields = [
        (f, _Seq) if f == "seq" else (f, _Scalar) if f in needed else (f, _Optional, msgspec.UNSET)
        for f in _FIELDS
    ]
    # gc=False: scalar fields cannot form cycles, and untracked objects allocate faster.
    return msgspec.defstruct(name, fields, kw_only=True, forbid_unknown_fields=True, gc=False)


_Entry = _entry_type("_Entry", REQUIRED_FIELDS)
_LooseEntry = _entry_type("_LooseEntry", ["seq"])  # --no-schema: only seq is needed
_ENCODER = msgspec.json.Encoder()
_SEQ = attrgetter("seq")
_REFUSED = (msgspec.MsgspecError, ValueError)  # ValueError: msgspec's UnicodeDecodeError


class _Scanner:
    """State of one scan: the tree, the line count and where progress is due."""

    def __init__(self, sizes: Iterable[int], leaves: Iterable[int], check_schema: bool,
                 progress: Progress | None, every: int, total: int) -> None:
        entry = _Entry if check_schema else _LooseEntry
        self.block_decoder = msgspec.json.Decoder(entry)
        self.line_decoder = msgspec.json.Decoder(entry)
        self.check_schema = check_schema
        self.want_roots, self.want_leaves = set(sizes), set(leaves)
        self.tree = TreeBuilder()
        self.scan = ExportScan(size=0, root=self.tree.root())
        if 0 in self.want_roots:
            self.scan.roots_at[0] = self.tree.root()
        self.progress, self.every, self.total = progress, every, total
        self.read = 0  # bytes of the lines accepted so far

    def block(self, block: bytes) -> None:
        """Check and add a block of whole lines, each ending in ``\\n``."""
        raws = block.split(b"\n")
        raws.pop()  # the empty remainder after the last newline
        start, count = self.tree.size, len(raws)
        try:
            entries = self.block_decoder.decode_lines(block)
            whole = (len(entries) == count and _ENCODER.encode_lines(entries) == block
                     and list(map(_SEQ, entries)) == list(range(start, start + count)))
        except _REFUSED:
            whole = False
        if not whole:
            self.lines(raws, newline=True)
            return
        sha256 = hashlib.sha256
        self._add([sha256(b"\x00" + raw).digest() for raw in raws])
        self._report(raws, start, newline=True)

    def lines(self, raws: list[bytes], newline: bool) -> None:
        """Check and add lines one at a time (the first bad one raises)."""
        decode, encode, sha256 = self.line_decoder.decode, _ENCODER.encode, hashlib.sha256
        for raw in raws:
            seq = self.tree.size
            try:
                ok = _SEQ(entry := decode(raw)) == seq and encode(entry) == raw
            except _REFUSED:
                ok = False
            if not ok:  # the reference check: accepts, or raises the error it always has
                _check_line(raw, seq + 1, seq, self.check_schema)
            self._add([sha256(b"\x00" + raw).digest()])
            self._report([raw], seq, newline)

    def _add(self, leaves: list[bytes]) -> None:
        """Push leaf hashes, noting the leaves and roots asked for on the way."""
        start, tree = self.tree.size, self.tree
        for index in self.want_leaves.intersection(range(start, start + len(leaves))):
            self.scan.leaves_at[index] = leaves[index - start]
        cuts = sorted(self.want_roots.intersection(range(start + 1, start + len(leaves) + 1)))
        for cut in cuts:
            tree.extend(leaves[tree.size - start:cut - start])
            self.scan.roots_at[cut] = tree.root()
        tree.extend(leaves[tree.size - start:])

    def _report(self, raws: list[bytes], start: int, newline: bool) -> None:
        """Tell ``progress`` about each multiple of ``every`` among these lines, in order."""
        ends = len(raws) if newline else 0  # newline bytes
        if self.progress is not None and self.every > 0:
            first = -(-(start + 1) // self.every) * self.every  # the first multiple > start
            for done in range(first, start + len(raws) + 1, self.every):
                upto = done - start
                read = self.read + sum(map(len, raws[:upto])) + (upto if newline else 0)
                self.progress(done, read, self.total)
        self.read += sum(map(len, raws)) + ends


def scan_export_file(
    export: IO[bytes],
    sizes: Iterable[int] = (),
    leaves: Iterable[int] = (),
    *,
    check_schema: bool = True,
    progress: Progress | None = None,
    progress_every: int = 0,
    total: int = 0,
    block_bytes: int = BLOCK_BYTES,
) -> ExportScan:
    """Validate an export read from a binary file and compute its root, plus the roots (at
    ``sizes``) and leaves (at ``leaves``) asked for. Raises :class:`ExportError` naming the
    first bad entry, exactly as :func:`shared.audit.export.scan_export` does."""
    scanner = _Scanner(sizes, leaves, check_schema, progress, progress_every, total)
    tail = b""
    while chunk := export.read(block_bytes):
        data = tail + chunk if tail else chunk
        cut = data.rfind(b"\n") + 1
        if cut:
            scanner.block(data[:cut] if cut < len(data) else data)
        tail = data[cut:]
    if tail:  # a last line without a newline
        scanner.lines([tail], newline=False)
    scan = scanner.scan
    scan.size, scan.root = scanner.tree.size, scanner.tree.root()
    return scan

