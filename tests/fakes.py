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
