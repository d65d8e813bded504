"""Horizontal percentage bars, single or in up to four groups, labelled directly.

Each plot function takes a tidy frame and column names and returns a
:class:`matplotlib.figure.Figure`, not yet stamped: :func:`analysis.charts.save.save_figure`
adds the data stamp and source note.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis.charts.annotate import direct_label, reference_markers
from analysis.charts.gaps import as_float, gap_text, row_markers
from analysis.charts.inputs import check_colours, format_percent, ordered_unique, require_columns
from analysis.charts.layout import new_figure
from analysis.charts.style import (
    BACKGROUND,
    CAP_SIZE,
    CATEGORY_WRAP,
    GID_REFERENCE,
    GID_WHISKERS,
    MUTED_COLOUR,
    REFERENCE_DASH,
    REFERENCE_WIDTH,
    SIZE_NOTE,
    SIZE_TICK,
    WHISKER_WIDTH,
    house_style,
    series_colours,
)

#: The column of each row's marker, added to a copy of the plotted table.
_MARKER = "__marker__"


def interval_arms(values, low, high) -> np.ndarray:
    """The lengths of an interval's two arms about its value, never negative, for ``xerr`` or
    ``yerr``: an interval that does not straddle its value (a share of 100% whose upper limit
    is a rounding below it, a share of 0% whose lower limit is a rounding above it; a
    published band) draws no arm on that side, where matplotlib would refuse the whole figure.
    An interval withheld or not finite at either end (NaN, infinite) has no arms (NaN, which
    matplotlib leaves undrawn): half an interval would read as a bound at the value.

    >>> interval_arms([100.0, 40.0], [97.0, 30.0], [99.99999999999997, 50.0]).tolist()
    [[3.0, 10.0], [0.0, 10.0]]
    >>> interval_arms([0.0, 5.0], [1e-15, float("nan")], [4.0, 9.0]).tolist()
    [[0.0, nan], [4.0, nan]]
    """
    values, low, high = (np.asarray(a, dtype=float) for a in (values, low, high))
    arms = np.vstack([np.clip(values - low, 0, None), np.clip(high - values, 0, None)])
    return np.where(has_interval(values, low, high), arms, np.nan)


def has_interval(values, low, high) -> np.ndarray:
    """Where a value and both ends of its interval are finite numbers, so it can be drawn.

    >>> has_interval([1.0, 2.0, float("nan")], [0.0, float("nan"), 0.0], [2.0, 3.0, 1.0])
    array([ True, False, False])
    """
    return np.isfinite(values) & np.isfinite(low) & np.isfinite(high)


def _whisker_style() -> list:
    """A white halo so the whisker shows both over a dark bar and over the white background."""
    return [patheffects.withStroke(linewidth=2.8, foreground=BACKGROUND)]


def bar_percent(
    table: pd.DataFrame,
    category: str,
    percent: str,
    *,
    low: str | None = None,
    high: str | None = None,
    marker: str | None = None,
    title: str,
    subtitle: str | None = None,
    decimals: int = 0,
    reference: Mapping[str, float] | None = None,
    reference_on: str | None = None,
    xlabel: str | None = None,
    height: float | None = None,
) -> Figure:
    """Horizontal bars of percentages, each labelled with its value.

    Parameters
    ----------
    table : DataFrame
        Tidy: one row per category.
    category : str
        Column with the bar labels; drawn top to bottom in categorical order if the column is an
        ordered categorical, else in row order.
    percent : str
        Column with the percentages (0-100). A blank or NaN value draws no bar: the gap is
        labelled with the row's marker (see ``marker``), never drawn as zero.
    low, high : str, optional
        Columns with the interval bounds (e.g. 95% Wilson interval); drawn as whiskers.
    marker : str, optional
        Column of markers printed where ``percent`` is missing: a disclosure marker with its
        meaning (``c`` "[c] suppressed", ``x`` "[x] not available", ``z``, ``low``), any other
        text as given. Where it is empty (or not given), a protected table's ``*_marker``
        columns say why (``count_marker`` ``c``); with no marker at all, "not available".
    title, subtitle : str
        Figure title and optional subtitle.
    decimals : int
        Decimal places in the value labels.
    reference : mapping of str to float, optional
        Published values to mark, e.g. ``{"published 12%": 12}``; see
        :func:`analysis.charts.annotate.reference_markers`.
    reference_on : str, optional
        The category the references concern (``"Child protection plan"``): each is then drawn
        across that bar only, labelled beside it, not across every bar.
    xlabel : str, optional
        Axis label, shown only when the x axis is (with intervals or references). Default
        "Percentage, with 95% interval" or "Percentage"; ``""`` for none.
    height : float, optional
        Height of the plotting area in inches; by default from the number of bars.

    Returns
    -------
    Figure
        Not yet stamped: :func:`analysis.charts.save.save_figure` adds the data stamp and source
        note.
    """
    return grouped_bar_percent(
        table,
        category,
        None,
        percent,
        low=low,
        high=high,
        marker=marker,
        title=title,
        subtitle=subtitle,
        decimals=decimals,
        reference=reference,
        reference_on=reference_on,
        xlabel=xlabel,
        height=height,
    )


def grouped_bar_percent(
    table: pd.DataFrame,
    category: str,
    group: str | None,
    percent: str,
    *,
    low: str | None = None,
    high: str | None = None,
    marker: str | None = None,
    title: str,
    subtitle: str | None = None,
    decimals: int = 0,
    reference: Mapping[str, float] | None = None,
    reference_on: str | None = None,
    xlabel: str | None = None,
    height: float | None = None,
) -> Figure:
    """Horizontal bars of percentages in up to four groups per category, labelled directly.

    Each group has one palette colour; the bars of the first (top) category carry the group
    name after the value (``"31% at the time of the incident"``), so no legend is needed.

    Parameters
    ----------
    table : DataFrame
        Tidy (long): one row per (category, group).
    category : str
        Column with the category labels (y axis), ordered as in :func:`bar_percent`.
    group : str or None
        Column with the groups, e.g. "at the time of the incident" and "ever". At most four.
        None draws one bar per category, as :func:`bar_percent` does.
    percent, low, high, marker, title, subtitle, decimals, reference, reference_on, xlabel, height
        As in :func:`bar_percent`.

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        With more than four groups, or more than one row per (category, group).
    """
    require_columns(table, category, group, percent, low, high, marker)
    # Each row's marker, carried through the per-group reindexing below by a column of its own.
    table = table.assign(**{_MARKER: row_markers(table, marker)})
    if (low is None) != (high is None):
        raise ValueError("give both low and high for interval whiskers, or neither")
    categories = ordered_unique(table[category])
    # a table with no rows draws empty axes (the run replaces such a figure with a sentence)
    groups = (ordered_unique(table[group]) if group else []) or [None]
    check_colours(len(groups), "groups")
    if group and table.duplicated([category, group]).any():
        raise ValueError(f"more than one row per ({category}, {group})")
    if not group and table.duplicated([category]).any():
        raise ValueError(f"more than one row per {category}")

    n_groups = len(groups)
    # Each category's bars share one unit of height; 0.3 in per bar leaves room for its label.
    plot_height = height or max(2.0, 0.9 + len(categories) * (0.2 + 0.34 * n_groups))
    fig, ax = new_figure(title, subtitle, height=plot_height)
    with house_style():
        bar_h = 0.8 / n_groups
        ends = []  # where each bar's label starts: bar end or whisker end
        for g_index, g in enumerate(groups):
            rows = table if g is None else table[table[group] == g]
            rows = rows.set_index(category).reindex(categories)
            # First category at the top: y counts down.
            y = -np.arange(len(categories)) + 0.4 - bar_h * (g_index + 0.5)  # group 0 on top
            values = as_float(rows[percent])
            colour = series_colours(n_groups)[g_index]
            ax.barh(y, np.nan_to_num(values), height=bar_h * 0.92, color=colour)
            end = values.copy()
            if low is not None:
                lo = as_float(rows[low])
                hi = as_float(rows[high])
                ok = has_interval(values, lo, hi)
                container = ax.errorbar(
                    values[ok],
                    y[ok],
                    xerr=interval_arms(values[ok], lo[ok], hi[ok]),
                    fmt="none",
                    ecolor=MUTED_COLOUR,
                    elinewidth=WHISKER_WIDTH,
                    capsize=CAP_SIZE,
                    capthick=WHISKER_WIDTH,
                    label="_95% interval",
                )
                for artist in container.lines[1] + container.lines[2]:
                    artist.set_gid(GID_WHISKERS)
                    artist.set_path_effects(_whisker_style())
                end = np.where(ok, np.fmax(values, hi), values)
            ends.append(np.nan_to_num(end))
            for i, v in enumerate(values):
                if np.isnan(v):
                    # Suppressed or missing: say so where the bar would be. Its patch has zero
                    # width (nothing drawn), so patches stay one per row for callers recolouring.
                    text = gap_text(rows[_MARKER].iloc[i])
                else:
                    text = format_percent(v, decimals)
                if group and i == 0:
                    # Direct label for the group on the first category, in place of a legend.
                    text = f"{text}  {g}"
                direct_label(ax, text, (0 if np.isnan(end[i]) else end[i], y[i]), offset=(5, 0))

        # Long category names wrap rather than squeeze the bars into a narrow strip.
        tick_labels = ["\n".join(textwrap.wrap(str(c), CATEGORY_WRAP)) for c in categories]
        ax.set_yticks(-np.arange(len(categories)), tick_labels)
        ax.tick_params(axis="y", length=0, pad=6)
        ax.set_ylim(-max(len(categories), 1) + 0.5, 0.5)
        x_max = max([float(np.max(e)) for e in ends if e.size] + [1.0])  # none: empty table
        if reference:
            x_max = max([x_max, *reference.values()])
        ax.set_xlim(0, x_max * 1.08)
        ax.spines["left"].set_visible(True)
        if low is None and not reference:
            # Every value is printed on its bar, so the x axis would only repeat them.
            ax.xaxis.set_visible(False)
            ax.spines["bottom"].set_visible(False)
        else:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}%"))
            ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
            if xlabel is None:
                xlabel = "Percentage, with 95% interval" if low is not None else "Percentage"
            if xlabel:
                ax.set_xlabel(xlabel, color=MUTED_COLOUR, fontsize=SIZE_TICK)
        if reference and reference_on is not None:
            if reference_on not in categories:
                raise ValueError(f"reference_on {reference_on!r} is not a category of the chart")
            row = -categories.index(reference_on)  # bars of one category span row +- 0.4
            for label, value in reference.items():
                ax.vlines(
                    float(value),
                    row - 0.48,
                    row + 0.48,
                    colors=MUTED_COLOUR,
                    linestyles=REFERENCE_DASH,
                    linewidth=REFERENCE_WIDTH,
                    gid=GID_REFERENCE,
                    zorder=3,
                )
                # at the row's right end, clear of the bar, its whisker and its value label
                direct_label(
                    ax,
                    f"{label} (dashed line)",
                    (1.0, row),
                    xycoords=ax.get_yaxis_transform(),
                    ha="right",
                    colour=MUTED_COLOUR,
                    size=SIZE_NOTE,
                    box=None,
                )
        elif reference:
            reference_markers(ax, reference, axis="x")
    return fig
