"""Shared fixtures: a valid case frame (text, as read) and a writer for variants of it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.paths import EXAMPLES_DIR

EXAMPLE = EXAMPLES_DIR / "example_cases.csv"


@pytest.fixture
def valid_frame() -> pd.DataFrame:
    """The shipped example file as text (10 valid rows, both periods)."""
    return pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write a frame to a CSV in tmp_path and return the path."""

    def _write(frame: pd.DataFrame, name: str = "cases.csv", **kwargs) -> Path:
        path = tmp_path / name
        frame.to_csv(path, index=False, **kwargs)
        return path

    return _write
