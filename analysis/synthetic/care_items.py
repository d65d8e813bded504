"""Child protection plans of the framework: how many children had one (2014-17: 84), the
category of the plan (2014-17: neglect for 50 of them), and a plan for the child or a sibling.

Columns needed: ``review_id``, ``death_category``, ``harm_type``, ``csc_status_at_incident``,
``csc_ever_involved``, ``cp_plan_ever``, ``neglect_feature``. Assumption S28.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.synthetic.quotas import apportion, count_of_share, preferring, share_of

#: S28: children with a plan, now or before. The 2014-17 briefing's "50 out of 84 children
#: were subject to a child protection plan" (garbled as printed) is read as 84 children with a
#: plan at the time or before, neglect the category of 50 of them. 2011-14: as generated.
CHILDREN_WITH_PLAN = {"2014-17": 84}
NEGLECT_PLANS = {"2014-17": (50, 84)}
#: S28: categories of a plan otherwise in the proportions of the 2005-11 SCR sample (NSPCC
#: neglect study table 2.4: neglect only 73, physical 32, sexual 12, emotional 19, multiple
#: 28 + 11 of 175 children with a plan).
PLAN_CATEGORY_WEIGHTS = {
    "neglect": 73,
    "physical_abuse": 32,
    "sexual_abuse": 12,
    "emotional_abuse": 19,
    "multiple": 39,
}
#: S28: a sibling's plan, for a review whose child had none: 12% of children ever involved
#: with social care, 3% of the others (G201, 2005-09: 29.5% had a plan, own or a sibling's).
SIBLING_PLAN_SHARE = {"yes": 0.12, "no": 0.03}


def _with_plan(kids: pd.DataFrame) -> np.ndarray:
    on_plan = kids["csc_status_at_incident"] == "open_child_protection_plan"
    return ((kids["cp_plan_ever"] == "yes") | on_plan).to_numpy()


def meet_plan_count(period: str, kids: pd.DataFrame, rng) -> None:
    """Exactly the published number of children with a plan now or before, by giving or taking
    a *past* plan (never a current one; never a SUDI row, whose plans are calibrated apart)."""
    target = CHILDREN_WITH_PLAN.get(period)
    if target is None:
        return
    free = (
        (kids["csc_status_at_incident"] != "open_child_protection_plan")
        & (kids["death_category"] != "sudi")
        & (kids["csc_ever_involved"] == "yes")
    ).to_numpy()
    plan = _with_plan(kids)
    gap = target - int(plan.sum())
    pool = np.flatnonzero(free & (plan if gap < 0 else ~plan))
    if abs(gap) > len(pool):
        raise ValueError(f"cannot reach {target} children with a plan")
    flip = rng.choice(pool, size=abs(gap), replace=False)
    kids.iloc[flip, kids.columns.get_loc("cp_plan_ever")] = "no" if gap < 0 else "yes"


def add_plan_category(period: str, kids: pd.DataFrame, rng) -> None:
    """``cp_plan_category`` for children with a plan now or before (blank for the rest): a
    neglect plan goes first to a review where neglect was a feature, a sexual-abuse plan to a
    child seriously harmed by sexual abuse."""
    rows = np.flatnonzero(_with_plan(kids))
    codes = list(PLAN_CATEGORY_WEIGHTS)
    if period in NEGLECT_PLANS:
        neglect = share_of(len(rows), *NEGLECT_PLANS[period])
        rest = apportion(len(rows) - neglect, list(PLAN_CATEGORY_WEIGHTS.values())[1:])
        counts = np.r_[neglect, rest]
    else:
        counts = apportion(len(rows), list(PLAN_CATEGORY_WEIGHTS.values()))
    prefer = {
        "neglect": (kids["neglect_feature"] == "yes").to_numpy()[rows],
        "sexual_abuse": (kids["harm_type"] == "sexual_abuse").to_numpy()[rows],
    }
    values = np.full(len(kids), None, dtype=object)
    values[rows] = preferring(rng, codes, counts, prefer)
    kids["cp_plan_category"] = values


def add_plan_child_or_sibling(kids: pd.DataFrame, rng) -> None:
    """``cp_plan_child_or_sibling``: yes with the child's own plan or another child of the
    review's; else a sibling's plan by review (S28); not recorded when the child's own is."""
    own = _with_plan(kids)
    review = kids["review_id"].to_numpy()
    in_review = pd.Series(own).groupby(review).transform("any").to_numpy()
    first = ~pd.Series(review).duplicated().to_numpy()
    ever = (kids["csc_ever_involved"] == "yes").to_numpy()
    sibling = np.zeros(len(kids), dtype=bool)
    for group, share in SIBLING_PLAN_SHARE.items():
        rows = np.flatnonzero(first & ~in_review & (ever == (group == "yes")))
        chosen = rng.permutation(rows)[: count_of_share(len(rows), share)]
        sibling[chosen] = True
    sibling = pd.Series(sibling).groupby(review).transform("any").to_numpy()
    values = np.where(own | in_review | sibling, "yes", "no").astype(object)
    values[(kids["cp_plan_ever"] == "not_recorded").to_numpy() & ~in_review] = "not_recorded"
    kids["cp_plan_child_or_sibling"] = values
