"""All drawing: the one house style, generic and chapter charts, alt text from the plotted
data, and deterministic saving (PNG and SVG). The only room that imports matplotlib or seaborn.

May import: ``analysis.paths`` and the data labels of ``casedata``; nothing above.

Modules: :mod:`~analysis.charts.style` (palette, sizes, rcParams), :mod:`~.layout` (figure
frame, label spreading), :mod:`~.annotate` (direct labels, reference markers), :mod:`~.inputs`
(checks on a plot's table), :mod:`~.bars` and :mod:`~.lines` (the generic plots),
:mod:`~.save` (stamp and deterministic saving), :mod:`~.seaborn_theme` (seaborn in the house
style), :mod:`~.alt` (alt text), :mod:`~.gaps`
(values withheld or missing: their words, and whether enough is left to draw),
:mod:`~.introspect` (what a figure carries), and one ``chapter_*`` module per chapter for the
figures the generic plots cannot draw and the alt text of each chapter's figures. The generic
API is re-exported here: ``from analysis.charts import bar_percent``.

The chapters' charts are drawn with matplotlib, not seaborn: their intervals are computed by the
kit (Wilson, Newcombe, simultaneous) where seaborn's statistical plots compute their own from
raw rows, and a value withheld by disclosure control must be drawn as a labelled gap, which
seaborn has no notion of; seaborn would also cost each chapter's kernel over a second to
import. Where seaborn is the natural tool, a chart drawn from a table by a learner, it is used
in the house style (:func:`house_theme`, teaching exercise 2).
"""

from analysis.charts.alt import percent_list
from analysis.charts.annotate import reference_markers
from analysis.charts.bars import bar_percent, grouped_bar_percent
from analysis.charts.chart import Chart
from analysis.charts.gaps import too_little_to_show
from analysis.charts.layout import new_figure, spread_labels
from analysis.charts.lines import line_series
from analysis.charts.save import save_figure, stamp_figure
from analysis.charts.seaborn_theme import house_theme
from analysis.charts.style import (
    MAX_COLOURS,
    PALETTE,
    RC_PARAMS,
    SYNTHETIC_STAMP,
    apply_house_style,
    house_style,
)

__all__ = [
    "Chart",
    "MAX_COLOURS",
    "PALETTE",
    "RC_PARAMS",
    "SYNTHETIC_STAMP",
    "apply_house_style",
    "bar_percent",
    "grouped_bar_percent",
    "house_style",
    "house_theme",
    "line_series",
    "new_figure",
    "percent_list",
    "reference_markers",
    "save_figure",
    "spread_labels",
    "stamp_figure",
    "too_little_to_show",
]
