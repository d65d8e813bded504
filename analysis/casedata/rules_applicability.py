"""Who an item is asked of, and items that follow from one another: rules XF010 to XF021.

The codebook's ``applicability:`` names the conditions (young people aged 11 or over, sudden
unexpected infant deaths, children with a plan...), each with a stable rule code; a variable's
``asked_of:`` names the condition it is asked under. One rule per condition, built from that
data: a variable asked of some children only must be blank, or one of its missing codes, on a
row where its condition is **known not to hold**. Known not to hold means each column the
condition reads is present and holds a code outside the condition's codes, or is itself an item
not asked on that row (co-sleeping is asked where the sleep environment was hazardous, which is
asked of sudden unexpected infant deaths: a suicide's row says neither, whether or not the file
has the sleep environment's column). Where the condition is otherwise unknown (blank, a missing
code, a column the file lacks), anything is accepted.

Two rules of agreement follow: the age in months with the age band (XF020), and a plan for the
child or a sibling with the child's own plan (XF021).
"""

from __future__ import annotations

import pandas as pd

from analysis.casedata.codebook import Applicability, Condition, all_applicability, all_variables
from analysis.casedata.rules_base import Rule, has, is_code

#: Variables that are blank by a rule of their own where an outcome does not apply (XF002):
#: for reading a condition they count as asked only of that condition, so a serious harm's
#: blank ``death_category`` says its row is no sudden unexpected infant death.
ASKED_BY_RULE = {"death_category": "deaths"}


def asked_of_condition(variable: str) -> Applicability | None:
    """The condition ``variable`` is asked under, read as the rules read it: its ``asked_of``,
    or (``death_category``) the outcome its own rule ties it to; None if asked of all.

    >>> asked_of_condition("death_category").name, asked_of_condition("sex")
    ('deaths', None)
    """
    name = all_variables()[variable].asked_of or ASKED_BY_RULE.get(variable)
    return None if name is None else all_applicability()[name]


def _part_fails(frame: pd.DataFrame, part: Condition) -> pd.Series:
    """True where ``part`` is known not to hold: its column holds a code outside its codes,
    or is itself an item not asked on the row (whether or not the file has the column)."""
    fails = pd.Series(False, index=frame.index)
    if part.variable in frame.columns:
        others = [c for c in all_variables()[part.variable].valid_codes if c not in part.codes]
        fails = is_code(frame, part.variable, *others)
    inner = asked_of_condition(part.variable)
    return fails | known_not_to_hold(frame, inner) if inner is not None else fails


def known_not_to_hold(frame: pd.DataFrame, condition: Applicability) -> pd.Series:
    """True on the rows where ``condition`` is known not to hold (every alternative fails).

    >>> frame = pd.DataFrame({"age_band": ["6_10", "11_15", None]})
    >>> known_not_to_hold(frame, all_applicability()["aged_11_and_over"]).tolist()
    [True, False, False]
    """
    fails = pd.Series(True, index=frame.index)
    for part in condition.conditions:
        fails &= _part_fails(frame, part)
    return fails


def holds(frame: pd.DataFrame, condition: Applicability) -> pd.Series:
    """True on the rows where ``condition`` is known to hold (an alternative holds)."""
    out = pd.Series(False, index=frame.index)
    for part in condition.conditions:
        if part.variable in frame.columns:
            out |= is_code(frame, part.variable, *part.codes)
    return out


def _coded(frame: pd.DataFrame, variable: str) -> pd.Series:
    """True where ``variable`` holds a value that carries information (a valid code, or for
    text anything but a blank); a value that is no code is the schema's to report."""
    var = all_variables()[variable]
    if var.is_category:
        return is_code(frame, variable, *var.valid_codes)
    return frame[variable].notna() & ~is_code(frame, variable, *var.missing_codes)


def asked_under(condition: Applicability) -> list[str]:
    """The variables asked only where ``condition`` holds, in codebook order."""
    return [n for n, v in all_variables().items() if v.asked_of == condition.name]


def _check(condition: Applicability):
    def check(frame: pd.DataFrame) -> dict[str, pd.Series]:
        present = [v for v in asked_under(condition) if v in frame.columns]
        if not present:
            return {}
        not_asked = known_not_to_hold(frame, condition)
        return {v: not_asked & _coded(frame, v) for v in present}

    return check


def _why(frame: pd.DataFrame, condition: Applicability, label, chained: bool = False) -> str:
    """Why ``condition`` is known not to hold on one row: each column it reads and its code;
    a column not asked there, with the code that decides it (``chained``: that code only)."""
    said = []
    for part in condition.conditions:
        value = frame.at[label, part.variable] if part.variable in frame.columns else None
        inner = asked_of_condition(part.variable)
        if pd.notna(value) and str(value) not in part.codes:
            said.append(f"{part.variable} is {value}")
        elif inner is not None:
            root = _why(frame, inner, label, chained=True)
            said.append(root if chained else f"{part.variable} is not asked, because {root}")
    return " and ".join(said)


def _missing_words(variable: str) -> str:
    return " or ".join(["blank", *all_variables()[variable].missing_codes])


def _explain(condition: Applicability, name: str):
    def explain(frame, column, failing, rows, typed) -> list[str]:
        return [
            f"{column} in row {rows.loc[label]} is asked only of {condition.description}, so "
            f"it must be {_missing_words(column)} when {_why(frame, condition, label)} "
            f"(rule {name})"
            for label in failing
        ]

    return explain


def _condition_words(condition: Applicability) -> str:
    """``age_band is 11_15 or 16_17``; alternatives joined by "or"."""
    return " or ".join(
        f"{part.variable} is {', '.join(part.codes[:-1])}{' or ' * (len(part.codes) > 1)}"
        f"{part.codes[-1]}"
        for part in condition.conditions
    )


def applicability_rule(condition: Applicability) -> Rule:
    """The rule that enforces one condition of the codebook's ``applicability:``."""
    asked = asked_under(condition)
    missing = dict.fromkeys(c for v in asked for c in all_variables()[v].missing_codes)
    return Rule(
        condition.rule,
        f"asked_of_{condition.name}",
        "error",
        f"asked only of {condition.description}, that is where {_condition_words(condition)}: "
        f"{', '.join(asked)} must be {' or '.join(['blank', *missing])} on a row where that is "
        "known not to hold (the column gives another code, or is itself not asked there)",
        condition.variables,
        _check(condition),
        _explain(condition, f"asked_of_{condition.name}"),
    )


#: Age in months: the age band each month falls in (under two only; XF013 asks it of no one older).
MONTHS_BAND = {**{str(m): "under_1" for m in range(12)}, **{str(m): "1_5" for m in range(12, 24)}}


def _xf020(f: pd.DataFrame) -> dict[str, pd.Series]:
    if not has(f, "age_months", "age_band"):
        return {}
    expected = f["age_months"].astype("object").map(MONTHS_BAND)
    band = f["age_band"].astype("object")
    # older bands are XF013's to report: age in months is not asked of them
    young = is_code(f, "age_band", "under_1", "1_5")
    return {"age_months": young & expected.notna() & (expected != band)}


def _xf020_explain(f, column, failing, rows, typed) -> list[str]:
    return [
        f"age_months in row {rows.loc[label]} is {f.at[label, 'age_months']} but age_band is "
        f"{f.at[label, 'age_band']}: 0 to 11 months is under_1, 12 to 23 months is 1_5"
        for label in failing
    ]


def _xf021(f: pd.DataFrame) -> dict[str, pd.Series]:
    if not has(f, "cp_plan_child_or_sibling"):
        return {}
    plan = pd.Series(False, index=f.index)
    if "cp_plan_ever" in f.columns:
        plan |= is_code(f, "cp_plan_ever", "yes")
    if "csc_status_at_incident" in f.columns:
        plan |= is_code(f, "csc_status_at_incident", "open_child_protection_plan")
    # blank is the item left uncoded (an optional column a workbook always has): accepted
    coded = f["cp_plan_child_or_sibling"].notna()
    return {
        "cp_plan_child_or_sibling": plan & coded & ~is_code(f, "cp_plan_child_or_sibling", "yes")
    }


AGREEMENT_RULES: tuple[Rule, ...] = (
    Rule(
        "XF020",
        "age_months_agrees_with_age_band",
        "error",
        "age_months must agree with age_band: 0 to 11 months is under_1, 12 to 23 months is 1_5",
        ("age_months", "age_band"),
        _xf020,
        _xf020_explain,
    ),
    Rule(
        "XF021",
        "plan_for_child_or_sibling_when_child_plan",
        "error",
        "the child had a child protection plan (cp_plan_ever yes, or a plan at the incident), so "
        "cp_plan_child_or_sibling must be yes (or blank, the item not coded)",
        ("cp_plan_ever", "csc_status_at_incident", "cp_plan_child_or_sibling"),
        _xf021,
    ),
)


def applicability_rules() -> tuple[Rule, ...]:
    """One rule per condition of the codebook's ``applicability:``, in rule-code order."""
    conditions = sorted(all_applicability().values(), key=lambda c: c.rule)
    return tuple(applicability_rule(c) for c in conditions)
