"""What a validation rule is, and the two tests of a frame every rule module uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Rule:
    """One validation rule.

    ``check`` takes the frame of codes and returns, for each column it blames, a boolean
    Series that is True on failing rows (the schema's own rules, checked by pandera, have
    none). ``explain``, if given, words the message of each failing row itself: it takes the
    frame, the column, the failing rows' labels, the row numbers the user sees (a Series
    indexed by label) and the frame as the user typed it (labels not yet read as codes), from
    which a message quotes values (never those of a ``never_output`` column).
    """

    code: str
    name: str
    severity: str  # "error" stops loading; "note" is reported and loading goes on
    message: str
    columns: tuple[str, ...] = ()
    check: Callable[[pd.DataFrame], dict[str, pd.Series]] | None = None
    explain: Callable[[pd.DataFrame, str, pd.Index, pd.Series, pd.DataFrame], list[str]] | None = (
        None
    )


def has(frame: pd.DataFrame, *columns: str) -> bool:
    """True when ``frame`` has every one of ``columns``."""
    return all(c in frame.columns for c in columns)


def is_code(frame: pd.DataFrame, column: str, *codes: str) -> pd.Series:
    """True on the rows whose ``column`` holds one of ``codes`` (never on a blank)."""
    return frame[column].isin(codes).fillna(False).astype(bool)
