"""Social-care involvement (notebook 03): at the time of the incident and ever, the full status
at the incident, the gap between "ever" and "at the time" in its parts, child protection plans
across the national analyses, and involvement by age and outcome with a test and a model; each
for every review period in the file.

The shares are :mod:`analysis.stats.tables`' (involvement as the codebook defines it:
``csc_involved_at_incident``, assumption A01), each a share of the children of its period (in
2014-17, where siblings share a review, with intervals that allow for it). The tests and the
model need independent children: they count one child a review (:func:`one_child_a_review`),
which in 2014-17, where reviews hold siblings, leaves out the siblings. Published values are
read by ``figure_id`` from ``data/published/``, never typed here.
"""

from __future__ import annotations

import pandas as pd

from analysis.reference.published import figure, stated
from analysis.stats.inference import association_test, logistic_model
from analysis.stats.measures import reviews
from analysis.stats.members import IMPLIED, PREFIX
from analysis.stats.tables import (
    ever_but_not_now_parts,
    involvement_flags,
    involvement_now_vs_ever,
    proportion_table,
)

#: The published statements the headline is checked against (2011-14).
HEADLINE_STATEMENTS = ("p2011_csc_current", "p2011_csc_ever", "p2011_cp_plan_current")
#: The published share with a child protection plan at the time, marked on the status chart.
PLAN_FIGURE = "p2011_cp_plan_current"
#: The plan share across the national analyses, as published.
PLAN_SERIES = ("p2007_cp_plan_current", "p2009_cp_plan_current", "p2011_cp_plan_current")
PLAN_CODE = "open_child_protection_plan"
#: The dimensions tested for an association with involvement at the time, and those modelled.
TESTED = ("age_band", "outcome", "sex")
MODELLED = ("age_band", "outcome")


def now_vs_ever(cases: pd.DataFrame) -> pd.DataFrame:
    """The headline in each review period: the share involved at the time of the incident,
    ever, and ever but not at the time (:func:`analysis.stats.tables.involvement_now_vs_ever`).

    Needs ``review_period``, ``csc_status_at_incident`` and ``csc_ever_involved``; the base is
    all the children of the period.
    """
    return involvement_now_vs_ever(cases, by="review_period")


def status_at_incident(cases: pd.DataFrame) -> pd.DataFrame:
    """Each status with children's social care at the time of the incident, as a share of all
    the children of each review period (``csc_status_at_incident``, every code a row)."""
    return proportion_table(cases, "csc_status_at_incident", by="review_period")


def published_plan() -> dict:
    """The published plan share the status chart marks: ``value``, ``stated`` (as the source
    states it, e.g. "12%") and ``review_period``."""
    row = figure(PLAN_FIGURE)
    return {"value": row["value"], "stated": stated(row), "review_period": row["review_period"]}


def _by_period(cases: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    return [(str(p), part) for p, part in cases.groupby("review_period", observed=True)]


def ever_but_not_now(cases: pd.DataFrame) -> pd.DataFrame:
    """In each review period, the children ever involved but not at the time, by their status
    then (:func:`analysis.stats.tables.ever_but_not_now_parts`): "closed too soon" is one part.

    Each period is its own table, so a period whose gap holds no child keeps its rows (0 of 0).
    """
    parts = [
        ever_but_not_now_parts(part).assign(review_period=period)
        for period, part in _by_period(cases)
    ]
    table = pd.concat(parts, ignore_index=True)
    return table[["review_period", *[c for c in table.columns if c != "review_period"]]]


def cp_plan_series(cases: pd.DataFrame, recomputed_label: str) -> pd.DataFrame:
    """The share with a child protection plan at the time: as published for the earlier
    analyses and 2011-14, and recomputed for each review period in ``cases``.

    Parameters
    ----------
    cases : DataFrame
        Loaded cases; needs ``review_period`` and ``csc_status_at_incident``.
    recomputed_label : str
        What data the recomputed rows come from (``Run.label``).

    Returns
    -------
    DataFrame
        ``review_period`` (a recomputed row's says so: "2014-17 (recomputed)"), ``percent``,
        ``source``, and ``members__implied``: a recomputed share rests on the plan count and
        all the children of its period, so a run withholds it with them (None in the
        published rows).
    """
    status = status_at_incident(cases)
    plans = status[status["csc_status_at_incident"] == PLAN_CODE]
    rows = [
        {
            "review_period": figure(f)["review_period"],
            "percent": figure(f)["value"],
            "source": "published",
            IMPLIED: None,
        }
        for f in PLAN_SERIES
    ]
    rows += [
        {
            "review_period": f"{plan['review_period']} (recomputed)",
            "percent": plan["percent"],
            "source": recomputed_label,
            IMPLIED: (plan[PREFIX + "count"], plan[PREFIX + "denominator_count"]),
        }
        for _, plan in plans.iterrows()
    ]
    return pd.DataFrame(rows)


def by_age(cases: pd.DataFrame) -> pd.DataFrame:
    """Involvement at the time, ever, and ever but not at the time, by review period and age
    band."""
    return involvement_now_vs_ever(cases, by=["review_period", "age_band"])


def one_child_a_review(cases: pd.DataFrame) -> pd.DataFrame:
    """One child of each review (the first in the file,
    :func:`analysis.stats.measures.reviews`): siblings in one review share a family, so they
    are not independent, and a test or a model of children as if they were would be too sure
    of itself. Where every review has one child (2011-14), every child."""
    return reviews(cases)


def association_tests(cases: pd.DataFrame) -> pd.DataFrame:
    """In each review period, a test of association between involvement at the time and each
    of :data:`TESTED` (:func:`analysis.stats.inference.association_test`), one row each, on one
    child a review (:func:`one_child_a_review`)."""
    rows = []
    for period, part in _by_period(cases):
        tested = one_child_a_review(part)
        flagged = tested.assign(involved_now=involvement_flags(tested)["now"])
        for dim in TESTED:
            rows.append(
                {
                    "review_period": period,
                    "dimension": dim,
                    **association_test(flagged, dim, "involved_now"),
                }
            )
    return pd.DataFrame(rows)


def involvement_model(cases: pd.DataFrame) -> pd.DataFrame:
    """In each review period, a logistic model of involvement at the time on :data:`MODELLED`
    (:func:`analysis.stats.inference.logistic_model`), on one child a review
    (:func:`one_child_a_review`); each period's ``n`` and ``pseudo_r2`` in ``attrs["fit"]``."""
    parts, fit = [], {}
    for period, part in _by_period(cases):
        tested = one_child_a_review(part)
        model = logistic_model(tested, involvement_flags(tested)["now"], list(MODELLED))
        fit[period] = {"n": model.attrs["n"], "pseudo_r2": model.attrs["pseudo_r2"]}
        parts.append(model.assign(review_period=period))
    table = pd.concat(parts, ignore_index=True)
    table = table[["review_period", *[c for c in table.columns if c != "review_period"]]]
    table.attrs["fit"] = fit
    return table
