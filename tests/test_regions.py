"""Chapter 9, where the reviews were: the regional population as transcribed, reviews counted
per region and per 100,000 children, the funnel's exact Poisson limits, and the words and
figure built from them."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from scipy.stats import poisson

from analysis.chapters import regions
from analysis.charts import chapter_regions as charts
from analysis.paths import CONTEXT_DIR
from analysis.publish.disclosure import protect
from analysis.publish.run import NOT_A_VALUE
from analysis.reference.regions import PERIOD_ESTIMATES, region_population
from analysis.stats.members import IMPLIED, PREFIX, PUBLISHED_COLUMNS

#: The nine regions' children, mid-2012 and mid-2015, as the DfE file gives them.
MID_2012 = {
    "north_east": 524101,
    "north_west": 1503870,
    "yorkshire_humber": 1131201,
    "east_midlands": 955958,
    "west_midlands": 1243801,
    "east": 1264465,
    "london": 1847747,
    "south_east": 1871286,
    "south_west": 1061541,
}


def _reviews(period: str, counts: dict[str, int]) -> pd.DataFrame:
    """One row (child) per review, ``counts`` reviews in each region."""
    rows = [
        {"review_period": period, "region": region}
        for region, n in counts.items()
        for _ in range(n)
    ]
    frame = pd.DataFrame(rows)
    prefix = period[:4]
    frame.insert(0, "case_id", [f"{prefix}-c{i}" for i in range(len(frame))])
    frame.insert(1, "review_id", [f"{prefix}-r{i}" for i in range(len(frame))])
    return frame


# --- the transcribed population ---------------------------------------------------------------


def test_the_regions_sum_to_englands_row_of_population_csv():
    england = pd.read_csv(CONTEXT_DIR / "population.csv")
    england = england[england["measure"] == "children_0_17_count"]
    for period, label in PERIOD_ESTIMATES.items():
        total = england.loc[
            (england["period_label"] == label) & (england["vintage"] == "latest_revision"),
            "value",
        ]
        assert region_population(period)["value"].sum() == total.iloc[0], period


def test_the_transcription_has_the_shape_and_provenance_of_population_csv():
    by_region = pd.read_csv(CONTEXT_DIR / "population_by_region.csv", dtype=str)
    population = pd.read_csv(CONTEXT_DIR / "population.csv", dtype=str)
    assert list(by_region.columns) == list(population.columns)
    assert len(by_region) == 18
    assert set(by_region["series"]) == {"population_by_region"}
    assert set(by_region["period_label"]) == {"mid-2012", "mid-2015"}
    sources = pd.read_csv(CONTEXT_DIR / "sources.csv", dtype=str)
    assert set(by_region["source_id"]) <= set(sources["source_id"])
    row = sources.set_index("source_id").loc["R1-pop-regional"]
    assert "ons_mid-year_population_estimates_2012_to_2024.csv" in row["url_or_repo"]
    assert "bc5a54ac1ec8e7c702891c1707a2d660d8bbf1bd" in row["commit_or_date"]
    assert (by_region["derived"] == "false").all()
    readme = (CONTEXT_DIR / "README.md").read_text(encoding="utf-8")
    assert "`population_by_region.csv`" in readme


def test_every_region_name_is_a_codebook_label():
    codes = regions.region_codes()
    for period in PERIOD_ESTIMATES:
        names = region_population(period)["geography"]
        assert set(names) == set(codes), period
    assert regions._population("2011-14").to_dict() == MID_2012


# --- reviews by region --------------------------------------------------------------------------


def test_reviews_are_counted_per_region_with_their_rate():
    cases = pd.concat(
        [
            _reviews("2011-14", {"london": 10, "north_east": 3, "not_recorded": 2}),
            _reviews("2014-17", {"london": 4}),
        ],
        ignore_index=True,
    )
    table = regions.reviews_by_region(cases)
    # every code of the codebook, for each period: nine regions and "not recorded"
    assert len(table) == 20
    london = table[(table["review_period"] == "2011-14") & (table["region"] == "london")].iloc[0]
    assert london["count"] == 10 and london["denominator_count"] == 15
    assert london["population_0_17"] == 1847747
    assert london["population_estimate"] == "mid-2012"
    assert london["rate_per_100000"] == pytest.approx(10 / 1847747 * 1e5)
    # exact (Garwood) Poisson interval of 10: 4.795 to 18.39
    assert london["rate_ci_low"] == pytest.approx(4.7954 / 1847747 * 1e5, rel=1e-3)
    assert london["rate_ci_high"] == pytest.approx(18.390 / 1847747 * 1e5, rel=1e-3)
    assert london[PREFIX + "count"] == tuple(f"2011-r{i}" for i in range(10))
    later = table[(table["review_period"] == "2014-17") & (table["region"] == "london")].iloc[0]
    assert later["population_0_17"] == 1911775 and later["population_estimate"] == "mid-2015"
    unknown = table[table["region"] == "not_recorded"]
    assert unknown["count"].tolist() == [2, 0]
    assert unknown["rate_per_100000"].isna().all()
    empty = table[(table["review_period"] == "2011-14") & (table["region"] == "south_west")]
    assert empty[["count", "rate_per_100000", "rate_ci_low"]].iloc[0].tolist() == [0, 0.0, 0.0]
    assert table.attrs[PUBLISHED_COLUMNS] == ("population_0_17",)


def test_siblings_count_one_review():
    cases = _reviews("2014-17", {"london": 3})
    cases.loc[1, "review_id"] = cases.loc[0, "review_id"]  # two children of one review
    london = regions.reviews_by_region(cases).set_index("region").loc["london"]
    assert london["count"] == 2 and london["denominator_count"] == 2


# --- the funnel ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mean", [0.4, 3.0, 10.0, 22.68, 61.7])
@pytest.mark.parametrize("probability", [0.001, 0.025, 0.975, 0.999])
def test_a_smoothed_limit_lies_within_its_exact_poisson_step(mean, probability):
    limit = float(regions.poisson_limit(mean, probability))
    exact = poisson.ppf(probability, mean)
    assert exact - 1 <= limit <= exact
    assert limit >= 0


def test_the_smoothed_limit_interpolates_within_the_step():
    # Poisson(10): F(16) = 0.97296, F(17) = 0.98572, so 17 - (0.98572 - 0.975) / 0.01276
    assert float(regions.poisson_limit(10.0, 0.975)) == pytest.approx(16.160, abs=1e-3)
    larger = regions.poisson_limit(np.array([5.0, 10.0, 20.0]), 0.999)
    assert np.all(np.diff(larger) > 0)


def test_a_region_far_above_englands_rate_lies_above_the_998_limit():
    counts = {code: 10 for code in MID_2012}
    counts["north_east"] = 60
    cases = _reviews("2011-14", counts)
    positions = regions.funnel_positions(cases).set_index("region")
    total = 140
    expected = total * MID_2012["north_east"] / sum(MID_2012.values())
    assert positions.loc["north_east", "expected_reviews"] == pytest.approx(expected)
    assert 60 > poisson.ppf(0.999, expected)
    assert positions.loc["north_east", "verdict"] == "above the 99.8% limit"
    # London expected 22.7, observed 10: below its 95% limit (12.2), not its 99.8% one (9.5)
    assert positions.loc["london", "limit_95_low_reviews"] > 10
    assert positions.loc["london", "limit_99_8_low_reviews"] < 10
    assert positions.loc["london", "verdict"] == "below the 95% limit"
    # a verdict rests on its region's reviews and on England's: both implied
    region, england = positions.loc["north_east", IMPLIED]
    assert len(region) == 60 and len(england) == total


def test_englands_rate_counts_only_reviews_with_a_region():
    cases = _reviews("2011-14", {"london": 5, "not_recorded": 5})
    limits = regions.funnel_limits(cases, points=5)
    assert len(limits) == 5
    assert (limits["count"] == 5).all() and (limits["denominator_count"] == 10).all()
    assert limits["england_rate_per_100000"].iloc[0] == pytest.approx(
        5 / sum(MID_2012.values()) * 1e5
    )
    # each limit at a population is its Poisson count of England's rate, as a rate
    row = limits.iloc[2]
    mean = 5 * row["population_0_17"] / sum(MID_2012.values())
    assert row["limit_95_high"] == pytest.approx(
        float(regions.poisson_limit(mean, 0.975)) / row["population_0_17"] * 1e5
    )
    assert (limits["limit_99_8_low"] <= limits["limit_95_low"]).all()
    assert (limits["limit_95_high"] <= limits["limit_99_8_high"]).all()


def test_a_period_without_an_estimate_has_no_funnel():
    cases = _reviews("2011-14", {"london": 5})
    cases["review_period"] = "2017-19"  # not a period with a regional estimate
    assert regions.periods_with_population(cases) == []
    assert regions.funnel_limits(cases).empty
    assert regions.funnel_positions(cases).empty


def test_the_sentence_names_regions_beyond_the_limits_and_the_chance_expectation():
    positions = pd.DataFrame(
        {
            "review_period": ["2014-17"] * 3,
            "label": ["North East", "London", "South West"],
            "verdict": [regions.POSITIONS[0], regions.POSITIONS[3], regions.POSITIONS[2]],
        }
    )
    text = regions.funnel_sentence(positions, "2014-17")
    assert text.startswith("2014-17: North East (above the 99.8% limit): beyond the 99.8%")
    assert "1 of 3 lies beyond the 95% limits (London, below)" in text
    calm = positions.assign(verdict=regions.POSITIONS[2])
    assert "no region's count of reviews lies beyond the 99.8%" in regions.funnel_sentence(
        calm, "2014-17"
    )
    withheld = positions.assign(verdict=["c", regions.POSITIONS[2], regions.POSITIONS[2]])
    assert "1 region(s) withheld" in regions.funnel_sentence(withheld, "2014-17")


# --- the figure -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables():
    # about two reviews per 100,000 children in every region, and London far above
    counts = {code: round(children / 50_000) for code, children in MID_2012.items()}
    counts["london"] = 80
    cases = _reviews("2011-14", counts)
    return (
        regions.reviews_by_region(cases),
        regions.funnel_limits(cases),
        regions.funnel_positions(cases),
    )


def test_the_funnels_title_is_the_region_beyond_the_998_limit(tables):
    data = charts.funnel_data(tables[0], tables[2], "2011-14")
    assert len(data) == 9  # the regions with a population; "not recorded" is not a point
    assert data.set_index("region").loc["london", "verdict"] == "above the 99.8% limit"
    assert charts.funnel_title(data, tables[1], "2011-14") == (
        "London's rate of reviews lies above the 99.8% limit around England's rate, 2011-14"
    )
    calm = data.assign(verdict="within the 95% limits")
    assert charts.funnel_title(calm, tables[1], "2011-14").startswith("No region's rate")


def test_with_englands_rate_withheld_nothing_is_compared(tables):
    regions_table, limits, positions = tables
    withheld = limits.assign(england_rate_per_100000=np.nan)
    data = charts.funnel_data(regions_table, positions, "2011-14")
    assert "England's rate is withheld" in charts.funnel_title(data, withheld, "2011-14")
    alt = charts.funnel_alt_text(data, withheld, "2011-14")
    assert "the limits are withheld" in alt and "Beyond a limit" not in alt


def test_the_chart_carries_its_points_alt_text_and_source(tables):
    chart = charts.region_funnel(*tables, "2011-14")
    assert list(chart.data["region"]) == list(MID_2012)
    assert "Beyond a limit: London (above the 99.8% limit)." in chart.alt_text
    assert "ONS mid-year population estimates (mid-2012)" in chart.source_note
    ax = chart.fig.axes[0]
    names = {t.get_text() for t in ax.texts}
    assert {"England", "95% limit", "99.8% limit", "London", "North East"} <= names
    # no two region names drawn over each other
    chart.fig.canvas.draw()
    renderer = chart.fig.canvas.get_renderer()
    boxes = [  # the words only: a leader line may cross another's
        Text.get_window_extent(t, renderer)
        for t in ax.texts
        if t.get_text() in set(chart.data["label"])
    ]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_a_protected_run_draws_no_withheld_region_and_says_so():
    counts = {code: round(children / 50_000) for code, children in MID_2012.items()}
    counts["north_east"] = 3  # suppressed, and a second region with it
    cases = _reviews("2011-14", counts)
    tables = [
        protect(t)
        for t in (
            regions.reviews_by_region(cases),
            regions.funnel_limits(cases),
            regions.funnel_positions(cases),
        )
    ]
    chart = charts.region_funnel(*tables, "2011-14")
    data = chart.data.set_index("region")
    assert np.isnan(data.loc["north_east", "rate_per_100000"])
    assert data.loc["north_east", "count_marker"] == "c"
    withheld = int(data["rate_per_100000"].isna().sum())
    assert withheld >= 1
    assert f"{withheld} region(s) withheld with a small count ([c])." in chart.alt_text
    assert f"; {withheld} of 9 regions withheld ([c])" in chart.fig.texts[1].get_text()
    assert not NOT_A_VALUE.search(chart.alt_text)
    assert "North East" not in {t.get_text() for t in chart.fig.axes[0].texts}
