"""Two periods compared: counting units, the change and its tests."""

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from analysis import load_cases
from analysis.chapters.coverage import coverage_changes, coverage_sentence, coverage_table
from analysis.chapters.periods import (
    ALPHA,
    COMPARED,
    EQUIVALENCE_MARGIN_POINTS,
    SYNTHETIC_DIFFERENCES,
    Compared,
    change_headline,
    compare_periods,
    computable,
    count_share,
    counts_a_year,
    holm,
    mark_synthetic_differences,
    period_shares,
    similar_headline,
)
from analysis.paths import EXAMPLES_DIR
from analysis.stats.inference import compare_proportions, equivalence_p_value
from analysis.stats.measures import compute


@pytest.fixture(scope="module")
def example():
    """The shipped example: 2011-14 six children in six reviews (four final reports);
    2014-17 four children in three reviews (EX008 and EX009 are siblings)."""
    return load_cases(EXAMPLES_DIR / "example_cases.csv")


@pytest.fixture(scope="module")
def shipped():
    return load_cases()


def _period(cases, period):
    return cases[cases["review_period"] == period]


def test_child_measures_count_children_and_family_measures_count_reviews(example):
    later = _period(example, "2014-17")
    # involved now: none of the four children (early help is not involvement)
    assert count_share(later, "csc_current_involvement_percent") == (0, 4)
    # the child died: reviews R007 and R010 of three reviews (siblings counted once)
    assert count_share(later, "deaths_percent") == (2, 3)
    # criminality is coded from the final report: reviews with one, each once
    assert count_share(later, "parent_criminality") == (1, 3)
    earlier = _period(example, "2011-14")
    assert count_share(earlier, "csc_current_involvement_percent") == (3, 6)
    assert count_share(earlier, "parent_criminality") == (1, 4)
    assert count_share(earlier, "neglect_feature_percent") == (2, 4)


def test_registered_measures_agree_with_the_measures_module(shipped):
    part = _period(shipped, "2014-17")
    for item in COMPARED:
        if item.key.endswith("_percent"):
            result = compute(item.key, part)
            assert count_share(part, item.key) == (result.numerator, result.denominator)


def test_count_share_refuses_a_measure_that_is_not_a_share(example):
    with pytest.raises(ValueError, match="not a share"):
        count_share(_period(example, "2011-14"), "scrs_count")


def test_period_shares_is_long_with_intervals(example):
    shares = period_shares(example)
    assert len(shares) == 2 * len(COMPARED)
    assert set(shares["review_period"]) == {"2011-14", "2014-17"}
    assert (shares["ci_low_percent"] <= shares["percent"]).all()
    assert (shares["percent"] <= shares["ci_high_percent"]).all()
    bases = shares.drop_duplicates("measure").set_index("measure")["denominator_basis"]
    assert bases["age_under_1_percent"] == "children"
    assert bases["deaths_percent"] == "reviews"
    assert bases["parent_drug_misuse_percent"] == "reviews with a final report"


def test_compare_periods_is_second_minus_first_with_the_stats_test(example):
    table = compare_periods(example).set_index("measure")
    row = table.loc["deaths_percent"]
    assert (row["first_count"], row["first_denominator_count"]) == (3, 6)
    assert (row["second_count"], row["second_denominator_count"]) == (2, 3)
    assert row["difference_points"] == pytest.approx(100 * (2 / 3 - 3 / 6))
    expected = compare_proportions(3, 6, 2, 3)
    assert row["p_value"] == pytest.approx(expected["p_value"])
    assert row["ci_low_points"] == pytest.approx(expected["ci_low_points"])
    assert (table["p_value_holm"] >= table["p_value"] - 1e-12).all()


def test_compare_periods_on_the_shipped_data(shipped):
    table = compare_periods(shipped)
    assert list(table["measure"]) == [c.key for c in COMPARED]
    row = table.set_index("measure").loc["age_under_1_percent"]
    assert row["first_denominator_count"] == 293
    assert row["second_denominator_count"] == 404  # children, siblings included
    row = table.set_index("measure").loc["deaths_percent"]
    assert row["second_denominator_count"] == 368  # reviews
    row = table.set_index("measure").loc["neglect_feature_percent"]
    assert row["second_denominator_count"] == 278  # reviews with a final report


def test_compare_periods_needs_both_periods(example):
    with pytest.raises(ValueError, match="no cases for review period 2014-17"):
        compare_periods(_period(example, "2011-14"))


def test_a_subset_of_measures_can_be_compared(example):
    table = compare_periods(example, [Compared("age_under_1_percent", "Under 1")])
    assert list(table["label"]) == ["Under 1"]
    assert table["p_value_holm"].iloc[0] == pytest.approx(table["p_value"].iloc[0])


def test_holm_matches_statsmodels_and_keeps_nan():
    p = [0.01, 0.04, float("nan"), 0.03]
    adjusted = holm(p)
    expected = multipletests([0.01, 0.04, 0.03], method="holm")[1]
    assert np.allclose(adjusted[[0, 1, 3]], expected)
    assert math.isnan(adjusted[2])


def test_synthetic_differences_are_marked(shipped):
    table = mark_synthetic_differences(compare_periods(shipped)).set_index("measure")
    assert table.loc["deaths_percent", "generator_differs"]
    assert table.loc["neglect_feature_percent", "generator_differs"]
    assert not table.loc["cp_plan_current_percent", "generator_differs"]
    assert table.loc["cp_plan_current_percent", "generator_assumption"].startswith("S13")
    assert set(SYNTHETIC_DIFFERENCES) <= {c.key for c in COMPARED}


def test_headlines_follow_the_table():
    table = pd.DataFrame(
        {
            "label": ["A", "B"],
            "difference_points": [5.0, -1.0],
            "changed_clearly": [False, False],
            "equivalence_p_value_holm": [0.5, 0.01],
            "detectable_points": [14.2, 3.0],
        }
    )
    assert change_headline(table) == "0 of 2 measures changed clearly between the periods"
    assert similar_headline(table, margin=5) == (
        "1 of 2 shares shown the same in both periods (within 5 points); the others could hide "
        "changes of 14 to 14 points"
    )


def test_clear_changes_and_the_simultaneous_intervals_drawn_agree(shipped):
    """A filled dot (changed clearly) always has a drawn interval that leaves out zero, and
    the simultaneous interval is wider than the 95% one: marks and intervals cannot disagree."""
    table = compare_periods(shipped)
    outside = (table["simultaneous_low_points"] > 0) | (table["simultaneous_high_points"] < 0)
    assert (table["changed_clearly"] == outside).all()
    assert (table["simultaneous_low_points"] < table["ci_low_points"]).all()
    assert (table["simultaneous_high_points"] > table["ci_high_points"]).all()
    death = table.set_index("measure").loc["deaths_percent"]
    assert death["changed_clearly"] and death["p_value_holm"] < ALPHA


def test_similar_is_claimed_only_from_equivalence_tests(shipped):
    """No share of the shipped data can be shown the same within 5 points (a few hundred
    reviews a period), so the title says so instead of counting near-zero differences."""
    table = compare_periods(shipped)
    assert (table["equivalence_p_value_holm"] >= ALPHA).all()
    assert similar_headline(table).startswith(
        f"No share can be shown the same in both periods (within {EQUIVALENCE_MARGIN_POINTS:g}"
    )
    # ten thousand a period: the same test does show equivalence
    assert equivalence_p_value(5000, 10_000, 5050, 10_000, EQUIVALENCE_MARGIN_POINTS) < 0.001
    # detectable changes are of the order the issue found the intervals to be (7-9 points)
    assert table["detectable_points"].between(8, 20).all()


def test_counts_a_year_are_count_over_years(shipped):
    table = counts_a_year(shipped)
    assert set(table["review_period"]) == {"2011-14", "2014-17"}
    assert np.allclose(table["per_year"] * table["years"], table["reviews_count"])


def test_a_period_without_final_reports_gives_no_change_for_family_measures(shipped):
    """No final report in 2011-14: the family measures have no share to compare, so their
    change, intervals and tests are NaN, and the child measures are compared as before (the
    power calculation stopped the chapter: 'f(a) and f(b) must have different signs')."""
    cases = shipped.copy()
    first = cases["review_period"] == "2011-14"
    cases.loc[first, "final_report_available"] = "no"
    family = [c for c in cases.columns if c.startswith(("parent_", "neglect_", "theme_"))]
    for column in family:
        cases.loc[first, column] = pd.NA
    table = compare_periods(cases).set_index("measure")
    no_share = table["first_denominator_count"] == 0
    assert no_share.any() and not no_share.all()
    statistics = ["difference_points", "ci_low_points", "simultaneous_low_points", "p_value"]
    assert table.loc[no_share, statistics + ["detectable_points"]].isna().all().all()
    assert table.loc[~no_share, statistics].notna().all().all()


def test_a_file_without_the_optional_family_columns_compares_the_rest(shipped):
    """Parental factors and neglect are optional: without them, chapter 7 compares the child
    and outcome measures (it stopped: "parent_domestic_abuse_percent needs column(s)")."""
    family = [c for c in shipped.columns if c.startswith(("parent_", "neglect_"))]
    cases = shipped.drop(columns=family)
    compared = computable(cases)
    assert [c.key for c in compared] == [c.key for c in COMPARED[:6]]
    assert computable(shipped) == COMPARED
    table = compare_periods(cases, compared)
    assert table["measure"].tolist() == [c.key for c in COMPARED[:6]]
    coverage = coverage_table(cases, compared)  # no final-report measure left: no row
    assert coverage.empty and "measure" in coverage.columns
    sentence = coverage_sentence(coverage_changes(coverage))
    assert sentence == "No coverage reading can be shown (withheld or not computable)."
