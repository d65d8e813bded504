"""Check a case file against the codebook: a pandera schema plus named cross-field rules.

Every problem is collected (never only the first) into one tidy table that names the file, the
row as the user sees it in their file, the ``case_id``, the column, the rule code and a plain
message. Nothing is dropped: unknown columns are kept and reported as notes.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.casedata.characters import clean_frame, lookalikes, named_characters
from analysis.casedata.codebook import (
    PERIODS,
    all_variables,
    load_codebook,
    never_output_variables,
    normalise_token,
    value_lookup,
)
from analysis.casedata.headers import close_names
from analysis.casedata.messages import say
from analysis.casedata.read import RawCases
from analysis.casedata.report import PROBLEM_COLUMNS, ValidationReport
from analysis.casedata.rules import CHECKED_RULES, RULES
from analysis.casedata.suggest import column_forms, not_allowed
from analysis.casedata.tidy import recode_categories, tidy_column

YEAR_HINT = (
    "; give the financial year of the incident, e.g. 2012-13 for 15 March 2013 "
    "(dates are not converted: 03/04 could be March or April)"
)
#: Rows and columns of a problem, found by the checks; the report adds file, row and severity.
_FOUND = ["position", "column", "rule", "value", "message"]


def periods_in(frame: pd.DataFrame) -> list[str]:
    """The review periods a frame's rows belong to (all periods when none can be told)."""
    if "review_period" not in frame.columns:
        return list(PERIODS)
    found = [p for p in PERIODS if (frame["review_period"] == p).any()]
    return found or list(PERIODS)


def normalise_codes(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Map labels and variant spellings to codes, column by column.

    Values that match no code are left exactly as given, so the schema reports them. Works on
    each column's distinct values, so it stays fast on large files.

    Returns
    -------
    frame : DataFrame
        A copy with category columns recoded.
    recoded : dict
        Number of values changed per column.
    """
    out = frame.copy()
    recoded: dict[str, int] = {}
    for name, var in all_variables().items():
        if not var.is_category or name not in out.columns:
            continue
        lookup = value_lookup(load_codebook().period, name)
        column = out[name]
        if not isinstance(column.dtype, pd.CategoricalDtype):
            column = tidy_column(column).astype("category")
        changed = [v for v in column.cat.categories if lookup.get(normalise_token(v), v) != v]
        if changed:
            recoded[name] = int(column.isin(changed).sum())
            column = recode_categories(column, lambda v, m=lookup: m.get(normalise_token(v), v))
        out[name] = column
    return out, recoded


def build_schema(periods: list[str]) -> pa.DataFrameSchema:
    """A pandera schema for the given review periods, from their codebooks."""
    variables = all_variables()
    required = {n for p in periods for n in load_codebook(p).required}
    columns = {}
    for name, var in variables.items():
        checks = [pa.Check.isin(list(var.codes))] if var.is_category else []
        columns[name] = pa.Column(
            None,  # text held as categories (see casedata.tidy); the codes are what is checked
            checks=checks,
            nullable=not (name in required and not var.blank_allowed),
            unique=var.unique,
            required=name in required,
            coerce=False,
        )
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


@lru_cache(maxsize=4096)
def _number_hint(column: str, value: str) -> str:
    """Say what a number would mean in the codebook's numeric codes, and why it is not read.

    A file without value labels gives no sign that its numbers follow the codebook's numbering
    rather than a coder's own, so the number is not guessed; the message says how to label it.
    """
    text = value.strip()
    if not text.lstrip("-").isdigit():
        return ""
    var = all_variables()[column]
    code = var.code_of_number(int(text))
    if code is None:
        return ""
    return (
        f"; {text} is the number of {code} in the codebook's numeric codes, read as a code only "
        "from an SPSS or Stata file whose value labels say so (see docs/coding.md)"
    )


def _rule_for(check: str) -> str:
    if check == "column_in_dataframe":
        return "SCH001"
    if check == "not_nullable":
        return "SCH003"
    if check == "field_uniqueness":
        return "SCH004"
    return "SCH002"


def _as_typed(typed: pd.DataFrame, positions: pd.Series, columns: pd.Series, found) -> list:
    """The values as the user typed them (before labels were read as codes), where a problem
    names a row and a column of the file; ``found`` elsewhere. Column by column, so a file
    with a million refused values is not read cell by cell."""
    values = pd.Series(found).astype(object).to_numpy().copy()
    at = pd.to_numeric(positions, errors="coerce").to_numpy()
    names = columns.to_numpy()
    for column in pd.unique(names):
        rows = (names == column) & ~np.isnan(at)
        if column in typed.columns and rows.any():
            values[rows] = typed[column].astype(object).to_numpy()[at[rows].astype(np.int64)]
    return list(values)


def _schema_problems(
    frame: pd.DataFrame,
    periods: list[str],
    typed: pd.DataFrame,
    forms: dict[str, str],
    near: dict[str, str],
) -> pd.DataFrame:
    """Problems pandera finds, worded for the user: a refused value quoted as typed, with
    "did you mean" and the allowed values in the form its column was typed in; a missing
    required column with the column whose name is close to it (``near``: column -> variable).
    """
    try:
        build_schema(periods).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    else:
        return pd.DataFrame(columns=_FOUND)
    fc = fc[~fc["check"].astype(str).str.startswith("dtype")]
    rules = fc["check"].astype(str).map(_rule_for)
    missing_column = rules == "SCH001"
    positions = fc["index"].where(~missing_column)
    values = _as_typed(typed, positions, fc["column"], fc["failure_case"])
    variables = all_variables()
    close_to = {variable: column for column, variable in near.items()}
    messages = []
    for rule, column, value in zip(rules, fc["column"], values, strict=True):
        if rule == "SCH001":
            also = close_to.get(value)
            hint = say("close", "required_column", column=also) if also else ""
            messages.append(f"required column {value!r} is missing{hint}")
        elif rule == "SCH002":
            hint = YEAR_HINT if column == "incident_year" else _number_hint(column, str(value))
            form = forms.get(column, "codes")
            messages.append(not_allowed(variables[column], str(value), form, hint))
        else:
            messages.append(RULES[rule].message)
    return pd.DataFrame(
        {
            "position": positions,
            "column": fc["column"].where(~missing_column, fc["failure_case"]),
            "rule": rules,
            "value": pd.Series(values, index=fc.index).where(~missing_column & (rules != "SCH003")),
            "message": messages,
        }
    )


def _rows_as_seen(raw: RawCases, positions) -> pd.Series:
    """The row number the user sees for each 0-based position (index = the position)."""
    positions = pd.Index(positions)
    return pd.Series(positions + raw.first_row, index=positions)


def _row_list(rows, most: int = 5) -> str:
    """Rows named in a message: "row 4", or "rows 4, 9, 12, 15, 20 and 3 more"."""
    rows = [str(r) for r in rows]
    more = f" and {len(rows) - most} more" if len(rows) > most else ""
    return f"row{'s' if len(rows) > 1 else ''} {', '.join(rows[:most])}{more}"


def _cross_field_problems(frame: pd.DataFrame, rows: pd.Series, typed: pd.DataFrame):
    """Problems of the rules checked by a function of the frame (the cross-field rules and a
    text value's form), checked on codes and quoting values as typed."""
    parts = []
    for rule in CHECKED_RULES:
        for column, failing in rule.check(frame).items():
            # index labels are the rows' 0-based positions in the file (see validate_frame)
            positions = failing.index[failing.to_numpy()]
            if len(positions):
                message = (
                    rule.message
                    if rule.explain is None
                    else rule.explain(frame, column, positions, rows, typed)
                )
                parts.append(
                    pd.DataFrame(
                        {
                            "position": positions,
                            "column": column,
                            "rule": rule.code,
                            "value": typed.loc[positions, column].to_numpy(),
                            "message": message,
                        }
                    )
                )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def validate_frame(raw: RawCases) -> tuple[pd.DataFrame, ValidationReport]:
    """Recode labels to codes and check every rule.

    Parameters
    ----------
    raw : RawCases
        A file as read by :func:`analysis.casedata.read.read_raw`.

    Returns
    -------
    frame : DataFrame
        The recoded frame (text values; every row and column of the file kept).
    report : ValidationReport
    """
    known = set(all_variables())
    # ids and codes read as they look (a zero-width space would make two children of one)
    typed, cleaned = clean_frame(raw.frame.reset_index(drop=True), known)
    frame, recoded = normalise_codes(typed)
    required = {n for p in PERIODS for n in load_codebook(p).required}
    near = close_names([c for c in frame.columns if c not in known], known, required)
    # Empty rows get one problem each (SCH007) instead of a cascade of blank-value errors.
    empty = frame.isna().all(axis=1).to_numpy()
    checked = frame.iloc[~empty] if empty.any() else frame
    rows = _rows_as_seen(raw, frame.index)
    # a broken row's shifted fields would only make its siblings disagree with it (XF009)
    whole = checked.drop(index=[p for p, _ in raw.broken_rows], errors="ignore")
    parts = [
        _schema_problems(checked, periods_in(checked), typed, column_forms(typed), near),
        _cross_field_problems(whole, rows, typed),
    ]
    if raw.cell_problems:  # a cell the reader explained (a declared missing value) is told once
        told = {(at, column) for at, column, *_ in raw.cell_problems}
        parts = [
            p[[key not in told for key in zip(p["position"], p["column"], strict=True)]]
            if not p.empty
            else p
            for p in parts
        ]
    parts.append(
        pd.DataFrame(
            {
                "position": empty.nonzero()[0],
                "column": pd.NA,
                "rule": "SCH007",
                "value": pd.NA,
                "message": RULES["SCH007"].message,
            }
        )
    )
    parts.append(
        pd.DataFrame(
            {
                "position": [p for p, _ in raw.broken_rows],
                "column": pd.NA,
                "rule": "SCH006",
                "value": pd.NA,
                "message": [m for _, m in raw.broken_rows],
            }
        )
    )
    parts.append(pd.DataFrame(raw.cell_problems, columns=_FOUND))
    file_level = _file_level(frame, known, near, recoded, cleaned, rows)
    parts.append(pd.DataFrame(file_level, columns=_FOUND))
    parts = [p for p in parts if not p.empty]
    found = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_FOUND)
    # A broken row's fields are shifted, so its other "problems" are only echoes of SCH006:
    # report the row once, as broken (it still fails validation).
    broken = {p for p, _ in raw.broken_rows}
    if broken:
        position = pd.to_numeric(found["position"], errors="coerce")
        echo = position.isin(broken) & (found["rule"] != "SCH006")
        found = found[~echo.to_numpy()].reset_index(drop=True)
    return frame, _report(raw, frame, found)


def _file_level(frame, known, near, recoded, cleaned, rows) -> list[dict]:
    """Notes on whole columns: unknown (SCH005), close to a codebook name (SCH010), values read
    as codes (SCH008), values cleaned of invisible characters (SCH009)."""

    def note(rule: str, column: str, message: str) -> dict:
        return {
            "position": pd.NA,
            "column": column,
            "rule": rule,
            "value": pd.NA,
            "message": message,
        }

    found = [
        note("SCH010", c, say("close", "column", column=c, variable=near[c]))
        if c in near
        else note("SCH005", c, RULES["SCH005"].message)
        for c in frame.columns
        if c not in known
    ]
    found += [
        note("SCH008", c, f"{n} value(s) given as labels or variant spellings were read as codes")
        for c, n in recoded.items()
    ]
    found += [
        note(
            "SCH009",
            c,
            f"{len(originals)} value(s) cleaned ({_row_list(rows[originals.index])}): "
            f"they held {' and '.join(named_characters(''.join(originals.unique())))}",
        )
        for c, originals in cleaned.items()
    ]
    return found


def _locations(raw: RawCases, position: pd.Series) -> tuple[object, pd.Series]:
    """The file and row each problem is shown at: with several sheets, the sheet's own row."""
    if not raw.sheets:
        return str(raw.path), (position + raw.first_row).astype("Int64")
    names, starts, first_rows = zip(*raw.sheets, strict=True)
    which = np.searchsorted(starts, position.fillna(0).to_numpy(dtype=np.int64), side="right") - 1
    row = position - np.asarray(starts)[which] + np.asarray(first_rows)[which]
    file = np.array([f"{raw.path} (sheet {name})" for name in names], dtype=object)[which]
    return np.where(position.isna().to_numpy(), str(raw.path), file), row.astype("Int64")


def _report(raw: RawCases, frame: pd.DataFrame, found: pd.DataFrame) -> ValidationReport:
    # the value of a never_output column (la_code) is in no report, printed or written
    secret = found["column"].isin(never_output_variables()).to_numpy()
    found = found.assign(value=found["value"].astype(object).where(~secret, pd.NA))
    position = pd.to_numeric(found["position"], errors="coerce").astype("Int64")
    case_ids = frame["case_id"].reset_index(drop=True) if "case_id" in frame.columns else None
    file, row = _locations(raw, position)
    problems = pd.DataFrame(
        {
            "file": file,
            "row": row,
            "case_id": (
                case_ids.reindex(position.fillna(-1).astype(int).to_numpy()).to_numpy()
                if case_ids is not None
                else pd.NA
            ),
            "column": found["column"].to_numpy(),
            "rule": found["rule"].to_numpy(),
            "severity": found["rule"].map(lambda r: RULES[r].severity).to_numpy(),
            # a quoted value's characters that are not what they look like are named
            "message": [
                m if pd.isna(v) else m + lookalikes(str(v))
                for m, v in zip(found["message"], found["value"], strict=True)
            ],
            # as text, whatever the reader made of it, so a value prints the same from any format
            "value": [pd.NA if pd.isna(v) else str(v) for v in found["value"]],
        },
        columns=PROBLEM_COLUMNS,
    )
    # in file order (the rows of several sheets follow each other), file-level problems first
    order = problems.assign(_at=position.to_numpy())
    order = order.sort_values(["_at", "rule", "column"], na_position="first", kind="stable")
    problems = problems.loc[order.index].reset_index(drop=True)
    return ValidationReport(str(raw.path), len(frame), problems, raw.notes)
