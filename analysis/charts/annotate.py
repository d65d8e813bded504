"""Words on the plot: direct labels in the house style and labelled reference markers."""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.axes import Axes
from matplotlib.text import Text

from analysis.charts.layout import spread_labels
from analysis.charts.style import (
    BACKGROUND,
    GID_REFERENCE,
    LABEL_BOX,
    MUTED_COLOUR,
    REFERENCE_DASH,
    REFERENCE_WIDTH,
    SIZE_LABEL,
    SIZE_NOTE,
    TEXT_COLOUR,
    text_colour,
)


def direct_label(
    ax: Axes,
    text: str,
    xy: tuple[float, float],
    *,
    offset: tuple[float, float] = (0, 0),
    ha: str = "left",
    va: str = "center",
    colour: str = TEXT_COLOUR,
    size: float = SIZE_LABEL,
    bold: bool = False,
    box: Mapping | None = LABEL_BOX,
    zorder: float = 4,
    ground: str = BACKGROUND,
    **kwargs,
) -> Text:
    """Label a point directly (instead of a legend), offset from it in points.

    Parameters
    ----------
    ax : Axes
    text : str
    xy : (float, float)
        The point labelled, in data coordinates unless ``xycoords`` says otherwise.
    offset : (float, float)
        Offset of the text from ``xy`` in points.
    ha, va : str
        Alignment of the text on its anchor.
    colour, size, bold
        Text colour, size in points, bold or not.
    box : mapping, optional
        The ground behind the text (default :data:`analysis.charts.style.LABEL_BOX`, so a line
        passing under the words leaves them legible); None for none.
    zorder : float
        Drawing order; labels sit above the data.
    ground : str
        What the text sits on: the paper (default), where a series colour too light to read is
        darkened (:func:`analysis.charts.style.text_colour`), or a bar's fill (the caller
        chooses a colour that reads on it).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.annotate` (e.g. ``xycoords``, ``style``).
    """
    return ax.annotate(
        text,
        xy=xy,
        xytext=offset,
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=size,
        fontweight="bold" if bold else "normal",
        color=text_colour(colour) if ground == BACKGROUND else colour,
        bbox=box,
        zorder=zorder,
        **kwargs,
    )


def note_label(ax: Axes, text: str, xy: tuple[float, float], **kwargs) -> Text:
    """A small grey note on the plot (a reference, a gap, a series break), on no ground."""
    kwargs = {"colour": MUTED_COLOUR, "size": SIZE_NOTE, "box": None, **kwargs}
    return direct_label(ax, text, xy, **kwargs)


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
    common = dict(color=MUTED_COLOUR, linestyle=REFERENCE_DASH, linewidth=REFERENCE_WIDTH, zorder=3)
    for label, value in values.items():
        value = float(value)
        if axis == "x":
            ax.axvline(value, gid=GID_REFERENCE, **common)
            text = note_label(
                ax,
                label,
                (value, 1.0),
                xycoords=("data", "axes fraction"),
                offset=(0, 3),
                ha="center",
                va="bottom",
            )
        else:
            ax.axhline(value, gid=GID_REFERENCE, **common)
            # Right of the plot, in the same column as line-end labels, so it covers no data.
            text = note_label(
                ax, label, (1.0, value), xycoords=("axes fraction", "data"), offset=(8, 0)
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
