"""Chapter 14, sudden unexpected deaths in infancy: each of the paper's items recomputed over
its nested base, beside its n of N from the register; the ages, with each extreme an implied
count; the medical causes; and the words and figures built from them."""

import numpy as np
import pandas as pd
import pytest

from analysis.chapters import sudi
from analysis.charts import chapter_sudi as charts
from analysis.publish.disclosure import protect
from analysis.publish.run import NOT_A_VALUE
from analysis.reference.published import figure
from analysis.stats.members import IMPLIED, PREFIX, PUBLISHED_COLUMNS

FACTORS = (
    "parent_alcohol_misuse",
    "parent_drug_misuse",
    "parent_mental_ill_health",
    "parent_domestic_abuse",
    "parent_criminality",
    "neglect_feature",
    "parents_not_engaging",
)


def _infant(i: int, period: str = "2011-14", **codes) -> dict:
    """A SUDI with a final report, every item "no" unless given."""
    row = {
        "case_id": f"{period[:4]}-{i:02d}",
        "review_id": f"{period[:4]}-r{i:02d}",
        "review_period": period,
        "outcome": "death",
        "death_category": "sudi",
        "final_report_available": "yes",
        "age_months": "2",
        "hazardous_sleep_environment": "no",
        "co_sleeping": "",
        "carer_impaired": "",
        "csc_ever_involved": "no",
        "cp_plan_ever": "no",
        "csc_status_at_incident": "not_known_to_csc",
        "medical_cause_of_death": "no_medical_cause",
        **dict.fromkeys(FACTORS, "no"),
    }
    row.update(codes)
    return row


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    """Ten SUDI with a report in 2011-14 (six in a hazardous sleep environment, five of them
    co-sleeping, four of those with an impaired carer), two without a report, a death of
    another category; three SUDI in 2014-17."""
    rows = []
    for i in range(10):
        codes = {}
        if i < 6:
            codes["hazardous_sleep_environment"] = "yes"
            codes["co_sleeping"] = "yes" if i < 5 else "no"
            if i < 5:
                codes["carer_impaired"] = "yes" if i < 4 else "no"
        if i == 9:
            codes["hazardous_sleep_environment"] = "not_recorded"
        if i in (0, 1):
            codes["parent_alcohol_misuse"] = "yes"
        if i in (1, 2):
            codes["parent_drug_misuse"] = "yes"
        if i < 7:
            codes["csc_ever_involved"] = "yes"
        if i in (0, 1):
            codes["cp_plan_ever"] = "yes"
        if i == 2:
            codes["csc_status_at_incident"] = "open_child_protection_plan"
        codes["age_months"] = str([0, 1, 1, 2, 2, 2, 3, 4, 8, 19][i])
        rows.append(_infant(i, **codes))
    rows.append(_infant(10, final_report_available="no", age_months="1"))
    rows.append(_infant(11, final_report_available="no", age_months=""))
    rows.append(
        _infant(
            12, death_category="fatal_physical_assault", medical_cause_of_death="acute_condition"
        )
    )
    rows += [_infant(20 + i, "2014-17", age_months="3") for i in range(3)]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def table(cases) -> pd.DataFrame:
    return sudi.circumstances_table(cases)


def _row(table, period, item):
    return table[(table["review_period"] == period) & (table["item"] == item)].iloc[0]


def test_each_item_is_counted_over_the_papers_nested_base(table):
    expected = {
        "hazardous_sleep": (6, 10),
        "co_sleeping": (5, 6),
        "carer_impaired": (4, 5),
        "parent_substance": (3, 10),  # alcohol or drug misuse: three infants, one with both
        "social_care_support": (7, 10),
        "cp_plan": (3, 7),  # a plan ever (two) or at the time (one), of those supported
        "neglect": (0, 10),
    }
    for item, (count, base) in expected.items():
        row = _row(table, "2011-14", item)
        assert (row["count"], row["denominator_count"]) == (count, base), item
        assert row["percent"] == pytest.approx(100 * count / base)
    # the nested bases are the children counted one level up, the same units
    hazardous, co = _row(table, "2011-14", "hazardous_sleep"), _row(table, "2011-14", "co_sleeping")
    assert co[PREFIX + "denominator_count"] == hazardous[PREFIX + "count"]
    assert _row(table, "2011-14", "hazardous_sleep")["base"] == "of SUDI with a final report"
    assert _row(table, "2011-14", "carer_impaired")["base"] == "of those co-sleeping"


def test_not_recorded_stays_in_the_base(table):
    # the tenth infant's sleep environment was not recorded: in the ten, not among the six
    row = _row(table, "2011-14", "hazardous_sleep")
    assert row["denominator_count"] == 10 and row["count"] == 6


def test_the_papers_figures_come_from_the_register_for_its_period_only(table):
    row = _row(table, "2011-14", "hazardous_sleep")
    published = figure("sudi2011_hazardous_sleep")
    assert row["figure_id"] == "sudi2011_hazardous_sleep"
    assert (row["published_n"], row["published_of"]) == (
        published["value"],
        published["denominator"],
    )
    assert row["published_percent"] == pytest.approx(100 * 18 / 27)
    assert row["stated"] == "18 of 27"
    assert row["citation"] == "Garstang and Sidebotham, Arch Dis Child 104(1)"
    later = _row(table, "2014-17", "hazardous_sleep")
    assert later["figure_id"] == "" and later["stated"] == "not published"
    assert np.isnan(later["published_percent"]) and later["verdict"] == ""
    assert set(table.attrs[PUBLISHED_COLUMNS]) == {
        "published_n",
        "published_of",
        "published_percent",
    }


def test_the_verdict_says_where_the_papers_share_falls(table):
    # 6 of 10 (95% interval 31-83%) holds 18 of 27 (67%); 0 of 10 (0-28%) does not hold 15 of 27
    assert _row(table, "2011-14", "hazardous_sleep")["verdict"] == "inside the interval"
    assert _row(table, "2011-14", "neglect")["verdict"] == "outside the interval"
    sentence = sudi.sudi_sentence(table)
    assert sentence.startswith("2011-14: the paper's share lies inside the recomputed 95%")
    assert "outside it for" in sentence and "neglect a feature" in sentence


def test_every_item_has_a_row_in_each_period_even_with_no_sudi(table):
    assert len(table) == 2 * len(sudi.ITEMS)
    later = table[table["review_period"] == "2014-17"]
    assert (later["denominator_count"] == 3).sum() == 8  # the report-based items of 3 infants
    assert _row(table, "2014-17", "co_sleeping")["denominator_count"] == 0


def test_the_ages_give_the_median_and_the_extremes_with_those_at_each_end(cases):
    ages = sudi.age_summary(cases).set_index(["review_period", "statistic"])
    first = ages.loc["2011-14"]
    # the eleven SUDI with an age: 0 1 1 1 2 2 2 3 4 8 19 (one without)
    assert first.loc["median", "months"] == 2
    assert first.loc["youngest", "months"] == 0 and first.loc["oldest", "months"] == 19
    assert first.loc["median", "count"] == 11 and first.loc["median", "denominator_count"] == 12
    assert first.loc["median", IMPLIED] is None
    assert first.loc["youngest", IMPLIED] == (("2011-r00",),)
    assert first.loc["oldest", IMPLIED] == (("2011-r09",),)
    assert first.loc["median", "stated"] == figure("sudi2011_median_age")["statement"]
    assert ages.loc[("2014-17", "oldest"), "stated"] == "not published"
    text = sudi.age_sentence(sudi.age_summary(cases))
    assert text.startswith("2011-14: median 2 months, youngest 0, oldest 19, among the 11 SUDI")


def test_a_withheld_extreme_reads_withheld():
    ages = pd.DataFrame(
        {
            "review_period": ["2011-14"] * 3,
            "statistic": list(sudi.AGE_STATISTICS),
            "months": [2.0, np.nan, np.nan],
            "count": [30] * 3,
            "stated": ["not published"] * 3,
        }
    )
    assert sudi.age_sentence(ages) == (
        "2011-14: median 2 months, youngest withheld, oldest withheld, among the 30 SUDI with "
        "an age in months."
    )


def test_the_medical_cause_is_counted_among_deaths(cases):
    causes = sudi.medical_causes(cases)
    first = causes[causes["review_period"] == "2011-14"].set_index("medical_cause_of_death")
    assert first.loc["acute_condition", "count"] == 1
    assert first.loc["no_medical_cause", "count"] == 12
    assert (first["denominator_count"] == 13).all()
    assert len(causes) == 10  # every code in both periods


def test_published_context_says_what_the_register_lacks():
    context = sudi.published_context(("sudi2011_sudi_count", "no_such_figure"))
    assert context["in_register"].tolist() == [True, False]
    assert context.loc[1, "statement"] == "not in the register"
    assert context.attrs["public_counts"]


def test_the_calibration_sentence_counts_the_targets_among_the_figures(table):
    targets = frozenset({"sudi2011_hazardous_sleep", "sudi2011_co_sleeping"})
    text = sudi.calibration_sentence(table, targets, synthetic=True)
    assert text.startswith("On the shipped synthetic data 2 of the 11 published figures")
    assert "agree by construction" in text and "The others follow assumptions" in text
    every = frozenset(f for f in table["figure_id"] if f)
    assert sudi.calibration_sentence(table, every, synthetic=True).startswith(
        "On the shipped synthetic data all 11 published figures here were calibration targets"
    )
    assert "a check of your coding" in sudi.calibration_sentence(table, targets, synthetic=False)


# --- the figures --------------------------------------------------------------------------


def test_the_bars_put_the_paper_beside_its_period(table):
    bars = charts.comparison_bars(table, "sleep")
    assert list(bars["series"][:3]) == [
        "2011-14 recomputed",
        "2011-14 published",
        "2014-17 recomputed",
    ]
    assert bars["label"].iloc[0] == "Hazardous sleep environment, of SUDI with a final report"
    published = bars[bars["series"] == "2011-14 published"]
    assert published["percent"].round(1).tolist() == [66.7, 88.9, 81.2]


def test_the_title_counts_the_items_whose_published_share_lies_inside(table):
    assert charts.comparison_title(table, "sleep") == (
        "The SUDI paper's share lies inside the recomputed 95% interval for every one of the "
        "three sleep circumstances, 2011-14"
    )
    family = charts.comparison_title(table, "family")
    assert family.startswith("The SUDI paper's share lies inside the recomputed 95% interval for ")
    assert " of 8 family factors, 2011-14" in family
    withheld = table.assign(verdict=np.where(table["item"] == "co_sleeping", "c", table["verdict"]))
    assert charts.comparison_title(withheld, "sleep").endswith("shown, 2011-14 (1 withheld)")


def test_the_charts_carry_alt_text_and_sources(table, cases):
    chart = charts.sudi_comparison(table, "sleep")
    assert "Published: hazardous sleep environment 18 of 27" in chart.alt_text
    assert (
        chart.source_note
        == "Source: coded case data; Garstang and Sidebotham, Arch Dis Child 104(1)."
    )
    causes = charts.medical_causes_chart(sudi.medical_causes(cases))
    assert causes.fig.texts[0].get_text().startswith("No medical cause of death: 92% of deaths")
    assert "2011-14 Acute medical condition 8%" in causes.alt_text


def test_protected_tables_draw_gaps_and_words_not_nan(table, cases):
    protected = protect(table)
    assert protected["count_marker"].eq("c").any()
    for group in ("sleep", "family"):
        chart = charts.sudi_comparison(protected, group)
        assert not NOT_A_VALUE.search(chart.alt_text), group
        assert not NOT_A_VALUE.search(chart.fig.texts[0].get_text()), group
    sleep = charts.sudi_comparison(protected, "sleep")
    assert "[c] suppressed" in sleep.alt_text
    causes = charts.medical_causes_chart(protect(sudi.medical_causes(cases)))
    assert "[c] suppressed" in causes.fig.texts[0].get_text()
    assert not NOT_A_VALUE.search(causes.alt_text)
