"""Social-care involvement (notebook 03): at the time of the incident and ever, the full status
at the incident, the gap between "ever" and "at the time" in its parts, child protection plans
across the national analyses, and involvement by age and outcome with a test and a model.

The shares are :mod:`analysis.stats.tables`' (involvement as the codebook defines it:
``csc_involved_at_incident``, assumption A01); published values are read by ``figure_id`` from
``data/published/``, never typed here.
"""

from __future__ import annotations

import pandas as pd

from analysis.reference.published import figure, stated
from analysis.stats.inference import association_test, logistic_model
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
    """The headline: the share involved at the time of the incident, ever, and ever but not at
    the time (:func:`analysis.stats.tables.involvement_now_vs_ever`).

    Needs ``csc_status_at_incident`` and ``csc_ever_involved``; the base is all the children.
    """
    return involvement_now_vs_ever(cases)


def status_at_incident(cases: pd.DataFrame) -> pd.DataFrame:
    """Each status with children's social care at the time of the incident, as a share of all
    the children (``csc_status_at_incident``, every code of the codebook a row)."""
    return proportion_table(cases, "csc_status_at_incident")


def published_plan() -> dict:
    """The published plan share the status chart marks: ``value``, ``stated`` (as the source
    states it, e.g. "12%") and ``review_period``."""
    row = figure(PLAN_FIGURE)
    return {"value": row["value"], "stated": stated(row), "review_period": row["review_period"]}


def ever_but_not_now(cases: pd.DataFrame) -> pd.DataFrame:
    """The children ever involved but not at the time, by their status then
    (:func:`analysis.stats.tables.ever_but_not_now_parts`): "closed too soon" is one part."""
    return ever_but_not_now_parts(cases)


def cp_plan_series(cases: pd.DataFrame, recomputed_label: str) -> pd.DataFrame:
    """The share with a child protection plan at the time: as published for the earlier
    analyses and 2011-14, and recomputed from ``cases``.

    Parameters
    ----------
    cases : DataFrame
        The 2011-14 cases; needs ``csc_status_at_incident``.
    recomputed_label : str
        What data the recomputed row comes from (``Run.label``).

    Returns
    -------
    DataFrame
        ``review_period`` (the recomputed row's says so), ``percent``, ``source``, and
        ``members__implied``: the recomputed share rests on the plan count and all the children,
        so a run withholds it with them (None in the published rows).
    """
    status = status_at_incident(cases)
    plan = status.loc[status["csc_status_at_incident"] == PLAN_CODE].iloc[0]
    rows = [
        {
            "review_period": figure(f)["review_period"],
            "percent": figure(f)["value"],
            "source": "published",
            IMPLIED: None,
        }
        for f in PLAN_SERIES
    ]
    rows.append(
        {
            "review_period": "2011-14 (recomputed)",
            "percent": plan["percent"],
            "source": recomputed_label,
            IMPLIED: (plan[PREFIX + "count"], plan[PREFIX + "denominator_count"]),
        }
    )
    return pd.DataFrame(rows)


def by_age(cases: pd.DataFrame) -> pd.DataFrame:
    """Involvement at the time, ever, and ever but not at the time, by age band."""
    return involvement_now_vs_ever(cases, by="age_band")


def association_tests(cases: pd.DataFrame) -> pd.DataFrame:
    """A test of association between involvement at the time and each of :data:`TESTED`
    (:func:`analysis.stats.inference.association_test`), one row each."""
    with_flags = cases.assign(involved_now=involvement_flags(cases)["now"])
    return pd.DataFrame(
        [{"dimension": dim, **association_test(with_flags, dim, "involved_now")} for dim in TESTED]
    )


def involvement_model(cases: pd.DataFrame) -> pd.DataFrame:
    """A logistic model of involvement at the time on :data:`MODELLED`
    (:func:`analysis.stats.inference.logistic_model`; ``n`` and ``pseudo_r2`` in ``attrs``)."""
    return logistic_model(cases, involvement_flags(cases)["now"], list(MODELLED))
