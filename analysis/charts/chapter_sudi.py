"""Charts of the sudden unexpected infant deaths (notebook 14), their titles and alt text.

Drawn from the protected tables of :mod:`analysis.chapters.sudi`: each item recomputed per
period with its 95% interval, beside the SUDI paper's share (its ``n of N`` as a percentage,
our arithmetic); and the medical cause of death by period.
"""

from __future__ import annotations

import pandas as pd

from analysis.charts.alt import percent_list, range_text, withheld_text
from analysis.charts.bars import grouped_bar_percent
from analysis.charts.chart import Chart
from analysis.charts.gaps import lower_first, number_words, value_text

#: The two groups of items, as each figure names them.
GROUPS = {"sleep": "sleep circumstances", "family": "family factors"}
PUBLISHED = "published"


def comparison_bars(table: pd.DataFrame, group: str) -> pd.DataFrame:
    """The bars of one group: each period's recomputed share, and the paper's beside its period.

    Parameters
    ----------
    table : DataFrame
        The protected :func:`analysis.chapters.sudi.circumstances_table`.
    group : str
        ``"sleep"`` or ``"family"``.

    Returns
    -------
    DataFrame
        ``label`` (the item and its base), ``series`` ("2011-14 recomputed", "2011-14
        published", "2014-17 recomputed"), ``percent``, ``ci_low_percent``,
        ``ci_high_percent``, ``count``, ``denominator_count``, ``stated``, ``figure_id`` and
        any marker columns.
    """
    rows = table[table["group"] == group]
    out = []
    markers = [c for c in rows.columns if c.endswith("_marker")]
    for period, part in rows.groupby("review_period", sort=True):
        keep = ["label", "base", "percent", "ci_low_percent", "ci_high_percent", "count"]
        keep += ["denominator_count", "stated", "figure_id", *markers]
        recomputed = part[keep].assign(series=f"{period} recomputed")
        out.append(recomputed)
        published = part[part["figure_id"].astype(str) != ""]
        if not published.empty:
            out.append(
                published[["label", "base", "stated", "figure_id"]].assign(
                    series=f"{period} {PUBLISHED}",
                    percent=published["published_percent"],
                )
            )
    bars = pd.concat(out, ignore_index=True)
    bars["label"] = bars["label"] + ", " + bars["base"]
    order = list(dict.fromkeys(bars["label"]))
    bars["label"] = pd.Categorical(bars["label"], categories=order, ordered=True)
    columns = ["label", "series", "percent", "ci_low_percent", "ci_high_percent", "count"]
    columns += ["denominator_count", "stated", "figure_id", *markers]
    # each item's bars together, in the order built: a period recomputed, then its paper
    return bars[columns].sort_values("label", kind="stable").reset_index(drop=True)


def comparison_title(table: pd.DataFrame, group: str, period: str = "2011-14") -> str:
    """How many of a group's published shares lie inside the recomputed 95% interval.

    >>> t = pd.DataFrame({"group": ["sleep"] * 2, "review_period": ["2011-14"] * 2,
    ...                   "figure_id": ["f1", "f2"],
    ...                   "verdict": ["inside the interval", "outside the interval"]})
    >>> comparison_title(t, "sleep")
    "The SUDI paper's share lies inside the recomputed 95% interval for 1 of 2 sleep circumstances, 2011-14"
    """  # noqa: E501
    rows = table[(table["group"] == group) & (table["review_period"].astype(str) == period)]
    judged = rows[rows["verdict"].astype(str).str.endswith("interval")]
    words = GROUPS[group]
    if judged.empty:
        return f"SUDI {words}, recomputed by period: no published share to set beside them"
    inside = int((judged["verdict"] == "inside the interval").sum())
    withheld = int((rows["figure_id"].astype(str) != "").sum()) - len(judged)
    more = f" ({withheld} withheld)" if withheld > 0 else ""
    if inside == len(judged):
        n = number_words(len(judged))
        scope = f"each of the {n} {words} shown" if withheld else f"every one of the {n} {words}"
        return (
            f"The SUDI paper's share lies inside the recomputed 95% interval for {scope}, "
            f"{period}{more}"
        )
    return (
        f"The SUDI paper's share lies inside the recomputed 95% interval for {inside} of "
        f"{len(judged)} {words}, {period}{more}"
    )


def sudi_comparison(table: pd.DataFrame, group: str) -> Chart:
    """One group of SUDI items (sleep circumstances or family factors) beside the paper.

    Parameters
    ----------
    table : DataFrame
        The protected :func:`analysis.chapters.sudi.circumstances_table`.
    group : str
        ``"sleep"`` or ``"family"``.
    """
    bars = comparison_bars(table, group)
    periods = sorted(table["review_period"].astype(str).unique())
    fig = grouped_bar_percent(
        bars,
        "label",
        "series",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title=comparison_title(table, group),
        subtitle=f"Sudden unexpected deaths in infancy, {' and '.join(periods)}: share of the "
        "base each row names, with 95% intervals; published shares are the paper's n of N as "
        "percentages (our arithmetic)",
    )
    citations = [c for c in dict.fromkeys(table["citation"].astype(str)) if c]
    source = "Source: coded case data" + (f"; {'; '.join(citations)}." if citations else ".")
    return Chart(fig, bars, comparison_alt_text(bars, group), source)


def comparison_alt_text(bars: pd.DataFrame, group: str) -> str:
    """Alt text of a group's bars: the range of each period's recomputed shares, and the
    paper's figures as stated (every value is in the data saved beside the figure)."""
    published = bars[bars["series"].str.endswith(PUBLISHED)]
    text = (
        f"Grouped horizontal bar chart of {number_words(bars['label'].nunique())} SUDI "
        f"{GROUPS[group]}, each over the base its label names, recomputed by period with 95% "
        "intervals"
    )
    text += ", beside the SUDI paper's figures." if not published.empty else "."
    for series, rows in bars[~bars["series"].str.endswith(PUBLISHED)].groupby("series", sort=False):
        named = rows.assign(label=[lower_first(str(v).split(", ")[0]) for v in rows["label"]])
        text += f" {series}: {range_text(named)}.{withheld_text(rows)}"
    if not published.empty:
        stated = "; ".join(
            f"{lower_first(str(r.label).split(', ')[0])} {r.stated}" for r in published.itertuples()
        )
        text += f" Published: {stated}."
    return text


def medical_cause_title(table: pd.DataFrame) -> str:
    """The share of deaths with no medical cause, per period (or why it is missing).

    >>> t = pd.DataFrame({"review_period": ["a", "b"], "medical_cause_of_death":
    ...                   ["no_medical_cause"] * 2, "percent": [88.3, None],
    ...                   "count_marker": ["", "c"]})
    >>> medical_cause_title(t)
    'No medical cause of death: 88% of deaths in a, [c] suppressed in b'
    """
    rows = table[table["medical_cause_of_death"].astype(str) == "no_medical_cause"]
    parts = []
    markers = rows.get("count_marker", pd.Series([""] * len(rows), index=rows.index))
    for period, percent, code in zip(rows["review_period"], rows["percent"], markers, strict=True):
        value = value_text(percent, "{:.0f}%", code)
        parts.append(
            f"{value} of deaths in {period}" if value.endswith("%") else f"{value} in {period}"
        )
    return "No medical cause of death: " + ", ".join(parts)


def medical_causes_chart(table: pd.DataFrame) -> Chart:
    """The medical cause of death among children who died, by period.

    Parameters
    ----------
    table : DataFrame
        The protected :func:`analysis.chapters.sudi.medical_causes`.
    """
    periods = list(dict.fromkeys(table["review_period"].astype(str)))
    fig = grouped_bar_percent(
        table,
        "label",
        "review_period",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title=medical_cause_title(table),
        subtitle=f"Children who died in serious case reviews, {' and '.join(periods)}: the "
        "medical condition they died of, whatever part maltreatment played (95% intervals)",
    )
    alt = (
        f"Grouped horizontal bar chart of the medical cause of death among children who died, "
        f"{' and '.join(periods)}, with 95% intervals: "
        + percent_list(table, ["review_period", "label"])
        + "."
        + withheld_text(table)
    )
    return Chart(fig, table, alt, "Source: coded case data.")
