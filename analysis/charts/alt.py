"""Alt text from the plotted data: the saved description, and the value lists it is built from.

A figure's alt text says in a few sentences what kind of chart it is and its main numbers
(every value is in the data table saved beside the figure), then (added when it is saved)
what data it was made from and its source. Charts of a few values list them all
(:func:`percent_list`); charts of many give their range and what stands out
(:func:`range_text`, :func:`withheld_text`). The chapter chart modules build each
chapter's descriptions from the tables they draw, with :func:`percent_list` for the values and
:mod:`analysis.charts.gaps` for any single value, so a value suppressed by disclosure control
reads "[c] suppressed" (never "nan%") and a count is a whole number.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"label": ["Under 1", "1 to 5"], "count": [9, 3], "percent": [75.0, 25.0]})
>>> percent_list(t)
'Under 1 75%; 1 to 5 25%'
>>> percent_list(t, count="count")
'Under 1 9 (75%); 1 to 5 3 (25%)'
>>> protected = t.assign(count=pd.array([9, None], dtype="Int64"), count_marker=["", "c"],
...                      percent=[75.0, None])
>>> percent_list(protected, count="count")
'Under 1 9 (75%); 1 to 5 [c] suppressed'
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.charts.gaps import count_text, gap_text, is_missing, row_markers, value_text
from analysis.charts.style import is_synthetic_label


def percent_list(
    table: pd.DataFrame,
    label: str | Sequence[str] = "label",
    *,
    percent: str = "percent",
    count: str | None = None,
    interval: tuple[str, str] | None = None,
    marker: str | None = None,
) -> str:
    """Each row's label and whole percentage, joined by ``"; "``, in table order.

    A row whose percentage is missing reads as its marker says ("Looked after [c] suppressed",
    see :func:`analysis.charts.gaps.gap_text`), without its count or interval.

    Parameters
    ----------
    table : DataFrame
        The plotted table.
    label : str or sequence of str
        Column(s) naming the row; several are joined by a space ("11_15 ever 40%").
    percent : str
        Column of percentages.
    count : str, optional
        Column of counts, printed before the percentage: "Neglect 12 (40%)".
    interval : (str, str), optional
        Columns of the interval bounds, printed after it: "Under 1 45% (38-52%)"; left out
        where a bound is missing.
    marker : str, optional
        Column of markers, as in :func:`analysis.charts.gaps.row_markers`; by default a
        protected table's ``*_marker`` columns.

    Returns
    -------
    str
    """
    labels = [label] if isinstance(label, str) else list(label)
    columns = [*labels, percent, *([count] if count else []), *(interval or ())]
    items = []
    markers = row_markers(table, marker)
    for row, code in zip(table[columns].itertuples(index=False, name=None), markers, strict=True):
        values = dict(zip(columns, row, strict=True))
        text = " ".join(f"{values[c]}" for c in labels)
        value = value_text(values[percent], "{:.0f}%", code)
        if is_missing(values[percent]) or isinstance(values[percent], str):
            items.append(f"{text} {value}")  # nothing else of a withheld row is shown
            continue
        text += f" {count_text(values[count], code)} ({value})" if count else f" {value}"
        bounds = [values[c] for c in interval or ()]
        if bounds and not any(is_missing(b) for b in bounds):
            text += f" ({bounds[0]:.0f}-{bounds[1]:.0f}%)"
        items.append(text)
    return "; ".join(items)


def range_text(
    table: pd.DataFrame,
    label: str = "label",
    value: str = "percent",
    spec: str = "{:.0f}%",
    marker: str | None = None,
) -> str:
    """The smallest and largest value shown, with their labels: "from 10% (A) to 55% (B)".

    Values withheld by disclosure control (or missing) are left out of the range; say how
    many with :func:`withheld_text`.

    >>> t = pd.DataFrame({"label": ["A", "B", "C"], "percent": [10.0, 55.0, 30.0]})
    >>> range_text(t)
    'from 10% (A) to 55% (B)'
    """
    shown = _shown(table, value, marker)
    if shown.empty:
        return "no value shown"
    low, high = shown.loc[shown[value].idxmin()], shown.loc[shown[value].idxmax()]
    if low.name == high.name:
        return f"{spec.format(low[value])} ({low[label]})"
    lowest, highest = spec.format(low[value]), spec.format(high[value])
    return f"from {lowest} ({low[label]}) to {highest} ({high[label]})"


def withheld_text(table: pd.DataFrame, value: str = "percent", marker: str | None = None) -> str:
    """A sentence counting the values not shown, by reason ("" when every value is shown).

    >>> t = pd.DataFrame({"percent": [10.0, None, None], "count_marker": ["", "c", "c"]})
    >>> withheld_text(t)
    ' 2 values are [c] suppressed.'
    """
    reasons = [
        gap_text(code)
        for code, missing in zip(
            row_markers(table, marker), table[value].map(is_missing), strict=True
        )
        if missing
    ]
    counts = pd.Series(reasons, dtype=object).value_counts(sort=False)
    parts = [f"{n} value{'s are' if n > 1 else ' is'} {why}" for why, n in counts.items()]
    return (" " + "; ".join(parts) + ".") if parts else ""


def _shown(table: pd.DataFrame, value: str, marker: str | None) -> pd.DataFrame:
    keep = ~table[value].map(is_missing)
    shown = table[keep.to_numpy()].copy()
    shown[value] = pd.to_numeric(shown[value])
    return shown


def complete_alt_text(alt_text: str, label: str, source_note: str | None) -> str:
    """The alt text file: the author's description, then what data it shows, then the source."""
    parts = [alt_text.strip()]
    if is_synthetic_label(label):
        parts.append(
            "This figure is made from synthetic data (invented cases, not real children or "
            "reviews); it shows how the analysis works, not what happened."
        )
    else:
        parts.append(f"Data: {label.strip()}.")
    if source_note:
        parts.append(source_note.strip())
    return " ".join(parts) + "\n"
