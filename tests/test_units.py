"""Headlines over each unit the sources name, "not recorded" as unknown, and final-report
coverage between periods (issue 12, items 3, 5 and 7)."""

import math

import pandas as pd
import pytest

from analysis import load_cases
from analysis.chapters.coverage import (
    coverage_changes,
    coverage_sentence,
    coverage_table,
    standardised_share,
)
from analysis.chapters.periods import Compared
from analysis.chapters.scorecard import build_scorecard
from analysis.stats.tables import yes_share_table
from analysis.stats.units import CHILDREN, FINAL_REPORTS, SCRS, shares_by_unit


@pytest.fixture(scope="module")
def later():
    return load_cases(period="2014-17")


def _row(table, measure, unit):
    return table[(table["measure"] == measure) & (table["unit"] == unit)].iloc[0]


def test_neglect_over_all_scrs_is_the_issue_figure_with_its_bounds(later):
    """208 of 278 reports had neglect; over all 368 SCRs that is 56.5%, up to 81.0%."""
    table = shares_by_unit(later, ["neglect_feature_percent"])
    reviews = later.drop_duplicates("review_id")
    reports = reviews[reviews["final_report_available"] == "yes"]
    yes = int((reports["neglect_feature"] == "yes").sum())
    over_reports, over_all = (
        _row(table, "neglect_feature_percent", u) for u in (FINAL_REPORTS, SCRS)
    )
    assert (over_reports["count"], over_reports["denominator_count"]) == (yes, len(reports))
    assert (over_all["count"], over_all["denominator_count"]) == (yes, len(reviews))
    assert over_all["percent"] == pytest.approx(100 * yes / len(reviews))
    unknown = (
        len(reviews) - len(reports) + int((reports["neglect_feature"] == "not_recorded").sum())
    )
    assert over_all["all_reviews_high_percent"] == pytest.approx(
        100 * (yes + unknown) / len(reviews)
    )
    assert (
        round(over_all["percent"], 1) == 56.5
        and round(over_all["all_reviews_high_percent"], 1) == 81.0
    )
    # the uncertainty over all SCRs is the missing reports, not chance: no interval is drawn
    assert math.isnan(over_all["ci_low_percent"]) and not math.isnan(over_reports["ci_low_percent"])


def test_a_child_measure_over_scrs_counts_a_review_when_any_child_counts(later):
    table = shares_by_unit(later, ["csc_current_involvement_percent"])
    involved = later["csc_status_at_incident"].isin(
        ["open_child_in_need", "open_child_protection_plan", "open_looked_after"]
    )
    by_review = involved.groupby(later["review_id"]).any()
    children, scrs = (_row(table, "csc_current_involvement_percent", u) for u in (CHILDREN, SCRS))
    assert (children["count"], children["denominator_count"]) == (int(involved.sum()), len(later))
    assert (scrs["count"], scrs["denominator_count"]) == (int(by_review.sum()), len(by_review))
    assert len(by_review) < len(later)  # siblings: the two readings differ in 2014-17
    assert children["design_effect"] > 1 and scrs["design_effect"] == 1


def test_one_child_per_review_gives_the_same_share_over_children_and_scrs():
    cases = load_cases(period="2011-14")
    table = shares_by_unit(cases, ["cp_plan_current_percent"])
    children, scrs = (_row(table, "cp_plan_current_percent", u) for u in (CHILDREN, SCRS))
    assert children["percent"] == scrs["percent"]


def test_not_recorded_is_its_own_category_and_widens_the_bounds():
    cases = load_cases(period="2011-14").copy()
    reports = cases.index[cases["final_report_available"] == "yes"]
    before = yes_share_table(cases, ["parent_drug_misuse"]).iloc[0]
    # three reports coded "no" become "not recorded": the yes share stays, the unknown grows
    noes = [i for i in reports if cases.at[i, "parent_drug_misuse"] == "no"][:3]
    cases.loc[noes, "parent_drug_misuse"] = "not_recorded"
    after = yes_share_table(cases, ["parent_drug_misuse"]).iloc[0]
    assert after["percent"] == before["percent"]
    assert after["not_recorded_count"] == before["not_recorded_count"] + 3
    assert after["not_recorded_percent"] == pytest.approx(
        100 * after["not_recorded_count"] / after["denominator_count"]
    )
    total = len(cases)
    assert after["all_reviews_high_percent"] == pytest.approx(
        before["all_reviews_high_percent"] + 100 * 3 / total
    )
    assert after["all_reviews_low_percent"] == before["all_reviews_low_percent"]
    units = shares_by_unit(cases, ["parent_drug_misuse_percent"])
    assert _row(units, "parent_drug_misuse_percent", SCRS)["all_reviews_high_percent"] == (
        pytest.approx(after["all_reviews_high_percent"])
    )


def test_the_scorecard_reads_neglect_over_all_scrs(later):
    card = build_scorecard({"2014-17": later}).set_index("figure_id")
    row = card.loc["p2014_neglect_feature"]
    assert round(row["all_reviews_low_percent"], 1) == 56.5
    assert round(row["all_reviews_high_percent"], 1) == 81.0
    # a child-level figure has no such reading
    assert math.isnan(card.loc["p2014_children", "all_reviews_low_percent"])


def _two_periods(coverage_of_deaths: dict[str, float]) -> pd.DataFrame:
    """Two periods with the same prevalence by outcome (deaths 60%, serious harm 20%) and the
    same outcome mix, but reports kept for a different share of deaths in each period."""
    rows = []
    for period, death_coverage in coverage_of_deaths.items():
        for outcome, n, prevalence, coverage in (
            ("death", 100, 0.6, death_coverage),
            ("serious_harm", 100, 0.2, 1.0),
        ):
            for i in range(n):
                reported = i < n * coverage
                rows.append(
                    {
                        "case_id": f"{period}-{outcome}-{i}",
                        "review_id": f"{period}-{outcome}-{i}",
                        "review_period": period,
                        "outcome": outcome,
                        "final_report_available": "yes" if reported else "no",
                        # prevalence holds among the reported reviews of each outcome
                        "parent_drug_misuse": (
                            ("yes" if i < n * coverage * prevalence else "no") if reported else ""
                        ),
                    }
                )
    return pd.DataFrame(rows)


def test_standardising_removes_a_change_made_only_by_coverage():
    """Deaths (where the factor is common) have reports for 40% in one period and 100% in the
    other: the share among reports rises with no change in prevalence; standardised, it does
    not."""
    cases = _two_periods({"2011-14": 0.4, "2014-17": 1.0})
    compared = [Compared("parent_drug_misuse_percent", "Drug misuse")]
    table = coverage_table(cases, compared)
    changes = coverage_changes(table).iloc[0]
    # among reports: (24 of 40 deaths + 20 of 100 serious harm) / 140, then (60 + 20) / 200
    assert table["percent"].round(4).tolist() == [round(100 * 44 / 140, 4), 40.0]
    assert changes["change_points"] == pytest.approx(40 - 100 * 44 / 140)
    assert changes["standardised_change_points"] == pytest.approx(0)
    assert table["standardised_percent"].tolist() == pytest.approx([40.0, 40.0])
    assert changes["bounds_overlap"]
    assert "at most 8.6 points" in coverage_sentence(coverage_changes(table))


def test_an_outcome_without_any_report_has_no_standardised_share():
    cases = _two_periods({"2011-14": 0.0, "2014-17": 1.0})
    value, hidden = standardised_share(
        cases[cases["review_period"] == "2011-14"], "parent_drug_misuse"
    )
    assert math.isnan(value)
    assert all(isinstance(h, tuple) for h in hidden)


def test_shares_by_unit_by_period_is_each_period_in_turn():
    from analysis import load_cases
    from analysis.stats.units import shares_by_unit, shares_by_unit_by_period

    cases = load_cases()
    both = shares_by_unit_by_period(cases)
    assert list(dict.fromkeys(both["review_period"])) == ["2011-14", "2014-17"]
    later = shares_by_unit(load_cases(period="2014-17"))
    got = both.loc[both["review_period"] == "2014-17", list(later.columns)]
    pd.testing.assert_frame_equal(got.reset_index(drop=True), later)
