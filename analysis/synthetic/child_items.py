"""Child-level items of the framework about the child's age and home: age in months for
under-twos, where the child was living, and siblings that agree with the review's children.

Columns needed: ``review_id``, ``age_band``, ``death_category``, ``csc_status_at_incident``,
``harm_source``, ``siblings_count``. Shares are assumptions S17, S23 and S24.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.synthetic import sudi
from analysis.synthetic.quotas import apportion, count_of_share, preferring

#: S17: weights of months 0 to 11 for infants who did not die suddenly and unexpectedly: a
#: newborn profile for covert homicide (median 1 month, ADC G201) and an infant profile for the
#: rest (median 4 months, as G201's severe physical assault).
NEWBORN = (10, 6, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1)
INFANT = (6, 8, 9, 9, 8, 7, 6, 5, 4, 3, 3, 2)
MONTHS_PROFILE = {"covert_homicide": NEWBORN}
#: S17: 35% of the 1-to-5-year-olds (not SUDI) are under two, aged 12 to 23 months
#: evenly; the older ones have no age in months (it is asked of under-twos).
UNDER_TWO_SHARE_OF_1_5 = 0.35

#: S23: where the child was living, for children looked after at the incident and for the
#: rest, by age (under 11, 11 and over).
LIVING_LOOKED_AFTER = {
    "under_11": {"foster_care": 0.75, "kinship_care": 0.20, "residential_care": 0.05},
    "11_17": {
        "foster_care": 0.45,
        "residential_care": 0.45,
        "kinship_care": 0.05,
        "independent": 0.05,
    },
}
LIVING_AT_HOME = {
    "under_11": {
        "one_parent": 0.40,
        "both_parents": 0.30,
        "parent_and_partner": 0.22,
        "kinship_care": 0.05,
        "not_recorded": 0.03,
    },
    "11_17": {
        "one_parent": 0.40,
        "both_parents": 0.22,
        "parent_and_partner": 0.20,
        "kinship_care": 0.08,
        "independent": 0.05,
        "other_living": 0.02,
        "not_recorded": 0.03,
    },
}
ADOLESCENT = ("11_15", "16_17")
SIBLING_ORDER = ("none", "one", "two", "three_or_more")


def add_age_months(kids: pd.DataFrame, rng) -> None:
    """``age_months``: every under-1 (0 to 11), some 1-to-5s (12 to 23), SUDI in the published
    shape (:func:`analysis.synthetic.sudi.months`); blank for everyone else."""
    band = kids["age_band"].to_numpy()
    category = kids["death_category"].to_numpy()
    values = np.full(len(kids), None, dtype=object)
    is_sudi = category == "sudi"
    values[is_sudi] = sudi.months(rng, band[is_sudi])
    for code in pd.unique(category[(band == "under_1") & ~is_sudi]):
        rows = np.flatnonzero((band == "under_1") & ~is_sudi & (category == code))
        counts = apportion(len(rows), MONTHS_PROFILE.get(code, INFANT))
        values[rows] = rng.permutation(np.repeat([str(m) for m in range(12)], counts))
    rows = rng.permutation(np.flatnonzero((band == "1_5") & ~is_sudi))
    under_two = rows[: count_of_share(len(rows), UNDER_TWO_SHARE_OF_1_5)]
    counts = apportion(len(under_two), [1] * 12)
    values[under_two] = rng.permutation(np.repeat([str(m) for m in range(12, 24)], counts))
    kids["age_months"] = values


def add_living_situation(kids: pd.DataFrame, rng) -> None:
    """``living_situation`` by exact quota within care status and age; a child harmed by a
    parent's partner, living at home, lives with a parent and partner first (S23)."""
    looked_after = (kids["csc_status_at_incident"] == "open_looked_after").to_numpy()
    older = kids["age_band"].isin(ADOLESCENT).to_numpy()
    partner = (kids["harm_source"] == "parent_partner").to_numpy()
    values = np.full(len(kids), None, dtype=object)
    for in_care, table in ((True, LIVING_LOOKED_AFTER), (False, LIVING_AT_HOME)):
        for age, shares in table.items():
            rows = np.flatnonzero((looked_after == in_care) & (older == (age == "11_17")))
            counts = apportion(len(rows), list(shares.values()))
            prefer = {} if in_care else {"parent_and_partner": partner[rows]}
            values[rows] = preferring(rng, list(shares), counts, prefer)
    kids["living_situation"] = values


def siblings_at_least_the_review(kids: pd.DataFrame) -> None:
    """A child in a review of k children has at least k - 1 siblings (a review's children are
    siblings, assumption S14); a smaller or unrecorded count is raised to that."""
    size = kids.groupby("review_id")["review_id"].transform("size").to_numpy()
    rank = kids["siblings_count"].map({c: i for i, c in enumerate(SIBLING_ORDER)})
    least = np.minimum(size - 1, len(SIBLING_ORDER) - 1)
    raise_to = (size > 1) & ~(rank.to_numpy() >= least)
    kids.loc[raise_to, "siblings_count"] = np.asarray(SIBLING_ORDER, dtype=object)[least[raise_to]]
