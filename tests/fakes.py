"""Stand-ins shared by tests that build a run without its notebooks."""

from __future__ import annotations

#: One scorecard row of a published figure that the case data agrees with.
SCORECARD_ROW = {
    "figure_id": "p_one",
    "review_period": "2011-14",
    "measure": "x_percent",
    "statement": "fewer than half",
    "published_value": "< 50%",
    "recomputed_value": 45.0,
    "numerator": 9,
    "denominator": 20,
    "status": "agrees",
    "difference": -5.0,
    "accepts": "0 to 9 of 20",
    "source_url": "https://example.org/report",
}


def as_labels(frame, period: str = "2014-17"):
    """The cases as a coder picks them from the coding workbook's drop-downs: every code of a
    category written as its label."""
    from analysis.casedata.codebook import load_codebook

    codebook = load_codebook(period)
    out = frame.copy()
    for name in frame.columns:
        var = codebook[name]
        if var.is_category:
            out[name] = frame[name].map(lambda v, codes=var.codes: codes.get(v, v))
    return out
