"""Assessment summaries and evaluation reports as PDF (fpdf2, core fonts only)."""

from __future__ import annotations

from typing import Any

from fpdf import FPDF


def _text(value: Any) -> str:
    # Core PDF fonts are Latin-1; replace what they cannot show rather than fail.
    return str(value if value is not None else "").encode("latin-1", "replace").decode("latin-1")


def _line(pdf: FPDF, text: str, height: float = 6) -> None:
    """A paragraph, then back to the left margin (fpdf2 otherwise stays at the right edge)."""
    pdf.multi_cell(0, height, _text(text), new_x="LMARGIN", new_y="NEXT")


def _doc(title: str) -> FPDF:
    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_author("coprocure")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    _line(pdf, title, 9)
    pdf.ln(2)
    pdf.set_font("Helvetica", size=10)
    return pdf


def summary_pdf(summary: dict[str, Any], bid_id: str) -> bytes:
    """One bidder's assessment summary."""
    pdf = _doc("Assessment summary")
    for line in (summary.get("tender_title"), summary.get("organisation_name"), f"Bid {bid_id}"):
        if line:
            _line(pdf, line)
    total = summary.get("total")
    _line(pdf, f"Total: {float(total):.2f} points" if total is not None else "Total: -")
    if summary.get("rank"):
        _line(pdf, f"Rank {summary['rank']} of {summary.get('bids_ranked')}; "
                   + ("awarded the contract" if summary.get("awarded") else "not awarded"))
    if "passed" in summary:
        _line(pdf, "Thresholds: " + ("passed" if summary["passed"] else "not passed: "
                                     + "; ".join(summary.get("threshold_failures") or [])))
    pdf.ln(3)
    with pdf.table(col_widths=(40, 15, 15, 20, 100), text_align="LEFT") as table:
        table.row(["Criterion", "Weight", "Score", "Points", "Why"])
        for c in summary.get("criteria") or []:
            points = c.get("points")
            panel = c.get("panel") or {}
            why = [str(r) for r in c.get("reasons") or []]
            why += [f"Evaluator: {j}" for j in panel.get("justifications") or []]
            if panel.get("moderation_rationale"):
                why.append(f"Moderation: {panel['moderation_rationale']}")
            table.row([_text(f"{c.get('criterion_key', '')} {c.get('title', '')}"),
                       _text(c.get("weight")), _text(c.get("score")),
                       _text(f"{float(points):.2f}" if points is not None else ""),
                       _text("; ".join(why))])
    return bytes(pdf.output())


def report_pdf(tender: dict[str, Any], run: dict[str, Any], names: dict[str, str]) -> bytes:
    """The evaluation report: the ranking of a scoring run with hashes."""
    pdf = _doc(f"Evaluation report: {tender.get('title', '')}")
    for label, key in (("Run", "run_id"), ("Model version", "model_version"),
                       ("Input SHA-256", "input_sha256"), ("Output SHA-256", "output_sha256")):
        _line(pdf, f"{label}: {run.get(key) or run.get('id', '')}")
    pdf.ln(3)
    with pdf.table(col_widths=(12, 70, 25, 25, 25, 23), text_align="LEFT") as table:
        table.row(["Rank", "Bidder", "Quality", "Price", "Total", "Passed"])
        for r in sorted(run.get("ranking") or [], key=lambda r: r.get("rank") or 0):
            table.row([_text(r.get("rank")), _text(names.get(r.get("bid_id"), r.get("bid_id"))),
                       _text(f"{float(r.get('quality') or 0):.2f}"),
                       _text(f"{float(r.get('price_points') or 0):.2f}"),
                       _text(f"{float(r.get('total') or 0):.2f}"),
                       "yes" if r.get("passed") else "no"])
    return bytes(pdf.output())
