"""Chapter 11, categories of neglect: each table counted over its base, the published context
read from the register, and the words and figures built from them."""

import numpy as np
import pandas as pd
import pytest

from analysis.chapters import neglect_categories as chapter
from analysis.charts import chapter_neglect as charts
from analysis.publish.disclosure import protect
from analysis.publish.run import NOT_A_VALUE
from analysis.reference.published import figure
from analysis.stats.members import PREFIX, PUBLISHED_COLUMNS


def _child(i: int, period: str = "2011-14", **codes) -> dict:
    row = {
        "case_id": f"{period[:4]}-{i:02d}",
        "review_id": f"{period[:4]}-r{i:02d}",
        "review_period": period,
        "outcome": "death",
        "age_band": "under_1",
        "final_report_available": "yes",
        "neglect_feature": "no",
        "neglect_category": "",
        "cp_plan_ever": "no",
        "csc_status_at_incident": "not_known_to_csc",
        "cp_plan_category": "",
        "looked_after_ever": "no",
        "cp_plan_child_or_sibling": "no",
    }
    row.update(codes)
    return row


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    """2011-14: eight children with neglect as a feature and a report (four medical, three
    accident, one not recorded), one with neglect and no report, three without neglect; five
    with a plan (three neglect, one physical, one at the time with its category not recorded).
    2014-17: two children of one review with neglect (one deprivational), seriously harmed."""
    rows = []
    categories = ["medical"] * 4 + ["accident"] * 3 + ["not_recorded"]
    for i, category in enumerate(categories):
        rows.append(
            _child(
                i,
                neglect_feature="yes",
                neglect_category=category,
                outcome="death" if i < 5 else "serious_harm",
                age_band="under_1" if i < 6 else "11_15",
            )
        )
    rows.append(_child(8, neglect_feature="yes", final_report_available="no"))
    rows += [_child(9 + i) for i in range(3)]
    plans = {0: "neglect", 1: "neglect", 2: "neglect", 9: "physical_abuse"}
    for i, category in plans.items():
        rows[i].update(
            cp_plan_ever="yes", cp_plan_category=category, cp_plan_child_or_sibling="yes"
        )
    rows[10].update(
        csc_status_at_incident="open_child_protection_plan", cp_plan_category="not_recorded"
    )
    rows[11].update(looked_after_ever="yes", cp_plan_child_or_sibling="not_recorded")
    later = [
        _child(
            20,
            "2014-17",
            neglect_feature="yes",
            neglect_category="deprivational",
            outcome="serious_harm",
        ),
        _child(
            21,
            "2014-17",
            neglect_feature="yes",
            neglect_category="other_neglect",
            outcome="serious_harm",
        ),
    ]
    later[1]["review_id"] = later[0]["review_id"]  # siblings of one review
    return pd.DataFrame(rows + later)


def test_the_category_is_counted_among_children_with_neglect_and_a_report(cases):
    table = chapter.neglect_categories(cases)
    first = table[table["review_period"] == "2011-14"].set_index("neglect_category")
    assert first["denominator_count"].unique().tolist() == [8]
    assert first.loc["medical", "count"] == 4 and first.loc["accident", "count"] == 3
    assert first.loc["not_recorded", "count"] == 1 and first.loc["sudi", "count"] == 0
    assert first.loc["medical", "percent"] == 50
    assert len(first) == 9  # every category of the codebook, "not recorded" among them
    later = table[table["review_period"] == "2014-17"].set_index("neglect_category")
    assert later.loc["deprivational", "count"] == 1 and later["denominator_count"].iloc[0] == 2
    assert later.loc["deprivational", PREFIX + "count"] == ("2014-r20",)


def test_by_outcome_and_age_every_group_has_every_category(cases):
    by_outcome = chapter.neglect_categories(cases, "outcome")
    assert len(by_outcome) == 2 * 2 * 9
    harm = by_outcome[
        (by_outcome["review_period"] == "2011-14") & (by_outcome["outcome"] == "serious_harm")
    ].set_index("neglect_category")
    assert harm.loc["accident", "count"] == 2 and harm["denominator_count"].iloc[0] == 3
    by_age = chapter.neglect_categories(cases, "age_band")
    assert len(by_age) == 2 * 5 * 9
    wide = chapter.percent_wide(by_age, "age_band")
    assert wide.loc["Medical neglect", ("2011-14", "Under 1")] == pytest.approx(4 / 6 * 100)


def test_plan_categories_are_of_children_with_a_plan_now_or_before(cases):
    plans = chapter.plan_categories(cases)
    first = plans[plans["review_period"] == "2011-14"].set_index("cp_plan_category")
    assert first["denominator_count"].iloc[0] == 5  # four ever, one at the time only
    assert first.loc["neglect", "count"] == 3
    assert first.loc["not_recorded", "count"] == 1
    comparison = chapter.plan_categories_vs_published(plans)
    neglect = comparison[comparison["cp_plan_category"] == "neglect"].set_index("source")
    assert neglect.loc["2011-14 recomputed", "percent"] == 60
    assert (
        neglect.loc[chapter.SCR_SAMPLE, "percent"]
        == figure("neg2005_11_cp_cat_neglect_only")["value"]
    )
    assert neglect.loc[chapter.NATIONAL, "percent"] == 45
    multiple = comparison[
        (comparison["cp_plan_category"] == "multiple")
        & (comparison["source"] == chapter.SCR_SAMPLE)
    ].iloc[0]
    assert np.isnan(multiple["percent"]) and multiple["marker"] == "16% + 6%"
    assert neglect.loc[chapter.SCR_SAMPLE, PREFIX + "count"] is None  # counts no one
    assert "not_recorded" not in set(comparison["cp_plan_category"])


def test_the_briefings_figure_is_set_beside_2014_17_or_said_to_be_absent(cases, monkeypatch):
    plans = chapter.plan_categories(cases)
    check = chapter.plan_neglect_check(plans)
    assert check["review_period"].tolist() == ["2011-14"]  # the file has no plan in 2014-17
    both = pd.concat(
        [plans, plans.assign(review_period="2014-17", review_period_label="2014-17")],
        ignore_index=True,
    )
    held = pd.Series({"value": 50.0, "denominator": 84.0, "statement": "50 out of 84"})
    monkeypatch.setattr(chapter, "_held", lambda figure_id: held)
    check = chapter.plan_neglect_check(both).set_index("review_period")
    assert check.loc["2014-17", "figure_id"] == chapter.PLAN_NEGLECT_FIGURE
    assert check.loc["2014-17", "published_percent"] == pytest.approx(100 * 50 / 84)
    # 3 of 5 (60%, interval 23-88%) holds 59.5%
    assert check.loc["2014-17", "verdict"] == "inside the interval"
    assert check.loc["2011-14", "figure_id"] == "" and check.loc["2011-14", "verdict"] == ""
    assert set(check.attrs[PUBLISHED_COLUMNS]) == {
        "published_n",
        "published_of",
        "published_percent",
    }
    monkeypatch.setattr(chapter, "_held", lambda figure_id: None)
    absent = chapter.plan_neglect_check(both).set_index("review_period")
    assert absent.loc["2014-17", "stated"] == "not in the register"
    assert "not in the register" in chapter.plan_neglect_sentence(
        absent.reset_index(), frozenset(), synthetic=True
    )


def test_the_plan_sentence_says_when_agreement_is_by_construction():
    check = pd.DataFrame(
        {
            "review_period": ["2014-17"],
            "count": [50],
            "denominator_count": [84],
            "percent": [59.5],
            "ci_low_percent": [48.8],
            "ci_high_percent": [69.4],
            "figure_id": ["f"],
            "stated": ["as stated"],
            "published_percent": [59.5],
            "verdict": ["outside the interval"],
        }
    )
    text = chapter.plan_neglect_sentence(check, frozenset(), synthetic=True)
    assert "lies outside the interval" in text and "by construction" not in text
    assert "by construction" in chapter.plan_neglect_sentence(check, frozenset({"f"}), True)
    withheld = check.assign(percent=np.nan)
    assert "withheld with a small count" in chapter.plan_neglect_sentence(
        withheld, frozenset(), True
    )


def test_items_ever_count_yes_and_not_recorded_in_rows_of_their_own(cases):
    ever = chapter.ever_items(cases)
    first = ever[(ever["review_period"] == "2011-14") & (ever["base"] == "of all children")]
    rows = first.set_index(["variable", "answer"])
    assert rows.loc[("cp_plan_ever", "yes"), "count"] == 4
    assert rows.loc[("cp_plan_ever", "yes"), "denominator_count"] == 12
    assert rows.loc[("looked_after_ever", "yes"), "count"] == 1
    assert rows.loc[("cp_plan_child_or_sibling", "not_recorded"), "count"] == 1
    assert set(ever["answer"]) == {"yes", "not_recorded"}  # "no" is the rest of the base
    deaths = ever[(ever["review_period"] == "2011-14") & (ever["base"] == "of children who died")]
    deaths = deaths.set_index("answer")
    assert deaths.loc["yes", "count"] == 4 and deaths.loc["yes", "denominator_count"] == 9
    assert deaths.loc["yes", "figure_id"] == chapter.CHILD_OR_SIBLING_FIGURE
    assert deaths.loc["yes", "published_percent"] == 29.5
    assert deaths.loc["not_recorded", "figure_id"] == ""
    assert (ever.loc[ever["base"] == "of all children", "figure_id"] == "").all()


# --- the figures --------------------------------------------------------------------------


def test_a_category_stands_out_only_when_its_interval_clears_every_other():
    table = pd.DataFrame(
        {
            "review_period": ["p"] * 3,
            "neglect_category": ["medical", "accident", "not_recorded"],
            "label": ["Medical neglect", "Accident", "Not recorded"],
            "percent": [60.0, 20.0, 20.0],
            "ci_low_percent": [50.0, 12.0, 12.0],
            "ci_high_percent": [70.0, 30.0, 30.0],
        }
    )
    assert charts.neglect_categories_title(table).startswith(
        "Medical neglect was the most common category of neglect in p"
    )
    close = table.assign(ci_low_percent=[25.0, 12.0, 12.0])
    assert charts.neglect_categories_title(close).startswith("No category of neglect stands out")
    withheld = table.assign(percent=[60.0, np.nan, 20.0])
    assert "none can be called the most common" in charts.neglect_categories_title(withheld)
    # "not recorded" is not a category: withheld, it does not block the claim
    unrecorded = table.assign(percent=[60.0, 20.0, np.nan])
    assert charts.neglect_categories_title(unrecorded).startswith("Medical neglect was")


def test_the_charts_are_drawn_from_the_tables(cases):
    categories = chapter.neglect_categories(cases)
    chart = charts.neglect_categories_chart(categories)
    assert "(2011-14: 8 children; 2014-17: 2 children)" in chart.fig.texts[1].get_text()
    plans = chapter.plan_categories(cases)
    comparison = chapter.plan_categories_vs_published(plans)
    assert charts.plan_categories_title(comparison) == (
        "Neglect was the category of the plan for 60% of children with a plan in 2011-14 "
        "(2005-11 SCR sample: 42%)"
    )
    plan_chart = charts.plan_categories_chart(comparison)
    assert "SCR sample 2005-11: neglect 42%" in plan_chart.alt_text
    ever = chapter.ever_items(cases)
    assert charts.ever_title(ever) == (
        "A child protection plan for the child or a sibling: 33% of children in 2011-14, "
        "0% in 2014-17"
    )
    ever_chart = charts.ever_chart(ever)
    assert set(ever_chart.data["review_period"]) == {"2011-14", "2014-17"}
    assert "Published for fatal cases: 29.5% (2005-09)." in ever_chart.alt_text


def test_protected_tables_draw_gaps_and_words_not_nan(cases):
    categories = protect(chapter.neglect_categories(cases))
    chart = charts.neglect_categories_chart(categories)
    assert chart.fig.texts[0].get_text().startswith("Categories of neglect in 2011-14 and 2014-17")
    assert "[c] suppressed" in chart.alt_text and not NOT_A_VALUE.search(chart.alt_text)
    plans = chapter.plan_categories(cases)
    comparison = protect(chapter.plan_categories_vs_published(plans))
    plan_chart = charts.plan_categories_chart(comparison)
    assert "[c] suppressed" in plan_chart.fig.texts[0].get_text()
    assert not NOT_A_VALUE.search(plan_chart.alt_text)
    ever = protect(chapter.ever_items(cases))
    ever_chart = charts.ever_chart(ever)
    assert not NOT_A_VALUE.search(ever_chart.alt_text + ever_chart.fig.texts[0].get_text())
    check = protect(chapter.plan_neglect_check(plans))
    assert "withheld with a small count" in chapter.plan_neglect_sentence(
        check, frozenset(), synthetic=False
    )


def test_the_2003_11_themes_are_read_from_the_register_beside_their_categories():
    themes = chapter.neglect_theme_context().set_index("neglect_category")
    assert set(themes.index) <= set(chapter.all_variables()["neglect_category"].valid_codes)
    assert themes.loc["sudi", "stated"] == "10 of 46"
    assert (
        themes.loc["deprivational", "statement"]
        == figure("neg2003_11_theme_malnutrition")["statement"]
    )
    assert (themes["review_period"] == "2003-11").all()
    assert themes.attrs["public_counts"]
