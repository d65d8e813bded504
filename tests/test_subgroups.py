"""Published figures about a subgroup are computed over that subgroup (issue 22, item 4).

Hand-made frames where the answer is known: the SUDI paper's nested bases, an "alcohol or drug"
count that counts a family once, a median age in months, review-level shares that count a
review of siblings once, and the split of reviews by outcome that adds up to every review.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.casedata.codebook import load_codebook
from analysis.reference.published import load_published
from analysis.stats.measures import compute
from analysis.stats.members import members_of
from analysis.stats.subgroups import (
    caveat,
    chain,
    columns_needed,
    compute_figure,
    computed_over,
    final_report_column,
    spec_for,
    subgroup_figures,
    subgroups,
)

SUDI = "Garstang & Sidebotham, ADC 104(1):30 (2011-14 SUDI SCRs)"
LATER = "Brandon, Sidebotham et al 2020 (2014-17)"


def sudi_figure(category: str, unit: str = "count", measure: str = "feature_count") -> dict:
    return {"measure": measure, "category": category, "report": SUDI, "unit": unit}


@pytest.fixture
def sudi_cases() -> pd.DataFrame:
    """Ten children, one a review: eight SUDI deaths (six with a final report), two others.

    Of the six SUDI reports: four in a hazardous sleep environment, three of them co-sleeping,
    two of those with an impaired carer; parental alcohol misuse in two, drug misuse in two (one
    family both); four ever involved with social care, two of them with a plan (one now, one
    before); neglect in three; parents not engaging in one.
    """
    sudi, other = ["sudi"] * 8, ["suicide", "fatal_physical_assault"]
    no = "no"
    return pd.DataFrame(
        {
            "case_id": [f"c{i}" for i in range(10)],
            "review_id": [f"R{i}" for i in range(10)],
            "review_period": "2011-14",
            "outcome": "death",
            "death_category": sudi + other,
            "final_report_available": ["yes"] * 6 + [no, no, "yes", "yes"],
            "age_months": ["0", "1", "1", "2", "3", "14", "not_recorded", None, None, None],
            "hazardous_sleep_environment": ["yes"] * 4 + [no, no, None, None, None, None],
            "co_sleeping": ["yes"] * 3 + [no] + [None] * 6,
            "carer_impaired": ["yes", "yes", no] + [None] * 7,
            "parent_alcohol_misuse": ["yes", "yes", no, no, no, no, None, None, "yes", "yes"],
            "parent_drug_misuse": ["yes", no, "yes", no, no, no, None, None, "yes", no],
            "csc_ever_involved": ["yes", "yes", "yes", "yes", no, no, "yes", "yes", "yes", no],
            "cp_plan_ever": ["yes", no, no, no, no, no, "yes", no, "yes", no],
            "csc_status_at_incident": [
                "closed_before_incident",
                "open_child_protection_plan",
                "open_child_in_need",
                "closed_before_incident",
                "not_known_to_csc",
                "not_known_to_csc",
                "open_child_protection_plan",
                "not_known_to_csc",
                "open_child_protection_plan",
                "not_known_to_csc",
            ],
            "neglect_feature": ["yes", "yes", "yes", no, no, "not_recorded", None, None, "yes", no],
            "parents_not_engaging": [no, no, "yes", no, no, no, None, None, "yes", "yes"],
        }
    )


@pytest.mark.parametrize(
    ("category", "count", "base"),
    [
        ("hazardous_sleep_environment", 4, 6),  # of the six SUDI deaths with a report
        ("co_sleeping", 3, 4),  # of the four in a hazardous sleep environment
        ("parent_intoxicated_or_impaired", 2, 3),  # of the three co-sleeping
        ("social_care_support_received", 4, 6),
        ("cp_plan", 2, 4),  # of the four ever involved: a plan now (c1) or before (c0)
        ("parent_alcohol_or_drug_dependency", 3, 6),  # c0 has both: counted once
        ("neglect", 3, 6),  # "not recorded" (c5) stays in the base
        ("non_engagement", 1, 6),
    ],
)
def test_a_sudi_count_is_counted_over_its_nested_base(sudi_cases, category, count, base):
    result = compute_figure(sudi_figure(category), sudi_cases)
    assert (result.value, result.numerator, result.denominator) == (count, count, base)
    assert result.unit == "count" and result.measure == "feature_count"
    # the units behind each count: reviews of the subgroup, the counted ones among them
    assert len(result.members["denominator"]) == base
    assert len(result.members["numerator"]) == count
    assert set(result.members["numerator"]) <= set(result.members["denominator"])
    assert result.row_members()["members__implied"] == (result.members["numerator"],)


def test_the_nested_sudi_bases_are_the_counts_before_them(sudi_cases):
    hazardous = compute_figure(sudi_figure("hazardous_sleep_environment"), sudi_cases)
    co_sleeping = compute_figure(sudi_figure("co_sleeping"), sudi_cases)
    impaired = compute_figure(sudi_figure("parent_intoxicated_or_impaired"), sudi_cases)
    assert co_sleeping.members["denominator"] == hazardous.members["numerator"]
    assert impaired.members["denominator"] == co_sleeping.members["numerator"]
    assert [g.name for g in chain("sudi_co_sleeping")] == [
        "sudi_deaths",
        "sudi_reports",
        "sudi_hazardous_sleep",
        "sudi_co_sleeping",
    ]


def test_sudi_reviews_with_a_report_and_the_median_age_in_months(sudi_cases):
    reports = compute_figure(sudi_figure("sudi", measure="final_reports_count"), sudi_cases)
    assert (reports.value, reports.unit) == (6, "count")
    assert reports.measure == "final_reports_count"
    median = compute_figure(sudi_figure("sudi", "months", "median_age_months"), sudi_cases)
    # 0, 1, 1, 2, 3, 14 months coded; "not recorded" and a blank are not ages
    assert (median.value, median.denominator, median.unit) == (1.5, 6, "months")
    assert median.numerator is None
    assert median.members["denominator"] == ("R0", "R1", "R2", "R3", "R4", "R5")


def test_the_median_of_every_coded_age_in_months():
    cases = pd.DataFrame({"case_id": list("abcd"), "age_months": ["2", "not_recorded", "5", "23"]})
    result = compute("median_age_months", cases)
    assert (result.value, result.denominator) == (5.0, 3)


@pytest.fixture
def later_cases() -> pd.DataFrame:
    """2014-17: six children in four reviews. R1 holds two siblings, one who died and one
    seriously harmed (the review's representative, its lowest case_id, died); R2 holds two
    seriously harmed siblings."""
    return pd.DataFrame(
        {
            "case_id": ["a1", "a2", "b1", "b2", "c1", "d1"],
            "review_id": ["R1", "R1", "R2", "R2", "R3", "R4"],
            "review_period": "2014-17",
            "outcome": ["death", "serious_harm", "serious_harm", "serious_harm", "death", "death"],
            "harm_type": [None, "physical_injury", "risk_taking_or_exploitation",
                          "risk_taking_or_exploitation", None, None],
            "final_report_available": ["yes", "yes", "yes", "yes", "no", "yes"],
            "poverty": ["yes", "yes", "no", "no", None, "not_recorded"],
            "cp_plan_ever": ["yes", "no", "yes", "no", "no", "no"],
            "csc_status_at_incident": ["closed_before_incident", "open_child_protection_plan",
                                       "closed_before_incident", "open_child_in_need",
                                       "not_known_to_csc", "not_known_to_csc"],
            "cp_plan_category": ["neglect", "multiple", "neglect", None, None, None],
        }
    )  # fmt: skip


def test_the_split_by_outcome_counts_each_review_once_and_adds_up(later_cases):
    def scrs(category):
        fig = {"measure": "scrs_count", "category": category, "report": LATER, "unit": "count"}
        return compute_figure(fig, later_cases)

    death, harm = scrs("death"), scrs("serious_harm")
    assert (death.value, harm.value) == (3, 1)  # R1 by its representative, who died
    assert death.value + harm.value == compute("scrs_count", later_cases).value == 4
    assert death.members["value"] == ("R1", "R3", "R4")


def test_poverty_is_a_share_of_the_reviews_with_a_final_report(later_cases):
    fig = {"measure": "feature_percent", "category": "poverty", "report": LATER, "unit": "percent"}
    result = compute_figure(fig, later_cases)
    # R1 (two siblings, once), R2, R4 have a report; poverty in R1 only
    assert (result.numerator, result.denominator) == (1, 3)
    assert result.value == pytest.approx(100 / 3)
    assert result.unit == "percent" and "value" not in result.members
    assert final_report_column(fig) == "poverty"
    assert caveat(fig).startswith("The source's base")


def test_plan_category_counts_children_with_a_plan_now_or_before(later_cases):
    fig = {
        "measure": "cp_plan_category_count",
        "category": "neglect",
        "report": LATER,
        "unit": "count",
    }
    result = compute_figure(fig, later_cases)
    # a1 and b1 had a plan before, a2 has one now: three children, two under neglect
    assert (result.numerator, result.denominator) == (2, 3)
    assert result.members["denominator"] == ("R1", "R1", "R2")
    assert computed_over(fig) == "children with a child protection plan now or before"


def test_risk_taking_and_exploitation_over_serious_harm_reviews_of_adolescents():
    cases = pd.DataFrame(
        {
            "case_id": ["a1", "a2", "b1", "c1", "d1", "e1"],
            "review_id": ["R1", "R1", "R2", "R3", "R4", "R5"],
            "outcome": ["serious_harm"] * 5 + ["death"],
            "age_band": ["16_17", "11_15", "11_15", "11_15", "6_10", "16_17"],
            "harm_type": ["risk_taking_or_exploitation", "physical_injury", "sexual_abuse",
                          "risk_taking_or_exploitation", "risk_taking_or_exploitation", None],
        }
    )  # fmt: skip
    fig = {"measure": "feature_percent",
           "category": "serious_harm_risk_taking_violent_behaviour_and_cse", "report": LATER,
           "unit": "percent"}  # fmt: skip
    result = compute_figure(fig, cases)
    # reviews R1 (by its first child), R2 and R3: aged 6-10 (R4) and a death (R5) are not asked
    assert (result.numerator, result.denominator) == (2, 3)
    assert result.members["denominator"] == ("R1", "R2", "R3")
    assert final_report_column(fig) is None
    assert computed_over(fig) == "reviews of serious harm to a young person aged 11 to 17"


def test_a_missing_column_or_an_uncoded_subgroup_is_said(sudi_cases):
    with pytest.raises(ValueError, match="carer_impaired"):
        compute_figure(
            sudi_figure("parent_intoxicated_or_impaired"), sudi_cases.drop(columns="carer_impaired")
        )
    ofsted = {
        "measure": "feature_count",
        "category": "cp_plan",
        "unit": "count",
        "report": "Ofsted (SCR evaluations)",
    }
    assert spec_for(ofsted) is None  # "cp_plan" means the SUDI base only in the SUDI paper
    with pytest.raises(KeyError, match="not coded"):
        compute_figure(ofsted, sudi_cases)
    assert computed_over(ofsted) == "" and caveat(ofsted) == ""


def test_a_whole_population_figure_is_its_registered_measure(sudi_cases):
    fig = {"measure": "sudi_count", "category": float("nan"), "unit": "count"}
    assert compute_figure(fig, sudi_cases).value == 8
    assert computed_over(fig) == ""


def test_every_entry_computes_a_register_row():
    published = load_published()
    for spec in subgroup_figures():
        rows = published[
            (published["measure"] == spec.measure)
            & (published["category"] == spec.category)
            & (published["report"] == spec.report if spec.report else True)
        ]
        assert not rows.empty, (spec.measure, spec.category)
        assert all(spec_for(r) == spec for _, r in rows.iterrows())


def test_every_column_and_code_of_a_subgroup_is_the_codebook_s():
    codebook = load_codebook("2014-17")
    named = [
        (column, codes)
        for spec in subgroup_figures()
        for condition in (spec.count, *(g.conditions for g in chain(spec.over)))
        for alternative in condition
        for column, codes in alternative
    ]
    for group in subgroups().values():
        assert group.unit in ("children", "reviews"), group.name
    for column, codes in named:
        assert column in codebook.variables, column
        assert set(codes) <= set(codebook[column].codes), (column, codes)
    for spec in subgroup_figures():
        assert columns_needed(spec), spec.category


def test_the_sudi_caveat_says_dependency_is_not_misuse():
    text = caveat(sudi_figure("parent_alcohol_or_drug_dependency"))
    assert '"dependency"' in text and "misuse" in text


def test_members_are_the_units_of_the_rows(sudi_cases):
    result = compute_figure(sudi_figure("hazardous_sleep_environment"), sudi_cases)
    assert result.members["numerator"] == members_of(sudi_cases.iloc[:4])


def test_every_subgroup_figure_has_a_label():
    from analysis.stats.subgroups import figure_label

    assert (
        figure_label(sudi_figure("co_sleeping"))
        == "Co-sleeping, of those in a hazardous sleep environment"
    )
    assert figure_label({"measure": "sudi_count", "category": ""}) == ""
    assert all(spec.label and spec.label[0].isupper() for spec in subgroup_figures())
