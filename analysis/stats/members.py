"""Which units each count counts, so disclosure control can audit a whole run.

A count in a published table is a number of children or reviews. The recovery audit
(:mod:`analysis.publish.audit`) needs to know *which* ones, to find every way a reader could
combine the counts a run writes. Table builders therefore carry, beside each count column
``X``, a column ``members__X`` holding the units that count counts: a sorted tuple of unit keys,
a key repeated once per child (2014-17 reviews can hold siblings). The unit is the review
(``review_id``; ``case_id`` where a row has no review), because siblings share a review's codes.

Statistics that reveal counts without showing them (a test's contingency table, a model's
cross-tabulation) carry ``members__implied``: a tuple of member tuples, one per hidden cell.

These columns never leave the run: :meth:`analysis.publish.run.Run.table` strips them.

Examples
--------
>>> import pandas as pd
>>> cases = pd.DataFrame({"case_id": ["a", "b", "c"], "review_id": ["R1", "R1", "R2"]})
>>> members_of(cases)
('R1', 'R1', 'R2')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

PREFIX = "members__"
IMPLIED = PREFIX + "implied"
#: Members of each code a combined category holds (a recode file): never published, and audited
#: so that no other table gives one back by subtraction.
COMPONENTS = PREFIX + "components"
#: ``table.attrs`` key of a table whose counts are of published things (figures by scorecard
#: status, a published split), not of children: it needs no membership and no suppression.
PUBLIC_COUNTS = "public_counts"
#: ``table.attrs`` key naming a table's columns that state published figures (the scorecard's
#: ``statement``): public, so never withheld with a suppressed count in their row.
PUBLISHED_COLUMNS = "published_columns"


def unit_keys(rows: pd.DataFrame) -> pd.Series:
    """The audit unit of each row: its review, or the child where no review is given."""
    if "case_id" not in rows:  # rows without ids (a frame made by hand): the row labels
        case = pd.Series(rows.index)
        if "review_id" not in rows.columns:
            return case.astype(str)
        return rows["review_id"].astype("object").where(rows["review_id"].notna(), case).astype(str)
    return pd.Series(_keys(rows), index=rows.index).astype(str)


def _keys(rows: pd.DataFrame) -> list[str]:
    """Each row's unit as text, in plain Python: a run asks this hundreds of times of a few
    hundred rows, where pandas' per-call overhead was most of a notebook's statistics time."""
    cases = rows["case_id"].tolist()
    if "review_id" not in rows.columns:
        return [str(case) for case in cases]
    reviews = rows["review_id"].tolist()
    return [
        str(case if review is None or review is pd.NA or review != review else review)
        for review, case in zip(reviews, cases, strict=True)
    ]


def members_of(rows: pd.DataFrame) -> tuple[str, ...]:
    """The units counted by a count over ``rows`` (one entry per row)."""
    if "case_id" not in rows:
        return tuple(sorted(unit_keys(rows)))
    return tuple(sorted(_keys(rows)))


def grouped_members(rows: pd.DataFrame, keys: Sequence[str], **groupby) -> pd.Series:
    """Members per group of ``keys``, in the order ``rows.groupby(keys, **groupby)`` gives."""
    units = unit_keys(rows).set_axis(rows.index)
    frame = rows[list(keys)].assign(_unit=units)
    return frame.groupby(list(keys), **groupby)["_unit"].agg(lambda s: tuple(sorted(s)))


def member_columns(table: pd.DataFrame) -> list[str]:
    """The membership columns of a table."""
    return [c for c in table.columns if str(c).startswith(PREFIX)]


def counted_column(member_column: str) -> str:
    """The count column a membership column belongs to (``members__count`` -> ``count``)."""
    return member_column[len(PREFIX) :]


def implied(cells: Iterable[pd.DataFrame]) -> tuple[tuple[str, ...], ...]:
    """Members of each hidden cell a statistic depends on (e.g. a contingency table's cells)."""
    return tuple(members_of(c) for c in cells)


def strip(table: pd.DataFrame) -> pd.DataFrame:
    """The table without its membership columns (what may be shown or written)."""
    cols = member_columns(table)
    if not cols:
        return table
    out = table.drop(columns=cols)
    out.attrs = dict(table.attrs)
    return out
