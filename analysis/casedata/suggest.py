"""Say a refused value's way out in the words the user typed.

A coder who picks labels from the coding workbook's drop-downs ("Female", "Serious harm") is
told the allowed labels, not the codes; one who types codes is told the codes. A value close to
one allowed ("Femal") gets "did you mean 'Female'?". The form of each column is told from its
own values that were accepted: labels, codes, or (when it cannot be told, e.g. every value is
wrong) the form of the rest of the file.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

import pandas as pd

from analysis.casedata.codebook import Variable, all_variables, normalise_token
from analysis.casedata.messages import say

LABELS, CODES = "labels", "codes"
#: How alike (difflib's ratio) a value and a code or label must be for "did you mean":
#: "Femal"/"female" 0.91, "Mael"/"male" 0.75; "1-4"/"1 5" 0.67 and "F"/"female" 0.29 are not.
CLOSE_VALUE = 0.7
#: ... and how much closer than the next one (a different code), so that no guess is a toss-up.
_MARGIN = 0.1
#: Columns whose refused values have a hint of their own (a date is not a misspelt year).
_OWN_HINT = {"incident_year"}


def _form_of(var: Variable, value: str) -> str | None:
    """Whether an accepted value was typed as its label or its code (None: cannot be told,
    e.g. "YES" for code ``yes`` labelled "Yes", or an alias)."""
    token = normalise_token(value)
    for code, label in var.codes.items():
        as_code, as_label = normalise_token(code), normalise_token(label)
        if token not in (as_code, as_label):
            continue
        if value == label != code:
            return LABELS
        if value == code != label:
            return CODES
        if as_label != as_code:
            return LABELS if token == as_label else CODES
        return None
    return None


def column_forms(frame: pd.DataFrame) -> dict[str, str]:
    """For each coded column of ``frame`` (values as typed): ``"labels"`` or ``"codes"``, the
    form most of its accepted values were typed in; a column that cannot tell takes the file's.
    """
    variables = all_variables()
    counts: dict[str, dict[str, int]] = {}
    for name in frame.columns:
        var = variables.get(name)
        if var is None or not var.is_category:
            continue
        tally = counts.setdefault(name, {LABELS: 0, CODES: 0})
        for value, n in frame[name].value_counts(sort=False).items():
            form = _form_of(var, str(value))
            if form is not None:
                tally[form] += int(n)
    whole = {form: sum(t[form] for t in counts.values()) for form in (LABELS, CODES)}
    default = LABELS if whole[LABELS] > whole[CODES] else CODES
    return {
        name: LABELS if t[LABELS] > t[CODES] else CODES if t[CODES] > t[LABELS] else default
        for name, t in counts.items()
    }


def _shown(var: Variable, code: str, form: str) -> str:
    return var.codes[code] if form == LABELS else code


def close_value(var: Variable, value: str, form: str) -> str | None:
    """The allowed value (label or code, in ``form``) that ``value`` looks like a slip of, if
    one is clearly closest; None otherwise.

    >>> close_value(all_variables()["sex"], "Femal", LABELS)
    'Female'
    >>> close_value(all_variables()["age_band"], "1-4", CODES) is None
    True
    """
    if var.name in _OWN_HINT or str(value).strip().lstrip("-").isdigit():
        return None  # a number has the codebook's numeric codes as its hint
    spellings: dict[str, str] = {}
    for code, label in var.codes.items():
        spellings.setdefault(normalise_token(code), code)
        spellings.setdefault(normalise_token(label), code)
    token = normalise_token(value)
    scored = sorted(
        ((difflib.SequenceMatcher(None, token, s).ratio(), code) for s, code in spellings.items()),
        reverse=True,
    )
    best, code = scored[0] if scored else (0.0, None)
    if code is None or best < CLOSE_VALUE:
        return None
    rivals = [ratio for ratio, other in scored[1:] if other != code]
    if rivals and best - rivals[0] < _MARGIN:
        return None
    return _shown(var, code, form)


def not_allowed(var: Variable, value: str, form: str, hint: str = "") -> str:
    """The message for a value that is no code or label of ``var``: "did you mean" if it is a
    slip, then the allowed values in the column's form, then ``hint``."""
    return _not_allowed(var.name, str(value), form, hint)


@lru_cache(maxsize=4096)
def _not_allowed(column: str, value: str, form: str, hint: str) -> str:
    # the same refused value on many rows is worded once (difflib is not free)
    var = all_variables()[column]
    near = close_value(var, value, form)
    mean = say("close", "value", suggestion=near) if near else ""
    if form == LABELS:
        values = ", ".join(repr(label) for label in var.codes.values())
    else:
        values = ", ".join(var.codes)
    return say("allowed", form, column=var.name, hint=mean, values=values) + hint
