"""The scorecard recomputes published figures, and can say "not reproduced"."""

import pandas as pd
import pytest

from analysis import load_cases
from analysis.chapters.scorecard import SCORECARD_COLUMNS, build_scorecard, summary
from analysis.reference.published import load_published
from analysis.stats.measures import compute
from analysis.stats.members import strip


@pytest.fixture(scope="module")
def cases():
    return {p: load_cases(period=p) for p in ("2011-14", "2014-17")}


@pytest.fixture(scope="module")
def card(cases):
    return build_scorecard(cases)


def test_one_row_per_published_figure(card):
    assert list(strip(card).columns) == SCORECARD_COLUMNS  # membership is never written
    assert card["figure_id"].tolist() == load_published()["figure_id"].tolist()


def test_recomputed_values_agree_with_an_independent_count(card, cases):
    early = cases["2011-14"]
    row = card.set_index("figure_id").loc["p2011_cp_plan_current"]
    independent = 100 * (early["csc_status_at_incident"] == "open_child_protection_plan").mean()
    assert row["recomputed_value"] == pytest.approx(independent)
    assert row["status"] == "reproduced"
    for figure_id, measure, period in [
        ("p2011_csc_ever", "csc_ever_involvement_percent", "2011-14"),
        ("p2014_neglect_feature", "neglect_feature_percent", "2014-17"),
    ]:
        got = card.set_index("figure_id").loc[figure_id, "recomputed_value"]
        assert got == pytest.approx(compute(measure, cases[period]).value)


def test_not_computable_rows_say_why(card):
    other = card[card["status"] == "not computable"]
    assert (other["reason"].str.len() > 0).all()
    assert "no case data for review period 2009-11" in set(other["reason"])


def test_a_wrong_dataset_is_not_reproduced(cases):
    early = cases["2011-14"].copy()
    early["csc_status_at_incident"] = early["csc_status_at_incident"].where(
        early["csc_status_at_incident"] != "closed_before_incident", "open_child_in_need"
    )
    card = build_scorecard({"2011-14": early}).set_index("figure_id")
    assert card.loc["p2011_csc_current", "status"] == "not reproduced"
    assert card.loc["p2011_csc_current", "difference"] > 0


def test_summary_states_counts_and_the_calibration_caveat(card):
    text = summary(card)
    n = (card["status"] == "reproduced").sum()
    assert f"{n} of {n + (card['status'] == 'not reproduced').sum()}" in text
    assert "proves the pipeline, not the finding" in text
    assert isinstance(card["calibration_target"].iloc[0], bool | pd.BooleanDtype().type)


def test_difference_is_zero_while_a_bound_holds(card):
    rows = card.set_index("figure_id")
    assert rows.loc["p2011_csc_current", "difference"] == 0  # 45% against "< 50%"
    assert rows.loc["p2011_cp_plan_current", "difference"] == pytest.approx(
        rows.loc["p2011_cp_plan_current", "recomputed_value"] - 12
    )


def test_summary_of_an_own_data_scorecard_says_nothing_of_calibration(card):
    text = summary(card.drop(columns="calibration_target"))  # as notebook 08 on own data
    assert "calibration" not in text and "synthetic" not in text.replace("non-synthetic", "")
    assert "(non-synthetic) data" in text
