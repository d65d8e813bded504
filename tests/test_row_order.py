"""Measures over reviews never depend on the order of the rows.

Siblings in one 2014-17 review share its family-level codes (rule XF009 refuses a file where
they disagree); the row that represents a review is chosen by ``case_id``, not by position. The
shipped 2014-17 synthetic file, its rows shuffled, gives every measure and table the same.
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

from analysis import load_cases
from analysis.casedata.codebook import all_variables, load_codebook
from analysis.casedata.load import synthetic_path
from analysis.stats import tables
from analysis.stats.measures import MEASURES, compute, reviews
from analysis.stats.units import shares_by_unit

PERIOD = "2014-17"


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    source = synthetic_path(PERIOD)
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    shuffled = frame.sample(frac=1, random_state=np.random.default_rng(11))
    assert not shuffled["case_id"].equals(frame["case_id"])
    path = tmp_path_factory.mktemp("order") / "shuffled.csv"
    shuffled.to_csv(path, index=False)
    return load_cases(source), load_cases(path)


@pytest.mark.parametrize("measure", sorted(MEASURES))
def test_every_measure_is_the_same_whatever_the_row_order(both, measure):
    original, shuffled = (compute(measure, cases) for cases in both)
    assert shuffled == original
    assert shuffled.members == original.members


def _by_case(result, cases: pd.DataFrame):
    """A per-row result, keyed by case_id so that rows in another order line up."""
    keyed = result.set_axis(cases["case_id"].to_numpy())
    return keyed.sort_index()


YES_NO = [
    name
    for name, var in load_codebook(PERIOD).variables.items()
    if var.is_category and set(var.codes) == {"yes", "no", "not_recorded"}
]
CATEGORIES = [name for name, var in all_variables().items() if var.is_category]
TRIO = ["parent_domestic_abuse", "parent_mental_ill_health", "parent_alcohol_misuse"]


def _tables(cases: pd.DataFrame) -> dict[str, object]:
    """Every table of ``analysis.stats.tables`` on ``cases`` (row-level results keyed by case)."""
    trio = {name: cases[name] == "yes" for name in TRIO}
    out = {}
    for column in CATEGORIES:
        out[f"proportion_table:{column}"] = tables.proportion_table(cases, column)
        if column != "age_band":
            by_age = tables.proportion_table(cases, column, "age_band")
            out[f"proportion_table:{column}:by_age"] = by_age
    out["involvement_now_vs_ever"] = tables.involvement_now_vs_ever(cases)
    out["involvement_now_vs_ever:by_age"] = tables.involvement_now_vs_ever(cases, "age_band")
    out["involvement_flags"] = _by_case(tables.involvement_flags(cases), cases)
    out["ever_but_not_now_parts"] = tables.ever_but_not_now_parts(cases)
    for level in ("review", "child"):
        for reports_only in (True, False):
            out[f"yes_share_table:{level}:{reports_only}"] = tables.yes_share_table(
                cases, YES_NO, final_reports_only=reports_only, level=level
            )
    out["combinations_table"] = tables.combinations_table(cases, trio)
    out["combinations_table:all"] = tables.combinations_table(cases, trio, final_reports_only=False)
    out["reviews_by_year"] = tables.reviews_by_year(cases)
    out["death_groups"] = _by_case(tables.death_groups(cases), cases)
    for column in ("neglect_feature", "parent_drug_misuse"):
        unknown = tables.unknown_reviews(cases, column)
        out[f"unknown_reviews:{column}"] = unknown.sort_values("case_id", ignore_index=True)
    return out


def test_shares_by_unit_are_the_same_whatever_the_row_order(both):
    original, shuffled = (shares_by_unit(cases) for cases in both)
    pd.testing.assert_frame_equal(shuffled, original)


#: Helpers of the tables module that take no case data, or are checked through the table
#: function that calls them (all_reviews_bounds, through yes_share_table; dimension_codes,
#: through every breakdown).
NOT_TABLES = {"label_of", "with_interval", "all_reviews_bounds", "dimension_codes"}


def test_every_table_function_is_checked(both):
    defined = {
        name
        for name, item in vars(tables).items()
        if inspect.isfunction(item) and item.__module__ == tables.__name__
    }
    public = {name for name in defined if not name.startswith("_")}
    checked = {key.split(":")[0] for key in _tables(both[0])}
    assert public == checked | NOT_TABLES


def test_every_table_is_the_same_whatever_the_row_order(both):
    original, shuffled = (_tables(cases) for cases in both)
    for key, table in original.items():
        if isinstance(table, pd.DataFrame):
            pd.testing.assert_frame_equal(shuffled[key], table, obj=key)
        else:
            pd.testing.assert_series_equal(shuffled[key], table, obj=key)


def test_a_review_is_represented_by_the_same_child_whatever_the_order():
    # siblings may differ on child-level codes (one died, one was harmed): the review's outcome
    # is its lowest case_id's, not whichever row comes first
    cases = pd.DataFrame(
        {
            "case_id": ["C2", "C1", "C3"],
            "review_id": ["R1", "R1", "R2"],
            "outcome": ["serious_harm", "death", "death"],
        }
    )
    for order in ([0, 1, 2], [1, 0, 2], [2, 1, 0]):
        picked = reviews(cases.iloc[order].reset_index(drop=True))
        assert sorted(picked["case_id"]) == ["C1", "C3"]
