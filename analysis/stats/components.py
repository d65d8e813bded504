"""The codes inside a combined category, kept with a table so disclosure control can audit them.

A recode file (:mod:`analysis.casedata.recode`) makes "11 to 15" and "16 to 17" one row. The
two counts inside it are never published, but a reader who sees another table counting "16 to
17" alone could subtract it from the combined row and get "11 to 15". So a table with a
combined category carries, beside each combined row, the members of each of its codes
(``members__components``): the audit treats them as hidden counts, and protects a small one
as it protects any suppressed count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from analysis.casedata import recode
from analysis.stats.members import COMPONENTS, IMPLIED, PREFIX


def with_components(
    table: pd.DataFrame, build: Callable[[], pd.DataFrame], dimensions: Sequence[str]
) -> pd.DataFrame:
    """``table`` with ``members__components`` where a recode combined codes of its dimensions.

    Parameters
    ----------
    table : DataFrame
        A table built with the recode in force.
    build : callable
        Builds the same table again (it is called with the recode suspended: codes apart).
    dimensions : sequence of str
        The table's code columns (its breakdowns and the counted variable).
    """
    combine = recode.active()
    dimensions = [d for d in dimensions if d in table.columns]
    if not any(g.variable in dimensions for g in combine.groups):
        return table
    with recode.suspended():
        raw = build()
    counted = [
        c
        for c in raw.columns
        if c.startswith(PREFIX) and c not in (IMPLIED, COMPONENTS) and "denominator" not in c
    ]
    parts: dict[tuple, list] = {}
    for row in raw.to_dict("records"):
        codes = tuple(str(row[d]) for d in dimensions)
        category = tuple(combine.code_of(d, c) for d, c in zip(dimensions, codes, strict=True))
        if category != codes:
            parts.setdefault(category, []).extend(
                row[c] for c in counted if isinstance(row[c], tuple)
            )
    out = table.copy()
    out[COMPONENTS] = [
        tuple(parts[key]) if key in parts else None
        for key in (tuple(str(v) for v in values) for values in table[dimensions].to_numpy())
    ]
    out.attrs = dict(table.attrs)
    return out
