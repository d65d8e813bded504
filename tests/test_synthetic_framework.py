"""The shipped synthetic data carries the team's whole framework, as the codebook asks it.

Who each item is asked of is read here from the codebook's own ``applicability:`` section (not
from the validation rules, which are written apart), so the shipped files are known to obey it.
The published counts are restated here as the sources print them (Garstang & Sidebotham's SUDI
paper, ADC G287, the 2014-17 briefings) and recomputed with pandas, apart from the
calibration code that also checks them.
"""

import re

import numpy as np
import pandas as pd
import pytest

from analysis.casedata.load import synthetic_path
from analysis.content import read_yaml
from analysis.paths import CODEBOOK_DIR, PACKAGE_DIR, ROOT
from analysis.synthetic import calibration_figure_ids, held_out_figure_ids
from analysis.synthetic.calibration import check
from analysis.synthetic.family_items import REGION_CHILDREN
from analysis.synthetic.generator import generate
from analysis.synthetic.quotas import apportion
from analysis.synthetic.subgroup_targets import SUBGROUP_TARGETS

PERIODS = ("2011-14", "2014-17")
CODEBOOK = read_yaml(CODEBOOK_DIR / "2011-14.yaml")  # 2014-17 adds no variable
VARIABLES = CODEBOOK["variables"]
ADOLESCENT = ["11_15", "16_17"]
VULNERABILITIES = [name for name in VARIABLES if name.startswith("child_")]


@pytest.fixture(scope="module")
def shipped():
    return {
        p: pd.read_csv(synthetic_path(p), dtype=str, keep_default_na=False).replace("", None)
        for p in PERIODS
    }


def _blank_or_missing(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name].isna() | frame[name].isin(VARIABLES[name].get("missing_codes", []))


def _known_not_to_hold(frame: pd.DataFrame, condition: str) -> pd.Series:
    """Rows where an ``applicability:`` condition is known not to hold: each of its columns
    holds a code outside the condition's codes (a blank is unknown, so not known false). A
    missing code (not_recorded) counts as outside: the stricter reading, which the shipped
    files meet as well as the looser one."""
    spec = CODEBOOK["applicability"][condition]
    alternatives = spec.get("any_of") or [spec]
    known_false = pd.Series(True, index=frame.index)
    for alt in alternatives:
        column = frame[alt["variable"]]
        known_false &= column.notna() & ~column.isin([str(c) for c in alt["codes"]])
    return known_false


def _applicability_breaches(frame: pd.DataFrame) -> dict[str, int]:
    breaches = {}
    for name, spec in VARIABLES.items():
        if "asked_of" in spec:
            bad = _known_not_to_hold(frame, spec["asked_of"]) & ~_blank_or_missing(frame, name)
            if bad.any():
                breaches[name] = int(bad.sum())
    return breaches


def test_both_periods_carry_every_codebook_variable_but_the_local_authority(shipped):
    for period, frame in shipped.items():
        assert set(frame.columns) == set(VARIABLES) - {"la_code"}, period
        assert frame["region"].notna().all() and (frame["region"] != "not_recorded").all()


@pytest.mark.parametrize("period", PERIODS)
def test_every_item_is_blank_where_the_codebook_does_not_ask_it(shipped, period):
    frame = shipped[period]
    assert _applicability_breaches(frame) == {}
    # the check can fail: an infant's alcohol misuse, a plan's category without a plan
    broken = frame.copy()
    infant = broken.index[broken["age_band"] == "under_1"][0]
    no_plan = broken.index[(broken["cp_plan_ever"] == "no")][0]
    broken.loc[infant, "child_alcohol_misuse"] = "yes"
    broken.loc[no_plan, "cp_plan_category"] = "neglect"
    assert _applicability_breaches(broken) == {"child_alcohol_misuse": 1, "cp_plan_category": 1}


@pytest.mark.parametrize("period", PERIODS)
def test_every_item_is_coded_where_it_is_asked(shipped, period):
    frame = shipped[period]
    report = frame["final_report_available"] == "yes"
    for name, spec in VARIABLES.items():
        if name == "age_months" or name not in frame.columns:
            continue  # asked of under-twos; a 1-to-5-year-old may be two or older
        asked = pd.Series(True, index=frame.index)
        if "asked_of" in spec:
            condition = CODEBOOK["applicability"][spec["asked_of"]]
            alternatives = condition.get("any_of") or [condition]
            asked = pd.concat(
                [frame[a["variable"]].isin([str(c) for c in a["codes"]]) for a in alternatives],
                axis=1,
            ).any(axis=1)
        if spec.get("final_report_only"):
            asked &= report
        if name in ("death_category", "harm_type"):
            continue  # present by outcome (rules XF002, XF003)
        assert frame.loc[asked, name].notna().all(), name


@pytest.mark.parametrize("period", PERIODS)
def test_final_report_only_items_are_blank_without_a_report(shipped, period):
    frame = shipped[period]
    no_report = frame["final_report_available"] == "no"
    for name, spec in VARIABLES.items():
        if spec.get("final_report_only"):
            assert _blank_or_missing(frame[no_report], name).all(), name


@pytest.mark.parametrize("period", PERIODS)
def test_review_level_items_agree_across_the_children_of_a_review(shipped, period):
    frame = shipped[period]
    review_level = [n for n, s in VARIABLES.items() if s.get("level") == "review" and n in frame]
    assert {"region", "poverty", "parents_not_engaging", "theme_supervision"} <= set(review_level)
    per_review = frame.groupby("review_id")[review_level].nunique(dropna=False)
    assert (per_review <= 1).all().all()
    if period == "2014-17":
        assert frame["review_id"].duplicated().sum() == 36  # siblings share what they should


@pytest.mark.parametrize("period", PERIODS)
def test_age_in_months_agrees_with_the_age_band(shipped, period):
    frame = shipped[period]
    months = pd.to_numeric(frame["age_months"])
    under_1, one_to_five = frame["age_band"] == "under_1", frame["age_band"] == "1_5"
    assert months[under_1].between(0, 11).all() and months[under_1].notna().all()
    assert months[one_to_five].dropna().between(12, 23).all()
    assert months[~(under_1 | one_to_five)].isna().all()


@pytest.mark.parametrize("period", PERIODS)
def test_a_plan_is_a_plan_for_the_child_or_a_sibling(shipped, period):
    frame = shipped[period]
    own = frame["cp_plan_ever"] == "yes"
    assert (frame.loc[own, "cp_plan_child_or_sibling"] == "yes").all()
    assert (frame.loc[~own, "cp_plan_child_or_sibling"] == "yes").any()  # a sibling's plan


@pytest.mark.parametrize("period", PERIODS)
def test_violent_crime_only_with_criminality(shipped, period):
    frame = shipped[period]
    violent = frame["parent_violent_crime"] == "yes"
    assert violent.any() and (frame.loc[violent, "parent_criminality"] == "yes").all()


def test_the_2011_14_sudi_reviews_meet_the_sudi_paper(shipped):
    frame = shipped["2011-14"]
    sudi = frame[frame["death_category"] == "sudi"]
    months = pd.to_numeric(sudi["age_months"])
    assert (len(sudi), months.median(), months.min(), months.max()) == (30, 2, 0, 19)
    with_report = sudi[sudi["final_report_available"] == "yes"]

    def count(rows, column):
        return int((rows[column] == "yes").sum()), len(rows)

    assert len(with_report) == 27
    hazardous = with_report[with_report["hazardous_sleep_environment"] == "yes"]
    co_sleeping = hazardous[hazardous["co_sleeping"] == "yes"]
    supported = with_report[with_report["csc_ever_involved"] == "yes"]
    substance = (with_report["parent_alcohol_misuse"] == "yes") | (
        with_report["parent_drug_misuse"] == "yes"
    )
    assert count(with_report, "hazardous_sleep_environment") == (18, 27)
    assert count(hazardous, "co_sleeping") == (16, 18)
    assert count(co_sleeping, "carer_impaired") == (13, 16)
    assert count(with_report, "csc_ever_involved") == (19, 27)
    assert count(supported, "cp_plan_ever") == (10, 19)
    assert int(substance.sum()) == 18
    assert count(with_report, "parent_mental_ill_health") == (14, 27)
    assert count(with_report, "parent_domestic_abuse") == (9, 27)
    assert count(with_report, "parent_criminality") == (13, 27)
    assert count(with_report, "neglect_feature") == (15, 27)
    assert count(with_report, "parents_not_engaging") == (18, 27)


def test_the_2011_14_deaths_carry_g287s_classification(shipped):
    deaths = shipped["2011-14"].query("outcome == 'death'")["death_category"].value_counts()
    assert (
        deaths["not_related_to_maltreatment"],
        deaths["perpetrated_outside_family"],
        deaths["unclassifiable"],
    ) == (5, 6, 3)


def test_the_2014_17_figures_of_poverty_plans_and_adolescent_harm(shipped):
    frame = shipped["2014-17"]
    reviews = frame.sort_values("case_id").drop_duplicates("review_id")
    with_report = reviews[reviews["final_report_available"] == "yes"]
    poverty = (with_report["poverty"] == "yes").sum()
    assert (poverty, len(with_report), round(100 * poverty / len(with_report))) == (97, 278, 35)
    plan = (frame["cp_plan_ever"] == "yes") | (
        frame["csc_status_at_incident"] == "open_child_protection_plan"
    )
    assert (plan.sum(), (frame.loc[plan, "cp_plan_category"] == "neglect").sum()) == (84, 50)
    harm = reviews[(reviews["outcome"] == "serious_harm") & reviews["age_band"].isin(ADOLESCENT)]
    risk = (harm["harm_type"] == "risk_taking_or_exploitation").sum()
    assert round(100 * risk / len(harm)) == 44


def test_the_figures_the_data_meets_are_flagged_as_calibration_targets():
    ids = calibration_figure_ids()
    for figure_id in (
        "sudi2011_hazardous_sleep",
        "sudi2011_intoxicated_parent",
        "sudi2011_median_age",
        "sudi2011_non_engagement",
        "p2011_prelim_death_unclassifiable",
        "p2014_serious_harm_risk_cse",
    ):
        assert figure_id in ids
    assert not ids & held_out_figure_ids()


def test_a_subgroup_target_is_missed_when_its_count_or_its_denominator_is(shipped):
    cases = {p: frame.copy() for p, frame in shipped.items()}
    table = check(cases)
    assert table["met"].all(), table.loc[~table["met"]].to_string()
    frame = cases["2011-14"]
    sudi_hazard = frame.index[frame["hazardous_sleep_environment"] == "yes"]
    frame.loc[sudi_hazard[0], "hazardous_sleep_environment"] = "no"  # 17 of 27
    frame.loc[sudi_hazard[1], "final_report_available"] = "no"  # and of 26
    missed = check(cases).query("not met")["basis"].tolist()
    assert "sudi2011_hazardous_sleep" in missed and "sudi2011_reports" in missed


def test_regions_share_out_reviews_by_child_population(shipped):
    for period, frame in shipped.items():
        regions = REGION_CHILDREN[period]
        per_region = frame.drop_duplicates("review_id")["region"].value_counts()
        expected = apportion(frame["review_id"].nunique(), list(regions.values()))
        assert per_region.reindex(list(regions)).tolist() == expected.tolist()


def test_built_in_dependences_hold(shipped):
    """Assumptions S16, S20, S22, S23: put in by the generator, so a notebook calls them so."""
    frame = pd.concat(shipped.values())
    report = frame[frame["final_report_available"] == "yes"]
    any_item = (report[VULNERABILITIES] == "yes").any(axis=1)
    older = report["age_band"].isin(ADOLESCENT)
    assert any_item[older].mean() > 2 * any_item[report["age_band"] == "6_10"].mean()
    risk = report[report["harm_type"] == "risk_taking_or_exploitation"]
    matching = (risk["child_risk_taking"] == "yes") | (risk["child_sexual_exploitation"] == "yes")
    assert len(risk) and matching.all()
    source = frame.groupby("death_category")["harm_source"].agg(lambda s: set(s))
    assert source["suicide"] == {"self"} and source["sudi"] <= {"no_individual", "parent"}
    in_care = frame[frame["csc_status_at_incident"] == "open_looked_after"]
    homes = {"foster_care", "residential_care", "kinship_care", "independent"}
    assert set(in_care["living_situation"]) <= homes


def test_the_same_seed_gives_the_same_framework_items():
    for period in PERIODS:
        first, again = generate(period, seed=7), generate(period, seed=7)
        assert first.to_csv(index=False) == again.to_csv(index=False)
        assert not first.equals(generate(period, seed=8))
        assert np.isin(VULNERABILITIES, first.columns).all()


def test_every_assumption_the_generator_cites_is_in_the_log():
    log = (ROOT / "docs" / "assumptions.md").read_text(encoding="utf-8")
    logged = set(re.findall(r"^\| (S\d\d) \|", log, flags=re.MULTILINE))
    code = "".join(p.read_text(encoding="utf-8") for p in (PACKAGE_DIR / "synthetic").glob("*.py"))
    cited = set(re.findall(r"\bS\d\d\b", code))
    cited |= {t.reading or t.assumption for t in SUBGROUP_TARGETS} - {None}
    assert {f"S{i}" for i in range(15, 31)} <= cited <= logged
