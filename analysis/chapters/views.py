"""What a notebook shows of each table: the columns a reader needs, rounded for reading.

A chapter writes its whole table (``run.table``); the notebook then shows a view of it, one
function per table, so a cell is one call and the choice of columns is here, beside the other
views, not in cells. Each view takes the table ``run.table`` returned (protected on own data,
with its ``*_marker`` columns) and returns a new frame; nothing here changes what is written.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.chapters.overview import published_rows
from analysis.reference.published import figure, stated

#: Decimal places a view shows (the written tables keep four).
DECIMALS = 1


def shown(
    table: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    drop: Sequence[str] = (),
    decimals: int = DECIMALS,
) -> pd.DataFrame:
    """The ``columns`` of ``table`` it has (all but ``drop`` when not given), rounded.

    >>> t = pd.DataFrame({"label": ["a"], "percent": [12.345], "code": ["x"]})
    >>> shown(t, ["label", "percent", "not_there"])
      label  percent
    0     a     12.3
    >>> list(shown(t, drop=["code"]).columns)
    ['label', 'percent']
    """
    if columns is None:
        columns = [c for c in table.columns if c not in set(drop)]
    return table[[c for c in columns if c in table.columns]].round(decimals)


def published(figure_ids: Sequence[str]) -> pd.DataFrame:
    """Published figures as a notebook lists them (:func:`~analysis.chapters.overview.
    published_rows` without the source's address, which the register keeps)."""
    return published_rows(figure_ids).drop(columns="source_url")


def statements(figure_ids: Sequence[str], *, period: bool = False) -> str:
    """Published figures as lines to print: each id, its value as stated (and, with ``period``,
    the period it is for), and its wording."""
    lines = []
    for fid in figure_ids:
        row = figure(fid)
        when = f" for {row['review_period']}" if period else ""
        lines.append(f"{fid}: published {stated(row)}{when} ({row['statement']!r})")
    return "\n".join(lines)


#: The columns of a share with its interval, as most views show it.
SHARE = ["label", "count", "denominator_count", "percent", "ci_low_percent", "ci_high_percent"]


# Notebook 01 ---------------------------------------------------------------------------------


def comparison(compared: pd.DataFrame) -> pd.DataFrame:
    """Recomputed beside published (``01_recomputed_vs_published``): each figure, both values,
    and whether they agree; ``calibrated_to`` where the table has it (synthetic data)."""
    columns = ["figure_id", "review_period", "recomputed_value", "published", "published_period"]
    return shown(compared, [*columns, "agrees", "calibrated_to"])


def reviews_by_year(yearly: pd.DataFrame) -> pd.DataFrame:
    """Reviews by incident year (rows) and outcome group (columns)."""
    return yearly.pivot_table(
        index=["review_period", "incident_year"],
        columns="outcome_group_label",
        values="reviews_count",
    )


def reviews_a_year(yearly: pd.DataFrame) -> pd.DataFrame:
    """The average a year of each period's reviews, by outcome group."""
    averages = yearly.groupby(["review_period", "outcome_group_label"])["reviews_count"].mean()
    return averages.rename("reviews_per_year").round(DECIMALS).unstack()


def death_groups(groups: pd.DataFrame) -> pd.DataFrame:
    """Deaths directly caused and related, as shares of all deaths."""
    return shown(groups, drop=["review_period_label", "outcome_group"])


def preliminary_split(preliminary: pd.DataFrame) -> pd.DataFrame:
    """The published preliminary split of 2011-14 deaths."""
    return shown(preliminary, drop=["outcome_group", "statement"])


def death_categories(categories: pd.DataFrame) -> pd.DataFrame:
    """Deaths by category (rows) and review period (columns)."""
    return categories.pivot_table(
        index=["outcome_group_label", "label"], columns="review_period", values="count", sort=False
    )


def final_reports(final: pd.DataFrame) -> pd.DataFrame:
    """Reviews with a final report, by period."""
    return shown(final, drop=["review_period_label", "final_report_available"])


def final_reports_by_outcome(by_outcome: pd.DataFrame) -> pd.DataFrame:
    """Reviews with a final report, by period and outcome."""
    columns = ["review_period", "outcome_label", "count", "denominator_count", "percent"]
    return shown(by_outcome, columns)


# Notebook 02 ---------------------------------------------------------------------------------


def children_and_reviews(cases: pd.DataFrame) -> str:
    """How many children and reviews the cases of each review period hold, in words."""
    return "\n".join(
        f"{period}: {len(part)} children in {part['review_id'].nunique()} reviews"
        for period, part in cases.groupby("review_period", observed=True)
    )


def age_bands(ages: pd.DataFrame) -> pd.DataFrame:
    """The age bands of each period, by label."""
    return shown(ages, drop=["review_period_label", "age_band"])


def adolescent_share(adolescent: pd.DataFrame) -> pd.DataFrame:
    """The adolescent share beside the published one, one column per comparison."""
    return shown(adolescent, drop=["statement"]).T


def age_share_series(series: pd.DataFrame) -> pd.DataFrame:
    """The age shares across the analyses, without the long statement and source."""
    return shown(series, drop=["statement", "source"])


def shares(table: pd.DataFrame) -> pd.DataFrame:
    """Each category's count and share with its interval (in each period, where the table has
    periods)."""
    columns = ["review_period", "label", "count", "percent", "ci_low_percent", "ci_high_percent"]
    return shown(table, columns)


# Notebook 03 ---------------------------------------------------------------------------------


def share_with_base(table: pd.DataFrame) -> pd.DataFrame:
    """Each share with its count, base and interval (by period, where the table has periods)."""
    return shown(table, ["review_period", *SHARE])


def tests(table: pd.DataFrame) -> pd.DataFrame:
    """Tests of association, to three decimals."""
    return table.round(3)


def model_fit(model: pd.DataFrame) -> str:
    """Each model's size and fit, a line a period (``attrs["fit"]``), or why it is not said (a
    model withheld for a small cell)."""
    lines = []
    for period, fit in model.attrs["fit"].items():
        estimates = model.loc[model["review_period"] == period, "odds_ratio"]
        if estimates.notna().all():
            lines.append(f"{period}: n = {fit['n']}, pseudo R-squared = {fit['pseudo_r2']:.3f}")
        else:
            lines.append(f"{period}: the model's size and fit are withheld with its estimates.")
    return "\n".join(lines)


def model(table: pd.DataFrame) -> pd.DataFrame:
    """A fitted model's terms, to three decimals."""
    return table.round(3)


# Notebook 04 ---------------------------------------------------------------------------------


def parental_factors(factors: pd.DataFrame) -> pd.DataFrame:
    """Each factor's share of the reviews with a final report, the share not recorded, and the
    share over all reviews at worst and at best (``all_reviews_low_percent``: none of those
    without a report had it; ``all_reviews_high_percent``: every one did)."""
    columns = ["label", "count", "not_recorded_count", "not_recorded_percent"]
    columns += SHARE[2:] + ["all_reviews_low_percent", "all_reviews_high_percent"]
    return shown(factors, columns)


def beside_published(comparison: pd.DataFrame) -> pd.DataFrame:
    """Each factor by source (recomputed, published), with the check where one exists."""
    columns = ["label", "source", "percent", "marker", "figure_id", "agrees_with_published"]
    return shown(comparison, columns)


def assessment_factors(national: pd.DataFrame) -> pd.DataFrame:
    """The national assessment series: factors (rows) by year (columns)."""
    table = national.pivot(index="label", columns="financial_year", values="percent")
    return table.round(DECIMALS)


def in_context(context: pd.DataFrame) -> pd.DataFrame:
    """Each factor in SCRs and in assessments, with the assessments' numbers."""
    columns = ["label", "source", "percent", "marker", "episodes", "episodes_with_any_factor"]
    return shown(context, columns)


def combinations(combos: pd.DataFrame) -> pd.DataFrame:
    """Each combination, how many factors it holds, and its share."""
    columns = ["label", "factors_present", "count", "percent", "ci_low_percent"]
    return shown(combos, [*columns, "ci_high_percent"])


def by_unit(units: pd.DataFrame) -> pd.DataFrame:
    """A share over each unit the sources name, up to every review without a report having it."""
    columns = ["unit", *SHARE[1:], "all_reviews_high_percent"]
    return shown(units, columns)


# Notebook 05 ---------------------------------------------------------------------------------


def messages(table: pd.DataFrame) -> pd.DataFrame:
    """Each message, the variable that would count it, and what evidence exists."""
    columns = ["message", "variable", "evidence", "related_figures", "not_found"]
    return table[[*columns, "other_measures"]]


def measures(table: pd.DataFrame) -> pd.DataFrame:
    """Each measure of "closed too soon", its population, share, and any published statement."""
    columns = ["label", "population", *SHARE[1:], "stated", "published"]
    return shown(table, columns)


def by_status(table: pd.DataFrame) -> pd.DataFrame:
    """A share by status at the incident."""
    return shown(table, ["csc_status_at_incident_label", *SHARE[1:]])


def themes(table: pd.DataFrame) -> pd.DataFrame:
    """Each theme's share of the reviews with a final report, the share not recorded, and the
    evidence for it."""
    columns = ["label", "count", "not_recorded_count", "not_recorded_percent", *SHARE[2:]]
    return shown(table, [*columns, "evidence"])


# Notebook 06 ---------------------------------------------------------------------------------


def analyses(table: pd.DataFrame) -> pd.DataFrame:
    """Each national analysis: its years, count, count a year, and where the count is from."""
    columns = ["review_period", "years", "scrs_count", "scrs_per_year", "count_status"]
    return shown(table, [*columns, "figure_id", "not_found_id"])


def per_year(table: pd.DataFrame) -> pd.DataFrame:
    """Published reviews a year, as stated."""
    return table[["review_period", "outcome", "stated", "figure_id"]]


def rates(table: pd.DataFrame) -> pd.DataFrame:
    """Each rate per 100,000 children a year with its interval and population basis (the rows
    with a rate)."""
    columns = ["review_period", "what", "count_in_window", "years_in_window", "population_basis"]
    columns += ["rate_per_100000", "rate_low_per_100000", "rate_high_per_100000"]
    return table.loc[table["rate_per_100000"].notna(), columns]


def indices(against: pd.DataFrame, analyses: pd.DataFrame) -> pd.DataFrame:
    """Reviews and activity as indices: analyses (rows, in order) by series (columns)."""
    table = against.pivot(index="review_period", columns="label", values="index_value")
    return table.reindex(analyses["review_period"]).round(0)


def by_year(table: pd.DataFrame) -> pd.DataFrame:
    """Counts by financial year (rows) and series (columns)."""
    return table.pivot(index="financial_year", columns="label", values="value_count")


# Notebook 07 ---------------------------------------------------------------------------------


def by_period(shares: pd.DataFrame) -> pd.DataFrame:
    """Each measure's share (rows, in order) by period (columns)."""
    table = shares.pivot(index="label", columns="review_period", values="percent")
    return table.loc[shares["label"].unique()].round(DECIMALS)


def units_by_period(units: pd.DataFrame) -> pd.DataFrame:
    """Each headline over each unit (rows) by period (columns), with the upper bound over all
    reviews."""
    return units.pivot_table(
        index=["label", "unit"],
        columns="review_period",
        values=["percent", "all_reviews_high_percent"],
        sort=False,
    ).round(DECIMALS)


#: The columns of the tests of change a reader needs.
CHANGE_COLUMNS = [
    "label",
    "denominator_basis",
    "first_count",
    "first_denominator_count",
    "first_percent",
    "second_count",
    "second_denominator_count",
    "second_percent",
    "difference_points",
    "ci_low_points",
    "ci_high_points",
    "p_value",
    "p_value_holm",
    "simultaneous_low_points",
    "simultaneous_high_points",
    "changed_clearly",
    "equivalence_p_value_holm",
    "detectable_points",
    "generator_differs",  # synthetic data only
]


def changes(comparison: pd.DataFrame) -> pd.DataFrame:
    """The tests of change, to three decimals."""
    return shown(comparison, CHANGE_COLUMNS, decimals=3)


def coverage(table: pd.DataFrame) -> pd.DataFrame:
    """Each final-report measure: coverage, the crude and standardised share, and the bounds
    over all reviews."""
    columns = ["label", "review_period", "reports_count", "reviews_count", "coverage_percent"]
    columns += ["percent", "standardised_percent", "all_reviews_low_percent"]
    return shown(table, [*columns, "all_reviews_high_percent"])
