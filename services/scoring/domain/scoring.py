"""A scoring run: final quality scores, caps, thresholds, price points, totals and ranking.

Pure and deterministic: arithmetic is exact (Fraction) and converted to float once, bids are
processed in bid_id order, and nothing time-dependent enters the output, so a replay of the
same inputs reproduces output_sha256 bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from services.scoring.domain.checks import price_gate
from services.scoring.domain.classifier import as_mapping
from services.scoring.domain.criteria import (
    COPRODUCTION_DEPTH,
    DEFAULT_PRICE_WEIGHT,
    OUTCOMES,
    Criterion,
    ScoringInputError,
    quality_criteria,
    to_fraction,
)
from services.scoring.domain.moderation import median, needs_moderation, score_values
from services.scoring.domain.price import (
    ABSOLUTE_BENCHMARK,
    FIXED_PRICE,
    FORMULAS,
    currency_of,
    parse_amount,
    price_points_exact,
)
from services.scoring.domain.version import MODEL_VERSION, RUN_COMPATIBLE_VERSIONS
from shared.canonical import canonical_json, canonical_sha256
from shared.methodology import DEFAULT_MIN_QUALITY_SHARE, MODES

TIE_BREAK_LEVELS = (
    "higher Q1+Q2 points",
    "higher total quality",
    "lower price",
    "bid_id ascending",
)


def _score_list(entries: Any, bid_id: str, key: str) -> list[Any]:
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ScoringInputError(f"panel scores for {bid_id}/{key} must be a list")
    return entries


def normalise_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs in canonical order (bids by bid_id, each score list sorted) for hashing."""
    bids = [dict(as_mapping(b)) for b in inputs.get("bids") or []]
    ids = [str(b.get("bid_id") or "") for b in bids]
    if "" in ids or len(set(ids)) != len(ids):
        raise ScoringInputError("every bid needs a unique bid_id")
    panel = {
        bid_id: {
            key: sorted(_score_list(entries, bid_id, key), key=canonical_json)
            for key, entries in as_mapping(by_key).items()
        }
        for bid_id, by_key in as_mapping(inputs.get("panel_scores")).items()
    }
    return {
        "tender": inputs.get("tender") or {},
        "bids": sorted(bids, key=lambda b: str(b["bid_id"])),
        "assessments": dict(as_mapping(inputs.get("assessments"))),
        "panel_scores": panel,
        "moderation": {
            k: dict(as_mapping(v)) for k, v in as_mapping(inputs.get("moderation")).items()
        },
    }


def _number(value: Fraction) -> int | float:
    """JSON number: int when integral (RFC 8785 prints 4.0 as 4 anyway), else float."""
    return int(value) if value.denominator == 1 else float(value)


def _score(value: Any, what: str) -> Fraction:
    if isinstance(value, Mapping):
        value = value.get("score")
    score = to_fraction(value, what)
    if not 0 <= score <= 5:
        raise ScoringInputError(f"{what} must be between 0 and 5, got {value!r}")
    return score


def _shown(values: list[Any]) -> str:
    return "[" + ", ".join(str(_number(Fraction(str(v)))) for v in values) + "]"


def _raw_score(
    criterion: Criterion, mode: str, scores: list[Any], consensus: Any, indicative: Any
) -> tuple[Fraction | None, list[str]]:
    """Pre-cap score and where it came from (consensus, median, or indicative)."""
    key = criterion.key
    if mode == "automatic":
        if indicative is None:
            return None, ["no indicative score: not scored"]
        value = _score(indicative, f"indicative score for {key}")
        return value, [f"indicative score {_number(value)} (automated assessment)"]
    for s in scores:
        _score(s, f"evaluator score for {key}")
    if consensus is not None:
        value = _score(consensus, f"moderated score for {key}")
        seen = f" (evaluator scores {_shown(scores)})" if scores else ""
        return value, [f"moderated consensus {_number(value)}{seen}"]
    if not scores:
        return None, ["no evaluator scores: not scored"]
    value = median(Fraction(str(s)) if isinstance(s, float) else s for s in scores)
    why = [f"median of {len(scores)} evaluator scores {_shown(scores)}"]
    if needs_moderation(scores):
        why.append(
            "scores differ by 2 or more and no consensus is recorded: "
            "published fallback (median) applies"
        )
    return value, why


def _criterion(
    criterion: Criterion,
    mode: str,
    scores: list[Any],
    consensus: Any,
    assessment: Mapping[str, Any],
) -> tuple[dict[str, Any], Fraction | None, Fraction]:
    """One criterion's raw, capped, points and reasons; capped None means not scored."""
    indicative = as_mapping(assessment.get("indicative_scores")).get(criterion.key)
    raw, reasons = _raw_score(criterion, mode, scores, consensus, indicative)
    caps = [
        as_mapping(c)
        for c in assessment.get("caps") or []
        if as_mapping(c).get("criterion_key") == criterion.key
    ]
    capped = raw
    for cap in sorted(caps, key=lambda c: (c.get("max_score", 5), str(c.get("reason")))):
        limit = _score(cap.get("max_score"), f"cap for {criterion.key}")
        if capped is not None and capped > limit:
            capped = limit
            reasons.append(f"capped at {_number(limit)}: {cap.get('reason')}")
        else:
            reasons.append(f"cap at {_number(limit)} not binding: {cap.get('reason')}")
    points = criterion.weight * (capped or 0) / 5
    return (
        {
            "criterion_key": criterion.key,
            "category": criterion.category,
            "weight": _number(criterion.weight),
            "raw": None if raw is None else _number(raw),
            "capped": None if capped is None else _number(capped),
            "points": float(points),
            "reasons": reasons,
        },
        capped,
        points,
    )


def _gate_failures(
    bid: Mapping[str, Any], assessment: Mapping[str, Any], tender: Mapping[str, Any]
) -> list[str]:
    """Failed gates from the assessment, the bid, and a re-check of the price gate."""
    price = bid.get("price")
    gates = [
        *(assessment.get("gates") or []),
        *(bid.get("gates") or []),
        price_gate(parse_amount(price), currency_of(price), tender),
    ]
    failed: dict[str, str] = {}
    for gate in map(as_mapping, gates):
        if gate.get("passed") is not True:
            failed.setdefault(str(gate.get("name")), str(gate.get("detail") or "failed"))
    return [f"gate failed: {name} ({detail})" for name, detail in sorted(failed.items())]


def _tender_config(tender: Mapping[str, Any]) -> dict[str, Any]:
    evaluation = as_mapping(tender.get("evaluation"))
    price = as_mapping(tender.get("price"))
    mode = evaluation.get("mode") or "panel"
    formula = price.get("formula") or ABSOLUTE_BENCHMARK
    if mode not in MODES:
        raise ScoringInputError(f"unknown evaluation mode {mode!r}")
    if formula not in FORMULAS:
        raise ScoringInputError(f"unknown price formula {formula!r}")
    criteria = quality_criteria(tender)
    quality_weight = sum((c.weight for c in criteria), Fraction(0))
    if quality_weight <= 0:
        raise ScoringInputError("total quality weight must be greater than 0")
    share = evaluation.get("min_quality_share")
    weight = price.get("weight", DEFAULT_PRICE_WEIGHT)
    return {
        "mode": mode,
        "formula": formula,
        "criteria": criteria,
        "quality_weight": quality_weight,
        "min_share": DEFAULT_MIN_QUALITY_SHARE
        if share is None
        else to_fraction(share, "min_quality_share"),
        "price_weight": Fraction(0)
        if formula == FIXED_PRICE
        else to_fraction(weight, "price weight"),
        "ceiling": parse_amount(price.get("ceiling")),
        "floor": parse_amount(price.get("floor")),
    }


def _score_bid(
    bid: Mapping[str, Any], data: Mapping[str, Any], cfg: dict[str, Any]
) -> dict[str, Any]:
    bid_id = str(bid["bid_id"])
    assessment = as_mapping(data["assessments"].get(bid_id))
    if not assessment:
        raise ScoringInputError(f"no automated assessment for bid {bid_id}")
    panel = as_mapping(data["panel_scores"].get(bid_id))
    moderated = as_mapping(data["moderation"].get(bid_id))
    failures = _gate_failures(bid, assessment, data["tender"])
    rows, quality, q12 = [], Fraction(0), Fraction(0)
    for c in cfg["criteria"]:
        consensus = moderated.get(c.key)
        row, capped, points = _criterion(
            c,
            cfg["mode"],
            score_values(panel.get(c.key)),
            consensus if not isinstance(consensus, Mapping) else consensus.get("score"),
            assessment,
        )
        quality += points
        q12 += points if c.category in (OUTCOMES, COPRODUCTION_DEPTH) else 0
        if capped is None:
            failures.append(f"{c.key} not scored")
        elif capped == 0:
            failures.append(f"{c.key} scored 0")
        elif c.minimum_score is not None and capped < c.minimum_score:
            failures.append(
                f"{c.key} scored {_number(capped)}, below its minimum {_number(c.minimum_score)}"
            )
        rows.append(row)
    share = quality / cfg["quality_weight"]
    if share < cfg["min_share"]:
        failures.append(
            f"quality share {float(share):.2%} below the minimum {float(cfg['min_share']):.2%}"
        )
    return {
        "bid_id": bid_id,
        "price": parse_amount(bid.get("price")),
        "quality": quality,
        "q12": q12,
        "share": share,
        "failures": failures,
        "criteria": rows,
        "currency": currency_of(bid.get("price")),
    }


def _price(
    scored: dict[str, Any], cfg: dict[str, Any], lowest: Decimal | None
) -> tuple[Fraction, str]:
    p = scored["price"]
    if any(f.startswith("gate failed") for f in scored["failures"]) or p is None:
        return Fraction(0), "no price points: a gate failed"
    points = price_points_exact(
        cfg["formula"],
        p,
        weight=cfg["price_weight"],
        lowest=lowest,
        ceiling=cfg["ceiling"],
        floor=cfg["floor"],
    )
    return (
        points,
        f"{cfg['formula']}: p={p}, L={lowest}, C={cfg['ceiling']}, "
        f"F={cfg['floor']}, W={_number(cfg['price_weight'])} -> {float(points)!r}",
    )


def _rank_key(s: dict[str, Any]) -> tuple[Any, ...]:
    price = s["price"] if s["price"] is not None else Decimal("Infinity")
    return (not s["passed"], -s["total"], -s["q12"], -s["quality"], price, s["bid_id"])


def _tie_break(prev: dict[str, Any], cur: dict[str, Any]) -> str | None:
    """Which published tie-break level separated two bids with equal status and total."""
    a, b = _rank_key(prev), _rank_key(cur)
    if a[:2] != b[:2]:
        return None
    level = next(i for i in range(2, len(a)) if a[i] != b[i])
    return f"tied on total with {prev['bid_id']}; ranked after it by {TIE_BREAK_LEVELS[level - 2]}"


def compute_scoring_run(
    inputs: Mapping[str, Any], model_version: str = MODEL_VERSION
) -> dict[str, Any]:
    """Score and rank every bid; returns the run result with input and output hashes.

    ``model_version`` is the version the run was recorded under (a replay passes the stored
    one); it must share this code's run arithmetic (``RUN_COMPATIBLE_VERSIONS``).
    """
    if model_version not in RUN_COMPATIBLE_VERSIONS:
        raise ScoringInputError(f"model version {model_version!r} cannot be replayed by "
                                f"{MODEL_VERSION}")
    data = normalise_inputs(inputs)
    cfg = _tender_config(data["tender"])
    scored = [_score_bid(b, data, cfg) for b in data["bids"]]
    compliant = [
        s["price"]
        for s in scored
        if s["price"] is not None
        and s["price"] > 0
        and not any(f.startswith("gate failed") for f in s["failures"])
    ]
    lowest = min(compliant) if compliant else None
    for s in scored:
        s["price_points"], s["price_reason"] = _price(s, cfg, lowest)
        s["total"] = s["quality"] + s["price_points"]
        s["passed"] = not s["failures"]
    scored.sort(key=_rank_key)
    ranking = []
    for rank, s in enumerate(scored, start=1):
        ranking.append(
            {
                "bid_id": s["bid_id"],
                "rank": rank,
                "passed": s["passed"],
                "total": float(s["total"]),
                "quality": float(s["quality"]),
                "quality_share": float(s["share"]),
                "price_points": float(s["price_points"]),
                "price": None
                if s["price"] is None
                else {"amount": str(s["price"]), "currency": s["currency"]},
                "price_reason": s["price_reason"],
                "failures": s["failures"],
                "tie_break": _tie_break(scored[rank - 2], s) if rank > 1 else None,
                "criteria": s["criteria"],
            }
        )
    result = {
        "model_version": model_version,
        "input_sha256": canonical_sha256(data),
        "evaluation_mode": cfg["mode"],
        "price_formula": cfg["formula"],
        "price_weight": _number(cfg["price_weight"]),
        "quality_weight": _number(cfg["quality_weight"]),
        "min_quality_share": float(cfg["min_share"]),
        "lowest_compliant_price": None if lowest is None else str(lowest),
        "tie_break_order": ["total", *TIE_BREAK_LEVELS],
        "ranking": ranking,
    }
    return {**result, "output_sha256": canonical_sha256(result)}


def verify_replay(
    inputs: Mapping[str, Any], output_sha256: str, model_version: str = MODEL_VERSION
) -> bool:
    """Recompute a run from its stored inputs under its own model version; compare hashes."""
    return compute_scoring_run(inputs, model_version)["output_sha256"] == output_sha256
