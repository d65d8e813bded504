"""Chapters 2 and 3 for every review period in the file: the tables by period on hand-made
cases with exact counts, and the titles that state them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import load_cases
from analysis.chapters import children, involvement, views
from analysis.charts.chapter_children import age_bands_title, age_shares_title, recomputed_where
from analysis.charts.chapter_involvement import by_age_title, involvement_title, status_title
from analysis.charts.review_periods import intervals_note, shares_by_period, side_by_side

PLAN = "open_child_protection_plan"
CLOSED = "closed_before_incident"


@pytest.fixture()
def cases() -> pd.DataFrame:
    """Three children of 2011-14, and three of 2014-17 of whom two are siblings (review S1)."""
    columns = ["case_id", "review_id", "review_period", "age_band", "sex"]
    columns += ["csc_status_at_incident", "csc_ever_involved", "outcome"]
    rows = [
        ("a1", "R1", "2011-14", "under_1", "male", PLAN, "yes", "death"),
        ("a2", "R2", "2011-14", "11_15", "female", CLOSED, "yes", "serious_harm"),
        ("a3", "R3", "2011-14", "under_1", "male", "not_known_to_csc", "no", "death"),
        ("b1", "S1", "2014-17", "16_17", "female", PLAN, "yes", "death"),
        ("b2", "S1", "2014-17", "1_5", "male", PLAN, "yes", "death"),
        ("b3", "S2", "2014-17", "under_1", "male", CLOSED, "yes", "serious_harm"),
    ]
    return pd.DataFrame(rows, columns=columns)


def _by(table: pd.DataFrame, code_column: str) -> pd.Series:
    return table.set_index(["review_period", code_column])["count"]


def test_age_bands_have_every_band_in_every_period(cases):
    ages = children.age_bands(cases)
    assert len(ages) == 10  # five bands, two periods
    counts = _by(ages, "age_band")
    assert counts["2011-14"].to_dict() == {
        "under_1": 2,
        "1_5": 0,
        "6_10": 0,
        "11_15": 1,
        "16_17": 0,
    }
    assert counts["2014-17"].to_dict() == {
        "under_1": 1,
        "1_5": 1,
        "6_10": 0,
        "11_15": 0,
        "16_17": 1,
    }
    assert set(ages["denominator_count"]) == {3}
    under_1 = ages.set_index(["review_period", "age_band"]).loc[("2011-14", "under_1")]
    assert under_1["percent"] == pytest.approx(200 / 3)
    # the siblings of S1 widen 2014-17's intervals, not 2011-14's
    effects = ages.groupby("review_period")["design_effect"].max()
    assert effects["2011-14"] == 1.0 and effects["2014-17"] > 1.0
    assert intervals_note(ages) == "95% intervals, allowing for siblings in one review"
    assert side_by_side(ages) == "review_period"


def test_sex_by_period(cases):
    sex = _by(children.share_of_children(cases, "sex"), "sex")
    assert (sex["2011-14", "male"], sex["2011-14", "female"]) == (2, 1)
    assert (sex["2014-17", "male"], sex["2014-17", "female"]) == (2, 1)
    assert children.characteristics(cases) == ["sex"]  # ethnicity and disability left out


def test_involvement_now_and_ever_by_period(cases):
    table = involvement.now_vs_ever(cases).set_index(["review_period", "measure"])
    assert table["count"].to_dict() == {
        ("2011-14", "now"): 1,
        ("2011-14", "ever"): 2,
        ("2011-14", "closed_gap"): 1,
        ("2014-17", "now"): 2,
        ("2014-17", "ever"): 3,
        ("2014-17", "closed_gap"): 1,
    }
    assert set(table["denominator_count"]) == {3}


def test_the_gap_in_its_parts_keeps_a_period_with_no_child_in_it(cases):
    parts = involvement.ever_but_not_now(cases)
    closed = parts[parts["csc_status_at_incident"] == CLOSED].set_index("review_period")
    assert closed["count"].to_dict() == {"2011-14": 1, "2014-17": 1}
    assert closed["denominator_count"].to_dict() == {"2011-14": 1, "2014-17": 1}
    # no child of 2011-14 in the gap: its rows stay, 0 of 0
    none = cases.assign(
        csc_ever_involved=np.where(cases["review_period"] == "2011-14", "no", "yes")
    )
    empty = involvement.ever_but_not_now(none)
    early = empty[empty["review_period"] == "2011-14"]
    assert len(early) == len(empty) / 2 and (early["denominator_count"] == 0).all()
    assert PLAN not in set(empty["csc_status_at_incident"])  # an open status is never the gap


def test_plan_series_has_a_recomputed_row_a_period(cases):
    series = involvement.cp_plan_series(cases, "TEST")
    recomputed = series[series["source"] == "TEST"].set_index("review_period")["percent"]
    assert recomputed.to_dict() == pytest.approx(
        {"2011-14 (recomputed)": 100 / 3, "2014-17 (recomputed)": 200 / 3}
    )
    assert (series["source"] == "published").sum() == 3
    units = series.loc[series["source"] == "TEST", "members__implied"].iloc[1]
    assert units == (("S1", "S1"), ("S1", "S1", "S2"))


def test_tests_and_models_count_one_child_a_review():
    cases = load_cases()
    reviews = cases.drop_duplicates("review_id")["review_period"].astype(str).value_counts()
    tests = involvement.association_tests(cases)
    assert sorted(set(tests["review_period"])) == ["2011-14", "2014-17"]
    assert tests.groupby("review_period")["n"].max().to_dict() == reviews.to_dict()
    model = involvement.involvement_model(cases)
    assert {p: fit["n"] for p, fit in model.attrs["fit"].items()} == reviews.to_dict()
    assert views.model_fit(model).splitlines()[1].startswith("2014-17: n = 368, pseudo")
    withheld = model.assign(odds_ratio=np.where(model["review_period"] == "2014-17", np.nan, 1.0))
    said = views.model_fit(withheld).splitlines()
    assert said[0].startswith("2011-14: n = 293")
    assert said[1] == "2014-17: the model's size and fit are withheld with its estimates."


# --- titles and sentences --------------------------------------------------------------------


def test_age_bands_title_states_each_period_and_names_a_withheld_share(cases):
    ages = children.age_bands(cases)
    assert age_bands_title(ages) == (
        "Babies under one: 67% of the children in 2011-14, 33% in 2014-17; "
        "aged 11 to 17: 33% in 2011-14, 33% in 2014-17"
    )
    withheld = ages.assign(count_marker="")
    teens = (withheld["review_period"] == "2014-17") & (withheld["age_band"] == "16_17")
    withheld.loc[teens, ["percent", "count_marker"]] = [np.nan, "c"]
    assert age_bands_title(withheld).endswith("33% in 2011-14, [c] suppressed in 2014-17")
    one = ages[ages["review_period"] == "2011-14"]
    assert age_bands_title(one) == (
        "67% of the children were babies under one; 33% were aged 11 to 17"
    )


def test_involvement_titles_state_each_period(cases):
    headline = involvement.now_vs_ever(cases)
    assert involvement_title(headline) == (
        "Involved with children's social care at the time of the incident: 33% in 2011-14, "
        "67% in 2014-17; ever: 67%, 100%"
    )
    status = involvement.status_at_incident(cases)
    plan = {"value": 12.0, "stated": "12%", "review_period": "2011-14"}
    assert status_title(status, plan) == (
        "A child protection plan at the time of the incident: 33% of the children in 2011-14 "
        "(published: 12%), 67% in 2014-17"
    )
    by_age = involvement.by_age(cases)
    assert by_age_title(by_age) == (
        "Involved at the time of the incident, by age band: from 0% (11 to 15) to 50% (Under 1) "
        "in 2011-14; from 0% (Under 1) to 100% (1 to 5) in 2014-17"
    )


def test_shares_by_period_pairs_the_periods(cases):
    status = involvement.status_at_incident(cases)
    text = shares_by_period(status)
    assert text.startswith("Not known to children's social care 33%, 0%;")
    assert "Child protection plan 33%, 67%" in text


def test_age_share_words():
    published = pd.DataFrame(
        {
            "share": ["age_under_1"] * 2,
            "review_period": ["2003-05", "2009-11"],
            "kind": ["published"] * 2,
            "percent": [36.0, 47.0],
        }
    )
    assert age_shares_title(published) == (
        "The published share of babies under one rose from 36% (2003-05) to 47% (2009-11)"
    )
    same = published.assign(percent=[40.2, 39.8])
    assert age_shares_title(same) == (
        "The published share of babies under one was 40% in 2003-05 and in 2009-11"
    )
    assert recomputed_where(published) == "none (every recomputed value has a published one)"


def test_the_adolescent_check_is_of_2011_14_only(cases):
    compared = children.adolescent_vs_published(cases)
    assert compared["review_period"].tolist() == ["2011-14"]
    assert compared["recomputed_value"].iloc[0] == pytest.approx(100 / 3)
    assert "calibrated_to" not in compared  # not the shipped synthetic data
