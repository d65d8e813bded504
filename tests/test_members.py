"""Every chapter table that shows case-data counts says which units they count.

Disclosure control (:mod:`analysis.publish.disclosure`) audits a whole run from the
``members__*`` columns the builders attach (:mod:`analysis.stats.members`). A membership that
disagrees with its count, or a count or statistic without one, is a hole an attacker could use,
so each builder is checked here on the shipped synthetic data, and all of them together on a
small own-data file must pass the recovery audit.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import load_cases
from analysis.casedata.load import to_typed
from analysis.chapters.children import age_share_series
from analysis.chapters.families import (
    PARENTAL_FACTORS,
    RECOMPUTED,
    factor_comparison,
    neglect_series,
)
from analysis.chapters.overview import (
    CHILDREN_COMPARISONS,
    OVERVIEW_COMPARISONS,
    death_category_table,
    death_group_table,
    recomputed_vs_published,
    reviews_by_year_and_group,
)
from analysis.chapters.periods import compare_periods, counts_a_year, period_shares
from analysis.chapters.scorecard import build_scorecard
from analysis.chapters.themes import closed_too_soon_measures, theme_table
from analysis.chapters.toxic_trio import trio_combinations, trio_summary
from analysis.paths import SYNTHETIC_DIR
from analysis.publish.disclosure import SUPPRESSED, THRESHOLD, apply_plan, plan_protection
from analysis.reference.published import load_published
from analysis.stats.measures import compute, reviews
from analysis.stats.members import IMPLIED, PREFIX, counted_column, member_columns, members_of
from analysis.stats.subgroups import compute_figure
from analysis.stats.tables import yes_share_table

PERIODS = ("2011-14", "2014-17")


@pytest.fixture(scope="module")
def both() -> pd.DataFrame:
    return load_cases()


@pytest.fixture(scope="module")
def by_period() -> dict[str, pd.DataFrame]:
    return {p: load_cases(period=p) for p in PERIODS}


def chapter_tables(both: pd.DataFrame, by_period: dict[str, pd.DataFrame]) -> dict:
    """Every case-data table the chapter builders make, as the notebooks call them."""
    first = by_period.get("2011-14", next(iter(by_period.values())))
    factors = yes_share_table(first, PARENTAL_FACTORS)
    combos = trio_combinations(first)
    tables = {
        "yearly": reviews_by_year_and_group(both),
        "death_groups": death_group_table(both),
        "death_categories": death_category_table(both),
        "compared": recomputed_vs_published(by_period, OVERVIEW_COMPARISONS),
        "adolescent": recomputed_vs_published(by_period, CHILDREN_COMPARISONS),
        "age_series": age_share_series({"2011-14": first}, recomputed_label="test"),
        "factors": factors,
        "factor_comparison": factor_comparison(factors),
        "combinations": combos,
        "trio": trio_summary(combos),
        "neglect": neglect_series({"2011-14": compute("neglect_feature_percent", first)}, "r"),
        "themes": theme_table(first),
        "closed_too_soon": closed_too_soon_measures(first),
        "reviews_a_year": counts_a_year(both),
        "scorecard": build_scorecard(by_period),
    }
    if both["review_period"].nunique() == 2:
        tables["period_shares"] = period_shares(both)
        tables["tests_of_change"] = compare_periods(both)
    return tables


@pytest.fixture(scope="module")
def shipped_tables(both, by_period) -> dict[str, pd.DataFrame]:
    return chapter_tables(both, by_period)


def _count_columns(table: pd.DataFrame) -> list[str]:
    return [counted_column(c) for c in member_columns(table) if c != IMPLIED]


def _shown(members) -> bool:
    return isinstance(members, tuple)


def test_every_builder_carries_membership(shipped_tables):
    for name, table in shipped_tables.items():
        assert member_columns(table), f"{name}: no membership beside its counts"


def test_every_count_equals_the_number_of_its_members(shipped_tables):
    for name, table in shipped_tables.items():
        for column in _count_columns(table):
            for position, (value, members) in enumerate(
                zip(table[column], table[PREFIX + column], strict=True)
            ):
                where = f"{name} row {position} {column}"
                if _shown(members):
                    assert all(isinstance(u, str) for u in members), where
                    assert list(members) == sorted(members), where
                    assert len(members) == value, where
                else:  # no count from case data: a published row, or a period's years
                    assert members is None, where


def test_every_case_data_count_has_its_members(shipped_tables):
    """Rows computed from case data carry membership for every count they show."""
    recomputed = {
        "factor_comparison": lambda t: t["source"] == RECOMPUTED,
        "neglect": lambda t: t["numerator"].notna(),
        "scorecard": lambda t: t["numerator"].notna(),
        "compared": lambda t: t["numerator"].notna(),
    }
    for name, table in shipped_tables.items():
        rows = recomputed.get(name, lambda t: pd.Series(True, index=t.index))(table)
        for column in _count_columns(table):
            if column == "denominator" and name in ("scorecard", "compared"):
                continue  # a per-year measure's denominator is its years, not a count
            unmembered = rows & ~table[PREFIX + column].map(_shown)
            assert not unmembered.any(), f"{name}: {column} without members"


def _per_row_results(table, by_period):
    """Each row with its result recomputed independently: a scorecard row as its published
    figure is computed (over its subgroup where it has one), any other by its measure."""
    figures = load_published().set_index("figure_id")
    for row in table.itertuples(index=False):
        cases = by_period[row.review_period]
        if getattr(row, "computed_over", ""):
            yield row, compute_figure(figures.loc[row.figure_id], cases)
        else:
            yield row, compute(row.measure, cases)


@pytest.mark.parametrize("name", ["compared", "scorecard"])
def test_recomputed_values_rest_on_their_members(shipped_tables, by_period, name):
    table = shipped_tables[name]
    table = table[table["recomputed_value"].notna()]
    assert not table.empty
    for row, result in _per_row_results(table, by_period):
        unit = result.unit
        implied = getattr(row, IMPLIED)
        if unit == "count":  # the value is a count: its units are implied, withheld with it
            assert len(implied) == 1 and len(implied[0]) == row.recomputed_value > 0
            if not pd.isna(row.denominator):  # a count out of a base ("18 of 27")
                numerator = getattr(row, PREFIX + "numerator")
                assert implied[0] == numerator and len(numerator) == row.numerator
                assert len(getattr(row, PREFIX + "denominator")) == row.denominator
        elif unit == "months":  # a median: a statistic of every child with an age in months
            assert implied is None and getattr(row, PREFIX + "numerator") is None
            assert len(getattr(row, PREFIX + "denominator")) == row.denominator
        elif unit == "per_year":  # count / years: the count is the numerator shown
            assert implied is None
            assert pd.isna(row.denominator)  # years are not a count: no denominator shown
            assert len(getattr(row, PREFIX + "numerator")) / result.years == pytest.approx(
                row.recomputed_value
            )
        else:
            numerator = getattr(row, PREFIX + "numerator")
            denominator = getattr(row, PREFIX + "denominator")
            assert 100 * len(numerator) / len(denominator) == pytest.approx(row.recomputed_value)
            if pd.isna(getattr(row, "all_reviews_low_percent", math.nan)):
                assert implied is None
            else:  # read over all SCRs too: the bounds give back all reviews and the unknown
                everyone, unknown = implied
                assert 100 * len(numerator) / len(everyone) == pytest.approx(
                    row.all_reviews_low_percent
                )
                assert 100 * (len(numerator) + len(unknown)) / len(everyone) == pytest.approx(
                    row.all_reviews_high_percent
                )
        assert result.value == row.recomputed_value


def test_age_share_statistics_imply_their_counts(shipped_tables, by_period):
    table = shipped_tables["age_series"]
    recomputed = table[table["kind"] == "recomputed"]
    assert len(recomputed) == 2
    for row in recomputed.itertuples(index=False):
        numerator, denominator = getattr(row, IMPLIED)
        assert 100 * len(numerator) / len(denominator) == pytest.approx(row.percent)
        assert row.statement == f"{len(numerator)} of {len(denominator)} children"
    assert table.loc[table["kind"] == "published", IMPLIED].isna().all()


def test_holm_adjusted_p_values_imply_every_other_row(shipped_tables):
    table = shipped_tables["tests_of_change"]
    counts = ["first_count", "first_denominator_count", "second_count", "second_denominator_count"]
    for i, implied in enumerate(table[IMPLIED]):
        others = table.drop(index=i)
        expected = [m for _, r in others.iterrows() for m in r[[PREFIX + c for c in counts]]]
        assert sorted(implied) == sorted(expected)
        assert all(implied)


def _trio_truth(cases: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The trio summary counted straight from the cases, not from the combinations."""
    r = reviews(cases)
    r = r[r["final_report_available"] == "yes"]
    present = (
        (r["parent_domestic_abuse"] == "yes").astype(int)
        + (r["parent_mental_ill_health"] == "yes").astype(int)
        + ((r["parent_alcohol_misuse"] == "yes") | (r["parent_drug_misuse"] == "yes")).astype(int)
    )
    return {
        "none": r[present == 0],
        "any": r[present >= 1],
        "two_or_more": r[present >= 2],
        "all": r[present == 3],
    }


@pytest.mark.parametrize("period", PERIODS)
def test_trio_summary_of_the_raw_combinations_is_the_truth(by_period, period):
    cases = by_period[period]
    summary = trio_summary(trio_combinations(cases)).set_index("measure")
    truth = _trio_truth(cases)
    for measure, rows in truth.items():
        assert summary.loc[measure, "count"] == len(rows), measure
        assert summary.loc[measure, PREFIX + "count"] == members_of(rows), measure
    assert (summary["denominator_count"] == len(truth["none"]) + len(truth["any"])).all()


def _own_file(periods: tuple[str, ...], rows: int = 50) -> pd.DataFrame:
    """A small own-data file: the first rows of each shipped period, no longer synthetic."""
    parts = [
        pd.read_csv(
            SYNTHETIC_DIR / f"synthetic_cases_{p}.csv", dtype=str, keep_default_na=False
        ).head(rows)
        for p in periods
    ]
    frame = pd.concat(parts).drop(columns="record_origin").replace("", pd.NA)
    return to_typed(frame.reset_index(drop=True))


@pytest.fixture(scope="module")
def own_sample() -> pd.DataFrame:
    return _own_file(("2011-14",))


def test_trio_summary_refuses_protected_combinations(own_sample):
    combos = trio_combinations(own_sample)
    plan = plan_protection({"combos": combos})
    protected = apply_plan("combos", combos, plan)
    assert protected["count"].isna().any()  # the sample has combinations to suppress
    with pytest.raises(ValueError, match="unprotected"):
        trio_summary(protected)
    truth = _trio_truth(own_sample)
    assert trio_summary(combos).set_index("measure").loc["any", "count"] == len(truth["any"])


@pytest.mark.parametrize("periods", [("2011-14",), PERIODS], ids=["one period", "two periods"])
def test_all_chapter_tables_of_a_small_own_file_pass_the_audit(periods):
    cases = _own_file(periods)
    by = {p: cases[cases["review_period"].astype(str) == p] for p in periods}
    tables = chapter_tables(cases, by)
    plan = plan_protection(tables)
    assert plan.suppressed, "the sample has small counts to protect"
    assert plan.passed, plan.summary()
    for name, table in tables.items():
        published = apply_plan(name, table, plan)
        assert not member_columns(published), name
        for column in _count_columns(table):  # every count of the case data shown is safe
            counted = table[PREFIX + column].map(_shown).to_numpy()
            shown = published.loc[counted, column].dropna()
            assert not ((shown > 0) & (shown < THRESHOLD)).any(), f"{name} {column}"
        withheld = plan.mask(name, len(table))
        for column in (
            "percent",
            "recomputed_value",
            "p_value",
            "p_value_holm",
            "per_year",
            "design_effect",
            "all_reviews_low_percent",
            "all_reviews_high_percent",
            "simultaneous_low_points",
            "changed_clearly",
            "equivalence_p_value_holm",
            "detectable_points",
        ):
            if column in published:
                hidden = published.loc[withheld, column]
                # numbers are blanked; yes/no columns carry the marker
                assert (hidden.isna() | (hidden == SUPPRESSED)).all(), f"{name} {column}"
