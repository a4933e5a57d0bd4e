"""Offline verifier for an audit export, signed tree heads and proofs.

Needs only the export, the published public key and (optionally) tree heads and proofs; it
trusts nothing from the server. Run as ``python -m shared.audit.verify EXPORT [...]`` or
``coprocure audit verify EXPORT [...]``. Exits 0 when every requested check passes, 1 naming
the first failure otherwise.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from shared.audit.checkpoint import CheckpointError, key_id, load_public_key, verify_checkpoint
from shared.audit.checkpoint import parse_checkpoint as _parse_checkpoint
from shared.audit.export import ExportError
from shared.audit.fastscan import scan_export_file
from shared.audit.merkle import (
    hash_from_hex,
    hashes_from_hex,
    verify_consistency,
    verify_inclusion,
)

__all__ = ["TreeHead", "VerificationError", "VerificationReport", "verify_command", "verify_export"]

Source = str | Path | Mapping[str, Any]
# Told (entries read, bytes read, bytes in the export) every ``every`` entries.
Progress = Callable[[int, int, int], None]


class VerificationError(Exception):
    """A check failed; the message says which and, where possible, names the entry."""


@dataclass
class VerificationReport:
    """Outcome of :func:`verify_export`: ``ok`` plus the first error or the checks passed."""

    ok: bool = False
    entries: int = 0
    root_hash: str = ""
    error: str | None = None
    checks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TreeHead:
    """A parsed ``GET /audit/tree-head`` document."""

    tree_size: int
    root: bytes
    key_id: str | None
    checkpoint: str
    signature: str


def _load_json(source: Source, what: str) -> Any:
    if isinstance(source, Mapping):
        return source
    try:
        return json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise VerificationError(f"{what}: cannot read JSON from {source} ({exc})") from exc


def load_tree_head(source: Source, what: str = "tree head") -> TreeHead:
    """Load a tree head and check its checkpoint text agrees with tree_size and root_hash."""
    doc = _load_json(source, what)
    try:
        size, root_hex = doc["tree_size"], doc["root_hash"]
        checkpoint, signature = doc["checkpoint"], doc["signature"]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"tree_size {size!r} is not a non-negative integer")
        if not isinstance(checkpoint, str) or not isinstance(signature, str):
            raise ValueError("checkpoint and signature must be strings")
        head = TreeHead(size, hash_from_hex(root_hex), doc.get("key_id"), checkpoint, signature)
        cp_size, cp_root = _parse_checkpoint(checkpoint)
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError(f"{what}: malformed ({exc})") from exc
    if cp_size != head.tree_size:
        raise VerificationError(
            f"{what}: checkpoint size {cp_size} does not match tree_size {head.tree_size}"
        )
    if cp_root != head.root:
        raise VerificationError(
            f"{what}: checkpoint root {cp_root.hex()} does not match root_hash {root_hex}"
        )
    return head


def load_public_key_file(source: str | Path | Ed25519PublicKey) -> Ed25519PublicKey:
    """Load ``{key_id, algorithm, public_key}`` JSON or a bare base64 key; check its key_id."""
    if isinstance(source, Ed25519PublicKey):
        return source
    try:
        text = Path(source).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise VerificationError(f"public key: cannot read {source} ({exc})") from exc
    try:
        doc: Any = json.loads(text)
    except ValueError:
        doc = text
    try:
        if isinstance(doc, dict):
            if doc.get("algorithm", "ed25519") != "ed25519":
                raise ValueError(f"unsupported algorithm {doc.get('algorithm')!r}")
            key = load_public_key(doc["public_key"])
            if "key_id" in doc and doc["key_id"] != key_id(key):
                raise ValueError(f"key_id {doc['key_id']!r} is not {key_id(key)!r} for this key")
            return key
        return load_public_key(str(doc))
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError(f"public key: {exc}") from exc


def _check_signature(head: TreeHead, key: Ed25519PublicKey, what: str) -> None:
    if head.key_id is not None and head.key_id != key_id(key):
        raise VerificationError(
            f"{what}: key_id {head.key_id!r} does not match the public key ({key_id(key)})"
        )
    try:
        verify_checkpoint(key, head.checkpoint, head.signature)
    except CheckpointError as exc:
        raise VerificationError(f"{what}: {exc}") from exc


def _load_inclusion(source: Source, entry: int | None) -> tuple[int, int, list[bytes]]:
    doc = _load_json(source, "inclusion proof")
    try:
        index, size = doc["leaf_index"], doc["tree_size"]
        path = hashes_from_hex(doc["audit_path"])
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (index, size)):
            raise ValueError("leaf_index and tree_size must be integers")
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError(f"inclusion proof: malformed ({exc})") from exc
    if entry is not None and entry != index:
        raise VerificationError(f"inclusion proof is for leaf_index {index}, not entry {entry}")
    return index, size, path


def _load_consistency(source: Source) -> list[bytes]:
    doc = _load_json(source, "consistency proof")
    try:
        return hashes_from_hex(doc["proof"])
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError(f"consistency proof: malformed ({exc})") from exc


def _root_mismatch(size: int, got: bytes, want: bytes, what: str, since: int = 0) -> str:
    where = f"entries seq {since}..{size - 1}" if since else f"entries seq 0..{size - 1}"
    return (
        f"root mismatch at tree size {size}: the export's first {size} entries hash to "
        f"{got.hex()} but the {what} says {want.hex()} (an entry among {where} was "
        f"altered, inserted or removed)"
    )


def _run(
    report: VerificationReport,
    export: str | Path,
    *,
    tree_head: Source | None,
    public_key: str | Path | Ed25519PublicKey | None,
    previous_tree_head: Source | None,
    consistency_proof: Source | None,
    inclusion_proof: Source | None,
    entry: int | None,
    check_schema: bool,
    progress: Progress | None = None,
    progress_every: int = 0,
    workers: int | None = None,
) -> None:
    key = load_public_key_file(public_key) if public_key is not None else None
    head = load_tree_head(tree_head) if tree_head is not None else None
    prev = (
        load_tree_head(previous_tree_head, "previous tree head")
        if previous_tree_head is not None
        else None
    )
    for th, what in ((prev, "previous tree head"), (head, "tree head")):
        if th is None:
            continue
        if key is None:
            report.warnings.append(f"{what} signature NOT checked (no --public-key given)")
        else:
            _check_signature(th, key, what)
            report.checks.append(f"{what} signature valid (size {th.tree_size})")
    if prev and head and prev.tree_size > head.tree_size:
        raise VerificationError(
            f"previous tree head size {prev.tree_size} is larger than "
            f"tree head size {head.tree_size}"
        )
    incl = _load_inclusion(inclusion_proof, entry) if inclusion_proof is not None else None
    if entry is not None and incl is None:
        raise VerificationError("--entry needs --inclusion-proof")
    cons = _load_consistency(consistency_proof) if consistency_proof is not None else None
    if cons is not None and prev is None:
        raise VerificationError("--consistency-proof needs --previous-tree-head")

    sizes = {th.tree_size for th in (prev, head) if th is not None}
    if incl:
        sizes.add(incl[1])
    with open(export, "rb", buffering=0) as lines:
        try:
            scan = scan_export_file(lines, sizes, [incl[0]] if incl else [],
                                    check_schema=check_schema, progress=progress,
                                    progress_every=progress_every,
                                    total=os.fstat(lines.fileno()).st_size, workers=workers)
        except ExportError as exc:
            raise VerificationError(str(exc)) from exc
    report.entries, report.root_hash = scan.size, scan.root.hex()
    report.checks.append(f"{scan.size} entries canonical, seq contiguous from 0")

    matched = 0
    for th, what in ((prev, "previous tree head"), (head, "tree head")):
        if th is None:
            continue
        if th.tree_size > scan.size:
            raise VerificationError(
                f"{what} covers {th.tree_size} entries but the export has only {scan.size}"
            )
        got = scan.roots_at[th.tree_size]
        if got != th.root:
            raise VerificationError(_root_mismatch(th.tree_size, got, th.root, what, matched))
        matched = th.tree_size
        report.checks.append(f"{what} root matches the export's first {th.tree_size} entries")
    if head and scan.size > head.tree_size:
        report.warnings.append(
            f"entries seq {head.tree_size}..{scan.size - 1} are not covered by the tree head"
        )

    if cons is not None and prev is not None:
        n, root_n = (head.tree_size, head.root) if head else (scan.size, scan.root)
        if not verify_consistency(prev.tree_size, n, prev.root, root_n, cons):
            raise VerificationError(
                f"consistency proof from size {prev.tree_size} to {n} does not verify (RFC 9162)"
            )
        report.checks.append(f"consistency proof {prev.tree_size} -> {n} valid")

    if incl is not None:
        index, size, path = incl
        if size > scan.size or index >= scan.size:
            raise VerificationError(
                f"inclusion proof for tree size {size}, leaf {index}: "
                f"the export has only {scan.size} entries"
            )
        if index >= size:
            raise VerificationError(f"inclusion proof: leaf_index {index} >= tree_size {size}")
        if not verify_inclusion(scan.leaves_at[index], index, size, path, scan.roots_at[size]):
            raise VerificationError(
                f"entry seq={index}: inclusion proof in tree size {size} does not verify (RFC 9162)"
            )
        report.checks.append(f"inclusion proof for entry seq={index} in tree size {size} valid")


def verify_export(
    export: str | Path,
    *,
    tree_head: Source | None = None,
    public_key: str | Path | Ed25519PublicKey | None = None,
    previous_tree_head: Source | None = None,
    consistency_proof: Source | None = None,
    inclusion_proof: Source | None = None,
    entry: int | None = None,
    check_schema: bool = True,
    progress: Progress | None = None,
    progress_every: int = 0,
    workers: int | None = None,
) -> VerificationReport:
    """Verify an export file (streamed) and any heads/proofs; never raises on a failed check.

    ``progress`` is told how far the scan has got every ``progress_every`` entries; ``workers``
    processes check a large export (default: one per CPU; see :func:`scan_export_file`)."""
    report = VerificationReport()
    try:
        _run(
            report,
            export,
            tree_head=tree_head,
            public_key=public_key,
            previous_tree_head=previous_tree_head,
            consistency_proof=consistency_proof,
            inclusion_proof=inclusion_proof,
            entry=entry,
            check_schema=check_schema,
            progress=progress,
            progress_every=progress_every,
            workers=workers,
        )
    except VerificationError as exc:
        report.error = str(exc)
        return report
    except OSError as exc:
        report.error = f"cannot read export {export}: {exc}"
        return report
    report.ok = True
    return report


_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("verify")
@click.argument("export", type=_FILE)
@click.option("--tree-head", type=_FILE, help="Signed tree head JSON (GET /audit/tree-head).")
@click.option(
    "--public-key", type=_FILE, help="Public key JSON (GET /audit/public-key) or a bare base64 key."
)
@click.option(
    "--previous-tree-head", type=_FILE, help="An earlier signed tree head the export must extend."
)
@click.option(
    "--consistency-proof",
    type=_FILE,
    help="{proof: [hex]} from --previous-tree-head to --tree-head (or the export).",
)
@click.option(
    "--inclusion-proof", type=_FILE, help="{leaf_index, tree_size, audit_path: [hex]} for --entry."
)
@click.option("--entry", type=int, default=None, help="seq of the entry proven.")
@click.option(
    "--schema/--no-schema",
    "check_schema",
    default=True,
    show_default=True,
    help="Require the documented entry fields.",
)
@click.option(
    "--progress-every",
    type=click.IntRange(min=0),
    default=50_000,
    show_default=True,
    help="Report progress on stderr every N entries (0: never).",
)
def verify_command(
    export: Path,
    tree_head: Path | None,
    public_key: Path | None,
    previous_tree_head: Path | None,
    consistency_proof: Path | None,
    inclusion_proof: Path | None,
    entry: int | None,
    check_schema: bool,
    progress_every: int,
) -> None:
    """Verify an audit export offline (canonical lines, seq, Merkle root, signatures, proofs)."""

    def tell(entries: int, read: int, total: int) -> None:
        # stderr, so stdout stays the verdict a script reads.
        share = f" ({100 * read // total}% of {total:,} bytes)" if total else ""
        click.echo(f"verifying: {entries:,} entries checked{share}", err=True)

    report = verify_export(
        export,
        tree_head=tree_head,
        public_key=public_key,
        previous_tree_head=previous_tree_head,
        consistency_proof=consistency_proof,
        inclusion_proof=inclusion_proof,
        entry=entry,
        check_schema=check_schema,
        progress=tell,
        progress_every=progress_every,
    )
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not report.ok:
        click.echo(f"FAIL: {report.error}", err=True)
        sys.exit(1)
    for check in report.checks:
        click.echo(f"ok: {check}")
    click.echo(f"OK: {report.entries} entries, root {report.root_hash}")


if __name__ == "__main__":
    verify_command(prog_name="python -m shared.audit.verify")
