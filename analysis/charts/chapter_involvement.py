"""The social care involvement chapter's figures (notebook 03), with their titles and alt text.

The figures are generic bars (:mod:`analysis.charts.bars`) of tables from
:mod:`analysis.chapters.involvement`; each figure function returns a
:class:`~analysis.charts.chart.Chart`, described from the plotted table, so a share withheld by
disclosure control reads "[c] suppressed".
"""

from __future__ import annotations

import pandas as pd

from analysis.casedata.recode import JOIN
from analysis.charts.alt import percent_list, range_text, withheld_text
from analysis.charts.bars import bar_percent, grouped_bar_percent
from analysis.charts.chart import Chart
from analysis.charts.gaps import number_words, shares_by

#: The status code whose bar the published plan share is marked on.
PLAN_CODE = "open_child_protection_plan"


def now_vs_ever(headline: pd.DataFrame) -> Chart:
    """Figure ``03_involvement_now_vs_ever``: involved at the time, ever, and ever but not at
    the time, with half marked.

    ``headline`` is :func:`analysis.chapters.involvement.now_vs_ever`, as ``run.table``
    returned it.
    """
    fig = bar_percent(
        headline,
        "label",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title=involvement_title(headline),  # the shares as computed (or why withheld)
        subtitle="Children in serious case reviews, England, 2011-12 to 2013-14 (95% intervals)",
        reference={"half": 50},
    )
    return Chart(
        fig,
        headline,
        involvement_alt_text(headline),
        "Source: coded case data; published statements from Sidebotham et al. (2016).",
    )


def status_at_incident(status: pd.DataFrame, plan: dict) -> Chart:
    """Figure ``03_status_at_incident``: every status at the time of the incident, the
    published plan share marked on the plan's bar.

    Parameters
    ----------
    status : DataFrame
        :func:`analysis.chapters.involvement.status_at_incident`, as ``run.table`` returned it.
    plan : dict
        :func:`analysis.chapters.involvement.published_plan`: ``value`` and ``stated``.
    """
    fig = bar_percent(
        status,
        "label",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title="Status with children's social care at the time of the incident",
        subtitle="Children in serious case reviews, England, 2011-14 (95% intervals)",
        reference={f"published {plan['value']:g}%": plan["value"]},
        # the published share concerns plans only: its line crosses that bar alone
        reference_on=_label_holding(status, "csc_status_at_incident", PLAN_CODE),
    )
    alt_text = (
        "Horizontal bar chart of the status with children's social care at the time of the "
        "incident, from not known to looked after, with 95% intervals and, on the child "
        f"protection plan bar, a dashed mark at the published {plan['stated']}. "
        + percent_list(status)
    )
    return Chart(fig, status, alt_text, "Source: coded case data; Sidebotham et al. (2016).")


def _label_holding(table: pd.DataFrame, column: str, code: str) -> str:
    """The label of the row whose code is ``code``, or holds it (a category combined by a recode
    file, its codes joined)."""
    holds = table[column].astype(str).str.split(JOIN, regex=False).map(lambda codes: code in codes)
    return str(table.loc[holds, "label"].iloc[0])


def by_age(table: pd.DataFrame) -> Chart:
    """Figure ``03_involvement_by_age``: involvement at the time and ever, by age band.

    ``table`` is :func:`analysis.chapters.involvement.by_age`, as ``run.table`` returned it;
    the figure leaves out the gap's rows, the saved data keeps them.
    """
    fig = grouped_bar_percent(
        table[table["measure"] != "closed_gap"],
        "age_band_label",
        "label",
        "percent",
        title="Involvement with social care by age band",
        subtitle="At the time of the incident and ever, 2011-14",
    )
    return Chart(fig, table, involvement_by_age_alt_text(table), "Source: coded case data.")


def involvement_title(headline: pd.DataFrame) -> str:
    """A title stating the shares involved at the time and ever, as computed.

    Parameters
    ----------
    headline : DataFrame
        The plotted table (``measure`` ``now``, ``ever``, ``closed_gap``; ``percent``),
        protected. A withheld share is named "[c] suppressed", never described ("fewer than
        half" would bound it).

    >>> t = pd.DataFrame({"measure": ["now", "ever"], "percent": [45.0, None],
    ...                   "count_marker": ["", "c"]})
    >>> involvement_title(t)
    "Involved with children's social care at the time of the incident: 45%; ever: [c] suppressed"
    """
    share = shares_by(headline, "measure")
    return (
        f"Involved with children's social care at the time of the incident: {share['now']}; "
        f"ever: {share['ever']}"
    )


def involvement_alt_text(headline: pd.DataFrame) -> str:
    """Alt text of the three involvement shares (at the time, ever, ever but not at the time).

    >>> t = pd.DataFrame({"measure": ["now", "ever", "closed_gap"],
    ...                   "percent": [None, 66.7, None], "count_marker": ["c", "", "c"]})
    >>> print(involvement_alt_text(t))  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    Horizontal bar chart ... incident [c] suppressed, ever involved 67%, and ever involved but
    not at the time [c] suppressed, each with a 95% interval; a dashed line marks half.
    """
    share = shares_by(headline, "measure")
    return (
        "Horizontal bar chart of three shares of children in serious case reviews 2011-14: "
        f"involved with children's social care at the time of the incident {share['now']}, "
        f"ever involved {share['ever']}, and ever involved but not at the time "
        f"{share['closed_gap']}, each with a 95% interval; a dashed line marks half."
    )


def involvement_by_age_alt_text(by_age: pd.DataFrame) -> str:
    """Alt text of the involvement shares by age band: the range at the time and ever.

    ``by_age`` is :func:`analysis.stats.tables.involvement_now_vs_ever` by ``age_band``.
    """
    drawn = by_age[by_age["measure"].isin(["now", "ever"])]
    now = drawn[drawn["measure"] == "now"].assign(label=lambda t: t["age_band_label"])
    ever = drawn[drawn["measure"] == "ever"].assign(label=lambda t: t["age_band_label"])
    return (
        "Grouped horizontal bar chart of the share of children involved with children's social "
        f"care, for each of {number_words(now['age_band_label'].nunique())} age bands: at the "
        f"time of the incident {range_text(now)}; ever {range_text(ever)}." + withheld_text(drawn)
    )
