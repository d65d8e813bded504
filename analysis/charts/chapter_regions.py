"""The funnel plot of reviews by English region (notebook 09), its title and alt text.

Drawn from the chapter's protected tables (:mod:`analysis.chapters.regions`): each region's
rate of reviews per 100,000 children against its children aged 0 to 17, England's rate, and
the exact Poisson limits around it. A region whose count is withheld is not drawn; the
subtitle and alt text say how many.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MultipleLocator
from matplotlib.transforms import Bbox

from analysis.charts.annotate import direct_label, note_label
from analysis.charts.chart import Chart
from analysis.charts.gaps import as_float, number_words
from analysis.charts.layout import new_figure, y_guides
from analysis.charts.style import (
    BASELINE_WIDTH,
    GID_REFERENCE,
    MUTED_COLOUR,
    PALETTE,
    REFERENCE_DASH,
    REFERENCE_WIDTH,
    SIZE_LABEL,
    SIZE_TICK,
    house_style,
)

#: The verdicts of :data:`analysis.chapters.regions.POSITIONS` that lie beyond a limit.
_BEYOND = ("above", "below")
#: Where a region's label may go, in points from its dot, in the order tried.
_LABEL_SPOTS = (
    (7, 0, "left", "center"),
    (-7, 0, "right", "center"),
    *(
        (dx, sign * step, ha, "bottom" if sign > 0 else "top")
        for step in (8, 21, 34, 47, 60)
        for dx, ha in ((0, "center"), (4, "left"), (-4, "right"))
        for sign in (1, -1)
    ),
)
#: A label this far (points) or further from its dot is joined to it by a thin line.
_LEADER_FROM = 8
#: The size of a region's dot (points squared, as matplotlib's ``scatter`` takes it).
_DOT = 48


def _period_rows(table: pd.DataFrame, period: str) -> pd.DataFrame:
    return table[table["review_period"].astype(str) == period].reset_index(drop=True)


def funnel_data(regions: pd.DataFrame, positions: pd.DataFrame, period: str) -> pd.DataFrame:
    """The plotted points of one period: each region with a population, its count, rate,
    interval and where it falls (the limits at its population, as counts)."""
    points = _period_rows(regions, period)
    points = points[points["population_0_17"].notna()]
    keep = [
        "review_period",
        "region",
        "label",
        "count",
        "denominator_count",
        "population_0_17",
        "population_estimate",
        "rate_per_100000",
        "rate_ci_low",
        "rate_ci_high",
    ]
    keep += [c for c in points.columns if c.endswith("_marker")]
    where = _period_rows(positions, period).drop(
        columns=["label", "population_0_17"], errors="ignore"
    )
    where = where.drop(columns=["review_period"])
    return points[keep].merge(where, on="region", how="left")


def _england_rate(limits: pd.DataFrame, period: str) -> float:
    """England's rate in the period's limits table (NaN where withheld or absent)."""
    rows = _period_rows(limits, period)
    values = as_float(rows["england_rate_per_100000"]) if len(rows) else np.array([np.nan])
    return float(values[0])


def _judged(data: pd.DataFrame) -> pd.Series:
    """Rows whose verdict is shown (a withheld verdict reads as its marker)."""
    return data["verdict"].astype(str).str.contains("limit", regex=False)


def funnel_title(data: pd.DataFrame, limits: pd.DataFrame, period: str) -> str:
    """The finding of one period's funnel: which regions lie beyond the 99.8% limits.

    Said only of the regions whose position is shown; with England's rate withheld, nothing
    is compared and the title says so.

    >>> t = pd.DataFrame({"label": ["A", "B"], "verdict": ["within the 95% limits",
    ...                   "above the 99.8% limit"]})
    >>> lim = pd.DataFrame({"review_period": ["p"], "england_rate_per_100000": [2.5]})
    >>> funnel_title(t, lim, "p")
    "B's rate of reviews lies above the 99.8% limit around England's rate, p"
    >>> funnel_title(t.assign(verdict=["within the 95% limits", "c"]), lim, "p")
    "No region shown lies beyond the 99.8% limits around England's rate, p (1 withheld)"
    """
    if np.isnan(_england_rate(limits, period)):
        return f"Reviews per 100,000 children by region, {period}: England's rate is withheld"
    judged = data[_judged(data)]
    withheld = len(data) - len(judged)
    outer = judged[judged["verdict"].astype(str).str.contains("99.8% limit", regex=False)]
    outer = outer[outer["verdict"].astype(str).str.startswith(_BEYOND)]
    if outer.empty:
        if withheld:
            return (
                "No region shown lies beyond the 99.8% limits around England's rate, "
                f"{period} ({withheld} withheld)"
            )
        return (
            "No region's rate of reviews lies beyond the 99.8% limits around England's rate, "
            f"{period}"
        )
    if len(outer) == 1:
        row = outer.iloc[0]
        return (
            f"{row['label']}'s rate of reviews lies {row['verdict']} around England's rate, "
            f"{period}"
        )
    return (
        f"{number_words(len(outer)).capitalize()} regions' rates of reviews lie beyond the 99.8% "
        f"limits around England's rate, {period}"
    )


def _withheld(data: pd.DataFrame) -> int:
    return int(np.isnan(as_float(data["rate_per_100000"])).sum())


def funnel_subtitle(data: pd.DataFrame, limits: pd.DataFrame, period: str) -> str:
    """What, where and when, and the base: reviews per 100,000 children, and England's rate."""
    estimate = next(iter(data["population_estimate"].dropna().astype(str)), "")
    england = _england_rate(limits, period)
    text = (
        f"Serious case reviews of {period} per 100,000 children aged 0 to 17 in each English "
        f"region (ONS {estimate}), against England's rate"
    )
    if not np.isnan(england):
        text += f" of {england:.2f}, with exact Poisson limits (95% dashed, 99.8% solid)"
    else:
        text += " (withheld with a small count, so no limits are drawn)"
    withheld = _withheld(data)
    if withheld:
        text += f"; {withheld} of {len(data)} regions withheld ([c])"
    return text


def _draw_limits(ax: Axes, rows: pd.DataFrame) -> None:
    """England's rate and the two pairs of limits, each labelled at its right end."""
    x = as_float(rows["population_0_17"]) / 1e6
    centre = as_float(rows["england_rate_per_100000"])
    if np.isnan(centre).all():
        return
    ax.plot(x, centre, color=MUTED_COLOUR, linewidth=BASELINE_WIDTH, gid=GID_REFERENCE, zorder=2)
    # at the left end: the right end is the limits' words, and the largest regions' dots
    note_label(ax, "England", (x[0], centre[0]), offset=(-4, 0), ha="right", va="center")
    for name, style, words in (
        ("95", REFERENCE_DASH, "95%"),
        ("99_8", "solid", "99.8%"),
    ):
        for side in ("low", "high"):
            y = as_float(rows[f"limit_{name}_{side}"])
            ax.plot(
                x,
                y,
                color=MUTED_COLOUR,
                linestyle=style,
                linewidth=REFERENCE_WIDTH,
                gid=GID_REFERENCE,
                zorder=2,
            )
            note_label(ax, f"{words} limit", (x[-1], y[-1]), offset=(4, 0), va="center")


def _leader(ha: str, va: str) -> dict:
    """A thin line from a label's nearest edge (its aligned corner) to its dot."""
    relpos = ({"left": 0.0, "right": 1.0}.get(ha, 0.5), {"bottom": 0.0, "top": 1.0}.get(va, 0.5))
    return dict(arrowstyle="-", color=MUTED_COLOUR, lw=0.8, relpos=relpos, shrinkA=1, shrinkB=4)


def _label_points(ax: Axes, points: pd.DataFrame, x: np.ndarray, y: np.ndarray) -> None:
    """Name each dot, trying spots beside it, then above and below at growing distances
    (:data:`_LABEL_SPOTS`, a thin line to the dot from the far ones), for one that covers no
    other label, no other dot and none of the limits' words (deterministic: the regions from
    left to right; where every spot is taken, the last)."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    radius = np.sqrt(_DOT) / 2 * fig.dpi / 72 + 1  # pixels
    centres = ax.transData.transform(np.column_stack([x, y])) if len(x) else np.empty((0, 2))
    dots = [
        Bbox.from_extents(cx - radius, cy - radius, cx + radius, cy + radius) for cx, cy in centres
    ]
    placed = [text.get_window_extent(renderer) for text in ax.texts]  # the limits' words
    for i in np.argsort(x, kind="stable"):
        others = placed + [d for j, d in enumerate(dots) if j != i]
        for dx, dy, ha, va in _LABEL_SPOTS:
            far = abs(dy) >= _LEADER_FROM
            text = direct_label(
                ax,
                str(points["label"].iloc[i]),
                (x[i], y[i]),
                offset=(dx, dy),
                ha=ha,
                va=va,
                size=SIZE_LABEL - 1,
                arrowprops=_leader(ha, va) if far else None,
            )
            text.set_in_layout(False)  # placed on the final layout: it must not move it
            text.update_positions(renderer)
            box = Text.get_window_extent(text, renderer)  # the words, not the leader line
            if not any(box.overlaps(other) for other in others):
                break
            if (dx, dy, ha, va) != _LABEL_SPOTS[-1]:
                text.remove()
        placed.append(box)


def region_funnel(
    regions: pd.DataFrame, limits: pd.DataFrame, positions: pd.DataFrame, period: str
) -> Chart:
    """The funnel plot of one period: each region's rate against its population.

    Parameters
    ----------
    regions, limits, positions : DataFrame
        The protected tables of :func:`analysis.chapters.regions.reviews_by_region`,
        :func:`~analysis.chapters.regions.funnel_limits` and
        :func:`~analysis.chapters.regions.funnel_positions`.
    period : str
        The review period drawn.

    Returns
    -------
    Chart
        The figure, the plotted points (with their limits as counts), alt text and source;
        a chart not drawn, saying why, where the file holds no reviews of ``period``.
    """
    if period not in set(regions["review_period"].astype(str)):
        return Chart.not_drawn(f"The file holds no reviews of {period}, so no funnel is drawn.")
    data = funnel_data(regions, positions, period)
    fig, ax = new_figure(
        funnel_title(data, limits, period), funnel_subtitle(data, limits, period), height=4.6
    )
    with house_style():
        _draw_limits(ax, _period_rows(limits, period))
        x = as_float(data["population_0_17"]) / 1e6
        y = as_float(data["rate_per_100000"])
        shown = ~np.isnan(y)
        beyond = data["verdict"].astype(str).str.startswith(_BEYOND).to_numpy()
        for mask, colour in ((shown & ~beyond, PALETTE[0]), (shown & beyond, PALETTE[3])):
            ax.scatter(x[mask], y[mask], s=_DOT, color=colour, zorder=4)
        ax.set_xlim(0, max(float(np.nanmax(x)) if x.size else 1.0, 1.0) * 1.18)
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(MultipleLocator(0.5))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}m"))
        ax.set_xlabel("Children aged 0 to 17 in the region (millions)", fontsize=SIZE_TICK)
        y_guides(ax, "Reviews per 100,000 children")
        # last: the dots' places on the page are known only once the axes are final
        _label_points(ax, data[shown], x[shown], y[shown])
    estimate = next(iter(data["population_estimate"].dropna().astype(str)), "")
    source = (
        f"Source: coded case data, {period}; ONS mid-year population estimates ({estimate}), "
        "as published by DfE. Limits: exact Poisson, Spiegelhalter (2005)."
    )
    return Chart(fig, data, funnel_alt_text(data, limits, period), source)


def funnel_alt_text(data: pd.DataFrame, limits: pd.DataFrame, period: str) -> str:
    """Alt text of the funnel: England's rate, the range of the regions' rates, and the
    regions beyond a limit.

    >>> d = pd.DataFrame({"label": ["A", "B"], "rate_per_100000": [2.0, 3.0],
    ...                   "verdict": ["within the 95% limits", "above the 95% limit"]})
    >>> lim = pd.DataFrame({"review_period": ["p"], "england_rate_per_100000": [2.5]})
    >>> print(funnel_alt_text(d, lim, "p"))  # doctest: +NORMALIZE_WHITESPACE
    Funnel plot of serious case reviews per 100,000 children aged 0 to 17 in two English
    regions, p, against each region's children, with England's rate of 2.50 and exact Poisson
    limits. Rates run from 2.00 (A) to 3.00 (B). Beyond a limit: B (above the 95% limit).
    """
    england = _england_rate(limits, period)
    text = (
        "Funnel plot of serious case reviews per 100,000 children aged 0 to 17 in "
        f"{number_words(len(data))} English regions, {period}, against each region's children"
    )
    if not np.isnan(england):
        text += f", with England's rate of {england:.2f} and exact Poisson limits."
    else:
        text += "; England's rate and the limits are withheld."
    rates = as_float(data["rate_per_100000"])
    shown = data[~np.isnan(rates)].assign(rate=rates[~np.isnan(rates)])
    if not shown.empty:
        low, high = shown.loc[shown["rate"].idxmin()], shown.loc[shown["rate"].idxmax()]
        text += (
            f" Rates run from {low['rate']:.2f} ({low['label']}) to {high['rate']:.2f} "
            f"({high['label']})."
        )
    judged = shown[_judged(shown)]
    beyond = judged[judged["verdict"].astype(str).str.startswith(_BEYOND)]
    if np.isnan(england) or judged.empty:
        pass  # nothing was compared
    elif beyond.empty:
        text += " Every region whose position is shown lies within the 95% limits."
    else:
        named = "; ".join(f"{r.label} ({r.verdict})" for r in beyond.itertuples())
        text += f" Beyond a limit: {named}."
    withheld = int(np.isnan(rates).sum())
    if withheld:
        text += f" {withheld} region(s) withheld with a small count ([c])."
    return text
