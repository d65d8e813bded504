"""Charts of protected tables (issue 10): a suppressed value is a labelled gap reading
"[c] suppressed", never a bar of zero, "x" or "nan%"; alt text says the same, prints counts as
whole numbers and ends with a full stop; a figure with fewer than two values left is not drawn.

Every chart function of ``analysis.charts`` is drawn here from a table as
:func:`analysis.publish.disclosure.protect` leaves it (or one marked by hand the same way, for
the public-statistics charts, whose tables are never protected on a real run).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis import load_cases
from analysis.chapters.activity import activity_index_yearly, reviews_against_activity
from analysis.chapters.children import age_share_series, analysis_periods
from analysis.chapters.families import (
    PARENTAL_FACTORS,
    factor_comparison,
    neglect_series,
)
from analysis.chapters.overview import (
    OVERVIEW_COMPARISONS,
    death_category_table,
    published_averages,
    recomputed_vs_published,
    reviews_by_year_and_group,
)
from analysis.chapters.periods import compare_periods, period_shares
from analysis.chapters.themes import theme_table
from analysis.chapters.toxic_trio import trio_combinations, trio_summary
from analysis.chapters.trends import analyses_table
from analysis.charts import bar_percent, grouped_bar_percent, line_series, percent_list
from analysis.charts.chapter_activity import backdrop_alt_text, backdrop_figure
from analysis.charts.chapter_children import (
    age_bands_alt_text,
    age_share_alt_text,
    age_share_figure,
    age_share_points,
)
from analysis.charts.chapter_families import (
    neglect_alt_text,
    parental_factors_alt_text,
    toxic_trio_alt_text,
)
from analysis.charts.chapter_overview import (
    death_categories_alt_text,
    death_categories_figure,
    mark_period_averages,
    reviews_by_year_alt_text,
    yearly_lines,
)
from analysis.charts.chapter_periods import (
    difference_alt_text,
    difference_figure,
    period_shares_alt_text,
)
from analysis.charts.chapter_themes import themes_alt_text
from analysis.charts.chapter_trends import (
    analyses_alt_text,
    analyses_figure,
    ofsted_alt_text,
)
from analysis.charts.gaps import count_text, gap_text, row_markers, too_little_to_show, value_text
from analysis.charts.save import save_figure
from analysis.charts.style import MARKER_TEXT, NOT_AVAILABLE_TEXT, SUPPRESSED_MARKER
from analysis.publish.disclosure import protect, rules
from analysis.stats.measures import compute
from analysis.stats.members import strip
from analysis.stats.tables import proportion_table, yes_share_table

SUPPRESSED = MARKER_TEXT[SUPPRESSED_MARKER]
#: What a reader must never meet: NaN as a word (so "financial" passes), "nan%", "<NA>".
UNREADABLE = re.compile(r"\bnan\b|<NA>", re.IGNORECASE)
OWN_DATA = "Test cases (own data)"


def readable(text: str) -> str:
    """The checks every alt text and figure text of a protected table must pass."""
    assert not UNREADABLE.search(text), text
    return text


def assert_alt(text: str) -> None:
    readable(text)
    assert SUPPRESSED in text, text
    assert text.rstrip().endswith("."), text


def figure_text(fig) -> str:
    """Every word drawn on a figure: labels, ticks, title and notes."""
    texts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        texts += [t.get_text() for t in ax.texts]
        texts += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return readable(" | ".join(texts))


def saved_alt(fig, table: pd.DataFrame, alt_text: str, tmp_path) -> str:
    """Save as a run on own data does and return the alt text file."""
    paths = save_figure(
        fig, "protected", data=strip(table), alt_text=alt_text, label=OWN_DATA, out_dir=tmp_path
    )
    return paths["alt"].read_text(encoding="utf-8")


def withhold(table: pd.DataFrame, rows, counts=(), values=()) -> pd.DataFrame:
    """Mark rows by hand as protection does: counts blank with marker ``c``, values NaN."""
    out = table.reset_index(drop=True).copy()
    for column in counts:
        out[column] = pd.array(out[column], dtype="Float64").round().astype("Int64")
        out.loc[rows, column] = pd.NA
        if f"{column}_marker" not in out.columns:
            out[f"{column}_marker"] = ""
        out.loc[rows, f"{column}_marker"] = SUPPRESSED_MARKER
    for column in values:
        out[column] = out[column].astype("float64")
        out.loc[rows, column] = np.nan
    return out


def suppressed_rows(table: pd.DataFrame) -> list[int]:
    return [i for i, m in enumerate(row_markers(table)) if m == SUPPRESSED_MARKER]


@pytest.fixture(scope="module")
def cases():
    return load_cases(period="2011-14").head(40)


@pytest.fixture(scope="module")
def both():
    cases = load_cases()
    return pd.concat([part.head(40) for _, part in cases.groupby("review_period", observed=True)])


@pytest.fixture(scope="module")
def status(cases):
    table = protect(proportion_table(cases, "csc_status_at_incident"))
    assert 0 < len(suppressed_rows(table)) < len(table) - 1
    return table


# --- the words and the helper ------------------------------------------------------------------


def test_marker_words_are_the_disclosure_markers():
    markers = rules().markers
    assert set(MARKER_TEXT) == set(markers.values())
    assert SUPPRESSED_MARKER == markers["suppressed"]
    for code, words in MARKER_TEXT.items():
        assert words.startswith(f"[{code}] ")
    assert MARKER_TEXT[markers["not_available"]] == "[x] not available"


def test_values_read_as_their_marker_says():
    assert gap_text("c") == "[c] suppressed" and gap_text("x") == "[x] not available"
    assert gap_text(np.nan) == gap_text(pd.NA) == gap_text("") == NOT_AVAILABLE_TEXT
    assert gap_text("not published") == "not published"  # a caller's own words, as given
    assert value_text(np.nan, "{:.0f}%", "c") == SUPPRESSED
    assert value_text(pd.NA, "{:.0f}%") == NOT_AVAILABLE_TEXT
    assert value_text("c") == SUPPRESSED  # a withheld text column
    assert count_text(7.0) == "7" and count_text(np.int64(12)) == "12"
    assert count_text(pd.NA, "c") == SUPPRESSED


def test_row_markers_prefer_the_named_column_then_suppression():
    table = pd.DataFrame(
        {
            "marker": ["not published", "", ""],
            "first_count_marker": ["", "x", ""],
            "second_count_marker": ["", "c", ""],
        }
    )
    assert row_markers(table, "marker") == ["not published", "c", ""]
    assert row_markers(table) == ["", "c", ""]


def test_too_little_to_show(status):
    assert too_little_to_show(status, "percent") is None
    last_shown = int(np.flatnonzero(status["percent"].notna().to_numpy())[-1])
    others = [i for i in range(len(status)) if i != last_shown]
    one_left = withhold(status, others, counts=["count"], values=["percent"])
    assert one_left["percent"].notna().sum() == 1
    sentence = too_little_to_show(one_left, "percent")
    assert sentence.startswith("Figure not drawn: only 1 of its 8 values can be shown")
    assert "7 are suppressed to protect small counts ([c])" in sentence
    readable(sentence)
    assert sentence.endswith(".")
    none_left = withhold(status, list(range(len(status))), counts=["count"], values=["percent"])
    assert "none of its 8 values" in too_little_to_show(none_left, "percent")
    # Two values left are enough to draw; a one-row table with nothing withheld is drawn too.
    shown = np.flatnonzero(status["count_marker"].to_numpy() == "")
    hidden = np.flatnonzero(status["count_marker"].to_numpy() == "c")
    two_left = status.iloc[[shown[0], shown[1], hidden[0]]]
    assert too_little_to_show(two_left, "percent") is None
    assert too_little_to_show(status.iloc[[shown[0]]], "percent") is None
    # Missing for another reason: said so, not called suppressed.
    other = status.iloc[[0, 3]].assign(percent=[12.0, np.nan], count_marker=["", ""])
    assert "1 is not available" in too_little_to_show(other, "percent")
    assert "suppressed" not in too_little_to_show(other, "percent")
    assert too_little_to_show(status.iloc[[]], "percent").startswith("Figure not drawn")


def test_counts_print_as_whole_numbers(status, both):
    floats = status.assign(count=status["count"].astype("float64"))  # NaN where suppressed
    text = percent_list(floats, count="count")
    row = floats.dropna(subset=["percent"]).iloc[0]
    assert f"{row['label']} {row['count']:.0f} (" in text
    assert SUPPRESSED in text and not re.search(r"\d\.0\b", text)
    yearly = protect(reviews_by_year_and_group(both), threshold=10)
    yearly["reviews_count"] = yearly["reviews_count"].astype("float64")
    alt = reviews_by_year_alt_text(
        yearly, pd.DataFrame(columns=["outcome_group_label", "review_period", "published"])
    )
    assert_alt(alt)
    assert not re.search(r"\d\.0\b", alt)


# --- generic bars and lines --------------------------------------------------------------------


def test_bar_percent_draws_a_labelled_gap_for_each_suppressed_value(status, tmp_path):
    fig = bar_percent(
        status,
        "label",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title="Status",
        reference={"published 12%": 12},
    )
    ax = fig.axes[0]
    hidden = suppressed_rows(status)
    labels = [t.get_text() for t in ax.texts[: len(status)]]
    assert [labels[i] for i in hidden] == [SUPPRESSED] * len(hidden)
    assert all(ax.patches[i].get_width() == 0 for i in hidden)  # no bar, not a bar of zero
    assert "x" not in labels and SUPPRESSED in figure_text(fig)
    alt = "Horizontal bar chart of status. " + percent_list(status, count="count") + "."
    assert_alt(saved_alt(fig, status, alt, tmp_path))


def test_bars_show_every_marker_in_brackets(status):
    table = status.iloc[:4].assign(percent=[10.0, np.nan, np.nan, np.nan])
    table["count_marker"] = ["", "x", "z", "low"]
    texts = [t.get_text() for t in bar_percent(table, "label", "percent", title="t").axes[0].texts]
    assert texts[1:] == ["[x] not available", "[z] not applicable", "[low] rounds to zero"]
    # A named marker column is read first; where it is empty, the protected markers.
    table["note"] = ["", "not published", "", ""]
    texts = [
        t.get_text()
        for t in bar_percent(table, "label", "percent", marker="note", title="t").axes[0].texts
    ]
    assert texts[1:3] == ["not published", "[z] not applicable"]


def test_grouped_bars_of_a_protected_table(tmp_path):
    table = pd.DataFrame(
        {
            "age_band": ["Under 1", "Under 1", "1 to 5", "1 to 5", "6 to 10", "6 to 10"],
            "measure": ["now", "ever"] * 3,
            "count": [40, 61, 3, 30, 25, 2],
            "denominator_count": [90, 90, 50, 50, 40, 40],
        }
    )
    table["percent"] = 100 * table["count"] / table["denominator_count"]
    protected = protect(table, partition_by=["measure"])
    assert suppressed_rows(protected)
    fig = grouped_bar_percent(protected, "age_band", "measure", "percent", title="By age")
    assert SUPPRESSED in figure_text(fig)
    alt = "Grouped bars. " + percent_list(protected, ["age_band", "measure"], count="count") + "."
    assert_alt(saved_alt(fig, protected, alt, tmp_path))


def test_line_series_labels_a_suppressed_point_and_keeps_the_gap(both):
    yearly = protect(reviews_by_year_and_group(both), threshold=10)
    hidden = suppressed_rows(yearly)
    assert hidden
    drawn = yearly_lines(yearly)  # as the chart draws it
    fig = line_series(drawn, "incident_year", "reviews_count", "outcome_group_label", title="t")
    assert SUPPRESSED in figure_text(fig)
    ys = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in fig.axes[0].lines])
    assert np.isnan(ys).sum() >= len(hidden)  # a gap, not a zero
    compared = recomputed_vs_published(
        {p: part for p, part in both.groupby("review_period", observed=True)},
        OVERVIEW_COMPARISONS,
    )
    per_year = compared[compared["measure"].str.endswith("_per_year")]
    mark_period_averages(fig, drawn, published_averages(per_year))
    assert_alt(reviews_by_year_alt_text(drawn, published_averages(per_year)))


def test_a_gap_without_a_marker_stays_unlabelled():
    table = pd.DataFrame({"year": [2011, 2012, 2013], "value": [5.0, np.nan, 7.0]})
    fig = line_series(table, "year", "value", title="t")
    assert len(fig.axes[0].texts) == 0


# --- chapter charts and their alt text --------------------------------------------------------


def test_death_categories(both, tmp_path):
    table = protect(death_category_table(both))
    shown = table[table["review_period"] == "2011-14"].reset_index(drop=True)
    assert suppressed_rows(shown)
    fig = death_categories_figure(shown, title="Categories of death")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts[: len(shown)]]
    for i in suppressed_rows(shown):
        assert labels[i].startswith(SUPPRESSED)
    figure_text(fig)
    assert_alt(saved_alt(fig, shown, death_categories_alt_text(shown), tmp_path))


def test_age_bands(cases):
    ages = protect(proportion_table(cases, "age_band"))
    assert suppressed_rows(ages)
    figure_text(
        bar_percent(
            ages, "label", "percent", low="ci_low_percent", high="ci_high_percent", title="t"
        )
    )
    alt = age_bands_alt_text(ages)
    assert_alt(alt)
    assert "(-%)" not in alt and "(nan" not in alt


def test_age_share_with_the_recomputed_value_suppressed(cases):
    points = age_share_points(age_share_series({"2011-14": cases}, recomputed_label="own data"))
    recomputed = points.index[points["kind"] == "recomputed"]
    points = points.assign(percent_marker="")
    points.loc[recomputed, ["percent", "percent_low", "percent_high"]] = np.nan
    points.loc[recomputed, "percent_marker"] = SUPPRESSED_MARKER
    fig = age_share_figure(points, analysis_periods(), title="t")
    assert SUPPRESSED in figure_text(fig)
    assert_alt(age_share_alt_text(points))


def test_parental_factors(cases):
    comparison = factor_comparison(yes_share_table(cases, PARENTAL_FACTORS))
    recomputed = comparison.index[comparison["source"] == comparison["source"].iloc[0]]
    comparison = withhold(
        comparison,
        list(recomputed[:2]),
        counts=["count"],
        values=["percent", "ci_low_percent", "ci_high_percent"],
    )
    fig = grouped_bar_percent(
        comparison,
        "label",
        "source",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        marker="marker",
        title="t",
    )
    text = figure_text(fig)
    assert SUPPRESSED in text and "not published" in text
    assert_alt(parental_factors_alt_text(comparison))


def test_toxic_trio(cases):
    combos = protect(trio_combinations(cases))
    assert suppressed_rows(combos)
    trio = trio_summary(trio_combinations(cases))
    trio = withhold(trio, list(trio.index[trio["measure"] == "any"]), values=["percent"])
    trio["count_marker"] = np.where(trio["percent"].isna(), SUPPRESSED_MARKER, "")
    figure_text(bar_percent(combos, "label", "percent", title="t"))
    alt = toxic_trio_alt_text(combos, trio, "about 75%")
    assert_alt(alt)
    assert f"At least one of the three: {SUPPRESSED};" in alt


def test_neglect_series_with_the_recomputed_value_suppressed(cases):
    series = neglect_series({"2011-14": compute("neglect_feature_percent", cases)}, "Recomputed")
    row = series.index[(series["series"] == "Recomputed") & series["percent"].notna()]
    series = withhold(series, list(row), counts=["numerator"], values=["percent"])
    fig = line_series(series, "review_period", "percent", "series", title="t", end_values=True)
    assert SUPPRESSED in figure_text(fig)
    alt = neglect_alt_text(series)
    assert_alt(alt)
    assert alt.endswith(f"drawn as a separate point: 2011-14 {SUPPRESSED}.")


def test_practice_themes(cases):
    themes = protect(theme_table(cases), threshold=10)
    assert suppressed_rows(themes)
    figure_text(
        bar_percent(
            themes, "label", "percent", low="ci_low_percent", high="ci_high_percent", title="t"
        )
    )
    for synthetic in (True, False):
        assert_alt(themes_alt_text(themes, synthetic=synthetic))


def test_two_periods_compared(both):
    comparison = protect(compare_periods(both))
    hidden = suppressed_rows(comparison)
    assert hidden
    fig = difference_figure(comparison, title="t")
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert [labels[i] for i in hidden] == [SUPPRESSED] * len(hidden)
    figure_text(fig)
    assert_alt(difference_alt_text(comparison))
    shares = protect(period_shares(both))
    assert suppressed_rows(shares)
    figure_text(grouped_bar_percent(shares, "label", "review_period", "percent", title="t"))
    assert_alt(period_shares_alt_text(shares))


def test_public_statistics_charts_read_a_marked_value():
    analyses = analyses_table()
    shown = analyses.index[analyses["scrs_per_year"].notna()]
    analyses = withhold(analyses, [shown[0]], counts=["scrs_count"], values=["scrs_per_year"])
    fig = analyses_figure(analyses, title="t")
    assert "[c]\nsuppressed" in [t.get_text() for t in fig.axes[0].texts]
    figure_text(fig)
    assert_alt(analyses_alt_text(analyses))

    activity = activity_index_yearly()
    reviews = reviews_against_activity()
    scrs = reviews.index[(reviews["series"] == "scrs") & reviews["index_value"].notna()]
    reviews = withhold(reviews, [scrs[0]], values=["index_value"]).assign(index_value_marker="")
    reviews.loc[scrs[0], "index_value_marker"] = SUPPRESSED_MARKER
    fig = backdrop_figure(activity, reviews, analyses_table(), title="t")
    assert SUPPRESSED in figure_text(fig)
    assert_alt(backdrop_alt_text(activity, reviews))


def test_ofsted_alt_text_names_a_suppressed_year_and_skips_unheld_ones():
    from analysis.chapters.activity import ofsted_yearly

    ofsted = ofsted_yearly()
    held = ofsted.index[ofsted["value_count"].notna()]
    ofsted = withhold(ofsted, [held[0]], counts=["value_count"])
    alt = ofsted_alt_text(ofsted)
    assert_alt(alt)
    assert f"{ofsted.loc[held[0], 'financial_year']} {SUPPRESSED}" in alt
    fig = line_series(ofsted, "financial_year", "value_count", "label", title="t", end_values=True)
    assert SUPPRESSED in figure_text(fig)


# --- titles and subtitles: a withheld value is named, never stated as a finding ---------------


def test_titles_name_a_withheld_share_instead_of_a_finding(cases, both):
    from analysis.chapters.overview import death_group_table
    from analysis.charts.chapter_children import age_bands_title
    from analysis.charts.chapter_families import toxic_trio_subtitle, toxic_trio_title
    from analysis.charts.chapter_involvement import involvement_alt_text, involvement_title
    from analysis.charts.chapter_overview import (
        death_categories_title,
        reviews_by_year_title,
    )
    from analysis.stats.tables import involvement_now_vs_ever

    by_period = {p: part for p, part in both.groupby("review_period", observed=True)}
    compared = recomputed_vs_published(by_period, OVERVIEW_COMPARISONS)
    per_year = compared[compared["measure"].str.endswith("_per_year")].reset_index(drop=True)
    assert "nan" not in reviews_by_year_title(per_year)
    per_year = withhold(per_year, [0], counts=["numerator"], values=["recomputed_value"])
    assert SUPPRESSED in readable(reviews_by_year_title(per_year))

    groups = death_group_table(cases)
    whole = death_categories_title(groups)
    assert whole.endswith("were related to it but not directly caused")
    groups = withhold(groups, [1], counts=["count"], values=["percent"])
    title = readable(death_categories_title(groups))
    assert SUPPRESSED in title and "were directly caused" not in title

    ages = proportion_table(cases, "age_band")
    assert "% of the children were babies under one" in age_bands_title(ages)
    older = list(ages.index[ages["age_band"] == "16_17"])
    ages = withhold(ages, older, counts=["count"], values=["percent"])
    assert readable(age_bands_title(ages)).endswith(f"aged 11 to 17 {SUPPRESSED}")

    headline = withhold(
        involvement_now_vs_ever(cases),
        [0, 2],
        counts=["count"],
        values=["percent", "ci_low_percent", "ci_high_percent"],
    )
    assert SUPPRESSED in readable(involvement_title(headline))
    assert_alt(involvement_alt_text(headline))

    trio = trio_summary(trio_combinations(cases))
    assert "% of reviews; none of them in" in toxic_trio_title(trio)
    trio = withhold(trio, list(trio.index), counts=["count"], values=["percent"])
    assert SUPPRESSED in readable(toxic_trio_title(trio))
    assert f"At least one: {SUPPRESSED}" in readable(toxic_trio_subtitle(trio, "about 75%"))


def test_subtitles_withhold_the_number_of_reviews_with_it(cases):
    from analysis.charts.chapter_themes import themes_subtitle
    from analysis.charts.gaps import counted

    themes = theme_table(cases)
    assert "Share of the 28 reviews with a final report" in themes_subtitle(themes, synthetic=True)
    themes = withhold(themes, list(themes.index), counts=["denominator_count"])
    subtitle = readable(themes_subtitle(themes, synthetic=False))
    assert f"reviews with a final report (their number {SUPPRESSED})" in subtitle
    assert counted(themes, "denominator_count", "reviews") == f"reviews (their number {SUPPRESSED})"


def test_toxic_trio_alt_text_passes_the_run_check_for_missing_words(cases):
    """The run's check for missing-value words (nan, <NA>) does not catch the category "None of
    the three", so the label stays as drawn."""
    from analysis.publish.run import NOT_A_VALUE

    combos = protect(trio_combinations(cases))
    alt = toxic_trio_alt_text(combos, trio_summary(trio_combinations(cases)), "about 75%")
    assert not NOT_A_VALUE.search(alt), alt
    assert "None of the three" in alt


def test_a_table_with_every_row_filtered_out_still_draws(tmp_path):
    """A chapter may filter a protected table down to nothing (each row suppressed or zero): the
    chart draws empty, so the run can write its sentence instead of crashing."""
    empty = pd.DataFrame(
        {
            "label": [],
            "percent": [],
            "ci_low_percent": [],
            "ci_high_percent": [],
            "outcome_group": [],
            "outcome_group_label": [],
        }
    )
    death_categories_figure(empty, title="t")
    bar_percent(empty, "label", "percent", title="t")
    assert too_little_to_show(empty, "percent").startswith("Figure not drawn")


def test_headlines_of_the_periods_and_the_scorecard_count_only_what_is_shown(both):
    from analysis.chapters.periods import change_headline, similar_headline
    from analysis.chapters.scorecard import STATUSES, status_headline, status_table, summary

    comparison = protect(compare_periods(both))
    assert comparison["difference_points"].isna().any()
    for headline in (change_headline(comparison), similar_headline(comparison)):
        assert "withheld or not computable" in readable(headline)
    nothing = comparison.assign(
        difference_points=np.nan, changed_clearly=np.nan, equivalence_p_value_holm=np.nan
    )
    assert similar_headline(nothing).startswith("No difference between the periods can be shown")
    assert change_headline(nothing).startswith("No change between the periods can be judged")

    card = pd.DataFrame({"status": ["agrees", "c", "c", "differs", "not computable"]})
    assert status_headline(card) == (
        "Of 4 computable published figures, 1 agrees with an exact figure, 0 are consistent "
        "with a weak statement, 1 differs; 2 verdicts withheld by disclosure control"
    )
    table = status_table(card)
    assert set(table["label"]) - set(STATUSES) == {"verdict withheld (disclosure control)"}
    assert "2 verdicts withheld by disclosure control" in summary(card)


def test_an_interval_that_does_not_straddle_its_value_draws_what_it_can():
    """Issue 21's crash: a 100% share's Wilson upper limit is 99.99999999999997, below the
    value, and matplotlib refused the whole figure ("'xerr' must not contain negative
    values"), stopping the run. The arm on that side is now simply not drawn; a withheld or
    empty interval draws no whisker at all."""
    table = pd.DataFrame(
        {
            "label": ["All deaths", "Half", "Withheld", "Empty"],
            "percent": [100.0, 50.0, 40.0, 30.0],
            "ci_low_percent": [96.4, 40.0, np.nan, 30.0],
            "ci_high_percent": [99.99999999999997, 60.0, np.nan, 30.0],
        }
    )
    fig = bar_percent(
        table, "label", "percent", low="ci_low_percent", high="ci_high_percent", title="Shares"
    )
    ax = fig.axes[0]
    whiskers = [c for c in ax.containers if c.__class__.__name__ == "ErrorbarContainer"]
    (container,) = whiskers
    segments = container.lines[2][0].get_segments()
    assert len(segments) == 3  # the withheld row has none
    full = segments[0]
    assert full[0][0] == pytest.approx(96.4) and full[1][0] == pytest.approx(100.0)
