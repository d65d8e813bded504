"""What to combine to publish more: recoding advice, tried through the run's own protection.

A small own file hides many counts, and the checking record rightly does not say why (which
counts are small must not leak), so a researcher cannot tell what to change. This module tries
each combination of categories ``recode.yaml`` allows (:mod:`analysis.casedata.recode`) on the
run's collected tables: the rows of the combined codes are merged (their units joined, so every
count is the combined category's own), the tables are protected and audited by
:func:`analysis.publish.disclosure.plan_protection`, and a combination is advised where more
children's counts would be shown. The advice is computed from hidden counts, so it tells
something of them (that two hidden counts together reach the threshold, say): it goes to the
researcher's console and to a private folder, never into the run's outputs. The outputs say
only which combinations were applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from analysis.casedata.recode import (
    JOIN,
    Group,
    Recode,
    candidate_groups,
    group_label,
    recode_rules,
)
from analysis.content import read_yaml
from analysis.files import private_folder, write_text
from analysis.publish.run import COUNT_NAME
from analysis.stats.members import COMPONENTS, IMPLIED, PREFIX

WORDS_PATH = Path(__file__).with_name("recoding.yaml")
#: The private folder, under the runs folder, that keeps each run's advice.
ADVICE_DIRNAME = ".advice"


def merge_rows(table: pd.DataFrame, variable: str, codes: tuple[str, ...]) -> pd.DataFrame:
    """The table as if ``codes`` of ``variable`` were one category: their rows merged, each
    merged count's units joined. Only what protection reads is kept (the dimensions and the
    ``members__*`` columns); statistics are not recomputed here (the pipeline's next run does)."""
    members = [c for c in table.columns if c.startswith(PREFIX)]
    keys = [
        c
        for c in table.columns
        if c not in members and not c.endswith("label") and _is_key(table[c])
    ]
    out = table[keys + members].copy()
    merging = out[variable].isin(codes)
    out[variable] = out[variable].astype(str).where(~merging, JOIN.join(codes))
    # each merged row's counts become codes inside the combined category, audited as the next
    # run's members__components will be (analysis.stats.components)
    counted = [c for c in members if c not in (IMPLIED, COMPONENTS) and "denominator" not in c]
    own = [
        tuple(row[c] for c in counted if isinstance(row[c], tuple)) if merge else None
        for row, merge in zip(out[counted].to_dict("records"), merging, strict=True)
    ]
    earlier = out[COMPONENTS] if COMPONENTS in out else pd.Series([None] * len(out))
    out[COMPONENTS] = [
        (tuple(e or ()) + o) if o is not None else e
        for e, o in zip(earlier.tolist(), own, strict=True)
    ]
    members = [*dict.fromkeys([*members, COMPONENTS])]
    group_keys = [out[k].astype(str) for k in keys]
    merged = out.groupby(group_keys, sort=False, dropna=False)[members].agg(_join_units)
    result = merged.reset_index(drop=True)
    for position, key in enumerate(keys):
        firsts = out.groupby(group_keys, sort=False, dropna=False)[key].first()
        result.insert(position, key, firsts.to_numpy())
    result.attrs = dict(table.attrs)
    return result


def _is_key(column: pd.Series) -> bool:
    """A column that says which row is which (text, or whole numbers such as a year), not a
    count or a statistic (counts differ between the rows merged; statistics are not kept)."""
    name = str(column.name)
    if pd.api.types.is_bool_dtype(column) or name == "n" or COUNT_NAME.match(name):
        return False
    return not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_integer_dtype(column)


def _join_units(values: pd.Series):
    """The units of merged rows: one copy of a denominator they share (rows of one group),
    else every row's joined (two siblings of one review in two bands stay two units)."""
    present = [v for v in values if isinstance(v, tuple)]
    if not present:
        return None
    shared = "denominator" in str(values.name)
    if shared and all(v == present[0] for v in present):
        return present[0]
    if values.name in (IMPLIED, COMPONENTS):  # hidden cells: each row's, side by side
        return tuple(cell for v in present for cell in v)
    return tuple(sorted(u for v in present for u in v))


def _hidden_and_shown(tables: Mapping[str, pd.DataFrame]) -> tuple[dict[str, int], int]:
    from analysis.publish.disclosure import plan_protection

    plan = plan_protection(tables)
    hidden = {name: 0 for name in tables} | plan.shown_suppressed_by_table()
    shown = sum(
        c.value
        for c in plan.cells
        if not c.implied and "denominator" not in c.key[2] and c.key not in plan.suppressed
    )
    return hidden, shown


def advise(
    tables: Mapping[str, pd.DataFrame], hidden_now: Mapping[str, int], applied: Recode
) -> list[Group]:
    """The combinations that would show more children's counts, best first, one per set of
    codes (greedy: each tried on top of those already advised for its variable).

    Parameters
    ----------
    tables : mapping
        The run's collected tables, unprotected, with their ``members__*`` columns.
    hidden_now : mapping
        Each table's count of hidden (shown as [c]) cells in the run's plan.
    applied : Recode
        The combinations already in force (their codes are not tried again).
    """
    advice: list[Group] = []
    for variable in recode_rules()["variables"]:
        names = [n for n, t in tables.items() if variable in t.columns and _has_units(t)]
        if not any(hidden_now.get(n, 0) for n in names):
            continue
        original = {n: tables[n] for n in names}
        before, shown_before = _hidden_and_shown(original)
        fixed = {c for g in applied.groups if g.variable == variable for c in g.codes}
        chosen: list[tuple[str, ...]] = []
        while True:
            best = None
            for codes in candidate_groups(variable):
                # a candidate may take in groups already chosen (mixed + asian, then + black)
                kept = [g for g in chosen if not set(g) <= set(codes)]
                if codes in chosen or fixed & set(codes) or any(set(g) & set(codes) for g in kept):
                    continue
                if not _rows_hidden(original, variable, codes, before):
                    continue
                trial = _merged(original, variable, [*kept, codes])
                after, shown_after = _hidden_and_shown(trial)
                gain = shown_after - shown_before
                if gain > 0 and (best is None or gain > best[1]):
                    best = (codes, gain, kept, after, shown_after)
            if best is None:
                break
            codes, _, kept, after, shown_after = best
            advice = [a for a in advice if a.variable != variable or a.codes in kept]
            advice.append(_group(variable, codes))
            chosen, before, shown_before = [*kept, codes], after, shown_after
    return advice


def _merged(tables: Mapping[str, pd.DataFrame], variable: str, groups) -> dict:
    out = dict(tables)
    for codes in groups:
        out = {n: merge_rows(t, variable, codes) for n, t in out.items()}
    return out


@dataclass(frozen=True)
class Trial:
    """The whole run's protection with every advised combination applied."""

    hidden_before: int
    hidden_after: int
    passed: bool
    #: table -> (counts hidden now, counts hidden with the combinations), where they differ
    tables: dict[str, tuple[int, int]]


def try_together(
    tables: Mapping[str, pd.DataFrame], hidden_now: Mapping[str, int], advice: list[Group]
) -> Trial:
    """Protect and audit every table of the run with all the advised combinations at once (the
    advice was found table by table; this is the run as a whole, as the next run will be)."""
    from analysis.publish.disclosure import plan_protection

    merged = dict(tables)
    for item in advice:
        for name, table in merged.items():
            if item.variable in table.columns and _has_units(table):
                merged[name] = merge_rows(table, item.variable, item.codes)
    plan = plan_protection(merged)
    after = {name: 0 for name in merged} | plan.shown_suppressed_by_table()
    changed = {
        n: (hidden_now.get(n, 0), after[n]) for n in merged if hidden_now.get(n, 0) != after[n]
    }
    return Trial(sum(hidden_now.values()), plan.shown_suppressed, plan.passed, changed)


def _has_units(table: pd.DataFrame) -> bool:
    return any(c.startswith(PREFIX) and c not in (IMPLIED, COMPONENTS) for c in table.columns)


def _rows_hidden(
    tables: Mapping[str, pd.DataFrame], variable: str, codes, hidden: Mapping[str, int]
) -> bool:
    """Whether a table with hidden cells has rows of these codes (else combining them cannot
    show more)."""
    return any(
        hidden.get(n, 0) and t[variable].astype(str).isin(codes).any() for n, t in tables.items()
    )


def _group(variable: str, codes: tuple[str, ...]) -> Group:
    return Group(variable, tuple(codes), group_label(variable, tuple(codes)))


def as_recode_file(advice: list[Group], applied: Recode) -> str:
    """The recode file that applies the combinations in force and the advice."""
    combine: dict[str, list] = {}
    for group in [*applied.groups, *advice]:
        combine.setdefault(group.variable, []).append(
            {"codes": list(group.codes), "label": group.label}
        )
    header = (
        "# Categories to combine before disclosure control (docs/disclosure.md). Save as\n"
        "# <your data file's name>.recode.yaml beside it, or name it with RECODE=, and run again.\n"
    )
    return header + yaml.safe_dump({"combine": combine}, sort_keys=False, allow_unicode=True)


def advice_text(
    advice: list[Group],
    trial: Trial | None,
    suggestion: Path | None,
    data_recode: Path,
    forget: str = "python -m analysis forget-run NAME",
) -> str:
    """What the console says: the combinations, and what the run would publish with them
    (words in ``recoding.yaml``)."""
    words = read_yaml(WORDS_PATH)
    if not advice or trial is None:
        return words["none"]
    lines = [words["heading"], *(f"  - {group.describe()}" for group in advice)]
    lines.append(
        words["estimate"].format(
            verdict="passed" if trial.passed else "FAILED",
            after=trial.hidden_after,
            before=trial.hidden_before,
            tables=", ".join(f"{n} {a} -> {b}" for n, (a, b) in trial.tables.items()),
        )
    )
    if suggestion is not None:
        lines.append(
            words["apply"].format(suggestion=suggestion, data_recode=data_recode, forget=forget)
        )
    return "\n".join(lines)


def combinable(tables: Mapping[str, pd.DataFrame], hidden_now: Mapping[str, int]) -> dict:
    """Tables with hidden counts and the variables of theirs whose categories ``recode.yaml``
    lets a researcher combine. Only what a reader sees already (a table's columns, that it
    shows a [c]) goes into this, so it may be written into the checking record."""
    variables = list(recode_rules()["variables"])
    return {
        name: [v for v in variables if v in table.columns]
        for name, table in tables.items()
        if hidden_now.get(name, 0) and any(v in table.columns for v in variables)
    }


def save_suggestion(runs: Path, name: str, text: str) -> Path:
    """Write the suggested recode file into the private ``runs/.advice/`` folder."""
    folder = private_folder(runs / ADVICE_DIRNAME)
    return write_text(folder / f"{name}.recode.yaml", text)
