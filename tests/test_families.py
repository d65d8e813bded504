"""Families: published references are the right ones, and tables count what they say."""

import numpy as np
import pandas as pd
import pytest

from analysis import load_cases
from analysis.chapters.families import (
    FACTOR_REFERENCES,
    NEGLECT_FIGURES,
    NEGLECT_NOT_FOUND,
    NOT_PUBLISHED,
    PARENTAL_FACTORS,
    PUBLISHED_LATER,
    PUBLISHED_SAME,
    RECOMPUTED,
    factor_comparison,
    neglect_series,
)
from analysis.chapters.toxic_trio import (
    TRIO_ANY_FIGURE,
    trio_combinations,
    trio_flags,
    trio_summary,
)
from analysis.paths import PUBLISHED_DIR
from analysis.reference.published import figure
from analysis.stats.measures import compute
from analysis.stats.tables import yes_share_table


@pytest.fixture(scope="module")
def cases():
    return load_cases(period="2011-14")


@pytest.fixture(scope="module")
def comparison(cases):
    return factor_comparison(yes_share_table(cases, PARENTAL_FACTORS))


def test_references_cover_the_factors_with_the_right_figures():
    assert [r.variable for r in FACTOR_REFERENCES] == list(PARENTAL_FACTORS)
    not_found = set(pd.read_csv(PUBLISHED_DIR / "not_found.csv")["item_id"])
    for ref in FACTOR_REFERENCES:
        if ref.same_period:
            fig = figure(ref.same_period)
            assert fig["review_period"] == "2011-14"
            assert fig["measure"] == f"{ref.variable}_percent"
        if ref.later_period:
            fig = figure(ref.later_period)
            assert fig["review_period"] == "2017-19"
            assert fig["measure"].startswith("parent_")
        if ref.not_found:
            assert ref.not_found in not_found
        assert ref.note


def test_comparison_has_three_sources_per_factor(comparison):
    assert len(comparison) == 3 * len(PARENTAL_FACTORS)
    assert list(pd.unique(comparison["source"])) == [RECOMPUTED, PUBLISHED_SAME, PUBLISHED_LATER]
    recomputed = comparison[comparison["source"] == RECOMPUTED]
    assert recomputed["variable"].tolist() == list(PARENTAL_FACTORS)
    assert (recomputed["denominator_count"] == 175).all()
    assert recomputed["ci_low_percent"].notna().all()
    published = comparison[comparison["source"] != RECOMPUTED]
    assert published["ci_low_percent"].isna().all()


def test_a_range_is_printed_not_plotted_and_gaps_say_not_published(comparison):
    same = comparison[comparison["source"] == PUBLISHED_SAME].set_index("variable")
    for variable in ("parent_alcohol_misuse", "parent_drug_misuse"):
        assert np.isnan(same.loc[variable, "percent"])
        assert same.loc[variable, "marker"] == "37-38%"
    for variable in PARENTAL_FACTORS[2:]:
        assert same.loc[variable, "marker"] == NOT_PUBLISHED
    later = comparison[comparison["source"] == PUBLISHED_LATER].set_index("variable")
    assert (
        later.loc["parent_domestic_abuse", "percent"]
        == figure("p2017_parent_domestic_abuse")["value"]
    )
    assert later.loc["parent_learning_disability", "marker"] == NOT_PUBLISHED


def test_agreement_is_judged_by_the_stated_relation(cases):
    factors = yes_share_table(cases, PARENTAL_FACTORS)
    table = factor_comparison(factors).set_index(["source", "variable"])
    assert table.loc[(RECOMPUTED, "parent_drug_misuse"), "agrees_with_published"]
    # alcohol is held out of the synthetic data's calibration (2017-19's 34%): it differs
    assert not table.loc[(RECOMPUTED, "parent_alcohol_misuse"), "agrees_with_published"]
    moved = factors.assign(percent=np.where(factors["variable"] == "parent_drug_misuse", 45, 0))
    moved_table = factor_comparison(moved).set_index(["source", "variable"])
    assert not moved_table.loc[(RECOMPUTED, "parent_drug_misuse"), "agrees_with_published"]
    assert pd.isna(table.loc[(RECOMPUTED, "parent_domestic_abuse"), "agrees_with_published"])


def test_trio_flags_count_alcohol_or_drugs_as_substance_misuse():
    frame = pd.DataFrame(
        {
            "parent_domestic_abuse": ["yes", "no", "not_recorded", None],
            "parent_mental_ill_health": ["no", "yes", "no", None],
            "parent_alcohol_misuse": ["no", "no", "yes", None],
            "parent_drug_misuse": ["yes", "no", "no", None],
        }
    )
    flags = trio_flags(frame)
    assert flags["domestic_abuse"].tolist() == [True, False, False, False]
    assert flags["substance_misuse"].tolist() == [True, False, True, False]


def test_trio_summary_recomputed_independently(cases):
    combos = trio_combinations(cases)
    assert combos["count"].sum() == 175
    assert combos["label"].iloc[0] == "None of the three"
    assert combos["label"].iloc[-1] == "Domestic abuse + mental ill health + substance misuse"
    summary = trio_summary(combos).set_index("measure")
    first = cases.drop_duplicates("review_id")
    first = first[first["final_report_available"].astype(str) == "yes"]
    da = first["parent_domestic_abuse"].astype(str) == "yes"
    mh = first["parent_mental_ill_health"].astype(str) == "yes"
    sm = (first["parent_alcohol_misuse"].astype(str) == "yes") | (
        first["parent_drug_misuse"].astype(str) == "yes"
    )
    n_present = da.astype(int) + mh.astype(int) + sm.astype(int)
    assert summary.loc["any", "count"] == (n_present >= 1).sum()
    assert summary.loc["all", "count"] == (n_present == 3).sum()
    assert summary.loc["two_or_more", "count"] == (n_present >= 2).sum()
    assert summary.loc["none", "count"] + summary.loc["any", "count"] == len(first) == 175
    assert summary.loc["any", "figure_id"] == TRIO_ANY_FIGURE
    assert summary.loc["any", "stated"] == "67.5-75%"


def test_neglect_series_keeps_published_and_recomputed_apart(cases):
    result = compute("neglect_feature_percent", cases)
    table = neglect_series({"2011-14": result}, "Recomputed")
    assert table["review_period"].unique().tolist() == list(NEGLECT_FIGURES)
    published = table[table["series"] == "Published"].set_index("review_period")
    assert np.isnan(published.loc["2011-14", "percent"])  # not published: a gap
    assert published.loc["2011-14", "not_found_id"] == NEGLECT_NOT_FOUND
    assert published.loc["2009-11", "percent"] == figure("p2009_neglect_feature")["value"]
    # "75%" on the 2014-17 briefing slides (register section L N6; SCIE: "three-quarters")
    assert published.loc["2014-17", "relation"] == "equals"
    recomputed = table[table["series"] == "Recomputed"].set_index("review_period")
    assert recomputed.loc["2011-14", "percent"] == pytest.approx(result.value)
    assert recomputed.loc["2011-14", "denominator"] == 175
    assert recomputed["percent"].notna().sum() == 1


def test_chapter_4_titles_follow_their_data():
    import pandas as pd

    from analysis.charts.chapter_families import neglect_title, parental_factors_title

    comparison = pd.DataFrame(
        {
            "label": ["Parental alcohol misuse", "Domestic abuse", "Parental alcohol misuse"],
            "review_period": ["2011-14", "2011-14", "2017-19"],
            "figure_id": [None, None, "p2017_parent_alcohol"],
        }
    )
    assert parental_factors_title(comparison).startswith("No parental factor")
    comparison.loc[0, "figure_id"] = "p2011_parent_alcohol"
    assert parental_factors_title(comparison) == (
        "Only parental alcohol misuse has a published 2011-14 figure to check"
    )
    # the comparison table as factor_comparison writes it: "" where no figure is published
    table = factor_comparison(yes_share_table(load_cases(period="2011-14"), PARENTAL_FACTORS))
    assert (table["figure_id"] == "").any()
    assert parental_factors_title(table) == (
        "Only parental alcohol misuse and parental drug misuse have a published 2011-14 figure "
        "to check"
    )
    series = pd.DataFrame(
        {"series": ["Published"] * 3, "review_period": ["a", "b", "c"], "percent": [60, 75, 45]}
    )
    assert "some published periods (45-75%)" in neglect_title(series)
    assert "most reviews in every" in neglect_title(series.assign(percent=[60, 75, 55]))
