"""The scorecard's figure (notebook 08): published figures about a subgroup beside the case data.

Each row is one published figure about a subgroup (the SUDI paper's "18/27 hazardous sleep
environment", poverty in 35% of 2014-17 reviews), drawn as a share of its subgroup: the
recomputed share as a dot with its 95% interval, the published share as a diamond on the same
line. A share the case data cannot give (withheld by disclosure control, or not computable from
the file) reads as its marker says, where the dot would be. The table is
:func:`analysis.chapters.scorecard_views.subgroup_figures`.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from analysis.charts.alt import range_text, withheld_text
from analysis.charts.bars import interval_arms
from analysis.charts.chart import Chart
from analysis.charts.gaps import (
    gap_text,
    is_missing,
    number_words,
    row_markers,
    word_list,
)
from analysis.charts.inputs import require_columns
from analysis.charts.layout import new_figure
from analysis.charts.style import (
    CAP_SIZE,
    CATEGORY_WRAP,
    DIVIDER,
    DUO,
    MUTED_COLOUR,
    SIZE_NOTE,
    SIZE_TICK,
    WHISKER_WIDTH,
    house_style,
)

#: Recomputed (dark blue) and published (orange): the guidance's duo palette.
RECOMPUTED_COLOUR, PUBLISHED_COLOUR = DUO
#: Height of one row of the chart, in inches.
ROW_HEIGHT = 0.42
#: The most figures the alt text names (more are counted): it stays a few sentences.
NAMED = 3
#: The statuses a title counts, with their words (one, many).
_STATUS_WORDS = {
    "agrees": ("agrees exactly", "agree exactly"),
    "consistent (interval)": (
        "is consistent within its 95% interval",
        "are consistent within their 95% intervals",
    ),
    "consistent (weak)": ("is consistent with a weak statement", "are consistent with weak ones"),
    "differs": ("differs", "differ"),
}


def _counts(table: pd.DataFrame) -> dict[str, int]:
    markers = row_markers(table, "marker")
    return {
        "shown": int(sum(m == "" for m in markers)),
        "withheld": int(sum(m == "c" for m in markers)),
        "not computable": int(sum(m == "x" for m in markers)),
        **{s: int((table["status"] == s).sum()) for s in _STATUS_WORDS},
    }


def subgroup_figures_title(table: pd.DataFrame) -> str:
    """The chart's title: how many of the published subgroup figures the case data meets.

    >>> t = pd.DataFrame({"status": ["agrees", "agrees", "differs", "c"],
    ...                   "marker": ["", "", "", "c"]})
    >>> subgroup_figures_title(t)
    'Of 4 published figures about a subgroup, 2 agree exactly, 1 differs, 1 withheld'
    >>> subgroup_figures_title(t.assign(status="agrees", marker=""))
    'All 4 published figures about a subgroup agree exactly with the case data'
    >>> subgroup_figures_title(t.assign(status="not computable", marker="x"))
    'None of 4 published figures about a subgroup could be computed from this file'
    """  # noqa: E501
    n = _counts(table)
    if n["shown"] == 0 and n["withheld"] == 0:
        return (
            f"None of {len(table)} published figures about a subgroup could be computed from "
            "this file"
        )
    if n["agrees"] == len(table) > 1:
        return (
            f"All {len(table)} published figures about a subgroup agree exactly with the case data"
        )
    parts = [
        f"{n[s]} {words[0] if n[s] == 1 else words[1]}"
        for s, words in _STATUS_WORDS.items()
        if n[s]
    ]
    parts += [f"{n['withheld']} withheld"] if n["withheld"] else []
    parts += [f"{n['not computable']} not computable"] if n["not computable"] else []
    return f"Of {len(table)} published figures about a subgroup, " + ", ".join(parts)


def subgroup_figures_subtitle(table: pd.DataFrame) -> str:
    """What is drawn, and the base of the SUDI items where there are any.

    >>> subgroup_figures_subtitle(pd.DataFrame({"computed_over": ["reviews with a final report"]}))
    'The recomputed share of each subgroup with its 95% interval (dot), beside the published share (open diamond)'
    """  # noqa: E501
    text = (
        "The recomputed share of each subgroup with its 95% interval (dot), beside the "
        "published share (open diamond)"
    )
    if table["computed_over"].astype(str).str.startswith("SUDI deaths").any():
        text += "; SUDI items are of SUDI deaths with a final report, as the SUDI paper counted"
    if "calibration_target" in table and table["calibration_target"].any():
        n = int(table["calibration_target"].sum())
        which = "All" if n == len(table) else f"{n} of the {len(table)}"
        text += (
            f". {which} were calibration targets of the synthetic data: they agree by construction"
        )
    return text


def subgroup_figures_alt_text(table: pd.DataFrame) -> str:
    """Alt text: the range of the published and recomputed shares, and the figures whose
    published share the recomputed 95% interval leaves out (every value is in the data saved
    beside the figure).

    >>> t = pd.DataFrame({"label": ["Co-sleeping", "Poverty", "Neglect"],
    ...     "published_percent": [88.9, 35.0, 55.6], "percent": [75.0, None, 94.7],
    ...     "ci_low_percent": [46.8, None, 75.4], "ci_high_percent": [91.1, None, 99.1],
    ...     "marker": ["", "c", ""]})
    >>> print(subgroup_figures_alt_text(t))  # doctest: +NORMALIZE_WHITESPACE
    Dot chart of three published figures about a subgroup, each a share of its subgroup: the
    share recomputed from the case data with its 95% interval, beside the published share.
    Published shares run from 35% (Poverty) to 89% (Co-sleeping); recomputed, from 75%
    (Co-sleeping) to 95% (Neglect). The recomputed interval leaves out the published share
    for Neglect. 1 value is [c] suppressed.
    """
    published = table.assign(percent=table["published_percent"])
    shown = table[~table["percent"].map(is_missing)]
    outside = shown[
        (shown["published_percent"] < shown["ci_low_percent"])
        | (shown["published_percent"] > shown["ci_high_percent"])
    ]
    text = (
        f"Dot chart of {number_words(len(table))} published figures about a subgroup, each a "
        "share of its subgroup: the share recomputed from the case data with its 95% interval, "
        f"beside the published share. Published shares run {range_text(published)}; "
        f"recomputed, {range_text(table, marker='marker')}. "
    )
    if len(outside) > NAMED:  # a few sentences: the figures are named in the data beside
        text += (
            f"The recomputed interval leaves out the published share for {len(outside)} of the "
            f"{len(shown)} shown."
        )
    elif len(outside):
        names = word_list(list(outside["label"]))
        text += f"The recomputed interval leaves out the published share for {names}."
    elif len(shown):
        text += "Every recomputed interval holds the published share."
    return text + withheld_text(table, marker="marker")


def subgroup_figures_source(table: pd.DataFrame) -> str:
    """The source line: the case data, and each publication once with every summary it was
    read in.

    >>> t = pd.DataFrame({"source": ["A (2020), via X", "B", "A (2020), via Y", "A (2020), via X"]})
    >>> subgroup_figures_source(t)
    'Source: coded case data; A (2020), via X and Y; B.'
    """
    via: dict[str, list[str]] = {}
    for source in table["source"].astype(str):
        work, _, summary = source.partition(", via ")
        via.setdefault(work, [])
        if summary and summary not in via[work]:
            via[work].append(summary)
    parts = [
        work + (", via " + word_list(summaries) if summaries else "")
        for work, summaries in via.items()
    ]
    return f"Source: coded case data; {'; '.join(parts)}."


def subgroup_figures_chart(table: pd.DataFrame) -> Chart:
    """The published subgroup figures beside their recomputed shares, as one chart.

    Parameters
    ----------
    table : DataFrame
        :func:`analysis.chapters.scorecard_views.subgroup_figures` (``label``,
        ``review_period``, ``published_percent``, ``percent``, ``ci_low_percent``,
        ``ci_high_percent``, ``status``, ``marker``, ``source``).

    Returns
    -------
    Chart
        The figure with its data (the table), alt text and source line.
    """
    require_columns(
        table, "label", "review_period", "published_percent", "percent", "status", "marker"
    )
    periods = table["review_period"].astype(str).tolist()
    groups = list(dict.fromkeys(periods))
    # one line per figure, under a heading line for each review period, top to bottom
    lines = []
    for period in groups:
        lines += [(period, None)] + [(period, i) for i, q in enumerate(periods) if q == period]
    y_of = {i: float(len(lines) - 1 - k) for k, (_, i) in enumerate(lines) if i is not None}
    fig, ax = new_figure(
        subgroup_figures_title(table),
        subgroup_figures_subtitle(table),
        height=ROW_HEIGHT * len(lines) + 0.6,
    )
    with house_style():
        y = np.array([y_of[i] for i in range(len(table))])
        percent = table["percent"].to_numpy(dtype=float)
        low = table["ci_low_percent"].to_numpy(dtype=float)
        high = table["ci_high_percent"].to_numpy(dtype=float)
        shown = ~np.isnan(percent)
        ax.errorbar(
            percent[shown],
            y[shown],
            xerr=interval_arms(percent[shown], low[shown], high[shown]),
            fmt="o",
            color=RECOMPUTED_COLOUR,
            ms=7,
            elinewidth=WHISKER_WIDTH,
            capsize=CAP_SIZE,
            zorder=3,
        )
        ax.scatter(
            table["published_percent"].to_numpy(dtype=float),
            y,
            marker="D",
            s=110,
            facecolors="none",  # open: a recomputed dot on the same value shows inside it
            edgecolors=PUBLISHED_COLOUR,
            linewidths=2,
            zorder=4,
        )
        markers = row_markers(table, "marker")
        stated = table["published_percent"].to_numpy(dtype=float)
        for row_y, marker, value, diamond in zip(y, markers, percent, stated, strict=True):
            if is_missing(value):  # said in words, never drawn as a value, clear of the diamond
                left = diamond > 50
                ax.annotate(
                    f"recomputed: {gap_text(marker)}",
                    (1 if left else 99, row_y),
                    ha="left" if left else "right",
                    va="center",
                    fontsize=SIZE_NOTE,
                    color=MUTED_COLOUR,
                )
        ticks = [float(len(lines) - 1 - k) for k in range(len(lines))]
        names = [
            period
            if i is None
            else textwrap.fill(table["label"].iloc[i], CATEGORY_WRAP, break_on_hyphens=False)
            for period, i in lines
        ]
        ax.set_yticks(ticks, names, fontsize=SIZE_TICK)
        for tick, (_, i) in zip(ax.get_yticklabels(), lines, strict=True):
            if i is None:  # a period's heading
                tick.set_fontweight("bold")
        for k, (_, i) in enumerate(lines[1:], start=1):
            if i is None:  # a rule above each heading but the first
                ax.axhline(len(lines) - 1 - k + 0.5, **DIVIDER)
        ax.set_ylim(-0.6, len(lines) - 0.4)
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}%"))
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
    return Chart(
        fig,
        table,
        subgroup_figures_alt_text(table),
        subgroup_figures_source(table),
    )
