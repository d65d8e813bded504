"""Checks for exercises 1 and 3: a share and its interval by age; small numbers and disclosure.

A trainer runs a two-hour session (``docs/teaching.md``) in which learners write answers into
named variables and call a check from here, e.g.::

    answer_now = None  # the learner fills this in
    check_involvement(answer_now, cases, age_band="11_15")

Each check computes the expected answer from the library on the cases it is given (nothing is
typed in) and answers as :mod:`analysis.teaching.feedback` describes: one line starting
``Well done:`` or ``Not yet:``, True or False, never an error.
"""

from __future__ import annotations

import pandas as pd

from analysis.publish.disclosure import SUPPRESSED, THRESHOLD, protect
from analysis.stats.tables import involvement_now_vs_ever, label_of, proportion_table
from analysis.teaching.data import recode_one_child
from analysis.teaching.feedback import (
    as_number,
    blank,
    close,
    never_raises,
    not_yet,
    number_answer,
    percent_feedback,
    typed_numbers,
    well_done,
)


def _band_row(cases: pd.DataFrame, age_band: str | None, measure: str) -> pd.Series:
    """The involvement table row for one age band (or all children) and one measure."""
    if age_band is None:
        table = involvement_now_vs_ever(cases)
        return table.loc[table["measure"] == measure].iloc[0]
    table = involvement_now_vs_ever(cases, by="age_band")
    rows = table.loc[(table["age_band"] == age_band) & (table["measure"] == measure)]
    if rows.empty:
        raise ValueError(f"no children in age band {age_band!r}")
    return rows.iloc[0]


def _band_words(age_band: str | None) -> str:
    return "all children" if age_band is None else f"children aged {label_of('age_band', age_band)}"


_MEASURE_WORDS = {
    "now": "involved with children's social care at the time of the incident",
    "ever": "ever involved with children's social care",
    "closed_gap": "ever involved but not at the time",
}


# --------------------------------------------------------------------------------------------
# Exercise 1: involvement by age, and its interval
# --------------------------------------------------------------------------------------------


@never_raises
def check_denominator(answer, cases: pd.DataFrame, age_band: str = "11_15") -> bool:
    """Check the number of children in an age band (the denominator of its percentages).

    Parameters
    ----------
    answer : int
        The learner's count.
    cases : DataFrame
        Loaded cases (``age_band``).
    age_band : str
        An ``age_band`` code.

    Returns
    -------
    bool
        True when the count is exactly right. Prints feedback either way.
    """
    value = number_answer(answer, "`answer_n`", "a whole number of children")
    if value is None:
        return False
    expected = int(_band_row(cases, age_band, "now")["denominator_count"])
    if value == expected:
        return well_done(
            f"{expected} {_band_words(age_band)}. Every percentage for this band is out of "
            f"{expected}, so one child is worth {100 / expected:.1f} percentage points."
        )
    return not_yet(
        f"{value:g} is not the number of {_band_words(age_band)}. Hint: it is the "
        "`denominator_count` column of the table, the same on every row of the band."
    )


@never_raises
def check_involvement(
    answer, cases: pd.DataFrame, age_band: str | None = "11_15", measure: str = "now"
) -> bool:
    """Check a share involved with children's social care, in percent.

    Parameters
    ----------
    answer : float
        The learner's percentage (0-100), e.g. ``46.5``; rounding to the nearest whole
        percent is accepted (tolerance :data:`TOLERANCE_POINTS`).
    cases : DataFrame
        Loaded cases (``csc_status_at_incident``, ``csc_ever_involved``, ``age_band``).
    age_band : str or None
        An ``age_band`` code, or None for all children.
    measure : {"now", "ever", "closed_gap"}
        Which share (see :func:`analysis.stats.tables.involvement_now_vs_ever`).

    Returns
    -------
    bool
        True when right within the tolerance. Prints feedback either way.
    """
    variable = {"now": "`answer_now`", "ever": "`answer_ever`"}.get(measure, "your answer")
    value = number_answer(answer, variable, "a percentage such as 12.3")
    if value is None:
        return False
    row = _band_row(cases, age_band, measure)
    what = f"the share of {_band_words(age_band)} {_MEASURE_WORDS[measure]}"
    hint = (
        'use involvement_now_vs_ever(cases, by="age_band") and read the `percent` of the row '
        f'where age_band is "{age_band}" and measure is "{measure}".'
        if age_band is not None
        else f'use involvement_now_vs_ever(cases) and the row where measure is "{measure}".'
    )
    return percent_feedback(value, float(row["percent"]), what, hint)


@never_raises
def check_interval(
    answer, cases: pd.DataFrame, age_band: str | None = "11_15", measure: str = "now"
) -> bool:
    """Check a 95% Wilson interval, given as ``(low, high)`` in percent.

    Parameters
    ----------
    answer : tuple of two floats
        ``(low, high)`` in percent; each limit within :data:`TOLERANCE_POINTS`.
    cases, age_band, measure
        As in :func:`check_involvement`.

    Returns
    -------
    bool
        True when both limits are right within the tolerance. Prints feedback either way.
    """
    if blank(answer, "`answer_interval`", "two numbers, (low, high)"):
        return False
    if isinstance(answer, str):  # typed as text: "(30.1, 55.2)", "30.1 to 55.2", "30-55%"
        answer = typed_numbers(answer.replace("-", " "))
    if not hasattr(answer, "__len__") or len(answer) != 2:
        return not_yet("give the interval as two numbers, low then high, e.g. (30.1, 55.2).")
    low, high = (as_number(v, "a percentage") for v in answer)
    row = _band_row(cases, age_band, measure)
    expected = float(row["ci_low_percent"]), float(row["ci_high_percent"])
    if low > high:
        return not_yet("the low limit comes first: (low, high).")
    if all(close(a, e) for a, e in zip((low, high), expected, strict=True)):
        return well_done(
            f"the 95% interval is {expected[0]:.1f}% to {expected[1]:.1f}%, "
            f"{expected[1] - expected[0]:.0f} percentage points wide, around "
            f"{float(row['percent']):.1f}%."
        )
    if high <= 1 and all(close(100 * a, e) for a, e in zip((low, high), expected, strict=True)):
        return not_yet("those look like proportions between 0 and 1; give percentages.")
    return not_yet(
        "not the 95% interval of that share. Hint: the columns `ci_low_percent` and "
        "`ci_high_percent` of the same row as the percentage."
    )


@never_raises
def check_interval_width(
    answer, cases: pd.DataFrame, age_band: str | None = "6_10", measure: str = "now"
) -> bool:
    """Check the width (high minus low) of a 95% interval, in percentage points.

    Parameters
    ----------
    answer : float
        The learner's width in percentage points (tolerance :data:`TOLERANCE_POINTS`).
    cases, age_band, measure
        As in :func:`check_involvement`; ``age_band=None`` for all children.

    Returns
    -------
    bool
        True when right within the tolerance. Prints feedback either way.
    """
    what = f"the width for {_band_words(age_band)}"
    value = number_answer(answer, what, "a number of percentage points")
    if value is None:
        return False
    row = _band_row(cases, age_band, measure)
    expected = float(row["ci_high_percent"] - row["ci_low_percent"])
    n = int(row["denominator_count"])
    if close(value, expected):
        return well_done(
            f"the interval for {_band_words(age_band)} (n = {n}) is {expected:.1f} percentage "
            "points wide."
        )
    return not_yet(
        f"{value:g} is not the width for {_band_words(age_band)}. Hint: ci_high_percent minus "
        f'ci_low_percent, on the row where measure is "{measure}".'
    )


@never_raises
def check_one_child(answer, cases: pd.DataFrame, age_band: str = "6_10") -> bool:
    """Check how many percentage points one recoded child moves a band's share involved now.

    The expected change is recomputed: the share involved at the time after
    :func:`recode_one_child` minus the share before.

    Parameters
    ----------
    answer : float
        Change in percentage points (tolerance :data:`TOLERANCE_POINTS`).
    cases : DataFrame
        The original loaded cases (not the recoded copy).
    age_band : str
        The band recoded.

    Returns
    -------
    bool
        True when right within the tolerance. Prints feedback either way.
    """
    value = number_answer(answer, "`answer_one_child`", "a number of percentage points")
    if value is None:
        return False
    before = _band_row(cases, age_band, "now")
    after = _band_row(recode_one_child(cases, age_band), age_band, "now")
    expected = float(after["percent"] - before["percent"])
    n = int(before["denominator_count"])
    if close(value, expected):
        return well_done(
            f"one child of {n} moves the share by {expected:.1f} points (100 / {n}), from "
            f"{float(before['percent']):.1f}% to {float(after['percent']):.1f}%: a single coding "
            "decision changes the headline for a small group."
        )
    if close(-value, expected):
        return not_yet("right size, wrong sign: the share went up. Give after minus before.")
    return not_yet(
        f"{value:g} is not the change. Hint: the share involved at the time in the recoded "
        "data minus the share in the original data, for the same age band."
    )


def _ever_table(cases: pd.DataFrame) -> pd.DataFrame:
    return proportion_table(cases, "csc_ever_involved", by="age_band")


def _primary_only(cases: pd.DataFrame) -> pd.DataFrame:
    return protect(_ever_table(cases), threshold=THRESHOLD, secondary=False)


def _hidden_codes(protected: pd.DataFrame, age_band: str) -> list[str]:
    rows = protected.loc[protected["age_band"] == age_band]
    return rows.loc[rows["count_marker"] == SUPPRESSED, "csc_ever_involved"].tolist()


@never_raises
def check_recovered(answer, cases: pd.DataFrame, age_band: str = "under_1") -> bool:
    """Check the count recovered by subtraction from a table with primary suppression only.

    In ``protect(proportion_table(cases, "csc_ever_involved", by="age_band"),
    secondary=False)`` (primary suppression alone) the age band has one hidden cell; the
    learner recovers it as the denominator minus the cells shown.

    Parameters
    ----------
    answer : int
        The learner's recovered count (exact).
    cases : DataFrame
        Loaded cases.
    age_band : str
        The band whose single hidden cell is recovered.

    Returns
    -------
    bool
        True when the count is exactly right. Prints feedback either way.
    """
    value = number_answer(answer, "`answer_recovered`", "a whole number")
    if value is None:
        return False
    hidden = _hidden_codes(_primary_only(cases), age_band)
    if len(hidden) != 1:
        return not_yet(f"the {age_band} group does not have exactly one hidden cell here.")
    table = _ever_table(cases)
    row = table.loc[(table["age_band"] == age_band) & (table["csc_ever_involved"] == hidden[0])]
    expected = int(row["count"].iloc[0])
    total = int(row["denominator_count"].iloc[0])
    if value == expected:
        return well_done(
            f"{total} minus the cells shown leaves {expected}: the hidden cell was not hidden "
            "at all. That is why primary suppression alone is not enough."
        )
    return not_yet(
        f"{value:g} is not the hidden count. Hint: for children aged "
        f"{label_of('age_band', age_band)}, take denominator_count and subtract every count "
        "that is shown."
    )


@never_raises
def check_secondary(answer, cases: pd.DataFrame, age_band: str = "under_1") -> bool:
    """Check which cell secondary suppression hid to protect the small one.

    By default :func:`analysis.publish.disclosure.protect` audits the table and hides a
    second cell
    in a group that would otherwise have a single hidden cell.

    Parameters
    ----------
    answer : str
        The ``csc_ever_involved`` code (``"yes"``, ``"no"``, ``"not_recorded"``) or its label.
    cases : DataFrame
        Loaded cases.
    age_band : str
        The band looked at.

    Returns
    -------
    bool
        True when it names the secondary cell. Prints feedback either way.
    """
    if blank(answer, "`answer_secondary`", 'a code in quotes, e.g. "yes"'):
        return False
    if not isinstance(answer, str):
        return not_yet('give the code in quotes, e.g. "yes".')
    primary = set(_hidden_codes(_primary_only(cases), age_band))
    full = protect(_ever_table(cases), threshold=THRESHOLD)
    secondary = [c for c in _hidden_codes(full, age_band) if c not in primary]
    labels = {c: label_of("csc_ever_involved", c) for c in secondary}
    given = answer.strip().strip("\"'").strip().lower()  # typed with or without quotes
    if given in secondary or given in {v.lower() for v in labels.values()}:
        named = ", ".join(f'"{labels[c]}" ({c})' for c in secondary)
        return well_done(
            f"{named} was hidden as well, so the small cell can no longer be worked out from "
            "the total."
        )
    if given in primary:
        return not_yet(
            "that is the small cell itself (primary suppression). Which other cell was hidden?"
        )
    return not_yet(
        f"not that one. Hint: compare the {label_of('age_band', age_band)} rows of the two "
        "protected tables; which count is blank in the second but shown in the first?"
    )
