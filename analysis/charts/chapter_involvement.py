"""The social care involvement chapter's figures (notebook 03), with their titles and alt text.

The figures are generic bars (:mod:`analysis.charts.bars`) of tables from
:mod:`analysis.chapters.involvement`, each review period of the table side by side; each figure
function returns a :class:`~analysis.charts.chart.Chart`, described from the plotted table, so a
share withheld by disclosure control reads "[c] suppressed".
"""

from __future__ import annotations

import pandas as pd

from analysis.casedata.recode import JOIN
from analysis.charts.alt import percent_list, range_text, withheld_text
from analysis.charts.bars import grouped_bar_percent
from analysis.charts.chart import Chart
from analysis.charts.gaps import number_words, row_markers, shares_by, value_text
from analysis.charts.review_periods import (
    intervals_note,
    period_words,
    review_periods,
    shares_by_period,
    side_by_side,
)

#: The status code whose bar the published plan share is marked on.
PLAN_CODE = "open_child_protection_plan"
#: Short names of the two measures drawn by age, for the groups of bars.
SHORT_MEASURES = {"now": "at the time", "ever": "ever"}


def now_vs_ever(headline: pd.DataFrame) -> Chart:
    """Figure ``03_involvement_now_vs_ever``: involved at the time, ever, and ever but not at
    the time, in each review period, with half marked.

    ``headline`` is :func:`analysis.chapters.involvement.now_vs_ever`, as ``run.table``
    returned it.
    """
    fig = grouped_bar_percent(
        headline,
        "label",
        side_by_side(headline),
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title=involvement_title(headline),  # the shares as computed (or why withheld)
        subtitle="Children in serious case reviews, England, incidents of "
        f"{period_words(headline)} ({intervals_note(headline)})",
        reference={"half": 50},
    )
    return Chart(
        fig,
        headline,
        involvement_alt_text(headline),
        "Source: coded case data; published statements from Sidebotham et al. (2016).",
    )


def status_at_incident(status: pd.DataFrame, plan: dict) -> Chart:
    """Figure ``03_status_at_incident``: every status at the time of the incident, in each
    review period, the published plan share marked on the plans' bars.

    Parameters
    ----------
    status : DataFrame
        :func:`analysis.chapters.involvement.status_at_incident`, as ``run.table`` returned it.
    plan : dict
        :func:`analysis.chapters.involvement.published_plan`: ``value``, ``stated`` and
        ``review_period``.
    """
    fig = grouped_bar_percent(
        status,
        "label",
        side_by_side(status),
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title=status_title(status, plan),
        subtitle="Status with children's social care at the time of the incident, children in "
        f"serious case reviews, England, {period_words(status)} ({intervals_note(status)})",
        reference={f"published {plan['value']:g}% ({plan['review_period']})": plan["value"]},
        # the published share concerns plans only: its line crosses those bars alone
        reference_on=_label_holding(status, "csc_status_at_incident", PLAN_CODE),
    )
    several = side_by_side(status) is not None
    alt_text = (
        "Horizontal bar chart of the status with children's social care at the time of the "
        f"incident, from not known to looked after, {period_words(status)}, with 95% intervals "
        f"and, on the child protection plan bars, a dashed mark at the published "
        f"{plan['stated']} ({plan['review_period']}). "
        + (f"Each status in {period_words(status)}: " if several else "")
        + (shares_by_period(status) if several else percent_list(status))
        + "."
    )
    return Chart(fig, status, alt_text, "Source: coded case data; Sidebotham et al. (2016).")


def status_title(status: pd.DataFrame, plan: dict) -> str:
    """Title of the status chart: the share with a child protection plan at the time in each
    period, beside the published one.

    >>> t = pd.DataFrame({"csc_status_at_incident": ["open_child_protection_plan"] * 2,
    ...     "review_period": ["2011-14", "2014-17"], "percent": [9.9, None],
    ...     "count_marker": ["", "c"]})
    >>> print(status_title(t, {"stated": "12%", "review_period": "2011-14"}))
    ... # doctest: +NORMALIZE_WHITESPACE
    A child protection plan at the time of the incident: 10% of the children in 2011-14
    (published: 12%), [c] suppressed in 2014-17
    """
    codes = status["csc_status_at_incident"].astype(str).str.split(JOIN, regex=False)
    plans = status[codes.map(lambda c: PLAN_CODE in c).to_numpy()]
    parts = []
    for n, (row, code) in enumerate(zip(plans.to_dict("records"), row_markers(plans), strict=True)):
        share = value_text(row["percent"], "{:.0f}%", code)
        period = str(row.get("review_period", plan["review_period"]))
        text = f"{share} of the children" if n == 0 else share
        text += f" in {period}"
        if period == str(plan["review_period"]):
            text += f" (published: {plan['stated']})"
        parts.append(text)
    return "A child protection plan at the time of the incident: " + ", ".join(parts)


def _label_holding(table: pd.DataFrame, column: str, code: str) -> str:
    """The label of the row whose code is ``code``, or holds it (a category combined by a recode
    file, its codes joined)."""
    holds = table[column].astype(str).str.split(JOIN, regex=False).map(lambda codes: code in codes)
    return str(table.loc[holds, "label"].iloc[0])


def by_age(table: pd.DataFrame) -> Chart:
    """Figure ``03_involvement_by_age``: involvement at the time and ever, by age band, in each
    review period (at most four groups of bars: two measures, two periods).

    ``table`` is :func:`analysis.chapters.involvement.by_age`, as ``run.table`` returned it;
    the figure leaves out the gap's rows, the saved data keeps them.
    """
    drawn = table[table["measure"] != "closed_gap"]
    groups = drawn["measure"].map(SHORT_MEASURES)
    if side_by_side(drawn):
        groups = groups + ", " + drawn["review_period"].astype(str)
    drawn = drawn.assign(group=groups.str.capitalize())
    fig = grouped_bar_percent(
        drawn.sort_values(["measure", "review_period"], key=_measure_order, kind="stable"),
        "age_band_label",
        "group",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title=by_age_title(table),
        subtitle="Involved with children's social care at the time of the incident and ever, by "
        f"age band, {period_words(table)} ({intervals_note(table)})",
    )
    return Chart(fig, table, involvement_by_age_alt_text(table), "Source: coded case data.")


def _measure_order(values: pd.Series) -> pd.Series:
    """Bars in the order at the time, then ever (each period's in turn)."""
    return values.map(list(SHORT_MEASURES).index) if values.name == "measure" else values


def by_age_title(table: pd.DataFrame) -> str:
    """Title of the involvement by age: the range of involvement at the time over the age bands,
    in each period.

    >>> t = pd.DataFrame({"measure": ["now"] * 2, "age_band_label": ["Under 1", "16 to 17"],
    ...                   "percent": [30.0, 55.0]})
    >>> by_age_title(t)
    'Involved at the time of the incident: from 30% (Under 1) to 55% (16 to 17)'
    """
    now = table[table["measure"] == "now"].assign(label=lambda t: t["age_band_label"])
    periods = review_periods(now)
    if len(periods) <= 1:
        return f"Involved at the time of the incident: {range_text(now)}"
    ranges = [f"{range_text(now[now['review_period'] == p])} in {p}" for p in periods]
    return "Involved at the time of the incident, by age band: " + "; ".join(ranges)


def involvement_title(headline: pd.DataFrame) -> str:
    """A title stating the shares involved at the time and ever, as computed, in each period.

    Parameters
    ----------
    headline : DataFrame
        The plotted table (``measure`` ``now``, ``ever``, ``closed_gap``; ``percent``; and
        ``review_period`` where it has periods), protected. A withheld share is named "[c]
        suppressed", never described ("fewer than half" would bound it).

    >>> t = pd.DataFrame({"measure": ["now", "ever"], "percent": [45.0, None],
    ...                   "count_marker": ["", "c"]})
    >>> involvement_title(t)
    "Involved with children's social care at the time of the incident: 45%; ever: [c] suppressed"
    >>> both = pd.concat([t.assign(review_period="2011-14", percent=[45.0, 63.0]),
    ...                   t.assign(review_period="2014-17", percent=[44.0, 62.0])])
    >>> print(involvement_title(both))  # doctest: +NORMALIZE_WHITESPACE
    Involved with children's social care at the time of the incident: 45% in 2011-14, 44% in
    2014-17; ever: 63%, 62%
    """
    periods = review_periods(headline)
    if len(periods) <= 1:
        share = shares_by(headline, "measure")
        return (
            f"Involved with children's social care at the time of the incident: {share['now']}; "
            f"ever: {share['ever']}"
        )
    shares = [shares_by(headline[headline["review_period"] == p], "measure") for p in periods]
    now = ", ".join(f"{s['now']} in {p}" for s, p in zip(shares, periods, strict=True))
    ever = ", ".join(s["ever"] for s in shares)
    return f"Involved with children's social care at the time of the incident: {now}; ever: {ever}"


def involvement_alt_text(headline: pd.DataFrame) -> str:
    """Alt text of the three involvement shares (at the time, ever, ever but not at the time),
    in each period.

    >>> t = pd.DataFrame({"measure": ["now", "ever", "closed_gap"],
    ...                   "percent": [None, 66.7, None], "count_marker": ["c", "", "c"]})
    >>> print(involvement_alt_text(t))  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    Horizontal bar chart ... incident [c] suppressed, ever involved 67%, and ever involved but
    not at the time [c] suppressed, each with a 95% interval; a dashed line marks half.
    """
    periods = review_periods(headline) or [""]
    parts = []
    for period in periods:
        rows = headline[headline["review_period"] == period] if period else headline
        share = shares_by(rows, "measure")
        parts.append(
            f"{period + ': ' if len(periods) > 1 else ''}involved with children's social care "
            f"at the time of the incident {share['now']}, ever involved {share['ever']}, and ever "
            f"involved but not at the time {share['closed_gap']}"
        )
    years = f" {periods[0]}" if periods[0] else " 2011-14"
    if len(periods) > 1:
        return (
            "Grouped horizontal bar chart of three shares of children in serious case reviews, "
            f"{period_words(headline)} side by side, each with a 95% interval: "
            + "; ".join(parts)
            + ". A dashed line marks half."
        )
    return (
        f"Horizontal bar chart of three shares of children in serious case reviews{years}: "
        f"{parts[0]}, each with a 95% interval; a dashed line marks half."
    )


def involvement_by_age_alt_text(by_age: pd.DataFrame) -> str:
    """Alt text of the involvement shares by age band: the range at the time and ever, in each
    period.

    ``by_age`` is :func:`analysis.chapters.involvement.by_age`.
    """
    drawn = by_age[by_age["measure"].isin(["now", "ever"])]
    periods = review_periods(drawn) or [""]
    parts = []
    for period in periods:
        rows = drawn[drawn["review_period"] == period] if period else drawn
        now = rows[rows["measure"] == "now"].assign(label=lambda t: t["age_band_label"])
        ever = rows[rows["measure"] == "ever"].assign(label=lambda t: t["age_band_label"])
        lead = f"in {period}, " if len(periods) > 1 else ""
        parts.append(
            f"{lead}at the time of the incident {range_text(now)}; ever {range_text(ever)}"
        )
    bands = number_words(drawn["age_band_label"].nunique())
    return (
        "Grouped horizontal bar chart of the share of children involved with children's social "
        f"care, for each of {bands} age bands, with 95% intervals: "
        + "; ".join(parts)
        + "."
        + withheld_text(drawn)
    )
