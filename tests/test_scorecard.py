"""The scorecard recomputes published figures, and can tell a right dataset from a wrong one.

The negative controls perturb the shipped cases as a coding error would: a change that
contradicts a statement at the precision it was stated to must turn that row to "differs"; a
change that only weak statements ("fewer than half") constrain must show as "consistent
(weak)", never as a plain agreement.
"""

import pandas as pd
import pytest

from analysis import load_cases
from analysis.chapters.scorecard import SCORECARD_COLUMNS, STATUSES, build_scorecard, summary
from analysis.publish.disclosure import protect
from analysis.reference.published import load_published
from analysis.stats.compare import Statement
from analysis.stats.inference import wilson_interval
from analysis.stats.measures import compute
from analysis.stats.members import strip

EARLY = "2011-14"


@pytest.fixture(scope="module")
def cases():
    return {p: load_cases(period=p) for p in ("2011-14", "2014-17")}


@pytest.fixture(scope="module")
def card(cases):
    return build_scorecard(cases)


def _verdicts(early: pd.DataFrame) -> pd.DataFrame:
    return build_scorecard({EARLY: early}).set_index("figure_id")


def _recode(frame: pd.DataFrame, column: str, old: str, new: str, n: int | None = None):
    """``frame`` with ``n`` (default every) rows of ``column == old`` recoded to ``new``."""
    frame = frame.copy()
    rows = frame.index[frame[column] == old]
    assert len(rows) >= (n or 1), f"nothing to recode: no {column} == {old!r}"
    frame.loc[rows if n is None else rows[:n], column] = new
    return frame


def test_one_row_per_published_figure(card):
    assert list(strip(card).columns) == SCORECARD_COLUMNS  # membership is never written
    assert card["figure_id"].tolist() == load_published()["figure_id"].tolist()
    assert set(card["status"]) <= set(STATUSES)


def test_recomputed_values_agree_with_an_independent_count(card, cases):
    early = cases[EARLY]
    row = card.set_index("figure_id").loc["p2011_cp_plan_current"]
    independent = 100 * (early["csc_status_at_incident"] == "open_child_protection_plan").mean()
    assert row["recomputed_value"] == pytest.approx(independent)
    # held out of calibration (drawn at 2009-11's 10%): the scorecard shows it differ
    assert row["status"] == "differs" and not row["calibration_target"]
    assert row["verdict"] == f"differs by {independent - 12:+.1f} points from 12%"
    for figure_id, measure, period in [
        ("p2011_csc_ever", "csc_ever_involvement_percent", "2011-14"),
        ("p2014_neglect_feature", "neglect_feature_percent", "2014-17"),
    ]:
        got = card.set_index("figure_id").loc[figure_id, "recomputed_value"]
        assert got == pytest.approx(compute(measure, cases[period]).value)


def test_no_verdict_is_a_bare_reproduced_and_weak_statements_say_so(card):
    computed = card[card["status"] != "not computable"].set_index("figure_id")
    assert not computed["verdict"].str.contains("reproduced").any()
    assert computed.loc["p2011_csc_current", "verdict"] == "consistent (weak statement)"
    assert computed.loc["p2011_csc_current", "accepts"] == "0 to 146 of 293"
    assert computed.loc["p2011_cp_plan_current", "accepts"] == "34 to 36 of 293"
    assert (computed["strength"] == "weak").eq(computed["status"] == "consistent (weak)").all()


def test_not_computable_rows_say_why(card):
    other = card[card["status"] == "not computable"]
    assert (other["reason"].str.len() > 0).all()
    assert "no case data for review period 2009-11" in set(other["reason"])


@pytest.mark.parametrize(
    ("figure_id", "column", "old", "new", "n", "difference"),
    [
        # 29 -> 39 plans of 293: 13.3% is past the stated 12 (10 more than the shipped 29)
        (
            "p2011_cp_plan_current",
            "csc_status_at_incident",
            "closed_before_incident",
            "open_child_protection_plan",
            10,
            100 * 39 / 293 - 12,
        ),
        # 82 -> 85 children aged 11-17: 29.0% against 28%
        ("p2011_age_11_17", "age_band", "1_5", "11_15", 3, 100 * 85 / 293 - 28),
        # 132 -> 147 of 293 involved now: 50.2% is not "fewer than half"
        (
            "p2011_csc_current",
            "csc_status_at_incident",
            "closed_before_incident",
            "open_child_in_need",
            15,
            100 * 147 / 293 - 50,
        ),
    ],
    ids=["cp plan +10", "age 11-17 +3", "involved now +15"],
)
def test_a_change_that_contradicts_a_statement_differs(
    cases, figure_id, column, old, new, n, difference
):
    card = _verdicts(_recode(cases[EARLY], column, old, new, n))
    row = card.loc[figure_id]
    assert row["status"] == "differs"
    assert row["difference"] == pytest.approx(difference)
    assert row["verdict"].startswith(f"differs by {difference:+.1f} points from ")


def test_parental_drugs_two_fewer_still_rounds_into_the_range_three_fewer_does_not(cases):
    """ "37% and 38%": 36.6% rounds to 37 and agrees; 36.0% does not."""
    early = cases[EARLY]
    base = compute("parent_drug_misuse_percent", early)
    assert (base.numerator, base.denominator) == (66, 175)  # 37.7%
    reports = early[early["final_report_available"] == "yes"]
    using = reports.index[reports["parent_drug_misuse"] == "yes"]
    two, three = early.copy(), early.copy()
    two.loc[using[:2], "parent_drug_misuse"] = "no"  # 64 of 175: 36.57%, rounds to 37
    three.loc[using[:3], "parent_drug_misuse"] = "no"  # 63 of 175: 36.0%
    assert _verdicts(two).loc["p2011_parent_drug", "status"] == "agrees"
    assert _verdicts(three).loc["p2011_parent_drug", "status"] == "differs"


def test_a_held_out_figure_agrees_once_the_data_holds_the_published_share(cases):
    """The shipped data draws plans at 2009-11's 10% (29 of 293); with 35 the scorecard agrees
    with the published 12%: the "differs" on shipped data is the data, not the scorecard."""
    early = _recode(
        cases[EARLY],
        "csc_status_at_incident",
        "closed_before_incident",
        "open_child_protection_plan",
        6,
    )
    row = _verdicts(early).loc["p2011_cp_plan_current"]
    assert row["numerator"] == 35 and row["status"] == "agrees"


def test_a_change_only_weak_statements_constrain_shows_as_weak(cases):
    """Every child-in-need case closed (involved now 45% -> 17%): "fewer than half" still
    holds, so the row is "consistent (weak)", not a plain agreement; the strong rows do not
    move."""
    early = _recode(
        cases[EARLY], "csc_status_at_incident", "open_child_in_need", "closed_before_incident"
    )
    card = _verdicts(early)
    row = card.loc["p2011_csc_current"]
    assert row["recomputed_value"] < 20
    assert (row["status"], row["strength"]) == ("consistent (weak)", "weak")
    assert card.loc["p2011_age_11_17", "status"] == "agrees"


def test_ten_fewer_ever_involved_is_still_consistent_with_almost_two_thirds(cases):
    early = _recode(cases[EARLY], "csc_ever_involved", "yes", "no", 10)
    card = _verdicts(early)
    assert card.loc["p2011_csc_ever", "recomputed_value"] == pytest.approx(100 * 179 / 293)
    assert card.loc["p2011_csc_ever", "status"] == "consistent (weak)"


def test_summary_states_verdicts_and_the_calibration_caveat(card):
    text = summary(card)
    counts = card["status"].value_counts()
    computable = len(card) - counts["not computable"]
    assert text.startswith(
        f"Of {computable} computable published figures: {counts['agrees']} agree with an exact "
        f"figure, {counts['consistent (weak)']} are consistent with a weak statement"
    )
    assert "proves the pipeline, not the finding" in text
    assert "reproduced" not in text
    assert isinstance(card["calibration_target"].iloc[0], bool | pd.BooleanDtype().type)


def test_summary_of_an_own_data_scorecard_speaks_of_agreement_not_evidence(card):
    text = summary(card.drop(columns="calibration_target"))  # as notebook 08 on own data
    assert "calibration" not in text and "synthetic" not in text
    assert "not evidence that the kit or the report is right" in text
    assert "evidence that the data and the kit agree" not in text


# --- a part of the country (issue 21, item 6) -------------------------------------------------
def _part(cases, plans: int) -> pd.DataFrame:
    """The first 70 shipped 2011-14 children (70 reviews of the 293), ``plans`` of them on a
    child protection plan at the incident."""
    part = cases[EARLY].head(70).copy()
    status = part["csc_status_at_incident"]
    now = int((status == "open_child_protection_plan").sum())
    assert now <= plans
    movable = part.index[status.isin(["closed_before_incident", "not_known_to_csc"])]
    part.loc[movable[: plans - now], "csc_status_at_incident"] = "open_child_protection_plan"
    return part


def test_a_part_of_the_country_compares_no_count_and_judges_shares_by_their_interval(cases):
    """70 of the 293 reviews: the old scorecard said "differs by -223.0 from 293" and judged
    5 plans of 70 (7.1%) to differ from the published 12% on the point alone."""
    card = _verdicts(_part(cases, plans=5))
    scrs = card.loc["p2011_scrs"]
    assert scrs["status"] == "not comparable" and scrs["recomputed_value"] == 70
    assert scrs["verdict"] == "not comparable (part of the country: 70 of 293 reviews)"
    assert pd.isna(scrs["difference"]) and scrs["accepts"] == ""
    assert (scrs["reviews_count"], scrs["published_reviews"]) == (70, 293)
    for figure_id in ("p2011_final_reports", "p2011_deaths_per_year", "sudi2011_sudi_count"):
        assert card.loc[figure_id, "status"] == "not comparable", figure_id
    plan = card.loc["p2011_cp_plan_current"]
    low, high = wilson_interval(5, 70)  # one child per review in 2011-14: no design effect
    assert (plan["numerator"], plan["denominator"]) == (5, 70)
    assert plan["ci_low_percent"] == pytest.approx(100 * low)
    assert plan["ci_high_percent"] == pytest.approx(100 * high)
    assert round(100 * low, 1) == 3.1 and round(100 * high, 1) == 15.7  # meets 11.5 to 12.5
    assert plan["status"] == "consistent (interval)"
    assert plan["verdict"] == (
        "consistent with 12%: 95% interval 3.1% to 15.7% (part of the country: 70 of 293 reviews)"
    )
    assert plan["difference"] == pytest.approx(100 * 5 / 70 - 12)  # the point, still shown
    # every share is judged by its interval, whatever its point says
    shares = card[card["measure"].str.endswith("_percent") & card["numerator"].notna()]
    assert len(shares) == 6
    for figure_id, row in shares.iterrows():
        fig = load_published().set_index("figure_id").loc[figure_id]
        statement = Statement(fig["relation"], fig["value"], fig["value_low"], fig["value_high"])
        meets = statement.meets(row["ci_low_percent"], row["ci_high_percent"])
        assert row["status"] == ("consistent (interval)" if meets else "differs"), figure_id


def test_a_share_whose_interval_leaves_the_published_figure_out_differs(cases):
    card = _verdicts(_part(cases, plans=25))  # 35.7%: 95% interval 25.5% to 47.4%
    plan = card.loc["p2011_cp_plan_current"]
    assert plan["status"] == "differs"
    assert plan["verdict"] == (
        "differs from 12%: 95% interval 25.5% to 47.4% leaves it out "
        "(part of the country: 70 of 293 reviews)"
    )
    # the 21 children moved onto a plan are now involved with social care: 78.6% of 70
    assert card.loc["p2011_csc_current", "verdict"].startswith(
        "differs from < 50%: 95% interval 67.6% to 86.6% leaves it out"
    )
    text = summary(card.reset_index().drop(columns="calibration_target"))
    assert "4 are consistent within their 95% intervals, 2 differ; " in text
    assert "2 differ; 4 counts not comparable (part of the country)" in text
    assert "For 2011-14 the file holds 70 of the 293 reviews the report analysed" in text
    assert "A part of the country can differ for a real reason" in text
    # no sentence about precision: nothing here was judged at the precision of a whole period
    assert "at the precision it was stated to" not in text


def test_a_whole_period_is_still_judged_at_the_precision_it_was_published(card):
    """The shipped data holds every review of both periods: no row is a part of the country."""
    assert not card["status"].isin(["not comparable", "consistent (interval)"]).any()
    assert card.set_index("figure_id").loc["p2011_scrs", "status"] == "agrees"
    assert "part of the country" not in summary(card)


def test_a_protected_scorecard_never_hides_what_was_published(cases):
    """Disclosure control withholds the run's numbers and verdicts beside a suppressed count,
    never the published statement, value or number of reviews (the old scorecard replaced a
    hidden row's statement with "c")."""
    card = build_scorecard({EARLY: _part(cases, plans=4)})  # 4 plans: suppressed
    shown = protect(card)
    plan = shown.set_index("figure_id").loc["p2011_cp_plan_current"]
    assert plan["numerator_marker"] == "c" and plan["status"] == "c" and plan["verdict"] == "c"
    assert pd.isna(plan["ci_low_percent"]) and pd.isna(plan["recomputed_value"])
    published = ["statement", "published_value", "published_reviews", "relation", "strength"]
    assert shown[published].equals(strip(card)[published])
