"""Does a recomputed value agree with what a source states?

A published statement has a *relation* as well as a number: "fewer than half" is
``less_than 50``, "almost two thirds" is ``between 60 and 66.7``, "12%" is ``equals 12``.
The same rules judge the scorecard and the synthetic data's calibration targets.
"""

from __future__ import annotations

import math

RELATIONS = ("equals", "approximately", "less_than", "at_least", "between")
#: "around 28 a year": within 10% of the stated value.
APPROXIMATE_TOLERANCE = 0.10


def stated_decimals(value: float) -> int:
    """Decimal places a figure is stated to (12 -> 0, 66.7 -> 1)."""
    text = f"{value:.10g}"
    return len(text.split(".")[1]) if "." in text else 0


def agrees(
    value: float,
    relation: str,
    stated: float | None = None,
    low: float | None = None,
    high: float | None = None,
) -> bool:
    """True when ``value`` meets the stated relation.

    ``equals`` means the value rounds to the stated figure at the precision it is stated to
    (so 11.9% agrees with a stated 12%, and 12.6% does not).

    Examples
    --------
    >>> agrees(11.95, "equals", 12), agrees(12.6, "equals", 12)
    (True, False)
    >>> agrees(45.1, "less_than", 50), agrees(64.5, "between", low=60, high=66.7)
    (True, True)
    >>> agrees(30.0, "approximately", 28), agrees(31.5, "approximately", 28)
    (True, False)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if relation == "equals":
        digits = stated_decimals(stated)
        # round half away from zero, as reports do (Python's round() is half-to-even)
        scaled = abs(value) * 10**digits
        rounded = math.copysign(math.floor(scaled + 0.5), value) / 10**digits
        return math.isclose(rounded, stated, abs_tol=1e-9)
    if relation == "approximately":
        return abs(value - stated) <= APPROXIMATE_TOLERANCE * abs(stated)
    if relation == "less_than":
        return value < stated
    if relation == "at_least":
        return value >= stated
    if relation == "between":
        return low <= value <= high
    raise ValueError(f"unknown relation {relation!r}; expected one of {RELATIONS}")
