"""Secondary suppression: which more counts to hide, and how each hidden count is bounded.

:func:`analysis.publish.disclosure.plan_protection` starts from the small counts; this module
hides the same count wherever it appears, the zeros of hidden groups, and then, count by
count, whichever published count lets a failing one pass the recovery audit
(:mod:`analysis.publish.audit`), telling each hidden count's bound from what a reader knows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from analysis.publish.audit import Bound, Cell, CellKey, Solutions, System

if TYPE_CHECKING:
    from analysis.publish.disclosure import Rules


def same_units(cells: Sequence[Cell], hidden: set[CellKey]) -> set[CellKey]:
    """Suppress a count wherever the very same units are counted again."""
    groups: dict[tuple[str, ...], list[CellKey]] = defaultdict(list)
    for cell in cells:
        if cell.members:  # a zero is shown wherever it is
            groups[cell.members].append(cell.key)
    out = set(hidden)
    for keys in groups.values():
        if out.intersection(keys):
            out.update(keys)
    return out


def candidates(cells: Sequence[Cell], target: Cell, hidden: set[CellKey]) -> list[Cell]:
    """Published counts whose suppression could widen ``target``'s range, best first.

    Its siblings come first (counts that share a total with it, as the other cells of a
    breakdown do), then counts overlapping it, then its totals; within each, the same table
    first, then the smallest count, so as little as possible is hidden.
    """
    units = set(target.members)
    published = [c for c in cells if c.key not in hidden and c.value > 0]
    overlapping = [c for c in published if units.intersection(c.members)]
    around = set().union(*(c.members for c in overlapping)) - units if overlapping else set()

    def rank(cell: Cell) -> tuple:
        shared = units.intersection(cell.members)
        kind = 2 if units <= set(cell.members) else 1 if shared else 0
        return (kind, cell.key[0] != target.key[0], cell.value, cell.key)

    found = overlapping + [
        c for c in published if not units.intersection(c.members) and around.intersection(c.members)
    ]
    return sorted(found, key=rank)


def search(
    system: System,
    cells: Sequence[Cell],
    hidden: set[CellKey],
    queue: list[CellKey],
    r: Rules,
    *,
    exact: bool,
    solutions: Solutions | None = None,
) -> set[CellKey]:
    """Secondary suppression: hide more until every count of ``queue`` passes (or nothing is
    left to hide). Suppressing more only widens ranges, so a count that passed stays passed."""
    by_key = {c.key: c for c in cells}
    hidden, queue = set(hidden), list(queue)
    while queue:
        key = queue.pop(0)
        if bound_of(system, cells, hidden, key, r, exact=exact, solutions=solutions).ok:
            continue
        extra = secondary(system, cells, key, hidden, r, exact=exact, solutions=solutions)
        if not extra:
            continue  # nothing left to suppress: the final audit fails, and says so
        hidden |= extra
        queue = [key] + sorted(set(queue) | {k for k in extra if by_key[k].value})
    return hidden


#: How many candidates secondary suppression tries for one failing count before it takes the
#: one that widened it most (each try is one audit of that count).
CANDIDATES_TRIED = 8


def secondary(
    system: System,
    cells: Sequence[Cell],
    key: CellKey,
    hidden: set[CellKey],
    r: Rules,
    *,
    exact: bool,
    solutions: Solutions | None = None,
) -> set[CellKey]:
    """The counts to hide next so that ``key`` can take more values: the first candidate
    (best first, :func:`candidates`) that lets it pass, else the one that widens it most."""
    by_key = {c.key: c for c in cells}
    best: tuple[float, set[CellKey]] = (-1.0, set())
    for option in candidates(cells, by_key[key], hidden)[:CANDIDATES_TRIED]:
        extra = closed(cells, hidden | {option.key}, r) - hidden
        bound = bound_of(system, cells, hidden | extra, key, r, exact=exact, solutions=solutions)
        if bound.ok:
            return extra
        if bound.values > best[0]:
            best = (bound.values, extra)
    return best[1]


def closed(cells: Sequence[Cell], hidden: set[CellKey], r: Rules) -> set[CellKey]:
    """``hidden``, with the same count hidden everywhere and the zeros of hidden groups."""
    out = same_units(cells, hidden)
    if r.hide_zeros_of_hidden_groups:
        out |= zeros_of_hidden_groups(cells, out)
    return out


def zeros_of_hidden_groups(cells: Sequence[Cell], hidden: set[CellKey]) -> set[CellKey]:
    """Zero counts whose total is hidden: "none of them" said of a group too small to show.

    A shown 0 beside a hidden group size tells a reader something true of every child in
    that group (``hide_zeros_of_hidden_groups`` in ``disclosure.yaml``). "All of them" needs
    no rule of its own: a count equal to its hidden total counts the same units, so the
    same-count rule hides it.
    """
    return {c.key for c in cells if c.value == 0 and c.total is not None and c.total in hidden}


def audited(by_key: Mapping[CellKey, Cell], hidden: set[CellKey]) -> list[CellKey]:
    """The suppressed counts the audit bounds: all but hidden zeros.

    A hidden zero counts no unit, and the audit lets only the kinds of unit in the data
    exist, so it would put every hidden zero at 0 whatever is published: its protection is its
    group's hidden size, which is audited (docs/disclosure.md says so).
    """
    return sorted(k for k in hidden if by_key[k].value)


def bound_of(
    system: System,
    cells: Sequence[Cell],
    hidden: set[CellKey],
    key: CellKey,
    r: Rules,
    *,
    exact: bool = True,
    solutions: Solutions | None = None,
) -> Bound:
    """The audit bound of one suppressed count given the plan ``hidden``, and what a reader
    knows besides (``docs/disclosure.md``):

    - every [c] they see is at least 1, since zeros are shown, except where a zero may be
      hidden: in a group whose size is hidden (while ``hide_zeros_of_hidden_groups`` is on);
      the hidden counts behind a withheld statistic are never seen, so no floor for them;
    - a count shown beside a hidden total is at least ``threshold`` below it, or it would
      have been hidden as near its total (and a count equal to its total with it).
    """
    published, nonzero, gaps = [], [], []
    for i, cell in enumerate(cells):
        group_hidden = cell.total is not None and cell.total in hidden
        if cell.key not in hidden:
            published.append(i)
            if group_hidden and cell.value > 0:
                gaps.append((system.index[cell.total], i))
        elif not cell.implied and not (group_hidden and r.hide_zeros_of_hidden_groups):
            nonzero.append(i)
    return system.bound(
        key, published, r.minimum_values, nonzero, exact, solutions, gaps, r.threshold
    )
