"""The teaching data: the shipped synthetic cases, and the small tables the exercises show.

Teaching never shows real cases: :func:`teaching_cases` always reads the shipped synthetic file
(ignoring ``SCR_DATA``) and refuses data that does not say it is synthetic in every row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.casedata.codebook import all_variables
from analysis.casedata.load import is_synthetic, load_cases, synthetic_path
from analysis.paths import DATA_ENV_VAR, data_override
from analysis.publish.disclosure import SUPPRESSED
from analysis.stats.inference import wilson_interval
from analysis.stats.tables import involvement_flags


class TeachingDataError(RuntimeError):
    """The cases are not the shipped synthetic ones: teaching refuses to show real cases."""


def require_synthetic(cases: pd.DataFrame) -> pd.DataFrame:
    """Return ``cases`` if every row is synthetic; otherwise refuse with a plain message.

    Raises
    ------
    TeachingDataError
        When any row is not ``record_origin == "synthetic"`` (or the column is missing).
    """
    if not is_synthetic(cases):
        raise TeachingDataError(
            "These teaching notebooks only run on the shipped SYNTHETIC cases, and the data "
            "loaded does not say it is synthetic in every row. Teaching must never show real "
            "children's cases: restore data/synthetic/ from the repository (git checkout "
            "data/synthetic) and run the notebook again."
        )
    return cases


def teaching_run(cases: pd.DataFrame):
    """A run for the exercises: its figures and tables go under ``runs/teaching/`` (ignored by
    git), never into the kit's ``figures/`` and ``outputs/`` (whose report counts them)."""
    from analysis.paths import runs_dir
    from analysis.publish.run import Run

    return Run(cases, root=runs_dir() / "teaching")


def teaching_cases(period: str = "2011-14") -> pd.DataFrame:
    """Load the shipped synthetic cases of one period, whatever ``SCR_DATA`` says.

    The file is named explicitly (never the ``SCR_DATA`` override), then checked to be
    synthetic in every row, so a session can never show real cases by accident.

    Parameters
    ----------
    period : {"2011-14", "2014-17"}
        The review period.

    Returns
    -------
    DataFrame
        As :func:`analysis.casedata.load.load_cases`.

    Raises
    ------
    TeachingDataError
        If the shipped file has been replaced by data that is not synthetic.
    """
    if data_override() is not None:
        print(
            f"Note: {DATA_ENV_VAR} is set, but teaching notebooks ignore it and always use the "
            "shipped synthetic cases, so no real case is ever shown."
        )
    return require_synthetic(load_cases(synthetic_path(period)))


def describe(cases: pd.DataFrame) -> str:
    """One line for the top of a teaching notebook: what data, and that it is invented."""
    require_synthetic(cases)
    periods = ", ".join(sorted(cases["review_period"].astype(str).unique()))
    return (
        f"Data: SYNTHETIC DATA, invented cases, not real children: {len(cases)} children, "
        f"review period {periods}."
    )


def recode_one_child(cases: pd.DataFrame, age_band: str = "6_10") -> pd.DataFrame:
    """A copy of ``cases`` with one child of an age band recoded as involved at the time.

    The first child (in file order) of the band who was not involved with children's social
    care at the time of the incident is recoded as "Open as child in need" (and so ever
    involved): the smallest possible coding change, to show how far one child moves a share.

    Parameters
    ----------
    cases : DataFrame
        Loaded synthetic cases (``csc_status_at_incident``, ``csc_ever_involved``, ``age_band``).
    age_band : str
        An ``age_band`` code, e.g. ``"6_10"``.

    Returns
    -------
    DataFrame
        A copy; ``attrs["recoded_case_id"]`` names the child recoded.
    """
    require_synthetic(cases)
    in_band = cases["age_band"] == age_band
    candidates = cases.index[in_band & ~involvement_flags(cases)["now"]]
    if len(candidates) == 0:
        raise ValueError(f"no child aged {age_band} left to recode")
    out = cases.copy()
    first = candidates[0]
    out.loc[first, "csc_status_at_incident"] = "open_child_in_need"
    out.loc[first, "csc_ever_involved"] = "yes"
    out.attrs = dict(cases.attrs)
    out.attrs["recoded_case_id"] = str(cases.loc[first, "case_id"])
    return out


def interval_widths(percent: float, children=(30, 120, 300, 1200)) -> pd.DataFrame:
    """The 95% Wilson interval of one share at several numbers of children.

    Shows how the width shrinks with the square root of n: four times the children, half the
    width.

    Parameters
    ----------
    percent : float
        The share, 0-100, held fixed.
    children : sequence of int
        Numbers of children (denominators).

    Returns
    -------
    DataFrame
        ``children``, ``percent``, ``ci_low_percent``, ``ci_high_percent``, ``width_points``.

    Examples
    --------
    >>> interval_widths(50, [100, 400])["width_points"].round(1).tolist()
    [19.2, 9.8]
    """
    n = np.asarray(list(children), dtype=float)
    low, high = wilson_interval(percent / 100 * n, n)
    return pd.DataFrame(
        {
            "children": n.astype(int),
            "percent": float(percent),
            "ci_low_percent": 100 * low,
            "ci_high_percent": 100 * high,
            "width_points": 100 * (high - low),
        }
    )


def display_counts(table: pd.DataFrame, column: str, by: str = "age_band") -> pd.DataFrame:
    """A tidy count table laid out for reading: one row per group, a column per code, a total.

    Suppressed counts (after :func:`analysis.publish.disclosure.protect`) show their marker
    ``c``, so a table can be compared before and after protection. For display only: tables
    are written tidy.

    Parameters
    ----------
    table : DataFrame
        From :func:`analysis.stats.tables.proportion_table` (``column``, ``label``, ``count``,
        ``denominator_count`` and ``{by}``, ``{by}_label``), protected or not.
    column : str
        The counted variable, e.g. ``"csc_ever_involved"``.
    by : str
        The group column.

    Returns
    -------
    DataFrame
        Text cells, groups in table order, codes in codebook order, then ``Total``.
    """
    marker = table["count_marker"] if "count_marker" in table.columns else ""
    cells = table.assign(
        shown=np.where(
            table["count"].isna(),
            marker,
            table["count"].map(lambda v: "" if pd.isna(v) else f"{int(v)}"),
        )
    )
    groups = list(dict.fromkeys(cells[f"{by}_label"]))
    codes = list(dict.fromkeys(cells["label"]))
    wide = cells.pivot(index=f"{by}_label", columns="label", values="shown")
    wide = wide.reindex(index=groups, columns=codes)
    totals = cells.groupby(f"{by}_label", sort=False)["denominator_count"].first()
    wide["Total"] = [SUPPRESSED if pd.isna(v) else f"{int(v)}" for v in totals.reindex(groups)]
    wide.index.name = label_of_variable(by)
    wide.columns.name = label_of_variable(column)
    return wide


def label_of_variable(column: str) -> str:
    """The codebook label of a variable, e.g. "Age" for ``age_band``."""
    variable = all_variables().get(column)
    return variable.label if variable else column
