"""Families: parental factors, the "toxic trio" and neglect, set beside what was published.

The 2011-14 report coded parental factors from the 175 final reports, but only some of its
percentages are public: alcohol and drug misuse as a pair (which is which is unknown),
nothing for domestic abuse or mental ill health (``data/published/not_found.csv``). This module
holds, as data, which published figure speaks to which coded variable and for which period, so
a test can check every id, and builds the tidy tables that put recomputed shares beside them.

Published values are never typed here: they are read by ``figure_id`` from
``data/published/`` (:func:`analysis.reference.published.figure`).

Examples
--------
>>> [r.variable for r in FACTOR_REFERENCES][:2]
['parent_alcohol_misuse', 'parent_drug_misuse']
>>> NEGLECT_FIGURES["2011-14"] is None
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.reference.published import figure, stated
from analysis.stats.compare import agrees
from analysis.stats.measures import Result
from analysis.stats.members import PREFIX
from analysis.stats.tables import combinations_table, with_interval

#: Parental factors coded from the final report, in display order: the two with a 2011-14
#: published figure first, then the later-period ones, then those never published.
PARENTAL_FACTORS = (
    "parent_alcohol_misuse",
    "parent_drug_misuse",
    "parent_domestic_abuse",
    "parent_mental_ill_health",
    "parent_criminality",
    "parent_learning_disability",
)

#: Names of the three sources in :func:`factor_comparison` (the ``source`` column).
RECOMPUTED = "2011-14 recomputed"
PUBLISHED_SAME = "2011-14 published"
PUBLISHED_LATER = "2017-19 published"
NOT_PUBLISHED = "not published"


@dataclass(frozen=True)
class FactorReference:
    """Which published figures speak to one parental factor.

    Attributes
    ----------
    variable : str
        Codebook column, e.g. ``"parent_alcohol_misuse"``.
    same_period : str or None
        ``figure_id`` of the 2011-14 figure, if one is published.
    later_period : str or None
        ``figure_id`` of the 2017-19 figure (context only: a later period, another team).
    not_found : str or None
        ``item_id`` in ``not_found.csv`` recording what was looked for and not found.
    note : str
        What a reader needs to know before comparing.
    """

    variable: str
    same_period: str | None = None
    later_period: str | None = None
    not_found: str | None = None
    note: str = ""


FACTOR_REFERENCES = (
    FactorReference(
        "parent_alcohol_misuse",
        same_period="p2011_parent_alcohol",
        later_period="p2017_parent_alcohol",
        not_found="nf_2011_parent_pairing",
        note="Published together with drug misuse as a pair of percentages; the source is cut "
        "off, so which is which is unknown and each is recorded as between the two.",
    ),
    FactorReference(
        "parent_drug_misuse",
        same_period="p2011_parent_drug",
        later_period="p2017_parent_substance",
        not_found="nf_2011_parent_pairing",
        note="Pairing with alcohol misuse unknown (see alcohol). The 2017-19 figure is worded "
        "'substance misuse'; whether it includes alcohol is not stated.",
    ),
    FactorReference(
        "parent_domestic_abuse",
        later_period="p2017_parent_domestic_abuse",
        not_found="nf_2011_parent_domestic_abuse",
        note="The 2011-14 percentage is not published.",
    ),
    FactorReference(
        "parent_mental_ill_health",
        later_period="p2017_parent_mental_health",
        not_found="nf_2011_parent_mental_health",
        note="The 2011-14 percentage is not published.",
    ),
    FactorReference(
        "parent_criminality",
        note="No national percentage is published; the 2011-14 SUDI study reports parental "
        "criminal records in 13 of 27 SUDI cases (sudi2011_parent_criminal_record), a subgroup.",
    ),
    FactorReference(
        "parent_learning_disability",
        note="No figure is published for any period.",
    ),
)

#: The "toxic trio" as the notebook counts it: substance misuse is alcohol or drug misuse.
TRIO = {
    "domestic_abuse": ("parent_domestic_abuse",),
    "mental_ill_health": ("parent_mental_ill_health",),
    "substance_misuse": ("parent_alcohol_misuse", "parent_drug_misuse"),
}
#: Display words for the trio's flags.
TRIO_LABELS = {
    "domestic_abuse": "domestic abuse",
    "mental_ill_health": "mental ill health",
    "substance_misuse": "substance misuse",
}
#: Published "any of the three" (2005-07, "nearly three quarters"): the only trio figure found.
TRIO_ANY_FIGURE = "p2005_toxic_trio_any"

#: Neglect a feature of the case, by national analysis; None where nothing is published.
NEGLECT_FIGURES: dict[str, str | None] = {
    "2009-11": "p2009_neglect_feature",
    "2011-14": None,
    "2014-17": "p2014_neglect_feature",
    "2017-19": "p2017_neglect_feature",
}
NEGLECT_NOT_FOUND = "nf_2011_neglect"


def _published_row(figure_id: str, source: str, variable: str, label: str) -> dict:
    """One published figure as a row: a value to plot, or NaN and the stated range as marker."""
    fig = figure(figure_id)
    plottable = fig["relation"] in ("equals", "approximately")
    return {
        "variable": variable,
        "label": label,
        "source": source,
        "percent": float(fig["value"]) if plottable else np.nan,
        "ci_low_percent": np.nan,
        "ci_high_percent": np.nan,
        # A range ("37-38%") has no single bar: printed as text where the bar would be.
        "marker": "" if plottable else stated(fig),
        "figure_id": figure_id,
        "stated": stated(fig),
        "review_period": str(fig["review_period"]),
    }


_FACTOR_MEMBERS = [PREFIX + "count", PREFIX + "denominator_count"]


def factor_comparison(factors: pd.DataFrame) -> pd.DataFrame:
    """Recomputed parental factors beside the 2011-14 and 2017-19 published figures (long).

    Parameters
    ----------
    factors : DataFrame
        From :func:`analysis.stats.tables.yes_share_table` on :data:`PARENTAL_FACTORS` (columns
        ``variable``, ``label``, ``count``, ``denominator_count``, ``percent``,
        ``ci_low_percent``, ``ci_high_percent``), unprotected: its ``members__count`` and
        ``members__denominator_count`` are carried into the recomputed rows, so a run protects
        this table together with the factors table.

    Returns
    -------
    DataFrame
        One row per (factor, source), sources in the order recomputed, 2011-14 published,
        2017-19 published: ``variable``, ``label``, ``source``, ``percent`` (NaN where no
        single value is published), ``ci_low_percent``, ``ci_high_percent`` (recomputed only),
        ``marker`` (the stated range, or "not published", where ``percent`` is NaN),
        ``figure_id``, ``stated``, ``review_period``, ``agrees_with_published`` (recomputed
        rows with a same-period figure: does the value meet the stated relation?),
        ``not_found_id``, ``note``; ``members__count``, ``members__denominator_count``
        (recomputed rows; None in published rows).
    """
    refs = {r.variable: r for r in FACTOR_REFERENCES}
    unknown = set(factors["variable"]) - set(refs)
    if unknown:
        raise KeyError(f"no published references recorded for {sorted(unknown)}")
    rows = []
    for source in (RECOMPUTED, PUBLISHED_SAME, PUBLISHED_LATER):
        for factor in factors.itertuples():
            ref = refs[factor.variable]
            if source == RECOMPUTED:
                row = {
                    "variable": factor.variable,
                    "label": factor.label,
                    "source": source,
                    "percent": factor.percent,
                    "ci_low_percent": factor.ci_low_percent,
                    "ci_high_percent": factor.ci_high_percent,
                    "marker": "",
                    "figure_id": "",
                    "stated": "",
                    "review_period": "2011-14",
                    "count": factor.count,
                    "denominator_count": factor.denominator_count,
                    **{m: getattr(factor, m, None) for m in _FACTOR_MEMBERS},
                }
                if ref.same_period:
                    fig = figure(ref.same_period)
                    row["agrees_with_published"] = agrees(
                        factor.percent,
                        fig["relation"],
                        fig["value"],
                        fig["value_low"],
                        fig["value_high"],
                    )
            else:
                figure_id = ref.same_period if source == PUBLISHED_SAME else ref.later_period
                if figure_id:
                    row = _published_row(figure_id, source, factor.variable, factor.label)
                else:
                    row = {
                        "variable": factor.variable,
                        "label": factor.label,
                        "source": source,
                        "percent": np.nan,
                        "marker": NOT_PUBLISHED,
                        "review_period": "2011-14" if source == PUBLISHED_SAME else "2017-19",
                    }
            row["not_found_id"] = ref.not_found or ""
            row["note"] = ref.note
            rows.append(row)
    columns = [
        "variable",
        "label",
        "source",
        "review_period",
        "count",
        "denominator_count",
        "percent",
        "ci_low_percent",
        "ci_high_percent",
        "marker",
        "figure_id",
        "stated",
        "agrees_with_published",
        "not_found_id",
        "note",
    ]
    table = pd.DataFrame(rows).reindex(columns=columns + _FACTOR_MEMBERS)
    for column in _FACTOR_MEMBERS:  # published rows count no one from the case data
        table[column] = table[column].astype("object").where(table[column].notna(), None)
    table["count"] = table["count"].astype("Int64")
    table["denominator_count"] = table["denominator_count"].astype("Int64")
    table["agrees_with_published"] = table["agrees_with_published"].astype("boolean")
    return table.fillna({"marker": "", "figure_id": "", "stated": ""})


def trio_flags(cases: pd.DataFrame) -> dict[str, pd.Series]:
    """Per row: domestic abuse, mental ill health, substance misuse (alcohol or drug) coded yes.

    Needs the parental factor columns; ``not_recorded`` and blank count as not present (so the
    shares are "of the reviews", as elsewhere). Pass the result to
    :func:`analysis.stats.tables.combinations_table`.
    """
    return {name: cases[list(columns)].eq("yes").any(axis=1) for name, columns in TRIO.items()}


def trio_combinations(cases: pd.DataFrame) -> pd.DataFrame:
    """Every combination of the trio among reviews with a final report, with a display label.

    :func:`analysis.stats.tables.combinations_table` on :func:`trio_flags`, plus ``label``
    ("Domestic abuse + substance misuse", "None of the three"), so figures need no renaming
    (their data columns must be snake_case, which the flag names are).
    """
    table = combinations_table(cases, trio_flags(cases))
    labels = []
    for _, row in table.iterrows():
        present = [TRIO_LABELS[name] for name in TRIO if row[name]]
        text = " + ".join(present) if present else "none of the three"
        if 0 < len(present) < len(TRIO):
            text += " only"  # each row is one exact combination, not "at least"
        labels.append(text[0].upper() + text[1:])
    table.insert(table.columns.get_loc("combination") + 1, "label", labels)
    return table


def trio_summary(combinations: pd.DataFrame) -> pd.DataFrame:
    """How many of the three factors co-occur: none, at least one, two or more, all three.

    Each count is the sum of the combinations it covers, so it must be taken from the
    unprotected combinations: summing a protected table counts a suppressed cell as zero ("at
    least one" in 18 of 38 reviews, where 28 is true). Protect the summary with the run instead.

    Parameters
    ----------
    combinations : DataFrame
        From :func:`trio_combinations` (or :func:`analysis.stats.tables.combinations_table` with
        :func:`trio_flags`; columns ``factors_present``, ``count``, ``denominator_count``), not
        protected; with ``members__count`` and ``members__denominator_count``, the summary
        carries its counts' units (the union of the combinations each sums).

    Returns
    -------
    DataFrame
        ``measure``, ``label``, ``count``, ``denominator_count``, ``percent``,
        ``ci_low_percent``, ``ci_high_percent`` (95% Wilson), ``figure_id`` (the published
        figure to set beside it, for "at least one": :data:`TRIO_ANY_FIGURE`), ``stated``;
        ``members__count``, ``members__denominator_count`` when the combinations have them.

    Raises
    ------
    ValueError
        A count of ``combinations`` is missing (suppressed): the table was protected already.
    """
    counts = pd.to_numeric(combinations["count"], errors="coerce")
    if counts.isna().any():
        raise ValueError(
            "trio_summary needs the unprotected combinations (a suppressed count would be "
            "summed as zero); pass trio_combinations(cases), then protect both with the run"
        )
    n_factors = int(combinations["factors_present"].max())
    denominator = int(combinations["denominator_count"].iloc[0])
    present = combinations["factors_present"]
    with_members = PREFIX + "count" in combinations.columns
    selections = [
        ("none", "None of the three", present == 0, ""),
        ("any", "At least one of the three", present >= 1, TRIO_ANY_FIGURE),
        ("two_or_more", "Two or more", present >= 2, ""),
        ("all", "All three" if n_factors == 3 else "All of them", present == n_factors, ""),
    ]
    rows = []
    for measure, label, selected, figure_id in selections:
        row = {
            "measure": measure,
            "label": label,
            "count": int(counts[selected].sum()),
            "denominator_count": denominator,
            "figure_id": figure_id,
            "stated": stated(figure(figure_id)) if figure_id else "",
        }
        if with_members:  # the combinations partition the reviews: the union adds up
            units = combinations.loc[selected, PREFIX + "count"]
            row[PREFIX + "count"] = tuple(sorted(u for m in units for u in m))
            row[PREFIX + "denominator_count"] = combinations[PREFIX + "denominator_count"].iloc[0]
        rows.append(row)
    table = pd.DataFrame(rows)
    columns = list(table.columns)
    interval = ["percent", "ci_low_percent", "ci_high_percent"]
    return with_interval(table)[columns[:4] + interval + columns[4:]]


def neglect_series(recomputed: Mapping[str, Result], recomputed_label: str) -> pd.DataFrame:
    """Neglect as a feature, by national analysis: published values, recomputed values apart.

    Parameters
    ----------
    recomputed : mapping of str to Result
        Review period to :func:`analysis.stats.measures.compute` of ``neglect_feature_percent`` on
        that period's cases.
    recomputed_label : str
        Name of the recomputed series, e.g. "Recomputed (synthetic data)".

    Returns
    -------
    DataFrame
        Long, periods in order (:data:`NEGLECT_FIGURES`): ``review_period``, ``series``
        ("Published" or ``recomputed_label``), ``percent`` (NaN where nothing is published or
        recomputed: a gap, never bridged), ``numerator``, ``denominator``, ``figure_id``,
        ``relation``, ``stated``, ``not_found_id``; ``members__numerator`` and
        ``members__denominator`` in recomputed rows (None in published rows, whose
        ``denominator`` is the published one).
    """
    rows = []
    for period, figure_id in NEGLECT_FIGURES.items():
        row = {"review_period": period, "series": "Published", "percent": np.nan}
        if figure_id:
            fig = figure(figure_id)
            row.update(
                percent=float(fig["value"]),
                denominator=fig["denominator"],
                figure_id=figure_id,
                relation=fig["relation"],
                stated=stated(fig),
            )
        else:
            row["not_found_id"] = NEGLECT_NOT_FOUND
        rows.append(row)
    for period in NEGLECT_FIGURES:
        result = recomputed.get(period)
        row = {"review_period": period, "series": recomputed_label, "percent": np.nan}
        if result is not None:
            row.update(
                percent=result.value,
                numerator=result.numerator,
                denominator=result.denominator,
                **result.row_members(),
            )
        rows.append(row)
    columns = [
        "review_period",
        "series",
        "percent",
        "numerator",
        "denominator",
        "figure_id",
        "relation",
        "stated",
        "not_found_id",
    ]
    members = [PREFIX + "numerator", PREFIX + "denominator"]
    table = pd.DataFrame(rows).reindex(columns=columns + members)
    for column in ("numerator", "denominator"):
        table[column] = pd.to_numeric(table[column]).astype("Int64")
    for column in members:  # published rows (and periods without data) count no one
        table[column] = table[column].astype("object").where(table[column].notna(), None)
    return table.fillna({"figure_id": "", "relation": "", "stated": "", "not_found_id": ""})
