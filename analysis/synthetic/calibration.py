"""Calibration targets of the synthetic data, and the check that they are met.

A target is either a published figure (by ``figure_id``: its relation and value are read from
``data/published/``, never restated here) or an assumption (an ``S..`` id of
``docs/assumptions.md``) where no figure is published. ``python -m analysis synthesize --check``
recomputes every target on the generated files and fails when one is missed.

A target about a subgroup (the SUDI paper's "18 of 27") is a
:class:`~analysis.synthetic.subgroup_targets.SubgroupTarget`, recomputed with its subgroup.

A calibration target met by synthetic data proves the pipeline computes what it should; it is
not evidence for the finding (the data was built to meet it).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.reference.published import figure, stated
from analysis.stats.compare import agrees
from analysis.stats.measures import compute
from analysis.synthetic.subgroup_targets import SUBGROUP_TARGETS, SubgroupTarget, recompute


@dataclass(frozen=True)
class Target:
    period: str
    measure: str
    figure_id: str | None = None  # a published figure, or...
    assumption: str | None = None  # ...an assumption id, with its own relation and value
    relation: str | None = None
    value: float | None = None


TARGETS: tuple[Target, ...] = (
    Target("2011-14", "scrs_count", "p2011_scrs"),
    Target("2011-14", "children_count", assumption="A05", relation="equals", value=293),
    Target("2011-14", "final_reports_count", "p2011_final_reports"),
    Target("2011-14", "csc_current_involvement_percent", "p2011_csc_current"),
    Target("2011-14", "csc_ever_involvement_percent", "p2011_csc_ever"),
    Target("2011-14", "age_11_17_percent", "p2011_age_11_17"),
    Target("2011-14", "parent_drug_misuse_percent", "p2011_parent_drug"),
    Target("2011-14", "deaths_per_year", "p2011_deaths_per_year"),
    Target("2011-14", "sudi_count", "sudi2011_sudi_count"),
    Target(
        "2011-14", "serious_harm_per_year", assumption="S02", relation="approximately", value=32
    ),
    Target("2014-17", "scrs_count", "p2014_scrs"),
    Target("2014-17", "children_count", "p2014_children"),
    Target("2014-17", "final_reports_count", "p2014_final_reports"),
    Target("2014-17", "deaths_per_year", "p2014_deaths_per_year"),
    Target("2014-17", "serious_harm_per_year", "p2014_serious_harm_per_year"),
    Target("2014-17", "neglect_feature_percent", "p2014_neglect_feature"),
)


@dataclass(frozen=True)
class HeldOut:
    """A published figure kept out of calibration: drawn from another period's figure, so the
    scorecard on the shipped data has figures it was not tuned to (and can show them differ)."""

    figure_id: str
    drawn_from: str  # the published figure (another period) the synthetic share follows
    assumption: str  # where docs/assumptions.md records it


HELD_OUT: tuple[HeldOut, ...] = (
    HeldOut("p2011_cp_plan_current", drawn_from="p2009_cp_plan_current", assumption="S06"),
    HeldOut("p2011_parent_alcohol", drawn_from="p2017_parent_alcohol", assumption="S09"),
)


def held_out_figure_ids() -> frozenset[str]:
    """Ids of the published figures deliberately kept out of calibration.

    >>> sorted(held_out_figure_ids())
    ['p2011_cp_plan_current', 'p2011_parent_alcohol']
    """
    return frozenset(h.figure_id for h in HELD_OUT)


def calibration_figure_ids() -> frozenset[str]:
    """Ids of the published figures the synthetic data was calibrated to.

    >>> "p2011_csc_current" in calibration_figure_ids()
    True
    >>> calibration_figure_ids() & held_out_figure_ids()
    frozenset()
    """
    return frozenset(t.figure_id for t in TARGETS + SUBGROUP_TARGETS if t.figure_id)


def calibration_basis(period: str, measure: str) -> str:
    """The published figure id or assumption id a measure was calibrated to, or ``""``.

    >>> calibration_basis("2011-14", "children_count")
    'A05'
    """
    for target in TARGETS:
        if target.period == period and target.measure == measure:
            return target.figure_id or target.assumption or ""
    return ""


def _row(t: Target | SubgroupTarget) -> dict:
    category = getattr(t, "category", "")
    expected = getattr(t, "denominator", None)
    if not t.figure_id:
        return {
            "period": t.period,
            "measure": t.measure,
            "category": category,
            "basis": t.assumption,
            "relation": t.relation,
            "value": t.value,
            "value_low": None,
            "value_high": None,
            "denominator": expected,
            "stated": f"{t.relation} {t.value:g}" + (f", n={expected}" if expected else ""),
        }
    row = figure(t.figure_id)
    if (row["measure"], str(row["category"]) if category else "") != (t.measure, category):
        raise ValueError(f"{t.figure_id} is {row['measure']} {row['category']}, not {t.measure}")
    if not str(row["review_period"]).startswith(t.period):
        raise ValueError(f"{t.figure_id} is about {row['review_period']}, not {t.period}")
    stated_of = pd.to_numeric(row["denominator"], errors="coerce")
    expected = None if pd.isna(stated_of) or not category else int(stated_of)
    return {
        "period": t.period,
        "measure": t.measure,
        "category": category,
        "basis": t.figure_id,
        "relation": row["relation"],
        "value": row["value"],
        "value_low": row["value_low"],
        "value_high": row["value_high"],
        "denominator": expected,
        "stated": stated(row) + (f", n={expected}" if expected else ""),
    }


def target_table() -> pd.DataFrame:
    """Every target with its relation and value (published ones read from data/published);
    ``denominator`` is the number of rows a subgroup figure is stated of, where it is."""
    return pd.DataFrame([_row(t) for t in TARGETS + SUBGROUP_TARGETS])


def check(cases_by_period: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Recompute each target on the given cases; add ``recomputed`` and ``met`` columns.

    A subgroup target is met when its figure agrees and its subgroup has the stated number of
    rows (18 of 27 is not met by 18 of 26).
    """
    table = target_table()
    recomputed, of, met = [], [], []
    for t, target in zip(table.itertuples(index=False), TARGETS + SUBGROUP_TARGETS, strict=True):
        cases = cases_by_period[t.period]
        if isinstance(target, SubgroupTarget):
            value, rows = recompute(target, cases)
        else:
            value, rows = compute(t.measure, cases).value, None
        recomputed.append(round(value, 2))
        of.append(rows)
        expected = None if pd.isna(t.denominator) else int(t.denominator)
        met.append(
            agrees(value, t.relation, t.value, t.value_low, t.value_high)
            and (expected is None or rows == expected)
        )
    return table.assign(recomputed=recomputed, recomputed_of=of, met=met)
