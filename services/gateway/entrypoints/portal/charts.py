"""Charts as inline SVG drawn on the server (with a title, a description and a table nearby)."""

from __future__ import annotations

from html import escape
from typing import Any

from markupsafe import Markup

from services.gateway.entrypoints.portal.defaults import LADDER, STAGES

# Colour-blind-safe palette (Okabe–Ito), dark enough for 3:1 against white.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6d00", "#56B4E9", "#505a5f",
           "#E69F00"]


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    uid = abs(hash((title, desc))) % 10**8
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'aria-labelledby="t{uid} d{uid}"><title id="t{uid}">{escape(title)}</title>'
            f'<desc id="d{uid}">{escape(desc)}</desc>')
    # Drawn at its own size, never scaled down to the screen (labels would shrink below 12 px on
    # a phone): the wrapper scrolls sideways instead, and is focusable so keyboards can scroll it.
    wrap = (f'<div class="app-chart-wrap" role="region" tabindex="0" '
            f'aria-label="{escape(title)} (chart)">')
    return Markup(wrap + head + "".join(body) + "</svg></div>")  # noqa: S704 - texts escaped


def ranking_chart(ranking: list[dict[str, Any]], names: dict[str, str]) -> Markup:
    """Stacked horizontal bars: points per criterion (and price) for each bid, by rank."""
    rows = sorted(ranking, key=lambda r: r.get("rank") or 0)
    keys: list[str] = []
    for row in rows:
        for c in row.get("criteria") or []:
            key = c.get("criterion_key") or c.get("key")
            if key and key not in keys:
                keys.append(key)
    keys.append("PRICE")
    colours = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(keys)}
    label_w, bar_w, row_h = 230, 480, 34
    height = 50 + row_h * len(rows) + 40
    body = []
    for i, row in enumerate(rows):
        y = 20 + i * row_h
        name = names.get(row.get("bid_id"), str(row.get("bid_id", ""))[:10])
        body.append(f'<text x="0" y="{y + 20}" font-size="14" fill="#0b0c0c">'
                    f'{escape(str(row.get("rank", "")))}. {escape(name[:28])}</text>')
        x = float(label_w)
        parts = [((c.get("criterion_key") or c.get("key")), float(c.get("points") or 0))
                 for c in row.get("criteria") or []]
        parts.append(("PRICE", float(row.get("price_points") or 0)))
        for key, points in parts:
            w = bar_w * points / 100
            if w > 0:
                body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 8}" '
                            f'fill="{colours.get(key, "#505a5f")}" stroke="#fff">'
                            f'<title>{escape(key)}: {points:.2f} points</title></rect>')
            x += w
        total = float(row.get("total") or 0)
        mark = "" if row.get("passed", True) else " (fails a threshold)"
        body.append(f'<text x="{x + 6:.1f}" y="{y + 20}" font-size="14" fill="#0b0c0c">'
                    f'{total:.2f}{escape(mark)}</text>')
    ly = 30 + row_h * len(rows)
    for i, key in enumerate(keys):
        lx = label_w + (i % 7) * 72
        body.append(f'<rect x="{lx}" y="{ly + (i // 7) * 20}" width="14" height="14" '
                    f'fill="{colours[key]}"/><text x="{lx + 18}" y="{ly + 12 + (i // 7) * 20}" '
                    f'font-size="13" fill="#0b0c0c">{escape(key)}</text>')
    desc = "; ".join(f"rank {r.get('rank')}: {names.get(r.get('bid_id'), r.get('bid_id'))} "
                     f"{float(r.get('total') or 0):.2f} points" for r in rows)
    return _svg(label_w + bar_w + 190, height + 20, "Ranking: points per criterion", desc, body)


def _level(value: Any) -> str | None:
    """A ladder rung from a bid (``"co-design"``) or an assessment (``{"level": ...}``)."""
    if isinstance(value, dict):
        value = value.get("level")
    return str(value).replace("_", "-") if value else None


def depth_chart(stages: dict[str, Any] | None) -> Markup:
    """Co-production depth per Four-Co stage on the ladder (coercion … co-production)."""
    stages = {stage: _level(value) for stage, value in (stages or {}).items()}
    label_w, step, row_h = 170, 60, 30
    width = label_w + step * len(LADDER) + 20
    body = []
    for j, rung in enumerate(LADDER):
        x = label_w + j * step
        body.append(f'<line x1="{x}" y1="10" x2="{x}" y2="{20 + row_h * 4}" stroke="#b1b4b6"/>')
        body.append(f'<text x="{x + 2}" y="{36 + row_h * 4}" font-size="12" fill="#0b0c0c" '
                    f'transform="rotate(30 {x + 2} {36 + row_h * 4})">{escape(rung)}</text>')
    for i, (stage, name) in enumerate(STAGES):
        y = 14 + i * row_h
        level = stages.get(stage)
        depth = LADDER.index(level) + 1 if level in LADDER else 0
        body.append(f'<text x="0" y="{y + 16}" font-size="14" fill="#0b0c0c">{escape(name)}'
                    f'</text>')
        if depth:
            colour = "#00703c" if depth >= 6 else "#1d70b8" if depth >= 4 else "#d4351c"
            body.append(f'<rect x="{label_w}" y="{y}" width="{depth * step - step / 2:.0f}" '
                        f'height="{row_h - 8}" fill="{colour}"><title>{escape(name)}: '
                        f'{escape(level)}</title></rect>')
    desc = "; ".join(f"{name}: {stages.get(stage) or 'not stated'}" for stage, name in STAGES)
    return _svg(width, 20 + row_h * 4 + 90, "Co-production depth per stage", desc, body)


def divergence_chart(scores: dict[str, list[float]]) -> Markup:
    """Each evaluator's score per criterion as dots on a 0–5 scale; a wide spread shows."""
    keys = list(scores)
    label_w, scale_w, row_h = 60, 360, 28
    body = []
    for s in range(6):
        x = label_w + s * scale_w / 5
        body.append(f'<line x1="{x:.0f}" y1="6" x2="{x:.0f}" y2="{12 + row_h * len(keys)}" '
                    f'stroke="#b1b4b6"/><text x="{x - 4:.0f}" y="{28 + row_h * len(keys)}" '
                    f'font-size="12" fill="#0b0c0c">{s}</text>')
    for i, key in enumerate(keys):
        y = 20 + i * row_h
        values = [float(v) for v in scores[key] if v is not None]
        spread = (max(values) - min(values)) if values else 0
        colour = "#d4351c" if spread >= 2 else "#1d70b8"
        body.append(f'<text x="0" y="{y + 5}" font-size="14" fill="#0b0c0c">{escape(key)}'
                    f'</text>')
        for n, v in enumerate(values):
            cx = label_w + v * scale_w / 5
            body.append(f'<circle cx="{cx:.0f}" cy="{y + n * 3 - 3}" r="6" fill="{colour}" '
                        f'fill-opacity="0.8"/>')
    desc = "; ".join(f"{k}: {', '.join(str(v) for v in scores[k])}" for k in keys)
    return _svg(label_w + scale_w + 20, 40 + row_h * len(keys), "Evaluator scores per criterion",
                desc, body)


def metric_chart(metric: dict[str, Any], reported: dict[int, float],
                 validated: dict[int, float]) -> Markup:
    """One agreed metric over its reporting periods: the baseline and target as lines, the
    provider's reported values (open circles) and the validated ones (filled squares)."""
    periods = [p["period"] for p in metric.get("schedule") or []] or [1]
    target = (metric.get("target") or {}).get("value")
    baseline = (metric.get("baseline") or {}).get("value")
    values = [v for v in (target, baseline, *reported.values(), *validated.values())
              if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high == low:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.1
    low, high = low - pad, high + pad
    left, width, top, height = 70, 460, 16, 180
    step = width / max(1, len(periods) - 1) if len(periods) > 1 else width

    def x(period: int) -> float:
        return left + (periods.index(period) * step if len(periods) > 1 else width / 2)

    def y(value: float) -> float:
        return top + height - (value - low) / (high - low) * height

    body = [f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + height}" stroke="#505a5f"/>',
            f'<line x1="{left}" y1="{top + height}" x2="{left + width}" y2="{top + height}" '
            f'stroke="#505a5f"/>']
    for value, name, colour, dash in ((target, "target", "#00703c", "6 4"),
                                      (baseline, "baseline", "#505a5f", "2 4")):
        if value is not None:
            body.append(f'<line x1="{left}" y1="{y(value):.1f}" x2="{left + width}" '
                        f'y2="{y(value):.1f}" stroke="{colour}" stroke-width="2" '
                        f'stroke-dasharray="{dash}"/><text x="{left + width + 6}" '
                        f'y="{y(value) + 4:.1f}" font-size="12" fill="{colour}">'
                        f'{escape(name)} {value:g}</text>')
    for period in periods:
        body.append(f'<text x="{x(period) - 4:.1f}" y="{top + height + 18}" font-size="12" '
                    f'fill="#0b0c0c">{period}</text>')
    for period, value in sorted(reported.items()):
        if period in periods:
            body.append(f'<circle cx="{x(period):.1f}" cy="{y(value):.1f}" r="7" fill="none" '
                        f'stroke="#1d70b8" stroke-width="2"><title>Period {period}: reported '
                        f'{value:g}</title></circle>')
    for period, value in sorted(validated.items()):
        if period in periods:
            body.append(f'<rect x="{x(period) - 4:.1f}" y="{y(value) - 4:.1f}" width="8" '
                        f'height="8" fill="#0b0c0c"><title>Period {period}: validated '
                        f'{value:g}</title></rect>')
    body.append(f'<text x="0" y="{top + 10}" font-size="12" fill="#0b0c0c">{high:.4g}</text>'
                f'<text x="0" y="{top + height}" font-size="12" fill="#0b0c0c">{low:.4g}</text>')
    desc = (f"Target {target}, baseline {baseline}; reported "
            + (", ".join(f"period {p}: {v:g}" for p, v in sorted(reported.items())) or "none")
            + "; validated "
            + (", ".join(f"period {p}: {v:g}" for p, v in sorted(validated.items())) or "none"))
    return _svg(left + width + 120, top + height + 30,
                f"{metric['id']}: target, reported and validated by period", desc, body)


def evidence_chart(name: str, rows: list[dict[str, Any]]) -> Markup:
    """Grouped bars per Four-Co depth: targeted, validated and achieved metric-periods."""
    series = (("targeted", "Targeted", PALETTE[6]), ("validated", "Validated", PALETTE[0]),
              ("achieved", "Achieved (met)", PALETTE[2]))
    top = max([1] + [int(r.get(k) or 0) for r in rows for k, _, _ in series])
    label_w, bar_w, bar_h = 260, 360, 14
    group_h = bar_h * len(series) + 14
    height = 20 + group_h * len(rows) + 30
    body = []
    for i, row in enumerate(rows):
        y = 10 + i * group_h
        body.append(f'<text x="0" y="{y + 24}" font-size="13" fill="#0b0c0c">'
                    f'{escape(str(row.get("label", ""))[:40])}</text>')
        for j, (key, title, colour) in enumerate(series):
            value = int(row.get(key) or 0)
            w = bar_w * value / top
            body.append(f'<rect x="{label_w}" y="{y + j * bar_h}" width="{w:.1f}" '
                        f'height="{bar_h - 2}" fill="{colour}"><title>{escape(title)}: '
                        f'{value}</title></rect><text x="{label_w + w + 4:.1f}" '
                        f'y="{y + j * bar_h + 11}" font-size="12" fill="#0b0c0c">{value}</text>')
    ly = height - 12
    for j, (_, title, colour) in enumerate(series):
        body.append(f'<rect x="{label_w + j * 120}" y="{ly - 10}" width="12" height="12" '
                    f'fill="{colour}"/><text x="{label_w + j * 120 + 16}" y="{ly}" '
                    f'font-size="12" fill="#0b0c0c">{escape(title)}</text>')
    desc = "; ".join(f"{r.get('label')}: " + ", ".join(f"{t.lower()} {int(r.get(k) or 0)}"
                                                        for k, t, _ in series) for r in rows)
    return _svg(label_w + bar_w + 60, height, f"{name}: metric-periods by co-production depth",
                desc, body)
