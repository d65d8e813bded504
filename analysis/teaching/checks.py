"""Self-checks for the teaching notebooks (``notebooks/teaching/``): friendly, never failing.

A trainer runs a two-hour session (``docs/teaching.md``) in which learners write answers into
named variables and call a check from here, e.g.::

    answer_now = None  # the learner fills this in
    check_involvement(answer_now, cases, age_band="11_15")

Each check computes the expected answer from the library on the cases it is given (nothing is
typed in), prints one line of feedback that starts ``Well done:`` or ``Not yet:`` (with a hint,
never the answer), and returns ``True`` or ``False``. A check never raises: a missing answer
(``None`` or ``...``), a wrong type or an unexpected error all print "Not yet", so a notebook
with no answers filled in still runs top to bottom.

Teaching never shows real cases: :func:`teaching_cases` always reads the shipped synthetic file
(ignoring ``SCR_DATA``) and refuses data that does not say it is synthetic in every row.

Tolerances (stated in each check's message where it matters):

- percentages and interval limits: within :data:`TOLERANCE_POINTS` (0.5) percentage points of
  the exact value, so an answer rounded to the nearest whole percent is accepted;
- counts: exact (an integer; ``43.0`` is accepted as 43).
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.casedata.codebook import PERIODS
from analysis.casedata.load import is_synthetic, load_cases
from analysis.paths import DATA_ENV_VAR, SYNTHETIC_DIR, data_override
from analysis.publish.disclosure import SUPPRESSED, THRESHOLD, protect
from analysis.stats.inference import wilson_interval
from analysis.stats.tables import (
    involvement_flags,
    involvement_now_vs_ever,
    label_of,
    proportion_table,
)

#: Percentage answers within this many points of the exact value count as right.
TOLERANCE_POINTS = 0.5
#: Figures written by the teaching notebooks start with this, so they never overwrite a chapter's.
FIGURE_PREFIX = "teaching_"

WELL_DONE = "Well done:"
NOT_YET = "Not yet:"


class TeachingDataError(RuntimeError):
    """The cases are not the shipped synthetic ones: teaching refuses to show real cases."""


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def synthetic_path(period: str = "2011-14") -> Path:
    """The shipped synthetic case file of a review period (``data/synthetic/``)."""
    if period not in PERIODS:
        raise ValueError(f"unknown review period {period!r}; choose one of {', '.join(PERIODS)}")
    return SYNTHETIC_DIR / f"synthetic_cases_{period}.csv"


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
    ``c``, so a
    table can be compared before and after protection. For display only: tables are written
    tidy.

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
    from analysis.casedata.codebook import all_variables

    variable = all_variables().get(column)
    return variable.label if variable else column


# --------------------------------------------------------------------------------------------
# Feedback plumbing
# --------------------------------------------------------------------------------------------


def _well_done(message: str) -> bool:
    print(f"{WELL_DONE} {message}")
    return True


def _not_yet(message: str) -> bool:
    print(f"{NOT_YET} {message}")
    return False


def _never_raises(check):
    """Turn any error inside a check into "Not yet" feedback: a check must never stop a lesson."""

    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        try:
            return bool(check(*args, **kwargs))
        except _WrongType as exc:
            return _not_yet(str(exc))
        except Exception as exc:  # a learner's odd answer must not stop the notebook
            return _not_yet(
                f"I could not check this answer ({type(exc).__name__}: {exc}). Look at the "
                "instructions above the cell and try again."
            )

    return wrapper


class _WrongType(TypeError):
    """The answer is of a kind the check cannot read; the message says what to give instead."""


def _is_blank(answer) -> bool:
    return answer is None or answer is Ellipsis


def _as_number(answer, name: str = "a number") -> float:
    """A plain number from an answer (also a one-element Series or array); else explain."""
    if isinstance(answer, pd.Series | pd.Index | np.ndarray | list | tuple) and len(answer) == 1:
        answer = answer[0] if not isinstance(answer, pd.Series) else answer.iloc[0]
    if isinstance(answer, bool | np.bool_):
        raise _WrongType(f"that is True/False; give {name}.")
    if isinstance(answer, str):
        raise _WrongType(f"that is the text {answer!r}; give {name}, without quotes or a % sign.")
    if not isinstance(answer, numbers.Real):
        raise _WrongType(f"that is a {type(answer).__name__}; give {name}.")
    value = float(answer)
    if math.isnan(value):
        raise _WrongType("that is NaN (not a number); check the row you selected.")
    return value


def _blank(answer, variable: str, kind: str) -> bool | None:
    """Feedback for a blank answer; None when there is an answer to check.

    ``variable`` names what is blank: a variable in backticks, or words.
    """
    if _is_blank(answer):
        return _not_yet(f"{variable} is still empty. Replace None with your answer ({kind}).")
    return None


def _percent_feedback(value: float, expected: float, what: str, hint: str) -> bool:
    if abs(value - expected) <= TOLERANCE_POINTS:
        return _well_done(f"{what} is {expected:.1f}% (your {value:g} is within 0.5 points).")
    if 0 < value <= 1 and abs(100 * value - expected) <= TOLERANCE_POINTS:
        return _not_yet(
            f"{value:g} looks like a proportion between 0 and 1; give a percentage (times 100)."
        )
    return _not_yet(f"{value:g} is not {what}. Hint: {hint}")


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


@_never_raises
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
    if _blank(answer, "`answer_n`", "a whole number of children") is not None:
        return False
    value = _as_number(answer, "a whole number of children")
    expected = int(_band_row(cases, age_band, "now")["denominator_count"])
    if value == expected:
        return _well_done(
            f"{expected} {_band_words(age_band)}. Every percentage for this band is out of "
            f"{expected}, so one child is worth {100 / expected:.1f} percentage points."
        )
    return _not_yet(
        f"{value:g} is not the number of {_band_words(age_band)}. Hint: it is the "
        "`denominator_count` column of the table, the same on every row of the band."
    )


@_never_raises
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
    if _blank(answer, variable, "a percentage such as 12.3") is not None:
        return False
    value = _as_number(answer, "a percentage such as 12.3")
    row = _band_row(cases, age_band, measure)
    what = f"the share of {_band_words(age_band)} {_MEASURE_WORDS[measure]}"
    hint = (
        'use involvement_now_vs_ever(cases, by="age_band") and read the `percent` of the row '
        f'where age_band is "{age_band}" and measure is "{measure}".'
        if age_band is not None
        else f'use involvement_now_vs_ever(cases) and the row where measure is "{measure}".'
    )
    return _percent_feedback(value, float(row["percent"]), what, hint)


@_never_raises
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
    if _blank(answer, "`answer_interval`", "two numbers, (low, high)") is not None:
        return False
    if isinstance(answer, str) or not hasattr(answer, "__len__") or len(answer) != 2:
        return _not_yet(
            "give the interval as two numbers in brackets, (low, high), e.g. (30.1, 55.2)."
        )
    low, high = (_as_number(v, "a percentage") for v in answer)
    row = _band_row(cases, age_band, measure)
    expected = float(row["ci_low_percent"]), float(row["ci_high_percent"])
    if low > high:
        return _not_yet("the low limit comes first: (low, high).")
    if all(abs(a - e) <= TOLERANCE_POINTS for a, e in zip((low, high), expected, strict=True)):
        return _well_done(
            f"the 95% interval is {expected[0]:.1f}% to {expected[1]:.1f}%, "
            f"{expected[1] - expected[0]:.0f} percentage points wide, around "
            f"{float(row['percent']):.1f}%."
        )
    if high <= 1 and all(
        abs(100 * a - e) <= TOLERANCE_POINTS for a, e in zip((low, high), expected, strict=True)
    ):
        return _not_yet("those look like proportions between 0 and 1; give percentages.")
    return _not_yet(
        "not the 95% interval of that share. Hint: the columns `ci_low_percent` and "
        "`ci_high_percent` of the same row as the percentage."
    )


# --------------------------------------------------------------------------------------------
# Multiple-choice questions (the concepts; their keys are fixed, not computed)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """A multiple-choice question: prompt, options by letter, the right letter, and why."""

    prompt: str
    options: dict[str, str]
    right: str
    why: str
    hint: str


QUESTIONS: dict[str, Question] = {
    "interval_meaning": Question(
        prompt="What does the 95% Wilson interval around the percentage tell you?",
        options={
            "a": "That 95% of children of this age in England were involved with social care.",
            "b": "That there is a 95% chance the share among these very children lies between "
            "the two limits.",
            "c": "The range of underlying shares that are compatible with what we counted: "
            "intervals built this way contain the true share in about 95 of 100 samples.",
        },
        right="c",
        why="the share among these children is known exactly (we counted it); the interval "
        "is about the process that produced them, how far chance alone could move the share.",
        hint="the percentage among the children we have is not uncertain at all: we counted "
        "it. What is the interval uncertain about?",
    ),
    "why_wide": Question(
        prompt="Why is the interval for one age band so much wider than for all children?",
        options={
            "a": "It rests on far fewer children, and the width shrinks only with the square "
            "root of the number of children.",
            "b": "The Wilson method is less accurate for some ages.",
            "c": "Because the data are synthetic.",
        },
        right="a",
        why="an interval's width depends mainly on n: a band of a few dozen children gives a "
        "width of tens of percentage points; the same share from all children is much tighter.",
        hint="compare `denominator_count` for the band and for all children.",
    ),
    "width_vs_n": Question(
        prompt="Roughly how many times more children do you need to halve an interval's width?",
        options={
            "a": "Twice as many.",
            "b": "Four times as many.",
            "c": "Ten times as many.",
        },
        right="b",
        why="the width goes with 1 / square root of n, so halving it takes four times the "
        "children (all children are about ten times a band of 30: the width shrinks about "
        "three times, not ten).",
        hint="the width goes with 1 / square root of n. What n makes the square root double?",
    ),
    "why_secondary": Question(
        prompt="Why must a suppressed cell not be recoverable from the totals?",
        options={
            "a": "Because totals are rounded before they are published.",
            "b": "Because the point of suppression is that no reader learns a small count "
            "about identifiable children; if the total and the other cells are shown, "
            "subtraction gives the hidden count back and the protection is an illusion.",
            "c": "Because blank cells make a table harder to read.",
        },
        right="b",
        why="a table, its totals and every other published table together must not reveal "
        "a small count; that is why protect() hides a second cell in the same group.",
        hint="think back to the count you recovered by subtraction.",
    ),
    "percent_of_suppressed": Question(
        prompt="protect() also blanks the percentage and interval of a suppressed count. Why?",
        options={
            "a": "A percentage times its denominator, divided by 100, gives the count back.",
            "b": "Percentages are not allowed in official statistics.",
            "c": "To save space in the table.",
        },
        right="a",
        why="5% of 40 children is 2 children: any figure derived from a hidden count must be "
        "hidden too (a pitfall seen in real projects).",
        hint="if you knew the percentage and the denominator, what could you work out?",
    ),
}


def ask(question_id: str) -> None:
    """Print a multiple-choice question and its options (answer with the letter)."""
    question = QUESTIONS[question_id]
    print(question.prompt)
    for letter, text in question.options.items():
        print(f"  ({letter}) {text}")


@_never_raises
def check_choice(question_id: str, answer) -> bool:
    """Check the letter chosen for a multiple-choice question in :data:`QUESTIONS`.

    Parameters
    ----------
    question_id : str
        A key of :data:`QUESTIONS`, e.g. ``"interval_meaning"``.
    answer : str
        The letter, e.g. ``"a"`` (case and brackets ignored).

    Returns
    -------
    bool
        True when the letter is right. Prints feedback (the reason, or a hint) either way.
    """
    question = QUESTIONS[question_id]
    letters = ", ".join(f'"{k}"' for k in question.options)
    if _is_blank(answer):
        return _not_yet(f"no letter chosen yet. Replace None with one of {letters}.")
    if not isinstance(answer, str):
        return _not_yet(f"answer with a letter in quotes, one of {letters}.")
    letter = answer.strip().strip("()").strip().lower()
    if letter not in question.options:
        return _not_yet(f"{answer!r} is not one of the options; choose one of {letters}.")
    if letter == question.right:
        return _well_done(f"({letter}): {question.why}")
    return _not_yet(f"not ({letter}). Hint: {question.hint}")


# --------------------------------------------------------------------------------------------
# Exercise 2: a figure in the house style
# --------------------------------------------------------------------------------------------


def _expected_ever_by_age(cases: pd.DataFrame) -> pd.DataFrame:
    table = involvement_now_vs_ever(cases, by="age_band")
    return table.loc[table["measure"] == "ever"].reset_index(drop=True)


@_never_raises
def check_figure_data(table, cases: pd.DataFrame) -> bool:
    """Check the table to plot: the share ever involved, one row per age band, with intervals.

    Parameters
    ----------
    table : DataFrame
        The learner's table (rows of ``involvement_now_vs_ever(cases, by="age_band")``
        where ``measure == "ever"``).
    cases : DataFrame
        Loaded cases.

    Returns
    -------
    bool
        True when it has one row per age band with the right ``percent`` (within
        :data:`TOLERANCE_POINTS`) and the interval columns. Prints feedback either way.
    """
    if _blank(table, "`ever_by_age`", "a table") is not None:
        return False
    if not isinstance(table, pd.DataFrame):
        return _not_yet(
            f"`ever_by_age` should be a table (DataFrame), not a {type(table).__name__}."
        )
    expected = _expected_ever_by_age(cases)
    needed = ["age_band", "age_band_label", "percent", "ci_low_percent", "ci_high_percent"]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        return _not_yet(
            f"the table lacks {missing}. Hint: start from "
            'involvement_now_vs_ever(cases, by="age_band").'
        )
    if len(table) != len(expected) or table["age_band"].duplicated().any():
        return _not_yet(
            f"the table has {len(table)} rows; a bar chart by age needs one row per age band "
            f'({len(expected)}). Hint: keep only the rows where measure is "ever".'
        )
    merged = expected.merge(table, on="age_band", suffixes=("", "_answer"), how="left")
    if not np.allclose(merged["percent"], merged["percent_answer"], atol=TOLERANCE_POINTS):
        return _not_yet(
            'these are not the shares ever involved. Hint: keep the rows where measure is "ever".'
        )
    return _well_done(
        f"one row per age band, {len(table)} bars, with 95% intervals: ready to plot."
    )


_CHART_WORDS = ("bar chart", "chart", "figure", "graph", "plot")


@_never_raises
def check_title(title) -> bool:
    """Check a figure title reads as a statement of what the figure shows.

    The house style asks for a title that says what the reader should see (ideally the
    finding), not the chart type. Checked: text of 20 to 110 characters that does not start
    with "Bar chart", "Chart", "Figure", "Graph" or "Plot".

    Returns
    -------
    bool
        True when the title passes. Prints feedback either way.
    """
    if _blank(title, "`title`", "a sentence in quotes") is not None:
        return False
    if not isinstance(title, str):
        return _not_yet("a title is text: put it in quotes.")
    words = title.strip()
    if len(words) < 20:
        return _not_yet("too short to tell the reader anything. Say what the bars show.")
    if len(words) > 110:
        return _not_yet(
            "too long for a title; keep it to one line and move detail to the subtitle."
        )
    if words.lower().startswith(_CHART_WORDS):
        return _not_yet(
            "the reader can see it is a chart. Say what it shows instead, e.g. which ages "
            "stand out."
        )
    return _well_done(f"{words!r} tells the reader what to look for.")


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@_never_raises
def check_alt_text(alt_text, cases: pd.DataFrame) -> bool:
    """Check alt text describes the chart and states every plotted value.

    Checked: text of at least 60 characters that says it is a bar chart and contains, for each
    age band, its percentage ever involved (any number within :data:`TOLERANCE_POINTS`, so
    "57%" for 56.8% is fine).

    Parameters
    ----------
    alt_text : str
        The learner's alt text.
    cases : DataFrame
        Loaded cases (the values plotted are computed from them).

    Returns
    -------
    bool
        True when it passes. Prints feedback either way.
    """
    if _blank(alt_text, "`alt_text`", "a description in quotes") is not None:
        return False
    if not isinstance(alt_text, str):
        return _not_yet("alt text is text: put it in quotes (an f-string helps with the values).")
    if len(alt_text.strip()) < 60:
        return _not_yet(
            "too short. Say what kind of chart it is, what it shows, and every value plotted."
        )
    if "bar" not in alt_text.lower():
        return _not_yet(
            "say what kind of chart it is (a bar chart), for someone who cannot see it."
        )
    numbers_in_text = [float(n) for n in _NUMBER.findall(alt_text)]
    expected = _expected_ever_by_age(cases)
    missing = [
        str(r.age_band_label)
        for r in expected.itertuples()
        if not any(abs(n - r.percent) <= TOLERANCE_POINTS for n in numbers_in_text)
    ]
    if missing:
        return _not_yet(
            f"the value for {', '.join(missing)} is missing. Alt text states every value "
            'plotted, e.g. f"{row.percent:.0f}%" for each row.'
        )
    return _well_done("it says what the chart is and states every value plotted.")


@_never_raises
def check_figure(fig) -> bool:
    """Check a figure was saved through ``Run.figure``: named, stamped, with alt text and data.

    Checked: it is a figure returned by ``run.figure`` (so it has ``saved_paths``);
    its name starts with :data:`FIGURE_PREFIX`; the PNG, SVG, CSV and alt text files exist; it
    carries the data stamp, and the synthetic stamp when made from synthetic data; it has 95%
    interval whiskers.

    Returns
    -------
    bool
        True when all hold. Prints feedback either way.
    """
    from analysis.charts import SYNTHETIC_STAMP
    from analysis.charts.introspect import figure_stamps, has_interval_whiskers, is_figure

    if _blank(fig, "`fig`", "the figure returned by run.figure(...)") is not None:
        return False
    if not is_figure(fig):
        return _not_yet(f"`fig` should be a figure, not a {type(fig).__name__}.")
    paths = getattr(fig, "saved_paths", None)
    if not paths:
        return _not_yet(
            "the figure is drawn but not saved. Pass it to run.figure(fig, name, data=..., "
            "alt_text=...), which stamps it and writes it with its alt text and data."
        )
    name = Path(paths["png"]).stem
    if not name.startswith(FIGURE_PREFIX):
        return _not_yet(
            f"name teaching figures {FIGURE_PREFIX}..., e.g. {FIGURE_PREFIX}02_..., "
            "so they never overwrite a chapter's figure."
        )
    absent = [kind for kind, path in paths.items() if not Path(path).exists()]
    if absent:
        return _not_yet(f"these files were not written: {absent}. Run the cell again.")
    stamps = figure_stamps(fig)
    if not stamps:
        return _not_yet("the figure carries no data stamp. Save it with run.figure(...).")
    alt = Path(paths["alt"]).read_text(encoding="utf-8")
    if "synthetic" in alt.lower() and SYNTHETIC_STAMP not in stamps:
        return _not_yet("made from synthetic data but not stamped so. Use run.figure(...).")
    if not has_interval_whiskers(fig):
        return _not_yet(
            'no 95% intervals drawn. Hint: bar_percent(..., low="ci_low_percent", '
            'high="ci_high_percent").'
        )
    return _well_done(
        f"saved as {name} (PNG, SVG, the plotted data as CSV and the alt text), stamped "
        f"{stamps[0]!r}."
    )


# --------------------------------------------------------------------------------------------
# Exercise 3: small numbers, and disclosure control
# --------------------------------------------------------------------------------------------


@_never_raises
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
    if _blank(answer, what, "a number of percentage points") is not None:
        return False
    value = _as_number(answer, "a number of percentage points")
    row = _band_row(cases, age_band, measure)
    expected = float(row["ci_high_percent"] - row["ci_low_percent"])
    n = int(row["denominator_count"])
    if abs(value - expected) <= TOLERANCE_POINTS:
        return _well_done(
            f"the interval for {_band_words(age_band)} (n = {n}) is {expected:.1f} percentage "
            "points wide."
        )
    return _not_yet(
        f"{value:g} is not the width for {_band_words(age_band)}. Hint: ci_high_percent minus "
        f'ci_low_percent, on the row where measure is "{measure}".'
    )


@_never_raises
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
    if _blank(answer, "`answer_one_child`", "a number of percentage points") is not None:
        return False
    value = _as_number(answer, "a number of percentage points")
    before = _band_row(cases, age_band, "now")
    after = _band_row(recode_one_child(cases, age_band), age_band, "now")
    expected = float(after["percent"] - before["percent"])
    n = int(before["denominator_count"])
    if abs(value - expected) <= TOLERANCE_POINTS:
        return _well_done(
            f"one child of {n} moves the share by {expected:.1f} points (100 / {n}), from "
            f"{float(before['percent']):.1f}% to {float(after['percent']):.1f}%: a single coding "
            "decision changes the headline for a small group."
        )
    if abs(-value - expected) <= TOLERANCE_POINTS:
        return _not_yet("right size, wrong sign: the share went up. Give after minus before.")
    return _not_yet(
        f"{value:g} is not the change. Hint: the share involved at the time in the recoded "
        "data minus the share in the original data, for the same age band."
    )


def _ever_table(cases: pd.DataFrame) -> pd.DataFrame:
    return proportion_table(cases, "csc_ever_involved", by="age_band")


def _primary_only(cases: pd.DataFrame) -> pd.DataFrame:
    return protect(_ever_table(cases), threshold=THRESHOLD)


def _hidden_codes(protected: pd.DataFrame, age_band: str) -> list[str]:
    rows = protected.loc[protected["age_band"] == age_band]
    return rows.loc[rows["count_marker"] == SUPPRESSED, "csc_ever_involved"].tolist()


@_never_raises
def check_recovered(answer, cases: pd.DataFrame, age_band: str = "1_5") -> bool:
    """Check the count recovered by subtraction from a table with primary suppression only.

    In ``protect(proportion_table(cases, "csc_ever_involved", by="age_band"))`` (no
    ``partition_by``, so no secondary suppression) the age band has one hidden cell; the
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
    if _blank(answer, "`answer_recovered`", "a whole number") is not None:
        return False
    value = _as_number(answer, "a whole number")
    hidden = _hidden_codes(_primary_only(cases), age_band)
    if len(hidden) != 1:
        return _not_yet(f"the {age_band} group does not have exactly one hidden cell here.")
    table = _ever_table(cases)
    row = table.loc[(table["age_band"] == age_band) & (table["csc_ever_involved"] == hidden[0])]
    expected = int(row["count"].iloc[0])
    total = int(row["denominator_count"].iloc[0])
    if value == expected:
        return _well_done(
            f"{total} minus the cells shown leaves {expected}: the hidden cell was not hidden "
            "at all. That is why primary suppression alone is not enough."
        )
    return _not_yet(
        f"{value:g} is not the hidden count. Hint: for children aged "
        f"{label_of('age_band', age_band)}, take denominator_count and subtract every count "
        "that is shown."
    )


@_never_raises
def check_secondary(answer, cases: pd.DataFrame, age_band: str = "1_5") -> bool:
    """Check which cell secondary suppression hid to protect the small one.

    With ``partition_by=["age_band"]``, :func:`analysis.publish.disclosure.protect` hides a
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
    if _blank(answer, "`answer_secondary`", 'a code in quotes, e.g. "yes"') is not None:
        return False
    if not isinstance(answer, str):
        return _not_yet('give the code in quotes, e.g. "yes".')
    primary = set(_hidden_codes(_primary_only(cases), age_band))
    full = protect(_ever_table(cases), partition_by=["age_band"], threshold=THRESHOLD)
    secondary = [c for c in _hidden_codes(full, age_band) if c not in primary]
    labels = {c: label_of("csc_ever_involved", c) for c in secondary}
    given = answer.strip().lower()
    if given in secondary or given in {v.lower() for v in labels.values()}:
        named = ", ".join(f'"{labels[c]}" ({c})' for c in secondary)
        return _well_done(
            f"{named} was hidden as well, so the small cell can no longer be worked out from "
            "the total."
        )
    if given in primary:
        return _not_yet(
            "that is the small cell itself (primary suppression). Which other cell was hidden?"
        )
    return _not_yet(
        f"not that one. Hint: compare the {label_of('age_band', age_band)} rows of the two "
        "protected tables; which count is blank in the second but shown in the first?"
    )
