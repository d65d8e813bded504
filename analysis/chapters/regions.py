"""Where the reviews were: reviews by English region per 100,000 children, and a funnel plot.

Rebuilds *Complexity and challenge* (2014-17), section 2.3 "Geographical distribution of the
cases", for both periods. ``region`` is a review-level code (the region of the board that held
the review), so every count here is of **reviews**, each once, never of children. Each region's
count is divided by its children aged 0 to 17 (ONS mid-year estimate of the period's middle
year, :mod:`analysis.reference.regions`), and set in a funnel plot against England's rate: the
control limits are the counts a region of that size would show by chance alone if every region
had England's rate (exact Poisson, 95% and 99.8%).

``la_code`` is never read here: a local authority is never tabulated (the codebook's
``never_output``).

Three tables, each protected on its own data by the run:

- :func:`reviews_by_region`: per period and region, the reviews, their share of the period's
  reviews (Wilson interval), the children and the rate per 100,000 (exact Poisson interval);
- :func:`funnel_limits`: per period, England's rate (the reviews with a region recorded, over
  the nine regions' children) and the limits along a grid of populations;
- :func:`funnel_positions`: per period and region, where its count falls against the limits.

Examples
--------
>>> poisson_limit([10.0], 0.975).round(2).tolist()
[16.16]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import poisson

from analysis.casedata.codebook import all_variables
from analysis.reference.regions import PERIOD_ESTIMATES, region_population
from analysis.stats.inference import rate
from analysis.stats.measures import reviews
from analysis.stats.members import IMPLIED, PREFIX, PUBLISHED_COLUMNS, members_of
from analysis.stats.tables import proportion_table

PER = 100_000
#: Two-sided control limits drawn, by name: the probability each leaves in each tail.
LIMITS = {"95": 0.025, "99_8": 0.001}
#: Where a region's count falls against the limits, from highest to lowest.
POSITIONS = (
    "above the 99.8% limit",
    "above the 95% limit",
    "within the 95% limits",
    "below the 95% limit",
    "below the 99.8% limit",
)
#: Columns a notebook shows of :func:`reviews_by_region` (the rest are in the written CSV).
SHOWN = ["review_period", "label", "count", "percent", "population_0_17", "rate_per_100000"]
SHOWN += ["rate_ci_low", "rate_ci_high"]
#: Populations along which the limits are drawn: this many points, from the smallest region's
#: population less a margin to the largest's plus one.
GRID_POINTS = 61


def region_codes() -> dict[str, str]:
    """The codebook's region codes by label (the ONS name), missing codes left out."""
    variable = all_variables()["region"]
    return {variable.codes[c]: c for c in variable.valid_codes}


def _population(period: str) -> pd.Series:
    """Children aged 0 to 17 by region code in the estimate set beside ``period``."""
    table = region_population(period)
    codes = region_codes()
    return pd.Series(table["value"].to_numpy(), index=table["geography"].map(codes))


def periods_with_population(cases: pd.DataFrame) -> list[str]:
    """The review periods of ``cases`` that have a regional population estimate, in order."""
    present = set(cases["review_period"].dropna().astype(str))
    return [p for p in PERIOD_ESTIMATES if p in present]


def reviews_by_region(cases: pd.DataFrame) -> pd.DataFrame:
    """Reviews by region in each period, and each region's rate per 100,000 children.

    Needs ``review_period``, ``review_id`` (2014-17) and ``region``; counts reviews.

    Returns
    -------
    DataFrame
        :func:`analysis.stats.tables.proportion_table` of ``region`` by ``review_period`` over
        reviews (``count``, ``denominator_count`` = the period's reviews, ``percent`` with its
        Wilson interval; a row for every region code, "not recorded" included), plus
        ``population_0_17`` (children in the region, the published estimate),
        ``population_estimate`` ("mid-2012"), ``rate_per_100000`` (reviews in the period per
        100,000 children) and ``rate_ci_low``, ``rate_ci_high`` (exact Poisson 95%). Rows
        without a region have no population and no rate.
    """
    table = proportion_table(reviews(cases), "region", by="review_period")
    population = [
        _population(p).get(code, np.nan) if p in PERIOD_ESTIMATES else np.nan
        for p, code in zip(table["review_period"], table["region"], strict=True)
    ]
    table["population_0_17"] = population
    table["population_estimate"] = [
        PERIOD_ESTIMATES.get(p, "") if not np.isnan(n) else ""
        for p, n in zip(table["review_period"], population, strict=True)
    ]
    rates = [
        rate(int(c), n, per=PER) if not np.isnan(n) else (np.nan,) * 3
        for c, n in zip(table["count"], population, strict=True)
    ]
    table["rate_per_100000"], table["rate_ci_low"], table["rate_ci_high"] = zip(*rates, strict=True)
    members = [c for c in table.columns if c.startswith(PREFIX)]
    table = table[[c for c in table.columns if c not in members] + members]
    table.attrs[PUBLISHED_COLUMNS] = ("population_0_17",)  # public: never withheld
    return table


def poisson_limit(mean, probability: float) -> np.ndarray:
    """The count a Poisson variable of ``mean`` falls below with ``probability``, smoothed.

    The exact quantile (:func:`scipy.stats.poisson.ppf`) is a whole number, so limits drawn
    from it step; interpolating within the step, as Spiegelhalter (Statistics in Medicine 2005,
    "Funnel plots for comparing institutional performance") does, gives a smooth limit: ``r -
    a`` where ``r`` is the exact quantile and ``a = (F(r) - p) / (F(r) - F(r - 1))``. Never
    below zero.
    """
    mean = np.asarray(mean, dtype=float)
    r = poisson.ppf(probability, mean)
    upper, lower = poisson.cdf(r, mean), poisson.cdf(r - 1, mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(upper > lower, (upper - probability) / (upper - lower), 0.0)
    return np.clip(r - share, 0.0, None)


def _known(period_reviews: pd.DataFrame) -> pd.DataFrame:
    """The reviews whose region is one of the nine."""
    return period_reviews[period_reviews["region"].isin(list(region_codes().values()))]


def _limit_columns(expected: np.ndarray, population: np.ndarray) -> dict[str, np.ndarray]:
    """Each control limit at each population, as a rate per 100,000."""
    out = {}
    for name, tail in LIMITS.items():
        for side, probability in (("low", tail), ("high", 1 - tail)):
            count = poisson_limit(expected, probability)
            out[f"limit_{name}_{side}"] = PER * count / population
    return out


def funnel_limits(cases: pd.DataFrame, points: int = GRID_POINTS) -> pd.DataFrame:
    """England's rate and the funnel's control limits along populations, for each period.

    England's rate is the reviews with a region recorded over the nine regions' children (the
    rate every region would have if none differed); the limits at a population are the exact
    Poisson limits (:func:`poisson_limit`) of the count such a region would have, as rates.

    Returns
    -------
    DataFrame
        Per period (with an estimate), ``points`` rows: ``review_period``,
        ``population_0_17`` (along the grid), ``count`` (reviews with a region recorded) and
        ``denominator_count`` (all the period's reviews) with their members (every row of a
        period counts the same reviews), ``england_rate_per_100000`` with ``england_ci_low``,
        ``england_ci_high`` (exact Poisson 95%), and ``limit_95_low``, ``limit_95_high``,
        ``limit_99_8_low``, ``limit_99_8_high`` (rates per 100,000).
    """
    parts = []
    for period in periods_with_population(cases):
        everyone = reviews(cases[cases["review_period"] == period])
        known = _known(everyone)
        regions = _population(period)
        total = float(regions.sum())
        england = rate(len(known), total, per=PER)
        grid = np.linspace(regions.min() * 0.6, regions.max() * 1.1, points).round()
        expected = len(known) * grid / total
        parts.append(
            pd.DataFrame(
                {
                    "review_period": period,
                    "population_0_17": grid,
                    "count": len(known),
                    "denominator_count": len(everyone),
                    "england_population_0_17": total,
                    "england_rate_per_100000": england.rate,
                    "england_ci_low": england.low,
                    "england_ci_high": england.high,
                    **_limit_columns(expected, grid),
                    PREFIX + "count": [members_of(known)] * points,
                    PREFIX + "denominator_count": [members_of(everyone)] * points,
                }
            )
        )
    table = pd.concat(parts, ignore_index=True) if parts else _empty_limits()
    table.attrs[PUBLISHED_COLUMNS] = ("population_0_17", "england_population_0_17")
    return table


def _empty_limits() -> pd.DataFrame:
    columns = ["review_period", "population_0_17", "count", "denominator_count"]
    return pd.DataFrame(columns=columns + [PREFIX + "count", PREFIX + "denominator_count"])


def funnel_positions(cases: pd.DataFrame) -> pd.DataFrame:
    """Where each region's count of reviews falls against the funnel's limits.

    Returns
    -------
    DataFrame
        Per period (with an estimate) and region (the nine, in codebook order):
        ``review_period``, ``region``, ``label``, ``population_0_17``, ``expected_reviews``
        (at England's rate), the four limits at its population as counts
        (``limit_95_low_reviews`` ...) and ``verdict`` (one of :data:`POSITIONS`). The counts
        they rest on, the region's and England's, are its ``members__implied``: a verdict is
        withheld with either.
    """
    codes = region_codes()
    rows = []
    for period in periods_with_population(cases):
        everyone = reviews(cases[cases["review_period"] == period])
        known = _known(everyone)
        regions = _population(period)
        total = float(regions.sum())
        for label, code in codes.items():
            here = known[known["region"] == code]
            expected = len(known) * regions[code] / total
            limits = {
                f"limit_{name}_{side}_reviews": float(
                    poisson_limit(expected, tail if side == "low" else 1 - tail)
                )
                for name, tail in LIMITS.items()
                for side in ("low", "high")
            }
            rows.append(
                {
                    "review_period": period,
                    "region": code,
                    "label": label,
                    "population_0_17": float(regions[code]),
                    "expected_reviews": expected,
                    **limits,
                    "verdict": _position(len(here), limits),
                    IMPLIED: (members_of(here), members_of(known)),
                }
            )
    table = pd.DataFrame(rows)
    table.attrs[PUBLISHED_COLUMNS] = ("population_0_17",)
    return table


def _position(observed: int, limits: dict[str, float]) -> str:
    """Where a count falls: beyond the 99.8% limits, the 95% limits, or within."""
    if observed > limits["limit_99_8_high_reviews"]:
        return POSITIONS[0]
    if observed > limits["limit_95_high_reviews"]:
        return POSITIONS[1]
    if observed < limits["limit_99_8_low_reviews"]:
        return POSITIONS[4]
    if observed < limits["limit_95_low_reviews"]:
        return POSITIONS[3]
    return POSITIONS[2]


def funnel_sentence(positions: pd.DataFrame, period: str) -> str:
    """What the funnel shows for one period, in words computed from the (protected) positions.

    Beyond the 99.8% limits is the plot's signal; beyond the 95% limits, one region in twenty
    would lie by chance alone, so about half a region of nine: it is said with that.

    >>> t = pd.DataFrame({"review_period": ["2011-14"] * 3, "label": ["A", "B", "C"],
    ...                   "verdict": [POSITIONS[2], POSITIONS[1], POSITIONS[2]]})
    >>> print(funnel_sentence(t, "2011-14"))  # doctest: +NORMALIZE_WHITESPACE
    2011-14: no region's count of reviews lies beyond the 99.8% limits around England's
    rate. 1 of 3 lies beyond the 95% limits (B, above), where chance alone would put about 0.15
    of 3.
    """
    rows = positions[positions["review_period"] == period]
    verdicts = rows["verdict"].astype(str)
    shown = rows[verdicts.isin(POSITIONS)]
    withheld = len(rows) - len(shown)
    outer = shown[shown["verdict"].isin([POSITIONS[0], POSITIONS[4]])]
    inner = shown[shown["verdict"].isin([POSITIONS[1], POSITIONS[3]])]
    if outer.empty:
        text = f"{period}: no region's count of reviews lies beyond the 99.8% limits around "
        text += "England's rate."
    else:
        named = ", ".join(f"{r.label} ({r.verdict})" for r in outer.itertuples())
        text = f"{period}: {named}: beyond the 99.8% limits around England's rate."
    chance = 0.05 * len(shown)
    if inner.empty:
        text += f" None lies beyond the 95% limits (chance alone would put about {chance:.2g})."
    else:
        named = ", ".join(f"{r.label}, {r.verdict.split()[0]}" for r in inner.itertuples())
        text += (
            f" {len(inner)} of {len(shown)} lies beyond the 95% limits ({named}), where chance "
            f"alone would put about {chance:.2g} of {len(shown)}."
        )
    if withheld:
        text += f" {withheld} region(s) withheld with a small count ([c])."
    return text
