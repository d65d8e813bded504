"""Calibration targets about a subgroup: a figure stated of some reviews, not of all of them.

The SUDI paper's "18 of 27" is a count among the SUDI reviews with a report; "44% of serious
harm" is a share of some serious-harm reviews. A :class:`SubgroupTarget` names the subgroup
(its rows), the feature counted in it and the statistic, and is recomputed here with pandas
on the synthetic cases; a stated denominator (the 27 of "18 of 27") must be met as well as the
figure. Which subgroup a figure is about is the kit's reading where the source is unclear, and
each such reading is an assumption of ``docs/assumptions.md`` (id in ``reading``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.stats.measures import reviews

#: (column, codes): rows whose column holds one of the codes
Condition = tuple[str, tuple[str, ...]]
YES = ("yes",)
SUDI_REPORTS: tuple[Condition, ...] = (
    ("death_category", ("sudi",)),
    ("final_report_available", YES),
)


@dataclass(frozen=True)
class SubgroupTarget:
    period: str
    measure: str  # the published measure (its row's ``measure``), or the kit's name for it
    category: str  # the published row's ``category``: what is counted
    subgroup: tuple[Condition, ...]  # every condition holds (the denominator's rows)
    feature: tuple[Condition, ...] = ()  # any condition holds (the numerator); () = all rows
    statistic: str = "count"  # "count" or "percent" of the feature, or "median" of ``column``
    column: str | None = None
    unit: str = "review"  # rows are reviews (one row each), or "child" (every row)
    figure_id: str | None = None  # a published figure, or...
    assumption: str | None = None  # ...an assumption, with its own relation and value
    relation: str | None = None
    value: float | None = None
    denominator: int | None = None  # for an assumption target: the rows it is stated of
    reading: str | None = None  # the assumption that says how the figure is read

    @property
    def basis(self) -> str:
        return self.figure_id or self.assumption or ""


def _sudi(category: str, feature: str, figure_id: str, *within: Condition) -> SubgroupTarget:
    return SubgroupTarget(
        "2011-14", "feature_count", category, SUDI_REPORTS + within, ((feature, YES),),
        figure_id=figure_id, reading="S18",
    )  # fmt: skip


SUBGROUP_TARGETS: tuple[SubgroupTarget, ...] = (
    SubgroupTarget(
        "2011-14", "final_reports_count", "sudi", (("death_category", ("sudi",)),),
        (("final_report_available", YES),), figure_id="sudi2011_reports", reading="S18",
    ),
    SubgroupTarget(
        "2011-14", "median_age_months", "sudi", (("death_category", ("sudi",)),),
        statistic="median", column="age_months", unit="child", figure_id="sudi2011_median_age",
        reading="S17",
    ),
    _sudi("hazardous_sleep_environment", "hazardous_sleep_environment", "sudi2011_hazardous_sleep"),
    _sudi(
        "co_sleeping", "co_sleeping", "sudi2011_co_sleeping",
        ("hazardous_sleep_environment", YES),
    ),
    _sudi(
        "parent_intoxicated_or_impaired", "carer_impaired", "sudi2011_intoxicated_parent",
        ("hazardous_sleep_environment", YES), ("co_sleeping", YES),
    ),
    _sudi("social_care_support_received", "csc_ever_involved", "sudi2011_social_care_support"),
    _sudi("cp_plan", "cp_plan_ever", "sudi2011_cp_plan", ("csc_ever_involved", YES)),
    SubgroupTarget(
        "2011-14", "feature_count", "parent_alcohol_or_drug_dependency", SUDI_REPORTS,
        (("parent_alcohol_misuse", YES), ("parent_drug_misuse", YES)),
        figure_id="sudi2011_parent_substance", reading="S18",
    ),
    _sudi("parent_mental_ill_health", "parent_mental_ill_health", "sudi2011_parent_mental_health"),
    _sudi("domestic_abuse", "parent_domestic_abuse", "sudi2011_domestic_abuse"),
    _sudi("parent_criminal_record", "parent_criminality", "sudi2011_parent_criminal_record"),
    _sudi("neglect", "neglect_feature", "sudi2011_neglect"),
    _sudi("non_engagement", "parents_not_engaging", "sudi2011_non_engagement"),
    *(
        SubgroupTarget(
            "2011-14", "deaths_category_count", category, (("outcome", ("death",)),),
            (("death_category", (code,)),), figure_id=figure_id, reading="S15",
        )
        for category, code, figure_id in (
            ("not_related", "not_related_to_maltreatment", "p2011_prelim_death_not_related"),
            ("perpetrated_outside_family", "perpetrated_outside_family",
             "p2011_prelim_death_outside_family"),
            ("unclassifiable", "unclassifiable", "p2011_prelim_death_unclassifiable"),
        )
    ),
    SubgroupTarget(
        "2014-17", "feature_percent", "serious_harm_risk_taking_violent_behaviour_and_cse",
        (("outcome", ("serious_harm",)), ("age_band", ("11_15", "16_17"))),
        (("harm_type", ("risk_taking_or_exploitation",)),), statistic="percent",
        figure_id="p2014_serious_harm_risk_cse", reading="S16",
    ),
    # the 2014-17 reviews by outcome (register section L N1, N2): fixed by the 368 reviews and
    # the 54 serious-harm reviews a year, so they agree by construction and are flagged so
    *(
        SubgroupTarget(
            "2014-17", "scrs_count", outcome, (("outcome", (outcome,)),),
            figure_id=f"p2014_scrs_{outcome}", reading="S02",
        )
        for outcome in ("death", "serious_harm")
    ),
    # "In 35% per cent of the sample poverty or economic depression was noted as a feature"
    # (register section L N3), the sample read as the reviews with a final report
    SubgroupTarget(
        "2014-17", "feature_percent", "poverty", (("final_report_available", YES),),
        (("poverty", YES),), statistic="percent", figure_id="p2014_poverty", reading="S21",
    ),
    # "in 50 out of 84 children were subject to a child protection plan" (section L N5), read
    # as neglect the category of 50 of the 84 children with a plan now or before
    SubgroupTarget(
        "2014-17", "cp_plan_category_count", "neglect", (("cp_plan_ever", YES),),
        (("cp_plan_category", ("neglect",)),), unit="child",
        figure_id="p2014_cp_plan_neglect_category", reading="S28",
    ),
)  # fmt: skip


def _holds(frame: pd.DataFrame, conditions, combine) -> np.ndarray:
    if not conditions:
        return np.ones(len(frame), dtype=bool)
    masks = [frame[column].isin(codes).to_numpy() for column, codes in conditions]
    return combine.reduce(masks)


def recompute(target: SubgroupTarget, cases: pd.DataFrame) -> tuple[float, int]:
    """The target's statistic on ``cases`` and the number of rows it is of (its denominator).

    Rows are reviews (each by its row with the lowest ``case_id``,
    :func:`analysis.stats.measures.reviews`) or, for a figure about children, every row.
    """
    rows = cases if target.unit == "child" else reviews(cases)
    rows = rows[_holds(rows, target.subgroup, np.logical_and)]
    if target.statistic == "median":
        return float(pd.to_numeric(rows[target.column], errors="coerce").median()), len(rows)
    hits = int(_holds(rows, target.feature, np.logical_or).sum())
    if target.statistic == "percent":
        return (100 * hits / len(rows) if len(rows) else float("nan")), len(rows)
    return float(hits), len(rows)
