"""Case files carrying the framework's new columns (issue 22), for tests of the subgroup figures.

:func:`with_framework_columns` draws afresh the columns the scorecard's subgroup figures need
(``age_months``, the SUDI sleep items, ``parents_not_engaging``, ``poverty``,
``cp_plan_category``; added where a file lacks them, replacing the shipped synthetic values
where it has them, so the counts differ from the published ones the shipped data was
calibrated to), seeded and drawn within each item's applicability: a sleep
item only for SUDI deaths with a final report, co-sleeping only in a hazardous sleep
environment, an impaired carer only when co-sleeping, a plan's category only with a plan,
review-level items the same for every child of a review, final-report items blank without a
report. The shares are arbitrary: tests compare with counts taken from the frame itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The columns added, in order.
FRAMEWORK_COLUMNS = (
    "age_months",
    "hazardous_sleep_environment",
    "co_sleeping",
    "carer_impaired",
    "parents_not_engaging",
    "poverty",
    "cp_plan_category",
)
PLAN_CATEGORIES = ("neglect", "physical_abuse", "sexual_abuse", "emotional_abuse", "multiple")


def _yes_no(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    return np.where(rng.random(n) < share, "yes", "no")


def with_framework_columns(cases: pd.DataFrame, seed: int = 22) -> pd.DataFrame:
    """``cases`` (loaded, or read as text) with :data:`FRAMEWORK_COLUMNS` added as text."""
    rng = np.random.default_rng(seed)
    out = cases.copy()
    text = {c: out[c].astype("object").fillna("").astype(str) for c in cases.columns}
    blank = np.full(len(out), "", dtype=object)
    report = (text["final_report_available"] == "yes").to_numpy()
    sudi = (text["death_category"] == "sudi").to_numpy()

    months = blank.copy()
    infant, toddler = (text["age_band"] == "under_1").to_numpy(), (text["age_band"] == "1_5")
    months[infant] = rng.integers(0, 12, infant.sum()).astype(str)
    young = toddler.to_numpy() & (rng.random(len(out)) < 0.3)  # some of 1 to 5 are under two
    months[young] = rng.integers(12, 24, young.sum()).astype(str)
    out["age_months"] = months

    hazardous = blank.copy()
    asked = sudi & report
    hazardous[asked] = _yes_no(rng, asked.sum(), 0.65)
    co_sleeping = blank.copy()
    asked = hazardous == "yes"
    co_sleeping[asked] = _yes_no(rng, asked.sum(), 0.85)
    impaired = blank.copy()
    asked = co_sleeping == "yes"
    impaired[asked] = _yes_no(rng, asked.sum(), 0.8)
    out["hazardous_sleep_environment"] = hazardous
    out["co_sleeping"] = co_sleeping
    out["carer_impaired"] = impaired

    review = text["review_id"].where(text["review_id"] != "", text["case_id"])
    for column, share in (("parents_not_engaging", 0.45), ("poverty", 0.35)):
        ids = review.unique()
        by_review = dict(zip(ids, _yes_no(rng, len(ids), share), strict=True))
        out[column] = np.where(report, review.map(by_review).to_numpy(), "")

    with_plan = (
        (text["cp_plan_ever"] == "yes")
        | (text["csc_status_at_incident"] == "open_child_protection_plan")
    ).to_numpy()
    category = blank.copy()
    category[with_plan] = rng.choice(PLAN_CATEGORIES, with_plan.sum(), p=[0.5, 0.2, 0.1, 0.1, 0.1])
    out["cp_plan_category"] = category
    return out
