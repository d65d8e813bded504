"""The child's own vulnerabilities (11 items), coded from a final report for the ages asked.

Each item has a share per age group (S20), met exactly among the children of that age with a
report; which children get it is decided by one score per child, so that a child's
vulnerabilities cluster, plus the item's own drivers (self-harm and mental health with suicide,
risk-taking and exploitation with harm through them, going missing with being looked after...).
An adolescent seriously harmed through risk-taking or exploitation (``harm_type``
``risk_taking_or_exploitation``) always has the matching item (S16). Every one of these
patterns is put in by the generator: a notebook showing them shows an assumption, not a finding.

Columns needed: ``age_band``, ``sex``, ``final_report_available``, ``death_category``,
``harm_type``, ``csc_status_at_incident``, ``looked_after_ever``, ``disability``,
``medical_cause_of_death``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.synthetic.quotas import count_of_share, top_k

AGE_GROUPS = {
    "under_1": "under_1",
    "1_5": "1_5",
    "6_10": "6_10",
    "11_15": "11_17",
    "16_17": "11_17",
}
#: S20: share of the children with a report in each age group who have the item; an age group
#: missing from an item is not asked (the codebook's ``asked_of``: 11+, 6+ or 1+). Young
#: people 11+: mental health 69%, alcohol "nearly 30%", drugs "more than 40%" are the 2017-19
#: analysis's figures (SecEd summary), the nearest period published; the rest are the kit's.
SHARES: dict[str, dict[str, float]] = {
    "child_mental_health": {"6_10": 0.15, "11_17": 0.69},
    "child_self_harm": {"6_10": 0.03, "11_17": 0.40},
    "child_alcohol_misuse": {"11_17": 0.29},
    "child_drug_misuse": {"11_17": 0.42},
    "child_going_missing": {"6_10": 0.05, "11_17": 0.40},
    "child_sexual_exploitation": {"11_17": 0.25},
    "child_criminal_exploitation": {"11_17": 0.12},
    "child_risk_taking": {"11_17": 0.40},
    "child_behavioural_problems": {"1_5": 0.10, "6_10": 0.30, "11_17": 0.45},
    "child_learning_difficulties": {"1_5": 0.08, "6_10": 0.20, "11_17": 0.20},
    "child_chronic_illness": {"under_1": 0.05, "1_5": 0.08, "6_10": 0.10, "11_17": 0.08},
}
#: S20: what raises a child's chance of each item, added to the child's shared score (sd 1).
DRIVERS: dict[str, dict[str, float]] = {
    "child_mental_health": {"suicide": 2.0, "looked_after": 0.8},
    "child_self_harm": {"suicide": 2.5, "looked_after": 0.5},
    "child_alcohol_misuse": {"risk_harm": 1.0, "looked_after": 0.5},
    "child_drug_misuse": {"risk_harm": 1.5, "looked_after": 0.5},
    "child_going_missing": {"risk_harm": 1.5, "looked_after": 1.5},
    "child_sexual_exploitation": {"risk_harm": 1.5, "looked_after": 1.0, "female": 1.0},
    "child_criminal_exploitation": {"risk_harm": 1.0, "looked_after": 0.8, "male": 1.0},
    "child_risk_taking": {"risk_harm": 1.5, "looked_after": 0.8, "male": 0.5},
    "child_behavioural_problems": {"looked_after": 1.0},
    "child_learning_difficulties": {"disability": 1.5},
    "child_chronic_illness": {"disability": 1.5, "chronic": 3.0},
}
#: S16: of the adolescents harmed through risk-taking or exploitation, girls are coded as
#: sexually exploited and boys as risk-taking (each at least; more may follow from the quotas).
RISK_HARM_ITEM = {"female": "child_sexual_exploitation", "male": "child_risk_taking"}


def add_vulnerabilities(kids: pd.DataFrame, rng) -> None:
    """Write the 11 vulnerability items: yes/no where asked and a report exists, else blank.

    Parameters
    ----------
    kids : DataFrame
        Every child (siblings included); changed in place.
    rng : numpy.random.Generator
    """
    drivers = _drivers(kids)
    group = kids["age_band"].map(AGE_GROUPS).to_numpy()
    report = (kids["final_report_available"] == "yes").to_numpy()
    shared = rng.normal(size=len(kids))
    required = _required(kids, drivers)
    for item, shares in SHARES.items():
        score = shared + 0.7 * rng.normal(size=len(kids))
        for driver, weight in DRIVERS[item].items():
            score = score + weight * drivers[driver]
        values = np.full(len(kids), None, dtype=object)
        for age, share in shares.items():
            rows = np.flatnonzero(report & (group == age))
            must = required.get(item, np.zeros(len(kids), dtype=bool))[rows]
            k = max(count_of_share(len(rows), share), int(must.sum()))
            chosen = top_k(np.where(must, np.inf, score[rows]), k)
            values[rows] = np.where(chosen, "yes", "no")
        kids[item] = values


def _drivers(kids: pd.DataFrame) -> dict[str, np.ndarray]:
    status = kids["csc_status_at_incident"]
    medical = kids["medical_cause_of_death"]
    flags = {
        "suicide": kids["death_category"] == "suicide",
        "risk_harm": kids["harm_type"] == "risk_taking_or_exploitation",
        "looked_after": (status == "open_looked_after") | (kids["looked_after_ever"] == "yes"),
        "female": kids["sex"] == "female",
        "male": kids["sex"] == "male",
        "disability": kids["disability"] == "yes",
        "chronic": medical.isin(["chronic_condition", "acute_and_chronic"]),
    }
    return {name: flag.fillna(False).to_numpy(dtype=float) for name, flag in flags.items()}


def _required(kids: pd.DataFrame, drivers: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Items a child must have: the matching item of harm through risk-taking or exploitation
    (S16), and chronic illness for a child who died of a chronic condition (S26)."""
    risk = drivers["risk_harm"] > 0
    sex = kids["sex"].to_numpy()
    required = {item: risk & (sex == who) for who, item in RISK_HARM_ITEM.items()}
    other = risk & ~np.isin(sex, list(RISK_HARM_ITEM))  # sex not known: risk-taking
    required["child_risk_taking"] = required["child_risk_taking"] | other
    required["child_chronic_illness"] = drivers["chronic"] > 0
    return required
