"""Fast scan of an export file: the same verdicts as :func:`shared.audit.export.scan_export`.

The export is cut into blocks of whole lines. A block is accepted at once when msgspec decodes
every line into an ``_Entry`` (the documented fields, each a string, a safe integer, a boolean
or null) and encoding those entries again gives back the block **byte for byte**, with ``seq``
running on from the block before. That proves each line is the RFC 8785 canonical JSON of its
entry without calling ``rfc8785``: for these values msgspec writes exactly what RFC 8785 writes
(keys in field order, which is sorted ASCII; the same string escapes, checked for every code
point in tests/unit/shared/audit/test_fastscan.py; integers within ±(2**53-1), the range
``rfc8785`` accepts). A block not accepted whole is checked line by line, and a line the fast
check does not accept (a float, an extra field, a bad line...) goes through the reference check
:func:`shared.audit.export._check_line`, which accepts it or raises the error it always raised.

Leaves are hashed from the raw lines, and each block's leaves are folded into the aligned
perfect subtrees that cover them (:func:`perfect_subtrees`), a whole level at a time. Blocks are
independent until their subtrees are pushed in order, so on a large regular file they are
checked and hashed by forked worker processes while this process pushes the subtrees, reports
progress and re-checks any refused block itself, in order (the first bad line still wins).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from multiprocessing.connection import Connection
from operator import attrgetter
from typing import IO, Annotated, Any

import msgspec

from shared.audit.export import (
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    ExportError,
    ExportScan,
    _check_line,
)
from shared.audit.merkle import TreeBuilder, perfect_subtrees

__all__ = ["BLOCK_BYTES", "PARALLEL_MIN_BYTES", "ExportError", "default_workers",
           "scan_export_file"]

BLOCK_BYTES = 1 << 20  # small enough to stay in a CPU's cache while it is checked and hashed
# Below this one process takes a few tenths of a second, about what starting workers costs.
PARALLEL_MIN_BYTES = 32 << 20
# Told (entries read, bytes read, bytes in the export) every ``every`` entries.
Progress = Callable[[int, int, int], None]

_SAFE = 2**53 - 1  # rfc8785 refuses integers outside ±(2**53 - 1)
_Int = Annotated[int, msgspec.Meta(ge=-_SAFE, le=_SAFE)]
_Seq = Annotated[int, msgspec.Meta(ge=0, le=_SAFE)]
_Scalar = str | _Int | bool | None
_Optional = str | _Int | bool | None | msgspec.UnsetType
_FIELDS = sorted((*REQUIRED_FIELDS, *OPTIONAL_FIELDS))  # ASCII: the RFC 8785 (UTF-16) order


def _entry_type(name: str, required: Iterable[str]) -> type[msgspec.Struct]:
    """An entry Struct with its fields in sorted order; absent optional fields stay UNSET and
    are not encoded, so encoding writes back exactly the keys the line had."""
    needed = set(required)
    fields = [
        (f, _Seq) if f == "seq" else (f, _Scalar) if f in needed else (f, _Optional, msgspec.UNSET)
        for f in _FIELDS
    ]
    # gc=False: scalar fields cannot make cycles, and untracked objects are cheaper to make.
    return msgspec.defstruct(name, fields, kw_only=True, forbid_unknown_fields=True, gc=False)


_ENTRY = {True: _entry_type("_Entry", REQUIRED_FIELDS), False: _entry_type("_LooseEntry", ["seq"])}
_ENCODER = msgspec.json.Encoder()
_SEQ = attrgetter("seq")
_REFUSED = (msgspec.MsgspecError, ValueError)  # ValueError: msgspec's UnicodeDecodeError

# What a block of whole lines gave: its offset in the file, its length, the seq of its first
# line, then None if it was not accepted whole, else its (tree size at the end, subtrees)
# segments (cut at the roots asked for), the leaves asked for, and the (entries, bytes read)
# progress points in it. The seq is the block's own first seq: the scanner takes the block only
# if that is the number of lines before it (otherwise it re-checks it line by line).
Result = tuple[int, int, int, list[tuple[int, list[tuple[int, bytes]]]] | None,
               dict[int, bytes], list[tuple[int, int]]]


class _Work:
    """What a block is checked against: one per scan, copied into each worker."""

    def __init__(self, check_schema: bool, roots: set[int], leaves: set[int], every: int,
                 fd: int, size: int = 0, block_bytes: int = BLOCK_BYTES) -> None:
        self.decoder = msgspec.json.Decoder(_ENTRY[check_schema])
        self.roots, self.leaves, self.every = roots, leaves, every
        self.fd, self.size, self.block_bytes = fd, size, block_bytes

    def check(self, data: bytes, offset: int) -> Result:
        """Check a block of whole lines (each ending in a newline) read at ``offset``."""
        raws = data.split(b"\n")
        raws.pop()  # the empty remainder after the last newline
        try:
            entries = self.decoder.decode_lines(data)
            seqs = list(map(_SEQ, entries))
            start = seqs[0] if seqs else 0
            whole = (len(entries) == len(raws) and _ENCODER.encode_lines(entries) == data
                     and seqs == list(range(start, start + len(raws))))
        except _REFUSED:
            start, whole = -1, False
        if not whole:
            return offset, len(data), start, None, {}, []
        end, sha256 = start + len(raws), hashlib.sha256
        leaves = [sha256(b"\x00" + raw).digest() for raw in raws]
        segments, at = [], start
        for cut in sorted({c for c in self.roots if start < c < end} | {end}):
            segments.append((cut, perfect_subtrees(leaves[at - start:cut - start], at)))
            at = cut
        wanted = {i: leaves[i - start] for i in self.leaves if start <= i < end}
        reads = []
        if self.every > 0:
            for done in range(-(-(start + 1) // self.every) * self.every, end + 1, self.every):
                upto = done - start
                reads.append((done, offset + sum(map(len, raws[:upto])) + upto))
        return offset, len(data), start, segments, wanted, reads

    def __call__(self, offset: int) -> Result:
        """Read and check the whole lines that start in ``[offset, offset + block_bytes)`` (a
        last line without a newline is left to the scanner)."""
        first = self._line_start(offset)
        data = os.pread(self.fd, self._line_start(offset + self.block_bytes) - first, first)
        if not data.endswith(b"\n"):
            data = data[:data.rfind(b"\n") + 1]
        return self.check(data, first)

    def _line_start(self, at: int) -> int:
        """The first offset >= ``at`` where a line starts (the file's size if none does)."""
        if at <= 0 or at >= self.size:
            return max(0, min(at, self.size))
        at -= 1  # a line starts at ``at`` if the byte before it is a newline
        while at < self.size:
            found = os.pread(self.fd, 4096, at).find(b"\n")
            if found >= 0:
                return at + found + 1
            at += 4096
        return self.size


def _serve(work: _Work, offsets: range, results: Connection) -> None:
    """A worker process: check its blocks in order and send each result (or what failed)."""
    try:
        for offset in offsets:
            results.send(work(offset))
    except BaseException as exc:  # e.g. a read error: the scanner raises it
        results.send(exc)
    finally:
        results.close()


def _in_workers(work: _Work, blocks: range, workers: int) -> Iterator[Result]:
    """The blocks' results in order, worker ``k`` checking blocks ``k, k + workers, ...``: the
    workers move through the file side by side, and a pipe's buffer is all the look-ahead."""
    # fork: the workers start in milliseconds with the scan's state; they only read the file
    # (pread) and send back hashes, touching nothing else this process has open.
    context: Any = multiprocessing.get_context("fork")
    pipes, procs, workers = [], [], min(workers, len(blocks))
    try:
        for k in range(workers):
            receive, send = context.Pipe(duplex=False)
            proc = context.Process(target=_serve, args=(work, blocks[k::workers], send),
                                   daemon=True)
            proc.start()
            send.close()
            pipes.append(receive)
            procs.append(proc)
        for index in range(len(blocks)):
            result = pipes[index % workers].recv()
            if isinstance(result, BaseException):
                raise result
            yield result
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
        for pipe in pipes:
            pipe.close()


class _Scanner:
    """The tree, the roots and leaves asked for, and progress, fed blocks in order."""

    def __init__(self, work: _Work, check_schema: bool, progress: Progress | None,
                 total: int) -> None:
        self.work, self.check_schema = work, check_schema
        self.decode = msgspec.json.Decoder(_ENTRY[check_schema]).decode
        self.tree = TreeBuilder()
        self.scan = ExportScan(size=0, root=self.tree.root())
        if 0 in work.roots:
            self.scan.roots_at[0] = self.tree.root()
        self.progress, self.total = progress, total
        self.read = 0  # bytes of the lines taken so far

    def take(self, result: Result, data: bytes | None = None) -> None:
        """Add a checked block; re-check one not accepted whole (or out of place) line by line."""
        offset, length, start, segments, wanted, reads = result
        if segments is None or start != self.tree.size:
            if data is None:
                data = os.pread(self.work.fd, length, offset)
            raws = data.split(b"\n")
            raws.pop()
            self.lines(raws, newline=True)
            return
        for cut, subtrees in segments:
            for level, h in subtrees:
                self.tree.push_subtree(level, h)
            if cut in self.work.roots:
                self.scan.roots_at[cut] = self.tree.root()
        self.scan.leaves_at.update(wanted)
        if self.progress is not None:
            for done, read in reads:
                self.progress(done, read, self.total)
        self.read = offset + length

    def lines(self, raws: list[bytes], newline: bool) -> None:
        """Check and add lines one at a time (the first bad one raises)."""
        decode, encode, sha256 = self.decode, _ENCODER.encode, hashlib.sha256
        for raw in raws:
            seq = self.tree.size
            try:
                ok = _SEQ(entry := decode(raw)) == seq and encode(entry) == raw
            except _REFUSED:
                ok = False
            if not ok:  # the reference check: accepts, or raises the error it always has
                _check_line(raw, seq + 1, seq, self.check_schema)
            leaf = sha256(b"\x00" + raw).digest()
            if seq in self.work.leaves:
                self.scan.leaves_at[seq] = leaf
            self.tree.push(leaf)
            if seq + 1 in self.work.roots:
                self.scan.roots_at[seq + 1] = self.tree.root()
            self.read += len(raw) + newline
            every = self.work.every
            if self.progress is not None and every > 0 and (seq + 1) % every == 0:
                self.progress(seq + 1, self.read, self.total)

    def finish(self) -> ExportScan:
        self.scan.size, self.scan.root = self.tree.size, self.tree.root()
        return self.scan


def default_workers() -> int:
    """Worker processes for a large export: one per CPU this process may run on (at most 8)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


def scan_export_file(
    export: IO[bytes],
    sizes: Iterable[int] = (),
    leaves: Iterable[int] = (),
    *,
    check_schema: bool = True,
    progress: Progress | None = None,
    progress_every: int = 0,
    total: int = 0,
    workers: int | None = None,
    block_bytes: int | None = None,
    parallel_min_bytes: int | None = None,
) -> ExportScan:
    """Validate an export read from a binary file and compute its root, plus the roots (at
    ``sizes``) and leaves (at ``leaves``) asked for. Raises :class:`ExportError` naming the
    first bad entry, exactly as :func:`shared.audit.export.scan_export` does.

    ``workers`` (default: :func:`default_workers`) processes share the work when the export is
    a regular file of at least ``parallel_min_bytes`` (default :data:`PARALLEL_MIN_BYTES`);
    ``workers=1`` keeps it in this process.
    A regular file is read in place (``pread``); anything else (a pipe) as a stream. Workers
    are forked: call this from a process without other threads (the CLI does), or with 1.
    """
    workers = default_workers() if workers is None else workers
    fd = export.fileno()
    info = os.fstat(fd)
    regular = stat.S_ISREG(info.st_mode)
    if parallel_min_bytes is None:
        parallel_min_bytes = PARALLEL_MIN_BYTES
    parallel = (regular and workers > 1 and info.st_size >= parallel_min_bytes
                and "fork" in multiprocessing.get_all_start_methods())
    if block_bytes is None:
        block_bytes = BLOCK_BYTES
    work = _Work(check_schema, set(sizes), set(leaves), progress_every, fd, info.st_size,
                 block_bytes)
    scanner = _Scanner(work, check_schema, progress, total)
    if not regular:  # a pipe: read it as it comes
        _stream(scanner, export, block_bytes)
        return scanner.finish()
    blocks = range(0, info.st_size, block_bytes)
    if parallel:
        with closing(_in_workers(work, blocks, workers)) as results:  # stops them on an error
            _take_all(scanner, results)
    else:
        _take_all(scanner, map(work, blocks))
    tail = os.pread(fd, info.st_size - scanner.read, scanner.read)
    if tail:  # a last line without a newline
        scanner.lines([tail], newline=False)
    export.seek(info.st_size)
    return scanner.finish()


def _take_all(scanner: _Scanner, results: Iterable[Result]) -> None:
    for result in results:
        if result[1]:  # not a block without a line start (inside a long line)
            scanner.take(result)


def _stream(scanner: _Scanner, export: IO[bytes], block_bytes: int) -> None:
    tail = b""
    while chunk := export.read(block_bytes):
        data = tail + chunk if tail else chunk
        cut = data.rfind(b"\n") + 1
        if cut:
            block = data[:cut] if cut < len(data) else data
            scanner.take(scanner.work.check(block, scanner.read), block)
        tail = data[cut:]
    if tail:  # a last line without a newline
        scanner.lines([tail], newline=False)
