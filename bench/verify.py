"""The offline audit verifier against reading and SHA-256-hashing the same export.

``python -m bench.verify [--entries N] [--full] [--rounds R] [--export FILE]`` writes an export
of N entries (default 100,000; ``--full`` = 1,000,000) with the lines the scoring service
writes (``bench.audit_load.entry_rows``: the service's own canonical JSON, no database), signs
a tree head over it with a throwaway key, then runs in fresh child processes, R rounds in turn:

* the baseline: read the export line by line and SHA-256 each line (``0x00 || line``), as
  ``bench.audit`` does, and SHA-256 of the whole file in 1 MiB reads;
* ``verify_export`` (what ``python -m shared.audit.verify`` runs) against the tree head and the
  public key, in one process (``workers=1``) and with its default worker processes;

and once the reference scan (``shared.audit.export.scan_export``: json.loads + rfc8785 per line,
the verifier before issue 20). Each figure is the median of the rounds (min in brackets); the
ratios pair each round's verify with that round's baseline, so load on the machine cancels out
as far as it can. CPU seconds count the worker processes too. ``--export FILE`` keeps the
export (and reuses it when it already holds N entries).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Report, header

ROUND_MODES = ("baseline", "serial", "parallel")


def write_export(path: Path, n: int) -> bytes:
    """Write n service-like entries to ``path``; return the Merkle root."""
    from bench.audit_load import entry_rows, make_event
    from shared.audit.merkle import TreeBuilder, leaf_hash

    rng, tree, tenders = random.Random(8), TreeBuilder(), max(10, n // 500)
    with path.open("wb") as out:
        for start in range(0, n, 5000):
            events = [make_event(rng, s, tenders) for s in range(start, min(n, start + 5000))]
            _, _, _, lines = entry_rows(events, start)
            tree.extend([leaf_hash(line) for line in lines])
            out.write(b"".join(line + b"\n" for line in lines))
    return tree.root()


def prepare(folder: Path, export: Path, n: int, report: Report) -> tuple[Path, Path]:
    """The export (reused if it holds n lines), a signed tree head over it and the public key."""
    from shared.audit.checkpoint import public_key_document, tree_head
    from shared.audit.fastscan import scan_export_file

    reuse = export.exists() and sum(1 for _ in export.open("rb")) == n
    t0 = time.perf_counter()
    if reuse:
        with export.open("rb") as lines:
            top = scan_export_file(lines).root
    else:
        top = write_export(export, n)
    report.add("export_mib", round(export.stat().st_size / 2**20, 1),
               f"({'reused' if reuse else 'written'} in {time.perf_counter() - t0:.1f} s)")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.from_private_bytes(os.urandom(32))
    head, pub = folder / "tree-head.json", folder / "public-key.json"
    head.write_text(json.dumps(tree_head(key, n, top, "2026-12-03T00:00:00Z")))
    pub.write_text(json.dumps(public_key_document(key.public_key())))
    return head, pub


def _cpu() -> float:
    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _child(mode: str, export: str, head: str, key: str) -> None:
    """Run one measurement in this (fresh) process; print seconds, CPU and peak RSS as JSON."""
    from shared.audit.export import scan_export
    from shared.audit.verify import verify_export

    result: dict[str, Any] = {}
    t0, c0 = time.perf_counter(), _cpu()
    if mode == "baseline":
        with open(export, "rb") as lines:
            for line in lines:
                hashlib.sha256(b"\x00" + line[:-1]).digest()
        t_end, cpu = time.perf_counter(), _cpu() - c0
        whole = hashlib.sha256()
        with open(export, "rb") as data:
            while chunk := data.read(1 << 20):
                whole.update(chunk)
        result["file_seconds"] = time.perf_counter() - t_end
    elif mode == "reference":
        with open(export, "rb") as lines:
            size = json.loads(Path(head).read_text())["tree_size"]
            scan = scan_export(lines, [size])
        result.update(ok=scan.roots_at[size].hex() == json.loads(Path(head).read_text())
                      ["root_hash"], entries=scan.size)
        t_end = time.perf_counter()
    else:  # what the CLI runs, without its progress lines
        report = verify_export(export, tree_head=head, public_key=key,
                               workers=1 if mode == "serial" else None)
        t_end = time.perf_counter()
        result.update(ok=report.ok, error=report.error, entries=report.entries)
    if mode != "baseline":
        cpu = _cpu() - c0
    result.update(seconds=t_end - t0, cpu_seconds=cpu,
                  peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


def run_child(mode: str, export: Path, head: Path, key: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "bench.verify", "--child", mode, str(export),
                           str(head), str(key)], capture_output=True, text=True, check=False)
    if proc.returncode:
        raise RuntimeError(f"{mode} child failed: {proc.stderr[-2000:]}")
    result = json.loads(proc.stdout.splitlines()[-1])
    if mode != "baseline" and not result["ok"]:
        raise RuntimeError(f"{mode} did not verify: {result}")
    return result


def _fig(values: list[float], digits: int = 3) -> str:
    return f"{statistics.median(values):.{digits}f} (min {min(values):.{digits}f})"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the verifier bench and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.verify", description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--full", action="store_true", help="1,000,000 entries")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--export", type=Path, help="keep the export here (reused if full)")
    parser.add_argument("--no-reference", action="store_true",
                        help="skip the reference (pre-issue-20) scan")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--json", help="append the figures as a JSON line to this file")
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return {}
    from shared.audit.fastscan import default_workers

    n = 1_000_000 if args.full else args.entries
    header(f"offline verifier: {n:,} entries, {args.rounds} rounds, "
           f"{default_workers()} worker processes by default")
    report = Report("verify")
    report.add("entries", n)
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp:
        folder = Path(tmp)
        export = args.export or folder / "audit-export.jsonl"
        head, key = prepare(folder, export, n, report)
        runs: dict[str, list[dict[str, Any]]] = {m: [] for m in ROUND_MODES}
        for number in range(args.rounds):
            for mode in ROUND_MODES:
                runs[mode].append(run_child(mode, export, head, key))
            report.note(f"round {number + 1}: " + ", ".join(
                f"{m} {runs[m][-1]['seconds']:.2f} s" for m in ROUND_MODES))
        base = [r["seconds"] for r in runs["baseline"]]
        base_cpu = [r["cpu_seconds"] for r in runs["baseline"]]
        report.add("baseline_read_sha256_lines_s", _fig(base),
                   f"(line by line, as bench.audit; CPU {_fig(base_cpu)} s)")
        report.add("baseline_sha256_whole_file_s",
                   _fig([r["file_seconds"] for r in runs["baseline"]]))
        for mode, label in (("serial", "one process"), ("parallel", "default workers")):
            secs = [r["seconds"] for r in runs[mode]]
            cpu = [r["cpu_seconds"] for r in runs[mode]]
            report.add(f"verify_{mode}_s", _fig(secs),
                       f"({label}; {n / statistics.median(secs):,.0f} entries/s; CPU "
                       f"{_fig(cpu)} s; peak RSS "
                       f"{max(r['peak_rss_mb'] for r in runs[mode]):.0f} MiB)")
            report.add(f"verify_{mode}_vs_baseline",
                       _fig([v / b for v, b in zip(secs, base, strict=True)], 2),
                       "x (wall, paired by round)")
            report.add(f"verify_{mode}_cpu_vs_baseline_cpu",
                       _fig([v / b for v, b in zip(cpu, base_cpu, strict=True)], 2), "x")
        t0 = time.perf_counter()
        cli = subprocess.run([sys.executable, "-m", "shared.audit.verify", str(export),
                              "--tree-head", str(head), "--public-key", str(key)],
                             capture_output=True, text=True, check=False)
        if cli.returncode:
            raise RuntimeError(f"the CLI failed: {cli.stderr[-2000:]}")
        report.add("cli_wall_s", round(time.perf_counter() - t0, 2),
                   "(python -m shared.audit.verify, interpreter start and progress included)")
        if not args.no_reference:
            ref = run_child("reference", export, head, key)
            report.add("reference_scan_s", round(ref["seconds"], 2),
                       f"(json.loads + rfc8785 per line, the verifier before issue 20; "
                       f"{n / ref['seconds']:,.0f} entries/s; "
                       f"{ref['seconds'] / statistics.median(base):.1f}x the baseline median)")
    report.dump(args.json)
    return report.figures


if __name__ == "__main__":
    main()
