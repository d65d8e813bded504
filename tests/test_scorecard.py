"""The scorecard recomputes published figures, and can tell a right dataset from a wrong one.

The negative controls perturb the shipped cases as a coding error would: a change that
contradicts a statement at the precision it was stated to must turn that row to "differs"; a
change that only weak statements ("fewer than half") constrain must show as "consistent
(weak)", never as a plain agreement.
"""

import numpy as np
import pandas as pd
import pytest

from analysis import load_cases
from analysis.chapters.scorecard import SCORECARD_COLUMNS, STATUSES, build_scorecard, summary
from analysis.publish.disclosure import protect
from analysis.reference.published import load_published
from analysis.stats.compare import Statement
from analysis.stats.inference import wilson_interval
from analysis.stats.measures import compute, reviews
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
PLAN, INVOLVED = "open_child_protection_plan", ("open_child_in_need", "open_looked_after")


def _part(cases, plans: int) -> pd.DataFrame:
    """The first 70 shipped 2011-14 children (70 reviews of the 293), ``plans`` of them on a
    child protection plan at the incident (plans beyond it become child in need, still
    involved; more come from closed or unknown cases)."""
    part = cases[EARLY].head(70).copy()
    status = part["csc_status_at_incident"].astype("object")
    on_plan = part.index[status == PLAN]
    movable = part.index[status.isin(["closed_before_incident", "not_known_to_csc"])]
    status[on_plan[plans:]] = INVOLVED[0]
    status[movable[: max(plans - len(on_plan), 0)]] = PLAN
    part["csc_status_at_incident"] = status
    assert (status == PLAN).sum() == plans
    return part


def _involved(part: pd.DataFrame) -> int:
    return int(part["csc_status_at_incident"].isin((PLAN, *INVOLVED)).sum())


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
    part = _part(cases, plans=25)
    card = _verdicts(part)  # 35.7%: 95% interval 25.5% to 47.4%
    plan = card.loc["p2011_cp_plan_current"]
    assert plan["status"] == "differs"
    assert plan["verdict"] == (
        "differs from 12%: 95% interval 25.5% to 47.4% leaves it out "
        "(part of the country: 70 of 293 reviews)"
    )
    # the children moved onto a plan are now involved with social care: most of the 70
    involved = _involved(part)
    low, high = wilson_interval(involved, 70)
    assert 100 * low > 50
    assert card.loc["p2011_csc_current", "verdict"].startswith(
        f"differs from < 50%: 95% interval {100 * low:.1f}% to {100 * high:.1f}% leaves it out"
    )
    text = summary(card.reset_index().drop(columns="calibration_target"))
    # the whole-population figures of issue 21, then every figure (subgroups too) in the text
    whole = card[card["computed_over"] == ""]
    assert (whole["status"] == "not comparable").sum() == 4  # reviews, reports, deaths, SUDI
    assert set(whole.index[whole["status"] == "differs"]) >= {
        "p2011_cp_plan_current",
        "p2011_csc_current",
    }
    n = card["status"].value_counts()
    assert (
        f"{n['consistent (interval)']} are consistent within their 95% intervals, "
        f"{n['differs']} differ; {n['not comparable']} counts not comparable (part of the country)"
    ) in text
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


# --- figures about a subgroup (issue 22, item 4) ------------------------------------------------
SUDI_COUNTS = [
    "sudi2011_hazardous_sleep",
    "sudi2011_co_sleeping",
    "sudi2011_intoxicated_parent",
    "sudi2011_social_care_support",
    "sudi2011_cp_plan",
    "sudi2011_parent_substance",
    "sudi2011_parent_mental_health",
    "sudi2011_domestic_abuse",
    "sudi2011_parent_criminal_record",
    "sudi2011_neglect",
    "sudi2011_non_engagement",
]
SUDI_FIGURES = ["sudi2011_sudi_count", "sudi2011_reports", "sudi2011_median_age", *SUDI_COUNTS]


def test_on_the_shipped_data_the_sudi_figures_and_34_in_all_are_computed(card):
    computed = card[card["status"] != "not computable"].set_index("figure_id")
    assert len(computed) == 34
    sudi = computed.loc[SUDI_FIGURES]
    # calibrated to the SUDI paper (docs/assumptions.md S17-S19): agreement by construction
    assert (sudi["status"] == "agrees").all() and sudi["calibration_target"].all()
    assert (computed["status"] == "differs").sum() == 2  # the two held out of calibration


@pytest.fixture(scope="module")
def framework(cases):
    """The shipped cases with the framework's new columns added (tests/framework_columns.py)."""
    from framework_columns import with_framework_columns

    return {p: with_framework_columns(c) for p, c in cases.items()}


@pytest.fixture(scope="module")
def framework_card(framework):
    return build_scorecard(framework).set_index("figure_id")


def test_the_scorecard_computes_the_sudi_figures_and_more_than_25_in_all(framework_card):
    computed = framework_card[framework_card["status"] != "not computable"]
    assert set(SUDI_FIGURES) <= set(computed.index)
    # 16 figures before issue 22 (sudi2011_sudi_count among them), 13 more of the SUDI paper,
    # and five of 2014-17: 206 and 162 reviews by outcome, poverty, 50 of 84 plans under neglect,
    # risk-taking and exploitation in serious harm to adolescents
    assert len(computed) == 16 + 13 + 5
    assert computed.loc[SUDI_COUNTS, "computed_over"].str.startswith("SUDI deaths").all()


def test_a_sudi_count_is_computed_over_its_nested_base(framework_card, framework):
    early = framework[EARLY]
    sudi = early[early["death_category"] == "sudi"]
    reports = sudi[sudi["final_report_available"] == "yes"]
    hazardous = reports[reports["hazardous_sleep_environment"] == "yes"]
    co_sleeping = hazardous[hazardous["co_sleeping"] == "yes"]
    expected = {
        "sudi2011_hazardous_sleep": (len(hazardous), len(reports)),
        "sudi2011_co_sleeping": (len(co_sleeping), len(hazardous)),
        "sudi2011_intoxicated_parent": (
            int((co_sleeping["carer_impaired"] == "yes").sum()),
            len(co_sleeping),
        ),
        "sudi2011_parent_substance": (
            int(
                (
                    (reports["parent_alcohol_misuse"] == "yes")
                    | (reports["parent_drug_misuse"] == "yes")
                ).sum()
            ),
            len(reports),
        ),
    }
    for figure_id, (count, base) in expected.items():
        row = framework_card.loc[figure_id]
        assert (row["numerator"], row["denominator"], row["recomputed_value"]) == (
            count,
            base,
            count,
        ), figure_id
    row = framework_card.loc["sudi2011_co_sleeping"]
    assert row["published_value"] == "16 of 18"
    assert row["computed_over"] == (
        "SUDI deaths with a final report, in a hazardous sleep environment"
    )
    months = pd.to_numeric(sudi["age_months"], errors="coerce").dropna()
    median = framework_card.loc["sudi2011_median_age"]
    assert (median["recomputed_value"], median["denominator"]) == (months.median(), len(months))
    assert median["accepts"] == "medians that round to 2 months"
    assert "not scored" in median["caveat"]
    caveat = framework_card.loc["sudi2011_parent_substance", "caveat"]
    assert '"dependency"' in caveat


def _sudi_with(cases, reports: int, supported: int) -> pd.DataFrame:
    """The shipped 2011-14 cases, with ``reports`` of the 30 SUDI deaths given a final report
    and ``supported`` of those ever involved with social care."""
    early = cases[EARLY].copy()
    for column in ("final_report_available", "csc_ever_involved"):
        early[column] = early[column].astype("object")
    sudi = early.index[early["death_category"] == "sudi"]
    assert len(sudi) == 30
    early.loc[sudi, "final_report_available"] = ["yes"] * reports + ["no"] * (30 - reports)
    early.loc[sudi[:reports], "csc_ever_involved"] = ["yes"] * supported + ["no"] * (
        reports - supported
    )
    return early


@pytest.mark.parametrize(
    ("reports", "supported", "status", "verdict"),
    [
        (27, 19, "agrees", "agrees (exact figure)"),
        (27, 18, "differs", "differs by -1 from 19 of 27"),
        (26, 19, "differs", "differs: 19 of 26, published 19 of 27"),  # another base
    ],
)
def test_a_count_out_of_a_base_agrees_only_when_both_come_back(
    cases, reports, supported, status, verdict
):
    card = _verdicts(_sudi_with(cases, reports, supported))
    row = card.loc["sudi2011_social_care_support"]
    assert (row["numerator"], row["denominator"]) == (supported, reports)
    assert (row["status"], row["verdict"]) == (status, verdict)
    assert row["strength"] == "strong" and row["accepts"] == "exactly 19 of 27"
    assert row["difference"] == supported - 19
    low, high = wilson_interval(supported, reports)  # the share of its base, with its interval
    assert (row["ci_low_percent"], row["ci_high_percent"]) == (
        pytest.approx(100 * low),
        pytest.approx(100 * high),
    )
    assert card.loc["sudi2011_reports", "status"] == ("agrees" if reports == 27 else "differs")


def test_a_subgroup_share_over_final_reports_shows_its_range_over_all_scrs(
    framework_card, framework
):
    later = framework["2014-17"]
    row = framework_card.loc["p2014_poverty"]
    with_report = reviews(later)[reviews(later)["final_report_available"] == "yes"]
    poor = int((with_report["poverty"] == "yes").sum())
    assert (row["numerator"], row["denominator"]) == (poor, 278)
    assert row["computed_over"] == "reviews with a final report"
    assert row["all_reviews_low_percent"] == pytest.approx(100 * poor / 368)
    assert row["all_reviews_high_percent"] == pytest.approx(100 * (poor + 368 - 278) / 368)
    plan = framework_card.loc["p2014_cp_plan_neglect_category"]
    assert plan["published_value"] == "50 of 84"
    assert plan["computed_over"] == "children with a child protection plan now or before"


def test_the_2014_17_split_by_outcome_is_computed_over_reviews(framework_card):
    death = framework_card.loc["p2014_scrs_death"]
    harm = framework_card.loc["p2014_scrs_serious_harm"]
    assert death["recomputed_value"] + harm["recomputed_value"] == 368
    assert (death["computed_over"], harm["computed_over"]) == (
        "reviews of a death",
        "reviews of serious harm",
    )


def test_figures_the_data_cannot_speak_to_say_why(framework_card, cases):
    prelim = framework_card.loc["p2011_prelim_death_not_related"]
    assert prelim["reason_kind"] == "part of a period"
    assert "Apr 2011-Dec 2013" in prelim["reason"] and "financial years" in prelim["reason"]
    context = framework_card.loc[["p2017_age_under_1", "medcause2009_17_scrs"]]
    assert (context["reason_kind"] == "period not in case data").all()
    assert framework_card.loc["p2014_scrs_trend", "reason_kind"] == "measure not coded"
    assert framework_card.loc["p2014_scrs_trend", "published_value"] == "no rise"
    # a file without the new columns: each subgroup figure names the column it lacks
    sleep = ["hazardous_sleep_environment", "co_sleeping", "carer_impaired"]
    row = _verdicts(cases[EARLY].drop(columns=sleep)).loc["sudi2011_co_sleeping"]
    assert (row["status"], row["reason_kind"]) == ("not computable", "column missing")
    assert "['hazardous_sleep_environment', 'co_sleeping']" in row["reason"]


def test_a_small_subgroup_count_is_hidden_on_own_data_and_its_words_stay(framework):
    """Disclosure control withholds a subgroup's count below the threshold (and the verdict
    and share it rests on), never what the figure was computed over or its caveat."""
    early = framework[EARLY].copy()
    sudi = early.index[early["death_category"] == "sudi"]
    early.loc[sudi, "carer_impaired"] = np.where(
        early.loc[sudi, "co_sleeping"] == "yes", "no", early.loc[sudi, "carer_impaired"]
    )
    first = early.index[(early["co_sleeping"] == "yes")][:2]
    early.loc[first, "carer_impaired"] = "yes"  # 2 impaired carers: below the threshold of 5
    card = build_scorecard({EARLY: early})
    shown = protect(card.drop(columns="calibration_target")).set_index("figure_id")
    row = shown.loc["sudi2011_intoxicated_parent"]
    assert row["numerator_marker"] == "c" and pd.isna(row["numerator"])
    assert row["status"] == "c" and row["verdict"] == "c"
    assert pd.isna(row["recomputed_value"]) and pd.isna(row["ci_low_percent"])
    assert row["computed_over"].startswith("SUDI deaths with a final report, co-sleeping")
    assert row["published_value"] == "13 of 16" and row["caveat"] == ""


def test_an_own_data_run_writes_a_small_subgroup_count_as_suppressed(own_run):
    """End to end on an own file with the new columns: the scorecard as a run writes it hides
    the two impaired carers, and the run's recovery audit passes."""
    import json

    from framework_columns import with_framework_columns

    from analysis.casedata.load import synthetic_path

    raw = pd.read_csv(synthetic_path(EARLY), dtype=str, keep_default_na=False)
    frame = with_framework_columns(raw.drop(columns="record_origin"))
    co_sleeping = frame.index[frame["co_sleeping"] == "yes"]
    frame.loc[co_sleeping, "carer_impaired"] = ["yes"] * 2 + ["no"] * (len(co_sleeping) - 2)

    def tables(cases):
        by_period = {str(p): c for p, c in cases.groupby("review_period", observed=True)}
        card = build_scorecard(by_period).drop(columns="calibration_target")
        return {"08_subgroup_scorecard": card}

    code, runs = own_run(frame=frame, tables=tables)
    assert code == 0
    run = runs / "other_cases"
    written = pd.read_csv(
        run / "outputs" / "08_subgroup_scorecard.csv", dtype=str, keep_default_na=False
    ).set_index("figure_id")
    row = written.loc["sudi2011_intoxicated_parent"]
    assert (row["numerator"], row["numerator_marker"], row["status"]) == ("", "c", "c")
    assert row["computed_over"].startswith("SUDI deaths with a final report, co-sleeping")
    shown = written.loc["sudi2011_hazardous_sleep"]
    assert shown["status"] in STATUSES and int(shown["numerator"]) >= 5
    record = json.loads((run / "checking" / "results.json").read_text(encoding="utf-8"))
    assert record["audit"]["passed"]
