"""Statistical disclosure control for tables made from real (non-synthetic) case data.

Coded case data is about children who died or were seriously harmed; a small count in a
published table can identify a child. Before anything from a real dataset is written:

1. **Primary suppression**: a count from 1 to ``THRESHOLD - 1`` is suppressed, and so is a count
   whose complement (denominator minus count) is from 1 to ``THRESHOLD - 1`` (290 of 293 reveals
   3), and every cell of a group whose denominator is below ``THRESHOLD``.
2. **Secondary suppression**: where rows partition a denominator (the codes of one variable
   within a group), a single suppressed cell could be recovered by subtraction from the total,
   so the smallest other non-zero cell of that group is suppressed as well.
3. Percentages and intervals are recomputed from the protected counts: a suppressed count has
   no percentage.

Each suppressed value becomes blank with a marker in ``{column}_marker`` (the conventions of
official statistics: ``c`` confidential/suppressed; ``x`` not available; ``z`` not applicable;
``low`` rounds to zero). The threshold is set here, in one place, and printed with each output.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Counts below this (and above zero) are suppressed. DfE suppresses small numbers in children's
#: social care statistics in the same way; change it here only.
THRESHOLD = 5
SUPPRESSED = "c"
NOT_AVAILABLE = "x"
NOT_APPLICABLE = "z"
LOW = "low"

#: Columns computed from a row's counts, blanked with them (besides any ``*percent*`` or
#: ``*points*`` column).
DERIVED_COLUMNS = ("recomputed_value", "difference", "odds_ratio")
PRIMARY_COUNTS = ("count", "numerator")


def derived_columns(table: pd.DataFrame) -> list[str]:
    """Columns whose value a suppressed count would reveal: percentages, differences..."""
    return [
        c
        for c in table.columns
        if ("percent" in c or "points" in c or c in DERIVED_COLUMNS) and not c.endswith("_marker")
    ]


def count_columns(table: pd.DataFrame) -> list[str]:
    """Columns holding counts of children or reviews: ``count`` and ``*_count`` (not the total)."""
    return [
        c
        for c in table.columns
        if (c in PRIMARY_COUNTS or c.endswith("_count"))
        and c != "denominator_count"
        and f"{c}_marker" not in table.columns  # already protected: leave as it is
        and pd.api.types.is_numeric_dtype(table[c])
    ]


def _small(values: pd.Series, threshold: int) -> pd.Series:
    return values.notna() & (values > 0) & (values < threshold)


def protect(
    table: pd.DataFrame,
    *,
    partition_by: Sequence[str] | None = None,
    threshold: int = THRESHOLD,
) -> pd.DataFrame:
    """Suppress small counts (primary and secondary) and recompute percentages.

    Parameters
    ----------
    table : DataFrame
        A tidy table with ``count``/``*_count`` columns and, optionally, ``denominator_count``
        and percentage columns.
    partition_by : list of str, optional
        Columns whose groups partition ``denominator_count`` (each group's ``count`` adds up to
        its denominator), e.g. the ``by`` dimensions of ``proportion_table``. Enables secondary
        suppression. ``[]`` means the whole table is one partition.
    threshold : int
        Smallest count that may be shown (default :data:`THRESHOLD`).

    Returns
    -------
    DataFrame
        A copy: suppressed counts blank, ``{column}_marker`` columns added, percentages and
        intervals blank where their count is suppressed; ``attrs["disclosure"]`` describes
        what was done.

    Examples
    --------
    >>> t = pd.DataFrame({"code": ["a", "b", "c"], "count": [3, 40, 50]})
    >>> t["denominator_count"] = 93
    >>> protect(t, partition_by=[])["count"].tolist()  # 3 suppressed, then 40 to protect it
    [nan, nan, 50.0]
    """
    out = table.copy()
    has_denominator = "denominator_count" in out.columns
    counts = count_columns(out)
    suppressed = {c: _small(out[c].astype("Float64"), threshold).fillna(False) for c in counts}
    if has_denominator:
        denominator = out["denominator_count"].astype("Float64")
        small_group = denominator.notna() & (denominator < threshold)
        for c in counts:
            complement = denominator - out[c].astype("Float64")
            small_complement = _small(complement, threshold).fillna(False)
            suppressed[c] = suppressed[c] | small_group.fillna(False) | small_complement
    if partition_by is not None and "count" in counts:
        suppressed["count"] = _secondary(out, suppressed["count"], list(partition_by))
    for c in counts:
        mask = suppressed[c].to_numpy(dtype=bool)
        out[c] = out[c].astype("float64").where(~mask)
        out.insert(out.columns.get_loc(c) + 1, f"{c}_marker", np.where(mask, SUPPRESSED, ""))
    # a row's percentages and differences would reveal its suppressed count
    primary = [c for c in counts if c in PRIMARY_COUNTS] or counts
    hidden = np.zeros(len(out), dtype=bool)
    for c in primary:
        hidden |= suppressed[c].to_numpy(dtype=bool)
    for c in derived_columns(out):
        if pd.api.types.is_numeric_dtype(out[c]):
            out[c] = out[c].where(~hidden)
    if has_denominator and "denominator_count" in out.columns:
        small_total = out["denominator_count"] < threshold
        out["denominator_count"] = out["denominator_count"].astype("float64").where(~small_total)
    n_hidden = int(sum(int(s.sum()) for s in suppressed.values()))
    out.attrs = dict(table.attrs)
    out.attrs["disclosure"] = (
        f"Disclosure control: counts from 1 to {threshold - 1} (and counts within {threshold - 1} "
        f"of their total) suppressed, shown blank with marker '{SUPPRESSED}'; "
        f"{n_hidden} value(s) suppressed"
        + ("; secondary suppression within groups" if partition_by is not None else "")
        + "."
    )
    return out


def _secondary(table: pd.DataFrame, hidden: pd.Series, keys: list[str]) -> pd.Series:
    """Suppress the next smallest non-zero cell where a group has exactly one suppressed cell."""
    hidden = hidden.copy().astype(bool)
    groups = (
        [np.arange(len(table))]
        if not keys
        else table.groupby(keys, observed=True, sort=False).indices.values()
    )
    counts = table["count"].to_numpy(dtype=float)
    for positions in groups:
        positions = np.asarray(positions)
        while hidden.iloc[positions].sum() == 1:
            candidates = [p for p in positions if not hidden.iloc[p] and counts[p] > 0]
            if not candidates:
                break
            smallest = min(candidates, key=lambda p: (counts[p], p))
            hidden.iloc[smallest] = True
    return hidden


def unprotected_small_counts(table: pd.DataFrame, threshold: int = THRESHOLD) -> pd.DataFrame:
    """Rows of a written table that still show a count from 1 to threshold - 1 (should be none)."""
    bad = pd.Series(False, index=table.index)
    for c in count_columns(table):
        bad |= _small(pd.to_numeric(table[c], errors="coerce"), threshold).fillna(False)
    return table[bad]
