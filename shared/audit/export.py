"""The JSON-lines audit export: one RFC 8785 canonical entry per line, in ``seq`` order.

Streaming: :func:`scan_export` reads one line at a time and keeps only a stack of perfect
subtree hashes (O(log n) memory), snapshotting the root at the tree sizes asked for. It is the
reference: the verifier runs :mod:`shared.audit.fastscan`, which gives the same verdicts faster.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from shared.audit.merkle import TreeBuilder, leaf_hash
from shared.canonical import canonical_json

__all__ = [
    "OPTIONAL_FIELDS",
    "REQUIRED_FIELDS",
    "ExportError",
    "ExportScan",
    "entry_line",
    "scan_export",
    "write_export",
]

REQUIRED_FIELDS = (
    "seq",
    "event_type",
    "tender_id",
    "object_type",
    "object_id",
    "actor_id",
    "actor_role",
    "occurred_at",
    "request_id",
    "payload_sha256",
)
OPTIONAL_FIELDS = ("model_version", "inputs_sha256", "score", "evaluator_id")


class ExportError(ValueError):
    """The export is malformed; the message names the first bad entry."""


@dataclass
class ExportScan:
    """What a streaming pass over an export computed."""

    size: int
    root: bytes
    roots_at: dict[int, bytes] = field(default_factory=dict)
    leaves_at: dict[int, bytes] = field(default_factory=dict)


def entry_line(entry: Mapping[str, Any]) -> bytes:
    """Return the export line (canonical JSON plus ``\\n``) for one entry; its leaf excludes it."""
    return canonical_json(dict(entry)) + b"\n"


def write_export(entries: Iterable[Mapping[str, Any]], out: IO[bytes]) -> int:
    """Write entries as canonical JSON lines; return how many were written."""
    count = 0
    for entry in entries:
        out.write(entry_line(entry))
        count += 1
    return count


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _check_line(raw: bytes, line_no: int, expected: int, check_schema: bool) -> None:
    """Validate one line (without its newline) as the entry with ``seq == expected``."""
    where = f"entry at line {line_no}"
    if not raw.strip():
        raise ExportError(f"{where}: empty line")
    try:
        entry = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ExportError(f"{where}: not valid UTF-8 JSON ({exc})") from exc
    if not isinstance(entry, dict):
        raise ExportError(f"{where}: not a JSON object")
    seq = entry.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise ExportError(f"{where}: missing or non-integer seq")
    if seq != expected:
        raise ExportError(f"{where}: seq {seq} out of order (expected {expected})")
    try:
        canonical = canonical_json(entry)
    except Exception as exc:  # rfc8785 raises several error types
        raise ExportError(f"entry seq={seq}: leaf is not canonical JSON ({exc})") from exc
    if canonical != raw:
        raise ExportError(f"entry seq={seq}: leaf is not canonical JSON (RFC 8785)")
    if check_schema:
        missing = [name for name in REQUIRED_FIELDS if name not in entry]
        if missing:
            raise ExportError(f"entry seq={seq}: missing field(s) {', '.join(missing)}")


def scan_export(
    lines: Iterable[bytes],
    sizes: Iterable[int] = (),
    leaves: Iterable[int] = (),
    *,
    check_schema: bool = True,
) -> ExportScan:
    """Validate an export stream and compute its root, plus roots and leaves asked for."""
    want_roots, want_leaves = set(sizes), set(leaves)
    builder = TreeBuilder()
    scan = ExportScan(size=0, root=builder.root())
    if 0 in want_roots:
        scan.roots_at[0] = builder.root()
    for line_no, line in enumerate(lines, start=1):
        raw = line[:-1] if line.endswith(b"\n") else line
        _check_line(raw, line_no, builder.size, check_schema)
        leaf = leaf_hash(raw)
        if builder.size in want_leaves:
            scan.leaves_at[builder.size] = leaf
        builder.push(leaf)
        if builder.size in want_roots:
            scan.roots_at[builder.size] = builder.root()
    scan.size, scan.root = builder.size, builder.root()
    return scan
