"""The per-metric chart of the contract page: labelled, described, one mark per value."""

from __future__ import annotations

from services.gateway.entrypoints.portal.charts import metric_chart

METRIC = {"id": "M1", "baseline": {"value": 7.1}, "target": {"value": 5.5},
          "schedule": [{"period": 1}, {"period": 2}, {"period": 3}]}


def test_metric_chart_draws_target_baseline_reported_and_validated():
    svg = str(metric_chart(METRIC, {1: 6.8, 2: 6.5}, {1: 6.8}))
    assert svg.startswith('<div class="app-chart-wrap" role="region" tabindex="0"')
    assert "<svg" in svg and 'role="img"' in svg
    assert "M1: target, reported and validated by period" in svg
    assert "target 5.5" in svg and "baseline 7.1" in svg
    assert svg.count("<circle") == 2 and svg.count("validated 6.8</title></rect>") == 1
    assert "reported period 1: 6.8, period 2: 6.5; validated period 1: 6.8" in svg


def test_metric_chart_without_results_or_baseline_still_draws():
    svg = str(metric_chart({"id": "M2", "target": {"value": 12}, "schedule": []}, {}, {}))
    assert "reported none; validated none" in svg and "<circle" not in svg


def test_evidence_chart_draws_three_bars_per_depth_with_a_text_description():
    from services.gateway.entrypoints.portal.charts import evidence_chart

    rows = [{"label": "4 of 4 stages co-designed or deeper", "targeted": 6, "validated": 5,
             "achieved": 3},
            {"label": "1 of 4 stages co-designed or deeper", "targeted": 2, "validated": 0,
             "achieved": 0}]
    svg = str(evidence_chart("UCLA <3>", rows))
    assert "<svg" in svg and 'role="img"' in svg and "UCLA &lt;3&gt;" in svg
    assert svg.count("<title>Targeted: ") == 2 and "Validated: 5</title>" in svg
    assert "4 of 4 stages co-designed or deeper: targeted 6, validated 5, achieved (met) 3" in svg


def test_every_chart_labels_at_12_px_or_more_at_its_drawn_size():
    """Charts are never scaled down (their wrapper scrolls), so font-size is the size read."""
    import re

    from services.gateway.entrypoints.portal.charts import (
        depth_chart,
        divergence_chart,
        evidence_chart,
        ranking_chart,
    )

    ranking = [{"rank": 1, "bid_id": "b1", "total": 80, "price_points": 20,
                "criteria": [{"criterion_key": "Q1", "points": 60}]}]
    charts = [metric_chart(METRIC, {1: 6.8}, {1: 6.8}), depth_chart({"co_design": "co-design"}),
              divergence_chart({"Q1": [1, 4]}), ranking_chart(ranking, {"b1": "Bid one"}),
              evidence_chart("UCLA", [{"label": "deep", "targeted": 1}])]
    for chart in charts:
        sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', str(chart))]
        assert sizes and min(sizes) >= 12, chart
        assert re.search(r'<svg[^>]* width="\d+" height="\d+"', str(chart))
