"""Final-report coverage between periods: how far it, not prevalence, could explain a change.

Parental factors and neglect are coded only in final reports, and the share of reviews with a
report differs between the periods (on the report's figures 175 of 293 in 2011-14, 278 of 368
in 2014-17) and, within a period, by outcome. A change in a factor's share among the reports
therefore mixes a change in prevalence with a change in which reviews have a report. Two
readings separate them:

- **standardised by outcome** (:func:`standardised_share`): the share among the reports of each
  outcome (death, serious harm), weighted by that outcome's share of *all* the period's reviews.
  It removes the part of the difference that comes from reports being more often available for
  one outcome, assuming that within an outcome the reviews with a report are like those
  without (an assumption, not a finding);
- **bounds over all reviews** (:func:`analysis.stats.tables.all_reviews_bounds`): the share of
  all reviews if none, or every one, of the reviews without a report (or whose report did not
  record it) had the factor. Where the
  two periods' bounds overlap, missing reports alone could account for the change, whatever
  the test says.

Examples
--------
>>> import pandas as pd
>>> cases = pd.DataFrame({
...     "case_id": list("abcdef"), "review_id": list("abcdef"),
...     "outcome": ["death"] * 4 + ["serious_harm"] * 2,
...     "final_report_available": ["yes", "yes", "no", "no", "yes", "yes"],
...     "parent_drug_misuse": ["yes", "no", "", "", "no", "no"]})
>>> round(standardised_share(cases, "parent_drug_misuse")[0], 1)  # deaths 50% (weight 4/6)
33.3
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.chapters.periods import (
    COMPARED,
    FIRST,
    SECOND,
    Compared,
    _level,
    _split,
    computable,
)
from analysis.stats.measures import MEASURES, reviews
from analysis.stats.members import IMPLIED, PREFIX, members_of
from analysis.stats.tables import unknown_reviews

#: The strata of the standardisation: reviews are weighted to each period's outcome mix.
STRATUM = "outcome"


def _column(key: str) -> str:
    """The yes/no codebook column behind a final-report measure."""
    if key in MEASURES:
        return next(c for c in MEASURES[key].columns if c != "final_report_available")
    return key


def standardised_share(cases: pd.DataFrame, column: str) -> tuple[float, tuple]:
    """The share coded ``yes`` among final reports, standardised to all reviews' outcome mix.

    Returns
    -------
    (float, tuple)
        The percentage (NaN when an outcome has reviews but no report: its share among reports
        is unknown), and the members of every hidden count it rests on (per outcome: the
        reviews, the reports, the reports coded yes), for disclosure control.
    """
    everyone = reviews(cases)
    reported = everyone["final_report_available"] == "yes"
    total, value, hidden = len(everyone), 0.0, []
    for _, stratum in everyone.groupby(STRATUM, observed=True, sort=True):
        with_report = stratum[reported[stratum.index]]
        yes = with_report[with_report[column] == "yes"]
        hidden += [members_of(stratum), members_of(with_report), members_of(yes)]
        if with_report.empty:
            return float("nan"), tuple(hidden)
        value += (len(stratum) / total) * len(yes) / len(with_report)
    return 100 * value, tuple(hidden)


#: :func:`coverage_table`'s columns: a file without the parental factors and neglect (they are
#: optional) has no final-report measure, and its table no row.
_COVERAGE_COLUMNS = [
    "measure",
    "label",
    "review_period",
    "count",
    "reports_count",
    "reviews_count",
    "coverage_percent",
    "percent",
    "standardised_percent",
    "all_reviews_low_percent",
    "all_reviews_high_percent",
    PREFIX + "count",
    PREFIX + "reports_count",
    PREFIX + "reviews_count",
    IMPLIED,
]


def coverage_table(
    cases: pd.DataFrame,
    compared: Sequence[Compared] = COMPARED,
    first: str = FIRST,
    second: str = SECOND,
) -> pd.DataFrame:
    """Each final-report measure in each period: crude, standardised and bounded over all reviews.

    Returns
    -------
    DataFrame
        ``measure``, ``label``, ``review_period``, ``count``, ``reports_count``,
        ``reviews_count``, ``coverage_percent`` (reviews with a report), ``percent`` (among the
        reports), ``standardised_percent``, ``all_reviews_low_percent``,
        ``all_reviews_high_percent``; membership of each count, and ``members__implied`` for the
        outcome strata the standardised share rests on.
    """
    rows = []
    for period, part in zip((first, second), _split(cases, first, second), strict=True):
        everyone = reviews(part)
        reports = everyone[everyone["final_report_available"] == "yes"]
        for item in (c for c in compared if _level(c.key) == "final_report"):
            column = _column(item.key)
            yes = reports[reports[column] == "yes"]
            standardised, hidden = standardised_share(everyone, column)
            n, r, k = len(everyone), len(reports), len(yes)
            unknown = unknown_reviews(everyone, column)
            rows.append(
                {
                    "measure": item.key,
                    "label": item.label,
                    "review_period": period,
                    "count": k,
                    "reports_count": r,
                    "reviews_count": n,
                    "coverage_percent": 100 * r / n,
                    "percent": 100 * k / r if r else float("nan"),
                    "standardised_percent": standardised,
                    "all_reviews_low_percent": 100 * k / n,
                    "all_reviews_high_percent": 100 * (k + len(unknown)) / n,
                    PREFIX + "count": members_of(yes),
                    PREFIX + "reports_count": members_of(reports),
                    PREFIX + "reviews_count": members_of(everyone),
                    IMPLIED: (*hidden, members_of(unknown)),
                }
            )
    return pd.DataFrame(rows, columns=_COVERAGE_COLUMNS)  # columns even with no measure


def coverage_changes(table: pd.DataFrame) -> pd.DataFrame:
    """Per measure, the change among reports, the standardised change, and whether the two
    periods' bounds over all reviews overlap (missing reports alone could explain the change).

    >>> t = pd.DataFrame({"measure": ["m", "m"], "label": ["M", "M"],
    ...     "review_period": ["2011-14", "2014-17"], "percent": [30.0, 40.0],
    ...     "standardised_percent": [31.0, 39.0], "all_reviews_low_percent": [20.0, 30.0],
    ...     "all_reviews_high_percent": [60.0, 55.0]})
    >>> columns = ["change_points", "standardised_change_points", "bounds_overlap"]
    >>> coverage_changes(t)[columns].values.tolist()
    [[10.0, 8.0, True]]
    """
    rows = []
    for (measure, label), part in table.groupby(["measure", "label"], sort=False):
        one, two = part.iloc[0], part.iloc[-1]
        overlap = None
        if part[["all_reviews_low_percent", "all_reviews_high_percent"]].notna().all(axis=None):
            overlap = bool(
                one["all_reviews_low_percent"] <= two["all_reviews_high_percent"]
                and two["all_reviews_low_percent"] <= one["all_reviews_high_percent"]
            )
        rows.append(
            {
                "measure": measure,
                "label": label,
                "change_points": two["percent"] - one["percent"],
                "standardised_change_points": two["standardised_percent"]
                - one["standardised_percent"],
                "bounds_overlap": overlap,
            }
        )
    columns = ["measure", "label", "change_points", "standardised_change_points", "bounds_overlap"]
    return pd.DataFrame(rows, columns=columns)


def coverage_sentence(changes: pd.DataFrame) -> str:
    """What the coverage readings say, in one sentence computed from :func:`coverage_changes`.

    >>> t = pd.DataFrame({"label": ["Neglect a feature", "Drug misuse"],
    ...     "change_points": [8.0, 0.5], "standardised_change_points": [7.1, 0.2],
    ...     "bounds_overlap": [True, True]})
    >>> print(coverage_sentence(t))  # doctest: +NORMALIZE_WHITESPACE
    Standardised to each period's outcome mix, the changes among final reports move by at most
    0.9 points; for 2 of 2 measures the bounds over all reviews overlap, so the reviews without
    a report could account for the change on their own.
    """
    shown = changes.dropna(subset=["change_points", "standardised_change_points"])
    judged = changes[changes["bounds_overlap"].notna()]
    if shown.empty and judged.empty:
        return "No coverage reading can be shown (withheld or not computable)."
    parts = []
    if len(shown):
        moved = (shown["standardised_change_points"] - shown["change_points"]).abs().max()
        parts.append(
            "Standardised to each period's outcome mix, the changes among final reports move by "
            f"at most {moved:.1f} points"
        )
    if len(judged):
        overlap = int(judged["bounds_overlap"].astype(bool).sum())
        parts.append(
            f"for {overlap} of {len(judged)} measures the bounds over all reviews overlap, so the "
            "reviews without a report could account for the change on their own"
        )
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def final_report_coverage(cases: pd.DataFrame) -> pd.DataFrame:
    """:func:`coverage_table` of the measures the file can compute
    (:func:`analysis.chapters.periods.computable`)."""
    return coverage_table(cases, computable(cases))
