"""Ten years in context: the national analyses set against public child-protection statistics.

Everything here is built from **public statistics** (``data/published/`` and
``data/context/``), never from case data, so its tables and figures are stamped "Public
statistics" rather than "SYNTHETIC DATA" (:func:`analysis.publish.run.public_statistics_run`).
The yearly activity series and their comparison with reviews are in
:mod:`analysis.chapters.activity`.

Two kinds of series meet here and must not be confused:

* the national analyses count reviews **per analysis period** (two, two and a half or three
  years); a per-year figure is an average over the period, derived as count / years;
* child-protection activity and notifications are **annual** (financial years).

So a review count is compared with activity only over the same window: the activity of the
financial years the window covers, each weighted by the share of that year inside the window
(:func:`window_mean`). Every derived value is flagged ``derived``; every published value keeps
its ``figure_id`` and every context value its source.

Examples
--------
>>> window_years("2017-04-01", "2019-09-30")
{'2017-18': 1.0, '2018-19': 1.0, '2019-20': 0.5}
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.reference.context import (
    ANALYSES,
    analyses_series,
    yearly,
)
from analysis.reference.published import figure, load_not_found, load_published, stated
from analysis.stats.inference import rate

#: The stamp on tables and figures made only from public statistics (real, not case data).
#: Base of every index: the first national analysis whose whole window the children in need
#: census covers (CIN census from 2009-10), so the base mixes no series break.
BASE_PERIOD = "2009-11"
#: Annual activity measures set against the reviews (names as in ``activity_backdrop``).
ACTIVITY_SERIES = {
    "section_47_enquiries_count": "Section 47 enquiries",
    "cp_plans_started_count": "Child protection plans started",
    "cp_plans_at_31_march_count": "Child protection plans at 31 March",
}
#: The row label of the reviews themselves in the index tables.
REVIEWS_SERIES = "Serious case reviews (average a year)"
#: Financial year of the first children in need census; plans started before it are the CPR3
#: *registrations* (a series break).
CIN_CENSUS_FIRST_YEAR = "2009-10"
FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


# --------------------------------------------------------------------------------------------
# Windows and financial years
# --------------------------------------------------------------------------------------------


def _fy_bounds(year: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = int(year[:4])
    return pd.Timestamp(f"{start}-04-01"), pd.Timestamp(f"{start + 1}-03-31")


def window_years(start, end) -> dict[str, float]:
    """Financial years a window overlaps, each with the share of that year inside it.

    Parameters
    ----------
    start, end : date-like
        First and last day of the window (inclusive), e.g. an analysis's incident window.

    Returns
    -------
    dict of str to float
        ``{"2017-18": 1.0, ...}``, each share rounded to two decimals.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    first = start.year if start.month >= 4 else start.year - 1
    out = {}
    year = first
    while True:
        label = f"{year}-{(year + 1) % 100:02d}"
        fy_start, fy_end = _fy_bounds(label)
        if fy_start > end:
            break
        overlap = (min(end, fy_end) - max(start, fy_start)).days + 1
        if overlap > 0:
            out[label] = round(overlap / ((fy_end - fy_start).days + 1), 2)
        year += 1
    return out


def period_window(review_period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Incident window of a review period label ("2011-14", "2009-14", "2017-19").

    A national analysis takes its window from :data:`analysis.reference.context.ANALYSES`
    (2017-19 ends
    on 30 September 2019); any other "YYYY-YY" label runs 1 April to 31 March.

    >>> [str(d.date()) for d in period_window("2009-14")]
    ['2009-04-01', '2014-03-31']
    """
    known = ANALYSES.set_index("review_period")
    if review_period in known.index:
        row = known.loc[review_period]
        return pd.Timestamp(row["period_start"]), pd.Timestamp(row["period_end"])
    match = FINANCIAL_YEAR.match(review_period)
    if not match:
        raise ValueError(f"cannot read a window from {review_period!r}")
    first = int(match.group(1))
    last = first // 100 * 100 + int(match.group(2))
    if last <= first:  # a window across a century, e.g. "1999-01"
        last += 100
    return pd.Timestamp(f"{first}-04-01"), pd.Timestamp(f"{last}-03-31")


def window_mean(values: pd.Series, start, end) -> dict:
    """Average of an annual series over a window, weighting each year by its share inside it.

    Years with no value are left out of the average and out of ``years_covered``, so a
    partly covered window says so instead of looking complete.

    Parameters
    ----------
    values : Series
        Annual values indexed by financial year ("2012-13").
    start, end : date-like
        The window.

    Returns
    -------
    dict
        ``mean`` (NaN when no year is covered), ``years_covered`` and ``years_in_window``
        (sums of the year shares) and ``years_used`` (e.g. "2012-13; 2013-14").

    Examples
    --------
    >>> s = pd.Series({"2012-13": 10.0, "2013-14": 20.0})
    >>> window_mean(s, "2011-04-01", "2014-03-31")["mean"], window_mean(s, "2011-04-01",
    ...     "2014-03-31")["years_covered"]
    (15.0, 2.0)
    """
    weights = window_years(start, end)
    known = {y: w for y, w in weights.items() if y in values.index and pd.notna(values[y])}
    covered = float(sum(known.values()))
    mean = float(sum(values[y] * w for y, w in known.items()) / covered) if covered else np.nan
    return {
        "mean": mean,
        "years_covered": covered,
        "years_in_window": float(sum(weights.values())),
        "years_used": "; ".join(known),
    }


# --------------------------------------------------------------------------------------------
# The national analyses and what they publish per year
# --------------------------------------------------------------------------------------------


def analyses_table() -> pd.DataFrame:
    """Reviews in each national analysis 2001-03 to 2017-19, with sources and gaps.

    Built on :func:`analysis.reference.context.analyses_series`. A count found in a public
    source keeps
    its ``figure_id``, relation, statement and URL; a count looked for and not found keeps the
    ``not_found_id`` from ``data/published/not_found.csv`` and a blank count (a gap, not zero).

    Returns
    -------
    DataFrame
        ``review_period``, ``period_start``, ``period_end``, ``years``, ``scrs_count``,
        ``scrs_per_year`` (derived: count / years), ``per_year_derived``, ``count_status``
        ("published" / "not found"), ``figure_id``, ``not_found_id``, ``statement``,
        ``source_url``.
    """
    table = analyses_series()
    published = load_published().set_index("figure_id")
    missing = load_not_found()
    missing = missing[missing["measure"] == "scrs_count"].set_index("review_period")
    rows = []
    for row in table.itertuples(index=False):
        found = isinstance(row.figure_id, str)
        source = published.loc[row.figure_id] if found else None
        rows.append(
            {
                "count_status": "published" if found else "not found",
                "figure_id": row.figure_id if found else "",
                "not_found_id": (
                    ""
                    if found or row.review_period not in missing.index
                    else missing.loc[row.review_period, "item_id"]
                ),
                "statement": source["statement"] if found else "",
                "source_url": source["source_url"] if found else "",
            }
        )
    extra = pd.DataFrame(rows)
    table = pd.concat([table.drop(columns=["figure_id"]).reset_index(drop=True), extra], axis=1)
    return table


def published_per_year() -> pd.DataFrame:
    """Deaths and serious-harm reviews a year, as published (``deaths_per_year`` and
    ``serious_harm_per_year`` in ``data/published/``).

    Returns
    -------
    DataFrame
        ``review_period``, ``outcome`` ("death" / "serious_harm"), ``per_year``, ``relation``,
        ``stated`` (e.g. "about 28 a year"), ``figure_id``, ``statement``, ``source_url``.
    """
    table = load_published()
    table = table[
        table["measure"].isin(["deaths_per_year", "serious_harm_per_year"])
        & table["category"].isna()
    ]
    out = pd.DataFrame(
        {
            "review_period": table["review_period"],
            "outcome": table["measure"].map(
                {"deaths_per_year": "death", "serious_harm_per_year": "serious_harm"}
            ),
            "per_year": table["value"],
            "relation": table["relation"],
            "stated": [stated(r) for _, r in table.iterrows()],
            "figure_id": table["figure_id"].astype(str),
            "statement": table["statement"],
            "source_url": table["source_url"],
        }
    )
    return out.sort_values(["outcome", "review_period"]).reset_index(drop=True)


def population_series() -> pd.Series:
    """ONS 0-17 population by the financial year DfE applies it to, one consistent vintage.

    Only the ``latest_revision`` series (mid-2012 onward, as DfE holds it) is used: the single
    earlier value (mid-2009) is on the pre-2011-Census basis and would mix two bases in one
    rate.
    """
    table = yearly("children_0_17_count")
    table = table[table["vintage"] == "latest_revision"]
    return table.set_index("financial_year")["value"].astype(float)


def rates_per_100000() -> pd.DataFrame:
    """Reviews, deaths and serious-harm reviews a year per 100,000 children, with intervals.

    Each rate divides the window's count by its **person-years**: the sum, over the window's
    financial years (each weighted by its share inside the window), of the ONS mid-year 0-17
    population (:func:`population_by_year`). Years before mid-2012 use the one earlier estimate
    public sources give (mid-2009), and ``population_basis`` says so. The interval is the exact
    Poisson interval of the count (:func:`analysis.rate`); the count is ``per_year`` times the
    years covered, rounded to a whole number (a hedged "around 28 a year" gives 84 in three
    years). Every rate is derived.

    Returns
    -------
    DataFrame
        ``review_period``, ``what`` ("reviews" / "deaths" / "serious harm"), ``per_year``,
        ``per_year_derived``, ``relation``, ``figure_id``, ``count_in_window``,
        ``person_years``, ``population_years_covered``, ``years_in_window``,
        ``population_coverage`` ("full" / "partial" / "none"), ``population_basis``,
        ``rate_per_100000``, ``rate_low_per_100000``, ``rate_high_per_100000`` (2 decimals),
        ``derived`` (always true).
    """
    rows = []
    for row in analyses_table().itertuples(index=False):
        rows.append(
            {
                "review_period": row.review_period,
                "what": "reviews",
                "per_year": row.scrs_per_year,
                "per_year_derived": True,
                "relation": "equals" if row.figure_id else "",
                "figure_id": row.figure_id,
            }
        )
    for row in published_per_year().itertuples(index=False):
        rows.append(
            {
                "review_period": row.review_period,
                "what": "deaths" if row.outcome == "death" else "serious harm",
                "per_year": row.per_year,
                "per_year_derived": False,
                "relation": row.relation,
                "figure_id": row.figure_id,
            }
        )
    table = pd.DataFrame(rows)
    population, basis = population_by_year()
    cover = [person_years(population, basis, *period_window(p)) for p in table["review_period"]]
    for key in ("person_years", "years_covered", "years_in_window", "basis"):
        column = {"years_covered": "population_years_covered", "basis": "population_basis"}
        table[column.get(key, key)] = [c[key] for c in cover]
    table["population_coverage"] = [
        "none"
        if c["years_covered"] == 0
        else "full"
        if c["years_covered"] >= c["years_in_window"] - 1e-9
        else "partial"
        for c in cover
    ]
    counts = (table["per_year"] * table["population_years_covered"]).round()
    table["count_in_window"] = counts.astype("Int64")
    bounds = [
        rate(int(n), py) if pd.notna(n) and py > 0 else (np.nan, np.nan, np.nan)
        for n, py in zip(counts, table["person_years"], strict=True)
    ]
    for i, column in enumerate(RATE_COLUMNS):
        table[column] = [round(float(b[i]), 2) for b in bounds]
    table["derived"] = True
    return table


#: The rate columns of :func:`rates_per_100000`: the rate and its exact 95% interval.
RATE_COLUMNS = ("rate_per_100000", "rate_low_per_100000", "rate_high_per_100000")
#: How :func:`population_by_year` names each estimate's basis.
LATEST_BASIS = "latest revision"
EARLIER_BASIS = "mid-2009 estimate (pre-2011-Census basis)"


def population_by_year() -> tuple[pd.Series, pd.Series]:
    """The 0-17 population for each financial year a rate needs, and the basis of each.

    From mid-2012 the latest ONS revision (:func:`population_series`); before it, the one
    earlier estimate public sources give, mid-2009 on the pre-2011-Census basis, stands for
    every earlier year (:data:`EARLIER_BASIS`). Years after the last estimate have none.
    """
    latest = population_series()
    held = yearly("children_0_17_count")
    earlier = held[held["vintage"] != "latest_revision"].set_index("financial_year")["value"]
    first = latest.index.min()
    years = [f"{y}-{str(y + 1)[-2:]}" for y in range(2000, int(first[:4]))]
    mid_2009 = float(earlier.loc["2009-10"])
    values = pd.concat([pd.Series(mid_2009, index=years), latest]).astype(float)
    basis = pd.Series(EARLIER_BASIS, index=years)
    basis = pd.concat([basis, pd.Series(LATEST_BASIS, index=latest.index)])
    return values, basis


def person_years(population: pd.Series, basis: pd.Series, start, end) -> dict:
    """Person-years of a window: each financial year's population times its share inside it.

    Returns ``person_years`` (NaN when no year has a population), ``years_covered``,
    ``years_in_window`` and ``basis`` ("latest revision", or how many years rest on the
    earlier estimate).

    >>> pop = pd.Series({"2011-12": 10.0, "2012-13": 20.0})
    >>> basis = pd.Series({"2011-12": EARLIER_BASIS, "2012-13": LATEST_BASIS})
    >>> out = person_years(pop, basis, "2011-04-01", "2013-03-31")
    >>> out["person_years"], out["basis"]
    (30.0, 'latest revision; mid-2009 estimate (pre-2011-Census basis) for 1 of 2 years')
    """
    weights = window_years(start, end)
    known = {y: w for y, w in weights.items() if y in population.index}
    covered = float(sum(known.values()))
    earlier = float(sum(w for y, w in known.items() if basis[y] == EARLIER_BASIS))
    if not known:
        text = "none"
    elif earlier == covered:
        text = EARLIER_BASIS
    elif earlier:
        text = f"{LATEST_BASIS}; {EARLIER_BASIS} for {earlier:g} of {covered:g} years"
    else:
        text = LATEST_BASIS
    return {
        "person_years": float(sum(population[y] * w for y, w in known.items()))
        if known
        else np.nan,
        "years_covered": covered,
        "years_in_window": float(sum(weights.values())),
        "basis": text,
    }


def gap_arithmetic() -> str:
    """How many reviews the 2005-11 neglect study's database suggests fell in 2005-09: its
    count less the 2009-11 one. Our arithmetic across two studies whose rules may differ, so it
    is printed, never plotted."""
    database, later = figure("neg2005_11_scrs"), figure("p2009_scrs")
    return (
        f"{database['statement']} ({database['figure_id']}) minus {later['value']:g} in 2009-11 "
        f"({later['figure_id']}) = {database['value'] - later['value']:g} over 2005-09 "
        "(derived, not a published figure)"
    )
