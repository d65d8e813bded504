"""Public context statistics (``data/context/``) and the series of national analyses.

Year labelling is explicit: "2012-13" is a financial year (1 April to 31 March); a stock "at 31
March 2013" belongs to the year 2012-13 it closes; ONS mid-year N is applied to the year ending
31 March N+1, as DfE does. Where several vintages of a value exist, one is chosen by a stated
order of preference and the chosen vintage is kept in the table.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from analysis.paths import CONTEXT_DIR
from analysis.reference.published import load_published

SERIES_FILES = (
    "population",
    "child_protection",
    "looked_after",
    "serious_incident_notifications",
    "homicide",
)
#: Revised values first (consistent series), then first-published and as-reported ones.
VINTAGE_PREFERENCE = ("latest_revision", "revised_later", "first_published", "as_reported")

#: Each national analysis, its incident window and length in years (from the register).
ANALYSES = pd.DataFrame(
    [
        ("2001-03", "2001-04-01", "2003-03-31", 2.0, "p2001_scrs"),
        ("2003-05", "2003-04-01", "2005-03-31", 2.0, "p2003_scrs"),
        ("2005-07", "2005-04-01", "2007-03-31", 2.0, "p2005_scrs"),
        ("2007-09", "2007-04-01", "2009-03-31", 2.0, None),
        ("2009-11", "2009-04-01", "2011-03-31", 2.0, "p2009_scrs"),
        ("2011-14", "2011-04-01", "2014-03-31", 3.0, "p2011_scrs"),
        ("2014-17", "2014-04-01", "2017-03-31", 3.0, "p2014_scrs"),
        ("2017-19", "2017-04-01", "2019-09-30", 2.5, "p2017_scrs"),
    ],
    columns=["review_period", "period_start", "period_end", "years", "figure_id"],
)


@cache
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(CONTEXT_DIR / f"{name}.csv", encoding="utf-8")


def load_context(series: str | None = None) -> pd.DataFrame:
    """The context statistics, one tidy frame (all series, or one of ``SERIES_FILES``)."""
    names = SERIES_FILES if series is None else (series,)
    return pd.concat([_read(n) for n in names], ignore_index=True)


def financial_year(row: pd.Series) -> str | None:
    """The financial year a context value belongs to ("2012-13"), or None."""
    end = pd.Timestamp(row["period_end"]) if pd.notna(row["period_end"]) else None
    if end is None:
        return None
    if row["period_type"] == "mid_year":  # mid-year N is applied to the year ending March N+1
        start_year = end.year
    elif row["period_type"] in ("financial_year", "at_31_march"):
        start_year = end.year - 1
    else:
        return None
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def yearly(measure: str, *, geography: str = "England") -> pd.DataFrame:
    """One value per financial year for a context measure, preferring revised vintages.

    Returns
    -------
    DataFrame
        ``financial_year``, ``value``, ``vintage``, ``derived``, ``source``, ``measure``.
    """
    table = load_context()
    table = table[(table["measure"] == measure) & (table["geography"] == geography)].copy()
    if table.empty:
        raise KeyError(f"no context measure {measure!r} for {geography}")
    table["financial_year"] = table.apply(financial_year, axis=1)
    table = table.dropna(subset=["financial_year"])
    rank = {v: i for i, v in enumerate(VINTAGE_PREFERENCE)}
    table["_rank"] = table["vintage"].map(rank).fillna(len(rank))
    table = table.sort_values(["financial_year", "_rank"]).drop_duplicates("financial_year")
    return table[
        ["financial_year", "value", "vintage", "derived", "source", "measure"]
    ].reset_index(drop=True)


def analyses_series() -> pd.DataFrame:
    """Reviews in each national analysis and the average per year (derived: count / years).

    Analyses whose count was not found in public sources (2005-07, 2007-09) are kept with a
    blank count, so a chart shows the gap instead of hiding it.
    """
    published = load_published().set_index("figure_id")
    out = ANALYSES.copy()
    out["scrs_count"] = [
        published.loc[f, "value"] if isinstance(f, str) else float("nan") for f in out["figure_id"]
    ]
    out["scrs_per_year"] = out["scrs_count"] / out["years"]
    out["per_year_derived"] = True
    return out


def plans_started() -> pd.DataFrame:
    """Child protection plans started a year: CPR3 registrations until 2008-09, then plans."""
    both = pd.concat([yearly("cp_registrations_count"), yearly("cp_plans_started_count")])
    return both.drop_duplicates("financial_year", keep="last")


def activity_series() -> dict[str, pd.DataFrame]:
    """The yearly child-protection activity series, by measure name (see :func:`yearly`)."""
    return {
        "section_47_enquiries_count": yearly("section_47_enquiries_count"),
        "cp_plans_started_count": plans_started(),
        "cp_plans_at_31_march_count": yearly("cp_plans_at_31_march_count"),
    }


def activity_backdrop(first_year: str = "2003-04", last_year: str = "2017-18") -> pd.DataFrame:
    """Child-protection activity and serious incident notifications by financial year (wide).

    Plans started before 2009-10 are the CPR3 *registrations* (a series break, flagged in
    ``plans_series``); section 47 enquiries are counted from 2009-10 (one earlier year exists).
    """
    parts = {
        **activity_series(),
        "sin_total_count": yearly("sin_total_count"),
        "sin_deaths_count": yearly("sin_deaths_count"),
        "children_0_17_count": yearly("children_0_17_count"),
    }
    years = sorted({y for p in parts.values() for y in p["financial_year"]})
    years = [y for y in years if first_year <= y <= last_year]
    wide = pd.DataFrame({"financial_year": years})
    for name, part in parts.items():
        wide = wide.merge(
            part[["financial_year", "value"]].rename(columns={"value": name}),
            on="financial_year",
            how="left",
        )
    registrations = set(yearly("cp_registrations_count")["financial_year"])
    wide["plans_series"] = [
        "CPR3 registrations" if y in registrations and y < "2009-10" else "CIN census plans"
        for y in wide["financial_year"]
    ]
    return wide
