"""Statistical disclosure control over a whole run made from real (non-synthetic) case data.

Coded case data is about children who died or were seriously harmed; a small count, or a
number from which one can be worked out, can identify a child. Protection is a property of
everything a run writes together, not of one table:

1. **Primary suppression.** A count from 1 to ``threshold - 1`` is suppressed, and so is a count
   within that distance of its total (290 of 293 reveals 3); zeros are shown, except in a group
   whose size is hidden ("aged 11-15: none ever involved" would say it of every child in a
   group too small to show). A hidden count a statistic depends on (a test's or a model's
   cross-tabulation) is judged the same way.
2. **The same count everywhere.** A count suppressed in one table is suppressed wherever the same
   units are counted again.
3. **Secondary suppression, audited.** The recovery audit (:mod:`analysis.publish.audit`) bounds
   each suppressed count in whole numbers, given every count the run publishes and what a
   reader knows besides (a suppressed count is never 0 unless its group is hidden; a count
   shown beside a hidden total is at least ``threshold`` below it). Where a count ranges over
   fewer than ``minimum_values`` whole values, a published count that lets it pass (a sibling
   in its breakdown, the same table and the smallest first) is suppressed too, and the audit
   runs again, until every suppressed count passes. Suppressing more only widens ranges; a
   last audit of the final plan gives every range as published.
4. **Statistics withheld with their counts.** In a row with a suppressed count, every value
   computed from the row's counts (percentages, intervals, rates, differences, p-values, odds
   ratios, verdicts) is withheld as well; a test or model whose hidden cross-tabulation has a
   suppressed cell is withheld whole.

Counts know their units through ``members__*`` columns (:mod:`analysis.stats.members`). Each
suppressed value becomes blank with the marker ``c`` in ``{column}_marker``. The rules and the
threshold are set in ``disclosure.yaml`` beside this file, in one place.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.content import read_yaml
from analysis.publish.audit import Bound, Cell, CellKey, Solutions, System
from analysis.publish.secondary import audited, bound_of, closed, search
from analysis.stats.members import (
    COMPONENTS,
    IMPLIED,
    PREFIX,
    PUBLISHED_COLUMNS,
    counted_column,
    strip,
)

CONFIG_PATH = Path(__file__).with_name("disclosure.yaml")


@dataclass(frozen=True)
class Rules:
    """The disclosure rules of ``disclosure.yaml``."""

    threshold: int
    minimum_values: int
    hide_zeros_of_hidden_groups: bool
    minimum_difference: int
    markers: Mapping[str, str]
    descriptive_columns: frozenset[str]
    derived_text_columns: frozenset[str]
    own_data_figure_formats: tuple[str, ...]


@cache
def rules() -> Rules:
    """The rules in force (``analysis/publish/disclosure.yaml``)."""
    raw = read_yaml(CONFIG_PATH)
    return Rules(
        threshold=int(raw["threshold"]),
        minimum_values=int(raw.get("minimum_values", raw["threshold"])),
        hide_zeros_of_hidden_groups=bool(raw.get("hide_zeros_of_hidden_groups", True)),
        minimum_difference=int(raw["differencing"]["minimum_difference"]),
        markers=dict(raw["markers"]),
        descriptive_columns=frozenset(raw["descriptive_columns"]),
        derived_text_columns=frozenset(raw["derived_text_columns"]),
        own_data_figure_formats=tuple(raw["own_data_figure_formats"]),
    )


#: Key prefix of a code inside a combined category (a hidden count, like a statistic's).
PART = "implied-part:"

THRESHOLD = rules().threshold
SUPPRESSED = rules().markers["suppressed"]
#: How every message and record names the one number of suppressed cells (``shown_suppressed``).
SHOWN_AS_C = f"suppressed, shown as [{SUPPRESSED}]"


def _total_column(column: str, columns: Sequence[str]) -> str | None:
    """The denominator a count column is part of, in the same row (``first_count`` ->
    ``first_denominator_count``; ``count`` -> ``denominator_count``; ``numerator`` ->
    ``denominator``)."""
    if column == "numerator":
        return "denominator" if "denominator" in columns else None
    if column.endswith("count") and "denominator" not in column:
        own = column[: -len("count")] + "denominator_count"
        if own in columns:
            return own
        return "denominator_count" if "denominator_count" in columns else None
    return None


def table_cells(name: str, table: pd.DataFrame) -> list[Cell]:
    """Every count of a table (and every hidden count its statistics rest on), as audit cells."""
    columns = [
        counted_column(c)
        for c in table.columns
        if c.startswith(PREFIX) and c not in (IMPLIED, COMPONENTS)
    ]
    cells = []
    for position, row in enumerate(table.itertuples(index=False)):
        values = dict(zip(table.columns, row, strict=True))
        for column in columns:
            members = values[PREFIX + column]
            if not isinstance(members, tuple):  # no count in this row (e.g. a published row)
                continue
            total = _total_column(column, columns)
            total_key = (name, position, total) if total else None
            cells.append(Cell((name, position, column), members, total=total_key))
        hidden = values.get(IMPLIED)
        if isinstance(hidden, tuple):
            for k, members in enumerate(hidden):
                cells.append(Cell((name, position, f"implied:{k}"), members, implied=True))
        parts = values.get(COMPONENTS)
        if isinstance(parts, tuple):  # the codes inside a combined category: never published
            total = _total_column("count", columns)
            for k, members in enumerate(parts):
                key = (name, position, f"{PART}{k}")
                cells.append(
                    Cell(
                        key, members, total=(name, position, total) if total else None, implied=True
                    )
                )
    return cells


def primary(cells: Sequence[Cell], threshold: int) -> set[CellKey]:
    """Counts from 1 to threshold - 1, counts that close to their total, and small groups."""
    by_key = {c.key: c for c in cells}
    hidden = set()
    for cell in cells:
        small = 0 < cell.value < threshold
        total = by_key.get(cell.total) if cell.total else None
        near_total = total is not None and 0 < total.value - cell.value < threshold
        small_group = total is not None and total.value < threshold
        if cell.value > 0 and (small or near_total or small_group):  # zeros are shown
            hidden.add(cell.key)
    return hidden


@dataclass
class Plan:
    """What a run suppresses, and the audit that shows it is enough."""

    cells: list[Cell]
    suppressed: set[CellKey]
    bounds: list[Bound] = field(default_factory=list)
    rules: Rules = field(default_factory=rules)

    @property
    def passed(self) -> bool:
        return all(b.ok for b in self.bounds)

    def mask(self, name: str, n_rows: int, column: str | None = None) -> np.ndarray:
        """Rows of table ``name`` whose ``column`` is suppressed (any count of the row's, shown
        or hidden, when ``column`` is None: the rows whose statistics are withheld)."""
        out = np.zeros(n_rows, dtype=bool)
        # the codes inside a combined category are never shown: their row's statistics are
        # of the combined count, so they stay
        rows = [
            r
            for t, r, c in self.suppressed
            if t == name and (c == column or (column is None and not c.startswith(PART)))
        ]
        out[[r for r in rows if r < n_rows]] = True
        return out

    @property
    def shown_counts(self) -> int:
        """Counts a reader sees, as numbers or as [c]. The hidden counts behind statistics are
        audited too but never counted aloud: how many there are says how many cells of the
        hidden cross-tabulations are not empty."""
        return sum(1 for c in self.cells if not c.implied)

    @property
    def shown_suppressed(self) -> int:
        """Suppressed counts a reader sees as [c] (hidden counts behind statistics excluded):
        the one number of suppressed cells every output and message gives."""
        return sum(1 for k in self.suppressed if not k[2].startswith("implied"))

    def shown_suppressed_by_table(self) -> dict[str, int]:
        """Each table's suppressed counts a reader sees as [c] (tables with none left out)."""
        out: dict[str, int] = {}
        for table, _, column in self.suppressed:
            if not column.startswith("implied"):
                out[table] = out.get(table, 0) + 1
        return out

    @property
    def narrowest(self) -> int | None:
        """The fewest whole values a suppressed count was shown to take (None: nothing
        audited, or nothing published limits any of them). A count passed by the whole-number
        solutions found on the way may take more than this: it is a floor, never more."""
        finite = [b.values for b in self.bounds if b.values != float("inf")]
        return int(min(finite)) if finite else None

    def summary(self) -> str:
        """One paragraph for a person: what was suppressed and what the audit found."""
        r = self.rules
        fewest = "not limited" if self.narrowest is None else f"at least {self.narrowest}"
        if not self.bounds:
            audit = "nothing was suppressed, so nothing can be recovered."
        elif self.passed:
            audit = (
                f"every suppressed count can take at least {r.minimum_values:g} whole values "
                "given everything the run publishes and what a reader knows besides (a [c] is "
                f"never 0 outside a hidden group; a count beside a hidden total is at least "
                f"{r.threshold} below it); the narrowest: {fewest}."
            )
        else:
            failing = sum(1 for b in self.bounds if not b.ok)
            audit = (
                f"{failing} suppressed count(s) could be narrowed to fewer than "
                f"{r.minimum_values:g} whole values, and nothing left to hide widens them."
            )
        return (
            f"Disclosure control: {self.shown_counts} counts published, checked with the "
            f"counts behind the run's statistics; {self.shown_suppressed} {SHOWN_AS_C} (counts "
            f"from 1 to {r.threshold - 1}, counts within {r.threshold - 1} of their total, "
            "zeros of groups whose size is hidden, and those needed to protect them). "
            f"Recovery audit: {'passed' if self.passed else 'FAILED'}; {audit}"
        )


def plan_protection(
    tables: Mapping[str, pd.DataFrame], rules_: Rules | None = None, *, secondary: bool = True
) -> Plan:
    """Decide every suppression for a run's tables together, and audit it.

    Parameters
    ----------
    tables : mapping of name to DataFrame
        Every table the run writes, unprotected, with their ``members__*`` columns.
    rules_ : Rules, optional
        Default: :func:`rules`.
    secondary : bool
        ``False`` stops after primary suppression and reports the audit without acting on it
        (for teaching how subtraction undoes primary suppression alone; never for a release).

    Returns
    -------
    Plan
        The cells suppressed and the audit bound of each. Which were suppressed as small
        and which to protect them is not kept: said anywhere, it would tell a reader which
        hidden counts are from 1 to 4.
    """
    r = rules_ or rules()
    cells = [cell for name, table in tables.items() for cell in table_cells(name, table)]
    by_key = {c.key: c for c in cells}
    hidden = closed(cells, primary(cells, r.threshold), r)
    # the codes inside a combined category are never published: all hidden, the small ones
    # (primary, above) audited like any suppressed count, the rest left free
    free = {c.key for c in cells if c.key[2].startswith(PART)} - hidden
    hidden |= free
    system = System(cells)
    solutions = Solutions(system)  # whole-number solutions found on the way pass cells cheaply
    # The search works on the relaxation's ranges (fast, and never narrower than a reader's);
    # the final audit is in whole numbers, and a count that fails only there is searched again
    queue = [k for k in audited(by_key, hidden) if k not in free]
    for exact in (False, True):
        if secondary:
            hidden = search(system, cells, hidden, queue, r, exact=exact, solutions=solutions)
        bounds = [
            bound_of(system, cells, hidden, key, r, solutions=solutions)
            for key in audited(by_key, hidden)
            if key not in free
        ]
        queue = [b.key for b in bounds if not b.ok]
        if not queue:
            break
    return Plan(cells, hidden, bounds, r)


def withheld_columns(table: pd.DataFrame, r: Rules | None = None) -> list[str]:
    """Columns of a row that a suppressed count in it could be worked out from.

    Columns a table names in ``attrs[PUBLISHED_COLUMNS]`` state published figures and stay.
    """
    r = r or rules()
    counts = {counted_column(c) for c in table.columns if c.startswith(PREFIX)}
    published = set(table.attrs.get(PUBLISHED_COLUMNS, ()))
    out = []
    for column in table.columns:
        if column in counts or column.startswith(PREFIX) or column.endswith("_marker"):
            continue
        if column in r.descriptive_columns or column in published:
            continue
        series = table[column]
        numeric = pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
        if numeric or column in r.derived_text_columns:
            out.append(column)
    return out


def apply_plan(name: str, table: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """The table as it may be published: suppressed counts blank with marker ``c``, the
    statistics of their rows withheld, membership columns gone."""
    r = plan.rules
    marker = r.markers["suppressed"]
    out = table.reset_index(drop=True).copy()
    n = len(out)
    counts = [
        counted_column(c)
        for c in out.columns
        if c.startswith(PREFIX) and c not in (IMPLIED, COMPONENTS)
    ]
    for column in counts:
        mask = plan.mask(name, n, column)
        values = pd.to_numeric(out[column], errors="coerce").astype("float64")
        out[column] = values.where(~mask).astype("Int64")
        out.insert(out.columns.get_loc(column) + 1, f"{column}_marker", np.where(mask, marker, ""))
    withheld = plan.mask(name, n)
    if withheld.any():
        for column in withheld_columns(table, r):
            if pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(
                out[column]
            ):
                out[column] = out[column].astype("float64").where(~withheld)
            else:
                out[column] = out[column].astype("object").where(~withheld, marker)
    out = strip(out)
    out.attrs = dict(table.attrs)
    out.attrs["disclosure"] = plan.summary()
    return out


def protect(
    table: pd.DataFrame,
    *,
    partition_by: Sequence[str] | None = None,
    threshold: int | None = None,
    secondary: bool = True,
) -> pd.DataFrame:
    """Protect one table on its own (the run protects all its tables together).

    Parameters
    ----------
    table : DataFrame
        A tidy table with ``count``/``*_count`` columns; with ``members__*`` columns (as the
        library's table builders give) the units are known exactly. Without them, each row's
        count is taken as its own units and the rows of each ``partition_by`` group as making
        up that group's ``denominator_count``.
    partition_by : list of str, optional
        For a table without membership: the columns whose groups partition the denominator.
    threshold : int, optional
        Smallest count that may be shown (default: ``disclosure.yaml``).
    secondary : bool
        ``False``: primary suppression only, for teaching (see :func:`plan_protection`).

    Returns
    -------
    DataFrame
        Suppressed counts blank (``Int64``) with ``{column}_marker`` ``c``; the statistics of
        their rows withheld; ``attrs["disclosure"]`` says what was done and what the audit found.

    Examples
    --------
    >>> t = pd.DataFrame({"code": ["a", "b", "c"], "count": [3, 40, 50]})
    >>> t["denominator_count"] = 93
    >>> protect(t, partition_by=[])["count"].tolist()  # 3 suppressed, then 40 to protect it
    [<NA>, <NA>, 50]
    """
    markers = [c for c in table.columns if str(c).endswith("_marker")]
    if markers:  # already protected: protecting again changes nothing
        return table.copy()
    r = rules()
    if threshold is not None:
        r = dataclasses.replace(r, threshold=threshold, minimum_values=threshold)
    source = (
        table
        if any(c.startswith(PREFIX) for c in table.columns)
        else _with_units(table, partition_by)
    )
    plan = plan_protection({"table": source}, r, secondary=secondary)
    return apply_plan("table", source, plan)


def _with_units(table: pd.DataFrame, partition_by: Sequence[str] | None) -> pd.DataFrame:
    """Membership for a hand-made table: each row's count its own units, and the rows of each
    ``partition_by`` group (each row alone, if None) making up that group's denominator."""
    out = table.reset_index(drop=True).copy()
    counts = [
        c
        for c in out.columns
        if (c == "count" or c.endswith("_count")) and c != "denominator_count"
        if pd.api.types.is_numeric_dtype(out[c])
    ]
    for column in counts:
        out[PREFIX + column] = [
            tuple(f"{column}:{i}:{k}" for k in range(int(v))) if pd.notna(v) else None
            for i, v in enumerate(out[column])
        ]
    if "denominator_count" in out.columns and "count" in counts:
        if partition_by is None:
            groups = [[i] for i in range(len(out))]
        elif not partition_by:
            groups = [list(range(len(out)))]
        else:
            groups = list(out.groupby(list(partition_by), sort=False).indices.values())
        denominators: list[tuple[str, ...] | None] = [None] * len(out)
        for rows in groups:
            shown = tuple(u for i in rows for u in out.at[i, PREFIX + "count"] or ())
            for i in rows:
                rest = int(out.at[i, "denominator_count"]) - len(shown)
                denominators[i] = shown + tuple(f"rest:{rows[0]}:{k}" for k in range(rest))
        out[PREFIX + "denominator_count"] = denominators
    return out


def unprotected_small_counts(table: pd.DataFrame, threshold: int = THRESHOLD) -> pd.DataFrame:
    """Rows of a table that still show a count from 1 to threshold - 1 (should be none)."""
    bad = pd.Series(False, index=table.index)
    for column in table.columns:
        if column in ("count", "numerator", "denominator") or re.search(r"_count$", column):
            values = pd.to_numeric(table[column], errors="coerce")
            bad |= (values > 0) & (values < threshold)
    return table[bad.fillna(False)]
