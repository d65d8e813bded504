"""Agreement between two coders of the same reviews (issue 15): per variable, the cases
compared, percentage agreement, Cohen's kappa with a 95% interval, and where the codes differ.

A coding team double-codes a sample of reviews to check that the codebook is applied alike.
For each coded variable in both files:

- cases are compared where both coders coded them (matched by ``case_id``); a variable coded
  only from the final report is compared only where both coders had the report
  (``final_report_available`` yes in both), since without it neither could code it;
- an item asked of some children only (the codebook's ``asked_of``: a young person's own
  alcohol misuse, the sleep environment of a sudden infant death) is compared only where both
  coders' rows say it was asked (its condition holds in both), as death category is compared
  only where both coders coded a death: blank against blank where it was not asked is no
  agreement;
- a family-level variable (``level: review``) is compared once per review, grouped by coder A's
  ``review_id``, so a family of three children does not count one judgement three times;
- a blank cell is a code like any other ("(blank)"): leaving a cell blank where the other coder
  chose "Not recorded" is a disagreement;
- kappa is statsmodels' :func:`~statsmodels.stats.inter_rater.cohens_kappa` on the table of the
  two coders' codes; it is not defined when both coders gave every case one and the same code.
  Its 95% interval is a percentile bootstrap over the cases compared (:func:`kappa_interval`:
  seeded, so the same files give the same interval), not the asymptotic one, which is 0 wide
  at perfect agreement and rough for the few cases a coding team double-codes. Where every
  case agrees, so does every resample: the interval is not estimable, and the note says how
  low agreement could still be.

The output is for the coding team, not for publication: small numbers are shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.casedata.codebook import Variable, all_applicability, all_variables
from analysis.casedata.rules_applicability import holds
from analysis.coding.coders import CoderPair, match_coders
from analysis.content import read_yaml

TEXT_FILE = Path(__file__).with_name("agreement.yaml")
#: A chance agreement this close to 1 is 1 (kappa not defined): sums leave 1 - 1e-16.
_ROUNDING = 1e-12
#: Resamples of the cases for kappa's interval, and their seed (the same files, the same
#: interval); the number scipy.stats.bootstrap takes by default.
BOOTSTRAP_RESAMPLES = 9_999
BOOTSTRAP_SEED = 20_211
#: The interval's level, and the one-sided level of the lower limit given when all agree.
LEVEL = 0.95
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
    outcome only (death category, type of harm) only where both coders gave that outcome; an
    item asked of some children only where its condition holds in both coders' rows.
    """
    keep = had_report if var.final_report_only else pd.Series(True, index=pair.a.index)
    condition = all_applicability().get(var.asked_of) if var.asked_of else None
    if condition is not None:
        keep = keep & holds(pair.a, condition) & holds(pair.b, condition)
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


def kappas(tables: np.ndarray) -> np.ndarray:
    """Cohen's kappa of each square table of counts along the last two axes (NaN where it is
    not defined: both coders gave every case one and the same code).

    The formula statsmodels' ``cohens_kappa`` computes, for thousands of tables at once.

    >>> kappas(np.array([[[10, 2], [3, 15]], [[5, 0], [0, 0]]])).round(4)
    array([0.6575,    nan])
    """
    n = tables.sum(axis=(-2, -1))
    observed = np.trace(tables, axis1=-2, axis2=-1) / n
    chance = (tables.sum(axis=-1) * tables.sum(axis=-2)).sum(axis=-1) / n**2
    defined = 1 - chance > _ROUNDING
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(defined, (observed - chance) / (1 - chance), np.nan)


def kappa_interval(table: np.ndarray) -> tuple[float, float, int]:
    """Kappa's 95% percentile bootstrap interval over the cases of a square table of counts.

    The cases are resampled with replacement, :data:`BOOTSTRAP_RESAMPLES` times from
    :data:`BOOTSTRAP_SEED`; the interval runs from the 2.5th to the 97.5th percentile of the
    resamples' kappas. A resample in which kappa is not defined (every case drawn from one
    cell where both coders gave the same code) is left out, and counted.

    Drawing the table's cells from a multinomial is resampling its cases, exactly, and costs
    one draw per cell, not per case. scipy.stats.bootstrap is not used: one resample whose
    kappa is not defined makes its whole interval NaN, and a table of 20 cases with a rare
    code has such a resample among 9,999 almost surely.

    Returns
    -------
    tuple of float, float, int
        The lower and upper limits, and the number of resamples left out.
    """
    n = int(table.sum())
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = rng.multinomial(n, table.ravel() / n, size=BOOTSTRAP_RESAMPLES)
    values = kappas(draws.reshape(-1, *table.shape))
    defined = values[np.isfinite(values)]
    tail = 100 * (1 - LEVEL) / 2
    low, high = np.percentile(defined, [tail, 100 - tail])
    return float(low), float(high), BOOTSTRAP_RESAMPLES - len(defined)


def all_agree_floor(n: int) -> float:
    """The lowest share of agreeing cases that ``n`` of ``n`` agreeing leaves plausible: the
    exact (Clopper-Pearson) one-sided lower limit at :data:`LEVEL`, which for ``n`` of ``n`` is
    ``(1 - LEVEL) ** (1 / n)`` (scipy's ``binomtest(n, n, alternative="greater")`` gives the
    same; tested).

    >>> round(all_agree_floor(20), 3)
    0.861
    """
    return (1 - LEVEL) ** (1 / n)


def kappa_with_interval(table: np.ndarray) -> tuple[float, float, float, str]:
    """Cohen's kappa of a square table of counts, its 95% interval, and a note ("" if none).

    The interval is :func:`kappa_interval`'s. Where it cannot be estimated the limits are NaN
    and the note says why: nothing compared, one code only (kappa not defined), one coder
    using one code (every resample's kappa is then 0), or every case agreeing (every
    resample's is then 1).

    >>> round(kappa_with_interval(np.array([[10, 2], [3, 15]]))[0], 4)
    0.6575
    """
    notes = text()["kappa_notes"]
    n = int(table.sum())
    if n == 0:
        return np.nan, np.nan, np.nan, notes["nothing_compared"]
    used = (table.sum(axis=0) + table.sum(axis=1)) > 0
    if used.sum() < 2:
        return np.nan, np.nan, np.nan, notes["one_code"]
    from statsmodels.stats.inter_rater import cohens_kappa

    kappa = float(cohens_kappa(table[np.ix_(used, used)], return_results=False))
    if min((table.sum(axis=1) > 0).sum(), (table.sum(axis=0) > 0).sum()) < 2:
        # one coder used one code: every resample's kappa is 0, and "0.00 to 0.00" would
        # claim a certainty the table does not have
        return kappa, np.nan, np.nan, notes["one_coder_one_code"]
    if np.trace(table) == n:
        # every case agrees, and so does every resample: "1.00 to 1.00" would claim a
        # certainty n cases cannot give
        floor = f"{100 * all_agree_floor(n):.0f}"
        return kappa, np.nan, np.nan, notes["all_agree"].format(n=n, floor=floor)
    low, high, left_out = kappa_interval(table)
    note = notes["left_out"].format(n=left_out, of=BOOTSTRAP_RESAMPLES) if left_out else ""
    return kappa, low, high, note


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
