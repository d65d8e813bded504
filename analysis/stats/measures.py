"""The report's headline measures, computed from coded case data.

Each measure has one name, shared with ``data/published/`` (its ``measure`` column) and with the
synthetic data's calibration targets, so a published figure, a calibration target and a
recomputed value always mean the same thing. A measure is computed on one review period.

Units of analysis: child-level measures count rows (children); review-level measures count
reviews (distinct ``review_id``). Siblings in one review share its family-level codes (the
codebook's ``level: review`` variables; rule XF009 refuses a file whose siblings disagree), and
a review is represented by its row with the lowest ``case_id``, so no measure depends on the
order of the rows. Percentages include rows coded ``not_recorded`` in the denominator: they are
"of the children" (or reviews), as the report words them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.casedata.codebook import load_codebook
from analysis.stats.members import IMPLIED, PREFIX, members_of


@dataclass(frozen=True)
class Result:
    """A recomputed measure: its value, and the counts it comes from."""

    measure: str
    value: float
    numerator: int | None
    denominator: int | None  # a count of children or reviews; never a number of years
    unit: str
    #: The units behind each count ("value" for a count measure, "numerator", "denominator"),
    #: for disclosure control (:mod:`analysis.stats.members`).
    members: dict = field(default_factory=dict, compare=False, repr=False)
    #: Years in the review period, for a per-year measure (value = numerator / years).
    years: int | None = None

    def row_members(self, numerator: str = "numerator", denominator: str = "denominator") -> dict:
        """Membership for a table row showing this result beside its numerator and denominator.

        The counts shown get ``members__{numerator}`` and ``members__{denominator}`` (None where
        the measure has no such count: a per-year measure's denominator is its years). A count
        measure's value *is* a count, shown as a float among other measures' values, so its
        units are ``members__implied``: withheld with the row if suppressed.
        """
        value = self.members.get("value")
        return {
            PREFIX + numerator: self.members.get("numerator"),
            PREFIX + denominator: self.members.get("denominator"),
            IMPLIED: (value,) if value is not None else None,
        }


@dataclass(frozen=True)
class Measure:
    name: str
    unit: str
    level: str  # "child" or "review"
    description: str
    columns: tuple[str, ...]
    #: cases -> (value, numerator, denominator); a count given as the rows it counts
    compute: Callable[[pd.DataFrame], tuple]


def reviews(cases: pd.DataFrame) -> pd.DataFrame:
    """One row per review, in file order; rows are reviews if there is no ``review_id``.

    Each review is represented by its row with the lowest ``case_id``, not its first row, so the
    result does not depend on row order: review-level codes agree across a review's rows (XF009),
    and a child-level code read per review (``outcome``, ``incident_year``) is that row's.
    """
    if "review_id" not in cases.columns or cases["review_id"].isna().all():
        return cases
    key = cases["review_id"].fillna(cases["case_id"]).to_numpy()
    ranked = cases["case_id"].reset_index(drop=True).sort_values(kind="stable").index.to_numpy()
    keep = np.zeros(len(cases), dtype=bool)
    keep[ranked[~pd.Series(key[ranked]).duplicated().to_numpy()]] = True
    return cases[keep]


def _years(cases: pd.DataFrame) -> int:
    periods = cases["review_period"].dropna().unique()
    if len(periods) != 1:
        raise ValueError(f"per-year measures need one review period, found {list(periods)}")
    return len(load_codebook(str(periods[0])).incident_years)


def _share(rows: pd.DataFrame, column: str, codes) -> tuple[float, pd.DataFrame, pd.DataFrame]:
    hits = rows[rows[column].isin(list(codes))]
    total = len(rows)
    return (100 * len(hits) / total if total else float("nan")), hits, rows


def _child_share(column: str, *codes: str):
    return lambda cases: _share(cases, column, codes)


def _final_report_share(column: str):
    def compute(cases):
        with_report = reviews(cases)
        with_report = with_report[with_report["final_report_available"] == "yes"]
        return _share(with_report, column, ["yes"])

    return compute


def _per_year(select):
    def compute(cases):
        r = reviews(cases)
        selected = r[select(r)]
        return len(selected) / _years(cases), selected, PerYear(_years(cases))

    return compute


def _median_months(cases: pd.DataFrame) -> tuple[float, None, pd.DataFrame]:
    """The median of ``age_months`` over the rows where it is coded (a month, not missing).

    Its base is every child with an age in months: the median is a statistic of all of them,
    so they are the units behind it (``denominator``).
    """
    months = pd.to_numeric(cases["age_months"].astype("object"), errors="coerce")
    aged = cases[months.notna().to_numpy()]
    return (float(months.dropna().median()) if len(aged) else float("nan")), None, aged


class PerYear(int):
    """The years a per-year measure divides by (not a count of anything)."""


def _definition(name: str) -> tuple[str, ...]:
    return load_codebook().codes_for(name)


def _directly_caused(r: pd.DataFrame) -> pd.Series:
    return (r["outcome"] == "death") & r["death_category"].isin(
        _definition("death_directly_caused")
    )


MEASURES: dict[str, Measure] = {}


def _register(name, unit, level, description, columns, compute):
    MEASURES[name] = Measure(name, unit, level, description, tuple(columns), compute)


_register(
    "scrs_count",
    "count",
    "review",
    "Serious Case Reviews (distinct reviews)",
    ["review_id"],
    lambda c: (reviews(c), None, None),
)
_register(
    "children_count",
    "count",
    "child",
    "Children (rows)",
    ["case_id"],
    lambda c: (c, None, None),
)
_register(
    "final_reports_count",
    "count",
    "review",
    "Reviews with a final report available",
    ["final_report_available"],
    lambda c: (reviews(c).query("final_report_available == 'yes'"), None, None),
)
_register(
    "csc_current_involvement_percent",
    "percent",
    "child",
    "Children involved with children's social care at the time of the incident "
    "(child in need, child protection plan or looked after)",
    ["csc_status_at_incident"],
    lambda c: _share(c, "csc_status_at_incident", _definition("csc_involved_at_incident")),
)
_register(
    "csc_ever_involvement_percent",
    "percent",
    "child",
    "Children ever involved with children's social care, at least at child-in-need level",
    ["csc_ever_involved"],
    _child_share("csc_ever_involved", "yes"),
)
_register(
    "csc_not_known_percent",
    "percent",
    "child",
    "Children not known to children's social care",
    ["csc_status_at_incident"],
    _child_share("csc_status_at_incident", "not_known_to_csc"),
)
_register(
    "csc_referral_not_accepted_percent",
    "percent",
    "child",
    "Children whose referral to children's social care was not accepted",
    ["csc_status_at_incident"],
    _child_share("csc_status_at_incident", "referral_not_accepted"),
)
_register(
    "cp_plan_current_percent",
    "percent",
    "child",
    "Children with a child protection plan at the time of the incident",
    ["csc_status_at_incident"],
    _child_share("csc_status_at_incident", "open_child_protection_plan"),
)
_register(
    "age_under_1_percent",
    "percent",
    "child",
    "Children aged under 1",
    ["age_band"],
    _child_share("age_band", "under_1"),
)
_register(
    "age_11_17_percent",
    "percent",
    "child",
    "Children aged 11 to 17 (the two oldest bands)",
    ["age_band"],
    _child_share("age_band", *_definition("age_adolescent")),
)
_register(
    "deaths_percent",
    "percent",
    "review",
    "Reviews where the child died",
    ["outcome"],
    lambda c: _share(reviews(c), "outcome", ["death"]),
)
_register(
    "deaths_per_year",
    "per_year",
    "review",
    "Reviews of deaths directly caused by maltreatment, per year of the period",
    ["outcome", "death_category", "incident_year"],
    _per_year(_directly_caused),
)
_register(
    "deaths_all_per_year",
    "per_year",
    "review",
    "Reviews of deaths (directly caused or related), per year of the period",
    ["outcome", "incident_year"],
    _per_year(lambda r: r["outcome"] == "death"),
)
_register(
    "serious_harm_per_year",
    "per_year",
    "review",
    "Reviews of serious (non-fatal) harm, per year of the period",
    ["outcome", "incident_year"],
    _per_year(lambda r: r["outcome"] == "serious_harm"),
)
_register(
    "sudi_count",
    "count",
    "child",
    "Deaths categorised as sudden unexpected death in infancy",
    ["death_category"],
    lambda c: (c[c["death_category"] == "sudi"], None, None),
)
for _factor in (
    "domestic_abuse",
    "mental_ill_health",
    "alcohol_misuse",
    "drug_misuse",
    "criminality",
    "learning_disability",
):
    _register(
        f"parent_{_factor}_percent",
        "percent",
        "review",
        f"Reviews with a final report where parental {_factor.replace('_', ' ')} was a factor",
        [f"parent_{_factor}", "final_report_available"],
        _final_report_share(f"parent_{_factor}"),
    )
_register(
    "median_age_months",
    "months",
    "child",
    "Median age in completed months of the children whose age in months is coded (under two)",
    ["age_months"],
    _median_months,
)
_register(
    "neglect_feature_percent",
    "percent",
    "review",
    "Reviews with a final report where neglect was a feature",
    ["neglect_feature", "final_report_available"],
    _final_report_share("neglect_feature"),
)


def compute(measure: str, cases: pd.DataFrame) -> Result:
    """Recompute one named measure on one review period's cases.

    Parameters
    ----------
    measure : str
        A name in :data:`MEASURES` (e.g. ``"csc_current_involvement_percent"``).
    cases : DataFrame
        Loaded cases of a single review period (``load_cases(period=...)``).

    Raises
    ------
    KeyError
        The measure is not computable from case data (not in :data:`MEASURES`).
    ValueError
        A column the measure needs is missing from the data.
    """
    spec = MEASURES[measure]
    missing = [c for c in spec.columns if c not in cases.columns and c != "review_id"]
    if missing:
        raise ValueError(f"{measure} needs column(s) {missing}, not in this dataset")
    parts = dict(zip(("value", "numerator", "denominator"), spec.compute(cases), strict=True))
    members = {k: members_of(v) for k, v in parts.items() if isinstance(v, pd.DataFrame)}
    counts = {k: len(v) if isinstance(v, pd.DataFrame) else v for k, v in parts.items()}
    years = counts["denominator"] if isinstance(counts["denominator"], PerYear) else None
    return Result(
        measure,
        float(counts["value"]),
        counts["numerator"],
        None if years else counts["denominator"],
        spec.unit,
        members,
        int(years) if years else None,
    )
