"""The fast export scan gives the reference scan's verdict on any export, serial or parallel.

The reference is :func:`shared.audit.export.scan_export` (json.loads + rfc8785 per line); the
fast scan (:mod:`shared.audit.fastscan`) must accept exactly what it accepts, with the same
root, roots and leaves, and refuse exactly what it refuses, with the same message.
"""

from __future__ import annotations

import json
import os
import random
import threading
from pathlib import Path

import msgspec
import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.audit.export import ExportError, scan_export
from shared.audit.fastscan import _ENCODER, scan_export_file
from shared.canonical import canonical_json
from tests.unit.shared.audit.helpers import make_entry


def reference(path: Path, sizes=(), leaves=(), check_schema=True):
    """The reference scan's verdict (the scan, or the error message) and the progress calls
    the verifier made before (every 7 lines, once each line was accepted)."""
    calls: list[tuple[int, int, int]] = []
    total = path.stat().st_size

    def reporting(lines):
        done = read = 0
        for line in lines:
            yield line
            done, read = done + 1, read + len(line)
            if done % 7 == 0:
                calls.append((done, read, total))

    try:
        with path.open("rb") as lines:
            return scan_export(reporting(lines), sizes, leaves, check_schema=check_schema), calls
    except ExportError as exc:
        return str(exc), calls


def fast(path: Path, sizes=(), leaves=(), check_schema=True, pipe=False, **options):
    """The fast scan's verdict and progress calls (reading a pipe if ``pipe``)."""
    calls: list[tuple[int, int, int]] = []
    total = path.stat().st_size
    if pipe:
        read_end, write_end = os.pipe()
        writer = threading.Thread(target=_feed, args=(path.read_bytes(), write_end))
        writer.start()
        export = os.fdopen(read_end, "rb", buffering=0)
    else:
        export = path.open("rb", buffering=0)
    try:
        with export:
            scan = scan_export_file(export, sizes, leaves, check_schema=check_schema,
                                    progress=lambda *a: calls.append(a), progress_every=7,
                                    total=total, **options)
    except ExportError as exc:
        return str(exc), calls
    finally:
        if pipe:
            writer.join()
    return scan, calls


def _feed(data: bytes, fd: int) -> None:
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except BrokenPipeError:  # the scan stopped at a bad line
        pass


MODES = {
    "serial, 1 MiB blocks": {"workers": 1},
    "serial, 300-byte blocks": {"workers": 1, "block_bytes": 300},
    "serial, blocks shorter than a line": {"workers": 1, "block_bytes": 64},
    "a pipe, 512-byte blocks": {"pipe": True, "block_bytes": 512},
    "parallel, 2 KiB blocks": {"workers": 2, "block_bytes": 2048, "parallel_min_bytes": 0},
}


def assert_same(path: Path, sizes=(), leaves=(), check_schema=True, modes=MODES):
    want, want_calls = reference(path, sizes, leaves, check_schema)
    for name, options in modes.items():
        got, calls = fast(path, sizes, leaves, check_schema, **options)
        if isinstance(want, str):
            assert got == want, name
        else:
            assert not isinstance(got, str), (name, got)
            assert (got.size, got.root, got.roots_at, got.leaves_at) == (
                want.size, want.root, want.roots_at, want.leaves_at), name
        assert calls == want_calls, name
    return want


def export_of(tmp_path: Path, lines: list[bytes], final_newline: bool = True) -> Path:
    path = tmp_path / "export.jsonl"
    path.write_bytes(b"\n".join(lines) + (b"\n" if final_newline and lines else b""))
    return path


def plain_entry(seq: int) -> dict:
    """An entry as the service writes it: strings, a safe integer score, sometimes nulls."""
    entry = make_entry(seq)
    if "score" in entry:
        entry["score"] = seq % 11
    if seq % 4 == 1:
        entry["request_id"] = None
    return entry


LINES = [canonical_json(plain_entry(i)) for i in range(60)]


# --- the premise: msgspec writes these values exactly as RFC 8785 does ---------------------------


def test_string_escapes_match_rfc8785_for_every_code_point():
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for at in range(0, len(chars), 65536):
        chunk = chars[at:at + 65536]
        assert _ENCODER.encode(chunk) == rfc8785.dumps(chunk), f"code points from {at}"


def test_scalars_match_rfc8785():
    values = [0, 1, -1, 2**53 - 1, -(2**53 - 1), 10**15, True, False, None, "", "a\"\\/\x7f"]
    assert _ENCODER.encode(values) == rfc8785.dumps(values)


# --- the same verdict as the reference scan ---------------------------------------------------


def test_service_like_export_is_accepted_whole(tmp_path):
    path = export_of(tmp_path, LINES)
    want = assert_same(path, sizes=[0, 1, 7, 8, 33, 60], leaves=[0, 17, 59])
    assert want.size == 60


def test_last_line_without_newline_and_empty_export(tmp_path):
    assert assert_same(export_of(tmp_path, LINES, final_newline=False)).size == 60
    assert assert_same(export_of(tmp_path, [])).size == 0


def test_lines_the_fast_check_leaves_to_the_reference_are_still_accepted(tmp_path):
    """Valid canonical lines outside the fast path's types: floats, unsafe... (accepted by the
    reference as before, so by the fast scan too)."""
    lines = list(LINES)
    lines[3] = canonical_json(dict(plain_entry(3), score=7.5))
    lines[9] = canonical_json(dict(plain_entry(9), extra={"nested": [1, "x"]}))
    lines[10] = canonical_json(dict(plain_entry(10), **{"\u00e9t\u00e9": "x"}))
    lines[11] = canonical_json(dict(plain_entry(11), score=1e21))
    lines[12] = canonical_json(dict(plain_entry(12), note="tab\tquote\"\U0001f600"))
    assert assert_same(export_of(tmp_path, lines), sizes=[10, 11, 12]).size == 60


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda line: line.replace(b'","', b'", "', 1), "entry seq=21: leaf is not canonical"),
        (lambda line: line + b"\r", "entry seq=21: leaf is not canonical"),
        (lambda line: line.replace(b"evaluator", b"ev\\u0061luator", 1),
         "entry seq=21: leaf is not canonical"),
        (lambda line: line[:-1] + b',"seq":21}', "entry seq=21: leaf is not canonical"),
        (lambda line: line.replace(b'"seq":21', b'"seq":21.0'), "missing or non-integer seq"),
        (lambda line: line.replace(b'"seq":21', b'"seq":true'), "missing or non-integer seq"),
        (lambda line: line.replace(b'"seq":21', b'"seq":22'), "seq 22 out of order"),
        (lambda line: line.replace(b'"score":10', b'"score":9007199254740993'),
         "entry seq=21: leaf is not canonical JSON (9007199254740993 exceeds safe integer"),
        (lambda line: line.replace(b'"score":10', b'"score":-0'),
         "entry seq=21: leaf is not canonical JSON (RFC 8785)"),
        (lambda line: line.replace(b"\xc3\xa9", b"\xed\xa0\x80", 1), "not valid UTF-8 JSON"),
        (lambda line: b"", "entry at line 22: empty line"),
        (lambda line: b"   ", "entry at line 22: empty line"),
        (lambda line: b"[1]", "entry at line 22: not a JSON object"),
        (lambda line: line + b" " + line, "not valid UTF-8 JSON"),
    ],
)
def test_a_bad_line_gets_the_reference_message(tmp_path, mangle, message):
    lines = list(LINES)
    lines[21] = mangle(lines[21])
    assert lines[21] != LINES[21]
    want = assert_same(export_of(tmp_path, lines), sizes=[60])
    assert isinstance(want, str) and message in want


def test_missing_field_is_refused_unless_the_schema_check_is_off(tmp_path):
    lines = list(LINES)
    entry = plain_entry(30)
    del entry["actor_role"]
    lines[30] = canonical_json(entry)
    path = export_of(tmp_path, lines)
    assert assert_same(path) == "entry seq=30: missing field(s) actor_role"
    assert assert_same(path, check_schema=False).size == 60


def test_reordered_removed_and_inserted_lines(tmp_path):
    swapped = list(LINES)
    swapped[40], swapped[41] = swapped[41], swapped[40]
    assert "seq 41 out of order (expected 40)" in assert_same(export_of(tmp_path, swapped))
    removed = LINES[:15] + LINES[16:]
    assert "seq 16 out of order (expected 15)" in assert_same(export_of(tmp_path, removed))
    inserted = [*LINES[:15], canonical_json(plain_entry(99)), *LINES[15:]]
    assert "seq 99 out of order (expected 15)" in assert_same(export_of(tmp_path, inserted))


def test_a_file_cut_anywhere(tmp_path):
    """A truncated export (cut mid-line or at a line end) gets the reference's verdict."""
    data = b"".join(line + b"\n" for line in LINES)
    path = tmp_path / "export.jsonl"
    for cut in random.Random(5).sample(range(1, len(data)), 12):
        path.write_bytes(data[:cut])
        want = assert_same(path, sizes=[60])
        if b"\n" not in data[cut - 1:cut + 1]:  # cut inside a line, not next to its end
            assert isinstance(want, str), cut  # then that line is never canonical


def test_a_line_longer_than_a_block(tmp_path):
    lines = list(LINES)
    lines[5] = canonical_json(dict(plain_entry(5), object_id="x" * 5000))
    assert assert_same(export_of(tmp_path, lines), sizes=[6]).size == 60
    lines[50] = lines[50] + b" "
    assert "seq=50" in assert_same(export_of(tmp_path, lines))


MUTATIONS = [
    lambda line, rng: line.replace(b":", b": ", 1),
    lambda line, rng: line[: rng.randrange(len(line) + 1)],
    lambda line, rng: line.replace(b'"seq":', b'"seq":1'),
    lambda line, rng: canonical_json(dict(json.loads(line), score=rng.random())),
    lambda line, rng: line[:-1] + b',"zz":12345678901234567890}',
    lambda line, rng: canonical_json({k: v for k, v in json.loads(line).items()
                                      if k != rng.choice(["tender_id", "score", "request_id"])}),
    lambda line, rng: line.replace(b"req", b"r\\\"q"),
    lambda line, rng: line.replace(b"\xc3\xa9", b"\\u00e9"),
    lambda line, rng: msgspec.json.encode(json.loads(line)),  # keys unsorted
    lambda line, rng: line + b"\n",
]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=60), st.lists(
    st.tuples(st.integers(0, 59), st.integers(0, len(MUTATIONS) - 1)), max_size=3),
    st.randoms(use_true_random=False), st.booleans())
def test_random_tampering_gets_the_reference_verdict(tmp_path, size, mutations, rng, schema):
    lines = LINES[:size]
    for index, which in mutations:
        if index < len(lines):
            lines[index] = MUTATIONS[which](lines[index], rng)
    modes = {"serial": {"workers": 1, "block_bytes": rng.choice([128, 1024, 1 << 20]),
                        "pipe": rng.random() < 0.3},
             "parallel": {"workers": 2, "block_bytes": 1024, "parallel_min_bytes": 0}}
    sizes = sorted({0, *(rng.randrange(size + 1) for _ in range(2))})
    assert_same(export_of(tmp_path, lines), sizes=sizes,
                leaves=[rng.randrange(size)] if size else [], check_schema=schema,
                modes=modes if rng.random() < 0.3 else {"serial": modes["serial"]})


def test_large_parallel_scan_matches(tmp_path):
    rng = random.Random(3)
    lines = [canonical_json(plain_entry(i)) for i in range(3000)]
    path = export_of(tmp_path, lines)
    want = assert_same(path, sizes=[1, 1024, 2047, 3000], leaves=[0, 1500, 2999],
                       modes={"parallel": {"workers": 3, "block_bytes": 4096,
                                           "parallel_min_bytes": 0}})
    assert want.size == 3000
    lines[rng.randrange(2000, 3000)] += b" "
    assert "not canonical" in assert_same(export_of(tmp_path, lines), modes={
        "parallel": {"workers": 2, "block_bytes": 4096, "parallel_min_bytes": 0}})


def test_cli_output_is_the_same_with_worker_processes(tmp_path, monkeypatch, private_key):
    """The verifier's CLI prints the same lines whether the scan ran in worker processes."""
    from click.testing import CliRunner

    from shared.audit import fastscan
    from shared.audit.checkpoint import public_key_document, tree_head
    from shared.audit.merkle import MemoryNodeStore, leaf_hash, root
    from shared.audit.verify import verify_command

    lines = [canonical_json(plain_entry(i)) for i in range(500)]
    top = root(MemoryNodeStore.from_leaves(leaf_hash(line) for line in lines), 500)
    good, bad = export_of(tmp_path, lines), tmp_path / "bad.jsonl"
    bad.write_bytes(good.read_bytes().replace(b'"seq":321', b'"seq":322'))
    head, key = tmp_path / "head.json", tmp_path / "key.json"
    head.write_text(json.dumps(tree_head(private_key, 500, top, "2026-12-03T00:00:00Z")))
    key.write_text(json.dumps(public_key_document(private_key.public_key())))

    def run(export):
        result = CliRunner().invoke(verify_command, [
            str(export), "--tree-head", str(head), "--public-key", str(key),
            "--progress-every", "64"])
        return result.exit_code, result.stdout, result.stderr

    serial = run(good), run(bad)
    monkeypatch.setattr(fastscan, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(fastscan, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(fastscan, "default_workers", lambda: 2)
    assert (run(good), run(bad)) == serial
    (code, out, err), (bad_code, _, bad_err) = serial
    assert code == 0 and f"OK: 500 entries, root {top.hex()}" in out
    assert err.count("verifying:") == 7
    assert bad_code == 1
    assert "FAIL: entry at line 322: seq 322 out of order (expected 321)" in bad_err
    assert bad_err.count("verifying:") == 5
