"""How every teaching check answers: one friendly line, ``True`` or ``False``, never an error.

Each check prints one line of feedback that starts ``Well done:`` or ``Not yet:`` (with a hint,
never the answer) and returns ``True`` or ``False``. A check never raises: a missing answer
(``None`` or ``...``), a wrong type or an unexpected error all print "Not yet", so a notebook
with no answers filled in still runs top to bottom.

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

import numpy as np
import pandas as pd

#: Percentage answers within this many points of the exact value count as right.
TOLERANCE_POINTS = 0.5

WELL_DONE = "Well done:"
NOT_YET = "Not yet:"


def well_done(message: str) -> bool:
    """Print praise with the reason; return True."""
    print(f"{WELL_DONE} {message}")
    return True


def not_yet(message: str) -> bool:
    """Print a hint; return False."""
    print(f"{NOT_YET} {message}")
    return False


class WrongType(TypeError):
    """The answer is of a kind the check cannot read; the message says what to give instead."""


def never_raises(check):
    """Turn any error inside a check into "Not yet" feedback: a check must never stop a lesson."""

    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        try:
            return bool(check(*args, **kwargs))
        except WrongType as exc:
            return not_yet(str(exc))
        except Exception as exc:  # a learner's odd answer must not stop the notebook
            return not_yet(
                f"I could not check this answer ({type(exc).__name__}: {exc}). Look at the "
                "instructions above the cell and try again."
            )

    return wrapper


def is_blank(answer) -> bool:
    """True for an answer not filled in yet (``None`` or ``...``, or that typed as text)."""
    if isinstance(answer, str):
        return answer.strip() in ("", "None", "...")
    return answer is None or answer is Ellipsis


def blank(answer, variable: str, kind: str) -> bool:
    """True (after saying so) when the answer is not filled in yet.

    ``variable`` names what is blank: a variable in backticks, or words; ``kind`` says what
    to give.
    """
    if not is_blank(answer):
        return False
    not_yet(f"{variable} is still empty. Replace None with your answer ({kind}).")
    return True


def as_number(answer, name: str = "a number") -> float:
    """A plain number from an answer (also a one-element Series or array); else explain.

    Raises
    ------
    WrongType
        The answer is text, True/False, NaN or not a number at all; the message says why.
    """
    if isinstance(answer, pd.Series | pd.Index | np.ndarray | list | tuple) and len(answer) == 1:
        answer = answer[0] if not isinstance(answer, pd.Series) else answer.iloc[0]
    if isinstance(answer, bool | np.bool_):
        raise WrongType(f"that is True/False; give {name}.")
    if isinstance(answer, str):
        return read_number(answer, name)
    if not isinstance(answer, numbers.Real):
        raise WrongType(f"that is a {type(answer).__name__}; give {name}.")
    value = float(answer)
    if math.isnan(value):
        raise WrongType("that is NaN (not a number); check the row you selected.")
    return value


#: A number as people type it: "43", "43 children", "47%", "46.5 %", "0.47", "1,234".
_TYPED_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+")


def typed_numbers(text: str) -> list[float]:
    """Every number in what a learner typed, read as they meant it.

    >>> typed_numbers("43 children"), typed_numbers("47%"), typed_numbers("(40.1, 52)")
    ([43.0], [47.0], [40.1, 52.0])
    >>> typed_numbers("1,234 reviews"), typed_numbers("about forty")
    ([1234.0], [])
    """
    return [float(m.replace(",", "")) for m in _TYPED_NUMBER.findall(str(text))]


def read_number(text: str, name: str = "a number") -> float:
    """The one number in typed text ("43 children", "47%"); else explain, kindly.

    Raises
    ------
    WrongType
        No number, or more than one, in the text; the message says what to type.
    """
    found = typed_numbers(text)
    if len(found) == 1:
        return found[0]
    if not found:
        raise WrongType(f"I could not find a number in {text.strip()!r}; type {name}, e.g. 43.")
    raise WrongType(f"{text.strip()!r} holds {len(found)} numbers; type just one ({name}).")


def number_answer(answer, variable: str, kind: str) -> float | None:
    """The answer as a number, or None (after saying it is still empty) when it is blank.

    Parameters
    ----------
    answer
        What the learner gave.
    variable : str
        What is blank, for the message: a variable in backticks, or words.
    kind : str
        What to give, e.g. ``"a whole number"``; also the hint for an answer of the wrong type.

    Raises
    ------
    WrongType
        As :func:`as_number`.
    """
    if blank(answer, variable, kind):
        return None
    return as_number(answer, kind)


def close(value: float, expected: float) -> bool:
    """True when ``value`` is within :data:`TOLERANCE_POINTS` of ``expected``."""
    return abs(value - expected) <= TOLERANCE_POINTS


def percent_feedback(value: float, expected: float, what: str, hint: str) -> bool:
    """Feedback on a percentage, with its own hint for a proportion given instead."""
    if close(value, expected):
        return well_done(f"{what} is {expected:.1f}% (your {value:g} is within 0.5 points).")
    if 0 < value <= 1 and close(100 * value, expected):
        return not_yet(
            f"{value:g} looks like a proportion between 0 and 1; give a percentage (times 100)."
        )
    return not_yet(f"{value:g} is not {what}. Hint: {hint}")
