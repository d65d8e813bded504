"""The chart of reviews against child-protection activity (notebook 06), its title and alt text.

The numbers come from :mod:`analysis.chapters.activity` (public statistics only); here they are
drawn and described. Review counts are per analysis window, activity is annual: the chart draws
the first as flat bars over each window and the second as lines by financial year, all indexed
to one base period.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.charts.annotate import direct_label, note_label
from analysis.charts.chart import Chart
from analysis.charts.gaps import (
    gap_text,
    lower_first,
    row_markers,
    value_text,
    word_list,
)
from analysis.charts.inputs import check_colours
from analysis.charts.layout import new_figure, spread_labels, y_guides
from analysis.charts.style import (
    BASELINE_WIDTH,
    MUTED_COLOUR,
    PALETTE,
    REFERENCE_DASH,
    SIZE_NOTE,
    house_style,
)

#: The activity columns the figure's saved data keeps.
ACTIVITY_SHOWN = ["financial_year", "series", "value_count", "index_value", "collection"]


def reviews_against_activity(
    activity: pd.DataFrame, against: pd.DataFrame, analyses: pd.DataFrame
) -> Chart:
    """Figure ``06_reviews_against_activity``: annual activity (lines) and reviews a year over
    each analysis window (bars), indexed to the base period.

    Parameters
    ----------
    activity : DataFrame
        :func:`analysis.chapters.activity.activity_index_yearly`.
    against : DataFrame
        :func:`analysis.chapters.activity.reviews_against_activity`.
    analyses : DataFrame
        :func:`analysis.chapters.trends.analyses_table` (the windows with no count found).
    """
    fig = backdrop_figure(
        activity,
        against,
        analyses,
        title=backdrop_title(against),
        subtitle="Index, 2009-11 = 100: annual activity (lines) and reviews a year over each "
        "analysis window (bars), England",
    )
    return Chart(
        fig,
        activity[ACTIVITY_SHOWN],
        backdrop_alt_text(activity, against),
        "Sources: the national analyses of SCRs; DfE children in need and child protection "
        "statistics, some years as press reports gave them. Indices derived.",
    )


#: Plans started before the children in need census are CPR3 registrations: dashed, a shorter
#: dash than a reference line's, so the two are not confused.
_REGISTRATIONS_DASH = (0, (4, 2))
#: Characters per line of a line-end label.
_END_LABEL_WRAP = 18


def _decimal_year(date) -> float:
    date = pd.Timestamp(date)
    return date.year + (date.day_of_year - 1) / (366 if date.is_leap_year else 365)


def _financial_year_start(year: str) -> float:
    """Where a financial year ("2012-13") starts on the chart's time axis (1 April)."""
    return _decimal_year(f"{int(year[:4])}-04-01")


def _runs(rows: pd.DataFrame) -> list[list[str]]:
    """Runs of consecutive financial years of one collection, in order."""
    years = list(rows.index)
    runs, current = [], [years[0]]
    for prev, year in zip(years, years[1:], strict=False):
        same_kind = rows.loc[prev, "collection"] == rows.loc[year, "collection"]
        if int(year[:4]) == int(prev[:4]) + 1 and same_kind:
            current.append(year)
        else:
            runs.append(current)
            current = [year]
    runs.append(current)
    return runs


def backdrop_figure(
    activity: pd.DataFrame,
    reviews: pd.DataFrame,
    analyses: pd.DataFrame,
    *,
    title: str,
    subtitle: str | None = None,
    base_period: str | None = None,
) -> Figure:
    """Annual activity (lines) and reviews a year per analysis (flat bars over each window),
    all indexed to the same base period = 100.

    Reviews are drawn as a horizontal bar spanning each analysis window, at the window's
    average a year, because they are not annual counts; windows with no count found are
    named as gaps. Plans started before the children in need census (CPR3 registrations) are
    dashed, after a series break marked at the census's first year.

    Parameters
    ----------
    activity : DataFrame
        From :func:`analysis.chapters.trends.activity_index_yearly` (``series``, ``label``,
        ``financial_year``, ``collection``, ``index_value``); at most three series.
    reviews : DataFrame
        From :func:`analysis.chapters.trends.reviews_against_activity` (its ``scrs`` rows
        are drawn).
    analyses : DataFrame
        From :func:`analysis.chapters.trends.analyses_table`: each analysis's window
        (``review_period``, ``period_start``, ``period_end``).
    title, subtitle : str
        Figure title (say the finding) and subtitle.
    base_period : str, optional
        The index base, for the axis label; default ``activity.attrs["base_period"]``.
    """
    base_period = base_period or activity.attrs.get("base_period")
    if not base_period:
        raise ValueError("name the index base: base_period=... or activity.attrs['base_period']")
    names = list(dict.fromkeys(activity["series"]))
    check_colours(len(names) + 1, "series")  # the reviews take the first colour
    colours = dict(zip(names, PALETTE[1:], strict=False))
    fig, ax = new_figure(title, subtitle, height=4.6)
    end_labels = []
    with house_style():
        ax.axhline(
            100, color=MUTED_COLOUR, linestyle=REFERENCE_DASH, linewidth=BASELINE_WIDTH, zorder=1
        )
        for series in names:
            rows = activity[activity["series"] == series].copy()
            rows["x"] = [_financial_year_start(y) + 0.5 for y in rows["financial_year"]]
            rows = rows.set_index("financial_year")
            # One line per run of consecutive years of one kind: a missing year stays a gap and
            # the CPR3 registrations (dashed) are never joined to the CIN census plans.
            for run_years in _runs(rows):
                part = rows.loc[run_years]
                dashed = (part["collection"] == "CPR3 registrations").all()
                ax.plot(
                    part["x"],
                    part["index_value"],
                    color=colours[series],
                    linestyle=_REGISTRATIONS_DASH if dashed else "-",
                    marker="o",
                    markersize=4,
                    zorder=3,
                )
            last = rows.iloc[-1]
            end_labels.append(
                direct_label(
                    ax,
                    textwrap.fill(last["label"], _END_LABEL_WRAP),
                    (last["x"], last["index_value"]),
                    offset=(8, 0),
                    bold=True,
                    box=None,
                )
            )
        scrs = reviews[reviews["series"] == "scrs"].reset_index(drop=True)
        windows = analyses.set_index("review_period")
        x0s = [_decimal_year(windows.loc[p, "period_start"]) for p in scrs["review_period"]]
        x1s = [_decimal_year(windows.loc[p, "period_end"]) for p in scrs["review_period"]]
        for x0, x1, value in zip(x0s, x1s, scrs["index_value"], strict=True):
            if np.isnan(value):
                continue
            ax.plot(
                [x0, x1],
                [value] * 2,
                color=PALETTE[0],
                linewidth=6,
                solid_capstyle="butt",
                zorder=2,
            )
            direct_label(
                ax,
                f"{value:.0f}",
                ((x0 + x1) / 2, value),
                offset=(0, 5),
                ha="center",
                va="bottom",
                colour=PALETTE[0],
                size=SIZE_NOTE,
                bold=True,
                zorder=5,
            )
        # Consecutive windows without a count (for the same reason) are named once, as one gap.
        missing = scrs["index_value"].isna().to_numpy()
        markers = row_markers(scrs)
        i = 0
        while i < len(scrs):
            if not missing[i]:
                i += 1
                continue
            j = i
            while j + 1 < len(scrs) and missing[j + 1] and markers[j + 1] == markers[i]:
                j += 1
            names_missing = " and\n".join(scrs["review_period"].iloc[i : j + 1])
            why = gap_text(markers[i]) if markers[i] else "no review\ncount found"
            note_label(
                ax,
                f"{names_missing}:\n{why}",
                ((x0s[i] + x1s[j]) / 2, 0),
                offset=(0, 4),
                ha="center",
                va="bottom",
                style="italic",
                zorder=3,
            )
            i = j + 1
        last = scrs.dropna(subset=["index_value"]).index[-1]
        end_labels.append(
            direct_label(
                ax,
                textwrap.fill("Reviews a year (average over each analysis)", _END_LABEL_WRAP),
                (x1s[last], scrs.loc[last, "index_value"]),
                offset=(8, 0),
                colour=PALETTE[0],
                bold=True,
                box=None,
            )
        )
        census = activity.loc[activity["collection"] == "CIN census", "financial_year"].min()
        brk = _financial_year_start(census)
        ax.axvline(brk, color=MUTED_COLOUR, linestyle=":", linewidth=BASELINE_WIDTH, zorder=1)
        note_label(
            ax,
            "series break:\nCPR3 registrations\n(dashed), then\nCIN census",
            (brk, 1.0),
            xycoords=("data", "axes fraction"),
            offset=(-4, -2),
            ha="right",
            va="top",
            zorder=3,
        )
        starts = range(2001, 2020, 4)
        ax.set_xticks([s + 0.75 for s in starts], [f"{s}-{(s + 1) % 100:02d}" for s in starts])
        ax.tick_params(axis="x", length=0)
        ax.set_xlim(2001.2, 2020.0)
        ax.set_ylim(0, None)
        y_guides(ax, f"Index, {base_period} = 100 (dashed line)", size=SIZE_NOTE)
        spread_labels(fig, end_labels, axis="y")
    return fig


def backdrop_alt_text(activity: pd.DataFrame, reviews: pd.DataFrame) -> str:
    """Alt text of :func:`backdrop_figure`: reviews a year by window, latest activity."""
    scrs = reviews[reviews["series"] == "scrs"]
    return (
        "Line chart of child-protection activity in England by financial year, indexed "
        "to its 2009-11 average = 100, with serious case reviews a year drawn as flat bars "
        "across each national analysis window. Reviews a year: "
        + "; ".join(
            f"{r.review_period} "
            + (
                "no count"  # a window with no count found (an unmarked gap)
                if pd.isna(r.index_value) and not m
                else value_text(r.index_value, "{:.0f}", m)
            )
            for r, m in zip(scrs.itertuples(), row_markers(scrs), strict=True)
        )
        + ". Latest activity: "
        + "; ".join(
            f"{label} {value_text(g.index_value.iloc[-1], marker=g.marker_.iloc[-1])} in "
            f"{g.financial_year.iloc[-1]}"
            for label, g in activity.assign(marker_=row_markers(activity)).groupby(
                "label", sort=False
            )
        )
        + ". Plans started before 2009-10 are CPR3 registrations, drawn dashed after a series "
        "break."
    )


def backdrop_title(against: pd.DataFrame) -> str:
    """The backdrop's title: the period reviews a year peaked in, against activity then.

    Parameters
    ----------
    against : DataFrame
        :func:`analysis.chapters.activity.reviews_against_activity`: ``review_period``,
        ``series`` (``scrs`` for the reviews), ``label`` and ``index_value`` (2009-11 = 100).

    Examples
    --------
    >>> t = pd.DataFrame({"review_period": ["2011-14"] * 3 + ["2014-17"] * 3,
    ...     "series": ["scrs", "a", "b"] * 2, "label": ["SCRs", "Enquiries", "Plans"] * 2,
    ...     "index_value": [106.0, 131.0, 109.0, 133.0, 172.0, 123.0]})
    >>> print(backdrop_title(t))  # doctest: +NORMALIZE_WHITESPACE
    Reviews a year peaked in 2014-17 (index 133): faster than plans (123), slower than
    enquiries (172)
    """
    held = against[against["index_value"].notna()]
    reviews = held[held["series"] == "scrs"]
    peak = reviews.loc[reviews["index_value"].idxmax()]
    title = f"Reviews a year peaked in {peak['review_period']} (index {peak['index_value']:.0f})"
    then = held[(held["review_period"] == peak["review_period"]) & (held["series"] != "scrs")]
    faster = then[then["index_value"] < peak["index_value"]]
    slower = then[then["index_value"] >= peak["index_value"]]
    parts = [
        f"{word} than {_activity_names(rows)}"
        for word, rows in (("faster", faster), ("slower", slower))
        if not rows.empty
    ]
    return title + (": " + ", ".join(parts) if parts else "")


def _activity_names(rows: pd.DataFrame) -> str:
    names = [
        f"{lower_first(label.replace('Child protection plans', 'plans'))} ({value:.0f})"
        for label, value in zip(rows["label"], rows["index_value"], strict=True)
    ]
    return word_list(names)
