"""Ten years in context: windows, sources, gaps, rates, indices and the public-statistics run."""

import math

import pandas as pd
import pytest

from analysis import load_cases
from analysis.chapters.activity import (
    activity_index_yearly,
    activity_yearly,
    ofsted_yearly,
    reviews_against_activity,
    reviews_per_enquiries,
)
from analysis.chapters.trends import (
    ACTIVITY_SERIES,
    BASE_PERIOD,
    EARLIER_BASIS,
    LATEST_BASIS,
    analyses_table,
    period_window,
    population_by_year,
    population_series,
    published_per_year,
    rates_per_100000,
    window_mean,
    window_years,
)
from analysis.charts.chapter_trends import analyses_figure
from analysis.charts.style import GID_STAMP, SYNTHETIC_STAMP
from analysis.paths import PUBLISHED_DIR
from analysis.publish.run import (
    PUBLIC_STATISTICS_LABEL,
    public_statistics_run,
)
from analysis.reference.context import yearly
from analysis.reference.published import figure, load_published
from analysis.stats.inference import rate

# --- windows ------------------------------------------------------------------------------


def test_window_years_weights_each_year_by_its_share_in_the_window():
    assert window_years("2011-04-01", "2014-03-31") == {
        "2011-12": 1.0,
        "2012-13": 1.0,
        "2013-14": 1.0,
    }
    # 2017-19 ends on 30 September 2019: half of 2019-20
    assert window_years(*period_window("2017-19"))["2019-20"] == pytest.approx(0.5, abs=0.01)
    assert sum(window_years("2009-04-01", "2014-03-31").values()) == pytest.approx(5.0)


def test_period_window_reads_analyses_and_plain_labels():
    start, end = period_window("2017-19")
    assert (str(start.date()), str(end.date())) == ("2017-04-01", "2019-09-30")
    start, end = period_window("2009-14")
    assert (str(start.date()), str(end.date())) == ("2009-04-01", "2014-03-31")
    with pytest.raises(ValueError):
        period_window("Ofsted year 2 (dates not stated)")


def test_window_mean_leaves_out_missing_years_and_says_so():
    values = pd.Series({"2011-12": float("nan"), "2012-13": 10.0, "2013-14": 20.0})
    result = window_mean(values, "2011-04-01", "2014-03-31")
    assert result["mean"] == pytest.approx(15.0)
    assert (result["years_covered"], result["years_in_window"]) == (2.0, 3.0)
    assert result["years_used"] == "2012-13; 2013-14"
    empty = window_mean(values, "2001-04-01", "2003-03-31")
    assert math.isnan(empty["mean"]) and empty["years_covered"] == 0


def test_window_mean_weights_a_part_year():
    values = pd.Series({"2017-18": 10.0, "2018-19": 10.0, "2019-20": 40.0})
    result = window_mean(values, "2017-04-01", "2019-09-30")
    assert result["mean"] == pytest.approx((10 + 10 + 0.5 * 40) / 2.5)


# --- the national analyses -----------------------------------------------------------------


def test_analyses_table_keeps_sources_and_gaps():
    table = analyses_table().set_index("review_period")
    published = load_published().set_index("figure_id")
    for period, row in table.iterrows():
        if row["count_status"] == "published":
            source = published.loc[row["figure_id"]]
            assert source["measure"] == "scrs_count"
            assert row["scrs_count"] == source["value"]
            assert row["source_url"] == source["source_url"]
            assert row["scrs_per_year"] == pytest.approx(row["scrs_count"] / row["years"])
        else:
            assert math.isnan(row["scrs_count"]), period
    assert list(table.index[table["count_status"] == "not found"]) == ["2007-09"]
    missing = pd.read_csv(PUBLISHED_DIR / "not_found.csv")["item_id"]
    assert set(table.loc[["2007-09"], "not_found_id"]) <= set(missing)
    assert table.loc["2005-07", "scrs_count"] == 189  # CYP Now (register K1)


def test_published_per_year_reads_every_per_year_figure():
    table = published_per_year().set_index("figure_id")
    for fid in [
        "p2011_deaths_per_year",
        "p2014_deaths_per_year",
        "p2009_14_serious_harm_per_year",
        "p2014_serious_harm_per_year",
    ]:
        assert table.loc[fid, "per_year"] == figure(fid)["value"]
    assert table.loc["p2011_deaths_per_year", "stated"].startswith("about")


# --- rates -----------------------------------------------------------------------------------


def test_population_is_one_consistent_series_from_mid_2012():
    population = population_series()
    assert population.index.min() == "2012-13"
    held = yearly("children_0_17_count").set_index("financial_year")
    assert (held.loc[population.index, "vintage"] == "latest_revision").all()


def test_rates_divide_by_person_years_and_flag_the_earlier_population_basis():
    rates = rates_per_100000()
    reviews = rates[rates["what"] == "reviews"].set_index("review_period")
    population, basis = population_by_year()
    # 2014-17: three years on the latest revision
    person_years = population[["2014-15", "2015-16", "2016-17"]].sum()
    expected = figure("p2014_scrs")["value"] / person_years * 100_000
    assert reviews.loc["2014-17", "person_years"] == pytest.approx(person_years)
    assert reviews.loc["2014-17", "rate_per_100000"] == pytest.approx(expected, abs=0.005)
    assert reviews.loc["2014-17", "population_basis"] == LATEST_BASIS
    low, high = reviews.loc["2014-17", ["rate_low_per_100000", "rate_high_per_100000"]]
    exact = rate(368, person_years)
    assert (low, high) == (round(exact.low, 2), round(exact.high, 2))
    # 2011-14: 2011-12 rests on the mid-2009 estimate, and says so
    assert basis["2011-12"] == EARLIER_BASIS and basis["2012-13"] == LATEST_BASIS
    assert "for 1 of 3 years" in reviews.loc["2011-14", "population_basis"]
    # every period with a count has a rate; one without a count has none
    has_count = rates["per_year"].notna()
    assert rates.loc[has_count, "rate_per_100000"].notna().all()
    assert rates.loc[~has_count, "rate_per_100000"].isna().all()
    assert (
        rates.loc[has_count, "rate_low_per_100000"] < rates.loc[has_count, "rate_per_100000"]
    ).all()
    assert rates["derived"].all()


# --- reviews against activity -------------------------------------------------------------


def test_activity_yearly_marks_the_cpr3_break_and_keeps_sources():
    activity = activity_yearly()
    plans = activity[activity["series"] == "cp_plans_started_count"].set_index("financial_year")
    assert plans.loc["2008-09", "collection"] == "CPR3 registrations"
    assert plans.loc["2009-10", "collection"] == "CIN census"
    assert "2011-12" not in plans.index  # not found (gap G4), not filled
    s47 = activity[activity["series"] == "section_47_enquiries_count"].set_index("financial_year")
    held = yearly("section_47_enquiries_count").set_index("financial_year")
    assert s47.loc["2012-13", "value_count"] == held.loc["2012-13", "value"]
    assert s47.loc["2012-13", "source"] == held.loc["2012-13", "source"]
    assert s47.loc["2003-04", "collection"] == "before the CIN census"


def test_every_series_is_100_in_the_base_period():
    table = reviews_against_activity()
    base = table[table["review_period"] == BASE_PERIOD]
    assert base["index_value"].tolist() == pytest.approx([100.0] * (1 + len(ACTIVITY_SERIES)))
    assert table.attrs["base_period"] == BASE_PERIOD
    assert table["derived"].all()


def test_reviews_are_compared_over_their_own_window():
    table = reviews_against_activity().set_index(["review_period", "series"])
    s47 = yearly("section_47_enquiries_count").set_index("financial_year")["value"]
    expected = s47[["2014-15", "2015-16", "2016-17"]].mean()
    assert table.loc[("2014-17", "section_47_enquiries_count"), "per_year"] == pytest.approx(
        expected
    )
    scrs = table.loc[("2014-17", "scrs")]
    assert scrs["index_value"] == pytest.approx(100 * (368 / 3) / (184 / 2))
    # plans started are missing for 2011-12: two of three years, said so
    plans = table.loc[("2011-14", "cp_plans_started_count")]
    assert (plans["years_covered"], plans["years_in_window"]) == (2.0, 3.0)
    # windows before 2009-10 average CPR3 registrations: a series break
    assert table.loc[("2007-09", "cp_plans_started_count"), "crosses_series_break"]
    assert not table.loc[("2011-14", "cp_plans_started_count"), "crosses_series_break"]
    # a gap stays a gap
    assert math.isnan(table.loc[("2007-09", "scrs"), "index_value"])


def test_a_base_period_without_data_is_refused():
    with pytest.raises(ValueError, match="lacks a value"):
        reviews_against_activity(base_period="2005-07")


def test_reviews_per_enquiries():
    ratio = reviews_per_enquiries(reviews_against_activity()).set_index("review_period")
    row = ratio.loc["2009-11"]
    assert row["scrs_per_1000_enquiries"] == pytest.approx(
        1000 * row["scrs_per_year"] / row["section_47_enquiries_per_year"]
    )
    assert ratio.loc["2003-05", "enquiries_years_covered"] == 1.0


def test_activity_index_yearly_is_100_on_average_over_the_base_window():
    activity = activity_index_yearly()
    base = activity[activity["financial_year"].isin(["2009-10", "2010-11"])]
    assert base.groupby("series")["index_value"].mean().tolist() == pytest.approx(
        [100.0] * len(ACTIVITY_SERIES)
    )


# --- Ofsted -------------------------------------------------------------------------------


def test_ofsted_yearly_cites_each_value_and_keeps_gaps():
    table = ofsted_yearly().set_index(["series", "financial_year"])
    row = table.loc[("scrs_initiated", "2013-14")]
    assert (row["source_tier"], row["source_id"]) == ("published", "ofsted_2013_14_scrs_initiated")
    assert row["value_count"] == figure("ofsted_2013_14_scrs_initiated")["value"]
    later = table.loc[("sins", "2018-19")]
    assert later["source_tier"] == "context"
    assert (
        later["value_count"]
        == yearly("sin_total_count").set_index("financial_year").loc["2018-19", "value"]
    )
    assert math.isnan(table.loc[("sins", "2017-18"), "value_count"])  # gap G6a
    years = ofsted_yearly()["financial_year"].unique().tolist()
    assert years[0] == "2009-10" and years[-1] == "2018-19" and len(years) == 10


def test_published_and_context_notification_counts_agree_where_both_exist():
    context = yearly("sin_total_count").set_index("financial_year")["value"]
    published = load_published()
    rows = published[(published["measure"] == "sin_count") & published["category"].isna()]
    for _, row in rows.iterrows():
        if row["review_period"] in context.index:
            assert context[row["review_period"]] == row["value"], row["figure_id"]


# --- the run and the figures ----------------------------------------------------------------


def test_public_statistics_run_stamps_public_statistics(tmp_path, monkeypatch):
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path))
    run = public_statistics_run(load_cases(period="2011-14"))
    assert run.label == PUBLIC_STATISTICS_LABEL and not run.synthetic
    assert "Public statistics" in run.describe() and "synthetic" not in run.describe()
    path = run.table(pd.DataFrame({"a_count": [1]}), "06_test").attrs["path"]
    assert path.parent == tmp_path / "outputs"
    assert path.read_text(encoding="utf-8").splitlines()[1].startswith("Public statistics,")
    table = analyses_table()
    fig = analyses_figure(table, title="Reviews a year")
    paths = run.figure(
        fig, "06_test", data=table[["review_period", "scrs_count"]], alt_text="A bar chart."
    ).saved_paths
    stamp = next(t for t in fig.texts if t.get_gid() == GID_STAMP)
    assert stamp.get_text() == f"Data: {PUBLIC_STATISTICS_LABEL}"
    alt = paths["alt"].read_text(encoding="utf-8")
    assert "synthetic" not in alt.lower() and SYNTHETIC_STAMP not in alt


def test_chapter_6_titles_follow_their_data():
    from analysis.chapters.activity import ofsted_yearly, reviews_against_activity
    from analysis.charts.chapter_activity import backdrop_title
    from analysis.charts.chapter_trends import ofsted_title

    against = reviews_against_activity()
    assert backdrop_title(against).startswith("Reviews a year peaked in 2014-17 (index 133)")
    assert "slower than section 47 enquiries (172)" in backdrop_title(against)
    # reviews rising faster than every activity series: the title must say so, not "slower"
    quicker = against.assign(
        index_value=against["index_value"].where(against["series"] == "scrs", 50.0)
    )
    assert "slower" not in backdrop_title(quicker) and "faster than" in backdrop_title(quicker)
    ofsted = ofsted_yearly()
    assert ofsted_title(ofsted).startswith("Serious incident notifications rose from 231")
    sins = ofsted["series"] == "sins"
    reversed_sins = ofsted.copy()
    reversed_sins.loc[sins, "value_count"] = ofsted.loc[sins, "value_count"].to_numpy()[::-1]
    assert "notifications fell from 498" in ofsted_title(reversed_sins)
