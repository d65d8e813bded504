"""The rule catalogue: every check a case file must pass, each with a stable code.

Users report "rule XF002 is wrong for row 14": the codes never change meaning. Schema rules
(``SCH``) are checked with pandera from the codebook (a text value's form, SCH011, here);
cross-field rules (``XF``) are defined here as vectorised functions of the frame, each with its
own test in ``tests/test_rules.py``. Who an item is asked of (XF010 to XF019, from the
codebook's ``applicability:``) and the agreement of items that follow from one another (XF020,
XF021) are in :mod:`analysis.casedata.rules_applicability`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.casedata.codebook import PERIODS, all_variables, load_codebook
from analysis.casedata.rules_applicability import AGREEMENT_RULES, applicability_rules
from analysis.casedata.rules_base import Rule, has, is_code


def _involved_now(frame: pd.DataFrame) -> pd.Series:
    codes = load_codebook().codes_for("csc_involved_at_incident")
    return is_code(frame, "csc_status_at_incident", *codes)


def _xf001(f: pd.DataFrame) -> dict[str, pd.Series]:
    if not has(f, "csc_status_at_incident", "csc_ever_involved"):
        return {}
    return {"csc_ever_involved": _involved_now(f) & ~is_code(f, "csc_ever_involved", "yes")}


def _xf002(f: pd.DataFrame) -> dict[str, pd.Series]:
    if not has(f, "outcome", "death_category"):
        return {}
    death, present = is_code(f, "outcome", "death"), f["death_category"].notna()
    valid_outcome = is_code(f, "outcome", "death", "serious_harm")
    return {"death_category": valid_outcome & (death != present)}


def _xf003(f: pd.DataFrame) -> dict[str, pd.Series]:
    if not has(f, "outcome", "harm_type"):
        return {}
    harm, present = is_code(f, "outcome", "serious_harm"), f["harm_type"].notna()
    valid_outcome = is_code(f, "outcome", "death", "serious_harm")
    return {"harm_type": valid_outcome & (harm != present)}


def _xf004(f: pd.DataFrame) -> dict[str, pd.Series]:
    if not has(f, "final_report_available"):
        return {}
    no_report = is_code(f, "final_report_available", "no")
    out = {}
    for column in load_codebook().final_report_only:
        if column in f.columns:
            coded = f[column].notna() & ~is_code(f, column, "not_recorded")
            out[column] = no_report & coded
    return out


def _xf005(f: pd.DataFrame) -> dict[str, pd.Series]:
    if not has(f, "review_period", "incident_year"):
        return {}
    # a value that is no year code at all is SCH002's to report, not this rule's
    is_a_year = is_code(f, "incident_year", *load_codebook().variables["incident_year"].codes)
    bad = pd.Series(False, index=f.index)
    for period in PERIODS:
        in_period = is_code(f, "review_period", period)
        years = load_codebook(period).incident_years
        bad |= in_period & is_a_year & ~is_code(f, "incident_year", *years)
    return {"incident_year": bad}


def _xf006(f: pd.DataFrame) -> dict[str, pd.Series]:
    if not has(f, "csc_status_at_incident", "cp_plan_ever"):
        return {}
    on_plan = is_code(f, "csc_status_at_incident", "open_child_protection_plan")
    return {"cp_plan_ever": on_plan & ~is_code(f, "cp_plan_ever", "yes")}


def _xf007(f: pd.DataFrame) -> dict[str, pd.Series]:
    if not has(f, "csc_status_at_incident", "looked_after_ever"):
        return {}
    in_care = is_code(f, "csc_status_at_incident", "open_looked_after")
    return {"looked_after_ever": in_care & ~is_code(f, "looked_after_ever", "yes")}


def _xf008(f: pd.DataFrame) -> dict[str, pd.Series]:
    if not has(f, "csc_ever_involved"):
        return {}
    ever_plan_or_care = pd.Series(False, index=f.index)
    for column in ("cp_plan_ever", "looked_after_ever"):
        if column in f.columns:
            ever_plan_or_care |= is_code(f, column, "yes")
    return {"csc_ever_involved": ever_plan_or_care & ~is_code(f, "csc_ever_involved", "yes")}


def _review_level() -> list[str]:
    return [name for name, var in all_variables().items() if var.level == "review"]


def _codes(column: pd.Series) -> np.ndarray:
    """Integer codes of a column's values, blank = -1 (a categorical's own codes: no copy)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy()
    return pd.factorize(column)[0]


def _review_keys(f: pd.DataFrame) -> np.ndarray:
    """A code per row for its review, -1 where it has none.

    Keyed by period too: the 2011-14 and 2014-17 analyses numbered their reviews apart.
    """
    review = _codes(f["review_id"]).astype(np.int64)
    if "review_period" in f.columns and len(f):
        period = _codes(f["review_period"]).astype(np.int64) + 1
        review = np.where(review >= 0, review * (int(period.max()) + 1) + period, -1)
    return review


def _siblings(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the rows that share a review with another row, grouped review by review,
    and where each review's group starts."""
    keys = _review_keys(f)
    named = np.flatnonzero(keys >= 0)
    shared = named[np.bincount(keys[named])[keys[named]] > 1] if len(named) else named
    order = shared[np.argsort(keys[shared], kind="stable")]
    grouped = keys[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if len(order) else order
    return order, starts


def _xf009(f: pd.DataFrame) -> dict[str, pd.Series]:
    if not has(f, "review_id"):
        return {}
    order, starts = _siblings(f)
    if not len(order):
        return {}
    sizes = np.diff(np.r_[starts, len(order)])
    out = {}
    for column in _review_level():
        if column not in f.columns:
            continue
        # a review disagrees when the least and greatest of its rows' codes differ (blank = -1)
        codes = _codes(f[column])[order]
        differ = np.minimum.reduceat(codes, starts) != np.maximum.reduceat(codes, starts)
        failing = np.zeros(len(f), dtype=bool)
        failing[order[np.repeat(differ, sizes)]] = True
        out[column] = pd.Series(failing, index=f.index)
    return out


def _xf009_explain(
    f: pd.DataFrame, column: str, failing: pd.Index, rows: pd.Series, typed: pd.DataFrame
) -> list[str]:
    """For each failing row: its review, and which of the review's rows give which value (rows
    grouped by code, the value quoted as its first row typed it)."""
    keys = pd.Series(_review_keys(f), index=f.index).loc[failing]
    values = f.loc[failing, column].astype("object").fillna("")
    shown = typed.loc[failing, column].astype("object").fillna("")
    secret = all_variables()[column].never_output
    said = {}
    for key, group in values.groupby(keys.to_numpy(), sort=False):
        parts = []
        for value, members in group.groupby(group, sort=False):
            seen = [str(r) for r in rows.loc[members.index]]
            as_typed = shown.loc[members.index[0]] if value else ""
            # a never_output column's values are named by nothing the kit writes
            what = "a value" if secret else repr(as_typed)
            parts.append(
                f"{what if value else 'blank'} in row{'s' * (len(seen) > 1)} " + ", ".join(seen)
            )
        said[key] = (
            f"the rows of review {f.loc[group.index[0], 'review_id']} disagree on {column} "
            f"({'; '.join(parts)}): it is coded once per review, so all its rows must agree"
        )
    return [said[k] for k in keys]


def _matches(column: pd.Series, pattern: str) -> pd.Series:
    """True where a value matches ``pattern`` whole, or is blank (distinct values only)."""
    text = column.astype("object")
    distinct = pd.unique(text[text.notna()])
    matched = {v: bool(re.fullmatch(pattern, str(v))) for v in distinct}
    return (text.isna() | text.map(matched).eq(True)).astype(bool)


def _sch011(f: pd.DataFrame) -> dict[str, pd.Series]:
    patterned = [n for n, v in all_variables().items() if v.pattern and n in f.columns]
    return {n: ~_matches(f[n], all_variables()[n].pattern) for n in patterned}


def _sch011_explain(
    f: pd.DataFrame, column: str, failing: pd.Index, rows: pd.Series, typed: pd.DataFrame
) -> list[str]:
    """Row and column only: the value of a never_output column is quoted by no message."""
    var = all_variables()[column]
    form = var.pattern_description or var.pattern
    return [
        f"{column} in row {rows.loc[label]} does not have the form the codebook gives it ({form})"
        for label in failing
    ]


SCHEMA_RULES: tuple[Rule, ...] = (
    Rule(
        "SCH001",
        "required_column_missing",
        "error",
        "a required column is missing (see the codebook for its name and codes)",
    ),
    Rule(
        "SCH002",
        "code_not_in_codebook",
        "error",
        "the value is not a code (or label) of this variable in the codebook",
    ),
    Rule("SCH003", "required_value_blank", "error", "a required value is blank"),
    Rule(
        "SCH004",
        "case_id_not_unique",
        "error",
        "case_id appears more than once in the file; each child's record needs its own id",
        ("case_id",),
    ),
    Rule(
        "SCH005",
        "unknown_column",
        "note",
        "a column the codebook does not know; it is kept, unchecked, and not used by the analysis",
    ),
    Rule(
        "SCH006",
        "broken_row",
        "error",
        "the row does not have as many fields as the header (a truncated or mis-split line)",
    ),
    Rule("SCH007", "empty_row", "error", "the row is empty; delete it or fill it in"),
    Rule(
        "SCH008",
        "value_recoded",
        "note",
        "values given as labels or variant spellings were read as codes",
    ),
    Rule(
        "SCH009",
        "invisible_characters_cleaned",
        "note",
        "ids or codes held characters that are not what they look like (a zero-width space, a "
        "byte-order mark, a non-breaking space): invisible ones were removed and odd spaces read "
        "as spaces, so each value reads as it looks and duplicates are caught",
    ),
    Rule(
        "SCH010",
        "column_name_close_to_codebook",
        "note",
        "a column the codebook does not know, whose name is close to a codebook variable the "
        "file lacks (did you mean it?); until it is renamed it is kept, unchecked, and not used, "
        "and the variable is missing from the analysis",
    ),
    Rule(
        "SCH011",
        "value_does_not_match_pattern",
        "error",
        "a text value does not have the form the codebook gives its variable (la_code: E06, E08, "
        "E09 or E10 followed by six digits); the message names the row and column, never the value",
        (),
        _sch011,
        _sch011_explain,
    ),
)

CROSS_FIELD_RULES: tuple[Rule, ...] = (
    Rule(
        "XF001",
        "ever_involved_when_involved_now",
        "error",
        "involved with children's social care at the time of the incident, so csc_ever_involved "
        "must be yes",
        ("csc_status_at_incident", "csc_ever_involved"),
        _xf001,
    ),
    Rule(
        "XF002",
        "death_category_exactly_when_death",
        "error",
        "death_category must be filled in when outcome is death, and blank when it is serious_harm",
        ("outcome", "death_category"),
        _xf002,
    ),
    Rule(
        "XF003",
        "harm_type_exactly_when_serious_harm",
        "error",
        "harm_type must be filled in when outcome is serious_harm, and blank when it is death",
        ("outcome", "harm_type"),
        _xf003,
    ),
    Rule(
        "XF004",
        "final_report_only_blank_without_report",
        "error",
        "this variable is coded only from a final report, so it must be blank or not_recorded "
        "when final_report_available is no",
        ("final_report_available",),
        _xf004,
    ),
    Rule(
        "XF005",
        "incident_year_inside_review_period",
        "error",
        "incident_year lies outside the review_period's three financial years",
        ("review_period", "incident_year"),
        _xf005,
    ),
    Rule(
        "XF006",
        "cp_plan_ever_when_plan_now",
        "error",
        "on a child protection plan at the time, so cp_plan_ever must be yes",
        ("csc_status_at_incident", "cp_plan_ever"),
        _xf006,
    ),
    Rule(
        "XF007",
        "looked_after_ever_when_looked_after_now",
        "error",
        "looked after at the time, so looked_after_ever must be yes",
        ("csc_status_at_incident", "looked_after_ever"),
        _xf007,
    ),
    Rule(
        "XF008",
        "ever_involved_when_plan_or_care_ever",
        "error",
        "a child protection plan or care at any time is involvement at child-in-need level or "
        "above, so csc_ever_involved must be yes",
        ("cp_plan_ever", "looked_after_ever", "csc_ever_involved"),
        _xf008,
    ),
    Rule(
        "XF009",
        "review_level_codes_agree",
        "error",
        "the rows of one review (its siblings) disagree on a review-level variable (a "
        "family-level code such as a parental factor, neglect, the final report or a practice "
        "theme); it is coded once per review, so all its rows must give the same value",
        ("review_id",),
        _xf009,
        _xf009_explain,
    ),
    *applicability_rules(),
    *AGREEMENT_RULES,
)

RULES: dict[str, Rule] = {r.code: r for r in SCHEMA_RULES + CROSS_FIELD_RULES}
if len(RULES) != len(SCHEMA_RULES) + len(CROSS_FIELD_RULES):  # a codebook's code taken twice
    raise ValueError("two validation rules share a code (see the codebook's applicability:)")
#: The rules checked by a function of the frame (the rest are pandera's schema), in order.
CHECKED_RULES: tuple[Rule, ...] = tuple(r for r in RULES.values() if r.check is not None)


def rule_catalogue() -> pd.DataFrame:
    """The rule catalogue as a table (code, name, severity, columns, message)."""
    return pd.DataFrame(
        [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity,
                "columns": ", ".join(r.columns),
                "message": r.message,
            }
            for r in RULES.values()
        ]
    )
