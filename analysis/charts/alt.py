"""Alt text from the plotted data: the saved description, and the value lists it is built from.

A figure's alt text says what kind of chart it is, then every value plotted, then (added when
it is saved) what data it was made from and its source. The chapter chart modules build each
chapter's descriptions from the tables they draw, with :func:`percent_list` for the values.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"label": ["Under 1", "1 to 5"], "count": [9, 3], "percent": [75.0, 25.0]})
>>> percent_list(t)
'Under 1 75%; 1 to 5 25%'
>>> percent_list(t, count="count")
'Under 1 9 (75%); 1 to 5 3 (25%)'
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.charts.style import is_synthetic_label


def percent_list(
    table: pd.DataFrame,
    label: str | Sequence[str] = "label",
    *,
    percent: str = "percent",
    count: str | None = None,
    interval: tuple[str, str] | None = None,
) -> str:
    """Each row's label and whole percentage, joined by ``"; "``, in table order.

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
        Columns of the interval bounds, printed after it: "Under 1 45% (38-52%)".

    Returns
    -------
    str
    """
    labels = [label] if isinstance(label, str) else list(label)
    columns = [*labels, percent, *([count] if count else []), *(interval or ())]
    items = []
    for row in table[columns].itertuples(index=False, name=None):
        values = dict(zip(columns, row, strict=True))
        text = " ".join(f"{values[c]}" for c in labels)
        value = f"{values[percent]:.0f}%"
        text += f" {values[count]} ({value})" if count else f" {value}"
        if interval:
            text += f" ({values[interval[0]]:.0f}-{values[interval[1]]:.0f}%)"
        items.append(text)
    return "; ".join(items)


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
