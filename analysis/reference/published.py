"""Read the published figures (``data/published/``): what the reports and sources state."""

from __future__ import annotations

from functools import cache

import pandas as pd

from analysis.paths import PUBLISHED_DIR

PUBLISHED_FILE = PUBLISHED_DIR / "published_figures.csv"
NOT_FOUND_FILE = PUBLISHED_DIR / "not_found.csv"


@cache
def _read() -> pd.DataFrame:
    return pd.read_csv(PUBLISHED_FILE, dtype={"figure_id": "string"}, encoding="utf-8")


def load_published() -> pd.DataFrame:
    """Every published figure, one row each, with its relation, source and locator."""
    return _read().copy()


def load_not_found() -> pd.DataFrame:
    """Figures looked for in public sources and not found (``item_id``, what was sought...)."""
    return pd.read_csv(NOT_FOUND_FILE, encoding="utf-8")


def figure(figure_id: str) -> pd.Series:
    """One published figure by id.

    Raises
    ------
    KeyError
        No figure has that id.
    """
    table = _read()
    hit = table[table["figure_id"] == figure_id]
    if hit.empty:
        raise KeyError(f"no published figure {figure_id!r} in {PUBLISHED_FILE.name}")
    return hit.iloc[0]


#: A direction stated without a size (unit ``direction``: 1 a rise, 0 no change, -1 a fall), in
#: words, by relation and value.
_DIRECTIONS = {
    ("equals", 1): "a rise",
    ("equals", 0): "no change",
    ("equals", -1): "a fall",
    ("less_than", 1): "no rise",
    ("at_least", 0): "no fall",
}


def stated(row: pd.Series) -> str:
    """A figure as its source states it: "< 50%", "60-66.7%", "about 28 a year", "no rise".

    >>> stated(pd.Series({"unit": "direction", "relation": "less_than", "value": 1.0}))
    'no rise'
    """
    if row["unit"] == "direction":
        return _DIRECTIONS[(row["relation"], int(row["value"]))]
    unit = {"percent": "%", "per_year": " a year"}.get(str(row["unit"]), "")
    if row["relation"] == "between":
        return f"{row['value_low']:g}-{row['value_high']:g}{unit}"
    prefix = {"less_than": "< ", "at_least": ">= ", "approximately": "about "}.get(
        row["relation"], ""
    )
    return f"{prefix}{row['value']:g}{unit}"
