"""An auditor's journey: history, a run's breakdown, replay, export, tree head, proofs."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def awarded(world):
    """A tender taken to award through the API (the auditor's subject)."""
    demo = world.demo(deadline_seconds=12)
    demo.through_award(clarify=True)
    return demo


def _root_from_proof(leaf: bytes, index: int, size: int, path: list[str]) -> bytes:
    """RFC 9162 §2.1.3.2: the root an inclusion proof leads to."""
    fn, sn, node = index, size - 1, leaf
    for sibling in (bytes.fromhex(h) for h in path):
        if sn == 0:
            raise AssertionError("proof too long")
        if fn & 1 or fn == sn:
            node = hashlib.sha256(b"\x01" + sibling + node).digest()
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            node = hashlib.sha256(b"\x01" + node + sibling).digest()
        fn, sn = fn >> 1, sn >> 1
    assert sn == 0, "proof too short"
    return node


def test_auditor_filters_replays_exports_and_checks_proofs(page, world, awarded, sign_in,
                                                           axe_check, screenshot, tmp_path):
    demo, tid = awarded, awarded.tender["id"]
    sign_in(page, world, "auditor", axe_check)
    assert "verified with the published Ed25519 key" in page.locator("main").inner_text()

    # Home: recent scoring runs (newest first) linking to each run, and the latest events.
    run_id = demo.run["run_id"]
    row = page.locator("table.app-recent-runs tbody tr", has_text=f"Run {run_id}")
    expect(row.get_by_role("link", name=f"Run {run_id}")) \
        .to_have_attribute("href", re.compile(rf"/portal/scoring-runs/{run_id}\b"))
    expect(row).to_contain_text(demo.tender["title"])
    expect(row).to_contain_text(demo.run["output_sha256"][:12])
    completed = demo.clients["auditor"].get(
        f"/audit/events?tender_id={tid}&type=scoring_run_completed")["items"][-1]
    events = page.locator("table.govuk-table", has=page.locator("caption", has_text="Audit events"))
    seqs = [int(s) for s in events.locator("tbody tr td:first-child").all_inner_texts()]
    assert seqs and seqs == sorted(seqs, reverse=True) and seqs[0] > completed["seq"], seqs

    # Filter the scoring history by tender, then by event type.
    page.goto(world.url + "/portal/audit")
    page.fill("#filter-tender_id", tid)
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(f"**tender_id={tid}**")
    rows = page.locator("table.govuk-table tbody tr")
    assert rows.count() >= 5
    screenshot(page, "audit")
    axe_check(page, "scoring history")
    first_type = demo.clients["auditor"].get(f"/audit/events?tender_id={tid}&limit=1")["items"][0]
    page.fill("#filter-type", first_type["event_type"])
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(f"**type={first_type['event_type']}**")
    label = first_type["event_type"].replace("_", " ").capitalize()
    cells = page.locator("table.govuk-table tbody tr td:nth-child(2)").all_inner_texts()
    assert cells and all(c.startswith(label) for c in cells), cells

    # A run's breakdown (ranking chart) and its replay.
    page.goto(f"{world.url}/portal/audit?tender_id={tid}")
    page.get_by_role("link", name=f"Run {demo.run['run_id']}").first.click()
    page.get_by_role("heading", name="Ranking").wait_for()
    assert page.locator("svg.app-chart").count() == 1
    assert demo.run["output_sha256"] in page.locator("main").inner_text()
    axe_check(page, "scoring run (auditor)")
    page.get_by_role("button", name="Replay this run").click()
    expect(page.locator("main")).to_contain_text("The replay matches")
    screenshot(page, "replay")
    axe_check(page, "replay")

    # Download the export (JSON lines and CSV) and the signed tree head with its key.
    page.goto(world.url + "/portal/audit")
    with page.expect_download() as jsonl:
        page.get_by_role("link", name="Download the log (JSON lines)").click()
    export = tmp_path / "export.jsonl"
    jsonl.value.save_as(export)
    with page.expect_download() as csv:
        page.get_by_role("link", name="Download the log (CSV)").click()
    assert csv.value.path().read_text().splitlines()[0].startswith("seq")
    with page.expect_download() as head_download:
        page.get_by_role("link", name="Download the signed tree head and public key").click()
    downloaded = json.loads(head_download.value.path().read_text())
    head, key = downloaded["tree_head"], downloaded["public_key"]
    lines = export.read_bytes().splitlines()
    assert len(lines) >= head["tree_size"]
    (tmp_path / "head.json").write_text(json.dumps(head))
    (tmp_path / "key.json").write_text(json.dumps(key))
    verify = subprocess.run(
        [sys.executable, "-m", "services.cli", "audit", "verify", str(export),
         "--tree-head", str(tmp_path / "head.json"), "--public-key", str(tmp_path / "key.json")],
        capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    # An inclusion proof for an entry of this tender, checked against the signed root.
    page.goto(f"{world.url}/portal/audit?tender_id={tid}")
    seq = int(page.locator("table.govuk-table tbody tr").first.locator("td").first.inner_text())
    page.get_by_role("link", name=f"Inclusion proof for entry {seq}").click()
    expect(page.locator("h1")).to_contain_text(f"Inclusion proof for entry {seq}")
    screenshot(page, "inclusion-proof")
    axe_check(page, "inclusion proof")
    with page.expect_download() as proof_download:
        page.get_by_role("link", name="Download the proof with the signed tree head").click()
    bundle = json.loads(proof_download.value.path().read_text())
    proof, signed = bundle["proof"], bundle["tree_head"]
    leaf = hashlib.sha256(b"\x00" + lines[seq]).digest()
    root = _root_from_proof(leaf, proof["leaf_index"], proof["tree_size"], proof["audit_path"])
    assert root.hex() == signed["root_hash"]
