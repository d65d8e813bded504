"""What a chapter chart says of the review periods its table holds: which they are, whether the
bars of several sit side by side, and what their intervals allow for.
"""

from __future__ import annotations

import pandas as pd

from analysis.charts.gaps import row_markers, value_text


def review_periods(table: pd.DataFrame) -> list[str]:
    """The review periods a table holds, in order (none: a table without the column).

    >>> review_periods(pd.DataFrame({"review_period": ["2011-14", "2011-14", "2014-17"]}))
    ['2011-14', '2014-17']
    """
    if "review_period" not in table:
        return []
    return [str(p) for p in dict.fromkeys(table["review_period"])]


def side_by_side(table: pd.DataFrame) -> str | None:
    """The column a chart groups bars by: the review period where the table holds several,
    else none (one bar a category, as before there were two periods)."""
    return "review_period" if len(review_periods(table)) > 1 else None


def intervals_note(table: pd.DataFrame) -> str:
    """What a subtitle says of the intervals: 95%, allowing for siblings where the table's
    children share reviews (a ``design_effect`` above 1).

    >>> intervals_note(pd.DataFrame({"design_effect": [1.0, 1.2]}))
    '95% intervals, allowing for siblings in one review'
    >>> intervals_note(pd.DataFrame({"percent": [10.0]}))
    '95% intervals'
    """
    effects = pd.to_numeric(table.get("design_effect", pd.Series(dtype=float)), errors="coerce")
    siblings = bool((effects > 1).any())
    return "95% intervals" + (", allowing for siblings in one review" if siblings else "")


def period_words(table: pd.DataFrame) -> str:
    """The table's periods in a subtitle: "2011-14 and 2014-17"."""
    return " and ".join(review_periods(table))


def shares_by_period(table: pd.DataFrame, label: str = "label") -> str:
    """Each row label's shares, one a period in order, joined (shorter alt text than one item a
    row); a withheld share reads as its marker says.

    >>> t = pd.DataFrame({"label": ["A", "B", "A", "B"], "percent": [10.0, 20.0, 11.0, None],
    ...     "review_period": ["2011-14", "2011-14", "2014-17", "2014-17"],
    ...     "count_marker": ["", "", "", "c"]})
    >>> shares_by_period(t)
    'A 10%, 11%; B 20%, [c] suppressed'
    """
    marked = table.assign(
        _text=[
            value_text(v, "{:.0f}%", m)
            for v, m in zip(table["percent"], row_markers(table), strict=True)
        ]
    )
    return "; ".join(
        f"{name} {', '.join(rows['_text'])}" for name, rows in marked.groupby(label, sort=False)
    )
