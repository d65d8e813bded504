"""Shared fixtures: a valid case frame (text, as read) and a writer for variants of it."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from fakes import SCORECARD_ROW

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


# --- the sweep of own files runs only when asked for ------------------------------------------
def pytest_collection_modifyitems(config, items):
    """Deselect the ``sweep`` tests (``make sweep``: an hour of own files) unless ``-m`` names
    the marker: a marker expression in ``addopts`` would be replaced by any ``-m`` given on the
    command line (``-m "not notebooks"`` would then run the sweep)."""
    if "sweep" in (config.option.markexpr or ""):
        return
    swept = [item for item in items if item.get_closest_marker("sweep")]
    if swept:
        config.hook.pytest_deselected(items=swept)
        items[:] = [item for item in items if not item.get_closest_marker("sweep")]


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


# --- a run on own data without the notebooks ---------------------------------------------------
@pytest.fixture
def own_run(valid_frame, write_csv, tmp_path, monkeypatch):
    """``own_run(watch=None, fail=None)``: ``reproduce --data`` on a small own file, with each
    pass's notebooks replaced by one cheap stand-in (a table of children, a scorecard and a
    chapter 6 figure, written through ``Run`` as a notebook would). ``watch(stage)`` is called
    inside each pass; ``fail`` names a pass that then fails; ``frame`` runs on other cases
    (``runs/other_cases/``), ``release`` is passed on; ``tables(cases)`` gives more tables to
    write (name -> table); ``extra(run, stage, out_dir)`` writes
    more through ``run`` in each pass (and may write executed notebooks into ``out_dir``).
    Returns (exit code, runs folder); the run is ``runs/my_cases/``."""
    from matplotlib.figure import Figure

    from analysis.chapters.scorecard import SCORECARD_COLUMNS
    from analysis.paths import DATA_ENV_VAR, RUNS_ENV_VAR
    from analysis.pipeline import reproduce as reproduce_module
    from analysis.pipeline.notebooks import NotebookResult
    from analysis.publish.run import Run, public_statistics_run

    path = write_csv(
        valid_frame.drop(columns=["record_origin"], errors="ignore"), name="my_cases.csv"
    )
    runs = tmp_path / "runs"
    monkeypatch.setenv(RUNS_ENV_VAR, str(runs))
    monkeypatch.setenv(DATA_ENV_VAR, str(path))  # restored after (reproduce sets it)
    for key in (
        "SCR_OUTPUT_DIR",
        "SCR_RUN_STAGE",
        "SCR_RUN_STAGING",
        "SCR_SHEET",
        "SCR_DATASET_NAME",
    ):
        monkeypatch.delenv(key, raising=False)

    def notebooks(watch, fail, data_path, tables, extra):
        def run_all(notebook_paths, out_dir, **kwargs):
            from analysis import load_cases

            stage = os.environ["SCR_RUN_STAGE"]
            cases = load_cases(data_path)
            run = Run(cases)
            children = pd.DataFrame(
                {
                    "status": ["a", "b"],
                    "count": [6, 7],
                    "members__count": [("R1",) * 6, ("R2",) * 7],
                }
            )
            run.table(children, "01_children")
            for name, table in (tables(cases) if tables else {}).items():
                run.table(table, name)
            card = pd.DataFrame(
                [{c: "" for c in SCORECARD_COLUMNS} | SCORECARD_ROW], columns=SCORECARD_COLUMNS
            ).drop(columns="calibration_target")
            card.attrs["public_counts"] = True
            run.table(card, "scorecard")
            fig = Figure()
            fig.subplots().bar(["a", "b"], [10, 20])
            data = pd.DataFrame({"label": ["a", "b"], "value": [10, 20]})
            public_statistics_run(cases).figure(fig, "06_context", data=data, alt_text="Bars.")
            if extra is not None:
                extra(run, stage, out_dir)
            if watch is not None:
                watch(stage)
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            return [NotebookResult("01_fake.ipynb", ok=stage != fail, seconds=0.0)]

        return run_all

    def make(watch=None, fail=None, frame=None, release=None, tables=None, extra=None):
        data_path = path if frame is None else write_csv(frame, name="other_cases.csv")
        stand_in = notebooks(watch, fail, data_path, tables, extra)
        monkeypatch.setattr(reproduce_module, "run_all", stand_in)
        return reproduce_module.reproduce(data=data_path, jobs=1, release=release), runs

    return make
