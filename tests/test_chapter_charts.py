"""Chapter charts (``analysis.charts.chapter_*``): drawn from the chapters' tables, and their
alt text built from the plotted data."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from analysis import load_cases
from analysis.chapters.activity import (
    activity_index_yearly,
    reviews_against_activity,
)
from analysis.chapters.children import (
    age_share_series,
    analysis_periods,
)
from analysis.chapters.overview import (
    OUTCOME_GROUPS,
    OVERVIEW_COMPARISONS,
    death_category_table,
    published_averages,
    recomputed_vs_published,
    reviews_by_year_and_group,
)
from analysis.chapters.periods import compare_periods
from analysis.chapters.trends import (
    analyses_table,
)
from analysis.charts import PALETTE, line_series, percent_list
from analysis.charts.chapter_activity import backdrop_figure
from analysis.charts.chapter_children import age_shares
from analysis.charts.chapter_families import neglect_alt_text
from analysis.charts.chapter_overview import (
    death_categories_alt_text,
    death_categories_figure,
    mark_period_averages,
    yearly_lines,
)
from analysis.charts.chapter_periods import difference_figure
from analysis.charts.chapter_trends import analyses_alt_text
from analysis.charts.style import BACKGROUND, GID_REFERENCE
from analysis.paths import EXAMPLES_DIR


@pytest.fixture(scope="module")
def both():
    return load_cases()


@pytest.fixture(scope="module")
def by_period(both):
    return {p: load_cases(period=p) for p in ("2011-14", "2014-17")}


# --- overview and the children ---------------------------------------------------------------


def test_age_figure_never_joins_the_recomputed_value_to_a_line(by_period):
    series = age_share_series({"2011-14": by_period["2011-14"]}, recomputed_label="TEST")
    fig = age_shares(series, analysis_periods()).fig
    ax = fig.axes[0]
    recomputed = series.query("kind == 'recomputed' and share == 'age_under_1'")["percent"].item()
    for line in ax.get_lines():
        ys = np.asarray(line.get_ydata(), dtype=float)
        if np.isclose(ys, recomputed).any():
            assert len(ys) == 1 and line.get_markerfacecolor() == BACKGROUND
    # the hollow point carries its value; the subtitle says once what hollow points are
    assert f"{recomputed:.0f}%" in [t.get_text() for t in ax.texts]
    words = " ".join(" ".join(t.get_text() for t in fig.texts).split())
    assert "recomputed from TEST where none is published (under 1 in 2011-14)" in words
    # the adolescent share is published for 2011-14, so its recomputed value is not drawn
    adolescent = series.query("kind == 'recomputed' and share == 'age_11_17'")["percent"].item()
    assert not any(
        np.isclose(np.asarray(line.get_ydata(), dtype=float), adolescent).any()
        and line.get_markerfacecolor() == BACKGROUND
        for line in ax.get_lines()
    )


def test_period_averages_are_marked_over_their_own_years(both, by_period):
    yearly = yearly_lines(reviews_by_year_and_group(both))  # as the notebook draws it
    compared = recomputed_vs_published(by_period, OVERVIEW_COMPARISONS)
    averages = published_averages(compared)
    fig = line_series(yearly, "incident_year", "reviews_count", "outcome_group_label", title="t")
    fig = mark_period_averages(fig, yearly, averages)
    ax = fig.axes[0]
    bands = [line for line in ax.lines if line.get_gid() == GID_REFERENCE]
    assert len(bands) == len(averages) == 4
    spans = sorted(tuple(np.round(band.get_xdata(), 2)) for band in bands)
    assert spans == [(-0.3, 2.3), (-0.3, 2.3), (2.7, 5.3), (2.7, 5.3)]
    heights = sorted(float(band.get_ydata()[0]) for band in bands)
    assert heights == sorted(averages["published_value"])
    # under the data lines and wider than them, so a line running along an average hides
    # only its middle (the deaths line sits on its average in the shipped data)
    data_lines = [line for line in ax.lines if str(line.get_gid()).startswith("series")]
    # directly caused, related, in neither group (S15), serious harm; none not recorded
    assert len(data_lines) == 4
    assert all(band.get_zorder() < line.get_zorder() for band in bands for line in data_lines)
    assert all(
        band.get_linewidth() > 2 * line.get_linewidth() for band in bands for line in data_lines
    )
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert any("2011-14 analysis" in t for t in labels)


def test_death_category_bars_are_coloured_by_group(both):
    table = death_category_table(both)
    shown = table[(table["review_period"] == "2011-14") & (table["count"] > 0)]
    fig = death_categories_figure(shown, title="t")
    ax = fig.axes[0]
    colours = [to_hex(bar.get_facecolor()) for bar in ax.patches]
    expected = {
        "death_directly_caused": PALETTE[0],
        "death_related_not_directly_caused": PALETTE[1],
        "death_neither_group": PALETTE[2],
    }
    assert colours == [expected[g].lower() for g in shown["outcome_group"]]
    assert sum(OUTCOME_GROUPS["death_directly_caused"] in t.get_text() for t in ax.texts) == 1


def test_death_categories_alt_text_states_every_bar(both):
    table = death_category_table(both)
    shown = table[(table["review_period"] == "2011-14") & (table["count"] > 0)]
    alt = death_categories_alt_text(shown)
    for row in shown.itertuples():
        assert f"{row.label} {row.count} ({row.percent:.0f}%)" in alt
    assert alt.endswith(".")


# --- ten years in context ----------------------------------------------------------------------


def test_backdrop_figure_names_the_gaps():
    fig = backdrop_figure(
        activity_index_yearly(), reviews_against_activity(), analyses_table(), title="T"
    )
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("no review" in t and "2007-09" in t for t in texts)
    assert any("series break" in t for t in texts)
    assert fig.axes[0].get_ylabel() == "Index, 2009-11 = 100 (dashed line)"


def test_backdrop_figure_needs_its_index_base():
    activity = activity_index_yearly()
    activity.attrs = {}
    with pytest.raises(ValueError, match="base_period"):
        backdrop_figure(activity, reviews_against_activity(), analyses_table(), title="T")


def test_analyses_alt_text_names_gaps_and_counts():
    table = analyses_table()
    alt = analyses_alt_text(table)
    assert "2007-09 no count found" in alt
    row = table.dropna(subset=["scrs_count"]).iloc[-1]
    assert f"{row['review_period']} {row['scrs_per_year']:.1f} a year" in alt


# --- families and two periods ------------------------------------------------------------------


def test_neglect_alt_text_keeps_published_and_recomputed_apart():
    series = pd.DataFrame(
        {
            "review_period": ["2009-11", "2011-14", "2011-14"],
            "series": ["Published", "Published", "Recomputed (TEST)"],
            "percent": [60.0, np.nan, 66.8],
            "stated": ["60%", "", ""],
        }
    )
    alt = neglect_alt_text(series)
    assert "Published: 2009-11 60%; 2011-14 not published." in alt
    assert alt.endswith("drawn as a separate point: 2011-14 67%.")


def test_difference_figure_draws_one_row_per_measure():
    table = compare_periods(load_cases(EXAMPLES_DIR / "example_cases.csv"))
    fig = difference_figure(table, title="A title")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table["label"])


# --- the value lists alt text is built from ----------------------------------------------------


def test_percent_list_formats_labels_counts_and_intervals():
    table = pd.DataFrame(
        {
            "age_band": ["under_1", "1_5"],
            "measure": ["now", "ever"],
            "count": [9, 3],
            "percent": [74.6, 25.4],
            "low": [60.2, 12.0],
            "high": [84.9, 40.5],
        }
    )
    assert percent_list(table, ["age_band", "measure"]) == "under_1 now 75%; 1_5 ever 25%"
    assert percent_list(table, "age_band", count="count") == "under_1 9 (75%); 1_5 3 (25%)"
    assert (
        percent_list(table, "age_band", interval=("low", "high"))
        == "under_1 75% (60-85%); 1_5 25% (12-40%)"
    )
