"""Tables count every row once, with correct percentages and Wilson intervals."""

import numpy as np
import pandas as pd
import pytest

from analysis import load_cases
from analysis.stats.inference import wilson_interval
from analysis.stats.tables import (
    combinations_table,
    death_groups,
    involvement_flags,
    involvement_now_vs_ever,
    proportion_table,
    reviews_by_year,
    yes_share_table,
)


@pytest.fixture(scope="module")
def early():
    return load_cases(period="2011-14")


@pytest.mark.parametrize("by", [None, "age_band", ["outcome", "sex"]])
def test_status_breakdown_adds_back_to_the_rows_loaded(early, by):
    table = proportion_table(early, "csc_status_at_incident", by=by)
    assert table["count"].sum() == len(early)
    keys = [by] if isinstance(by, str) else (by or [])
    if keys:
        per_group = table.groupby(keys, observed=True)["count"].sum()
        assert (per_group == table.groupby(keys, observed=True)["denominator_count"].first()).all()
        # a group with no child (e.g. sex not known) keeps its rows, 0 of 0, without a share
        counted = table[table["denominator_count"] > 0]
        assert np.allclose(counted.groupby(keys, observed=True)["percent"].sum(), 100)
        empty = table[table["denominator_count"] == 0]
        assert (empty["count"] == 0).all() and empty["percent"].isna().all()


def test_every_code_appears_even_when_unused(early):
    table = proportion_table(early[early["outcome"] == "death"], "harm_type")
    assert "physical_injury" in set(table["harm_type"])
    assert table.loc[table["harm_type"] == "(blank)", "count"].item() == 197


def test_involvement_table_matches_a_hand_count(early):
    table = involvement_now_vs_ever(early).set_index("measure")
    status = early["csc_status_at_incident"].astype(str)
    now = status.isin(["open_child_in_need", "open_child_protection_plan", "open_looked_after"])
    ever = early["csc_ever_involved"].astype(str) == "yes"
    assert table.loc["now", "count"] == now.sum()
    assert table.loc["ever", "count"] == ever.sum()
    assert table.loc["closed_gap", "count"] == (ever & ~now).sum()
    assert (table["denominator_count"] == len(early)).all()
    low, high = wilson_interval(now.sum(), len(early))
    assert table.loc["now", "ci_low_percent"] == pytest.approx(100 * low)
    assert (
        table.loc["now", "ci_low_percent"]
        < table.loc["now", "percent"]
        < table.loc["now", "ci_high_percent"]
    )


def test_involvement_by_group_covers_every_child(early):
    table = involvement_now_vs_ever(early, by="age_band")
    now = table[table["measure"] == "now"]
    assert now["denominator_count"].sum() == len(early)


def test_wilson_interval_known_value_and_zero_denominator():
    low, high = wilson_interval([0, 10], [0, 10])
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert high[1] == pytest.approx(1.0) and low[1] == pytest.approx(0.7225, abs=1e-4)


@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.01])
def test_wilson_interval_equals_statsmodels_to_the_last_bit(alpha):
    # the kit writes the formula out (to spare each kernel scipy.stats' import); statsmodels'
    # proportion_confint is the reference, on whole counts and on effective (fractional) ones
    from statsmodels.stats.proportion import proportion_confint

    rng = np.random.default_rng(7)
    n = np.tile([1, 2, 3, 5, 7, 10, 19, 20, 29, 40, 100, 293, 368, 404, 1000], 40).astype(float)
    count = np.minimum(np.floor(rng.uniform(0, 1, n.size) * (n + 1)), n)
    for c, m in ((count, n), (count / 1.37, n / 1.37)):
        expected = proportion_confint(c, m, alpha=alpha, method="wilson")
        got = wilson_interval(c, m, alpha=alpha)
        assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])


def test_yes_share_uses_final_reports(early):
    table = yes_share_table(early, ["parent_alcohol_misuse"]).iloc[0]
    assert table["denominator_count"] == 175
    assert (
        table["count"]
        == (
            (early["final_report_available"] == "yes") & (early["parent_alcohol_misuse"] == "yes")
        ).sum()
    )


def test_combinations_partition_the_denominator(early):
    flags = {
        "a": early["parent_domestic_abuse"] == "yes",
        "b": early["parent_mental_ill_health"] == "yes",
    }
    table = combinations_table(early, flags)
    assert len(table) == 4
    assert table["count"].sum() == table["denominator_count"].iloc[0] == 175
    both = table.loc[table["combination"] == "a + b", "count"].item()
    reports = early["final_report_available"] == "yes"
    assert both == (flags["a"] & flags["b"] & reports).sum()


def test_reviews_by_year_counts_every_review_once():
    late = load_cases(period="2014-17")
    table = reviews_by_year(late)
    assert table["reviews_count"].sum() == 368
    harm = table[table["outcome"] == "serious_harm"]["reviews_count"].sum()
    assert harm == 162


def test_death_groups(early):
    groups = death_groups(early)
    assert groups.notna().sum() == (early["outcome"] == "death").sum()
    assert (groups == "directly caused").sum() == 84
    assert isinstance(involvement_flags(early), pd.DataFrame)


def test_final_report_shares_carry_the_bounds_over_all_reviews():
    """Over all 293 reviews a factor found in k of 175 reports lies between k/293 (none of the
    118 without a report had it) and (k + 118)/293 (all did): docs/methods.md quotes these."""
    from analysis.stats.members import IMPLIED

    early = load_cases(period="2011-14")
    row = yes_share_table(early, ["parent_alcohol_misuse"]).iloc[0]
    assert row["denominator_count"] == 175
    assert row["all_reviews_low_percent"] == pytest.approx(100 * row["count"] / 293)
    assert row["all_reviews_high_percent"] == pytest.approx(100 * (row["count"] + 118) / 293)
    assert round(row["all_reviews_high_percent"] - row["all_reviews_low_percent"]) == 40
    assert round(row["ci_high_percent"] - row["ci_low_percent"]) == 14
    # the audit is told the bounds rest on the number of all reviews
    assert len(row[IMPLIED]) == 1 and len(row[IMPLIED][0]) == 293
    unbounded = yes_share_table(early, ["parent_alcohol_misuse"], final_reports_only=False)
    assert "all_reviews_low_percent" not in unbounded


def test_siblings_widen_the_interval_by_their_design_effect():
    later = load_cases(period="2014-17")
    table = involvement_now_vs_ever(later).set_index("measure")
    assert table.loc["now", "design_effect"] > 1.1
    plain = involvement_now_vs_ever(later.assign(review_id=later["case_id"]))
    assert "design_effect" not in plain  # one child per review: no clustering, no column
    width = table.loc["now", "ci_high_percent"] - table.loc["now", "ci_low_percent"]
    plain_width = plain["ci_high_percent"].iloc[0] - plain["ci_low_percent"].iloc[0]
    assert width / plain_width == pytest.approx(table.loc["now", "design_effect"] ** 0.5, rel=0.03)


def test_the_ever_but_not_now_gap_is_split_into_its_parts():
    """'Closed too soon' is the closed cases only; the parts add up to the gap."""
    from analysis.stats.tables import ever_but_not_now_parts

    early = load_cases(period="2011-14")
    parts = ever_but_not_now_parts(early).set_index("csc_status_at_incident")
    gap = int(involvement_flags(early)["closed_gap"].sum())
    assert (parts["denominator_count"] == gap).all() and parts["count"].sum() == gap
    assert "open_child_in_need" not in parts.index
    closed = early["csc_status_at_incident"] == "closed_before_incident"
    ever = early["csc_ever_involved"] == "yes"
    assert parts.loc["closed_before_incident", "count"] == int((closed & ever).sum())
    assert parts.loc["referral_not_accepted", "count"] > 0
