"""Values a figure cannot show: the marker a row carries, the words shown for it, and whether
enough is left to draw.

A table protected by disclosure control (:mod:`analysis.publish.disclosure`) blanks a suppressed
count (``<NA>``), writes ``c`` in ``{column}_marker``, and withholds the row's percentages and
intervals (NaN). Bars, lines and alt text all read such rows through these functions, so a
suppressed value reads "[c] suppressed" everywhere, never "nan", "nan%" or "<NA>", and a count
always prints as a whole number. The words for each marker are in
:data:`analysis.charts.style.MARKER_TEXT`.

Examples
--------
>>> import pandas as pd
>>> gap_text("c"), gap_text(""), gap_text("not published")
('[c] suppressed', 'not available', 'not published')
>>> value_text(float("nan"), "{:.0f}%", "c"), value_text(12.4, "{:.0f}%"), count_text(7.0)
('[c] suppressed', '12%', '7')
>>> t = pd.DataFrame({"count": pd.array([9, None, None], dtype="Int64"),
...                   "count_marker": ["", "c", "c"], "percent": [30.0, None, None]})
>>> row_markers(t)
['', 'c', 'c']
>>> print(too_little_to_show(t, "percent"))  # doctest: +NORMALIZE_WHITESPACE
Figure not drawn: only 1 of its 3 values can be shown; 2 are suppressed to protect small
counts ([c]). A chart needs at least two values.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.charts.style import MARKER_TEXT, NOT_AVAILABLE_TEXT, SUPPRESSED_MARKER

#: Protected tables name a count's marker column ``{count}_marker``.
MARKER_SUFFIX = "_marker"


def is_missing(value: object) -> bool:
    """Whether a cell holds no value: None, NaN or ``pd.NA``."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a tuple or array in a cell is a value
        return False


def gap_text(marker: object = "") -> str:
    """The words shown where a value is missing, from the marker its row carries.

    A disclosure marker reads with its meaning in brackets ("[c] suppressed"); any other text a
    caller put in its marker column (e.g. "not published") is shown as given; no marker reads
    "not available".
    """
    code = "" if is_missing(marker) else str(marker).strip()
    return MARKER_TEXT.get(code, code) if code else NOT_AVAILABLE_TEXT


def _marker_columns(table: pd.DataFrame, marker: str | None) -> list[str]:
    auto = [c for c in table.columns if isinstance(c, str) and c.endswith(MARKER_SUFFIX)]
    return ([marker] if marker else []) + [c for c in auto if c != marker]


def row_markers(table: pd.DataFrame, marker: str | None = None) -> list[str]:
    """Each row's marker, in table order ("" where none).

    Parameters
    ----------
    table : DataFrame
    marker : str, optional
        A column of markers the caller names (it may hold its own words, such as "not
        published"); where it is empty, the protected table's ``*_marker`` columns are read.

    Returns
    -------
    list of str
        The named column's marker if it has one, else ``c`` if any count of the row is
        suppressed (suppression is the reason that matters most), else the first other marker.
    """
    columns = _marker_columns(table, marker)
    out = []
    for row in table[columns].itertuples(index=False, name=None):
        codes = ["" if is_missing(v) else str(v).strip() for v in row]
        own = codes[0] if marker else ""
        others = [c for c in codes[1 if marker else 0 :] if c]
        chosen = SUPPRESSED_MARKER if SUPPRESSED_MARKER in others else next(iter(others), "")
        out.append(own or chosen)
    return out


def as_float(values: pd.Series | Sequence) -> np.ndarray:
    """Values as floats, NaN where blank (``<NA>``) or text (a withheld ``"c"``)."""
    numbers = pd.to_numeric(pd.Series(values), errors="coerce")
    return numbers.to_numpy(dtype=float, na_value=np.nan)


def value_text(value: object, spec: str = "{:.0f}", marker: object = "") -> str:
    """A value formatted with ``spec``, or the words for why it is missing.

    A text value that is itself a marker (a withheld verdict reads ``"c"``) gives the marker's
    words; other text is returned as given.
    """
    if isinstance(value, str):
        code = value.strip()
        return gap_text(code or marker) if code in MARKER_TEXT or not code else value
    return gap_text(marker) if is_missing(value) else spec.format(value)


def count_text(value: object, marker: object = "") -> str:
    """A count as a whole number ("7", never "7.0"), or the words for why it is missing."""
    return value_text(value, "{:.0f}", marker)


def counted(table: pd.DataFrame, column: str, noun: str, row: int = 0) -> str:
    """A count and what it counts, for a title: "the 175 reviews", or why the number is missing.

    Parameters
    ----------
    table : DataFrame
        A protected table; ``{column}_marker`` (if any) says why a count is blank.
    column : str
        The column of counts, e.g. ``denominator_count``.
    noun : str
        What is counted, e.g. "reviews with a final report".
    row : int
        Position of the row to read.

    >>> t = pd.DataFrame({"denominator_count": pd.array([175, None], dtype="Int64"),
    ...                   "denominator_count_marker": ["", "c"]})
    >>> counted(t, "denominator_count", "reviews"), counted(t, "denominator_count", "reviews", 1)
    ('the 175 reviews', 'reviews (their number [c] suppressed)')
    """
    value = table[column].iloc[row]
    if not is_missing(value):
        return f"the {count_text(value)} {noun}"
    own = f"{column}{MARKER_SUFFIX}"
    code = row_markers(table, own if own in table.columns else None)[row]
    return f"{noun} (their number {gap_text(code)})"


def _are(n: int) -> str:
    return f"{n} is" if n == 1 else f"{n} are"


def shares_by(table: pd.DataFrame, key: str, spec: str = "{:.0f}%") -> dict[str, str]:
    """Each row's ``percent`` as text (or why it is withheld), by the value of ``key``.

    >>> t = pd.DataFrame({"measure": ["now", "ever"], "percent": [45.2, None],
    ...                   "count_marker": ["", "c"]})
    >>> shares_by(t, "measure")
    {'now': '45%', 'ever': '[c] suppressed'}
    """
    return {
        name: value_text(percent, spec, code)
        for name, percent, code in zip(
            table[key], table["percent"], row_markers(table), strict=True
        )
    }


#: Numbers as words in running text, as the report writes them ("thirteen measures").
_WORDS = (
    "no one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()


def lower_first(text: str) -> str:
    """A label inside a sentence: its first letter in lower case ("Domestic abuse" -> "domestic
    abuse"), the rest as written ("31 March" stays).

    >>> lower_first("Plans at 31 March")
    'plans at 31 March'
    """
    return text[:1].lower() + text[1:]


def word_list(items: Sequence[str]) -> str:
    """Items as a sentence lists them: "a", "a and b", "a, b and c".

    >>> word_list(["a"]), word_list(["a", "b", "c"])
    ('a', 'a, b and c')
    """
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def number_words(n: int) -> str:
    """A small whole number in words, a larger one in digits.

    >>> number_words(13), number_words(21)
    ('thirteen', '21')
    """
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


def too_little_to_show(
    table: pd.DataFrame, value_column: str, marker_column: str | None = None
) -> str | None:
    """Why a figure is not drawn, when fewer than two of its values are left to show.

    A chart of one value (every other suppressed) says no more than a sentence, and draws
    attention to what was withheld. Call this before drawing; write the sentence instead of the
    figure when it is not None.

    Parameters
    ----------
    table : DataFrame
        The table the figure would plot, protected.
    value_column : str
        The plotted values (percentages, counts); blank or NaN where withheld.
    marker_column : str, optional
        As in :func:`row_markers`; by default the protected table's ``*_marker`` columns.

    Returns
    -------
    str or None
        A plain sentence when fewer than two values can be shown and at least one is withheld
        or missing (or the table is empty); None when the figure can be drawn.
    """
    values = as_float(table[value_column])
    shown = int((~np.isnan(values)).sum())
    if shown >= 2 or (shown == len(values) and shown > 0):
        return None
    if not len(values):
        return "Figure not drawn: its table has no values to show."
    markers = row_markers(table, marker_column)
    missing = [m for v, m in zip(values, markers, strict=True) if np.isnan(v)]
    suppressed = sum(m == SUPPRESSED_MARKER for m in missing)
    other = len(missing) - suppressed
    reasons = []
    if suppressed:
        reasons.append(
            f"{_are(suppressed)} suppressed to protect small counts ([{SUPPRESSED_MARKER}])"
        )
    if other:
        reasons.append(f"{_are(other)} not available")
    left = f"only {shown}" if shown else "none"
    return (
        f"Figure not drawn: {left} of its {len(values)} values can be shown; "
        f"{' and '.join(reasons)}. A chart needs at least two values."
    )
