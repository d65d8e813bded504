"""Charts of two review periods compared (notebook 07), and their alt text.

The changes, intervals and tests come from :mod:`analysis.chapters.periods`; here they are
drawn and described. The titles state the tests' verdicts, so they are computed there
(:func:`analysis.chapters.periods.change_headline`, ``similar_headline``) and passed in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.charts.alt import range_text, withheld_text
from analysis.charts.annotate import direct_label
from analysis.charts.bars import grouped_bar_percent, has_interval
from analysis.charts.chart import Chart
from analysis.charts.gaps import (
    as_float,
    gap_text,
    is_missing,
    lower_first,
    number_words,
    row_markers,
    too_little_to_show,
)
from analysis.charts.layout import new_figure
from analysis.charts.style import (
    BACKGROUND,
    BASELINE_WIDTH,
    MUTED_COLOUR,
    PALETTE,
    SIZE_LABEL,
    SIZE_TICK,
    SOLID_LABEL_BOX,
    house_style,
)

#: The columns of the tests of change the figure's saved data keeps.
CHANGES_SHOWN = [
    "measure",
    "label",
    "difference_points",
    "simultaneous_low_points",
    "simultaneous_high_points",
    "changed_clearly",
    "p_value_holm",
]


def tests_of_change(comparison: pd.DataFrame, headline: str) -> Chart:
    """Figure ``07_tests_of_change``: each measure's change with its simultaneous interval.

    On own data a change is withheld with a count it rests on (and, through the Holm
    adjustment, with any row's): the changes shown are drawn; where none is, the chart is the
    sentence saying why (:meth:`~analysis.charts.chart.Chart.not_drawn`).

    Parameters
    ----------
    comparison : DataFrame
        :func:`analysis.chapters.periods.tests_of_change`, as ``run.table`` returned it.
    headline : str
        :func:`analysis.chapters.periods.change_headline` of it: the title.
    """
    changes = comparison.dropna(subset=["difference_points"])
    if changes.empty:
        return Chart.not_drawn(too_little_to_show(comparison, "difference_points"))
    fig = difference_figure(
        changes,
        title=headline,
        subtitle="Change from 2011-14 to 2014-17 in percentage points, with 95% simultaneous "
        f"intervals for the {len(comparison)} measures; filled dot: the interval leaves out zero",
    )
    return Chart(
        fig,
        changes[CHANGES_SHOWN],
        difference_alt_text(changes),
        "Source: coded case data, both periods. Newcombe intervals (Bonferroni); score tests.",
    )


def period_shares(shares: pd.DataFrame, headline: str) -> Chart:
    """Figure ``07_period_shares``: each measure's share in both periods.

    Parameters
    ----------
    shares : DataFrame
        :func:`analysis.chapters.periods.shares`, as ``run.table`` returned it.
    headline : str
        :func:`analysis.chapters.periods.similar_headline` of the tests of change: the title.
    """
    fig = grouped_bar_percent(
        shares,
        "label",
        "review_period",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title=headline,
        subtitle="Share of children, reviews or reviews with a final report, 2011-14 and 2014-17 "
        "(95% intervals)",
        height=7.0,  # thirteen pairs of bars: thinner bars keep the figure within a screen
    )
    return Chart(
        fig, shares, period_shares_alt_text(shares), "Source: coded case data, both periods."
    )


def difference_figure(table: pd.DataFrame, *, title: str, subtitle: str | None = None) -> Figure:
    """Dot-and-interval chart of each measure's change, in percentage points, zero marked.

    Each change is drawn with its **simultaneous** interval (Bonferroni over the measures
    compared), and its dot is filled when that interval leaves out zero (``changed_clearly``),
    so the marks and the intervals drawn always agree; say so in the subtitle. Each row is
    labelled with its change and interval, or with why it is missing ("[c] suppressed") at zero.

    Parameters
    ----------
    table : DataFrame
        From :func:`analysis.chapters.periods.compare_periods` (``label``,
        ``difference_points``, ``simultaneous_low_points``, ``simultaneous_high_points``,
        ``changed_clearly``).
    title, subtitle : str
        Figure title (say the finding) and subtitle.
    """
    n = len(table)
    fig, ax = new_figure(title, subtitle, height=0.9 + 0.42 * n)
    with house_style():
        y = -np.arange(n)
        diff = as_float(table["difference_points"])
        low = as_float(table["simultaneous_low_points"])
        high = as_float(table["simultaneous_high_points"])
        clear = as_float(table["changed_clearly"]) == 1  # drawn as a filled dot
        # a change is drawn with its whole interval or not at all (withheld, not finite)
        shown = has_interval(diff, low, high)
        ax.axvline(0, color=MUTED_COLOUR, linewidth=BASELINE_WIDTH, zorder=1)
        ax.hlines(y[shown], low[shown], high[shown], color=PALETTE[0], linewidth=2.2, zorder=2)
        ax.scatter(diff[clear & shown], y[clear & shown], s=55, color=PALETTE[0], zorder=3)
        ax.scatter(
            diff[~clear & shown],
            y[~clear & shown],
            s=55,
            facecolor=BACKGROUND,
            edgecolor=PALETTE[0],
            linewidth=2,
            zorder=3,
        )
        bounds = np.abs(np.r_[low[shown], high[shown]])
        span = max(float(bounds.max()) if bounds.size else 0.0, 5.0)
        rows = zip(y, high, diff, low, shown, row_markers(table), strict=True)
        for yi, hi, d, lo, drawn, code in rows:
            withheld = not drawn
            direct_label(
                ax,
                gap_text(code) if withheld else f"{d:+.1f} ({lo:+.1f} to {hi:+.1f})",
                (0 if withheld else hi, yi),
                offset=(6, 0),
                size=SIZE_LABEL - 1,
                box=SOLID_LABEL_BOX,  # opaque: the label may sit on the next row's interval
            )
        ax.set_yticks(y, table["label"].tolist())
        ax.tick_params(axis="y", length=0, pad=6)
        ax.set_ylim(-n + 0.4, 0.6)
        ax.set_xlim(-span * 1.1, span * 1.9)  # room on the right for the value labels
        ax.spines["left"].set_visible(False)
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        ax.set_xlabel(
            "Change in percentage points, with 95% simultaneous interval",
            color=MUTED_COLOUR,
            fontsize=SIZE_TICK,
        )
    return fig


def difference_alt_text(table: pd.DataFrame) -> str:
    """Alt text of :func:`difference_figure`: the clear changes, then the range of the rest.

    ``table`` holds the changes drawn, with ``first_period`` and ``second_period``.
    """
    first, second = table["first_period"].iloc[0], table["second_period"].iloc[0]
    shown = table[~table["difference_points"].map(is_missing).to_numpy()]
    clear = shown[shown["changed_clearly"].astype(str) == "True"]  # numpy or text booleans
    text = (
        f"Dot and interval chart of the change in {number_words(len(table))} measures from "
        f"{first} to {second}, in percentage points, with 95% simultaneous intervals and a line "
        "at no change."
    )
    if clear.empty:
        text += " No change is clear: every interval shown includes zero."
    else:
        changes = "; ".join(
            f"{r.label} {r.difference_points:+.1f} points ({r.simultaneous_low_points:+.1f} to "
            f"{r.simultaneous_high_points:+.1f})"
            for r in clear.itertuples()
        )
        text += f" {_count_words(len(clear), 'change')} clear: {changes}."
    rest = shown.drop(index=clear.index)
    if not rest.empty:
        others = "The other changes run" if not clear.empty else "The changes run"
        text += f" {others} {range_text(rest, value='difference_points', spec='{:+.1f} points')}."
    return text + withheld_text(table, value="difference_points")


def _count_words(n: int, noun: str) -> str:
    return f"{number_words(n).capitalize()} {noun}{' is' if n == 1 else 's are'}"


def period_shares_alt_text(shares: pd.DataFrame) -> str:
    """Alt text of the grouped bars of each measure's share in both periods: the range, and
    the measure whose share differs most between them."""
    periods = [str(p) for p in shares["review_period"].unique()]
    labelled = shares.assign(label=shares["label"] + ", " + shares["review_period"].astype(str))
    text = (
        f"Grouped horizontal bar chart of {number_words(shares['label'].nunique())} measures in "
        f"{' and '.join(periods)}, each with a 95% interval. Shares run {range_text(labelled)}."
    )
    shown = shares[~shares["percent"].map(is_missing).to_numpy()]
    wide = shown.pivot_table(
        index="label", columns="review_period", values="percent", sort=False, observed=True
    )
    if len(periods) == 2 and set(periods) <= {str(c) for c in wide.columns}:
        wide.columns = [str(c) for c in wide.columns]
        gaps = (wide[periods[1]] - wide[periods[0]]).dropna()
        if not gaps.empty:
            label = gaps.abs().idxmax()
            text += (
                f" The largest difference is in {lower_first(label)}: "
                f"{wide.loc[label, periods[0]]:.0f}% in {periods[0]}, "
                f"{wide.loc[label, periods[1]]:.0f}% in {periods[1]}."
            )
    return text + withheld_text(shares)
