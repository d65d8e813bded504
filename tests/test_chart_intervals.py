"""Every chart takes intervals as own data gives them (issue 21, item 1): withheld (NaN),
not finite, empty, inverted, or not straddling their value (a 0% share whose Wilson lower
limit is a rounding above zero; a 100% share whose upper limit is a rounding below it), and
draws what can be drawn: a bar for each value, a whisker for each whole interval, never a
refused figure ("'xerr' must not contain negative values" stopped a 60-child run).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import LineCollection

from analysis import load_cases
from analysis.chapters.children import age_share_series, analysis_periods
from analysis.charts import bar_percent, grouped_bar_percent, line_series
from analysis.charts.bars import has_interval, interval_arms
from analysis.charts.chapter_children import age_share_figure, age_share_points
from analysis.charts.chapter_overview import death_categories_figure
from analysis.charts.chapter_periods import difference_figure
from analysis.charts.chapter_trends import analyses_figure
from analysis.charts.save import save_figure
from analysis.publish.run import too_little_left
from analysis.stats.inference import wilson_interval

NAN, INF = float("nan"), float("inf")
#: (percent, low, high) of four rows: what own data and protection can leave in a table.
INTERVALS = {
    # 0% of 7 and 100% of 7: Wilson's limits a rounding inside the value (see the test below)
    "not straddling": (
        [0.0, 100.0, 40.0, 60.0],
        [1e-15, 70.0, 30.0, 65.0],
        [35.0, 99.9, 50.0, 55.0],
    ),
    "withheld": ([10.0, 20.0, 30.0, 40.0], [NAN, 10.0, NAN, NAN], [NAN, 30.0, 40.0, NAN]),
    "inverted": ([50.0, 60.0, 70.0, 80.0], [60.0, 70.0, 80.0, 90.0], [40.0, 50.0, 60.0, 70.0]),
    "not finite": ([10.0, 20.0, 30.0, 40.0], [0.0, -INF, 20.0, 30.0], [INF, 30.0, 40.0, 50.0]),
    "values withheld": ([NAN, 20.0, NAN, NAN], [0.0, 10.0, 20.0, NAN], [10.0, 30.0, 40.0, NAN]),
    "all withheld": ([NAN] * 4, [NAN] * 4, [NAN] * 4),
    "empty": ([], [], []),
    "all zero": ([0.0] * 4, [0.0] * 4, [0.0] * 4),
}


def _table(kind: str) -> pd.DataFrame:
    percent, low, high = INTERVALS[kind]
    n = len(percent)
    return pd.DataFrame(
        {
            "label": [f"Category {i}" for i in range(n)],
            "percent": np.asarray(percent, dtype=float),
            "ci_low_percent": np.asarray(low, dtype=float),
            "ci_high_percent": np.asarray(high, dtype=float),
            "count_marker": ["c" if np.isnan(p) else "" for p in percent],
        }
    )


def _bars(t):
    return bar_percent(
        t, "label", "percent", low="ci_low_percent", high="ci_high_percent", title="t"
    )


def _grouped(t):
    both = pd.concat([t.assign(group="first"), t.assign(group="second")], ignore_index=True)
    return grouped_bar_percent(
        both, "label", "group", "percent", low="ci_low_percent", high="ci_high_percent", title="t"
    )


def _death_categories(t):
    t = t.assign(
        outcome_group="death_directly_caused", outcome_group_label="Directly caused"
    ).assign(review_period="2011-14")
    return death_categories_figure(t, title="t")


def _difference(t):
    columns = {
        "percent": "difference_points",
        "ci_low_percent": "simultaneous_low_points",
        "ci_high_percent": "simultaneous_high_points",
    }
    return difference_figure(t.rename(columns=columns).assign(changed_clearly=False), title="t")


def _line(t):
    return line_series(t.assign(year=range(2011, 2011 + len(t))), "year", "percent", title="t")


def _analyses(t):
    return analyses_figure(
        t.assign(
            review_period=[f"{2000 + 3 * i}-{3 + 3 * i:02d}" for i in range(len(t))],
            scrs_per_year=t["percent"],
            scrs_count=t["percent"],
            years=3.0,
        ),
        title="t",
    )


CHARTS = {
    "bar_percent": _bars,
    "grouped_bar_percent": _grouped,
    "death_categories_figure": _death_categories,
    "difference_figure": _difference,
    "line_series": _line,
    "analyses_figure": _analyses,
}


def _saved(fig, tmp_path) -> None:
    """Save as a run does: matplotlib meets every artist only when it draws."""
    save_figure(
        fig, "t", data=pd.DataFrame({"a": [1]}), alt_text="t.", label="Own data", out_dir=tmp_path
    )


def _whiskers(fig) -> int:
    """Whisker bars drawn: segments of the figure's line collections with finite ends."""
    segments = [
        s
        for ax in fig.axes
        for c in ax.collections
        if isinstance(c, LineCollection)
        for s in c.get_segments()
    ]
    return sum(bool(np.isfinite(s).all()) for s in segments)


@pytest.mark.parametrize("kind", INTERVALS)
@pytest.mark.parametrize("chart", CHARTS)
def test_every_chart_draws_what_its_intervals_allow(chart, kind, tmp_path):
    table = _table(kind)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a singular axis or an unplaceable label, too
        fig = CHARTS[chart](table)
        _saved(fig, tmp_path)
    whole = has_interval(table["percent"], table["ci_low_percent"], table["ci_high_percent"])
    if chart in ("bar_percent", "death_categories_figure"):
        ax = fig.axes[0]
        widths = [p.get_width() for p in ax.patches[: len(table)]]
        assert widths == pytest.approx(np.nan_to_num(table["percent"]).tolist())
        assert _whiskers(fig) == whole.sum()
    if chart == "difference_figure":
        assert _whiskers(fig) == whole.sum()


def test_the_crash_of_a_60_child_file_was_a_wilson_limit_a_rounding_inside_its_value():
    """Why the intervals of :data:`INTERVALS` "not straddling" occur: for some denominators,
    Wilson's lower limit of 0 of n is a rounding above 0, and its upper of n of n one below."""
    n = np.arange(1, 61)
    low, _ = wilson_interval(np.zeros(60), n)
    _, high = wilson_interval(n, n)
    assert 36 in n[low > 0]  # 36 final reports among 60 children: 0% had a lower limit > 0
    assert (high < 1).any()
    arms = interval_arms(np.zeros(60), 100 * low, 100 * high)
    assert (arms[~np.isnan(arms)] >= 0).all() and not np.isnan(arms).any()


@pytest.mark.parametrize(
    "interval",
    [(30.0, NAN, NAN), (0.0, 1e-15, 5.0), (100.0, 97.0, 99.99999999999997), (50.0, 40.0, INF)],
    ids=["withheld", "above zero", "below 100", "not finite"],
)
def test_the_recomputed_age_share_keeps_its_label_whatever_its_interval(interval, tmp_path):
    cases = load_cases(period="2011-14").head(40)
    points = age_share_points(age_share_series({"2011-14": cases}, recomputed_label="own data"))
    recomputed = points.index[points["kind"] == "recomputed"]
    points.loc[recomputed, ["percent", "percent_low", "percent_high"]] = interval
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = age_share_figure(points, analysis_periods(), title="t")
        _saved(fig, tmp_path)
    ax = fig.axes[0]
    # its value beside the hollow point, whether or not the interval can be drawn
    label = next(t for t in ax.texts if t.get_text() == f"{interval[0]:.0f}%")
    assert np.isfinite(label.xy).all()  # placed, so drawn (a NaN place draws nothing)
    assert ax.get_ylim()[1] >= 60


@given(
    st.lists(
        st.tuples(*[st.floats(allow_nan=True, allow_infinity=True, width=32)] * 3),
        max_size=8,
    )
)
@settings(max_examples=200, deadline=None, derandomize=True, database=None)
def test_interval_arms_are_never_negative_and_absent_only_without_a_whole_interval(rows):
    values, low, high = (np.array([r[i] for r in rows], dtype=float) for i in range(3))
    arms = interval_arms(values, low, high)
    whole = has_interval(values, low, high)
    assert arms.shape == (2, len(values))
    assert not np.isnan(arms[:, whole]).any() and (arms[:, whole] >= 0).all()
    assert np.isnan(arms[:, ~whole]).all()


def test_a_figure_of_a_table_with_no_rows_is_a_sentence():
    """No death in a file of serious harm: chapter 1's categories of death have no row, marked
    or not, and the run writes the sentence in place of empty axes."""
    empty = pd.DataFrame({"label": [], "percent": []})
    assert too_little_left(empty) == "Figure not drawn: its table has no values to show."
    assert too_little_left(pd.DataFrame({"label": ["a"], "percent": [NAN]})) is None  # unmarked


def test_a_chapter_that_cannot_draw_a_figure_writes_the_sentence_in_its_place(own_run):
    """Every change between periods withheld: chapter 7 printed a line, which own data
    withholds, so the run had neither the figure nor a sentence. Run.not_drawn writes it in the
    second pass (nothing in the first) and the checking record lists it."""
    import json
    import os

    from analysis.publish.run import Run

    why = "Figure not drawn: none of its 13 values can be shown."
    said = {}

    def watch(stage):
        from analysis import load_cases

        said[stage] = Run(load_cases(os.environ["SCR_DATA"])).not_drawn("07_tests_of_change", why)

    code, runs = own_run(watch=watch)
    assert code == 0
    assert said["collect"] == said["publish"] == f"07_tests_of_change: {why}"
    path = runs / "my_cases" / "figures" / "07_tests_of_change.not_drawn.txt"
    assert path.read_text(encoding="utf-8") == f"07_tests_of_change: {why}\n"
    record = json.loads((runs / "my_cases" / "checking" / "results.json").read_text())
    entry = next(e for e in record["outputs"] if e["file"].endswith(".not_drawn.txt"))
    assert entry["kind"] == "not_drawn" and entry["status"] == "pass"
