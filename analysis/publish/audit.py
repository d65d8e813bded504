"""The recovery audit: how narrowly could a reader pin each suppressed count?

Everything a run publishes is a constraint on the units behind it: a shown count says how many
units fall in its cell, wherever that cell appears (a total in one table, a breakdown in
another, a denominator printed beside a percentage). A reader knows more than the shown counts,
and the audit gives them all of it:

- counts are whole numbers, so the audit finds **integer** ranges;
- zeros are shown, so a suppressed count is at least 1, unless the documentation says a zero
  may be hidden there (a zero in a group whose size is hidden: ``may_be_zero``);
- which rows exist (every category has a row, so a missing row tells nothing; see
  ``docs/disclosure.md``).

For each suppressed count the audit finds the smallest and the largest whole value it can take
given all of that. It solves the linear relaxation first (:func:`scipy.optimize.linprog`,
HiGHS), as statistical offices audit linked tables; where the relaxation's optimum is not a
whole number it solves the integer programme (:func:`scipy.optimize.milp`), since rounding a
fractional bound can leave a wider range than a reader who reasons in whole numbers finds. A
suppressed count is safe when it ranges over at least ``minimum_values`` whole values.

The unknowns are the sizes of *classes* of units (units counted by exactly the same cells). The
audit lets only the classes present in the data be non-empty: a reader who does not know which
combinations occur has a wider range, never a narrower one, so passing here is conservative.

Examples
--------
Three cells of one breakdown and their total, the 3 suppressed alone: the total gives it back.

>>> a, b, c = ([f"{k}{i}" for i in range(n)] for k, n in (("a", 3), ("b", 40), ("c", 50)))
>>> cells = [
...     Cell(("t", 0, "count"), tuple(a)),
...     Cell(("t", 1, "count"), tuple(b)),
...     Cell(("t", 2, "count"), tuple(c)),
...     Cell(("t", 0, "denominator_count"), tuple(a + b + c)),
... ]
>>> [(b.lower, b.upper) for b in audit(cells, {("t", 0, "count")})]
[(3, 3)]

Two suppressed, each is at least 1 (zeros are shown), so each ranges from 1 to 42:

>>> [(b.lower, b.upper, b.values) for b in audit(cells, {("t", 0, "count"), ("t", 1, "count")})]
[(1, 42, 42), (1, 42, 42)]
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

CellKey = tuple[str, int, str]  # (table name, row position, column)
#: How far from a whole number a solver's value may be and still be that whole number.
TOLERANCE = 1e-6


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
    """The whole values a reader can narrow a suppressed count to: ``lower`` to ``upper``."""

    key: CellKey
    value: int
    lower: float
    upper: float  # ``inf`` when nothing published limits it
    ok: bool

    @property
    def values(self) -> float:
        """How many whole values the count may take (``inf`` when unbounded)."""
        return self.upper - self.lower + 1


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
        sizes = Counter(tuple(s) for s in signature.values())
        classes = sorted(sizes)
        self.matrix = np.zeros((len(self.cells), len(classes)))
        for j, sig in enumerate(classes):
            for i, times in sig:
                self.matrix[i, j] = times
        self.index = {cell.key: i for i, cell in enumerate(self.cells)}
        #: the data itself: how many units each class has (always a whole-number solution)
        self.truth = np.array([sizes[c] for c in classes], dtype=float)
        # Cells that say the same thing (same classes, same value; or, for a reader's floor,
        # the same classes at all) are one constraint: found once here by their bytes, since
        # sorting the rows on every bound took most of a plan's time
        self._equal = _first_of_each(
            [
                row.tobytes() + repr(c.value).encode()
                for row, c in zip(self.matrix, self.cells, strict=True)
            ]
        )
        self._floor = _first_of_each([(row > 0).tobytes() for row in self.matrix])

    def bound(
        self,
        key: CellKey,
        published: Sequence[int],
        minimum_values: float,
        at_least_one: Sequence[int] = (),
        exact: bool = True,
        solutions: Solutions | None = None,
        gaps: Sequence[tuple[int, int]] = (),
        gap: float = 0,
    ) -> Bound:
        """The smallest and largest whole value of cell ``key`` a reader can infer.

        Parameters
        ----------
        key : CellKey
            The suppressed cell.
        published : sequence of int
            Positions (in ``cells``) of the cells whose values are shown.
        minimum_values : float
            The cell passes when it ranges over at least this many whole values.
        at_least_one : sequence of int
            Positions of suppressed cells a reader knows are not zero.
        exact : bool
            Whole-number ends (an integer programme where the relaxation's optimum is
            fractional). ``False``: the relaxation's ends rounded inwards, a range at least as
            wide as the reader's, so a count that fails on it fails for the reader too (the
            plan's search uses it; its final audit is exact).
        solutions : Solutions, optional
            Whole-number solutions found so far. Where those that still fit already spread the
            cell over enough whole values, it passes without solving anything (the range
            returned is then the part of the reader's range they show, never more); every
            whole-number solution found here is added to them.
        gaps : sequence of (int, int)
            Pairs (total, part) where a reader knows ``total - part >= gap``: a part shown
            beside a hidden total would have been hidden within ``gap - 1`` of it.
        gap : float
            See ``gaps`` (the threshold).
        """
        target = self.matrix[self.index[key]]
        shown = sorted({self._equal[i] for i in published})
        rows = self.matrix[shown]
        values = np.array([self.cells[i].value for i in shown], dtype=float)
        # a [c] of whole units is at least 1 exactly when one of its classes is non-empty: the
        # 0/1 form of the floor is the same for whole numbers and tighter for the relaxation
        floors = sorted({self._floor[i] for i in at_least_one})
        at_least = [(self.matrix[i] > 0).astype(float) for i in floors]
        at_least += [self.matrix[t] - self.matrix[p] for t, p in gaps]
        floor = (np.array(at_least), np.array([1.0] * len(floors) + [gap] * len(gaps)))
        floor = floor if at_least else None
        value = self.cells[self.index[key]].value
        if solutions is not None:
            spread = solutions.spread(target, rows, values, floor)
            if spread[1] - spread[0] + 1 >= minimum_values - TOLERANCE:
                return Bound(key, value, _whole(spread[0]), _whole(spread[1]), True)
        problem = _Problem(rows, values, floor, exact)
        lower, low_at = problem.smallest(target, value)
        upper, high_at = problem.smallest(-target, -value)
        if solutions is not None:
            solutions.add(low_at, high_at)
        lower, upper = _whole(lower), _whole(-upper)
        ok = bool(upper - lower + 1 >= minimum_values - TOLERANCE)
        return Bound(key, value, lower, upper, ok)


class Solutions:
    """Whole-number solutions of a system (class sizes), to pass cells without solving.

    Any solution that fits what is published and what a reader knows is one a reader must
    allow, so the values a cell takes over such solutions are part of the reader's range: if
    they already span enough whole values, the cell passes. The data itself is the first.
    """

    def __init__(self, system: System):
        self.points = system.truth[:, None].copy()

    def add(self, *found: np.ndarray | None) -> None:
        new = [x for x in found if x is not None]
        if new:
            self.points = np.column_stack([self.points, *new])

    def spread(self, target, rows, values, floor) -> tuple[float, float]:
        # ``floor``: (rows, least values) a solution must reach, as in _Problem
        """The least and greatest value of ``target`` over the solutions that still fit."""
        fits = np.ones(self.points.shape[1], dtype=bool)
        if len(rows):
            fits &= (np.abs(rows @ self.points - values[:, None]) < TOLERANCE).all(axis=0)
        if floor is not None:
            fits &= (floor[0] @ self.points >= floor[1][:, None] - TOLERANCE).all(axis=0)
        taken = target @ self.points[:, fits]
        return (float(taken.min()), float(taken.max())) if taken.size else (math.inf, -math.inf)


def _first_of_each(signatures: Sequence[bytes]) -> list[int]:
    """For each position, the first position with the same signature."""
    first: dict[bytes, int] = {}
    return [first.setdefault(sig, i) for i, sig in enumerate(signatures)]


def _whole(value: float) -> float:
    """A finite end as the whole number it is (``3``, not ``3.0``); infinity as it is."""
    return value if math.isinf(value) else int(value)


#: Branch-and-bound nodes an integer programme may use before the audit settles for what it
#: has found: a whole-number solution found by then, or the true value itself (both can be
#: reached, so the range is never wider than the reader's, only perhaps narrower: more is
#: hidden, never less). A count of nodes, not seconds: a limit in seconds made the plan depend
#: on how busy the machine was (153 or 154 cells hidden on one file), so two releases of the
#: same file could hide different cells. The audit's programmes take one node or a few.
INTEGER_NODES = 2000
#: A backstop in seconds, far above what a limit of nodes takes, for a pathological programme.
INTEGER_SECONDS = 120.0


@dataclass
class _Problem:
    """Equalities ``rows @ x == values``, ``floor[0] @ x >= floor[1]``, ``x >= 0`` whole."""

    rows: np.ndarray
    values: np.ndarray
    floor: tuple[np.ndarray, np.ndarray] | None
    exact: bool = True

    def smallest(self, objective: np.ndarray, known: float) -> tuple[float, np.ndarray | None]:
        """The least whole value of ``objective @ x`` (``-inf`` when unbounded below), and a
        whole-number solution that reaches it when one was found; ``known`` is its value at
        the true data, always a solution."""
        if not objective.any():
            return 0.0, None
        # only a run on own data audits: no import cost elsewhere
        from scipy.optimize import linprog

        has_rows, has_floor = len(self.rows) > 0, self.floor is not None
        result = linprog(
            objective,
            A_ub=-self.floor[0] if has_floor else None,
            b_ub=-self.floor[1] if has_floor else None,
            A_eq=self.rows if has_rows else None,
            b_eq=self.values if has_rows else None,
            bounds=(0, None),
            method="highs",
        )
        if result.status == 3:  # unbounded: nothing published limits it
            return -math.inf, None
        if result.status != 0:  # the true data is always feasible, so this is a solver fault
            raise RuntimeError(f"recovery audit: linear programme failed ({result.message})")
        if np.allclose(result.x, np.round(result.x), rtol=0, atol=TOLERANCE):
            # a whole-number optimum of the relaxation is the whole-number optimum
            return float(round(result.fun)), np.round(result.x)
        if not self.exact:
            return float(math.ceil(result.fun - TOLERANCE)), None  # no whole value below it
        return self._integer(objective, known)

    def _integer(self, objective: np.ndarray, known: float) -> tuple[float, np.ndarray | None]:
        from scipy.optimize import Bounds, LinearConstraint, milp

        constraints = []
        if len(self.rows):
            constraints.append(LinearConstraint(self.rows, self.values, self.values))
        if self.floor is not None:
            constraints.append(LinearConstraint(self.floor[0], self.floor[1], np.inf))
        result = milp(
            objective,
            constraints=constraints,
            integrality=np.ones(len(objective)),
            bounds=Bounds(0, np.inf),
            options={"node_limit": INTEGER_NODES, "time_limit": INTEGER_SECONDS},
        )
        if result.status == 0:
            return float(round(result.fun)), np.round(result.x)
        if result.x is not None:  # out of nodes: the best solution found is one a reader has
            return float(min(round(result.fun), known)), np.round(result.x)
        # out of nodes before any solution (scipy says status 1, or, for HiGHS's "solution
        # limit" at its node limit, a status it does not recognise): the true value is one
        if result.status == 1 or "limit" in str(result.message).lower():
            return float(known), None
        raise RuntimeError(f"recovery audit: integer programme failed ({result.message})")


def audit(
    cells: Sequence[Cell],
    suppressed: Collection[CellKey],
    minimum_values: float = 5,
    only: Iterable[CellKey] | None = None,
    may_be_zero: Collection[CellKey] = (),
) -> list[Bound]:
    """Bound every suppressed cell (or those in ``only``) given all the other cells.

    Parameters
    ----------
    cells : sequence of Cell
        Every count the run would publish, suppressed or not, with its members.
    suppressed : collection of keys
        The cells withheld; all the others are published.
    minimum_values : float
        A suppressed cell is safe when it ranges over at least this many whole values.
    only : iterable of keys, optional
        Audit just these suppressed cells.
    may_be_zero : collection of keys
        Suppressed cells a reader cannot rule out being 0; every other suppressed cell is at
        least 1, since zeros are shown.

    Returns
    -------
    list of Bound
        One per audited cell, in the order of ``cells``.
    """
    system = System(cells)
    suppressed = set(suppressed)
    published = [i for i, c in enumerate(cells) if c.key not in suppressed]
    nonzero = [i for i, c in enumerate(cells) if c.key in suppressed and c.key not in may_be_zero]
    wanted = suppressed if only is None else set(only) & suppressed
    return [
        system.bound(c.key, published, minimum_values, nonzero) for c in cells if c.key in wanted
    ]  # exact ends for every cell: no Solutions shortcut, which may show only part of a range
