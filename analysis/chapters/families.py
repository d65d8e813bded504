"""Families (notebook 04): parental factors, the "toxic trio" and neglect, set beside what was
published and what social-care assessments find.

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

from analysis.casedata.load import is_synthetic
from analysis.chapters.families_context import ASSESSMENT_PERIODS, families_in_context
from analysis.chapters.toxic_trio import TRIO_ANY_FIGURE, trio_combinations, trio_summary
from analysis.reference.assessments import CAVEATS, parental_series
from analysis.reference.citations import cite
from analysis.reference.published import figure, stated
from analysis.stats.compare import agrees
from analysis.stats.measures import Result, compute
from analysis.stats.members import PREFIX
from analysis.stats.tables import yes_share_table
from analysis.stats.units import shares_by_unit
from analysis.synthetic import calibration_figure_ids

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


# The chapter's tables and sentences, as notebook 04 shows them ------------------------------

#: The published count of final reports (the denominator), printed beside the recomputed one.
FINAL_REPORTS_FIGURE = "p2011_final_reports"
#: An earlier neglect figure, by another definition: stated, not drawn.
EARLIER_NEGLECT_FIGURE = "pre2012_neglect_feature"


def reports_beside_published(cases: pd.DataFrame) -> str:
    """The number of reviews with a final report, beside the published count (2011-14)."""
    reports, row = compute("final_reports_count", cases), figure(FINAL_REPORTS_FIGURE)
    return (
        f"Reviews with a final report: {reports.value:.0f} "
        f"(published: {stated(row)}, {row['statement']!r})"
    )


def parental_factors(cases: pd.DataFrame) -> pd.DataFrame:
    """Each of :data:`PARENTAL_FACTORS` as a share of the reviews with a final report, with the
    bounds over all reviews (:func:`analysis.stats.tables.yes_share_table`)."""
    return yes_share_table(cases, PARENTAL_FACTORS)


def factors_vs_published(cases: pd.DataFrame) -> pd.DataFrame:
    """The parental factors beside the published 2011-14 and 2017-19 figures
    (:func:`factor_comparison` of :func:`parental_factors`)."""
    return factor_comparison(parental_factors(cases))


def references_text() -> str:
    """Each factor's published figures as stated, and what to know before comparing."""
    lines = []
    for ref in FACTOR_REFERENCES:
        ids = [f for f in (ref.same_period, ref.later_period) if f]
        published = "; ".join(
            f"{f} {stated(figure(f))} ({figure(f)['review_period']})" for f in ids
        )
        lines.append(f"{ref.variable}: {published or 'no published figure'}. {ref.note}")
    return "\n".join(lines)


def calibration_note(comparison: pd.DataFrame, cases: pd.DataFrame) -> str:
    """Which published figures of ``comparison`` the shipped synthetic data was built to meet
    (a match with them proves the pipeline, not the finding); on other data, that none was."""
    if not is_synthetic(cases):
        return "Not the shipped synthetic data: no figure here was a calibration target."
    targets = sorted(calibration_figure_ids() & set(comparison["figure_id"]))
    return f"Calibration targets of the synthetic data among these figures: {targets}"


def caveats() -> str:
    """What the comparison with social-care assessments can and cannot say, as a list."""
    return "\n".join(f"- {caveat}" for caveat in CAVEATS)


def assessment_factors() -> pd.DataFrame:
    """The national series of factors recorded at the end of assessments (real statistics:
    :func:`analysis.reference.assessments.parental_series`)."""
    return parental_series()


def factors_in_context(cases: pd.DataFrame) -> pd.DataFrame:
    """The parental factors beside the share of assessments recording each
    (:func:`analysis.chapters.families_context.families_in_context`)."""
    return families_in_context(factors_vs_published(cases))


def toxic_trio(cases: pd.DataFrame) -> pd.DataFrame:
    """None, at least one, two or more and all three of the trio
    (:func:`~analysis.chapters.toxic_trio.trio_summary`, summed from the combinations)."""
    return trio_summary(trio_combinations(cases))


def trio_statement() -> str:
    """The one published trio figure (2005-07), as stated."""
    row = figure(TRIO_ANY_FIGURE)
    return f"{TRIO_ANY_FIGURE} ({row['review_period']}): {stated(row)}, {row['statement']!r}"


def neglect_recomputed(cases: pd.DataFrame, data_label: str) -> pd.DataFrame:
    """The neglect series (:func:`neglect_series`) with the 2011-14 share recomputed from
    ``cases`` (the 2011-14 cases; ``data_label`` is ``Run.label``)."""
    recomputed = {"2011-14": compute("neglect_feature_percent", cases)}
    return neglect_series(recomputed, f"Recomputed ({data_label.lower()})")


def earlier_neglect() -> str:
    """The earlier neglect figure, which the chart leaves out, and why."""
    row = figure(EARLIER_NEGLECT_FIGURE)
    return (
        f"Not in the chart: {EARLIER_NEGLECT_FIGURE} {stated(row)} ({row['statement']!r}; "
        "an acknowledged under-estimate by an earlier definition)"
    )


def neglect_by_unit(cases: pd.DataFrame) -> pd.DataFrame:
    """Neglect as a feature over each unit the sources name
    (:func:`analysis.stats.units.shares_by_unit`)."""
    return shares_by_unit(cases, ["neglect_feature_percent"])


def figure_words(cases: pd.DataFrame) -> dict[str, str]:
    """What the chapter's figures say of published sources and of the data, for
    :mod:`analysis.charts.chapter_families`: citations, values as stated, the groups of bars.

    Returns
    -------
    dict
        ``factors_source``, ``context_source``, ``trio_source``, ``neglect_source`` (the
        publications cited), ``trio_any`` and ``neglect_later`` (values as stated),
        ``same_period`` and ``later_period`` (the published groups of bars), ``context_period``
        (the review period the assessments are set beside), ``recomputed_from`` ("synthetic"
        on the shipped data, else "coded cases").
    """
    return {
        "factors_source": cite("p2011_parent_alcohol", "p2017_parent_alcohol"),
        "context_source": cite("p2017_parent_alcohol"),
        "trio_source": cite(TRIO_ANY_FIGURE),
        "neglect_source": cite(*filter(None, NEGLECT_FIGURES.values())),
        "trio_any": stated(figure(TRIO_ANY_FIGURE)),
        "neglect_later": stated(figure("p2014_neglect_feature")),
        "same_period": PUBLISHED_SAME,
        "later_period": PUBLISHED_LATER,
        "context_period": ASSESSMENT_PERIODS[-1],
        "recomputed_from": "synthetic" if is_synthetic(cases) else "coded cases",
    }
