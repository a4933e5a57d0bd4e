"""Measure the outcome-commitment classifier on the labelled corpus (tests/data/outcome_corpus).

    python -m bench.classifier_corpus [--split SPLIT] [--misses] [--json]

    SPLIT: heldout_v12 | heldout_v11 | heldout_v10 | heldout_v9 | heldout_v8 | heldout_v7
           | heldout_v6 | heldout_v5 | heldout_v4 | heldout_v3 | heldout | dev | train
           | heldout_v1 | all

Splits: `train` and `heldout_v1` (the first held-out split, measured once at 81.0% and then merged
into development) together are `dev`. `heldout` (v2) and `heldout_v3` were each measured once and
then read and tuned on for model 2.1.0; `heldout_v4` and `heldout_v5` were each measured once with
2.1.0 and then read and tuned on for model 2.2.0; `heldout_v6` and `heldout_v7` were built and
committed before 2.2.0 ran on them, measured once, and then read and tuned on for model 2.3.0;
`heldout_v8` was built and committed before any classifier ran on it, measured once with 2.2.0
and once with 2.3.0, and then read and tuned on for model 2.4.0; `heldout_v9` was built and
committed before any classifier ran on it, measured once with 2.3.0 and once with 2.4.0, and is
not tuned on (docs/scoring.md §3.4); `heldout_v10` was built and committed before any
classifier ran on it; v9 and v10 were then read and tuned on for model 2.5.0; `heldout_v11` was
built and committed before any classifier ran on it, measured once with 2.5.0 and then read and
tuned on for model 2.6.0; `heldout_v12` was built and committed before any classifier ran on it,
measured once with 2.6.0 and is not tuned on. Every split was labelled before the classifier ran
on it.

Prints agreement on `label` and on kind/outcome_type (verifiability ignored), a confusion matrix
(rows: expected label, columns: the classifier's) and per-rule precision: for the rule that
decided each item's kind (the first rule the classifier records), how often that kind was right.
The figures in docs/scoring.md §3.4 come from this script; the table test
tests/unit/scoring/domain/test_classifier_corpus.py asserts them as floors.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from services.scoring.domain.classifier import LABELS, OUTCOME_LABELS, classify_commitment

CORPUS = Path(__file__).resolve().parent.parent / "tests/data/outcome_corpus/commitments.jsonl"
COMMITMENT_KEYS = (
    "statement", "declared_level", "indicator", "baseline", "target",
    "sustainment_period_months", "validation_method",
)
KINDS = ("output", "engagement", "intermediate_outcome", "outcome")


DEV_SPLITS = ("train", "heldout_v1")


def load(split: str = "all", path: Path = CORPUS) -> list[dict[str, Any]]:
    """The corpus records of one split: 'train', 'heldout_v1', 'dev' (both of those),
    'heldout' (held-out v2) or 'all'."""
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    if split == "dev":
        return [r for r in records if r["split"] in DEV_SPLITS]
    return [r for r in records if split == "all" or r["split"] == split]


def commitment_of(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record cut down to what a bid's commitment carries."""
    return {k: record[k] for k in COMMITMENT_KEYS if k in record}


def kind_of(label: str) -> str:
    """The kind of a label, verifiability ignored."""
    return "outcome" if label in OUTCOME_LABELS else label


def measure(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Agreement, confusion matrix, per-rule precision and the misses for these records."""
    rows = []
    for record in records:
        got = classify_commitment(commitment_of(record))
        rows.append((record, got))
    n = len(rows)
    label_ok = sum(got.label == r["label"] for r, got in rows)
    kind_ok = sum(
        kind_of(got.label) == r["kind"] and (r["kind"] != "outcome" or got.outcome_type == r[
            "outcome_type"]) for r, got in rows
    )
    confusion = Counter((r["label"], got.label) for r, got in rows)
    fired: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for r, got in rows:
        rule = got.rules[0] if got.rules else "none"
        fired[rule] += 1
        right[rule] += kind_of(got.label) == r["kind"]
    promoted = [  # an output or engagement item labelled an outcome: the costly error
        r["id"] for r, got in rows
        if r["kind"] in ("output", "engagement") and got.label in OUTCOME_LABELS
    ]
    misses = [
        {"id": r["id"], "expected": r["label"], "got": got.label, "rules": list(got.rules),
         "statement": r["statement"][:120]}
        for r, got in rows if got.label != r["label"]
    ]
    return {
        "n": n,
        "label_agreement": label_ok / n if n else 0.0,
        "label_agreed": label_ok,
        "kind_agreement": kind_ok / n if n else 0.0,
        "kind_agreed": kind_ok,
        "confusion": {f"{a}->{b}": c for (a, b), c in sorted(confusion.items())},
        "rule_precision": {
            rule: {"fired": fired[rule], "right": right[rule]} for rule in sorted(fired)
        },
        "outputs_promoted": promoted,
        "misses": misses,
        "_confusion": confusion,
    }


def render(result: Mapping[str, Any], split: str, show_misses: bool) -> str:
    """The figures as plain text (Markdown tables)."""
    out = [
        f"split: {split}  items: {result['n']}",
        f"label agreement: {result['label_agreed']}/{result['n']} = "
        f"{result['label_agreement']:.1%}",
        f"kind/outcome_type agreement: {result['kind_agreed']}/{result['n']} = "
        f"{result['kind_agreement']:.1%}",
        f"output/engagement labelled an outcome: {len(result['outputs_promoted'])} "
        f"{result['outputs_promoted']}",
        "",
        "| expected \\ got | " + " | ".join(LABELS) + " |",
        "|---" * (len(LABELS) + 1) + "|",
    ]
    confusion = result["_confusion"]
    for expected in LABELS:
        cells = [str(confusion.get((expected, got), 0)) for got in LABELS]
        out.append(f"| {expected} | " + " | ".join(cells) + " |")
    out += ["", "| deciding rule | fired | kind right | precision |", "|---|---|---|---|"]
    for rule, c in result["rule_precision"].items():
        out.append(f"| {rule} | {c['fired']} | {c['right']} | {c['right'] / c['fired']:.0%} |")
    if show_misses:
        out.append("")
        for m in result["misses"]:
            out.append(f"{m['id']} expected {m['expected']} got {m['got']} {m['rules']}: "
                       f"{m['statement']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="heldout_v9",
                        choices=("train", "heldout_v1", "dev", "heldout", "heldout_v3",
                                 "heldout_v4", "heldout_v5", "heldout_v6", "heldout_v7",
                                 "heldout_v8", "heldout_v9", "heldout_v10", "heldout_v11",
                                 "heldout_v12",
                                 "all"))
    parser.add_argument("--misses", action="store_true", help="list every disagreement")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure(load(args.split))
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if not k.startswith("_")}, indent=2))
    else:
        print(render(result, args.split, args.misses))


if __name__ == "__main__":
    main()
