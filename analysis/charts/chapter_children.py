"""Charts of the children (notebook 02): age bands, and the age shares across the national
analyses, with their titles and alt text.

The numbers come from :mod:`analysis.chapters.children`; here they are only drawn and described.
Each ``*_alt_text`` function builds a figure's description from the table it plots.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.casedata.recode import JOIN
from analysis.charts.alt import percent_list
from analysis.charts.annotate import direct_label
from analysis.charts.bars import grouped_bar_percent, interval_arms
from analysis.charts.chart import Chart
from analysis.charts.gaps import as_float, gap_text, is_missing, row_markers, value_text
from analysis.charts.layout import new_figure, y_guides
from analysis.charts.review_periods import intervals_note, review_periods, side_by_side
from analysis.charts.style import (
    BACKGROUND,
    CAP_SIZE,
    MUTED_COLOUR,
    PALETTE,
    SIZE_NOTE,
    WHISKER_WIDTH,
    house_style,
)

#: One colour per age share (codes of ``age_share_series``); the earlier adolescent range
#: takes the colour of the adolescent share it precedes.
_SHARE_COLOURS = {"age_under_1": PALETTE[0], "age_11_17": PALETTE[1], "age_over_11": PALETTE[2]}


def age_bands(ages: pd.DataFrame) -> Chart:
    """Figure ``02_age_bands``: each age band's share with its 95% interval, the periods of
    the file side by side.

    ``ages`` is :func:`analysis.chapters.children.age_bands`, as ``run.table`` returned it.
    """
    periods = review_periods(ages)
    fig = grouped_bar_percent(
        ages,
        "label",
        side_by_side(ages),
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title=age_bands_title(ages),
        subtitle="Age at the incident, children in serious case reviews, England, "
        f"{' and '.join(periods)} ({intervals_note(ages)})",
    )
    return Chart(
        fig,
        ages,
        age_bands_alt_text(ages),
        "Source: coded case data. Age bands as in Sidebotham et al. (2016).",
    )


def age_shares(series: pd.DataFrame, periods: list[str]) -> Chart:
    """Figure ``02_age_share_series``: the published under-one and adolescent shares by
    analysis, a recomputed value only where none is published (:func:`age_share_points`).

    Parameters
    ----------
    series : DataFrame
        :func:`analysis.chapters.children.age_share_series`, as ``run.table`` returned it.
    periods : list of str
        The national analyses in order (:func:`analysis.chapters.children.analysis_periods`).
    """
    shown = age_share_points(series)
    fig = age_share_figure(
        shown,
        periods,
        title=age_shares_title(series),
        subtitle="Under-one and adolescent shares of children in serious case reviews, England, "
        f"by national analysis, as published; hollow points: {recomputed_where(shown)}",
    )
    return Chart(
        fig,
        shown,
        age_share_alt_text(shown),
        "Sources: Brandon et al. (2008, 2012); Sidebotham et al. (2016); case data.",
    )


def age_shares_title(series: pd.DataFrame) -> str:
    """Title of the age shares: the published under-one share, first and last, as published
    (no interval is published, so the words say only which way the stated values moved).

    >>> t = pd.DataFrame({"share": ["age_under_1"] * 2, "review_period": ["2003-05", "2009-11"],
    ...                   "kind": ["published"] * 2, "percent": [47.0, 36.0]})
    >>> age_shares_title(t)
    'The published share of babies under one fell from 47% (2003-05) to 36% (2009-11)'
    """
    published = series[series["kind"] == "published"].set_index(["share", "review_period"])
    under_1 = published.loc["age_under_1", "percent"]
    first, last = under_1.iloc[0], under_1.iloc[-1]
    if round(first) == round(last):
        return (
            f"The published share of babies under one was {first:.0f}% in {under_1.index[0]} and "
            f"in {under_1.index[-1]}"
        )
    moved = "fell" if last < first else "rose"
    return (
        f"The published share of babies under one {moved} from {first:.0f}% "
        f"({under_1.index[0]}) to {last:.0f}% ({under_1.index[-1]})"
    )


def age_share_points(series: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`analysis.chapters.children.age_share_series` the age share figure
    draws.

    Every published row, and a recomputed row only where no figure is published for that share
    and period (elsewhere it would sit on, or be confused with, the published value).
    """
    keep = (series["kind"] == "published") | ~series["published_same_period"].astype(bool)
    return series[keep].reset_index(drop=True)


def age_bands_title(ages: pd.DataFrame) -> str:
    """Title of the age bands: the share of babies under one, and of children aged 11 to 17,
    in each period of the table.

    Parameters
    ----------
    ages : DataFrame
        :func:`analysis.chapters.children.age_bands`, protected (``age_band``, ``percent``;
        ``review_period`` where the table has periods). The 11 to 17 share is the sum of two
        bands, so it is withheld when either is; a withheld share is named with "[c]
        suppressed", not stated as a finding.

    >>> t = pd.DataFrame({"age_band": ["under_1", "11_15", "16_17"],
    ...                   "percent": [40.2, 20.0, None], "count_marker": ["", "", "c"]})
    >>> age_bands_title(t)
    'Age at the incident: babies under one 40%; aged 11 to 17 [c] suppressed'
    >>> both = pd.concat([t.assign(review_period="2011-14", percent=[40.2, 20.0, 8.1]),
    ...                   t.assign(review_period="2014-17", percent=[38.0, 19.0, 8.0])])
    >>> print(age_bands_title(both))  # doctest: +NORMALIZE_WHITESPACE
    Babies under one: 40% of the children in 2011-14, 38% in 2014-17; aged 11 to 17: 28% in
    2011-14, 27% in 2014-17
    """
    periods = review_periods(ages)
    if len(periods) <= 1:
        babies, older, shown = _age_shares(ages)
        if shown:
            return f"{babies} of the children were babies under one; {older} were aged 11 to 17"
        return f"Age at the incident: babies under one {babies}; aged 11 to 17 {older}"
    shares = {p: _age_shares(ages[ages["review_period"].astype(str) == p]) for p in periods}
    babies = ", ".join(f"{shares[p][0]} in {p}" for p in periods[1:])
    older = ", ".join(f"{shares[p][1]} in {p}" for p in periods)
    first = f"{shares[periods[0]][0]} of the children in {periods[0]}"
    return f"Babies under one: {first}, {babies}; aged 11 to 17: {older}"


def _age_shares(ages: pd.DataFrame) -> tuple[str, str, bool]:
    """One period's share under one and aged 11 to 17 as text ("40%", or "[c] suppressed"), and
    whether both are shown."""
    share = dict(zip(ages["age_band"], ages["percent"], strict=True))
    markers = dict(zip(ages["age_band"], row_markers(ages), strict=True))
    babies = share.get("under_1")
    # the bands of 11 to 17, as coded or combined by a recode file ("11_15+16_17")
    teens = [b for b in share if set(str(b).split(JOIN)) <= {"11_15", "16_17"}]
    covered = {code for b in teens for code in str(b).split(JOIN)} == {"11_15", "16_17"}
    missing = [b for b in teens if is_missing(share.get(b))] + ([] if covered else ["11_15"])
    older = float("nan") if missing else sum(share[b] for b in teens)
    older_marker = markers.get(missing[0], "") if missing else ""
    return (
        value_text(babies, "{:.0f}%", markers.get("under_1", "")),
        value_text(older, "{:.0f}%", older_marker),
        not is_missing(babies) and not missing,
    )


def age_bands_alt_text(ages: pd.DataFrame) -> str:
    """Alt text of the age-band bars: each band's share with its 95% interval, in each period."""
    periods = review_periods(ages)
    if len(periods) <= 1:
        return (
            f"Horizontal bar chart of the children's age at the incident, {''.join(periods)}, by "
            "age band with 95% intervals: "
            + percent_list(ages, interval=("ci_low_percent", "ci_high_percent"))
            + "."
        )
    return (
        "Grouped horizontal bar chart of the children's age at the incident by age band, "
        f"{' and '.join(periods)} side by side, with {intervals_note(ages)}: "
        + percent_list(
            ages, ["label", "review_period"], interval=("ci_low_percent", "ci_high_percent")
        )
        + "."
    )


def _share_label(ax, text, x, y, *, dx=0, dy=0, bold=True, **kwargs):
    # Above the recomputed markers (zorder 4): the words stay legible where they meet.
    return direct_label(ax, text, (x, y), offset=(dx, dy), bold=bold, zorder=5, **kwargs)


def age_share_figure(
    points: pd.DataFrame,
    periods: list[str],
    *,
    title: str,
    subtitle: str | None = None,
) -> Figure:
    """Published under-one and adolescent shares by analysis; recomputed values kept apart.

    Published values are solid markers, each labelled with its value, joined only between
    adjacent analyses that both publish the share (a period without a figure is a gap). The
    earlier adolescent range, which names no period, is a shaded band over the analyses before
    2011-14. A recomputed value is a hollow marker with its 95% interval and its own label,
    never joined to a line.

    Parameters
    ----------
    points : DataFrame
        The rows to draw: :func:`analysis.chapters.children.age_share_points` (a recomputed
        value only where no figure is published for that share and period).
    periods : list of str
        The national analyses in order (:func:`analysis.chapters.children.analysis_periods`);
        the x axis runs from the first to the last one with a point, gaps included.
    title, subtitle : str
        Figure title (say the finding) and subtitle.
    """
    shown = points[points["review_period"].isin(periods)]
    used = [p for p in periods if p in set(shown["review_period"])]
    x_periods = periods[periods.index(used[0]) : periods.index(used[-1]) + 1]
    position = {p: i for i, p in enumerate(x_periods)}
    last_x = len(x_periods) - 1

    fig, ax = new_figure(title, subtitle, height=3.8)
    with house_style():
        earlier = points[points["share"] == "age_11_17_earlier"]
        before = [p for p in x_periods if p < "2011"]
        if not earlier.empty and before:
            row = earlier.iloc[0]
            x0, x1 = position[before[0]] - 0.2, position[before[-1]] + 0.2
            ax.fill_between(
                [x0, x1],
                row["percent_low"],
                row["percent_high"],
                color=_SHARE_COLOURS["age_11_17"],
                alpha=0.25,
                linewidth=0,
                zorder=1,
            )
            text = f"{row['share_label']}: {row['stated']}"
            _share_label(
                ax, text, x0, row["percent_low"], dy=-3, va="top", colour=MUTED_COLOUR, bold=False
            )
        hollow: dict[str, set[int]] = {}  # where each share has a recomputed point
        for row in shown[shown["kind"] == "recomputed"].itertuples():
            hollow.setdefault(row.share, set()).add(position[row.review_period])
        for share, colour in _SHARE_COLOURS.items():
            pub = shown[(shown["share"] == share) & (shown["kind"] == "published")]
            if pub.empty:
                continue
            values = pub.set_index("review_period")["percent"].reindex(x_periods)
            xs = np.arange(len(x_periods), dtype=float)
            ax.plot(xs, values.to_numpy(dtype=float), color=colour, marker="o", zorder=3)
            for n, (period, value) in enumerate(values.dropna().items()):
                x = position[period]
                previous = values.iloc[x - 1] if x else np.nan  # the adjacent analysis only
                if n == 0:
                    # The first point carries the share's name: above it, or left at the end
                    # of the axis or before a hollow point of the share (clear of its whisker).
                    text = f"{pub['share_label'].iloc[0]}: {value:.0f}%"
                    if x == last_x or x + 1 in hollow.get(share, set()):
                        _share_label(ax, text, x, value, dx=-9, ha="right", colour=colour)
                    else:
                        _share_label(ax, text, x, value, dy=10, va="bottom", colour=colour)
                elif np.isnan(previous):
                    # Starts a line after a gap: left of the point, clear of the line.
                    _share_label(ax, f"{value:.0f}%", x, value, dx=-9, ha="right", colour=colour)
                else:
                    # Below a point reached from above, otherwise above: clear of the line.
                    below = value < previous
                    _share_label(
                        ax,
                        f"{value:.0f}%",
                        x,
                        value,
                        dy=-10 if below else 10,
                        ha="center",
                        va="top" if below else "bottom",
                        colour=colour,
                    )
        recomputed = shown["kind"] == "recomputed"
        codes = [m for m, keep in zip(row_markers(shown), recomputed, strict=True) if keep]
        withheld_at: dict[int, int] = {}  # labels said at the foot of one period, stacked
        for row, code in zip(shown[recomputed].itertuples(), codes, strict=True):
            x, colour = position[row.review_period], _SHARE_COLOURS[row.share]
            if is_missing(row.percent):  # withheld by disclosure control: said, not drawn
                stacked = withheld_at.get(x, 0)
                withheld_at[x] = stacked + 1
                _share_label(
                    ax,
                    f"{row.share_label}, {row.review_period}:\nrecomputed {gap_text(code)}",
                    x,
                    0,
                    dy=4 + 26 * stacked,
                    ha="center",
                    va="bottom",
                    colour=colour,
                    bold=False,
                )
                continue
            ax.errorbar(
                [x],
                [row.percent],
                yerr=interval_arms([row.percent], [row.percent_low], [row.percent_high]),
                fmt="o",
                mfc=BACKGROUND,
                mec=colour,
                mew=2,
                ms=8,
                ecolor=colour,
                elinewidth=WHISKER_WIDTH,
                capsize=CAP_SIZE,
                zorder=4,
            )
            # the value beside its hollow point; what it is, the subtitle says once
            _share_label(ax, f"{row.percent:.0f}%", x, row.percent, dx=9, ha="left", colour=colour)
        ax.set_xticks(np.arange(len(x_periods)), x_periods)
        # room right of the last period for the value of a recomputed point drawn there
        at_end = bool((recomputed & (shown["review_period"] == x_periods[-1])).any())
        ax.set_xlim(-0.35, last_x + (0.6 if at_end else 0.35))
        # room above every whisker, and above a recomputed point whose interval is withheld
        high = as_float(shown["percent_high"])
        tops = np.where(
            np.isfinite(high), high, np.where(recomputed, as_float(shown["percent"]), 0)
        )
        tops = tops[np.isfinite(tops)]
        ax.set_ylim(0, max(60.0, float(tops.max()) * 1.25 if tops.size else 0.0))
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0f}%")
        y_guides(ax, "Percentage of children", size=SIZE_NOTE)
    return fig


def _stated_or_percent(stated: object, percent: object, marker: str) -> str:
    """A published value as stated, else the whole percentage (or why it is missing)."""
    if isinstance(stated, str) and stated.strip():
        return value_text(stated, marker=marker)
    return value_text(percent, "{:.0f}%", marker)


def age_share_alt_text(points: pd.DataFrame) -> str:
    """Alt text of :func:`age_share_figure`: each line's points in period order, as stated
    (the sources are named in the figure's source line and data table)."""
    lines = []
    marked = points.assign(marker_=row_markers(points))
    for label, rows in marked.groupby("share_label", sort=False):
        values = ", ".join(
            f"{_stated_or_percent(r.stated, r.percent, r.marker_)} in {r.review_period}"
            + (" (recomputed)" if r.kind == "recomputed" else "")
            for r in rows.itertuples()
        )
        lines.append(f"{label}: {values}")
    dated = (points["kind"] == "published") & (points["share"] != "age_11_17_earlier")
    published = points.loc[dated, "review_period"].astype(str)
    return (
        "Line chart of the share of children under one and aged 11 to 17 in each national "
        f"analysis, {published.min()} to {published.max()}, as published. "
        + "; ".join(lines)
        + f". Hollow points, drawn apart: {recomputed_where(points)}."
    )


def recomputed_where(points: pd.DataFrame) -> str:
    """What the age share figure's hollow points are: values recomputed (from what data), and
    the shares and periods they stand for, none being published.

    >>> t = pd.DataFrame({"kind": ["recomputed"] * 3, "share_label": ["Under 1", "Under 1",
    ...     "Aged 11 to 17"], "review_period": ["2011-14", "2014-17", "2014-17"],
    ...     "source": ["recomputed from SYNTHETIC DATA"] * 3})
    >>> print(recomputed_where(t))  # doctest: +NORMALIZE_WHITESPACE
    recomputed from SYNTHETIC DATA where none is published (under 1 in 2011-14 and 2014-17;
    aged 11 to 17 in 2014-17)
    """
    recomputed = points[points["kind"] == "recomputed"]
    if recomputed.empty:
        return "none (every recomputed value has a published one)"
    where = [
        f"{label[0].lower()}{label[1:]} in {' and '.join(rows['review_period'].astype(str))}"
        for label, rows in recomputed.groupby("share_label", sort=False)
    ]
    source = str(recomputed["source"].iloc[0])
    return f"{source} where none is published ({'; '.join(where)})"
