import math

import pandas as pd
import pytest

from analysis import load_cases
from analysis.stats.compare import agrees, stated_decimals
from analysis.stats.measures import MEASURES, compute


@pytest.fixture(scope="module")
def early():
    return load_cases(period="2011-14")


def test_current_involvement_counts_only_the_three_open_statuses(early):
    result = compute("csc_current_involvement_percent", early)
    status = early["csc_status_at_incident"].astype(str)
    expected = status.isin(
        ["open_child_in_need", "open_child_protection_plan", "open_looked_after"]
    ).sum()
    assert result.numerator == expected and result.denominator == len(early)
    assert math.isclose(result.value, 100 * expected / len(early))


def test_per_year_measures_divide_by_the_three_years(early):
    harm = compute("serious_harm_per_year", early)
    assert harm.value * 3 == (early["outcome"] == "serious_harm").sum() == harm.numerator
    assert harm.years == 3 and harm.denominator is None  # years are not a count


def test_final_report_measures_use_reviews_with_a_report(early):
    result = compute("parent_drug_misuse_percent", early)
    assert result.denominator == (early["final_report_available"] == "yes").sum() == 175


def test_review_level_counts_distinct_reviews():
    late = load_cases(period="2014-17")
    assert compute("scrs_count", late).value == 368
    assert compute("children_count", late).value == 404


def test_per_year_refuses_mixed_periods():
    with pytest.raises(ValueError, match="one review period"):
        compute("deaths_per_year", load_cases())


def test_missing_column_is_a_clear_error(early):
    with pytest.raises(ValueError, match="needs column"):
        compute("parent_drug_misuse_percent", early.drop(columns=["parent_drug_misuse"]))


def test_every_measure_computes_on_the_shipped_data(early):
    for name in MEASURES:
        assert not pd.isna(compute(name, early).value), name


@pytest.mark.parametrize(
    ("value", "relation", "stated", "low", "high", "expected"),
    [
        (11.95, "equals", 12, None, None, True),
        (12.5, "equals", 12, None, None, False),  # rounds half away from zero to 13
        (12.49, "equals", 12, None, None, True),
        (66.66, "equals", 66.7, None, None, True),
        (49.99, "less_than", 50, None, None, True),
        (50.0, "less_than", 50, None, None, False),
        (33.4, "at_least", 33.3, None, None, True),
        (59.9, "between", None, 60, 66.7, False),
        (25.3, "approximately", 28, None, None, True),
        (25.1, "approximately", 28, None, None, False),
        (float("nan"), "equals", 12, None, None, False),
    ],
)
def test_agrees(value, relation, stated, low, high, expected):
    assert agrees(value, relation, stated, low, high) is expected


def test_unknown_relation_is_refused():
    with pytest.raises(ValueError):
        agrees(1, "roughly", 1)


def test_stated_decimals():
    assert (stated_decimals(12), stated_decimals(66.7), stated_decimals(0.25)) == (0, 1, 2)
