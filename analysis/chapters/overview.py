"""The overview and the children: outcomes by year, categories of death and age shares, each set
beside what was published.

Notebooks 01 and 02 need a few things :mod:`analysis.stats.tables` does not give: reviews by
incident year split into the report's three outcome groups (deaths directly caused, deaths
related but not directly caused, serious harm); the categories of death with the group each
belongs to; and recomputed measures beside the published figures they answer (with the
calibration each was built to, so a match on synthetic data is read for what it is). The age
shares across the national analyses are in :mod:`analysis.chapters.children`.

Published values are never typed here: they are read by ``figure_id`` from
``data/published/`` (:func:`analysis.reference.published.figure`).

Examples
--------
>>> list(OUTCOME_GROUPS)[:2]
['death_directly_caused', 'death_related_not_directly_caused']
>>> [c.figure_id for c in OVERVIEW_COMPARISONS][:2]
['p2011_scrs', 'p2014_scrs']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.casedata.codebook import load_codebook
from analysis.casedata.load import is_synthetic
from analysis.casedata.recode import JOIN
from analysis.reference.published import figure, stated
from analysis.stats.compare import agrees
from analysis.stats.inference import wilson_interval
from analysis.stats.measures import MEASURES, compute, reviews
from analysis.stats.members import IMPLIED, PREFIX, PUBLIC_COUNTS, grouped_members
from analysis.stats.tables import death_groups, proportion_table
from analysis.synthetic import calibration_basis

#: The report's outcome groups, in display order, with short labels for figures.
OUTCOME_GROUPS = {
    "death_directly_caused": "Deaths directly caused",
    "death_related_not_directly_caused": "Deaths related, not directly caused",
    "death_neither_group": "Deaths in neither group",
    "death_not_recorded": "Deaths, category not recorded",
    "serious_harm": "Serious harm",
}
# What analysis.stats.tables.death_groups calls each group.
_GROUP_OF_DEATH = {
    "directly caused": "death_directly_caused",
    "related, not directly caused": "death_related_not_directly_caused",
    "not recorded": "death_not_recorded",
}
#: Which outcome group a per-year measure counts (for marking published averages).
MEASURE_GROUP = {
    "deaths_per_year": "death_directly_caused",
    "serious_harm_per_year": "serious_harm",
}


@dataclass(frozen=True)
class Comparison:
    """A recomputed measure and the published figure that speaks to it.

    Attributes
    ----------
    period : str
        Review period of the case data the measure is computed on, e.g. ``"2011-14"``.
    measure : str
        A name in :data:`analysis.stats.measures.MEASURES`.
    figure_id : str
        The published figure. Its own period may be wider (``p2009_14_serious_harm_per_year``
        is an average over 2009-14): ``published_period`` in the result says so.
    """

    period: str
    measure: str
    figure_id: str


#: Notebook 01: counts, final reports and per-year averages, both periods.
OVERVIEW_COMPARISONS = (
    Comparison("2011-14", "scrs_count", "p2011_scrs"),
    Comparison("2014-17", "scrs_count", "p2014_scrs"),
    Comparison("2014-17", "children_count", "p2014_children"),
    Comparison("2011-14", "final_reports_count", "p2011_final_reports"),
    Comparison("2014-17", "final_reports_count", "p2014_final_reports"),
    Comparison("2011-14", "deaths_per_year", "p2011_deaths_per_year"),
    Comparison("2014-17", "deaths_per_year", "p2014_deaths_per_year"),
    Comparison("2011-14", "serious_harm_per_year", "p2009_14_serious_harm_per_year"),
    Comparison("2014-17", "serious_harm_per_year", "p2014_serious_harm_per_year"),
)

#: Notebook 02: the one age share published for 2011-14.
CHILDREN_COMPARISONS = (Comparison("2011-14", "age_11_17_percent", "p2011_age_11_17"),)


def outcome_group(cases: pd.DataFrame) -> pd.Series:
    """Per row, the report's outcome group: a code of :data:`OUTCOME_GROUPS`.

    Needs ``outcome`` and ``death_category``. Deaths are split by
    :func:`analysis.stats.tables.death_groups` (assumption A04 in ``docs/assumptions.md``); a
    death with a category in neither of the codebook's two groups (not related to
    maltreatment, perpetrated outside the family, not classifiable) is
    ``death_neither_group``, kept apart from a death whose category was not recorded.

    >>> cases = pd.DataFrame({"outcome": ["death", "death", "death", "serious_harm"],
    ...     "death_category": ["sudi", "unclassifiable", "not_recorded", None]})
    >>> outcome_group(cases).tolist()[1:]
    ['death_neither_group', 'death_not_recorded', 'serious_harm']
    """
    groups = death_groups(cases).map(_GROUP_OF_DEATH)
    missing = load_codebook()["death_category"].missing_codes
    recorded = cases["death_category"].notna() & ~cases["death_category"].isin(missing)
    groups = groups.where(~((groups == "death_not_recorded") & recorded), "death_neither_group")
    groups = groups.where(cases["outcome"] != "serious_harm", "serious_harm")
    return groups.astype("object")


#: The groups of death: the rows of a table of deaths, whatever the data holds.
DEATH_GROUPS = [g for g in OUTCOME_GROUPS if g != "serious_harm"]


def reviews_by_year_and_group(cases: pd.DataFrame) -> pd.DataFrame:
    """Reviews by review period, incident year and outcome group, each review counted once.

    Every incident year of each period in ``cases`` appears for every group of
    :data:`OUTCOME_GROUPS` (zero if none; deaths whose category was not recorded too), so a
    year without reviews of a kind is a visible zero, not a missing row (a chart leaves out an
    empty group: :func:`analysis.charts.chapter_overview.yearly_lines`).

    Parameters
    ----------
    cases : DataFrame
        Loaded cases of one or more review periods. Needs ``review_period``,
        ``incident_year``, ``outcome``, ``death_category`` (and ``review_id`` if present).

    Returns
    -------
    DataFrame
        ``review_period``, ``incident_year``, ``outcome_group``, ``outcome_group_label``,
        ``reviews_count`` (with ``members__reviews_count``).
    """
    r = reviews(cases)
    frame = pd.DataFrame(
        {
            "review_period": r["review_period"].astype(str),
            "incident_year": r["incident_year"].astype(str),
            "outcome_group": outcome_group(r),
        },
        index=r.index,
    )
    periods = sorted(frame["review_period"].unique())  # the file's scope
    full = pd.DataFrame(
        [
            (p, y, g)
            for p in periods
            for y in load_codebook(p).incident_years
            for g in OUTCOME_GROUPS
        ],
        columns=["review_period", "incident_year", "outcome_group"],
    )
    counts = frame.value_counts().rename("reviews_count").reset_index()
    units = grouped_members(r.assign(**frame), list(full.columns)).rename(PREFIX + "reviews_count")
    table = full.merge(counts, how="left", on=list(full.columns)).fillna({"reviews_count": 0})
    table = table.merge(units.reset_index(), how="left", on=list(full.columns))
    table["reviews_count"] = table["reviews_count"].astype(int)
    # a year or group without reviews counts nobody (a shown zero)
    table[PREFIX + "reviews_count"] = [
        m if isinstance(m, tuple) else () for m in table[PREFIX + "reviews_count"]
    ]
    table.insert(3, "outcome_group_label", table["outcome_group"].map(OUTCOME_GROUPS))
    return table


def _deaths(cases: pd.DataFrame, level: str) -> pd.DataFrame:
    if level not in ("review", "child"):
        raise ValueError("level must be 'review' or 'child'")
    rows = reviews(cases) if level == "review" else cases
    return rows[rows["outcome"] == "death"]


def death_group_table(
    cases: pd.DataFrame, by: str | None = "review_period", *, level: str = "review"
) -> pd.DataFrame:
    """Deaths directly caused and related but not directly caused, as shares of all deaths.

    Parameters
    ----------
    cases : DataFrame
        Loaded cases; needs ``outcome``, ``death_category`` and the ``by`` column.
    by : str, optional
        Dimension to break down by (default ``review_period``); None for all deaths together.
    level : {"review", "child"}
        Count each review once (as the per-year measures do) or each child.

    Returns
    -------
    DataFrame
        ``by``, ``outcome_group``, ``label``, ``count``, ``denominator_count`` (deaths),
        ``percent``, ``ci_low_percent``, ``ci_high_percent``. Every group of
        :data:`DEATH_GROUPS` is a row, "neither group" and "not recorded" too (0 when no death
        is in it).
    """
    deaths = _deaths(cases, level)
    groups = pd.Categorical(outcome_group(deaths), categories=DEATH_GROUPS)
    table = proportion_table(deaths.assign(outcome_group=groups), "outcome_group", by=by)
    table["label"] = table["outcome_group"].map(OUTCOME_GROUPS)
    return table


def death_category_table(
    cases: pd.DataFrame, by: str | None = "review_period", *, level: str = "review"
) -> pd.DataFrame:
    """Categories of death, as shares of all deaths, with the report's group of each.

    Every category of the codebook appears (zero if unused), in codebook order: the five
    directly caused first, then the three related, then ``not_recorded``.

    Parameters
    ----------
    cases : DataFrame
        Loaded cases; needs ``outcome``, ``death_category`` and the ``by`` column.
    by : str, optional
        Dimension to break down by (default ``review_period``).
    level : {"review", "child"}
        Count each review once, or each child.

    Returns
    -------
    DataFrame
        ``by`` (and ``{by}_label``), ``outcome_group``, ``outcome_group_label``,
        ``death_category``, ``label`` (codebook label), ``count``, ``denominator_count``
        (deaths), ``percent``, ``ci_low_percent``, ``ci_high_percent``.
    """
    deaths = _deaths(cases, level)
    table = proportion_table(deaths, "death_category", by=by)
    # a category combined by a recode file lies within one group (recode.yaml): its first code's
    first = table["death_category"].str.split(JOIN, regex=False).str[0]
    groups = outcome_group(pd.DataFrame({"outcome": "death", "death_category": first}))
    position = table.columns.get_loc("death_category")
    table.insert(position, "outcome_group", groups.to_numpy())
    table.insert(position + 1, "outcome_group_label", table["outcome_group"].map(OUTCOME_GROUPS))
    return table


COMPARISON_COLUMNS = [
    "review_period",
    "measure",
    "description",
    "recomputed_value",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "figure_id",
    "published_period",
    "published",
    "relation",
    "agrees",
    "calibrated_to",
    "statement",
]
#: Which units each count (and a count measure's value) counts: for disclosure control.
_COMPARISON_MEMBERS = [PREFIX + "numerator", PREFIX + "denominator", IMPLIED]


def recomputed_vs_published(
    cases_by_period: Mapping[str, pd.DataFrame], comparisons: Sequence[Comparison]
) -> pd.DataFrame:
    """Recompute each measure and set it beside the published figure it answers.

    Parameters
    ----------
    cases_by_period : mapping
        Review period to that period's loaded cases (``load_cases(period=...)``).
    comparisons : sequence of Comparison
        E.g. :data:`OVERVIEW_COMPARISONS`. Those for a period not in ``cases_by_period``
        are left out (a file of one period still runs).

    Returns
    -------
    DataFrame
        One row per comparison: ``review_period``, ``measure``, ``description``,
        ``recomputed_value``, ``numerator``, ``denominator``, ``ci_low``, ``ci_high``
        (95% Wilson, percentage measures only), ``figure_id``, ``published_period``,
        ``published`` (as stated, e.g. "about 28 a year"), ``relation``, ``agrees`` (the
        recomputed value meets the stated relation), ``calibrated_to`` (the figure or
        assumption the synthetic data was built to meet for this measure, "" if none),
        ``statement``; and the membership of ``numerator``, ``denominator`` and (a count
        measure's value) ``members__implied``.
    """
    rows = []
    for c in comparisons:
        if c.period not in cases_by_period:
            continue
        result = compute(c.measure, cases_by_period[c.period])
        fig = figure(c.figure_id)
        low = high = np.nan
        if result.unit == "percent" and result.denominator:
            lo, hi = wilson_interval(result.numerator, result.denominator)
            low, high = 100 * float(lo), 100 * float(hi)
        rows.append(
            {
                "review_period": c.period,
                "measure": c.measure,
                "description": MEASURES[c.measure].description,
                "recomputed_value": result.value,
                "numerator": result.numerator,
                "denominator": result.denominator,
                "ci_low": low,
                "ci_high": high,
                "figure_id": c.figure_id,
                "published_period": str(fig["review_period"]),
                "published": stated(fig),
                "relation": fig["relation"],
                "agrees": agrees(
                    result.value, fig["relation"], fig["value"], fig["value_low"], fig["value_high"]
                ),
                "calibrated_to": calibration_basis(c.period, c.measure),
                "statement": fig["statement"],
                **result.row_members(),
            }
        )
    table = pd.DataFrame(rows, columns=COMPARISON_COLUMNS + _COMPARISON_MEMBERS)
    for column in ("numerator", "denominator"):
        table[column] = table[column].astype("Int64")
    return table


def published_averages(compared: pd.DataFrame) -> pd.DataFrame:
    """The published per-year averages to mark on the yearly chart, with their values.

    Parameters
    ----------
    compared : DataFrame
        From :func:`recomputed_vs_published`; rows of per-year measures of
        :data:`MEASURE_GROUP` (``deaths_per_year``, ``serious_harm_per_year``) are kept.

    Returns
    -------
    DataFrame
        Those rows, plus ``published_value`` (the published figure's value).
    """
    rows = compared[compared["measure"].isin(list(MEASURE_GROUP))].reset_index(drop=True)
    return rows.assign(
        published_value=[figure(f)["value"] for f in rows["figure_id"]],
        outcome_group_label=[OUTCOME_GROUPS[MEASURE_GROUP[m]] for m in rows["measure"]],
    )


#: The preliminary 2011-14 split of classifiable deaths (ADC abstract, April 2011 to December
#: 2013): the only published count of deaths by group for the period.
PRELIMINARY_DEATH_FIGURES = {
    "death_directly_caused": "p2011_prelim_death_direct",
    "death_related_not_directly_caused": "p2011_prelim_death_related",
}


def preliminary_death_split() -> pd.DataFrame:
    """The published preliminary 2011-14 counts of deaths directly caused and related.

    The shares are our arithmetic on the two published counts (their sum is the denominator),
    not published figures; the counts cover April 2011 to December 2013 and leave out the
    deaths the abstract calls not related, perpetrated outside the family or unclassifiable.

    Returns
    -------
    DataFrame
        ``outcome_group``, ``label``, ``count``, ``denominator_count``, ``percent`` (our
        arithmetic), ``figure_id``, ``review_period``, ``statement``.
    """
    rows = []
    for group, fid in PRELIMINARY_DEATH_FIGURES.items():
        fig = figure(fid)
        rows.append(
            {
                "outcome_group": group,
                "label": OUTCOME_GROUPS[group],
                "count": int(fig["value"]),
                "figure_id": fid,
                "review_period": str(fig["review_period"]),
                "statement": str(fig["statement"]),
            }
        )
    table = pd.DataFrame(rows)
    table.insert(3, "denominator_count", int(table["count"].sum()))
    table.insert(4, "percent", 100 * table["count"] / table["denominator_count"])
    table.attrs[PUBLIC_COUNTS] = True  # published counts, not counted from case data
    return table


def published_rows(figure_ids: Sequence[str]) -> pd.DataFrame:
    """Published figures as a small tidy table for display, in the order given.

    Returns
    -------
    DataFrame
        ``figure_id``, ``review_period``, ``report``, ``category``, ``stated`` (e.g.
        "about 25%"), ``statement``, ``source_url``.
    """
    rows = []
    for fid in figure_ids:
        fig = figure(fid)
        rows.append(
            {
                "figure_id": fid,
                "review_period": str(fig["review_period"]),
                "report": str(fig["report"]),
                "category": "" if pd.isna(fig["category"]) else str(fig["category"]),
                "stated": stated(fig),
                "statement": str(fig["statement"]),
                "source_url": str(fig["source_url"]),
            }
        )
    return pd.DataFrame(rows)


#: Ofsted's counts of SCRs of deaths initiated (set beside "about 28 deaths a year").
OFSTED_DEATH_REVIEWS = (
    "ofsted_2012_13_scrs_initiated_death",
    "ofsted_2013_14_scrs_initiated_death",
)


def review_periods(cases: pd.DataFrame) -> list[str]:
    """The review periods in the loaded cases, in order (``review_period``)."""
    return sorted(cases["review_period"].unique().astype(str))


def for_this_data(compared: pd.DataFrame, cases: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """A comparison with published figures as a run writes it: ``calibrated_to`` (what the
    synthetic data was built to meet) only on the shipped synthetic data, where it says a match
    proves the pipeline; on any other data it says nothing, and is left out."""
    if all(is_synthetic(c) for c in cases):
        return compared
    return compared.drop(columns="calibrated_to")


def overview_vs_published(cases_by_period: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Notebook 01's comparisons (:data:`OVERVIEW_COMPARISONS`) for the periods loaded, as
    :func:`recomputed_vs_published` gives them, ``calibrated_to`` only on synthetic data
    (:func:`for_this_data`)."""
    compared = recomputed_vs_published(cases_by_period, OVERVIEW_COMPARISONS)
    return for_this_data(compared, list(cases_by_period.values()))


def final_reports(cases: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Reviews with a final report available, as a share of the reviews of each period.

    Parameters
    ----------
    cases : DataFrame
        Loaded cases; needs ``review_period``, ``final_report_available`` and ``by``.
    by : str, optional
        A further dimension, e.g. ``"outcome"``.

    Returns
    -------
    DataFrame
        The ``yes`` rows of :func:`analysis.stats.tables.proportion_table` of
        ``final_report_available`` over reviews (each counted once), by ``review_period`` (and
        ``by``).
    """
    keys = "review_period" if by is None else ["review_period", by]
    table = proportion_table(reviews(cases), "final_report_available", by=keys)
    return table[table["final_report_available"] == "yes"]
