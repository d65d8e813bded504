"""The house style: every colour, size and drawing constant defined once, and the rcParams.

Style follows the Analysis Function guidance on charts: its categorical palette (at most four
colours in one figure), direct labels rather than legends, horizontal text only, no gridlines or
boxes that carry no data, left-aligned titles. Every other charts module takes its colours,
sizes and line styles from here, so a change of style is one edit.

Examples
--------
>>> PALETTE[:4]
('#12436D', '#28A197', '#801650', '#F46A25')
>>> is_synthetic_label(" synthetic data ")
True
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import matplotlib as mpl
from afcharts.af_colours import get_af_colours

from analysis.casedata.labels import SYNTHETIC_LABEL

#: Analysis Function categorical palette, in the order colours are to be used (from afcharts,
#: the Analysis Function's own package, so the kit follows the guidance as it is published).
PALETTE = tuple(get_af_colours("categorical"))
#: Two series: the guidance's duo palette (dark blue and orange), not the first two above.
DUO = tuple(get_af_colours("duo"))
#: One series to highlight against the rest (dark blue against grey).
FOCUS = tuple(get_af_colours("focus"))
#: The contrast text needs against its background (WCAG 2.1 AA, normal text).
TEXT_CONTRAST = 4.5
#: The palette is only colour-blind safe for the first four colours used together.
MAX_COLOURS = 4
#: The stamp printed on every figure made from synthetic data.
SYNTHETIC_STAMP = "SYNTHETIC DATA – not real cases"

TEXT_COLOUR = "#0B0C0C"  # GOV.UK text colour: 19:1 contrast on white
MUTED_COLOUR = "#3D3D3D"  # palette grey: 11:1 on white, for axes, whiskers, references
STAMP_COLOUR = "#801650"  # palette dark pink: 8:1 on white, so the stamp reads as a warning
GRID_COLOUR = "#D9D9D9"  # light guides and dividers: seen, but never read as data
BACKGROUND = "white"  # the paper: figure, label boxes, halos, hollow markers
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

# Lines that are not data: published references (dashed), interval whiskers, dividers.
REFERENCE_DASH = (0, (4, 3))
REFERENCE_WIDTH = 1.4
#: A published average that a data line may run along: a wide pale band under the lines, so
#: it stays visible where the line sits on it (a dashed line there is hidden by the line).
REFERENCE_BAND = dict(color=GRID_COLOUR, linewidth=11, solid_capstyle="butt", zorder=1)
BASELINE_WIDTH = 1.2  # a line at zero change, an index base or a series break
WHISKER_WIDTH = 1.4
CAP_SIZE = 3.5
#: A faint rule between groups of bars or periods of years.
DIVIDER = dict(color=GRID_COLOUR, linewidth=1.0, zorder=1)

# Words drawn and written where a value is missing. Charts may not import ``publish``, so the
# disclosure markers of ``analysis/publish/disclosure.yaml`` are restated here (a test keeps
# the two the same), in brackets as official statistics show them, each with its meaning: the
# code alone ("c") means nothing to most readers, and "x" is "not available", not "suppressed".
#: The marker of a count suppressed by disclosure control.
SUPPRESSED_MARKER = "c"
#: Each disclosure marker as shown in a figure or its alt text.
MARKER_TEXT = {
    SUPPRESSED_MARKER: "[c] suppressed",
    "x": "[x] not available",
    "z": "[z] not applicable",
    "low": "[low] rounds to zero",
}
#: A value missing with no marker to say why.
NOT_AVAILABLE_TEXT = "not available"

# Artist ids: save_figure finds (and replaces) its own artists by these, and they become element
# ids in the SVG, so a reader of the file can find the stamp too.
GID_STAMP = "data-stamp"
GID_SOURCE = "source-note"
GID_TITLE = "figure-title"
GID_SUBTITLE = "figure-subtitle"
GID_WHISKERS = "interval-whiskers"
GID_REFERENCE = "reference-marker"

#: Behind direct labels and reference labels: a line or gridline passing under the text is cut,
#: so the words stay legible (contrast of the text itself, not of text on a dashed line).
SOLID_LABEL_BOX = dict(boxstyle="square,pad=0.1", facecolor=BACKGROUND, edgecolor="none")
#: The same, slightly see-through, where a label may sit over a bar or marker.
LABEL_BOX = {**SOLID_LABEL_BOX, "alpha": 0.85}

RC_PARAMS: dict[str, object] = {
    # Determinism. A fixed salt makes the SVG's clip-path ids stable between runs (matplotlib
    # otherwise salts them with a random uuid). Text stays text (<text> elements naming the
    # house font, DejaVu Sans, with a sans-serif fallback), so a screen reader can read it out
    # and an editor can change it; the bytes depend only on the figure, not on the machine.
    "svg.hashsalt": "scr-analysis-figures",
    "svg.fonttype": "none",
    "axes.formatter.use_locale": False,  # a decimal comma must not creep in from the OS locale
    "savefig.dpi": SAVE_DPI,
    "savefig.facecolor": BACKGROUND,
    "savefig.transparent": False,
    "figure.facecolor": BACKGROUND,
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
    "grid.color": GRID_COLOUR,
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
    :func:`analysis.charts.save.save_figure` each use this block themselves.
    """
    with mpl.rc_context(RC_PARAMS):
        yield


def apply_house_style() -> None:
    """Apply the house style for the rest of the session (e.g. at the top of a notebook)."""
    mpl.rcParams.update(RC_PARAMS)


def is_synthetic_label(label: str) -> bool:
    """Whether a data label (``Run.label``) says the data are synthetic."""
    return label.strip().upper() == SYNTHETIC_LABEL


def series_colours(n: int) -> tuple[str, ...]:
    """The colours of ``n`` series, as the guidance orders them: duo for two, else categorical.

    >>> series_colours(2)
    ('#12436D', '#F46A25')
    >>> series_colours(3)
    ('#12436D', '#28A197', '#801650')
    """
    return DUO if n == 2 else PALETTE[:n]


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(colour: str, background: str = "#FFFFFF") -> float:
    """WCAG contrast ratio of two colours (1 to 21).

    >>> round(contrast_ratio("#28A197"), 2)  # the palette's teal on white
    3.17
    """
    high, low = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour(colour: str) -> str:
    """A series colour as text may use it: darkened towards black until it reads at
    :data:`TEXT_CONTRAST` on white (bars and lines keep the palette colour itself).

    >>> text_colour("#12436D")  # dark blue already reads
    '#12436D'
    >>> contrast_ratio(text_colour("#F46A25")) >= TEXT_CONTRAST
    True
    """
    colour = mpl.colors.to_hex(colour).upper()
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    while contrast_ratio(_hex(rgb)) < TEXT_CONTRAST:
        rgb = [int(c * 0.95) for c in rgb]
    return _hex(rgb)


def _hex(rgb: list[int]) -> str:
    return "#" + "".join(f"{c:02X}" for c in rgb)
