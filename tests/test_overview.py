"""Overview and children tables: every review counted once, published values read, not typed."""

import numpy as np
import pandas as pd
import pytest

from analysis import load_cases
from analysis.casedata.codebook import load_codebook
from analysis.chapters.children import (
    age_share_series,
)
from analysis.chapters.overview import (
    CHILDREN_COMPARISONS,
    OUTCOME_GROUPS,
    OVERVIEW_COMPARISONS,
    Comparison,
    death_category_table,
    death_group_table,
    outcome_group,
    preliminary_death_split,
    published_averages,
    published_rows,
    recomputed_vs_published,
    reviews_by_year_and_group,
)
from analysis.charts.chapter_children import age_share_points
from analysis.charts.chapter_overview import yearly_lines
from analysis.reference.published import figure
from analysis.stats.measures import reviews
from analysis.stats.members import PREFIX


@pytest.fixture(scope="module")
def both():
    return load_cases()


@pytest.fixture(scope="module")
def by_period(both):
    return {p: load_cases(period=p) for p in ("2011-14", "2014-17")}


def test_outcome_group_follows_the_codebook_definitions(both):
    groups = outcome_group(both)
    cb = load_codebook()
    direct = both["death_category"].isin(cb.codes_for("death_directly_caused"))
    related = both["death_category"].isin(cb.codes_for("death_related_not_directly_caused"))
    assert (groups[both["outcome"] == "serious_harm"] == "serious_harm").all()
    assert (groups[direct] == "death_directly_caused").all()
    assert (groups[related] == "death_related_not_directly_caused").all()
    assert set(groups) <= set(OUTCOME_GROUPS)


def test_a_death_without_category_is_its_own_group(by_period):
    cases = by_period["2011-14"].copy()
    first_death = cases.index[cases["outcome"] == "death"][0]
    cases.loc[first_death, "death_category"] = "not_recorded"
    assert outcome_group(cases).loc[first_death] == "death_not_recorded"
    table = death_group_table(cases, by=None)
    assert "death_not_recorded" in set(table["outcome_group"])
    assert table["count"].sum() == (cases["outcome"] == "death").sum()


def test_a_death_in_neither_group_is_not_a_death_without_category(by_period):
    cases = by_period["2011-14"]
    neither = cases["death_category"].isin(
        ["not_related_to_maltreatment", "perpetrated_outside_family", "unclassifiable"]
    )
    assert neither.sum() == 14  # S15: 5 + 6 + 3
    groups = outcome_group(cases)
    assert (groups[neither] == "death_neither_group").all()
    assert not (groups == "death_not_recorded").any()
    table = death_group_table(cases, by=None).set_index("outcome_group")
    assert table.loc["death_neither_group", "count"] == 14
    assert table.loc["death_not_recorded", "count"] == 0
    assert table["count"].sum() == (cases["outcome"] == "death").sum()


def test_reviews_by_year_counts_each_review_once(both):
    table = reviews_by_year_and_group(both)
    per_period = table.groupby("review_period")["reviews_count"].sum()
    expected = reviews(both).groupby("review_period", observed=True).size()
    assert per_period.to_dict() == {str(k): v for k, v in expected.items()}
    # every year of each period, for every group, even at zero
    for period, rows in table.groupby("review_period"):
        assert list(dict.fromkeys(rows["incident_year"])) == list(
            load_codebook(period).incident_years
        )
        assert rows.groupby("incident_year").size().nunique() == 1
    # no shipped death lacks its category: the group is a row of zeros, not a missing row,
    # and only the chart leaves out its flat line
    not_recorded = table["outcome_group"] == "death_not_recorded"
    assert not_recorded.any() and (table.loc[not_recorded, "reviews_count"] == 0).all()
    assert table.loc[not_recorded, PREFIX + "reviews_count"].map(len).eq(0).all()
    assert "death_not_recorded" not in set(yearly_lines(table)["outcome_group"])


@pytest.mark.parametrize("missing", [np.nan, pd.NA], ids=["NaN", "NA (a protected table)"])
def test_the_chart_keeps_a_withheld_not_recorded_line(both, missing):
    table = reviews_by_year_and_group(both)
    table = table[table["outcome_group"] != "death_neither_group"]  # a file coded before it
    not_recorded = table["outcome_group"] == "death_not_recorded"
    withheld = table.assign(reviews_count=table["reviews_count"].astype("Float64"))
    withheld.loc[not_recorded.idxmax(), "reviews_count"] = missing  # suppressed, not a zero
    assert "death_not_recorded" in set(yearly_lines(withheld)["outcome_group"])
    # where the group in neither is counted too, the withheld year is withheld in their line
    full = reviews_by_year_and_group(both).astype({"reviews_count": "Int64"})
    full.loc[full["outcome_group"] == "death_not_recorded", "reviews_count"] = 0
    full.loc[(full["outcome_group"] == "death_not_recorded").idxmax(), "reviews_count"] = pd.NA
    merged = yearly_lines(full).query("outcome_group == 'death_neither_or_not_recorded'")
    assert merged["reviews_count"].isna().sum() == 1


def test_the_chart_draws_one_line_for_deaths_in_neither_group_and_not_recorded(both):
    cases = both.copy()
    first_death = cases.index[cases["outcome"] == "death"][0]  # 2011-12: 5 in neither group
    cases.loc[first_death, "death_category"] = "not_recorded"
    table = reviews_by_year_and_group(cases)
    assert table["outcome_group"].nunique() == 5  # the table keeps every group
    withheld = table.assign(reviews_count=table["reviews_count"].astype("float64"))
    neither = (withheld["outcome_group"] == "death_neither_group") & (
        withheld["incident_year"] == "2012-13"
    )
    withheld.loc[neither, "reviews_count"] = np.nan
    withheld["reviews_count_marker"] = np.where(neither, "c", "")
    drawn = yearly_lines(withheld)
    assert drawn["outcome_group"].nunique() == 4
    merged = drawn[drawn["outcome_group"] == "death_neither_or_not_recorded"]
    assert merged["outcome_group_label"].unique().tolist() == [
        "Deaths in neither group or not recorded"
    ]
    counts = table[table["outcome_group"].isin(["death_neither_group", "death_not_recorded"])]
    expected = counts.groupby("incident_year", sort=False)["reviews_count"].sum()
    by_year = merged.set_index("incident_year")
    assert np.isnan(by_year.loc["2012-13", "reviews_count"])  # withheld where either is
    assert by_year.loc["2012-13", "reviews_count_marker"] == "c"
    shown = by_year["reviews_count"].dropna()
    assert shown.to_dict() == expected[shown.index].astype(float).to_dict()
    assert by_year.loc["2011-12", "reviews_count"] == expected["2011-12"]  # 4 + 1
    # the merged line sits where the neither group was, year by year
    first_year = drawn[drawn["incident_year"] == "2011-12"]["outcome_group"].tolist()
    assert first_year == [
        "death_directly_caused",
        "death_related_not_directly_caused",
        "death_neither_or_not_recorded",
        "serious_harm",
    ]


def test_yearly_death_groups_average_to_the_measures(both, by_period):
    table = reviews_by_year_and_group(both)
    compared = recomputed_vs_published(by_period, OVERVIEW_COMPARISONS)
    for measure, group in [
        ("deaths_per_year", "death_directly_caused"),
        ("serious_harm_per_year", "serious_harm"),
    ]:
        for period in ("2011-14", "2014-17"):
            rows = table[(table["review_period"] == period) & (table["outcome_group"] == group)]
            value = compared[
                (compared["measure"] == measure) & (compared["review_period"] == period)
            ]
            assert rows["reviews_count"].mean() == pytest.approx(value["recomputed_value"].item())


def test_death_group_shares_add_to_all_deaths(both):
    table = death_group_table(both)
    for period, rows in table.groupby("review_period"):
        deaths = reviews(both[both["review_period"] == period])
        assert rows["count"].sum() == (deaths["outcome"] == "death").sum()
        assert rows["percent"].sum() == pytest.approx(100)
        assert (rows["ci_low_percent"] <= rows["percent"]).all()
        assert (rows["percent"] <= rows["ci_high_percent"]).all()


def test_child_level_counts_siblings(both):
    later = both[both["review_period"] == "2014-17"]
    children = death_group_table(later, by=None, level="child")["count"].sum()
    assert children == (later["outcome"] == "death").sum()
    with pytest.raises(ValueError):
        death_group_table(later, level="family")


def test_death_categories_keep_every_code_and_name_their_group(both):
    table = death_category_table(both)
    codes = list(load_codebook().variables["death_category"].codes)
    for _, rows in table.groupby("review_period"):
        assert list(rows["death_category"]) == codes
        assert rows["count"].sum() == rows["denominator_count"].iloc[0]
    direct = load_codebook().codes_for("death_directly_caused")
    assert set(table.loc[table["death_category"].isin(direct), "outcome_group"]) == {
        "death_directly_caused"
    }
    assert (table["label"] != table["death_category"]).all()  # codebook labels, not codes


def test_comparisons_read_published_values_and_name_the_calibration(by_period):
    table = recomputed_vs_published(by_period, OVERVIEW_COMPARISONS)
    assert list(table["figure_id"]) == [c.figure_id for c in OVERVIEW_COMPARISONS]
    harm = table.set_index("figure_id").loc["p2009_14_serious_harm_per_year"]
    assert harm["published_period"] == "2009-14"
    assert harm["review_period"] == "2011-14"
    assert harm["calibrated_to"] == "S02"
    deaths = table.set_index("figure_id").loc["p2011_deaths_per_year"]
    assert deaths["published"] == f"about {figure('p2011_deaths_per_year')['value']:g} a year"
    assert deaths["numerator"] == 3 * deaths["recomputed_value"]


def test_a_missed_figure_does_not_agree(by_period):
    cases = by_period["2011-14"]
    fewer = cases[cases["final_report_available"] == "no"]
    table = recomputed_vs_published({"2011-14": fewer}, OVERVIEW_COMPARISONS)
    assert not table.set_index("figure_id").loc["p2011_final_reports", "agrees"]


def test_comparisons_leave_out_periods_without_data(by_period):
    table = recomputed_vs_published({"2011-14": by_period["2011-14"]}, OVERVIEW_COMPARISONS)
    assert set(table["review_period"]) == {"2011-14"}
    empty = recomputed_vs_published({}, OVERVIEW_COMPARISONS)
    assert empty.empty and "agrees" in empty.columns


def test_percentage_comparisons_carry_a_wilson_interval(by_period):
    table = recomputed_vs_published(by_period, CHILDREN_COMPARISONS)
    row = table.iloc[0]
    assert row["ci_low"] < row["recomputed_value"] < row["ci_high"]
    counts = recomputed_vs_published(by_period, [Comparison("2011-14", "scrs_count", "p2011_scrs")])
    assert np.isnan(counts["ci_low"].iloc[0])


def test_age_series_keeps_published_and_recomputed_apart(by_period):
    series = age_share_series({"2011-14": by_period["2011-14"]}, recomputed_label="TEST")
    published = series[series["kind"] == "published"].set_index("figure_id")
    for fid in ["p2003_age_under_1", "p2007_age_under_1", "p2009_age_under_1", "p2011_age_11_17"]:
        assert published.loc[fid, "percent"] == figure(fid)["value"]
    earlier = published.loc["pre2011_age_11_17"]
    assert np.isnan(earlier["percent"])
    assert earlier["percent_low"] == figure("pre2011_age_11_17")["value_low"]
    recomputed = series[series["kind"] == "recomputed"].set_index("share")
    assert not recomputed.loc["age_under_1", "published_same_period"]  # 2011-14 not published
    assert recomputed.loc["age_11_17", "published_same_period"]
    assert recomputed["source"].str.contains("TEST").all()
    assert (recomputed["figure_id"] == "").all()


def test_preliminary_split_is_arithmetic_on_published_counts():
    table = preliminary_death_split()
    counts = [figure(f)["value"] for f in table["figure_id"]]
    assert list(table["count"]) == counts
    assert (table["denominator_count"] == sum(counts)).all()
    assert table["percent"].sum() == pytest.approx(100)


def test_published_rows_keep_order_and_wording():
    ids = ["p2011_age_11_17", "pre2011_age_11_17"]
    table = published_rows(ids)
    assert list(table["figure_id"]) == ids
    earlier = figure("pre2011_age_11_17")
    assert table["stated"].iloc[1] == f"{earlier['value_low']:g}-{earlier['value_high']:g}%"
    assert table["statement"].iloc[0] == figure("p2011_age_11_17")["statement"]


def test_points_drawn_leave_out_recomputed_values_that_are_published(by_period):
    series = age_share_series({"2011-14": by_period["2011-14"]}, recomputed_label="TEST")
    points = age_share_points(series)
    recomputed = points[points["kind"] == "recomputed"]
    assert list(recomputed["share"]) == ["age_under_1"]
    assert (points["kind"] == "published").sum() == (series["kind"] == "published").sum()


def test_published_averages_keep_the_per_year_measures_with_their_values(by_period):
    compared = recomputed_vs_published(by_period, OVERVIEW_COMPARISONS)
    averages = published_averages(compared)
    assert set(averages["measure"]) == {"deaths_per_year", "serious_harm_per_year"}
    for row in averages.itertuples():
        assert row.published_value == figure(row.figure_id)["value"]
