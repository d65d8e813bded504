"""A first look at a dataset: rows by review period and outcome, and final reports available."""

from __future__ import annotations

import pandas as pd


def overview_counts(cases: pd.DataFrame) -> pd.DataFrame:
    """Children by review period and outcome, with final reports available (tidy).

    Needs columns ``review_period``, ``outcome``, ``final_report_available``.
    Every row of ``cases`` is counted once, so ``children_count`` sums to ``len(cases)``.
    """
    grouped = cases.groupby(["review_period", "outcome"], observed=True)
    out = grouped.agg(
        children_count=("outcome", "size"),
        final_report_count=("final_report_available", lambda s: int((s == "yes").sum())),
    )
    return out.reset_index()
