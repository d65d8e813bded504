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


# --- the suite writes only into temporary folders ---------------------------------------------
# Checked when CI is set (.ci/run, `CI=true make test`): on a developer's machine a reproduce
# running beside the tests would be blamed for writes the tests did not make.
#: Folders of the checkout a test run must leave as it found them (the shipped run's outputs).
_WATCHED = ("figures", "outputs", "report", "data")


def _snapshot() -> dict[str, tuple[int, int]]:
    from analysis.paths import ROOT

    files = {}
    for name in _WATCHED:
        for path in (ROOT / name).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                files[path.relative_to(ROOT).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return files


def pytest_sessionstart(session):
    import os

    if not os.environ.get("CI"):
        return
    if not hasattr(session.config, "workerinput"):  # the controller, not an xdist worker
        session.config._scr_before = _snapshot()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_scr_before", None)
    if before is None:
        return
    after = _snapshot()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        session.config.get_terminal_writer().line(
            "Tests wrote into the checkout (they must use temporary folders): "
            + ", ".join(changed[:20]),
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
