"""What children's social care assessments find: DfE's factors at the end of assessment.

``data/context/assessment_factors.csv`` transcribes the national rows of DfE's *Children in
need* table C3 (reporting years 2018 to 2025; a reporting year ends on 31 March): for each
factor, the assessment episodes in which it was identified, by whose factor it was (the child,
a parent or carer, another person), beside the episodes with at least one factor recorded.
These are real official statistics, the one real comparator for the SCRs' parental factors.

The share computed here is of **episodes with at least one factor**: DfE publishes no other
denominator in C3, and an assessment that records no factor says nothing either way. Values
are kept as DfE wrote them, so a marker (``x`` suppressed, ``z`` not applicable, ``c``
confidential, ``u`` low reliability) stays a marker and gives no share.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from analysis.paths import CONTEXT_DIR

FILE = "assessment_factors.csv"


@dataclass(frozen=True)
class Counterpart:
    """An SCR parental factor and the assessment factor that comes nearest to it."""

    scr_variable: str  # a codebook column of the case data
    factor: str  # ``factor`` in assessment_factors.csv
    whose: str  # ``whose`` in assessment_factors.csv
    label: str


#: The SCR parental factors with a counterpart in C3 (parental criminality has none).
COUNTERPARTS = (
    Counterpart("parent_domestic_abuse", "domestic_abuse", "parent_or_carer", "Domestic abuse"),
    Counterpart(
        "parent_mental_ill_health", "mental_health", "parent_or_carer", "Mental ill health"
    ),
    Counterpart("parent_alcohol_misuse", "alcohol_misuse", "parent_or_carer", "Alcohol misuse"),
    Counterpart("parent_drug_misuse", "drug_misuse", "parent_or_carer", "Drug misuse"),
    Counterpart(
        "parent_learning_disability",
        "learning_disability",
        "parent_or_carer",
        "Learning disability",
    ),
)

#: What the comparison can and cannot say, printed beside it (notebook 4, the figure's notes).
CAVEATS = (
    "Different units: SCR shares are of reviews (with a final report); assessment shares are of "
    "assessment episodes with at least one factor recorded, and a child can have several "
    "episodes a year.",
    "Different years: the assessment series starts in the year ending March 2018; the nearest "
    "years are set beside each review period, and 2011-14 has none closer than 2017-18.",
    "Different recording: social workers record factors at the end of an assessment, for the "
    "child, a parent or carer, or another person; SCR coding reads a whole review, and its "
    "parental factors may include past problems.",
    "It describes, it does not test: the children in SCRs are not a sample of those assessed, "
    "so no test of difference is made.",
)


def load_assessment_factors() -> pd.DataFrame:
    """The transcribed national table, values as text (markers kept), plus numeric columns.

    Returns
    -------
    DataFrame
        The file's columns, and ``episodes_number`` / ``any_factor_number`` (NaN where DfE
        wrote a marker) and ``percent`` (episodes as a share of episodes with any factor).
        A copy: a caller that changes it changes nothing for the next.
    """
    return _assessment_factors().copy()


@cache
def _assessment_factors() -> pd.DataFrame:
    table = pd.read_csv(CONTEXT_DIR / FILE, dtype=str, keep_default_na=False, encoding="utf-8")
    episodes = pd.to_numeric(table["episodes"], errors="coerce")
    any_factor = pd.to_numeric(table["episodes_with_any_factor"], errors="coerce")
    return table.assign(
        reporting_year=table["reporting_year"].astype(int),
        episodes_number=episodes,
        any_factor_number=any_factor,
        percent=100 * episodes / any_factor,
    )


def parental_series(counterparts=COUNTERPARTS) -> pd.DataFrame:
    """The parent-or-carer factors of :data:`COUNTERPARTS` by reporting year (the real series).

    Returns
    -------
    DataFrame
        ``reporting_year``, ``financial_year``, ``factor``, ``label``, ``episodes``,
        ``episodes_with_any_factor``, ``percent``, ``source``.
    """
    table = load_assessment_factors()
    parts = []
    for item in counterparts:
        rows = table[(table["factor"] == item.factor) & (table["whose"] == item.whose)]
        parts.append(rows.assign(label=item.label))
    out = pd.concat(parts, ignore_index=True)
    out["source"] = "DfE, Children in need, table C3"
    return out[
        [
            "reporting_year",
            "financial_year",
            "factor",
            "label",
            "episodes",
            "episodes_with_any_factor",
            "percent",
            "source",
        ]
    ].sort_values(["label", "reporting_year"], kind="stable", ignore_index=True)


def reporting_years(period_start: str, period_end: str) -> list[int]:
    """The reporting years (each ending 31 March) that overlap a review period, or, where none
    does, the one nearest to it.

    >>> reporting_years("2017-04-01", "2019-09-30")  # 2017-19: Apr 2017 to Sep 2019
    [2018, 2019, 2020]
    >>> reporting_years("2011-04-01", "2014-03-31")  # before the series: its first year
    [2018]
    """
    start, end = pd.Timestamp(period_start), pd.Timestamp(period_end)
    years = sorted(int(y) for y in load_assessment_factors()["reporting_year"].unique())
    overlapping = [
        y
        for y in years
        if pd.Timestamp(f"{y - 1}-04-01") <= end and pd.Timestamp(f"{y}-03-31") >= start
    ]
    if overlapping:
        return overlapping
    middle = start + (end - start) / 2
    return [min(years, key=lambda y: (abs(pd.Timestamp(f"{y}-03-31") - middle), y))]


def pooled_share(item: Counterpart, years: list[int]) -> dict:
    """One factor's share of episodes with any factor, pooled over reporting years.

    Returns
    -------
    dict
        ``episodes``, ``episodes_with_any_factor`` (sums; None if any year is a marker) and
        ``percent``; ``years`` as a label ("2017-18 to 2019-20").
    """
    table = load_assessment_factors()
    rows = table[
        (table["factor"] == item.factor)
        & (table["whose"] == item.whose)
        & table["reporting_year"].isin(years)
    ]
    label = rows["financial_year"].iloc[0]
    if len(rows) > 1:
        label += f" to {rows['financial_year'].iloc[-1]}"
    if rows["episodes_number"].isna().any() or rows["any_factor_number"].isna().any():
        return {
            "episodes": None,
            "episodes_with_any_factor": None,
            "percent": float("nan"),
            "years": label,
        }
    episodes, total = int(rows["episodes_number"].sum()), int(rows["any_factor_number"].sum())
    return {
        "episodes": episodes,
        "episodes_with_any_factor": total,
        "percent": 100 * episodes / total,
        "years": label,
    }
