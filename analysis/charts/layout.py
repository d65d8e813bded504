"""The frame of every figure: title band, plot, source band; and keeping labels apart.

Figures are built on ``matplotlib.figure.Figure`` with an Agg canvas, not through pyplot: that
renders headless anywhere (CI, servers), keeps no global figure registry to leak memory, and
leaves a notebook's own display backend alone.
"""

from __future__ import annotations

import textwrap

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text
from matplotlib.transforms import ScaledTranslation

from analysis.charts.style import (
    FIG_WIDTH,
    GID_SUBTITLE,
    GID_TITLE,
    MARGIN,
    MUTED_COLOUR,
    SIZE_NOTE,
    SIZE_STAMP,
    SIZE_SUBTITLE,
    SIZE_TICK,
    SIZE_TITLE,
    house_style,
)


def _line_height(size_pt: float, spacing: float = 1.3) -> float:
    """Height of one line of text in inches."""
    return size_pt * spacing / 72


def _wrap(text: str | None, width_in: float, size_pt: float) -> list[str]:
    """Wrap text to a width in inches (DejaVu Sans averages ~0.6 em per character)."""
    if not text:
        return []
    chars = max(20, int(width_in * 72 / (size_pt * 0.6)))
    return [line for part in text.splitlines() for line in (textwrap.wrap(part, chars) or [""])]


def note_lines(fig: Figure, note: str, size_pt: float) -> list[str]:
    """A source note wrapped to the figure's width, and the figure grown to hold it.

    :func:`new_figure` keeps one line for the note so that every figure lines up; a note that
    needs more (a line citing several publications) grows the figure at the bottom by the extra
    lines, keeping the plot, title and stamp where they were, instead of running off the edge.
    Growing again (a figure stamped twice) first gives back what the last call added.
    """
    text_width = fig.get_figwidth() - 2 * MARGIN
    # DejaVu Sans at note size runs about 0.56 em a character over mixed text
    chars = max(20, int(text_width * 72 / (size_pt * 0.56)))
    lines = textwrap.wrap(note, chars, break_on_hyphens=False) or [""]
    extra = (len(lines) - 1) * _line_height(size_pt, 1.2)
    grown = getattr(fig, "_scr_note_extra", 0.0)
    engine = fig.get_layout_engine()
    rect = engine.get().get("rect") if engine is not None else None
    if extra != grown and rect is not None:
        old_total = fig.get_figheight()
        top_in = (1 - rect[1] - rect[3]) * old_total
        bottom_in = rect[1] * old_total + extra - grown
        total = old_total + extra - grown
        fig.set_size_inches(fig.get_figwidth(), total)
        engine.set(rect=(rect[0], bottom_in / total, rect[2], (total - top_in - bottom_in) / total))
        fig._scr_note_extra = extra
    return lines


def figure_text(fig: Figure, x_in: float, y_in: float, text: str, **kwargs) -> Text:
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
        figure_text(
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
            figure_text(
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


def y_guides(ax: Axes, ylabel: str | None = None, *, size: float = SIZE_TICK) -> None:
    """Light horizontal guides instead of a y axis line, and the y label above the axis.

    Guides help read values off a line or point; the label is horizontal, above the axis,
    instead of rotated 90 degrees up the side.
    """
    ax.grid(axis="y")
    ax.set_axisbelow(True)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    if ylabel:
        ax.set_ylabel(ylabel, rotation=0, ha="left", va="bottom", fontsize=size)
        ax.yaxis.set_label_coords(0.0, 1.03)


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
