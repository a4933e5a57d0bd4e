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
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text is escaped


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
        body.append(f'<text x="{x + 2}" y="{36 + row_h * 4}" font-size="11" fill="#0b0c0c" '
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
