"""What a plot function checks and reads in the tidy table it is given.

Examples
--------
>>> format_percent(12.345, 1)
'12.3%'
"""

from __future__ import annotations

import pandas as pd

from analysis.charts.style import MAX_COLOURS


def check_colours(n: int, what: str) -> None:
    """Refuse more series than the palette keeps distinguishable."""
    if n > MAX_COLOURS:
        raise ValueError(
            f"{n} {what} in one figure; the house style allows at most {MAX_COLOURS} colours "
            "(Analysis Function guidance). Split the figure or combine groups."
        )
    if n < 1:
        raise ValueError(f"no {what} to plot")


def require_columns(table: pd.DataFrame, *columns: str | None) -> None:
    """Raise a KeyError naming the columns (None skipped) that the table lacks."""
    missing = [c for c in columns if c is not None and c not in table.columns]
    if missing:
        raise KeyError(f"columns not in the table: {missing}; it has {list(table.columns)}")


def ordered_unique(values: pd.Series) -> list:
    """Categories in their categorical order if ordered, else in order of first appearance."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna())
        return [c for c in values.cat.categories if c in present]
    return list(pd.unique(values.dropna()))


def format_percent(value: float, decimals: int = 0) -> str:
    """Format a percentage for a direct label, e.g. ``12%``."""
    return f"{value:.{decimals}f}%"
