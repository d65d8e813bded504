"""Reviews against child-protection activity: the national analyses set beside the public
series of children in need, child protection plans and serious incident notifications.

All figures here are public statistics (``data/context/``, ``data/published/``), never case
data. Split from :mod:`analysis.chapters.trends`, which holds the analysis windows and rates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.chapters.trends import (
    ACTIVITY_SERIES,
    BASE_PERIOD,
    CIN_CENSUS_FIRST_YEAR,
    FINANCIAL_YEAR,
    REVIEWS_SERIES,
    analyses_table,
    period_window,
    window_mean,
)
from analysis.reference.context import ANALYSES, activity_backdrop, activity_series, yearly
from analysis.reference.published import figure, load_published, stated

# --------------------------------------------------------------------------------------------
# Reviews against child-protection activity
# --------------------------------------------------------------------------------------------


def activity_yearly(first_year: str = "2001-02", last_year: str = "2019-20") -> pd.DataFrame:
    """Annual child-protection activity, long, with each value's source and series break.

    Returns
    -------
    DataFrame
        ``financial_year``, ``series`` (a name in :data:`ACTIVITY_SERIES`), ``label``,
        ``value_count``, ``collection`` ("CIN census" from 2009-10; before it, "CPR3
        registrations" for plans started and "before the CIN census" otherwise),
        ``vintage``, ``derived``, ``source``.
    """
    wide = activity_backdrop(first_year, last_year)
    parts = activity_series()
    rows = []
    for series, part in parts.items():
        part = part.set_index("financial_year")
        for year in wide["financial_year"]:
            value = wide.loc[wide["financial_year"] == year, series].iloc[0]
            if pd.isna(value):
                continue
            if year >= CIN_CENSUS_FIRST_YEAR:
                collection = "CIN census"
            elif series == "cp_plans_started_count":
                collection = "CPR3 registrations"
            else:
                collection = "before the CIN census"
            rows.append(
                {
                    "financial_year": year,
                    "series": series,
                    "label": ACTIVITY_SERIES[series],
                    "value_count": float(value),
                    "collection": collection,
                    "vintage": part.loc[year, "vintage"],
                    "derived": bool(part.loc[year, "derived"]),
                    "source": part.loc[year, "source"],
                }
            )
    return pd.DataFrame(rows)


def reviews_against_activity(base_period: str = BASE_PERIOD) -> pd.DataFrame:
    """Reviews a year and activity a year over each analysis window, indexed to a base period.

    Like is compared with like: for each national analysis, the reviews a year (count / years)
    and the mean annual activity over the same window (:func:`window_mean`), each divided by
    its value for ``base_period`` (= 100). Also the reviews a year per 1,000 section 47
    enquiries. All values here are derived.

    Returns
    -------
    DataFrame
        Long: ``review_period``, ``series`` (``scrs`` or an activity measure), ``label``,
        ``per_year`` (mean a year over the window), ``years_covered``, ``years_in_window``,
        ``years_used``, ``index_value`` (``base_period`` = 100), ``crosses_series_break``
        (plans started averaged over CPR3 registration years), ``derived``.
        ``attrs["base_period"]`` names the base.
    """
    activity = activity_yearly()
    analyses = analyses_table()
    rows = []
    for row in analyses.itertuples(index=False):
        start, end = pd.Timestamp(row.period_start), pd.Timestamp(row.period_end)
        rows.append(
            {
                "review_period": row.review_period,
                "series": "scrs",
                "label": REVIEWS_SERIES,
                "per_year": row.scrs_per_year,
                "years_covered": row.years if pd.notna(row.scrs_count) else 0.0,
                "years_in_window": row.years,
                "years_used": "whole window" if pd.notna(row.scrs_count) else "",
                "crosses_series_break": False,
            }
        )
        for series, label in ACTIVITY_SERIES.items():
            values = activity[activity["series"] == series].set_index("financial_year")
            mean = window_mean(values["value_count"], start, end)
            cpr3 = values.loc[values["collection"] == "CPR3 registrations"].index
            used = mean["years_used"].split("; ") if mean["years_used"] else []
            rows.append(
                {
                    "review_period": row.review_period,
                    "series": series,
                    "label": label,
                    "per_year": mean["mean"],
                    "years_covered": mean["years_covered"],
                    "years_in_window": mean["years_in_window"],
                    "years_used": mean["years_used"],
                    "crosses_series_break": any(y in cpr3 for y in used),
                }
            )
    table = pd.DataFrame(rows)
    base = table[table["review_period"] == base_period].set_index("series")["per_year"]
    if base.isna().any():
        raise ValueError(
            f"base period {base_period} lacks a value for {list(base[base.isna()].index)}"
        )
    table["index_value"] = 100 * table["per_year"] / table["series"].map(base)
    table["derived"] = True
    table.attrs["base_period"] = base_period
    return table


def reviews_per_enquiries(table: pd.DataFrame, per: int = 1000) -> pd.DataFrame:
    """Reviews a year per ``per`` section 47 enquiries a year, by analysis (derived).

    Parameters
    ----------
    table : DataFrame
        From :func:`reviews_against_activity`.

    Returns
    -------
    DataFrame
        ``review_period``, ``scrs_per_year``, ``section_47_enquiries_per_year``,
        ``enquiries_years_covered``, ``years_in_window``, ``scrs_per_{per}_enquiries``,
        ``derived``.
    """
    order = ANALYSES["review_period"]
    wide = table.pivot(index="review_period", columns="series", values="per_year").reindex(order)
    enquiries = (
        table[table["series"] == "section_47_enquiries_count"]
        .set_index("review_period")
        .reindex(order)
    )
    out = pd.DataFrame(
        {
            "review_period": wide.index,
            "scrs_per_year": wide["scrs"].to_numpy(),
            "section_47_enquiries_per_year": wide["section_47_enquiries_count"].to_numpy(),
            "enquiries_years_covered": enquiries["years_covered"].to_numpy(),
            "years_in_window": enquiries["years_in_window"].to_numpy(),
        }
    )
    out[f"scrs_per_{per}_enquiries"] = (
        per * out["scrs_per_year"] / out["section_47_enquiries_per_year"]
    )
    out["derived"] = True
    return out.reset_index(drop=True)


def activity_index_yearly(base_period: str = BASE_PERIOD) -> pd.DataFrame:
    """Annual activity indexed to its mean over ``base_period``'s window (= 100).

    Returns
    -------
    DataFrame
        :func:`activity_yearly` plus ``index_value``.
    """
    activity = activity_yearly()
    start, end = period_window(base_period)
    bases = {
        s: window_mean(
            activity.loc[activity["series"] == s].set_index("financial_year")["value_count"],
            start,
            end,
        )["mean"]
        for s in ACTIVITY_SERIES
    }
    activity["index_value"] = 100 * activity["value_count"] / activity["series"].map(bases)
    activity.attrs["base_period"] = base_period
    return activity


# --------------------------------------------------------------------------------------------
# Ofsted: reviews initiated and serious incident notifications
# --------------------------------------------------------------------------------------------


def ofsted_yearly(first_year: str = "2009-10", last_year: str = "2018-19") -> pd.DataFrame:
    """SCRs initiated and serious incident notifications (SINs) by financial year, long.

    SCRs initiated (Ofsted, by the date the review began, not the incident year) and SINs
    come from ``data/published/`` (``ofsted_*`` rows); SINs not published there are taken
    from ``data/context/`` (``sin_*_count``). A year with no value in either is kept with a
    blank value so a chart shows the gap.

    Returns
    -------
    DataFrame
        ``financial_year``, ``series`` (``scrs_initiated``, ``sins``, ``sin_deaths``),
        ``label``, ``value_count``, ``source_tier`` ("published" / "context" / ""),
        ``source_id`` (figure_id or context source URL), ``derived``.
    """
    labels = {
        "scrs_initiated": "SCRs initiated (Ofsted)",
        "sins": "Serious incident notifications",
        "sin_deaths": "Notifications of a death",
    }
    published = load_published()
    published = published[published["review_period"].str.match(FINANCIAL_YEAR)]
    picks = {
        "scrs_initiated": (published["measure"] == "scrs_initiated_count")
        & published["category"].isna(),
        "sins": (published["measure"] == "sin_count") & published["category"].isna(),
        "sin_deaths": (published["measure"] == "sin_count") & (published["category"] == "death"),
    }
    context = {"sins": yearly("sin_total_count"), "sin_deaths": yearly("sin_deaths_count")}
    years = []
    year = int(first_year[:4])
    while f"{year}-{(year + 1) % 100:02d}" <= last_year:
        years.append(f"{year}-{(year + 1) % 100:02d}")
        year += 1
    rows = []
    for series, mask in picks.items():
        found = published[mask].set_index("review_period")
        extra = context[series].set_index("financial_year") if series in context else None
        for fy in years:
            row = {"financial_year": fy, "series": series, "label": labels[series]}
            if fy in found.index:
                hit = found.loc[fy]
                row.update(
                    value_count=float(hit["value"]),
                    source_tier="published",
                    source_id=str(hit["figure_id"]),
                    derived=False,
                )
            elif extra is not None and fy in extra.index:
                hit = extra.loc[fy]
                row.update(
                    value_count=float(hit["value"]),
                    source_tier="context",
                    source_id=str(hit["source"]),
                    derived=bool(hit["derived"]),
                )
            else:
                row.update(value_count=np.nan, source_tier="", source_id="", derived=False)
            rows.append(row)
    return pd.DataFrame(rows)


#: The analyses whose indices :func:`index_sentences` states.
LATER_ANALYSES = ("2011-14", "2014-17", "2017-19")
#: Ofsted's share of notifications that led to an SCR, by year.
SINS_LEADING_TO_SCR = (
    "ofsted_2013_14_sins_leading_to_scr",
    "ofsted_2014_15_sins_leading_to_scr",
    "ofsted_2015_16_sins_leading_to_scr",
)


def index_sentences(against: pd.DataFrame) -> str:
    """For each of :data:`LATER_ANALYSES`, reviews a year and each activity series as an index
    (``against`` is :func:`reviews_against_activity`)."""
    index = against.set_index(["review_period", "series"])["index_value"]
    return "\n".join(
        f"{period}: reviews a year {index[period, 'scrs']:.0f}, section 47 enquiries "
        f"{index[period, 'section_47_enquiries_count']:.0f}, plans started "
        f"{index[period, 'cp_plans_started_count']:.0f}, plans at 31 March "
        f"{index[period, 'cp_plans_at_31_march_count']:.0f} (2009-11 = 100)"
        for period in LATER_ANALYSES
    )


def notifications_leading_to_review() -> str:
    """Ofsted's share of serious incident notifications that led to an SCR, year by year."""
    lines = []
    for fid in SINS_LEADING_TO_SCR:
        row = figure(fid)
        lines.append(
            f"{row['review_period']}: {stated(row)} of notifications led to an SCR ({fid})"
        )
    return "\n".join(lines)
