"""Does a recomputed value agree with what a source states, and how much does that say?

A published statement has a *relation* as well as a number: "fewer than half" is
``less_than 50``, "almost two thirds" is ``between 60 and 66.7``, "12%" is ``equals 12``
(``data/published/README.md`` sets out how statements are entered). One rule per relation,
each from how sources round and hedge, judges both the scorecard and the synthetic data's
calibration targets:

- **A stated figure is a rounded figure.** ``equals`` and ``between`` accept a value that,
  rounded as reports round (half away from zero, to the decimals the figure is stated to),
  is the figure or falls in the range: 11.95% agrees with "12%", 36.6% with "37-38%".
- **A bound in words is exact.** "Fewer than half" (``less_than``) and "over a third"
  (``at_least``) are not rounded figures: 49.9% is fewer than half, 50.0% is not.
- **A hedged figure** ("around 28 a year", "three-quarters") accepts within
  :data:`APPROXIMATE_TOLERANCE` of the figure: a hedge promises less than a rounded figure.

How much agreement says depends on how many values the statement allows. A **strong**
statement is an exact figure, or two adjacent rounded figures ("37% and 38%", order unknown):
agreement there is a real check. Every other statement is **weak**: "fewer than half" accepts
anything from 0 to 146 of 293, so meeting it shows little, and the scorecard says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

RELATIONS = ("equals", "approximately", "less_than", "at_least", "between")
#: "around 28 a year", "three-quarters": within 10% of the stated figure (26 to 30 deaths a
#: year for "around 28"; 67.5% to 82.5% for "three-quarters"), the reading that keeps "around
#: 28" apart from "around 25" and "three-quarters" apart from "two thirds".
APPROXIMATE_TOLERANCE = 0.10


def stated_decimals(value: float) -> int:
    """Decimal places a figure is stated to (12 -> 0, 66.7 -> 1)."""
    text = f"{value:.10g}"
    return len(text.split(".")[1]) if "." in text else 0


def round_as_reported(value: float, decimals: int) -> float:
    """Round half away from zero, as reports do (Python's ``round`` is half-to-even).

    >>> round_as_reported(12.5, 0), round_as_reported(-0.25, 1)
    (13.0, -0.3)
    """
    scaled = abs(value) * 10**decimals
    return math.copysign(math.floor(scaled + 0.5 + 1e-9), value) / 10**decimals


@dataclass(frozen=True)
class Statement:
    """A published statement: its relation and the figure(s) it names.

    Examples
    --------
    >>> Statement("equals", 12).accepts(11.95), Statement("equals", 12).accepts(12.6)
    (True, False)
    >>> Statement("between", low=37, high=38).strength, Statement("less_than", 50).strength
    ('strong', 'weak')
    >>> Statement("less_than", 50).accepted_counts(100 / 293, largest=293)
    (0, 146)
    """

    relation: str
    value: float | None = None
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if self.relation not in RELATIONS:
            raise ValueError(f"unknown relation {self.relation!r}; expected one of {RELATIONS}")

    @property
    def decimals(self) -> int:
        """The precision the statement's figures are given to."""
        figures = [f for f in (self.value, self.low, self.high) if _given(f)]
        return max((stated_decimals(f) for f in figures), default=0)

    @property
    def strength(self) -> str:
        """``"strong"`` (an exact figure, or two adjacent rounded figures) or ``"weak"``."""
        if self.relation == "equals":
            return "strong"
        if self.relation == "between":
            return "strong" if self.high - self.low <= 10**-self.decimals + 1e-9 else "weak"
        return "weak"

    def accepts(self, value: float | None) -> bool:
        """Whether ``value`` meets the statement (see the module notes for the rules)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        if self.relation == "equals":
            return math.isclose(round_as_reported(value, self.decimals), self.value, abs_tol=1e-9)
        if self.relation == "between":
            rounded = round_as_reported(value, self.decimals)
            return self.low - 1e-9 <= rounded <= self.high + 1e-9
        if self.relation == "less_than":
            return value < self.value
        if self.relation == "at_least":
            return value >= self.value
        return abs(value - self.value) <= APPROXIMATE_TOLERANCE * abs(self.value) + 1e-9

    def meets(self, low: float | None, high: float | None) -> bool:
        """Whether some value from ``low`` to ``high`` (an interval) meets the statement.

        The values a statement accepts form one range, so the two meet when an end of the
        interval is accepted or the interval holds an accepted value inside it.

        >>> Statement("equals", 12).meets(5.9, 19.8), Statement("equals", 12).meets(13.1, 20)
        (True, False)
        >>> Statement("less_than", 50).meets(49.95, 60), Statement("at_least", 50).meets(30, 49)
        (True, False)
        """
        if not (_given(low) and _given(high)):
            return False
        inside = self.low if self.relation == "between" else self.value
        if self.relation == "less_than":
            inside = min(low, self.value - 1e-9)  # any value below the bound will do
        return self.accepts(low) or self.accepts(high) or low <= inside <= high

    def difference(self, value: float) -> float:
        """How far ``value`` is from the nearest figure the statement names (0 inside a range
        or a bound it meets)."""
        if self.relation == "between":
            return 0.0 if self.low <= value <= self.high else value - _nearest(value, self)
        if self.relation in ("less_than", "at_least"):
            return 0.0 if self.accepts(value) else value - self.value
        return value - self.value

    def accepted_counts(self, scale: float, largest: int | None = None) -> tuple | None:
        """The smallest and largest whole count the statement accepts, or None if none.

        ``scale`` turns a count into the measure's value (``100 / n`` for a percentage of
        ``n``, ``1 / 3`` for a count a year over three years, 1 for a count); ``largest`` is
        the most the count can be (``n`` for a percentage; by default past any accepted value).
        """
        largest = _top_count(self, scale) if largest is None else largest
        ok = [k for k in range(largest + 1) if self.accepts(k * scale)]
        return (min(ok), max(ok)) if ok else None


def _given(figure: float | None) -> bool:
    return figure is not None and not (isinstance(figure, float) and math.isnan(figure))


def _nearest(value: float, statement: Statement) -> float:
    return statement.low if value < statement.low else statement.high


def _top_count(statement: Statement, scale: float) -> int:
    """A count past every value the statement could accept (for counts without a total)."""
    figures = [f for f in (statement.value, statement.low, statement.high) if _given(f)]
    return int(math.ceil(max(figures) * (1 + 2 * APPROXIMATE_TOLERANCE) / scale)) + 2


def agrees(
    value: float,
    relation: str,
    stated: float | None = None,
    low: float | None = None,
    high: float | None = None,
) -> bool:
    """True when ``value`` meets the stated relation (:meth:`Statement.accepts`).

    Examples
    --------
    >>> agrees(11.95, "equals", 12), agrees(12.6, "equals", 12)
    (True, False)
    >>> agrees(45.1, "less_than", 50), agrees(64.5, "between", low=60, high=66.7)
    (True, True)
    >>> agrees(36.6, "between", low=37, high=38), agrees(36.4, "between", low=37, high=38)
    (True, False)
    >>> agrees(30.0, "approximately", 28), agrees(31.5, "approximately", 28)
    (True, False)
    """
    return Statement(relation, stated, low, high).accepts(value)
