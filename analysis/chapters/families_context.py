"""Families in context: the SCRs' parental factors beside what social-care assessments find.

Chapter 4 sets each parental factor, as the coded cases give it (2011-14) and as the reports
published it (2011-14, 2017-19), beside the share of children's social care assessments in
England in which the same factor was identified for a parent or carer (DfE, *Children in need*,
table C3: :mod:`analysis.reference.assessments`), for the reporting years nearest each review
period. The assessment series is real; the comparison describes and does not test
(:data:`analysis.reference.assessments.CAVEATS` says why).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.reference.assessments import COUNTERPARTS, pooled_share, reporting_years
from analysis.reference.context import ANALYSES
from analysis.reference.published import figure

#: Which review periods the assessment shares are set beside, and how each is named.
ASSESSMENT_PERIODS = ("2011-14", "2017-19")
SCR_UNIT = "reviews with a final report"
ASSESSMENT_UNIT = "assessment episodes with at least one factor"


def assessment_source(review_period: str, years: str) -> str:
    """The ``source`` name of an assessment row, e.g. "Assessments 2017-18 (beside 2011-14)".

    >>> assessment_source("2017-19", "2017-18 to 2019-20")
    'Assessments 2017-18 to 2019-20 (beside 2017-19)'
    """
    return f"Assessments {years} (beside {review_period})"


def families_in_context(comparison: pd.DataFrame) -> pd.DataFrame:
    """The factor comparison with assessment shares added, for the factors that have one.

    Parameters
    ----------
    comparison : DataFrame
        From :func:`analysis.chapters.families.factor_comparison` (unprotected: its membership
        columns travel with the recomputed rows).

    Returns
    -------
    DataFrame
        The comparison's rows for the factors in
        :data:`analysis.reference.assessments.COUNTERPARTS` (criminality has no counterpart),
        then, per factor and period in :data:`ASSESSMENT_PERIODS`, an assessment row:
        ``source`` (e.g. "Assessments 2017-18 (beside 2011-14)"), ``percent``, ``episodes``,
        ``episodes_with_any_factor``; every row has ``unit``, ``data`` (``coded cases``,
        ``published`` or ``official statistics``) and ``like_for_like`` (False for a published
        figure of another measure, such as 2017-19 "substance misuse" set beside drug misuse).
    """
    by_variable = {c.scr_variable: c for c in COUNTERPARTS}
    scr = comparison[comparison["variable"].isin(list(by_variable))].copy()
    scr["unit"] = SCR_UNIT
    # a published figure of another measure (2017-19 "substance misuse" beside drug misuse) is
    # shown, but not compared as if it were the same factor
    scr["like_for_like"] = [
        not fid or figure(fid)["measure"] == f"{var}_percent"
        for fid, var in zip(scr["figure_id"].astype(str), scr["variable"], strict=True)
    ]
    scr["data"] = np.where(scr["figure_id"].astype(str) != "", "published", "coded cases")
    scr.loc[scr["marker"] == "not published", "data"] = "published"
    windows = ANALYSES.set_index("review_period")
    rows = []
    for period in ASSESSMENT_PERIODS:
        years = reporting_years(
            windows.at[period, "period_start"], windows.at[period, "period_end"]
        )
        for variable, item in by_variable.items():
            label = scr.loc[scr["variable"] == variable, "label"].iloc[0]
            share = pooled_share(item, years)
            rows.append(
                {
                    "variable": variable,
                    "label": label,
                    "source": assessment_source(period, share["years"]),
                    "review_period": period,
                    "percent": share["percent"],
                    "marker": "" if pd.notna(share["percent"]) else "DfE marker",
                    "episodes": share["episodes"],
                    "episodes_with_any_factor": share["episodes_with_any_factor"],
                    "unit": ASSESSMENT_UNIT,
                    "like_for_like": True,
                    "data": "official statistics",
                    "note": f"DfE, Children in need, table C3: {item.factor.replace('_', ' ')}, "
                    f"identified for a parent or carer; reporting years {share['years']}.",
                }
            )
    out = pd.concat([scr, pd.DataFrame(rows)], ignore_index=True)
    out["marker"] = out["marker"].fillna("")
    for column in ("episodes", "episodes_with_any_factor"):
        out[column] = out[column].astype("Int64")
    members = [c for c in out.columns if c.startswith("members__")]
    for column in members:  # assessment rows count no one from the case data
        out[column] = out[column].astype("object").where(out[column].notna(), None)
    return out
