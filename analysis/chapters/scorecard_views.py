"""What notebook 08 shows of the scorecard: views of the table as the run wrote it.

Every function reads the scorecard returned by ``run.table`` (protected on own data: a count
below the threshold, and the verdict and shares resting on it, read as withheld), so nothing
here is computed from a count a reader may not see. :func:`subgroup_figures` is the table of
the published figures about a subgroup that the chart of notebook 08 draws
(:func:`analysis.charts.chapter_scorecard.subgroup_figures_chart`): each recomputed share of
its subgroup beside the published share.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.chapters.scorecard import STATUSES, verdict_counts
from analysis.reference.citations import cite
from analysis.reference.published import load_published
from analysis.stats.subgroups import figure_label

#: The columns of the figures the case data could speak to, as notebook 08 shows them.
COMPUTABLE_COLUMNS = [
    "figure_id",
    "computed_over",
    "published_value",
    "recomputed_value",
    "numerator",
    "denominator",
    "ci_low_percent",
    "ci_high_percent",
    "status",
    "verdict",
    "accepts",
]
#: The final-report shares read over all SCRs.
OVER_ALL_COLUMNS = [
    "figure_id",
    "statement",
    "recomputed_value",
    "all_reviews_low_percent",
    "all_reviews_high_percent",
]
#: Why a figure about a subgroup could not be computed, after its number ("2 lacking...").
REASON_WORDS = {
    "column missing": "lacking a column in the file",
    "period not in case data": "of a period the case data does not cover",
    "part of a period": "stated for part of a period",
    "unverified source": "with a source that could not be consulted again",
    "subgroup not coded": "about a subgroup the kit does not code",
}
#: The columns of :func:`subgroup_figures`.
SUBGROUP_COLUMNS = [
    "figure_id",
    "review_period",
    "label",
    "computed_over",
    "published_value",
    "published_percent",
    "percent",
    "ci_low_percent",
    "ci_high_percent",
    "status",
    "marker",
    "source",
]


def computable(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The figures the case data could speak to, with their verdicts (rounded for reading);
    the calibration flag where the scorecard keeps it (synthetic data)."""
    columns = COMPUTABLE_COLUMNS + [c for c in ("calibration_target",) if c in scorecard]
    shown = scorecard[scorecard["status"] != "not computable"]
    return shown[columns].round(2)


def over_all_scrs(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The shares coded only in final reports, with their range over all SCRs."""
    shown = scorecard[
        (scorecard["status"] != "not computable") & scorecard["all_reviews_low_percent"].notna()
    ]
    return shown[OVER_ALL_COLUMNS].round(1)


def _published_share(fig: pd.Series) -> float:
    """A published subgroup figure as a share of its base, in percent (NaN if it is not one:
    a count alone, a median)."""
    if fig["unit"] == "percent" and fig["relation"] == "equals":
        return float(fig["value"])
    if fig["unit"] == "count" and pd.notna(fig["denominator"]):
        return 100 * float(fig["value"]) / float(fig["denominator"])
    return math.nan


def _number(value) -> float:
    """A cell as a number: NaN where it is blank, withheld or not a number."""
    number = pd.to_numeric(pd.Series([value], dtype="object"), errors="coerce").iloc[0]
    return float(number) if pd.notna(number) else math.nan


def _marker(row: pd.Series) -> str:
    """Why a recomputed share is missing: withheld by disclosure control (``c``), or not
    computable from this file (``x``); "" when it is shown."""
    if row["status"] == "not computable":
        return "x"
    return "" if row["status"] in STATUSES else "c"


def subgroup_figures(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The published shares of a subgroup (a count out of a base, or a percentage) of the
    periods the case data covers, each beside its recomputed share.

    Parameters
    ----------
    scorecard : DataFrame
        The scorecard as ``run.table`` returned it.

    Returns
    -------
    DataFrame
        One row per figure, in register order: ``figure_id``, ``review_period``, ``label``,
        ``computed_over``, ``published_value`` (as stated, "18 of 27"), ``published_percent``,
        ``percent`` (recomputed share of the subgroup) with ``ci_low_percent`` and
        ``ci_high_percent`` (95% Wilson), ``status``, ``marker`` (``c`` withheld, ``x`` not
        computable from the file, else ""), ``source`` (the publication, in words), and
        ``calibration_target`` where the scorecard has it (synthetic data). No counts: the
        shares and intervals are those the protected scorecard shows.
    """
    published = load_published().set_index("figure_id")
    covered = scorecard["reason_kind"].fillna("") != "period not in case data"
    about_part = scorecard["computed_over"].fillna("").astype(str) != ""
    calibrated = "calibration_target" in scorecard  # synthetic data only
    rows = []
    for _, row in scorecard[covered & about_part].iterrows():
        fig = published.loc[row["figure_id"]]
        share = _published_share(fig)
        if math.isnan(share):
            continue
        numerator, base, value = (
            _number(row[c]) for c in ("numerator", "denominator", "recomputed_value")
        )
        percent = value if fig["unit"] == "percent" else math.nan
        if fig["unit"] == "count" and base > 0:
            percent = 100 * numerator / base
        rows.append(
            {
                "figure_id": row["figure_id"],
                "review_period": row["review_period"],
                "label": figure_label(fig),
                "computed_over": row["computed_over"],
                "published_value": row["published_value"],
                "published_percent": share,
                "percent": percent,
                "ci_low_percent": _number(row["ci_low_percent"]),
                "ci_high_percent": _number(row["ci_high_percent"]),
                "status": row["status"],
                "marker": _marker(row),
                "source": cite(row["figure_id"]),
            }
            | ({"calibration_target": bool(row["calibration_target"])} if calibrated else {})
        )
    flag = ["calibration_target"] if calibrated else []
    return pd.DataFrame(rows, columns=SUBGROUP_COLUMNS + flag)


def subgroup_summary(scorecard: pd.DataFrame) -> str:
    """What the scorecard says of the published figures about a subgroup, in two sentences.

    >>> card = pd.DataFrame({
    ...     "computed_over": ["SUDI deaths", "SUDI deaths", "reviews", "", "SUDI deaths"],
    ...     "status": ["agrees", "differs", "not computable", "agrees", "not computable"],
    ...     "reason_kind": ["", "", "column missing", "", "period not in case data"]})
    >>> print(subgroup_summary(card))  # doctest: +NORMALIZE_WHITESPACE
    4 published figures are about a subgroup; 2 were computed over their subgroup: 1 agrees
    with an exact figure, 0 are consistent with a weak statement, 1 differs. Not computed: 1
    lacking a column in the file; 1 of a period the case data does not cover.
    """
    about_part = scorecard[scorecard["computed_over"].fillna("").astype(str) != ""]
    computed = about_part[about_part["status"] != "not computable"]
    text = (
        f"{len(about_part)} published figures are about a subgroup; {len(computed)} "
        f"{'was' if len(computed) == 1 else 'were'} computed over their subgroup"
    )
    text += f": {verdict_counts(computed)}." if len(computed) else "."
    rest = about_part[about_part["status"] == "not computable"]
    if len(rest):
        reasons = rest["reason_kind"].value_counts(sort=False)
        text += " Not computed: " + "; ".join(
            f"{n} {REASON_WORDS.get(kind, kind)}" for kind, n in reasons.items()
        )
        text += "."
    return text
