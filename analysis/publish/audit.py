"""The recovery audit: how narrowly could a reader pin each suppressed count?

Everything a run publishes is a linear constraint on the units behind it: a shown count says
how many units fall in its cell, wherever that cell appears (a total in one table, a breakdown
in another, a denominator printed beside a percentage). For each suppressed count the audit
solves two linear programmes (:func:`scipy.optimize.linprog`, HiGHS): the smallest and the
largest value the count can take given every published count, as statistical offices audit
linked tables. A suppressed count is safe when that range is at least ``minimum_range`` wide.

The unknowns are the sizes of *classes* of units (units counted by exactly the same cells). The
audit lets only the classes present in the data be non-empty: a reader who does not know which
combinations occur has a wider range, never a narrower one, so passing here is conservative.
The linear relaxation (fractions of a unit allowed) is what statistical offices audit too.

Examples
--------
Three cells of one breakdown and their total, the 3 suppressed alone: the total gives it back.

>>> cells = [
...     Cell(("t", 0, "count"), ("a",) * 3),
...     Cell(("t", 1, "count"), ("b",) * 40),
...     Cell(("t", 2, "count"), ("c",) * 50),
...     Cell(("t", 0, "denominator_count"), ("a",) * 3 + ("b",) * 40 + ("c",) * 50),
... ]
>>> [b.width for b in audit(cells, {("t", 0, "count")})]
[0.0]
>>> [b.width for b in audit(cells, {("t", 0, "count"), ("t", 1, "count")})]
[43.0, 43.0]
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

CellKey = tuple[str, int, str]  # (table name, row position, column)


@dataclass(frozen=True)
class Cell:
    """One count a run may publish: where it is, and the units it counts."""

    key: CellKey
    members: tuple[str, ...]
    total: CellKey | None = None  # the count it is a part of (its denominator), if any
    implied: bool = False  # hidden, but a statistic shown beside it would give it back

    @property
    def value(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Bound:
    """The range a reader can narrow a suppressed count to."""

    key: CellKey
    value: int
    lower: float
    upper: float
    ok: bool

    @property
    def width(self) -> float:
        return self.upper - self.lower


@dataclass
class System:
    """The linear system behind a set of cells: multiplicities of unit classes in each cell."""

    cells: Sequence[Cell]
    matrix: np.ndarray = field(init=False)  # cells x classes

    def __post_init__(self):
        signature: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, cell in enumerate(self.cells):
            for unit, times in sorted(Counter(cell.members).items()):
                signature[unit].append((i, times))
        classes = sorted({tuple(s) for s in signature.values()})
        self.matrix = np.zeros((len(self.cells), len(classes)))
        for j, sig in enumerate(classes):
            for i, times in sig:
                self.matrix[i, j] = times
        self.index = {cell.key: i for i, cell in enumerate(self.cells)}

    def bound(self, key: CellKey, published: Sequence[int], minimum_range: float) -> Bound:
        """The smallest and largest value of cell ``key`` given the ``published`` cells."""
        target = self.matrix[self.index[key]]
        rows = self.matrix[list(published)]
        values = np.array([self.cells[i].value for i in published], dtype=float)
        if len(rows):
            unique = np.unique(np.column_stack([rows, values]), axis=0)  # drop repeated cells
            rows, values = unique[:, :-1], unique[:, -1]
        lower = _optimise(target, rows, values)
        upper = -_optimise(-target, rows, values)
        value = self.cells[self.index[key]].value
        return Bound(key, value, lower, upper, bool(upper - lower >= minimum_range - 1e-9))


def _optimise(objective: np.ndarray, rows: np.ndarray, values: np.ndarray) -> float:
    if not objective.any():
        return 0.0
    from scipy.optimize import linprog  # only a run on own data audits: no import cost elsewhere

    result = linprog(
        objective,
        A_eq=rows if len(rows) else None,
        b_eq=values if len(rows) else None,
        bounds=(0, None),
        method="highs",
    )
    if result.status == 3:  # unbounded: nothing published limits it
        return -math.inf
    if result.status != 0:  # the true data is always feasible, so this is a solver fault
        raise RuntimeError(f"recovery audit: linear programme failed ({result.message})")
    return float(result.fun)


def audit(
    cells: Sequence[Cell],
    suppressed: Collection[CellKey],
    minimum_range: float = 5,
    only: Iterable[CellKey] | None = None,
) -> list[Bound]:
    """Bound every suppressed cell (or those in ``only``) given all the other cells.

    Parameters
    ----------
    cells : sequence of Cell
        Every count the run would publish, suppressed or not, with its members.
    suppressed : collection of keys
        The cells withheld; all the others are published.
    minimum_range : float
        A suppressed cell is safe when ``upper - lower`` is at least this.
    only : iterable of keys, optional
        Audit just these suppressed cells.

    Returns
    -------
    list of Bound
        One per audited cell, in the order of ``cells``.
    """
    system = System(cells)
    suppressed = set(suppressed)
    published = [i for i, c in enumerate(cells) if c.key not in suppressed]
    wanted = suppressed if only is None else set(only) & suppressed
    return [system.bound(c.key, published, minimum_range) for c in cells if c.key in wanted]
