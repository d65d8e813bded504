"""Time series: up to four lines, each labelled at its end, gaps kept as gaps."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis.charts.annotate import direct_label, reference_markers
from analysis.charts.gaps import as_float, gap_text, row_markers
from analysis.charts.inputs import check_colours, ordered_unique, require_columns
from analysis.charts.layout import new_figure, spread_labels, y_guides
from analysis.charts.style import SIZE_NOTE, house_style, series_colours


def _regular_grid(x: pd.Series) -> np.ndarray | None:
    """The full run of integer x values (e.g. every year), or None if x is not integral."""
    values = pd.to_numeric(x, errors="coerce").dropna().unique()
    if len(values) < 2 or not np.all(np.equal(np.mod(values, 1), 0)):
        return None
    values = np.sort(values.astype(np.int64))
    step = int(np.gcd.reduce(np.diff(values)))
    return np.arange(values[0], values[-1] + step, step)


#: The column of each row's marker, added to a copy of the plotted table.
_MARKER = "__marker__"


def _label_gaps(
    ax, positions: np.ndarray, values: np.ndarray, codes: np.ndarray, colour: str
) -> None:
    """Name each run of missing values that carries a marker, in the gap, in the line's colour.

    The words sit where the line would pass (between the observed neighbours), so they read as
    part of that line; an unmarked gap (a year with no figure) stays a plain gap.
    """
    gap = np.isnan(values) & (codes != "")
    i = 0
    while i < len(values):
        if not gap[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(values) and gap[j + 1]:
            j += 1
        around = [values[k] for k in (i - 1, j + 1) if 0 <= k < len(values)]
        around = [v for v in around if not np.isnan(v)]
        x = (positions[i] + positions[j]) / 2
        # With nothing observed either side, at the foot of the plot.
        where = (
            dict(xy=(x, float(np.mean(around))))
            if around
            else dict(xy=(x, 0.02), xycoords=("data", "axes fraction"), va="bottom")
        )
        direct_label(
            ax, gap_text(codes[i]), **where, ha="center", colour=colour, size=SIZE_NOTE, zorder=5
        )
        i = j + 1


def line_series(
    table: pd.DataFrame,
    x: str,
    y: str,
    series: str | None = None,
    *,
    title: str,
    subtitle: str | None = None,
    ylabel: str | None = None,
    markers: bool = True,
    end_values: bool = False,
    value_format: str = "{:,.0f}",
    y_from_zero: bool = True,
    fill_missing_x: bool = True,
    reference: Mapping[str, float] | None = None,
    marker: str | None = None,
    height: float = 3.6,
) -> Figure:
    """A time series (one or up to four lines), each labelled at its end; gaps stay gaps.

    A NaN in ``y`` breaks the line there; where the row carries a marker (a suppressed count
    in a protected table) the gap is labelled with it, "[c] suppressed", in the line's colour.
    With integer ``x`` (years) a year missing from the table is also a gap, never bridged by a
    straight line: the series are re-indexed to every step between the first and last year
    (the step is the greatest common divisor of the spacing, so biennial data stay biennial).
    A point with no neighbour is always drawn as a marker so it cannot vanish.

    Parameters
    ----------
    table : DataFrame
        Tidy (long): one row per x (per series).
    x : str
        Column for the horizontal axis: numbers (years) or ordered labels ("2011-12").
    y : str
        Column with the values.
    series : str, optional
        Column naming the lines (at most four), each labelled at its last point.
    title, subtitle : str
        Figure title and optional subtitle.
    ylabel : str, optional
        What ``y`` measures, printed horizontally above the axis (e.g. "Reviews per year").
    markers : bool
        Mark every observed point (isolated points are marked regardless).
    end_values : bool
        Add the last value to each end label, formatted with ``value_format``.
    value_format : str
        Format for ``end_values`` and the y tick labels, e.g. ``"{:.0f}%"``.
    y_from_zero : bool
        Start the y axis at zero (counts and rates should).
    fill_missing_x : bool
        Re-index integer ``x`` to a regular grid so missing years show as gaps.
    reference : mapping of str to float, optional
        Horizontal reference lines, e.g. ``{"published mean 160": 160}``.
    marker : str, optional
        Column of markers for missing values, as in :func:`analysis.charts.bars.bar_percent`;
        by default a protected table's ``*_marker`` columns. A gap without one is not labelled.
    height : float
        Height of the plotting area in inches.

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        With more than four series, or duplicate (x, series) rows.
    """
    require_columns(table, x, y, series)
    names = ordered_unique(table[series]) if series else [None]
    check_colours(len(names), "series")
    keys = [x, series] if series else [x]
    if table.duplicated(keys).any():
        raise ValueError(f"more than one row per {keys}")

    numeric_x = pd.api.types.is_numeric_dtype(table[x])
    grid = _regular_grid(table[x]) if (numeric_x and fill_missing_x) else None
    if numeric_x:
        x_values = grid if grid is not None else np.sort(table[x].dropna().unique())
        positions = np.asarray(x_values, dtype=float)
    else:
        # Labels such as "2011-12": equally spaced in table (or categorical) order.
        x_values = ordered_unique(table[x])
        positions = np.arange(len(x_values), dtype=float)

    marked = table.assign(**{_MARKER: row_markers(table, marker)})
    fig, ax = new_figure(title, subtitle, height=height)
    with house_style():
        end_labels: list[Text] = []
        for index, name in enumerate(names):
            rows = marked if name is None else marked[marked[series] == name]
            rows = rows.set_index(x).reindex(x_values)
            values = as_float(rows[y])
            colour = series_colours(len(names))[index]
            # NaN stays in the line data: matplotlib breaks the line at it.
            ax.plot(
                positions,
                values,
                color=colour,
                marker="o" if markers else None,
                label=str(name) if name is not None else y,
                gid=f"series-{index}",
                zorder=2,
            )
            observed = ~np.isnan(values)
            before = np.concatenate([[False], observed[:-1]])
            after = np.concatenate([observed[1:], [False]])
            isolated = observed & ~before & ~after
            if isolated.any() and not markers:
                ax.scatter(positions[isolated], values[isolated], color=colour, s=30, zorder=3)
            codes = rows[_MARKER].fillna("").to_numpy(dtype=object)
            _label_gaps(ax, positions, values, codes, colour)
            if name is not None or end_values:
                if not observed.any():
                    continue
                last = int(np.flatnonzero(observed)[-1])
                parts = [str(name)] if name is not None else []
                if end_values:
                    parts.append(value_format.format(values[last]))
                xy = (positions[last], values[last])
                end_labels.append(direct_label(ax, "  ".join(parts), xy, offset=(8, 0), bold=True))

        if numeric_x:
            ax.xaxis.set_major_locator(MaxNLocator(integer=grid is not None, nbins=8))
            if grid is not None:
                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}"))
        else:
            # Thin the labels rather than rotate them: text stays horizontal.
            every = max(1, math.ceil(len(x_values) / 8))
            ticks = positions[::every]
            ax.set_xticks(ticks, [str(v) for v in x_values[::every]])
        if len(positions):  # a table with no rows draws empty axes
            pad = 0.02 * (positions[-1] - positions[0] or 1.0)
            ax.set_xlim(positions[0] - pad, positions[-1] + pad)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: value_format.format(v)))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
        if y_from_zero:
            ax.set_ylim(bottom=0)
        y_guides(ax, ylabel)  # light guides help read values off a line; none on the x axis
        if reference:
            end_labels += reference_markers(ax, reference, axis="y", spread=False)
        spread_labels(fig, end_labels, "y")
    return fig
