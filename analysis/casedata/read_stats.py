"""Read SPSS (.sav) and Stata (.dta) files as text, keeping their declared missing values.

A value a statistics package declares missing still says something: SPSS ``-9`` labelled "Not
recorded" and declared user-missing, or Stata's extended missing ``.a`` labelled "Not recorded",
means the review did not record it, which is not a blank cell. Such values are read with their
labels (pyreadstat ``user_missing=True``): a label that names one of the variable's codebook
missing codes becomes that code; any other declared missing value is reported at its row and
column, never read as blank. System-missing values (SPSS ``sysmis``, Stata ``.``) are blank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.casedata.codebook import Variable, all_variables, normalise_token
from analysis.casedata.headers import clean_columns, header_key
from analysis.casedata.tidy import tidy_frame
from analysis.errors import UnreadableFileError

#: Rule under which a declared missing value that stands for no codebook missing code is reported.
DECLARED_MISSING_RULE = "SCH002"
_STATA_NUMERIC = {"double", "float", "int32", "int16", "int8"}


@dataclass
class StatsRead:
    """What :func:`read_stats` found besides the frame.

    Attributes
    ----------
    recoded : dict
        ``{(column, shown value, label, code): count}`` of declared missing values read as a
        codebook missing code.
    problems : list of (int, str, str, str, str)
        ``(position, column, rule, value, message)`` for each declared missing value that stands
        for no missing code of its variable.
    """

    recoded: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    problems: list[tuple[int, str, str, str, str]] = field(default_factory=list)


def as_text(value) -> str:
    """A cell as text: whole numbers without ``.0`` (SPSS stores every number as a double)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _declared_missing(fmt: str, meta, column: str):
    """A test ``value -> bool``: is the value declared missing for this column?"""
    if fmt == "stata":
        # extended missing values (.a to .z) come back as their letter in a numeric column
        numeric = meta.readstat_variable_types.get(column) in _STATA_NUMERIC
        return lambda value: numeric and isinstance(value, str)
    ranges = meta.missing_ranges.get(column, [])

    def missing(value) -> bool:
        for declared in ranges:
            try:
                if declared["lo"] <= value <= declared["hi"]:
                    return True
            except TypeError:  # a text value against a numeric range, or the reverse
                continue
        return False

    return missing


def _shown(fmt: str, value) -> str:
    """The value as the statistics package shows it: ``-9`` in SPSS, ``.a`` in Stata."""
    return f".{value}" if fmt == "stata" else as_text(value)


def _missing_code(var: Variable, label: str | None) -> str | None:
    """The codebook missing code a label names ("Not recorded" -> ``not_recorded``), if any."""
    if label is None:
        return None
    token = normalise_token(label)
    for code in var.missing_codes:
        if token in (normalise_token(code), normalise_token(var.codes.get(code, code))):
            return code
    return None


def _missing_message(fmt: str, var: Variable, shown: str, label: str | None) -> str:
    package = "SPSS user-missing" if fmt == "spss" else "Stata extended missing"
    if not var.missing_codes:
        return (
            f"{package} value {shown} ({label or 'no label'}): {var.name} has no missing code, "
            "so it needs one of its codes"
        )
    names = " or ".join(f"{var.codes.get(c, c)!r} ({c})" for c in var.missing_codes)
    if label is None:
        return (
            f"{package} value {shown} has no value label, so which missing code it stands for "
            f"cannot be told; label it {names}"
        )
    return (
        f"{package} value {shown} is labelled {label!r}, which is not a missing code of "
        f"{var.name}; label it {names}, or give the value a code"
    )


def _column(fmt: str, meta, name: str, values: pd.Series, found: StatsRead) -> np.ndarray:
    """One column as text: labels applied, declared missing values read as their code."""
    labels = meta.variable_value_labels.get(name, {})
    var = all_variables().get(header_key(name))
    is_missing = _declared_missing(fmt, meta, name)
    positions, uniques = pd.factorize(values, use_na_sentinel=True)
    texts: list[str | None] = []
    for at, value in enumerate(uniques):
        label = labels.get(value)
        if not is_missing(value):
            texts.append(label if label is not None else as_text(value))
            continue
        shown = _shown(fmt, value)
        if var is None or not var.is_category:
            # an unchecked column keeps what the file says; a text column has no missing codes
            texts.append(label or shown)
            continue
        code = _missing_code(var, label)
        rows = np.flatnonzero(positions == at)
        if code is not None:
            texts.append(code)
            found.recoded[(name, shown, label, code)] = len(rows)
            continue
        texts.append(label or shown)  # kept as given, so nothing turns blank
        message = _missing_message(fmt, var, shown, label)
        value_text = f"{shown} ({label})" if label else shown
        found.problems += [(int(r), name, DECLARED_MISSING_RULE, value_text, message) for r in rows]
    lookup = np.array([*texts, None], dtype=object)  # -1 (blank) picks the trailing None
    return lookup[positions]


def _notes(fmt: str, meta, found: StatsRead, notes: list[str]) -> None:
    if meta.variable_value_labels:
        notes.append("value labels mapped to codes where they match the codebook")
    if found.recoded:
        package = "SPSS user-missing" if fmt == "spss" else "Stata extended missing"
        pairs = "; ".join(
            f"{column} {shown} {label!r} -> {code} ({n} value(s))"
            for (column, shown, label, code), n in found.recoded.items()
        )
        notes.append(f"{package} values read as the codebook's missing codes: {pairs}")


def read_stats(path: Path, fmt: str, notes: list[str]) -> tuple[pd.DataFrame, int, StatsRead]:
    """Read a ``.sav`` (``fmt="spss"``) or ``.dta`` (``fmt="stata"``) file as text.

    Returns
    -------
    frame : DataFrame
        Every cell as text (value labels applied), blanks as missing; row 1 is the first case.
    first_row : int
        Always 1: the package's own case numbering.
    found : StatsRead
        Declared missing values read as codes, and those reported as problems.

    Raises
    ------
    UnreadableFileError
        The file is not a readable SPSS or Stata file.
    """
    import pyreadstat

    reader = pyreadstat.read_sav if fmt == "spss" else pyreadstat.read_dta
    try:
        # raw values, so that declared missing values can be told from the others
        frame, meta = reader(str(path), user_missing=True)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise UnreadableFileError(path, f"not a readable {fmt.upper()} file ({exc})") from None
    found = StatsRead()
    out = pd.DataFrame(
        {name: _column(fmt, meta, name, frame[name], found) for name in frame.columns},
        index=frame.index,
    )
    _notes(fmt, meta, found, notes)
    cleaned = clean_columns(path, tidy_frame(out), notes)
    renamed = dict(zip(out.columns, cleaned.columns, strict=True))
    found.problems = sorted((at, renamed[c], *rest) for at, c, *rest in found.problems)
    return cleaned, 1, found
