"""The reproduction scorecard: each published figure, recomputed from case data where it can be.

For every row of ``data/published/``: ``reproduced`` (the recomputed value meets the stated
relation), ``not reproduced`` (with the difference), or ``not computable`` (with the reason).
A figure that was also a calibration target of the synthetic data is flagged: reproducing it
on synthetic data proves the pipeline, not the finding.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.casedata.load import SYNTHETIC_LABEL
from analysis.reference.published import load_published, stated
from analysis.stats.compare import agrees
from analysis.stats.measures import MEASURES, compute
from analysis.stats.members import IMPLIED, PREFIX, PUBLIC_COUNTS, strip
from analysis.stats.tables import proportion_table
from analysis.synthetic import calibration_figure_ids

SCORECARD_COLUMNS = [
    "figure_id",
    "review_period",
    "measure",
    "statement",
    "published_value",
    "relation",
    "recomputed_value",
    "numerator",
    "denominator",
    "status",
    "difference",
    "calibration_target",
    "reason_kind",
    "reason",
    "source_url",
]
#: A published figure's status; on own data a verdict withheld with a count it rests on reads
#: as the disclosure marker instead (``c``).
STATUSES = ("reproduced", "not reproduced", "not computable")
#: How the scorecard's figures name a status withheld by disclosure control.
WITHHELD_LABEL = "verdict withheld (disclosure control)"
#: Which units the counts (and a count measure's value) count, for disclosure control.
_MEMBERS = [PREFIX + "numerator", PREFIX + "denominator", IMPLIED]


def _difference(value: float, row: pd.Series) -> float:
    """How far the recomputed value is from what was stated (0 when it agrees)."""
    if row["relation"] == "between":
        low, high = row["value_low"], row["value_high"]
        return 0.0 if low <= value <= high else value - (low if value < low else high)
    if row["relation"] == "less_than":  # a bound: no distance while it holds
        return 0.0 if value < row["value"] else value - row["value"]
    if row["relation"] == "at_least":
        return 0.0 if value >= row["value"] else value - row["value"]
    return value - row["value"]


def _why_not_computable(fig: pd.Series, cases: pd.DataFrame | None) -> tuple[str, str] | None:
    """(kind, reason) when the case data cannot speak to a published figure, else None."""
    if cases is None or cases.empty:
        return "period not in case data", f"no case data for review period {fig['review_period']}"
    if fig["measure"] not in MEASURES:
        return "measure not coded", f"{fig['measure']} is not coded in the case data"
    if pd.notna(fig["category"]) and str(fig["category"]).strip():
        return "subgroup not coded", f"a subgroup figure ({fig['category']}) not coded"
    return None


def build_scorecard(cases_by_period: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Recompute every published figure the case data can speak to.

    Parameters
    ----------
    cases_by_period : dict
        Review period (e.g. ``"2011-14"``) to that period's loaded cases.

    Returns
    -------
    DataFrame
        One row per published figure, columns :data:`SCORECARD_COLUMNS`, then
        ``members__numerator``, ``members__denominator`` and ``members__implied`` (a count
        measure's value), None where nothing was computed from case data.
    """
    calibration = calibration_figure_ids()
    rows = []
    for _, fig in load_published().iterrows():
        row = {
            "figure_id": fig["figure_id"],
            "review_period": fig["review_period"],
            "measure": fig["measure"],
            "statement": fig["statement"],
            "published_value": stated(fig),
            "relation": fig["relation"],
            "recomputed_value": math.nan,
            "numerator": pd.NA,
            "denominator": pd.NA,
            "difference": math.nan,
            "calibration_target": fig["figure_id"] in calibration,
            "reason_kind": "",
            "reason": "",
            "source_url": fig["source_url"],
            **dict.fromkeys(_MEMBERS),
        }
        cases = cases_by_period.get(fig["review_period"])
        why = _why_not_computable(fig, cases)
        if why:
            row.update(status="not computable", reason_kind=why[0], reason=why[1])
        else:
            try:
                result = compute(fig["measure"], cases)
            except ValueError as exc:
                row.update(status="not computable", reason_kind="column missing", reason=str(exc))
            else:
                ok = agrees(
                    result.value, fig["relation"], fig["value"], fig["value_low"], fig["value_high"]
                )
                row.update(
                    recomputed_value=result.value,
                    numerator=result.numerator,
                    denominator=result.denominator,
                    status="reproduced" if ok else "not reproduced",
                    difference=_difference(result.value, fig),
                    **result.row_members(),
                )
        rows.append(row)
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS + _MEMBERS)


def summary(scorecard: pd.DataFrame) -> str:
    """ "N of M computable published figures reproduced; K not computable", and a caveat.

    The calibration caveat applies only to synthetic data: a written scorecard says what data
    made it in its ``dataset`` column; a scorecard as built (no ``dataset``) is synthetic when
    it keeps ``calibration_target``, which runs on own data drop.
    """
    counts = scorecard["status"].value_counts()
    reproduced = int(counts.get("reproduced", 0))
    missed = int(counts.get("not reproduced", 0))
    not_computable = int(counts.get("not computable", 0))
    withheld = len(scorecard) - reproduced - missed - not_computable
    lines = [
        f"{reproduced} of {reproduced + missed + withheld} computable published figures "
        f"reproduced; {missed} not reproduced; "
        + (f"{withheld} withheld by disclosure control; " if withheld else "")
        + f"{not_computable} of {len(scorecard)} not computable from case data.",
    ]
    if "dataset" in scorecard:
        synthetic = bool((scorecard["dataset"] == SYNTHETIC_LABEL).all())
    else:
        synthetic = "calibration_target" in scorecard
    calibrated = pd.Series(False, index=scorecard.index)
    if synthetic and "calibration_target" in scorecard:
        calibrated = scorecard["calibration_target"].astype(bool) & (
            scorecard["status"] == "reproduced"
        )
    if synthetic and calibrated.any():
        lines.append(
            f"{int(calibrated.sum())} of the reproduced figures were calibration targets of the "
            "synthetic data: reproducing them proves the pipeline, not the finding."
        )
    elif not synthetic:
        lines.append(
            "On this (non-synthetic) data, a reproduced figure is evidence that the data and the "
            "kit agree with the report; a figure not reproduced deserves a look at the coding."
        )
    return "\n".join(lines)


def not_computable_reasons(scorecard: pd.DataFrame) -> pd.DataFrame:
    """How many published figures the case data cannot speak to, by reason.

    These are counts of published figures, not of children, so they need no disclosure control
    (``attrs[PUBLIC_COUNTS]``).
    """
    not_computable = scorecard[scorecard["status"] == "not computable"]
    table = not_computable.groupby("reason_kind").size().rename("figures_count").reset_index()
    table.attrs[PUBLIC_COUNTS] = True
    return table


def status_table(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The published figures by scorecard status, with shares (counts of figures, not of
    children: ``attrs[PUBLIC_COUNTS]``).

    On own data, tally the protected scorecard (as written): a verdict it withholds is counted
    as :data:`WITHHELD_LABEL`, never as the status it hides.
    """
    table = strip(proportion_table(scorecard, "status"))
    table.loc[~table["status"].isin(STATUSES), "label"] = WITHHELD_LABEL
    table.attrs[PUBLIC_COUNTS] = True
    return table


def status_headline(scorecard: pd.DataFrame) -> str:
    """A title: how many computable published figures were reproduced (and how many withheld).

    >>> card = pd.DataFrame({"status": ["reproduced", "not reproduced", "c", "not computable"]})
    >>> status_headline(card)
    '1 of 3 computable published figures reproduced; 1 verdict withheld by disclosure control'
    """
    status = scorecard["status"]
    reproduced = int((status == "reproduced").sum())
    computable = int((status != "not computable").sum())
    withheld = int((~status.isin(STATUSES)).sum())
    return f"{reproduced} of {computable} computable published figures reproduced" + (
        f"; {withheld} verdict{'s' if withheld != 1 else ''} withheld by disclosure control"
        if withheld
        else ""
    )
