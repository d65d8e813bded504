"""Charts of the overview (notebook 01): reviews by year and outcome, categories of death.

The numbers come from :mod:`analysis.chapters.overview`; here they are only drawn and described.
Each figure function (:func:`reviews_by_year`, :func:`death_categories`) returns a
:class:`~analysis.charts.chart.Chart` with its computed title, alt text built from the plotted
table, and source line. The children's charts (notebook 02) are in
:mod:`analysis.charts.chapter_children`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.charts.alt import percent_list, withheld_text
from analysis.charts.annotate import note_label
from analysis.charts.bars import bar_percent
from analysis.charts.chart import Chart
from analysis.charts.gaps import (
    count_text,
    is_missing,
    number_words,
    row_markers,
    value_text,
)
from analysis.charts.lines import line_series
from analysis.charts.style import (
    DIVIDER,
    GID_REFERENCE,
    LABEL_BOX,
    MAX_COLOURS,
    PALETTE,
    REFERENCE_BAND,
    house_style,
)

#: The review period whose categories of death the figure draws (the report's own).
CATEGORIES_PERIOD = "2011-14"


def reviews_by_year(yearly: pd.DataFrame, averages: pd.DataFrame) -> Chart:
    """Figure ``01_reviews_by_year_and_outcome``: reviews a year by outcome, published averages
    shaded.

    Parameters
    ----------
    yearly : DataFrame
        :func:`analysis.chapters.overview.reviews_by_year_and_group`, as ``run.table`` returned
        it (protected on own data); drawn as :func:`yearly_lines`.
    averages : DataFrame
        :func:`analysis.chapters.overview.published_averages` of the protected comparison
        table: the recomputed per-year measures (the title) and the published averages (the
        shaded bands).
    """
    drawn = yearly_lines(yearly)
    fig = line_series(
        drawn,
        "incident_year",
        "reviews_count",
        "outcome_group_label",
        title=reviews_by_year_title(averages),
        subtitle="Serious case reviews by financial year of the incident and outcome, England; "
        "shaded bands: published per-year averages",
        ylabel="Reviews",
        height=4.6,
    )
    return Chart(
        mark_period_averages(fig, drawn, averages),
        drawn,
        reviews_by_year_alt_text(drawn, averages),
        "Source: coded case data; published averages from Brandon, Sidebotham et al. (2020).",
    )


#: Groups of death a chart leaves out when none is counted (a file coded before the codebook
#: had the classes outside both groups never has them; most files record every category).
ONLY_IF_COUNTED = ("death_neither_group", "death_not_recorded")
#: Where both are counted, one line stands for them, so a chart keeps to four colours.
MERGED_GROUP = ("death_neither_or_not_recorded", "Deaths in neither group or not recorded")


def yearly_lines(yearly: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`analysis.chapters.overview.reviews_by_year_and_group` a chart draws:
    every group but those of :data:`ONLY_IF_COUNTED` in which none is counted (a flat line at
    zero would only add an empty line to the chart; the table keeps the group, as a zero); and
    where both are counted, one line for the two (:data:`MERGED_GROUP`), so the chart has at
    most four.

    A withheld count (NaN in a protected table) is not a zero: the group is drawn, and a year's
    sum of the two groups is withheld where either is.
    """
    for name in ONLY_IF_COUNTED:
        group = yearly["outcome_group"] == name
        counts = pd.to_numeric(yearly.loc[group, "reviews_count"], errors="coerce")
        if counts.notna().all() and counts.eq(0).all():  # <NA> (withheld) is not a zero
            yearly = yearly[~group].reset_index(drop=True)
    if yearly["outcome_group"].nunique() <= MAX_COLOURS:
        return yearly
    merged = yearly["outcome_group"].isin(ONLY_IF_COUNTED)
    keys = ["review_period", "incident_year"]
    markers = [c for c in yearly.columns if str(c).endswith("_marker")]
    sums = (
        yearly[merged]
        .groupby(keys, sort=False)
        .agg(
            reviews_count=("reviews_count", lambda s: s.sum() if s.notna().all() else np.nan),
            **{
                m: (m, lambda s: next((str(v) for v in s if isinstance(v, str) and v), ""))
                for m in markers
            },
        )
    )
    code, label = MERGED_GROUP
    sums = sums.reset_index().assign(outcome_group=code, outcome_group_label=label)
    out = pd.concat([yearly[~merged], sums], ignore_index=True)
    order = list(dict.fromkeys(yearly["outcome_group"].where(~merged, code)))
    out["_order"] = out["outcome_group"].map(order.index)
    out = out.sort_values([*keys, "_order"], kind="stable").drop(columns="_order")
    return out[[c for c in yearly.columns if c in out.columns]].reset_index(drop=True)


def death_categories(
    categories: pd.DataFrame, groups: pd.DataFrame, period: str = CATEGORIES_PERIOD
) -> Chart:
    """Figure ``01_death_categories``: one period's categories of death, by group.

    A category with no death is left out; one withheld ("[c] suppressed") is shown, labelled.

    Parameters
    ----------
    categories : DataFrame
        :func:`analysis.chapters.overview.death_category_table`, protected.
    groups : DataFrame
        :func:`analysis.chapters.overview.death_group_table`, protected: the title's shares.
    period : str
        The review period drawn.
    """
    in_period = categories["review_period"] == period
    shown = categories[in_period & categories["count"].ne(0).fillna(True)]
    fig = death_categories_figure(
        shown,
        title=death_categories_title(groups[groups["review_period"] == period]),
        subtitle=f"Categories of death in serious case reviews, England, {period}, as a share "
        "of reviews of deaths (95% intervals)",
    )
    return Chart(
        fig,
        shown,
        death_categories_alt_text(shown),
        "Source: coded case data. Categories after Sidebotham et al. (2016).",
    )


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
    neither = int(groups.get("death_neither_group", 0))
    periods = ", ".join(str(p) for p in table["review_period"].unique())
    order = (
        f"the first {direct} directly caused, the next {related} related but not directly caused"
    )
    if neither:
        order += f", then {number_words(neither)} in neither group"
    else:  # the related deaths close the chart
        order = order.replace("the next", "the last")
    return (
        "Horizontal bar chart of categories of death as a share of reviews of deaths, "
        f"{periods}, with 95% intervals; {order}. " + percent_list(table, count="count") + "."
    )
