"""The children (notebook 02): age bands, sex, ethnicity and disability; the adolescent share
against the published one; and the published under-one and adolescent shares across the
national analyses, with the recomputed share kept apart from the published ones.

Published values are read by ``figure_id`` from ``data/published/``, never typed here.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.chapters.overview import (
    CHILDREN_COMPARISONS,
    for_this_data,
    recomputed_vs_published,
)
from analysis.reference.context import analyses_series
from analysis.reference.published import figure, stated
from analysis.stats.inference import wilson_interval
from analysis.stats.measures import compute
from analysis.stats.members import IMPLIED
from analysis.stats.tables import proportion_table

#: Published age shares across the national analyses: share -> figure_ids. "Over 11" (2003-05)
#: is worded differently from "11-17" and is kept as its own share; the earlier 11-17 range
#: ("22-25% in previous reviews") names no period and is kept apart (see :func:`age_share_series`).
AGE_SHARE_FIGURES: dict[str, tuple[str, ...]] = {
    "age_under_1": ("p2003_age_under_1", "p2007_age_under_1", "p2009_age_under_1"),
    "age_11_17": ("p2011_age_11_17",),
    "age_over_11": ("p2003_age_over_11",),
}
#: The earlier adolescent range, stated in the 2011-14 report without naming periods.
EARLIER_ADOLESCENT_FIGURE = "pre2011_age_11_17"
#: Measures recomputed for each share (none exists for the differently worded "over 11").
AGE_SHARE_MEASURES = {"age_under_1": "age_under_1_percent", "age_11_17": "age_11_17_percent"}
#: Published statements on the adolescent share, set beside the recomputed one.
ADOLESCENT_STATEMENTS = ("p2011_age_11_17", "pre2011_age_11_17", "p2003_age_over_11")
#: The nearest published figures on sex, ethnicity and disability (other periods or
#: populations): the sources of assumptions S05, S11 and S12, not checks.
NEAREST_STATEMENTS = ("fatal2005_09_male", "fatal2005_09_non_white", "p2017_child_disability")
#: The children's characteristics each with a table of its own; ethnicity and disability are
#: optional in the codebook (a file may leave them out).
CHARACTERISTICS = ("sex", "ethnicity", "disability")
AGE_SHARE_LABELS = {
    "age_under_1": "Under 1",
    "age_11_17": "Aged 11 to 17",
    "age_over_11": "'Over 11' (as worded)",
    "age_11_17_earlier": "Aged 11 to 17, earlier analyses",
}


def analysis_periods() -> list[str]:
    """The national analyses' review periods in order, 2001-03 first (the age figure's x axis)."""
    return list(analyses_series()["review_period"])


def age_share_series(
    recomputed: Mapping[str, pd.DataFrame] | None = None, *, recomputed_label: str = ""
) -> pd.DataFrame:
    """The published under-one and adolescent shares across the analyses, and recomputed ones.

    Published rows come from :data:`AGE_SHARE_FIGURES` and :data:`EARLIER_ADOLESCENT_FIGURE`;
    recomputed rows (one per share with a measure, per period given) are marked
    ``kind = "recomputed"`` and carry ``published_same_period``, so a figure can show them
    only where nothing is published and never joins them to a published line.

    Parameters
    ----------
    recomputed : mapping, optional
        Review period to loaded cases, e.g. ``{"2011-14": cases}``.
    recomputed_label : str
        What data the recomputed rows come from (``Run.label``, e.g. "SYNTHETIC DATA").

    Returns
    -------
    DataFrame
        ``share``, ``share_label``, ``review_period``, ``kind`` ("published" or
        "recomputed"), ``percent`` (NaN for a stated range), ``percent_low``,
        ``percent_high`` (the stated range, or the 95% Wilson interval of a recomputed
        value), ``stated``, ``figure_id``, ``published_same_period`` (recomputed rows: is a
        figure for this share and period published?), ``source``, ``statement``, and
        ``members__implied`` (recomputed rows: the units of the numerator and denominator their
        share, interval and statement rest on; None in published rows).
    """
    rows = []
    published_keys = set()
    for share, ids in AGE_SHARE_FIGURES.items():
        for fid in ids:
            fig = figure(fid)
            published_keys.add((share, str(fig["review_period"])))
            rows.append(_published_share(share, fid))
    rows.append(_published_share("age_11_17_earlier", EARLIER_ADOLESCENT_FIGURE))
    for period, cases in (recomputed or {}).items():
        for share, measure in AGE_SHARE_MEASURES.items():
            result = compute(measure, cases)
            low, high = wilson_interval(result.numerator, result.denominator)
            rows.append(
                {
                    "share": share,
                    "review_period": period,
                    "kind": "recomputed",
                    "percent": result.value,
                    "percent_low": 100 * float(low),
                    "percent_high": 100 * float(high),
                    "stated": "",
                    "figure_id": "",
                    "published_same_period": (share, period) in published_keys,
                    "source": f"recomputed from {recomputed_label or 'case data'}",
                    "statement": f"{result.numerator} of {result.denominator} children",
                    # the share, its interval and the statement give both counts back
                    IMPLIED: (result.members["numerator"], result.members["denominator"]),
                }
            )
    table = pd.DataFrame(rows).reindex(columns=[*rows[0], IMPLIED])
    table[IMPLIED] = table[IMPLIED].astype("object").where(table[IMPLIED].notna(), None)
    table.insert(1, "share_label", table["share"].map(AGE_SHARE_LABELS))
    return table


def _published_share(share: str, figure_id: str) -> dict:
    fig = figure(figure_id)
    ranged = fig["relation"] == "between"
    return {
        "share": share,
        "review_period": str(fig["review_period"]),
        "kind": "published",
        "percent": np.nan if ranged else float(fig["value"]),
        "percent_low": float(fig["value_low"]) if ranged else np.nan,
        "percent_high": float(fig["value_high"]) if ranged else np.nan,
        "stated": stated(fig),
        "figure_id": figure_id,
        "published_same_period": True,
        "source": str(fig["report"]),
        "statement": str(fig["statement"]),
    }


def by_period(cases: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The cases of each review period in the file, by period (``review_period``)."""
    return {str(p): part for p, part in cases.groupby("review_period", observed=True)}


def age_bands(cases: pd.DataFrame) -> pd.DataFrame:
    """The children's age at the incident: each band a share of the children of each review
    period in the file.

    Needs ``review_period`` and ``age_band``. :func:`analysis.stats.tables.proportion_table`:
    every band of the codebook a row in every period, with its 95% Wilson interval (on the
    effective counts where siblings share a review: ``design_effect``).
    """
    return proportion_table(cases, "age_band", by="review_period")


def adolescent_vs_published(cases: pd.DataFrame) -> pd.DataFrame:
    """The recomputed adolescent share beside the published one, for each period with a
    published figure (:data:`~analysis.chapters.overview.CHILDREN_COMPARISONS`: 2011-14),
    ``calibrated_to`` only on synthetic data (:func:`~analysis.chapters.overview.for_this_data`).

    Needs ``review_period`` and ``age_band``.
    """
    compared = recomputed_vs_published(by_period(cases), CHILDREN_COMPARISONS)
    return for_this_data(compared, [cases])


def age_shares(cases: pd.DataFrame, data_label: str) -> pd.DataFrame:
    """:func:`age_share_series` with the shares recomputed for each period in the file
    (``data_label`` is what data they come from: ``Run.label``)."""
    return age_share_series(by_period(cases), recomputed_label=data_label)


def characteristics(cases: pd.DataFrame) -> list[str]:
    """The :data:`CHARACTERISTICS` the file has (ethnicity and disability are optional)."""
    return [c for c in CHARACTERISTICS if c in cases]


def share_of_children(cases: pd.DataFrame, column: str) -> pd.DataFrame:
    """Each code of ``column`` (e.g. ``sex``) as a share of the children of each review period,
    those coded "not known" or "not recorded" kept in the denominator (assumption A08)."""
    return proportion_table(cases, column, by="review_period")
