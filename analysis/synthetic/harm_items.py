"""Who harmed the child, a medical cause of death, and the pathway by which neglect led to harm.

Each follows the category of death or harm by exact quota within the category (shares are
assumptions S22, S26, S27): a suicide is harm by the child themself, a sudden unexpected infant
death mostly has no individual who caused it, a covert homicide is a parent's. These are
patterns the generator puts in, not findings.

Columns needed: ``outcome``, ``death_category``, ``harm_type``, ``neglect_feature``,
``carer_impaired`` (SUDI rows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.synthetic.quotas import apportion, preferring

_PHYSICAL = {
    "parent": 0.55,
    "parent_partner": 0.30,
    "other_relative": 0.05,
    "known_adult": 0.05,
    "not_known": 0.05,
}
#: S22: source of harm by category of death or harm (shares of the category's children).
SOURCE_BY_CATEGORY: dict[str, dict[str, float]] = {
    "fatal_physical_assault": _PHYSICAL,
    "overt_homicide": {"parent": 0.80, "parent_partner": 0.10, "other_relative": 0.10},
    "covert_homicide": {"parent": 1.0},
    "extreme_neglect": {"parent": 0.8, "parent_partner": 0.2},
    "severe_persistent_cruelty": {"parent": 0.5, "parent_partner": 0.5},
    "sudi": {"no_individual": 0.8, "parent": 0.2},
    "suicide": {"self": 1.0},
    "other_related": {"parent": 0.45, "no_individual": 0.35, "self": 0.05, "not_known": 0.15},
    "not_related_to_maltreatment": {"no_individual": 0.8, "not_known": 0.2},
    "perpetrated_outside_family": {
        "another_young_person": 0.5,
        "known_adult": 0.3,
        "stranger": 0.2,
    },
    "unclassifiable": {"not_known": 1.0},
    "physical_injury": _PHYSICAL,
    "sexual_abuse": {
        "known_adult": 0.35,
        "parent_partner": 0.20,
        "parent": 0.15,
        "other_relative": 0.15,
        "another_young_person": 0.15,
    },
    "neglect": {"parent": 0.9, "parent_partner": 0.1},
    "risk_taking_or_exploitation": {
        "known_adult": 0.45,
        "another_young_person": 0.25,
        "self": 0.30,
    },
    "other_harm": {"parent": 0.5, "not_known": 0.5},
    "not_recorded": {"not_known": 1.0},
}
#: S22: a SUDI is put down to a parent first where the carer sleeping with the infant was
#: impaired by alcohol or drugs.
SUDI_PARENT_IF = "carer_impaired"

#: S26: 23 reviews with a medical cause of death in the eight years April 2009 to March 2017
#: (BMJ Open 2021;11(8):e048689): three years' share (9) in each period. "20 acute and 12
#: chronic" of 23 is read as 11 acute only, 3 chronic only and 9 both; "maltreatment
#: contributed to the deaths of 18" as 18 related deaths (other_related) and 5 not related.
MEDICAL_REVIEWS, MEDICAL_YEARS, PERIOD_YEARS = 23, 8, 3
MEDICAL_SPLIT = {"acute_condition": 11, "chronic_condition": 3, "acute_and_chronic": 9}
MEDICAL_CATEGORIES = {"other_related": 18, "not_related_to_maltreatment": 5}
#: a death no one could classify has its medical cause not recorded
MEDICAL_NOT_RECORDED = ("unclassifiable",)

_PHYSICAL_PATHWAY = {"physical_abuse": 1.0}
#: S27: the pathway of neglect by category, where neglect was a feature.
PATHWAY_BY_CATEGORY: dict[str, dict[str, float]] = {
    "extreme_neglect": {"deprivational": 1.0},
    "sudi": {"sudi": 1.0},
    "suicide": {"suicide_self_harm": 1.0},
    "risk_taking_or_exploitation": {"adolescent_risk": 1.0},
    "neglect": {"deprivational": 0.4, "medical": 0.3, "accident": 0.3},
    "other_related": {"accident": 0.5, "medical": 0.3, "other_neglect": 0.2},
    "fatal_physical_assault": _PHYSICAL_PATHWAY,
    "overt_homicide": _PHYSICAL_PATHWAY,
    "covert_homicide": _PHYSICAL_PATHWAY,
    "severe_persistent_cruelty": _PHYSICAL_PATHWAY,
    "physical_injury": _PHYSICAL_PATHWAY,
}
DEFAULT_PATHWAY = {"other_neglect": 0.9, "not_recorded": 0.1}


def _category(kids: pd.DataFrame) -> pd.Series:
    return kids["death_category"].fillna(kids["harm_type"])


def _by_category(rng, kids, rows, shares_of, preferred_of) -> np.ndarray:
    """Labels for ``rows``, each category's rows getting its shares by exact quota."""
    category = _category(kids).to_numpy()
    out = np.full(len(kids), None, dtype=object)
    for code in pd.unique(category[rows]):
        members = rows[category[rows] == code]
        shares = shares_of(code)
        counts = apportion(len(members), list(shares.values()))
        prefer = {k: v[members] for k, v in preferred_of(code).items() if k in shares}
        out[members] = preferring(rng, list(shares), counts, prefer)
    return out


def add_medical_cause(kids: pd.DataFrame, rng) -> None:
    """``medical_cause_of_death`` for deaths (blank for serious harm)."""
    death = (kids["outcome"] == "death").to_numpy()
    values = np.where(death, "no_medical_cause", None).astype(object)
    category = kids["death_category"].to_numpy()
    values[death & np.isin(category, MEDICAL_NOT_RECORDED)] = "not_recorded"
    total = int(apportion(MEDICAL_REVIEWS, [PERIOD_YEARS, MEDICAL_YEARS - PERIOD_YEARS])[0])
    chosen = []
    for code, count in zip(
        MEDICAL_CATEGORIES, apportion(total, list(MEDICAL_CATEGORIES.values())), strict=True
    ):
        rows = np.flatnonzero(death & (category == code))
        chosen.extend(rng.choice(rows, size=min(count, len(rows)), replace=False))
    counts = apportion(len(chosen), list(MEDICAL_SPLIT.values()))
    values[np.asarray(chosen, dtype=int)] = np.repeat(list(MEDICAL_SPLIT), counts)
    kids["medical_cause_of_death"] = values


def add_harm_source(kids: pd.DataFrame, rng) -> None:
    """``harm_source`` for every child, by category of death or harm."""
    impaired = (kids[SUDI_PARENT_IF] == "yes").to_numpy()
    rows = np.arange(len(kids))
    kids["harm_source"] = _by_category(
        rng,
        kids,
        rows,
        lambda code: SOURCE_BY_CATEGORY[code],
        lambda code: {"parent": impaired} if code == "sudi" else {},
    )


def add_neglect_category(kids: pd.DataFrame, rng) -> None:
    """``neglect_category`` where neglect was a feature (blank elsewhere); a death with a medical
    cause is medical neglect first."""
    medical = kids["medical_cause_of_death"].isin(list(MEDICAL_SPLIT)).to_numpy()
    rows = np.flatnonzero((kids["neglect_feature"] == "yes").to_numpy())
    kids["neglect_category"] = _by_category(
        rng,
        kids,
        rows,
        lambda code: PATHWAY_BY_CATEGORY.get(code, DEFAULT_PATHWAY),
        lambda code: {"medical": medical},
    )
