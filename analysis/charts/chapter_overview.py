"""Charts of the overview and the children (notebooks 01 and 02), and their alt text.

The numbers come from :mod:`analysis.chapters.overview`; here they are only drawn and described.
Each ``*_alt_text`` function builds a figure's description from the table it plots.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.casedata.recode import JOIN
from analysis.charts.alt import percent_list, withheld_text
from analysis.charts.annotate import direct_label, note_label
from analysis.charts.bars import bar_percent, has_interval, interval_arms
from analysis.charts.gaps import (
    as_float,
    count_text,
    gap_text,
    is_missing,
    number_words,
    row_markers,
    value_text,
)
from analysis.charts.layout import new_figure, y_guides
from analysis.charts.style import (
    BACKGROUND,
    CAP_SIZE,
    DIVIDER,
    GID_REFERENCE,
    LABEL_BOX,
    MUTED_COLOUR,
    PALETTE,
    REFERENCE_BAND,
    SIZE_NOTE,
    WHISKER_WIDTH,
    house_style,
)

#: One colour per age share (codes of ``age_share_series``); the earlier adolescent range
#: takes the colour of the adolescent share it precedes.
_SHARE_COLOURS = {"age_under_1": PALETTE[0], "age_11_17": PALETTE[1], "age_over_11": PALETTE[2]}


# --------------------------------------------------------------------------------------------
# Notebook 01: reviews by year, categories of death
# --------------------------------------------------------------------------------------------


def mark_period_averages(fig: Figure, yearly: pd.DataFrame, averages: pd.DataFrame) -> Figure:
    """Mark the review periods and each published per-year average on a yearly line chart.

    For a chart made by :func:`analysis.charts.lines.line_series` from
    :func:`analysis.chapters.overview.reviews_by_year_and_group` (x = ``incident_year`` in
    table order). Each period is named under its middle year, with a faint divider between
    periods; each published average is a wide pale band under the lines over the years of the
    period it was compared with (a dashed line would be hidden wherever a data line runs along
    it), labelled as stated. Every year keeps its tick label (the chart has at most a few
    periods of three years).

    Parameters
    ----------
    fig : Figure
        The line chart.
    yearly : DataFrame
        The table it was drawn from.
    averages : DataFrame
        From :func:`analysis.chapters.overview.published_averages`: ``review_period``,
        ``published`` (as stated), ``published_period``, ``published_value``. Rows of a period
        not on the chart are ignored.
    """
    ax = fig.axes[0]
    years = list(dict.fromkeys(yearly["incident_year"]))
    spans = {
        period: [years.index(y) for y in dict.fromkeys(rows["incident_year"])]
        for period, rows in yearly.groupby("review_period", sort=False)
    }
    with house_style():
        # The period's name under its middle year, as a second line of the tick labels.
        ticks = list(years)
        for index, (period, xs) in enumerate(spans.items()):
            if index:
                ax.axvline(xs[0] - 0.5, **DIVIDER)
            middle = xs[len(xs) // 2]
            ticks[middle] = f"{years[middle]}\n{period} analysis"
        ax.set_xticks(range(len(years)), [t if "\n" in t else f"{t}\n" for t in ticks])
        for row in averages.itertuples():
            if row.review_period not in spans:
                continue
            xs = spans[row.review_period]
            ax.plot(
                [xs[0] - 0.3, xs[-1] + 0.3],
                [row.published_value] * 2,
                gid=GID_REFERENCE,
                **REFERENCE_BAND,
            )
            wider = row.published_period != row.review_period
            note_label(
                ax,
                f"published {row.published}" + (f" ({row.published_period})" if wider else ""),
                ((xs[0] + xs[-1]) / 2, row.published_value),
                offset=(0, 4),
                ha="center",
                va="bottom",
                box=LABEL_BOX,
            )
    return fig


def reviews_by_year_alt_text(yearly: pd.DataFrame, averages: pd.DataFrame) -> str:
    """Alt text of the yearly reviews chart: each outcome's first and last year, the published
    averages marked, and how many yearly values are withheld.

    Parameters
    ----------
    yearly : DataFrame
        The plotted table (``incident_year``, ``outcome_group_label``, ``reviews_count``).
    averages : DataFrame
        The published per-year averages marked (``outcome_group_label``, ``review_period``,
        ``published``), named in words, not by their register ids.
    """
    years = list(dict.fromkeys(yearly["incident_year"].astype(str)))
    marked = yearly.assign(marker_=row_markers(yearly))
    lines = []
    for group, rows in marked.groupby("outcome_group_label", sort=False, observed=True):
        ends = rows.iloc[[0, -1]]
        values = " and ".join(
            f"{count_text(r.reviews_count, r.marker_)} in {r.incident_year}"
            for r in ends.itertuples()
        )
        lines.append(f"{group.lower()} {values}")
    published = "; ".join(
        f"{r.outcome_group_label.lower()} {getattr(r, 'published_period', r.review_period)} "
        f"{r.published}"  # as stated
        for r in averages.itertuples()
    )
    text = (
        f"Line chart of serious case reviews per financial year of the incident, {years[0]} to "
        f"{years[-1]}, by outcome: " + "; ".join(lines) + "."
    )
    if published:
        text += f" Shaded bands mark the published per-year averages: {published}."
    return text + withheld_text(yearly, value="reviews_count")


def reviews_by_year_title(per_year: pd.DataFrame) -> str:
    """Title of the yearly reviews chart: the recomputed reviews a year of each period.

    Parameters
    ----------
    per_year : DataFrame
        Rows of ``recomputed_vs_published`` for ``deaths_per_year`` and
        ``serious_harm_per_year`` (``measure``, ``recomputed_value``), in period order; a value
        withheld by disclosure control reads "[c] suppressed".

    >>> t = pd.DataFrame({"measure": ["deaths_per_year", "deaths_per_year",
    ...                               "serious_harm_per_year"],
    ...                   "recomputed_value": [28.3, None, 31.0],
    ...                   "numerator_marker": ["", "c", ""]})
    >>> reviews_by_year_title(t)
    'Reviews of deaths directly caused: 28 then [c] suppressed a year; of serious harm: 31 a year'
    """
    rates: dict[str, list[str]] = {}
    for measure, value, code in zip(
        per_year["measure"], per_year["recomputed_value"], row_markers(per_year), strict=True
    ):
        rates.setdefault(measure, []).append(value_text(value, "{:.0f}", code))
    deaths, harm = (" then ".join(rates[m]) for m in ("deaths_per_year", "serious_harm_per_year"))
    return f"Reviews of deaths directly caused: {deaths} a year; of serious harm: {harm} a year"


def death_categories_figure(
    table: pd.DataFrame, *, title: str, subtitle: str | None = None
) -> Figure:
    """Categories of death as bars with 95% intervals, coloured and labelled by the two groups.

    Draws :func:`analysis.charts.bars.bar_percent`, then colours each bar by its outcome group
    and names the group after the value of its first bar (a direct label, not a legend), with a
    faint rule between the groups. The x axis is widened for the names, but its ticks stop at
    the data.

    Parameters
    ----------
    table : DataFrame
        Rows of :func:`analysis.chapters.overview.death_category_table` for one period, in
        display order (``label``, ``percent``, ``ci_low_percent``, ``ci_high_percent``,
        ``outcome_group``, ``outcome_group_label``).
    title, subtitle : str
        Figure title (say the finding) and subtitle.
    """
    fig = bar_percent(
        table,
        "label",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title=title,
        subtitle=subtitle,
    )
    ax = fig.axes[0]
    groups = list(table["outcome_group"])
    names = list(table["outcome_group_label"])
    colours = {g: PALETTE[i] for i, g in enumerate(dict.fromkeys(groups))}
    labels = ax.texts[: len(table)]  # one value label per bar, in order ("[c] suppressed" too)
    with house_style():
        for i, (bar, group) in enumerate(zip(ax.patches, groups, strict=True)):
            bar.set_color(colours[group])
            if i == 0 or groups[i - 1] != group:
                labels[i].set_text(f"{labels[i].get_text()}  {names[i]}")
                if i:
                    ax.axhline(-i + 0.5, **DIVIDER)
        # Room on the right for the group names; the axis itself stops at the last data tick.
        data_max = ax.get_xlim()[1]
        ticks = [t for t in ax.get_xticks() if 0 <= t <= data_max]
        ax.set_xlim(0, data_max * 1.6)
        ax.set_xticks(ticks)
        ax.spines["bottom"].set_bounds(0, ticks[-1])
        ax.xaxis.label.set_x(ticks[-1] / (2 * data_max * 1.6))  # centred under the ticks
    return fig


def death_categories_title(groups: pd.DataFrame) -> str:
    """Title of the categories of death: the share of deaths directly caused, and related.

    Parameters
    ----------
    groups : DataFrame
        :func:`analysis.chapters.overview.death_group_table` rows of one period, protected
        (``outcome_group``, ``percent``). A withheld share is not stated as a finding: the
        title then names each share's value, "[c] suppressed" where withheld.

    >>> t = pd.DataFrame({"outcome_group": ["death_directly_caused",
    ...                                     "death_related_not_directly_caused"],
    ...                   "percent": [61.6, None], "count_marker": ["", "c"]})
    >>> print(death_categories_title(t))  # doctest: +NORMALIZE_WHITESPACE
    Deaths directly caused by maltreatment: 62%; related to it but not directly caused:
    [c] suppressed
    """
    share = dict(zip(groups["outcome_group"], groups["percent"], strict=True))
    markers = dict(zip(groups["outcome_group"], row_markers(groups), strict=True))
    direct, related = "death_directly_caused", "death_related_not_directly_caused"
    if not any(is_missing(share.get(g)) for g in (direct, related)):
        return (
            f"{share[direct]:.0f}% of deaths were directly caused by maltreatment; "
            f"{share[related]:.0f}% were related to it but not directly caused"
        )
    shown = [value_text(share.get(g), "{:.0f}%", markers.get(g, "")) for g in (direct, related)]
    return (
        f"Deaths directly caused by maltreatment: {shown[0]}; related to it but not directly "
        f"caused: {shown[1]}"
    )


def death_categories_alt_text(table: pd.DataFrame) -> str:
    """Alt text of :func:`death_categories_figure`: each category's count and share."""
    groups = table["outcome_group"].value_counts()
    direct = number_words(int(groups.get("death_directly_caused", 0)))
    related = number_words(int(groups.get("death_related_not_directly_caused", 0)))
    periods = ", ".join(str(p) for p in table["review_period"].unique())
    return (
        "Horizontal bar chart of categories of death as a share of reviews of deaths, "
        f"{periods}, with 95% intervals; the first {direct} directly caused, the last "
        f"{related} related but not directly caused. " + percent_list(table, count="count") + "."
    )


# --------------------------------------------------------------------------------------------
# Notebook 02: age bands, and the age shares across the national analyses
# --------------------------------------------------------------------------------------------


def age_bands_title(ages: pd.DataFrame) -> str:
    """Title of the age bands: the share of babies under one, and of children aged 11 to 17.

    Parameters
    ----------
    ages : DataFrame
        ``proportion_table(cases, "age_band")``, protected (``age_band``, ``percent``). The 11
        to 17 share is the sum of two bands, so it is withheld when either is; a withheld share
        is named with "[c] suppressed", not stated as a finding.

    >>> t = pd.DataFrame({"age_band": ["under_1", "11_15", "16_17"],
    ...                   "percent": [40.2, 20.0, None], "count_marker": ["", "", "c"]})
    >>> age_bands_title(t)
    'Age at the incident: babies under one 40%; aged 11 to 17 [c] suppressed'
    """
    share = dict(zip(ages["age_band"], ages["percent"], strict=True))
    markers = dict(zip(ages["age_band"], row_markers(ages), strict=True))
    babies = share.get("under_1")
    # the bands of 11 to 17, as coded or combined by a recode file ("11_15+16_17")
    teens = [b for b in share if set(str(b).split(JOIN)) <= {"11_15", "16_17"}]
    covered = {code for b in teens for code in str(b).split(JOIN)} == {"11_15", "16_17"}
    missing = [b for b in teens if is_missing(share.get(b))] + ([] if covered else ["11_15"])
    older = float("nan") if missing else sum(share[b] for b in teens)
    if not is_missing(babies) and not missing:
        return (
            f"{babies:.0f}% of the children were babies under one; {older:.0f}% were aged 11 to 17"
        )
    older_marker = markers.get(missing[0], "") if missing else ""
    return (
        f"Age at the incident: babies under one "
        f"{value_text(babies, '{:.0f}%', markers.get('under_1', ''))}; aged 11 to 17 "
        f"{value_text(older, '{:.0f}%', older_marker)}"
    )


def age_bands_alt_text(ages: pd.DataFrame) -> str:
    """Alt text of the age-band bars: each band's share with its 95% interval."""
    return (
        "Horizontal bar chart of the children's age at the incident, 2011-14, by age band "
        "with 95% intervals: "
        + percent_list(ages, interval=("ci_low_percent", "ci_high_percent"))
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
                    # The first point carries the share's name: above it, or left at the end.
                    text = f"{pub['share_label'].iloc[0]}: {value:.0f}%"
                    if x == last_x:
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
        for row, code in zip(shown[recomputed].itertuples(), codes, strict=True):
            x, colour = position[row.review_period], _SHARE_COLOURS[row.share]
            if is_missing(row.percent):  # withheld by disclosure control: said, not drawn
                _share_label(
                    ax,
                    f"{row.share_label}, {row.review_period}: not published;\n"
                    f"recomputed {gap_text(code)}",
                    x,
                    0,
                    dy=4,
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
            text = (
                f"{row.share_label}, {row.review_period}: not published;\n"
                f"{row.percent:.0f}% {row.source}"
            )
            # above its whisker, or above the point where the interval is withheld
            drawn = has_interval([row.percent], [row.percent_low], [row.percent_high])[0]
            _share_label(
                ax,
                text,
                x,
                row.percent_high if drawn else row.percent,
                dx=12,
                dy=6,
                ha="right",
                va="bottom",
                colour=colour,
                bold=False,
            )
        ax.set_xticks(np.arange(len(x_periods)), x_periods)
        ax.set_xlim(-0.35, last_x + 0.35)
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
    return (
        "Line chart of the share of children under one and aged 11 to 17 in each national "
        "analysis, 2003-05 to 2011-14, as published. "
        + "; ".join(lines)
        + ". The 2011-14 under-one share is not published; the recomputed value is drawn apart."
    )
