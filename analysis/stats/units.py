"""Each headline share over every unit the sources count: children, SCRs and final reports.

The triennial reports word their headlines over different units: "fewer than half of SCRs",
"almost two thirds of the children", neglect in "three-quarters of all SCRs" (a share the
analysis computed over final reports). In 2011-14 there is one child per review (assumption
A05), so children and SCRs coincide; in 2014-17 they do not (about 404 children in 368 SCRs),
and a parental factor or neglect is coded only in final reports. :func:`shares_by_unit` gives
each headline over each unit it can be read on:

- a **child-level** measure over children, and over SCRs (a review counts when any of its
  children does);
- a **final-report** measure over the reviews with a final report, and over all SCRs: from
  ``all_reviews_low_percent`` (as if no review without a report, or whose report did not
  record it, had the factor; also the row's ``percent``) up to ``all_reviews_high_percent``
  (as if every one had it). That row has no
  interval: the reviews without a report, not chance, are its uncertainty, and the bounds
  show it;
- a **review-level** measure over SCRs only.

``docs/methods.md`` (section 3) tabulates the units beside the sources' words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from analysis.stats.measures import MEASURES, compute, reviews
from analysis.stats.members import IMPLIED, PREFIX, members_of
from analysis.stats.tables import unknown_reviews, with_interval

#: The headlines read over more than one unit, in display order, with a label that fits every
#: unit (a measure's description names one).
HEADLINE_MEASURES = {
    "csc_current_involvement_percent": "Involved with social care at the time",
    "csc_ever_involvement_percent": "Ever involved with social care",
    "cp_plan_current_percent": "Child protection plan at the time",
    "age_11_17_percent": "Aged 11 to 17",
    "neglect_feature_percent": "Neglect a feature",
    "parent_domestic_abuse_percent": "Parental factor: domestic abuse",
    "parent_mental_ill_health_percent": "Parental factor: mental ill health",
    "parent_alcohol_misuse_percent": "Parental factor: alcohol misuse",
    "parent_drug_misuse_percent": "Parental factor: drug misuse",
}
CHILDREN, SCRS, FINAL_REPORTS = "children", "SCRs", "SCRs with a final report"


def is_final_report_measure(name: str) -> bool:
    """Whether a registered measure is coded only in final reports (its denominator)."""
    return "final_report_available" in MEASURES[name].columns and name.endswith("_percent")


def shares_by_unit(
    cases: pd.DataFrame, measures: Sequence[str] = HEADLINE_MEASURES
) -> pd.DataFrame:
    """Each measure's share over each unit it can be read on, for one review period.

    Parameters
    ----------
    cases : DataFrame
        Loaded cases of one review period.
    measures : sequence of str
        Percentage measures of :data:`analysis.stats.measures.MEASURES`; default the keys of
        :data:`HEADLINE_MEASURES`.

    Returns
    -------
    DataFrame
        ``review_period``, ``measure``, ``label``, ``unit``, ``count``, ``denominator_count``,
        ``percent``, the 95% Wilson interval (on effective counts where children cluster, with
        ``design_effect``), ``all_reviews_low_percent`` and ``all_reviews_high_percent``
        (final-report measures over all SCRs, else NaN), and the membership of each count; an
        SCR row of a child measure also carries, as implied counts, the extra siblings that
        the children row counts beyond it.

    Examples
    --------
    Two reviews, one with two siblings of whom one was involved at the time:

    >>> cases = pd.DataFrame({
    ...     "case_id": ["a", "b", "c"], "review_id": ["R1", "R1", "R2"],
    ...     "review_period": "2014-17",
    ...     "csc_status_at_incident": ["open_child_in_need"] + ["not_known_to_csc"] * 2})
    >>> t = shares_by_unit(cases, ["csc_current_involvement_percent"])
    >>> t[["unit", "count", "denominator_count"]].values.tolist()
    [['children', 1, 3], ['SCRs', 1, 2]]
    """
    everyone = members_of(reviews(cases))
    period = ", ".join(sorted(cases["review_period"].dropna().astype(str).unique()))
    rows = []
    for name in measures:
        result = compute(name, cases)
        counted, total = result.members["numerator"], result.members["denominator"]
        label = HEADLINE_MEASURES.get(name, MEASURES[name].description)
        row = {"review_period": period, "measure": name, "label": label}
        if is_final_report_measure(name):
            rows.append({**row, **_cells(FINAL_REPORTS, counted, total)})
            unknown = unknown_reviews(cases, MEASURES[name].columns[0])
            high = 100 * (len(counted) + len(unknown)) / len(everyone) if everyone else math.nan
            rows.append(
                {
                    **row,
                    **_cells(SCRS, counted, everyone),
                    "all_reviews_low_percent": 100 * len(counted) / len(everyone)
                    if everyone
                    else math.nan,
                    "all_reviews_high_percent": high,
                    IMPLIED: (members_of(unknown),),  # the bound gives their number back
                }
            )
        elif MEASURES[name].level == "child":
            rows.append({**row, **_cells(CHILDREN, counted, total)})
            # children minus SCRs counts the extra siblings: a hidden count the audit must see
            extra = (_extra(counted), _extra(total))
            rows.append({**row, **_cells(SCRS, _once(counted), _once(total)), IMPLIED: extra})
        else:
            rows.append({**row, **_cells(SCRS, counted, total)})
    table = with_interval(pd.DataFrame(rows))
    bounds = ["all_reviews_low_percent", "all_reviews_high_percent"]
    for column in bounds:
        if column not in table:
            table[column] = math.nan
    bounded = table["all_reviews_high_percent"].notna()
    table.loc[bounded, ["ci_low_percent", "ci_high_percent"]] = math.nan
    members = [c for c in table.columns if c.startswith(PREFIX)]
    shown = [c for c in table.columns if c not in members and c not in bounds]
    return table[[*shown, *bounds, *members]]


def _extra(units: tuple[str, ...]) -> tuple[str, ...]:
    """The units beyond each review's first: what a count over children adds to one over
    reviews (two siblings counted in one review add one). Shown side by side, the two counts
    give this number back, so it is audited like any count.

    >>> _extra(("R1", "R1", "R2", "R3", "R3", "R3"))
    ('R1', 'R3', 'R3')
    """
    seen: set[str] = set()
    extra = []
    for unit in units:
        if unit in seen:
            extra.append(unit)
        seen.add(unit)
    return tuple(extra)


def _once(units: tuple[str, ...]) -> tuple[str, ...]:
    """Each review once: a review counts when any of its children does."""
    return tuple(sorted(set(units)))


def _cells(unit: str, counted: tuple[str, ...], total: tuple[str, ...]) -> dict:
    return {
        "unit": unit,
        "count": len(counted),
        "denominator_count": len(total),
        PREFIX + "count": counted,
        PREFIX + "denominator_count": total,
    }


def shares_by_unit_by_period(
    cases: pd.DataFrame, measures: Sequence[str] = HEADLINE_MEASURES
) -> pd.DataFrame:
    """:func:`shares_by_unit` for each review period in the cases, one after the other."""
    return pd.concat(
        [
            shares_by_unit(part, measures)
            for _, part in cases.groupby("review_period", observed=True)
        ],
        ignore_index=True,
    )
