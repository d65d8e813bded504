"""Agreement between two coders of the same reviews (issue 15): per variable, the cases
compared, percentage agreement, Cohen's kappa with a 95% interval, and where the codes differ.

A coding team double-codes a sample of reviews to check that the codebook is applied alike.
For each coded variable in both files:

- cases are compared where both coders coded them (matched by ``case_id``); a variable coded
  only from the final report is compared only where both coders had the report
  (``final_report_available`` yes in both), since without it neither could code it;
- a family-level variable (``level: review``) is compared once per review, grouped by coder A's
  ``review_id``, so a family of three children does not count one judgement three times;
- a blank cell is a code like any other ("(blank)"): leaving a cell blank where the other coder
  chose "Not recorded" is a disagreement;
- kappa is statsmodels' :func:`~statsmodels.stats.inter_rater.cohens_kappa` on the table of the
  two coders' codes, with its asymptotic 95% interval cut to [-1, 1]; it is not defined when
  both coders gave every case one and the same code.

The output is for the coding team, not for publication: small numbers are shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.casedata.codebook import Variable, all_variables
from analysis.coding.coders import CoderPair, match_coders
from analysis.content import read_yaml

TEXT_FILE = Path(__file__).with_name("agreement.yaml")
#: A variance this close to 0 is 0: floating-point sums leave -1e-17 where 0 is meant.
_ROUNDING = 1e-12
#: The columns of :attr:`Agreement.variables`.
COLUMNS = [
    "variable",
    "label",
    "unit",
    "compared_count",
    "agree_count",
    "agreement_percent",
    "kappa",
    "kappa_ci_low",
    "kappa_ci_high",
    "kappa_note",
]


@cache
def text() -> dict:
    """The check's words (``agreement.yaml``)."""
    return read_yaml(TEXT_FILE)


@dataclass
class Agreement:
    """What two coders agree on.

    Attributes
    ----------
    pair : CoderPair
        The two files, their matched cases and the cases in one file only.
    variables : DataFrame
        One row per variable compared (columns :data:`COLUMNS`), in codebook order.
    disagreements : DataFrame
        One row per pair of different codes given to the same case: ``variable``,
        ``coder_a``, ``coder_b``, ``cases_count`` and ``case_ids`` (coder A's order).
    not_compared : dict
        Variables left out, and why (in one file only; not a coding judgement).
    final_report_count : int
        Cases where both coders had the final report.
    """

    pair: CoderPair
    variables: pd.DataFrame
    disagreements: pd.DataFrame
    not_compared: dict[str, str] = field(default_factory=dict)
    final_report_count: int = 0


def _codes(column: pd.Series) -> pd.Series:
    """A column's codes as text, a blank cell as ``"(blank)"``."""
    return column.astype(object).where(column.notna(), text()["blank"]).astype(str)


def _both_had_report(pair: CoderPair) -> pd.Series:
    if "final_report_available" not in pair.a or "final_report_available" not in pair.b:
        return pd.Series(False, index=pair.a.index)
    return (pair.a["final_report_available"] == "yes").fillna(False) & (
        pair.b["final_report_available"] == "yes"
    ).fillna(False)


def _rows(var: Variable, pair: CoderPair, had_report: pd.Series) -> tuple[pd.Index, str]:
    """The matched rows a variable is compared on, and their unit.

    A final-report variable only where both coders had the report; a variable coded for one
    outcome only (death category, type of harm) only where both coders gave that outcome.
    """
    keep = had_report if var.final_report_only else pd.Series(True, index=pair.a.index)
    condition = text()["only_where"].get(var.name)
    if condition is not None:
        column, code = condition["variable"], condition["code"]
        if column in pair.a and column in pair.b:
            keep = (
                keep
                & (pair.a[column] == code).fillna(False)
                & (pair.b[column] == code).fillna(False)
            )
    if var.level != "review" or "review_id" not in pair.a:
        return pair.a.index[keep.to_numpy()], "children"
    # once per review: the first child of each of coder A's reviews (a blank id is its own)
    review = pair.a["review_id"].astype(object)
    review = review.where(
        review.notna(), pd.Series(pair.a.index, index=pair.a.index).map("#{}".format)
    )
    first = ~review.duplicated()
    return pair.a.index[(keep & first).to_numpy()], "reviews"


def kappa_with_interval(table: np.ndarray) -> tuple[float, float, float, str]:
    """Cohen's kappa of a square table of counts, its 95% interval, and a note ("" if none).

    >>> round(kappa_with_interval(np.array([[10, 2], [3, 15]]))[0], 4)
    0.6575
    """
    notes = text()["kappa_notes"]
    n = table.sum()
    if n == 0:
        return np.nan, np.nan, np.nan, notes["nothing_compared"]
    used = (table.sum(axis=0) + table.sum(axis=1)) > 0
    if used.sum() < 2:
        return np.nan, np.nan, np.nan, notes["one_code"]
    from statsmodels.stats.inter_rater import cohens_kappa

    with np.errstate(invalid="ignore"):  # the square root of a variance rounded below 0
        result = cohens_kappa(table[np.ix_(used, used)])
    kappa, low, high = float(result.kappa), float(result.kappa_low), float(result.kappa_upp)
    if not np.isfinite(result.std_kappa) and abs(result.var_kappa) < _ROUNDING:
        # perfect agreement: the variance is 0, give or take rounding, and so is the width
        low = high = kappa
    if not (np.isfinite(low) and np.isfinite(high)):
        return kappa, np.nan, np.nan, notes["no_interval"]
    if min((table.sum(axis=1) > 0).sum(), (table.sum(axis=0) > 0).sum()) < 2:
        # statsmodels' variance collapses to 0 when one coder used one code: "-0.00 to 0.00"
        # would claim a certainty the table does not have
        return kappa, np.nan, np.nan, notes["one_coder_one_code"]
    return kappa, max(-1.0, low), min(1.0, high), ""


def compare_variable(
    var: Variable, pair: CoderPair, had_report: pd.Series
) -> tuple[dict, list[dict]]:
    """One variable's row of :attr:`Agreement.variables`, and its disagreements."""
    rows, unit = _rows(var, pair, had_report)
    a, b = _codes(pair.a.loc[rows, var.name]), _codes(pair.b.loc[rows, var.name])
    order = [c for c in var.codes if c in set(a) | set(b)]
    order += sorted((set(a) | set(b)) - set(order))  # "(blank)", last
    table = pd.crosstab(
        pd.Categorical(a, categories=order), pd.Categorical(b, categories=order), dropna=False
    ).to_numpy()
    kappa, low, high, note = kappa_with_interval(table)
    agree = int((a.to_numpy() == b.to_numpy()).sum())
    row = {
        "variable": var.name,
        "label": var.label,
        "unit": text()["units"][unit],
        "compared_count": len(rows),
        "agree_count": agree,
        "agreement_percent": 100 * agree / len(rows) if len(rows) else np.nan,
        "kappa": kappa,
        "kappa_ci_low": low,
        "kappa_ci_high": high,
        "kappa_note": note,
    }
    ids = pair.a.loc[rows, "case_id"].astype(str)
    differ = []
    for (code_a, code_b), cases in ids[(a != b).to_numpy()].groupby(
        [a[a != b], b[a != b]], sort=False
    ):
        differ.append(
            {
                "variable": var.name,
                "coder_a": code_a,
                "coder_b": code_b,
                "cases_count": len(cases),
                "case_ids": ", ".join(cases),
            }
        )
    differ.sort(key=lambda d: (order.index(d["coder_a"]), order.index(d["coder_b"])))
    return row, differ


def agreement(path_a: Path | str, path_b: Path | str, sheet: str | None = None) -> Agreement:
    """Compare two coders' files of the same reviews, variable by variable.

    Parameters
    ----------
    path_a, path_b : path-like
        Coder A's and coder B's case files (CSV, ``.xlsx``, ``.sav`` or ``.dta``), each valid
        against the codebook, with ``case_id`` (matched) and ``review_period``.
    sheet : str, optional
        Excel workbooks: the sheet to read in both.

    Returns
    -------
    Agreement

    Raises
    ------
    UnreadableFileError
        A file is missing or cannot be read.
    CodingFileError
        A file has no ``case_id``, breaks the codebook's rules, or the two share no review
        period or no case.
    """
    pair = match_coders(path_a, path_b, sheet)
    had_report = _both_had_report(pair)
    skipped = dict(text()["not_compared"])
    not_compared, rows, differ = {}, [], []
    for name, var in all_variables().items():
        if not var.is_category:
            continue
        in_a, in_b = name in pair.a.columns, name in pair.b.columns
        if not (in_a or in_b):
            continue
        if name in skipped:
            not_compared[name] = skipped[name]
        elif in_a != in_b:
            not_compared[name] = text()["text"]["only_in"].format(which="A" if in_a else "B")
        else:
            row, pairs = compare_variable(var, pair, had_report)
            rows.append(row)
            differ += pairs
    return Agreement(
        pair=pair,
        variables=pd.DataFrame(rows, columns=COLUMNS),
        disagreements=pd.DataFrame(
            differ, columns=["variable", "coder_a", "coder_b", "cases_count", "case_ids"]
        ),
        not_compared=not_compared,
        final_report_count=int(had_report.sum()),
    )
