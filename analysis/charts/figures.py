"""One house style for every figure, a few generic plots, and a deterministic saver.

Notebooks narrate; this module draws. Each plot function takes a tidy frame and column names
and returns a :class:`matplotlib.figure.Figure`; :func:`save_figure` stamps it with what data it
was made from and writes four files side by side::

    {name}.png      raster, 200 dpi
    {name}.svg      vector, text drawn as paths
    {name}.csv      the plotted data (tidy, UTF-8), plus a ``data_label`` column
    {name}.alt.txt  alt text, saying when the data are synthetic

Style follows the Analysis Function guidance on charts: its categorical palette (at most four
colours in one figure), direct labels rather than legends, horizontal text only, no gridlines or
boxes that carry no data, left-aligned titles. The same data always give byte-identical PNG and
SVG files, so regenerated figures only show up in ``git diff`` when something really changed.

Figures are built on ``matplotlib.figure.Figure`` with an Agg canvas, not through pyplot: that
renders headless anywhere (CI, servers), keeps no global figure registry to leak memory, and
leaves a notebook's own display backend alone.

Examples
--------
>>> PALETTE[:4]
('#12436D', '#28A197', '#801650', '#F46A25')
>>> _format_percent(12.345, 1)
'12.3%'
"""

from __future__ import annotations

import contextlib
import math
import re
import sys
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation

from analysis.casedata.labels import SYNTHETIC_LABEL
from analysis.paths import FIGURES_DIR

__all__ = [
    "MAX_COLOURS",
    "PALETTE",
    "RC_PARAMS",
    "SYNTHETIC_LABEL",
    "SYNTHETIC_STAMP",
    "apply_house_style",
    "bar_percent",
    "grouped_bar_percent",
    "house_style",
    "line_series",
    "new_figure",
    "reference_markers",
    "save_figure",
    "spread_labels",
    "stamp_figure",
]

#: Analysis Function categorical palette, in the order colours are to be used.
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
#: The palette is only colour-blind safe for the first four colours used together.
MAX_COLOURS = 4
#: The stamp printed on every figure made from synthetic data.
SYNTHETIC_STAMP = "SYNTHETIC DATA – not real cases"

TEXT_COLOUR = "#0B0C0C"  # GOV.UK text colour: 19:1 contrast on white
MUTED_COLOUR = "#3D3D3D"  # palette grey: 11:1 on white, for axes, whiskers, references
STAMP_COLOUR = "#801650"  # palette dark pink: 8:1 on white, so the stamp reads as a warning
FONT_FAMILY = "DejaVu Sans"  # ships with matplotlib, so every machine draws the same glyphs

SAVE_DPI = 200
FIG_WIDTH = 8.0  # inches; at 200 dpi a 1600 px wide PNG that still reads at half size
MARGIN = 0.15  # inches between the figure edge and the title, stamp and source note
CATEGORY_WRAP = 28  # characters per line of a bar label (y tick), about 2.3 in at 11 pt

# Font sizes in points. Nothing under 10 pt: these figures are read on screens at reduced size.
SIZE_BASE = 12
SIZE_TICK = 11
SIZE_LABEL = 11  # direct value and series labels
SIZE_TITLE = 15
SIZE_SUBTITLE = 12
SIZE_NOTE = 10  # source note, dataset-name stamp, reference labels
SIZE_STAMP = 12  # synthetic stamp

# Artist ids: save_figure finds (and replaces) its own artists by these, and they become element
# ids in the SVG, so a reader of the file can find the stamp too.
GID_STAMP = "data-stamp"
GID_SOURCE = "source-note"
GID_TITLE = "figure-title"
GID_SUBTITLE = "figure-subtitle"
GID_WHISKERS = "interval-whiskers"

# Behind direct labels and reference labels: a line or gridline passing under the text is cut,
# so the words stay legible (contrast of the text itself, not of text on a dashed line).
_TEXT_BACKGROUND = dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none", alpha=0.85)

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

RC_PARAMS: dict[str, object] = {
    # Determinism. A fixed salt makes the SVG's clip-path and glyph ids stable between runs
    # (matplotlib otherwise salts them with a random uuid). Text as paths rather than <text>
    # elements: the SVG then depends on no font being installed where it is opened, so it looks
    # the same everywhere, byte for byte and glyph for glyph; the words stay available in the
    # alt text, the CSV and in comments matplotlib writes beside each text path.
    "svg.hashsalt": "scr-analysis-figures",
    "svg.fonttype": "path",
    "axes.formatter.use_locale": False,  # a decimal comma must not creep in from the OS locale
    "savefig.dpi": SAVE_DPI,
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.facecolor": "white",
    "figure.dpi": 100,
    # Type.
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY],
    "font.size": SIZE_BASE,
    "text.color": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.labelsize": SIZE_BASE,
    "axes.titlesize": SIZE_TITLE,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "xtick.labelsize": SIZE_TICK,
    "ytick.labelsize": SIZE_TICK,
    "xtick.color": MUTED_COLOUR,
    "ytick.color": MUTED_COLOUR,
    "xtick.labelcolor": TEXT_COLOUR,
    "ytick.labelcolor": TEXT_COLOUR,
    # No chart junk: no box, no default grid, no legend frame.
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": MUTED_COLOUR,
    "axes.linewidth": 0.8,
    "axes.grid": False,
    "grid.color": "#D9D9D9",
    "grid.linewidth": 0.8,
    "legend.frameon": False,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE[:MAX_COLOURS])),
    "lines.linewidth": 2.5,  # thick enough to tell apart without relying on colour alone
    "lines.markersize": 6,
    "patch.edgecolor": "none",
}


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style inside a ``with`` block, then restore the previous settings.

    Both building and saving a figure read rcParams, so the plot functions and
    :func:`save_figure` each use this block themselves.
    """
    with mpl.rc_context(RC_PARAMS):
        yield


def apply_house_style() -> None:
    """Apply the house style for the rest of the session (e.g. at the top of a notebook)."""
    mpl.rcParams.update(RC_PARAMS)


# --------------------------------------------------------------------------------------------
# Layout: title band at the top, source band at the bottom, the plot in between.
# --------------------------------------------------------------------------------------------


def _line_height(size_pt: float, spacing: float = 1.3) -> float:
    """Height of one line of text in inches."""
    return size_pt * spacing / 72


def _wrap(text: str | None, width_in: float, size_pt: float) -> list[str]:
    """Wrap text to a width in inches (DejaVu Sans averages ~0.6 em per character)."""
    if not text:
        return []
    chars = max(20, int(width_in * 72 / (size_pt * 0.6)))
    return [line for part in text.splitlines() for line in (textwrap.wrap(part, chars) or [""])]


def _figure_text(fig: Figure, x_in: float, y_in: float, text: str, **kwargs) -> Text:
    """Place text at an offset in inches from a figure corner (negative = from right/top).

    Offsets in inches rather than figure fractions keep title, stamp and note the same distance
    from the edge whatever the figure's height.
    """
    x0 = 1.0 if x_in < 0 else 0.0
    y0 = 1.0 if y_in < 0 else 0.0
    transform = fig.transFigure + ScaledTranslation(x_in, y_in, fig.dpi_scale_trans)
    return fig.text(x0, y0, text, transform=transform, **kwargs)


def new_figure(
    title: str,
    subtitle: str | None = None,
    *,
    height: float = 4.5,
    width: float = FIG_WIDTH,
) -> tuple[Figure, Axes]:
    """Create an empty figure in the house style, with room kept for title, stamp and source.

    Parameters
    ----------
    title : str
        Main title, bold, left-aligned; it should say what the figure shows.
    subtitle : str, optional
        A second line, e.g. the population and period ("Children in SCRs, 2011-14").
    height, width : float
        Size of the plotting area plus tick labels, and figure width, in inches. The bands for
        title, subtitle and source note are added to ``height``.

    Returns
    -------
    (Figure, Axes)
        The figure (with an Agg canvas and constrained layout) and its single axes.
    """
    text_width = width - 2 * MARGIN
    title_lines = _wrap(title, text_width, SIZE_TITLE)
    subtitle_lines = _wrap(subtitle, text_width, SIZE_SUBTITLE)
    # Top band: a row for the data stamp, then title, then subtitle.
    stamp_row = _line_height(SIZE_STAMP, 1.6)
    top = MARGIN + stamp_row + len(title_lines) * _line_height(SIZE_TITLE, 1.25)
    top_subtitle = top + 0.05
    top = top_subtitle + len(subtitle_lines) * _line_height(SIZE_SUBTITLE) + 0.15
    # Bottom band: one line for the source note, always kept so every figure lines up.
    bottom = MARGIN + _line_height(SIZE_NOTE, 1.5)
    total = height + top + bottom

    with house_style():
        fig = Figure(figsize=(width, total))
        FigureCanvasAgg(fig)
        fig.set_layout_engine(
            ConstrainedLayoutEngine(
                rect=(0.0, bottom / total, 1.0, (total - top - bottom) / total),
                w_pad=MARGIN,
                h_pad=0.04,
            )
        )
        ax = fig.add_subplot()
        y = -(MARGIN + stamp_row)
        _figure_text(
            fig,
            MARGIN,
            y,
            "\n".join(title_lines),
            fontsize=SIZE_TITLE,
            fontweight="bold",
            ha="left",
            va="top",
            linespacing=1.15,
            gid=GID_TITLE,
        )
        if subtitle_lines:
            _figure_text(
                fig,
                MARGIN,
                -top_subtitle,
                "\n".join(subtitle_lines),
                fontsize=SIZE_SUBTITLE,
                color=MUTED_COLOUR,
                ha="left",
                va="top",
                gid=GID_SUBTITLE,
            )
    return fig, ax


def _check_colours(n: int, what: str) -> None:
    """Refuse more series than the palette keeps distinguishable."""
    if n > MAX_COLOURS:
        raise ValueError(
            f"{n} {what} in one figure; the house style allows at most {MAX_COLOURS} colours "
            "(Analysis Function guidance). Split the figure or combine groups."
        )
    if n < 1:
        raise ValueError(f"no {what} to plot")


def _require_columns(table: pd.DataFrame, *columns: str | None) -> None:
    missing = [c for c in columns if c is not None and c not in table.columns]
    if missing:
        raise KeyError(f"columns not in the table: {missing}; it has {list(table.columns)}")


def _ordered_unique(values: pd.Series) -> list:
    """Categories in their categorical order if ordered, else in order of first appearance."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna())
        return [c for c in values.cat.categories if c in present]
    return list(pd.unique(values.dropna()))


def _format_percent(value: float, decimals: int = 0) -> str:
    """Format a percentage for a direct label, e.g. ``12%``."""
    return f"{value:.{decimals}f}%"


# --------------------------------------------------------------------------------------------
# Bars
# --------------------------------------------------------------------------------------------


def _whisker_style() -> list:
    """A white halo so the whisker shows both over a dark bar and over the white background."""
    return [patheffects.withStroke(linewidth=2.8, foreground="white")]


def _hbars(
    table: pd.DataFrame,
    category: str,
    group: str | None,
    percent: str,
    *,
    low: str | None,
    high: str | None,
    marker: str | None,
    title: str,
    subtitle: str | None,
    decimals: int,
    reference: Mapping[str, float] | None,
    xlabel: str | None,
    height: float | None,
) -> Figure:
    """Draw horizontal (grouped) percentage bars; shared by the two public bar functions."""
    _require_columns(table, category, group, percent, low, high, marker)
    if (low is None) != (high is None):
        raise ValueError("give both low and high for interval whiskers, or neither")
    categories = _ordered_unique(table[category])
    groups = _ordered_unique(table[group]) if group else [None]
    _check_colours(len(groups), "groups")
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
        label_texts: list[Text] = []
        for g_index, g in enumerate(groups):
            rows = table if g is None else table[table[group] == g]
            rows = rows.set_index(category).reindex(categories)
            # First category at the top: y counts down.
            y = -np.arange(len(categories)) + 0.4 - bar_h * (g_index + 0.5)  # group 0 on top
            values = rows[percent].to_numpy(dtype=float)
            ax.barh(y, np.nan_to_num(values), height=bar_h * 0.92, color=PALETTE[g_index])
            end = values.copy()
            if low is not None:
                lo = rows[low].to_numpy(dtype=float)
                hi = rows[high].to_numpy(dtype=float)
                ok = ~(np.isnan(values) | np.isnan(lo) | np.isnan(hi))
                container = ax.errorbar(
                    values[ok],
                    y[ok],
                    xerr=np.vstack([values[ok] - lo[ok], hi[ok] - values[ok]]),
                    fmt="none",
                    ecolor=MUTED_COLOUR,
                    elinewidth=1.4,
                    capsize=3.5,
                    capthick=1.4,
                    label="_95% interval",
                )
                for artist in container.lines[1] + container.lines[2]:
                    artist.set_gid(GID_WHISKERS)
                    artist.set_path_effects(_whisker_style())
                end = np.where(ok, np.fmax(values, hi), values)
            ends.append(np.nan_to_num(end))
            for i, v in enumerate(values):
                if np.isnan(v):
                    # Suppressed or missing: say so where the bar would be, never draw zero.
                    text = str(rows[marker].iloc[i]) if marker else "x"
                    text = "x" if text in ("", "nan", "None", "<NA>") else text
                else:
                    text = _format_percent(v, decimals)
                if group and i == 0:
                    # Direct label for the group on the first category, in place of a legend.
                    text = f"{text}  {g}"
                label_texts.append(
                    ax.annotate(
                        text,
                        xy=(0 if np.isnan(end[i]) else end[i], y[i]),
                        xytext=(5, 0),
                        textcoords="offset points",
                        ha="left",
                        va="center",
                        fontsize=SIZE_LABEL,
                        color=TEXT_COLOUR,
                        bbox=_TEXT_BACKGROUND,
                        zorder=4,
                    )
                )

        # Long category names wrap rather than squeeze the bars into a narrow strip.
        tick_labels = ["\n".join(textwrap.wrap(str(c), CATEGORY_WRAP)) for c in categories]
        ax.set_yticks(-np.arange(len(categories)), tick_labels)
        ax.tick_params(axis="y", length=0, pad=6)
        ax.set_ylim(-len(categories) + 0.5, 0.5)
        x_max = max([float(np.max(e)) for e in ends] + [1.0])
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
        if reference:
            reference_markers(ax, reference, axis="x")
    return fig


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
        Column with the percentages (0-100). NaN draws no bar and prints the ``marker``.
    low, high : str, optional
        Columns with the interval bounds (e.g. 95% Wilson interval); drawn as whiskers.
    marker : str, optional
        Column of disclosure markers (``c``, ``x``, ``z``, ``low``) printed where ``percent`` is
        NaN; without it NaN prints ``x`` (not available).
    title, subtitle : str
        Figure title and optional subtitle.
    decimals : int
        Decimal places in the value labels.
    reference : mapping of str to float, optional
        Published values to mark, e.g. ``{"published 12%": 12}``; see :func:`reference_markers`.
    xlabel : str, optional
        Axis label, shown only when the x axis is (with intervals or references). Default
        "Percentage, with 95% interval" or "Percentage"; ``""`` for none.
    height : float, optional
        Height of the plotting area in inches; by default from the number of bars.

    Returns
    -------
    Figure
        Not yet stamped: :func:`save_figure` adds the data stamp and source note.
    """
    return _hbars(
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
        xlabel=xlabel,
        height=height,
    )


def grouped_bar_percent(
    table: pd.DataFrame,
    category: str,
    group: str,
    percent: str,
    *,
    low: str | None = None,
    high: str | None = None,
    marker: str | None = None,
    title: str,
    subtitle: str | None = None,
    decimals: int = 0,
    reference: Mapping[str, float] | None = None,
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
    group : str
        Column with the groups, e.g. "at the time of the incident" and "ever". At most four.
    percent, low, high, marker, title, subtitle, decimals, reference, xlabel, height
        As in :func:`bar_percent`.

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        With more than four groups, or more than one row per (category, group).
    """
    return _hbars(
        table,
        category,
        group,
        percent,
        low=low,
        high=high,
        marker=marker,
        title=title,
        subtitle=subtitle,
        decimals=decimals,
        reference=reference,
        xlabel=xlabel,
        height=height,
    )


# --------------------------------------------------------------------------------------------
# Reference markers
# --------------------------------------------------------------------------------------------


def spread_labels(fig: Figure, texts: list[Text], axis: str) -> None:
    """Nudge annotation labels apart so none overlaps another (deterministic, in points).

    Labels above the plot (``axis="x"``) move up a row; labels at line ends (``axis="y"``)
    are spread vertically, keeping their order.
    """
    if len(texts) < 2:
        return
    fig.canvas.draw()  # runs the layout so text extents are final
    renderer = fig.canvas.get_renderer()
    to_points = 72 / fig.dpi
    if axis == "x":
        placed = []
        for text in sorted(texts, key=lambda t: t.get_window_extent(renderer).x0):
            box = text.get_window_extent(renderer)
            row = 0
            while any(r == row and box.x0 < b.x1 + 4 and b.x0 < box.x1 + 4 for r, b in placed):
                row += 1
            if row:
                x_off, y_off = text.xyann
                text.xyann = (x_off, y_off + row * (box.height * to_points + 1.5))
            placed.append((row, box))
        return
    # axis == "y": spread by centre, minimum gap one label height.
    boxes = [t.get_window_extent(renderer) for t in texts]
    order = sorted(range(len(texts)), key=lambda i: (boxes[i].y0 + boxes[i].y1) / 2)
    centres = [(boxes[i].y0 + boxes[i].y1) / 2 for i in order]
    gap = max(b.height for b in boxes) * 1.05
    wanted = list(centres)
    for k in range(1, len(wanted)):
        wanted[k] = max(wanted[k], wanted[k - 1] + gap)
    # Centre the block that moved on where the labels wanted to be, so it does not drift up.
    shift = (sum(centres) - sum(wanted)) / len(wanted)
    shift = min(0.0, shift)
    for k, i in enumerate(order):
        dy = (wanted[k] + shift - centres[k]) * to_points
        if abs(dy) > 0.01:
            x_off, y_off = texts[i].xyann
            texts[i].xyann = (x_off, y_off + dy)
    # Re-check after shifting the block down (the first pass can only push upwards).
    boxes = [t.get_window_extent(renderer) for t in texts]
    for k in range(1, len(order)):
        low_box, high_box = boxes[order[k - 1]], boxes[order[k]]
        overlap = low_box.y1 - high_box.y0
        if overlap > 0:
            x_off, y_off = texts[order[k]].xyann
            texts[order[k]].xyann = (x_off, y_off + overlap * to_points + 1)
            boxes[order[k]] = texts[order[k]].get_window_extent(renderer)


def reference_markers(
    ax: Axes, values: Mapping[str, float], *, axis: str = "x", spread: bool = True
) -> list[Text]:
    """Mark published reference values with dashed lines labelled in words.

    Parameters
    ----------
    ax : Axes
        Axes to draw on.
    values : mapping of str to float
        Label to value, e.g. ``{"published 12%": 12.0}``. The label is printed as given.
    axis : {"x", "y"}
        ``"x"``: vertical lines at x values (bar charts), labelled above the plot.
        ``"y"``: horizontal lines at y values (line charts), labelled right of the plot.
    spread : bool
        Move labels apart when they would overlap (``line_series`` spreads reference and
        series labels together instead).

    Returns
    -------
    list of Text
        The label artists.
    """
    if axis not in ("x", "y"):
        raise ValueError("axis must be 'x' or 'y'")
    texts = []
    for label, value in values.items():
        value = float(value)
        common = dict(color=MUTED_COLOUR, linestyle=(0, (4, 3)), linewidth=1.4, zorder=3)
        if axis == "x":
            ax.axvline(value, gid="reference-marker", **common)
            text = ax.annotate(
                label,
                xy=(value, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=SIZE_NOTE,
                color=MUTED_COLOUR,
                zorder=4,
            )
        else:
            ax.axhline(value, gid="reference-marker", **common)
            # Right of the plot, in the same column as line-end labels, so it covers no data.
            text = ax.annotate(
                label,
                xy=(1.0, value),
                xycoords=("axes fraction", "data"),
                xytext=(8, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=SIZE_NOTE,
                color=MUTED_COLOUR,
                zorder=4,
            )
        texts.append(text)
    # Values outside the current limits must still be seen.
    lo, hi = ax.get_xlim() if axis == "x" else ax.get_ylim()
    vals = [float(v) for v in values.values()]
    if vals and (min(vals) < lo or max(vals) > hi):
        new_lo, new_hi = min(lo, *vals), max(hi, *vals)
        margin = 0.05 * ((new_hi - new_lo) or 1.0)
        new_lo = new_lo - margin if new_lo < lo else lo
        new_hi = new_hi + margin if new_hi > hi else hi
        if axis == "x":
            ax.set_xlim(new_lo, new_hi)
        else:
            ax.set_ylim(new_lo, new_hi)
    if spread:
        spread_labels(ax.figure, texts, axis)
    return texts


# --------------------------------------------------------------------------------------------
# Lines
# --------------------------------------------------------------------------------------------


def _regular_grid(x: pd.Series) -> np.ndarray | None:
    """The full run of integer x values (e.g. every year), or None if x is not integral."""
    values = pd.to_numeric(x, errors="coerce").dropna().unique()
    if len(values) < 2 or not np.all(np.equal(np.mod(values, 1), 0)):
        return None
    values = np.sort(values.astype(np.int64))
    step = int(np.gcd.reduce(np.diff(values)))
    return np.arange(values[0], values[-1] + step, step)


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
    height: float = 3.6,
) -> Figure:
    """A time series (one or up to four lines), each labelled at its end; gaps stay gaps.

    A NaN in ``y`` breaks the line there. With integer ``x`` (years) a year missing from the
    table is also a gap, never bridged by a straight line: the series are re-indexed to every
    step between the first and last year (the step is the greatest common divisor of the
    spacing, so biennial data stay biennial). A point with no neighbour is always drawn as a
    marker so it cannot vanish.

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
    _require_columns(table, x, y, series)
    names = _ordered_unique(table[series]) if series else [None]
    _check_colours(len(names), "series")
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
        x_values = _ordered_unique(table[x])
        positions = np.arange(len(x_values), dtype=float)

    fig, ax = new_figure(title, subtitle, height=height)
    with house_style():
        end_labels: list[Text] = []
        for index, name in enumerate(names):
            rows = table if name is None else table[table[series] == name]
            values = rows.set_index(x)[y].reindex(x_values).to_numpy(dtype=float)
            colour = PALETTE[index]
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
            if name is not None or end_values:
                if not observed.any():
                    continue
                last = int(np.flatnonzero(observed)[-1])
                parts = [str(name)] if name is not None else []
                if end_values:
                    parts.append(value_format.format(values[last]))
                end_labels.append(
                    ax.annotate(
                        "  ".join(parts),
                        xy=(positions[last], values[last]),
                        xytext=(8, 0),
                        textcoords="offset points",
                        ha="left",
                        va="center",
                        fontsize=SIZE_LABEL,
                        fontweight="bold",
                        color=TEXT_COLOUR,
                        bbox=_TEXT_BACKGROUND,
                        zorder=4,
                    )
                )

        if numeric_x:
            ax.xaxis.set_major_locator(MaxNLocator(integer=grid is not None, nbins=8))
            if grid is not None:
                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}"))
        else:
            # Thin the labels rather than rotate them: text stays horizontal.
            every = max(1, math.ceil(len(x_values) / 8))
            ticks = positions[::every]
            ax.set_xticks(ticks, [str(v) for v in x_values[::every]])
        pad = 0.02 * (positions[-1] - positions[0] or 1.0)
        ax.set_xlim(positions[0] - pad, positions[-1] + pad)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: value_format.format(v)))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
        if y_from_zero:
            ax.set_ylim(bottom=0)
        ax.grid(axis="y")  # light guides help read values off a line; none on the x axis
        ax.set_axisbelow(True)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        if ylabel:
            # Horizontal, above the axis, instead of rotated 90 degrees up the side.
            ax.set_ylabel(ylabel, rotation=0, ha="left", va="bottom", fontsize=SIZE_TICK)
            ax.yaxis.set_label_coords(0.0, 1.03)
        if reference:
            end_labels += reference_markers(ax, reference, axis="y", spread=False)
        spread_labels(fig, end_labels, "y")
    return fig


# --------------------------------------------------------------------------------------------
# Stamp and save
# --------------------------------------------------------------------------------------------


def _is_synthetic(label: str) -> bool:
    return label.strip().upper() == SYNTHETIC_LABEL


def stamp_figure(fig: Figure, label: str, source_note: str | None = None) -> Text:
    """Stamp a figure with the data it was made from (and an optional source note).

    Called by :func:`save_figure`; call it directly to see the stamp in a notebook before
    saving. Stamping again replaces the earlier stamp and note, so there is only ever one.

    Parameters
    ----------
    fig : Figure
    label : str
        ``"SYNTHETIC DATA"`` (from :func:`analysis.casedata.load.dataset_label`) stamps a bold boxed
        "SYNTHETIC DATA – not real cases" in the top-right corner; any other label (a dataset
        name) is stamped smaller as "Data: {label}".
    source_note : str, optional
        Printed small at the bottom left, e.g. "Source: Sidebotham et al. (2016), table 3.1".

    Returns
    -------
    Text
        The stamp artist (its id is ``data-stamp``).
    """
    if not label or not label.strip():
        raise ValueError("label is required: every figure says what data it was made from")
    for artist in list(fig.texts):
        if artist.get_gid() in (GID_STAMP, GID_SOURCE):
            artist.remove()
    with house_style():
        if _is_synthetic(label):
            stamp = _figure_text(
                fig,
                -MARGIN,
                -MARGIN,
                SYNTHETIC_STAMP,
                fontsize=SIZE_STAMP,
                fontweight="bold",
                color=STAMP_COLOUR,
                ha="right",
                va="top",
                gid=GID_STAMP,
                bbox=dict(
                    boxstyle="round,pad=0.3", facecolor="white", edgecolor=STAMP_COLOUR, lw=1.5
                ),
                zorder=10,
            )
        else:
            stamp = _figure_text(
                fig,
                -MARGIN,
                -MARGIN,
                f"Data: {label.strip()}",
                fontsize=SIZE_NOTE,
                color=MUTED_COLOUR,
                ha="right",
                va="top",
                gid=GID_STAMP,
                zorder=10,
            )
        if source_note:
            _figure_text(
                fig,
                MARGIN,
                MARGIN,
                source_note,
                fontsize=SIZE_NOTE,
                color=MUTED_COLOUR,
                ha="left",
                va="bottom",
                gid=GID_SOURCE,
            )
    return stamp


def _alt_text(alt_text: str, label: str, source_note: str | None) -> str:
    """The alt text file: the author's description, then what data it shows, then the source."""
    parts = [alt_text.strip()]
    if _is_synthetic(label):
        parts.append(
            "This figure is made from synthetic data (invented cases, not real children or "
            "reviews); it shows how the analysis works, not what happened."
        )
    else:
        parts.append(f"Data: {label.strip()}.")
    if source_note:
        parts.append(source_note.strip())
    return " ".join(parts) + "\n"


def _figure_title(fig: Figure) -> str | None:
    for artist in fig.texts:
        if artist.get_gid() == GID_TITLE:
            return " ".join(artist.get_text().split())
    return None


def save_figure(
    fig: Figure,
    name: str,
    *,
    data: pd.DataFrame,
    alt_text: str,
    label: str,
    source_note: str | None = None,
    out_dir: Path | str | None = None,
) -> dict[str, Path]:
    """Stamp a figure and write it as PNG, SVG, CSV and alt text; then close it.

    The same figure and data give byte-identical files on every run: the SVG id salt is fixed,
    text is drawn as paths, and no date or software version is written into either image.

    Parameters
    ----------
    fig : Figure
        From one of the plot functions (or any figure; house style is applied while saving).
    name : str
        File stem, e.g. ``"fig_3_1_age_at_incident"``; letters, digits, ``_``, ``-``, ``.``.
    data : DataFrame
        The data plotted, tidy, with lower snake_case column names. Written as ``{name}.csv``
        (UTF-8, no index) with a ``data_label`` column added (the ``label``), so the table
        also says what data it came from.
    alt_text : str
        A description for people who cannot see the figure: what it shows and the main finding.
    label : str
        The data stamp: ``"SYNTHETIC DATA"`` or a dataset name (see :func:`stamp_figure`).
    source_note : str, optional
        Printed at the bottom left and appended to the alt text.
    out_dir : path-like, optional
        Folder to write into (created if missing); default ``analysis.paths.FIGURES_DIR``.

    Returns
    -------
    dict of str to Path
        Keys ``png``, ``svg``, ``csv``, ``alt``.

    Raises
    ------
    ValueError
        On an unsafe name, empty alt text or label, or column names not in lower snake_case.
    """
    if not _NAME.match(name):
        raise ValueError(f"figure name {name!r} must be a plain file stem (no folders)")
    if not alt_text or not alt_text.strip():
        raise ValueError("alt_text is required: every figure needs a text description")
    if not isinstance(data, pd.DataFrame):
        raise TypeError("data must be the DataFrame that was plotted")
    bad = [c for c in data.columns if not (isinstance(c, str) and _SNAKE.match(c))]
    if bad:
        raise ValueError(f"data columns must be lower snake_case; rename {bad}")

    out = Path(out_dir) if out_dir is not None else FIGURES_DIR
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "png": out / f"{name}.png",
        "svg": out / f"{name}.svg",
        "csv": out / f"{name}.csv",
        "alt": out / f"{name}.alt.txt",
    }
    stamp_figure(fig, label, source_note)
    description = _alt_text(alt_text, label, source_note)
    title = _figure_title(fig) or name
    if fig.canvas is None or type(fig.canvas).__name__ == "FigureCanvasBase":
        FigureCanvasAgg(fig)
    with house_style():
        # Metadata None removes the keys matplotlib would fill with its version and today's date.
        fig.savefig(
            paths["png"],
            format="png",
            dpi=SAVE_DPI,
            metadata={"Software": None, "Title": title, "Description": description.strip()},
        )
        fig.savefig(
            paths["svg"],
            format="svg",
            metadata={
                "Date": None,
                "Creator": None,
                "Title": title,
                "Description": description.strip(),
            },
        )
    table = data.copy()
    if "data_label" not in table.columns:
        table["data_label"] = label.strip()
    table.to_csv(paths["csv"], index=False, encoding="utf-8", lineterminator="\n")
    paths["alt"].write_text(description, encoding="utf-8")
    _close(fig)
    return paths


def _close(fig: Figure) -> None:
    """Close the figure: unregister it from pyplot if pyplot made it.

    Figures from this module never enter pyplot's registry, so they are freed once unreferenced;
    they are not cleared, so a notebook can still display the saved (stamped) figure.
    """
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
