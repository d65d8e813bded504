"""Charts of the categories of neglect and of child protection plans (notebook 11).

Drawn from the protected tables of :mod:`analysis.chapters.neglect_categories`; each returns a
:class:`~analysis.charts.chart.Chart` with its computed title, alt text and source line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.charts.alt import range_text, withheld_text
from analysis.charts.bars import grouped_bar_percent
from analysis.charts.chart import Chart
from analysis.charts.gaps import as_float, lower_first, number_words, shares_by, value_text


def _sentence_case(text: str) -> str:
    """Text opening a sentence: its first letter in capitals, the rest as written."""
    return text[:1].upper() + text[1:]


def _periods(table: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(table["review_period"].astype(str)))


#: Why no row stands out: every interval is shown and the top one overlaps another, or a
#: withheld share (which could be anywhere) leaves the question open.
OVERLAP, WITHHELD = "overlap", "withheld"


def stands_out(rows: pd.DataFrame) -> str:
    """The label of the row whose 95% interval lies wholly above every other row's, else why
    none does (:data:`OVERLAP` or :data:`WITHHELD`).

    A conservative test (two intervals that do not overlap differ clearly): "the most common"
    is said only where it holds, never from the point estimates alone; a withheld share could
    be as large as any, so with one withheld nothing is said.

    >>> t = pd.DataFrame({"label": ["A", "B", "C"], "percent": [50.0, 20.0, 15.0],
    ...                   "ci_low_percent": [40.0, 12.0, 9.0], "ci_high_percent": [60.0, 30.0, 24.0]})
    >>> stands_out(t), stands_out(t.assign(ci_low_percent=[25.0, 12.0, 9.0]))
    ('A', 'overlap')
    >>> stands_out(t.assign(percent=[50.0, None, 15.0]))
    'withheld'
    """  # noqa: E501
    low, high = as_float(rows["ci_low_percent"]), as_float(rows["ci_high_percent"])
    percent = as_float(rows["percent"])
    if np.isnan(percent).any() or np.isnan(low).any() or np.isnan(high).any():
        return WITHHELD
    top = int(np.argmax(percent))
    others = np.delete(high, top)
    return str(rows["label"].iloc[top]) if (low[top] > others).all() else OVERLAP


def neglect_categories_title(table: pd.DataFrame) -> str:
    """Which category of neglect stands out in each period, if any does (by its interval).

    >>> t = pd.DataFrame({"review_period": ["p"] * 2, "label": ["A", "B"],
    ...                   "percent": [60.0, 30.0], "ci_low_percent": [50.0, 20.0],
    ...                   "ci_high_percent": [70.0, 40.0]})
    >>> neglect_categories_title(t)
    'A was the most common category of neglect in p, its interval clear of every other'
    >>> neglect_categories_title(t.assign(percent=[60.0, None]))
    'Categories of neglect in p: with a share withheld ([c]), none can be called the most common'
    """
    if "neglect_category" in table:  # "not recorded" is not a category that could stand out
        table = table[~table["neglect_category"].astype(str).isin(["not_recorded", "(blank)"])]
    found = {p: stands_out(rows) for p, rows in table.groupby("review_period", sort=False)}
    named = {p: label for p, label in found.items() if label not in (OVERLAP, WITHHELD)}
    if not named:
        periods = " or ".join(str(p) for p in found)
        if WITHHELD in found.values():
            return (
                f"Categories of neglect in {' and '.join(found)}: with a share withheld ([c]), "
                "none can be called the most common"
            )
        return (
            f"No category of neglect stands out in {periods}: the largest shares' intervals overlap"
        )
    if len(set(named.values())) == 1 and len(named) == len(found):
        label = next(iter(named.values()))
        return (
            f"{label} was the most common category of neglect in {' and '.join(named)}, its "
            "interval clear of every other"
        )
    parts = [f"{lower_first(label)} in {p}" for p, label in named.items()]
    return "The most common category of neglect, its interval clear of every other: " + ", ".join(
        parts
    )


def neglect_categories_chart(table: pd.DataFrame) -> Chart:
    """The category of neglect among children of reviews with neglect as a feature, by period.

    Parameters
    ----------
    table : DataFrame
        The protected :func:`analysis.chapters.neglect_categories.neglect_categories`.
    """
    periods = _periods(table)
    denominators = table.drop_duplicates("review_period")
    bases = "; ".join(
        f"{p}: {value_text(n, '{:.0f}', '')} children"
        for p, n in zip(
            denominators["review_period"], denominators["denominator_count"], strict=True
        )
    )
    fig = grouped_bar_percent(
        table,
        "label",
        "review_period",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title=neglect_categories_title(table),
        subtitle="Share of children in reviews with a final report where neglect was a feature "
        f"({bases}), by the pathway through which neglect led to the harm (95% intervals)",
    )
    alt = (
        f"Grouped horizontal bar chart of {number_words(table['label'].nunique())} categories "
        f"of neglect in {' and '.join(periods)}, with 95% intervals. "
        + " ".join(
            f"{p}: {range_text(rows)}." for p, rows in table.groupby("review_period", sort=False)
        )
        + withheld_text(table)
    )
    return Chart(fig, table, alt, "Source: coded case data.")


def plan_categories_title(comparison: pd.DataFrame) -> str:
    """The neglect plans' share in each recomputed period, beside the 2005-11 SCR sample.

    >>> t = pd.DataFrame({"cp_plan_category": ["neglect"] * 3, "percent": [50.0, 39.4, 42.0],
    ...                   "source": ["2011-14 recomputed", "2014-17 recomputed", "s"],
    ...                   "stated": ["", "", "42%"]})
    >>> plan_categories_title(t)
    'Neglect was the category of the plan for 50% of children with a plan in 2011-14, 39% in 2014-17 (2005-11 SCR sample: 42%)'
    """  # noqa: E501
    neglect = comparison[comparison["cp_plan_category"] == "neglect"]
    recomputed = neglect[neglect["source"].str.endswith("recomputed")]
    shares = shares_by(recomputed, "source")
    parts = [f"{share} in {source.split()[0]}" for source, share in shares.items()]
    text = "Neglect was the category of the plan for " + parts[0].replace(
        " in ", " of children with a plan in ", 1
    )
    text += "".join(f", {p}" for p in parts[1:])
    sample = neglect[~neglect["source"].str.endswith("recomputed")]["stated"].iloc[:1]
    return text + (f" (2005-11 SCR sample: {sample.iloc[0]})" if len(sample) else "")


def plan_categories_chart(comparison: pd.DataFrame) -> Chart:
    """Plan categories recomputed by period beside the 2005-11 SCR sample and national plans.

    Parameters
    ----------
    comparison : DataFrame
        The protected :func:`analysis.chapters.neglect_categories.plan_categories_vs_published`.
    """
    fig = grouped_bar_percent(
        comparison,
        "label",
        "source",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        marker="marker",
        title=plan_categories_title(comparison),
        subtitle="Category of the most recent child protection plan, children with a plan now or "
        "before (95% intervals), beside the NSPCC study's 2005-11 SCR sample and national plans "
        "of those years (another period: context). Multiple categories in the SCR sample: with "
        "neglect + without",
    )
    recomputed = comparison[comparison["source"].str.endswith("recomputed")]
    published = comparison[~comparison["source"].str.endswith("recomputed")]
    alt = (
        "Grouped bar chart of five categories of child protection plan, children with a plan "
        "by period (95% intervals), beside published 2005-11 shares."
        + "".join(
            f" {source}: {range_text(rows)}."
            for source, rows in recomputed.groupby("source", sort=False)
        )
        + "".join(
            f" {_sentence_case(source.removeprefix('2005-11 ').removesuffix(', published'))} "
            "2005-11: "
            + ", ".join(f"{lower_first(r.label)} {r.stated}" for r in rows.itertuples())
            + "."
            for source, rows in published.groupby("source", sort=False)
        )
        + withheld_text(recomputed)
    )
    citations = [c for c in dict.fromkeys(comparison["citation"].astype(str)) if c]
    return Chart(fig, comparison, alt, "Source: coded case data; " + "; ".join(citations) + ".")


def ever_title(ever: pd.DataFrame) -> str:
    """The share of children with a plan for them or a sibling, per period.

    >>> t = pd.DataFrame({"variable": ["cp_plan_child_or_sibling"] * 2,
    ...                   "base": ["of all children"] * 2, "review_period": ["a", "b"],
    ...                   "answer": ["yes"] * 2, "percent": [34.8, 34.9]})
    >>> ever_title(t)
    'A child protection plan for the child or a sibling: 35% of children in a, 35% in b'
    """
    rows = ever[
        (ever["variable"] == "cp_plan_child_or_sibling")
        & (ever["base"] == "of all children")
        & (ever["answer"] == "yes")
    ]
    shares = shares_by(rows, "review_period")
    parts = [f"{share} in {period}" for period, share in shares.items()]
    parts[0] = parts[0].replace(" in ", " of children in ", 1)
    return "A child protection plan for the child or a sibling: " + ", ".join(parts)


def ever_chart(ever: pd.DataFrame) -> Chart:
    """Children ever on a plan, ever looked after, and with a plan for them or a sibling; the
    published share of fatal cases of an earlier period is a dashed line across the deaths'
    bars (context, not a check).

    Parameters
    ----------
    ever : DataFrame
        The protected :func:`analysis.chapters.neglect_categories.ever_items`.
    """
    coded_yes = ever[ever["answer"] == "yes"]  # "not recorded" is in the table, not drawn
    bars = coded_yes.assign(label=coded_yes["label"] + ", " + coded_yes["base"])
    context = bars[bars["figure_id"].astype(str) != ""].drop_duplicates("figure_id")
    reference, on = None, None
    if not context.empty:
        row = context.iloc[0]
        reference = {row["stated"]: float(row["published_percent"])}  # "29.5% (2005-09)"
        on = row["label"]
    fig = grouped_bar_percent(
        bars,
        "label",
        "review_period",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title=ever_title(ever),
        subtitle="Children in serious case reviews by period, 95% intervals"
        + (
            "; dashed line: the published share of fatal cases whose child or a sibling had "
            "a plan, an earlier period (context)"
            if on
            else ""
        ),
        reference=reference,
        reference_on=on,
    )
    fig.axes[0].set_xlim(0, 100)  # the whole scale: room for the reference's words at the right
    alt = (
        "Grouped bar chart of children ever on a child protection plan, ever looked after, and "
        "with a plan for themselves or a sibling (also among children who died), by period, "
        "with 95% intervals."
        + "".join(
            f" {period}: {range_text(rows)}."
            for period, rows in bars.groupby("review_period", sort=False)
        )
        + (f" Published for fatal cases: {context.iloc[0]['stated']}." if on else "")
        + withheld_text(bars)
    )
    citations = [c for c in dict.fromkeys(ever["citation"].astype(str)) if c]
    source = "Source: coded case data" + (f"; {'; '.join(citations)}." if citations else ".")
    return Chart(fig, bars, alt, source)
