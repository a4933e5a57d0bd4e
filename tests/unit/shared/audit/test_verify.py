"""The offline verifier: a signed 50-entry export verifies; every kind of tampering is named."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from shared.audit.checkpoint import public_key_b64, public_key_document, tree_head
from shared.audit.export import entry_line, scan_export, write_export
from shared.audit.merkle import (
    EMPTY_ROOT,
    MemoryNodeStore,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
)
from shared.audit.verify import verify_command, verify_export
from shared.canonical import canonical_json
from tests.unit.shared.audit.helpers import make_entry

ROOT_DIR = Path(__file__).resolve().parents[3]
SIZE, PREV = 50, 20
TS = "2025-03-01T12:00:00Z"


class Bundle:
    """Files an auditor would download: export, heads, key, proofs."""

    def __init__(self, folder: Path, private_key) -> None:
        self.folder = folder
        self.entries = [make_entry(i) for i in range(SIZE)]
        self.lines = [canonical_json(e) for e in self.entries]
        self.store = MemoryNodeStore.from_leaves(leaf_hash(line) for line in self.lines)
        self.key = private_key
        self.export = folder / "export.jsonl"
        with self.export.open("wb") as out:
            write_export(self.entries, out)
        self.head = self.write("head.json", self.head_doc(SIZE))
        self.prev = self.write("prev.json", self.head_doc(PREV))
        self.pub = self.write("key.json", public_key_document(private_key.public_key()))
        self.cons = self.write(
            "cons.json", {"proof": [h.hex() for h in consistency_proof(self.store, PREV, SIZE)]}
        )
        self.incl = self.write(
            "incl.json",
            {
                "leaf_index": 17,
                "tree_size": SIZE,
                "audit_path": [h.hex() for h in inclusion_proof(self.store, 17, SIZE)],
            },
        )

    def head_doc(self, size: int, key=None) -> dict:
        return tree_head(key or self.key, size, root(self.store, size), TS)

    def write(self, name: str, doc) -> Path:
        path = self.folder / name
        path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
        return path

    def rewrite_export(self, lines: list[bytes], name: str = "tampered.jsonl") -> Path:
        path = self.folder / name
        path.write_bytes(b"".join(line + b"\n" for line in lines))
        return path


@pytest.fixture
def bundle(tmp_path, private_key) -> Bundle:
    return Bundle(tmp_path, private_key)


def run(*args: object):
    result = CliRunner().invoke(verify_command, [str(a) for a in args])
    return result.exit_code, result.output


def full_args(b: Bundle, export: Path | None = None) -> list[object]:
    return [
        export or b.export,
        "--tree-head",
        b.head,
        "--public-key",
        b.pub,
        "--previous-tree-head",
        b.prev,
        "--consistency-proof",
        b.cons,
        "--inclusion-proof",
        b.incl,
        "--entry",
        17,
    ]


# --- happy paths ----------------------------------------------------------------------------


def test_export_lines_are_canonical_entries(bundle):
    raw = bundle.export.read_bytes().split(b"\n")
    assert raw[-1] == b"" and raw[:-1] == bundle.lines
    assert entry_line(bundle.entries[3]) == bundle.lines[3] + b"\n"
    assert b"\\u" not in raw[0] and "\u00e9".encode() in raw[0]  # UTF-8, not escapes


def test_full_verification_passes(bundle):
    code, out = run(*full_args(bundle))
    assert code == 0, out
    assert f"OK: {SIZE} entries, root {root(bundle.store, SIZE).hex()}" in out
    for fragment in [
        "tree head signature valid",
        "previous tree head root matches",
        "consistency proof 20 -> 50 valid",
        "entry seq=17 in tree size 50 valid",
    ]:
        assert fragment in out


def test_progress_goes_to_stderr_every_n_entries(bundle):
    result = CliRunner().invoke(verify_command, [str(a) for a in full_args(bundle)] +
                                ["--progress-every", "20"])
    assert result.exit_code == 0, result.output
    size = bundle.export.stat().st_size
    lines = result.stderr.splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "verifying: 20 entries checked", "verifying: 40 entries checked"], lines
    assert lines[-1].endswith(f"% of {size:,} bytes)") and "verifying" not in result.stdout
    quiet = CliRunner().invoke(verify_command, [str(bundle.export), "--progress-every", "0"])
    assert quiet.exit_code == 0 and quiet.stderr == "", quiet.output


def test_report_from_plain_function(bundle):
    report = verify_export(bundle.export, tree_head=bundle.head, public_key=bundle.pub)
    assert report.ok and report.error is None
    assert report.entries == SIZE and report.root_hash == root(bundle.store, SIZE).hex()
    assert report.warnings == []


def test_mappings_and_key_objects_are_accepted(bundle):
    report = verify_export(
        bundle.export,
        tree_head=bundle.head_doc(SIZE),
        public_key=bundle.key.public_key(),
        inclusion_proof=json.loads(bundle.incl.read_text()),
    )
    assert report.ok, report.error


def test_bare_base64_public_key_file(bundle):
    bare = bundle.write("key.b64", public_key_b64(bundle.key.public_key()) + "\n")
    assert run(bundle.export, "--tree-head", bundle.head, "--public-key", bare)[0] == 0


def test_export_only_prints_the_root(bundle):
    code, out = run(bundle.export)
    assert code == 0 and root(bundle.store, SIZE).hex() in out


def test_head_without_key_warns(bundle):
    report = verify_export(bundle.export, tree_head=bundle.head)
    assert report.ok and any("NOT checked" in w for w in report.warnings)


def test_export_longer_than_head_is_ok_with_warning(bundle):
    head = bundle.write("h30.json", bundle.head_doc(30))
    report = verify_export(bundle.export, tree_head=head, public_key=bundle.pub)
    assert report.ok and any("30..49 are not covered" in w for w in report.warnings)


def test_empty_export(tmp_path, private_key):
    export = tmp_path / "empty.jsonl"
    export.write_bytes(b"")
    head = tmp_path / "head.json"
    head.write_text(json.dumps(tree_head(private_key, 0, EMPTY_ROOT, TS)))
    report = verify_export(export, tree_head=head, public_key=private_key.public_key())
    assert report.ok and report.entries == 0 and report.root_hash == EMPTY_ROOT.hex()


def test_final_newline_is_optional(bundle):
    path = bundle.folder / "nofinal.jsonl"
    path.write_bytes(b"\n".join(bundle.lines))
    assert verify_export(path, tree_head=bundle.head, public_key=bundle.pub).ok


def test_python_dash_m_entry_point(bundle):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "shared.audit.verify",
            str(bundle.export),
            "--tree-head",
            str(bundle.head),
            "--public-key",
            str(bundle.pub),
        ],
        cwd=ROOT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"OK: {SIZE} entries" in result.stdout


# --- tampering with the export ----------------------------------------------------------------


def _canon(entry: dict) -> bytes:
    return canonical_json(entry)


def test_changed_field_is_a_root_mismatch(bundle):
    lines = list(bundle.lines)
    entry = dict(bundle.entries[33], score=10.5)
    lines[33] = _canon(entry)  # still perfectly canonical
    code, out = run(*full_args(bundle, bundle.rewrite_export(lines)))
    assert code == 1
    assert "FAIL: root mismatch at tree size 50" in out
    assert "entries seq 20..49" in out  # the previous head pins 0..19


def test_changed_field_before_previous_head(bundle):
    lines = list(bundle.lines)
    lines[4] = _canon(dict(bundle.entries[4], actor_id="someone-else"))
    code, out = run(*full_args(bundle, bundle.rewrite_export(lines)))
    assert code == 1
    assert "previous tree head" in out and "root mismatch at tree size 20" in out


def test_deleted_line_names_the_entry(bundle):
    lines = bundle.lines[:4] + bundle.lines[5:]
    code, out = run(*full_args(bundle, bundle.rewrite_export(lines)))
    assert code == 1
    assert "entry at line 5: seq 5 out of order (expected 4)" in out


def test_swapped_lines_name_the_entry(bundle):
    lines = list(bundle.lines)
    lines[10], lines[11] = lines[11], lines[10]
    code, out = run(*full_args(bundle, bundle.rewrite_export(lines)))
    assert code == 1
    assert "entry at line 11: seq 11 out of order (expected 10)" in out


def test_renumbered_swap_is_a_root_mismatch(bundle):
    lines = list(bundle.lines)
    a, b = dict(bundle.entries[10], seq=11), dict(bundle.entries[11], seq=10)
    lines[10], lines[11] = _canon(b), _canon(a)
    code, out = run(*full_args(bundle, bundle.rewrite_export(lines)))
    assert code == 1 and "root mismatch at tree size 20" in out


@pytest.mark.parametrize(
    "mangle",
    [
        lambda line: line.replace(b'","', b'", "', 1),
        lambda line: line.replace(b":", b": ", 1),
        lambda line: b" " + line,
        lambda line: line + b" ",
        lambda line: line + b"\r",
        lambda line: json.dumps(
            json.loads(line), sort_keys=False, ensure_ascii=True, separators=(",", ":")
        ).encode(),
        lambda line: json.dumps(
            dict(reversed(json.loads(line).items())), ensure_ascii=False, separators=(",", ":")
        ).encode(),
    ],
)
def test_non_canonical_line_names_the_entry(bundle, mangle):
    lines = list(bundle.lines)
    lines[17] = mangle(lines[17])
    assert lines[17] != bundle.lines[17]
    code, out = run(*full_args(bundle, bundle.rewrite_export(lines)))
    assert code == 1
    assert "entry seq=17: leaf is not canonical JSON" in out


def test_non_canonical_number(bundle):
    lines = list(bundle.lines)
    lines[18] = lines[18].replace(b'"seq":18', b'"seq":18.0')
    code, out = run(bundle.rewrite_export(lines))
    assert code == 1 and "entry at line 19: missing or non-integer seq" in out
    lines = list(bundle.lines)
    lines[18] = lines[18].replace(b'"score":7.5', b'"score":7.50')
    assert lines[18] != bundle.lines[18]
    code, out = run(bundle.rewrite_export(lines))
    assert code == 1 and "entry seq=18: leaf is not canonical JSON" in out


def test_duplicate_key_is_not_canonical(bundle):
    lines = list(bundle.lines)
    lines[5] = lines[5][:-1] + b',"seq":5}'
    code, out = run(bundle.rewrite_export(lines))
    assert code == 1 and "entry seq=5: leaf is not canonical JSON" in out


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (b"", "entry at line 8: empty line"),
        (b"{not json", "entry at line 8: not valid UTF-8 JSON"),
        (b"[1,2]", "entry at line 8: not a JSON object"),
        (b'{"seq":NaN}', "entry at line 8: not valid UTF-8 JSON"),
        (b"\xff\xfe", "entry at line 8: not valid UTF-8 JSON"),
    ],
)
def test_garbage_lines(bundle, bad, message):
    lines = list(bundle.lines)
    lines[7] = bad
    code, out = run(bundle.rewrite_export(lines))
    assert code == 1 and message in out


def test_first_bad_entry_wins(bundle):
    lines = list(bundle.lines)
    lines[30] = lines[30].replace(b":", b": ", 1)
    lines[12] = lines[12].replace(b":", b": ", 1)
    code, out = run(bundle.rewrite_export(lines))
    assert "entry seq=12:" in out and "seq=30" not in out


def test_missing_field_is_reported_unless_schema_check_is_off(bundle):
    lines = list(bundle.lines)
    entry = dict(bundle.entries[9])
    del entry["request_id"]
    lines[9] = _canon(entry)
    path = bundle.rewrite_export(lines)
    code, out = run(path)
    assert code == 1 and "entry seq=9: missing field(s) request_id" in out
    assert run(path, "--no-schema")[0] == 0


def test_appended_entry_not_in_head_is_fine_but_truncation_is_not(bundle):
    code, out = run(
        bundle.rewrite_export(bundle.lines[:40]),
        "--tree-head",
        bundle.head,
        "--public-key",
        bundle.pub,
    )
    assert code == 1 and "tree head covers 50 entries but the export has only 40" in out


# --- tampering with heads, keys and proofs ------------------------------------------------------


def test_forged_head_signed_by_another_key(bundle, other_key):
    forged = bundle.write("forged.json", bundle.head_doc(SIZE, key=other_key))
    code, out = run(bundle.export, "--tree-head", forged, "--public-key", bundle.pub)
    assert code == 1 and "key_id" in out
    doc = bundle.head_doc(SIZE, key=other_key)
    doc.pop("key_id")
    forged = bundle.write("forged2.json", doc)
    code, out = run(bundle.export, "--tree-head", forged, "--public-key", bundle.pub)
    assert code == 1 and "signature does not verify" in out


def test_head_whose_json_disagrees_with_its_checkpoint(bundle):
    doc = bundle.head_doc(SIZE)
    doc["root_hash"] = root(bundle.store, 49).hex()
    code, out = run(bundle.export, "--tree-head", bundle.write("h.json", doc))
    assert code == 1 and "does not match root_hash" in out
    doc = bundle.head_doc(SIZE)
    doc["tree_size"] = 49
    code, out = run(bundle.export, "--tree-head", bundle.write("h.json", doc))
    assert code == 1 and "checkpoint size 50 does not match tree_size 49" in out


def test_head_with_tampered_signature(bundle):
    doc = bundle.head_doc(SIZE)
    raw = bytearray(base64.b64decode(doc["signature"]))
    raw[0] ^= 0x80
    doc["signature"] = base64.b64encode(bytes(raw)).decode()
    code, out = run(
        bundle.export, "--tree-head", bundle.write("h.json", doc), "--public-key", bundle.pub
    )
    assert code == 1 and "tree head: checkpoint signature does not verify" in out


def test_public_key_file_with_wrong_key_id(bundle):
    doc = public_key_document(bundle.key.public_key())
    doc["key_id"] = "00000000"
    code, out = run(
        bundle.export, "--public-key", bundle.write("k.json", doc), "--tree-head", bundle.head
    )
    assert code == 1 and "public key: key_id" in out


def test_tampered_consistency_proof(bundle):
    doc = json.loads(bundle.cons.read_text())
    doc["proof"][0] = ("0" if doc["proof"][0][0] != "0" else "1") + doc["proof"][0][1:]
    args = full_args(bundle)
    args[args.index(bundle.cons)] = bundle.write("c.json", doc)
    code, out = run(*args)
    assert code == 1 and "consistency proof from size 20 to 50 does not verify" in out


def test_tampered_inclusion_proof_names_the_entry(bundle):
    doc = json.loads(bundle.incl.read_text())
    doc["audit_path"] = doc["audit_path"][:-1]
    args = full_args(bundle)
    args[args.index(bundle.incl)] = bundle.write("i.json", doc)
    code, out = run(*args)
    assert code == 1 and "entry seq=17: inclusion proof in tree size 50 does not verify" in out


def test_inclusion_proof_for_another_entry(bundle):
    code, out = run(bundle.export, "--inclusion-proof", bundle.incl, "--entry", 18)
    assert code == 1 and "leaf_index 17, not entry 18" in out


def test_inclusion_proof_against_smaller_tree(bundle):
    proof = {
        "leaf_index": 3,
        "tree_size": 7,
        "audit_path": [h.hex() for h in inclusion_proof(bundle.store, 3, 7)],
    }
    code, out = run(bundle.export, "--inclusion-proof", bundle.write("i7.json", proof))
    assert code == 0, out


def test_malformed_documents(bundle):
    bad_hex = {"leaf_index": 17, "tree_size": 50, "audit_path": ["XYZ"]}
    code, out = run(bundle.export, "--inclusion-proof", bundle.write("i.json", bad_hex))
    assert code == 1 and "inclusion proof: malformed" in out
    code, out = run(bundle.export, "--tree-head", bundle.write("h.json", "{}"))
    assert code == 1 and "tree head: malformed" in out
    code, out = run(bundle.export, "--tree-head", bundle.write("h.json", "not json"))
    assert code == 1 and "tree head: cannot read JSON" in out
    code, out = run(bundle.export, "--consistency-proof", bundle.cons)
    assert code == 1 and "needs --previous-tree-head" in out


def test_usage_error_for_missing_file(bundle):
    code, _ = run(bundle.folder / "nope.jsonl")
    assert code == 2


def test_scan_streams_from_any_iterable(bundle):
    def lines():
        for line in bundle.lines:
            yield line + b"\n"

    scan = scan_export(lines(), sizes=[0, 20, 50], leaves=[3])
    assert scan.size == SIZE and scan.root == root(bundle.store, SIZE)
    assert scan.roots_at == {0: EMPTY_ROOT, 20: root(bundle.store, 20), 50: scan.root}
    assert scan.leaves_at == {3: leaf_hash(bundle.lines[3])}
