"""Charts of ten years in context (notebook 06): the national analyses and Ofsted's counts,
with their titles and alt text.

The numbers come from :mod:`analysis.chapters.trends` and :mod:`analysis.chapters.activity`
(public statistics only); here they are drawn and described. The chart of reviews against
child-protection activity is in :mod:`analysis.charts.chapter_activity`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.charts.annotate import direct_label
from analysis.charts.chart import Chart
from analysis.charts.gaps import (
    as_float,
    count_text,
    gap_text,
    row_markers,
)
from analysis.charts.layout import new_figure
from analysis.charts.lines import line_series
from analysis.charts.style import (
    BACKGROUND,
    MUTED_COLOUR,
    PALETTE,
    SIZE_NOTE,
    house_style,
)

#: The columns of the national analyses the figure's saved data keeps.
ANALYSES_SHOWN = [
    "review_period",
    "years",
    "scrs_count",
    "scrs_per_year",
    "count_status",
    "figure_id",
    "not_found_id",
]
#: The columns of Ofsted's counts the figure's saved data keeps.
OFSTED_SHOWN = ["financial_year", "series", "label", "value_count", "source_tier", "derived"]


def national_analyses(analyses: pd.DataFrame) -> Chart:
    """Figure ``06_national_analyses``: reviews a year in each national analysis, a gap where
    no count was found.

    ``analyses`` is :func:`analysis.chapters.trends.analyses_table`.
    """
    fig = analyses_figure(
        analyses,
        title=analyses_title(analyses),
        subtitle="Serious case reviews per year of each national analysis (count / years, "
        "derived), England",
    )
    return Chart(
        fig,
        analyses[ANALYSES_SHOWN],
        analyses_alt_text(analyses),
        "Source: the national analyses of SCRs, 2001-03 to 2017-19 (each cited in the figure's "
        "data); per-year averages derived.",
    )


def ofsted(table: pd.DataFrame) -> Chart:
    """Figure ``06_ofsted_initiated_and_notifications``: Ofsted's SCRs initiated and serious
    incident notifications by financial year.

    ``table`` is :func:`analysis.chapters.activity.ofsted_yearly`.
    """
    fig = line_series(
        table,
        "financial_year",
        "value_count",
        "label",
        title=ofsted_title(table),
        subtitle="Serious incident notifications and SCRs initiated, by financial year, England",
        ylabel="Number in the year",
        end_values=True,
        height=4.0,
    )
    return Chart(
        fig,
        table[OFSTED_SHOWN],
        ofsted_alt_text(table),
        "Sources: Ofsted, SCRs initiated and serious incident notifications; DfE, serious "
        "incident notifications.",
    )


# --------------------------------------------------------------------------------------------
# The national analyses
# --------------------------------------------------------------------------------------------


def analyses_figure(table: pd.DataFrame, *, title: str, subtitle: str | None = None) -> Figure:
    """Vertical bars of reviews a year in each national analysis; gaps say "no count found"
    (or, in a protected table, why the value is withheld: "[c] suppressed").

    Parameters
    ----------
    table : DataFrame
        From :func:`analysis.chapters.trends.analyses_table` (``review_period``,
        ``scrs_per_year``, ``scrs_count``, ``years``).
    title, subtitle : str
        Figure title (say the finding) and subtitle.
    """
    fig, ax = new_figure(title, subtitle, height=3.8)
    with house_style():
        x = np.arange(len(table))
        values = as_float(table["scrs_per_year"])
        ax.bar(x, np.nan_to_num(values), width=0.65, color=PALETTE[0])
        finite = values[np.isfinite(values)]
        top = float(finite.max()) if finite.size and finite.max() > 0 else 1.0  # all zero: 1
        markers = row_markers(table)
        for i, row in enumerate(table.itertuples(index=False)):
            if np.isnan(values[i]):
                ax.text(
                    i,
                    top * 0.04,
                    gap_text(markers[i]).replace(" ", "\n", 1) if markers[i] else "no count\nfound",
                    ha="center",
                    va="bottom",
                    fontsize=SIZE_NOTE,
                    color=MUTED_COLOUR,
                    style="italic",
                )
                continue
            direct_label(
                ax,
                f"{values[i]:.1f}".removesuffix(".0"),  # 80.5 stays 80.5, 92.0 reads 92
                (i, values[i]),
                offset=(0, 3),
                ha="center",
                va="bottom",
                bold=True,
                box=None,
                zorder=3,
            )
            # Inside the foot of the bar, in the paper's colour.
            direct_label(
                ax,
                f"{count_text(row.scrs_count, markers[i])} in\n{row.years:g} yrs",
                (i, 0),
                offset=(0, 4),
                ha="center",
                va="bottom",
                colour=BACKGROUND,
                size=SIZE_NOTE,
                box=None,
                zorder=3,
                ground=PALETTE[0],  # on the bar: white reads on dark blue at 10:1
            )
        ax.set_xticks(x, table["review_period"].tolist())
        ax.tick_params(axis="x", length=0)
        ax.set_ylim(0, top * 1.15)
        ax.yaxis.set_visible(False)
        ax.spines["left"].set_visible(False)
    return fig


def analyses_title(table: pd.DataFrame) -> str:
    """The title of :func:`analyses_figure`, from the reviews a year it draws.

    >>> t = pd.DataFrame({"review_period": ["2003-05", "2014-17", "2017-19"],
    ...                   "scrs_per_year": [80.5, 122.7, 94.0]})
    >>> analyses_title(t)
    'Reviews a year rose from 2003-05 to a peak in 2014-17, then fell in 2017-19'
    """
    shown = table.dropna(subset=["scrs_per_year"])
    first, last = shown.iloc[0], shown.iloc[-1]
    peak = shown.loc[shown["scrs_per_year"].idxmax()]
    if peak["review_period"] in (first["review_period"], last["review_period"]):
        direction = "rose" if last["scrs_per_year"] > first["scrs_per_year"] else "fell"
        return (
            f"Reviews a year {direction} from {first['review_period']} to {last['review_period']}"
        )
    return (
        f"Reviews a year rose from {first['review_period']} to a peak in "
        f"{peak['review_period']}, then fell in {last['review_period']}"
    )


def analyses_alt_text(table: pd.DataFrame) -> str:
    """Alt text of :func:`analyses_figure`: each analysis's reviews a year, or its gap."""
    return (
        "Vertical bar chart of serious case reviews per year in each national analysis: "
        + "; ".join(
            f"{r.review_period} no count found"
            if r.count_status == "not found"
            else f"{r.review_period} {gap_text(m)}"
            if pd.isna(r.scrs_per_year)
            else f"{r.review_period} {r.scrs_per_year:.1f} a year ({count_text(r.scrs_count, m)} "
            f"in {r.years:g} years)"
            for r, m in zip(table.itertuples(), row_markers(table), strict=True)
        )
        + "."
    )


# --------------------------------------------------------------------------------------------
# Reviews against child-protection activity
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Ofsted: reviews initiated and serious incident notifications
# --------------------------------------------------------------------------------------------


def ofsted_alt_text(table: pd.DataFrame) -> str:
    """Alt text of the notifications and reviews-initiated lines: every value held, by series.

    Parameters
    ----------
    table : DataFrame
        From :func:`analysis.chapters.trends.ofsted_yearly` (``label``, ``financial_year``,
        ``value_count``).
    """
    return (
        "Line chart by financial year 2009-10 to 2018-19, with gaps where no figure is held. "
        + "; ".join(
            f"{label}: "
            + ", ".join(
                f"{r.financial_year} {count_text(r.value_count, r.marker_)}"
                for r in g.itertuples()
                if r.marker_ or not pd.isna(r.value_count)  # an unmarked gap: no figure held
            )
            for label, g in table.assign(marker_=row_markers(table)).groupby("label", sort=False)
        )
        + "."
    )


def ofsted_title(table: pd.DataFrame) -> str:
    """The notifications chart's title: how notifications moved, and when initiations peaked.

    ``table`` is :func:`analysis.chapters.trends.ofsted_yearly` (``financial_year``,
    ``series``: ``sins`` and ``scrs_initiated``, ``value_count``; gaps where none is held).

    >>> t = pd.DataFrame({"financial_year": ["2012-13", "2014-15", "2012-13", "2014-15"],
    ...     "series": ["sins", "sins", "scrs_initiated", "scrs_initiated"],
    ...     "value_count": [231.0, 385.0, 93.0, 166.0]})
    >>> print(ofsted_title(t))  # doctest: +NORMALIZE_WHITESPACE
    Serious incident notifications rose from 231 in 2012-13 to 385 in 2014-15; SCRs
    initiated peaked at 166 in 2014-15
    """
    held = table[table["value_count"].notna()]
    sins = held[held["series"] == "sins"]
    first, last = sins.iloc[0], sins.iloc[-1]
    moved = (
        "rose"
        if last["value_count"] > first["value_count"]
        else "fell"
        if last["value_count"] < first["value_count"]
        else "were the same"
    )
    title = (
        f"Serious incident notifications {moved} from {first['value_count']:.0f} in "
        f"{first['financial_year']} to {last['value_count']:.0f} in {last['financial_year']}"
    )
    initiated = held[held["series"] == "scrs_initiated"]
    if initiated.empty:
        return title
    peak = initiated.loc[initiated["value_count"].idxmax()]
    return (
        f"{title}; SCRs initiated peaked at {peak['value_count']:.0f} in {peak['financial_year']}"
    )
