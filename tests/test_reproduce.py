"""The notebook runner: skips what the data cannot support, and does not redo unchanged work."""

import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from analysis.casedata.load import synthetic_path
from analysis.pipeline.kernels import WorkerKernel
from analysis.pipeline.notebooks import (
    CACHE_FILE,
    chapter_notebooks,
    execute_notebook,
    inputs_fingerprint,
    required_columns,
    required_periods,
    run_all,
)
from analysis.publish.run import FIGURE_METADATA_KEY

SCORECARD = next(p for p in chapter_notebooks() if p.name.startswith("08_"))
TWO_PERIODS = next(p for p in chapter_notebooks() if p.name.startswith("07_"))


def test_notebooks_declare_the_periods_they_need():
    assert required_periods(TWO_PERIODS) == ["2011-14", "2014-17"]
    assert required_periods(SCORECARD) == []


def test_a_notebook_needing_a_missing_period_is_skipped_with_the_reason(tmp_path):
    results = run_all([TWO_PERIODS], out_dir=tmp_path, periods=["2011-14"], progress=lambda m: 0)
    assert results[0].ok and "2014-17" in results[0].skipped


def test_chapters_on_optional_columns_declare_them():
    """The families and practice-theme chapters are about columns the codebook makes optional."""
    from analysis.casedata.codebook import load_codebook
    from analysis.chapters.families import PARENTAL_FACTORS
    from analysis.chapters.themes import MESSAGES, NAMED_WITHOUT_WORDING

    codebook = load_codebook()
    by_name = {p.name[:2]: required_columns(p) for p in chapter_notebooks()}
    assert by_name["04"] == [*PARENTAL_FACTORS, "neglect_feature"]
    # the 2014-17 themes named without wording are optional in chapter 5 (used when present)
    assert sorted(by_name["05"]) == sorted(m.variable for m in MESSAGES)
    assert {v for v in codebook.variables if v.startswith("theme_")} == {
        *by_name["05"],
        *NAMED_WITHOUT_WORDING,
    }
    needed = {c for columns in by_name.values() for c in columns}
    assert not needed & set(codebook.required)  # a required column is always there


def test_a_notebook_needing_a_missing_column_is_skipped_with_the_reason(tmp_path):
    """A valid file without the practice themes (optional): chapter 5 stopped with a KeyError."""
    themes = next(p for p in chapter_notebooks() if p.name.startswith("05_"))
    said = []
    results = run_all(
        [themes], out_dir=tmp_path, periods=["2011-14"], columns=["case_id"], progress=said.append
    )
    assert results[0].ok and results[0].skipped.startswith(
        "needs column theme_case_closed_too_soon, theme_threshold_disagreement, "
        "theme_child_voice_not_heard and 3 more, not in the data"
    )
    assert said == [f"[skip] 05_practice_themes.ipynb: {results[0].skipped}"]


def test_fingerprint_changes_with_the_data(tmp_path):
    data = tmp_path / "cases.csv"
    data.write_bytes(synthetic_path("2011-14").read_bytes())
    before = inputs_fingerprint([data])
    assert before == inputs_fingerprint([data])
    data.write_bytes(data.read_bytes() + b"\n")
    assert before != inputs_fingerprint([data])


@pytest.mark.notebooks
def test_unchanged_notebook_and_inputs_are_not_executed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path))
    out = tmp_path / "outputs" / "notebooks"
    messages = []
    # a figure an earlier version of the chapter drew: gone after the next successful run
    stale = tmp_path / "figures" / "08_scorecard_status.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    os.utime(stale, (1_000_000_000, 1_000_000_000))
    first = run_all([SCORECARD], out_dir=out, fingerprint="a", progress=messages.append)
    assert first[0].ok and not first[0].cached and (out / CACHE_FILE).exists()
    assert not stale.exists()
    again = run_all([SCORECARD], out_dir=out, fingerprint="a", progress=messages.append)
    assert again[0].cached and again[0].seconds == 0
    forced = run_all([SCORECARD], out_dir=out, fingerprint="a", force=True, progress=print)
    assert forced[0].ok and not forced[0].cached and forced[0].seconds > 0
    # an output deleted or edited since: the notebook runs again and writes it back
    written = tmp_path / "outputs" / "scorecard.csv"
    before = written.read_bytes()
    written.unlink()
    rerun = run_all([SCORECARD], out_dir=out, fingerprint="a", progress=messages.append)
    assert rerun[0].ok and not rerun[0].cached and written.read_bytes() == before
    figure = tmp_path / "outputs" / "08_not_computable_reasons.csv"
    figure.write_bytes(b"damaged")
    repaired = run_all([SCORECARD], out_dir=out, fingerprint="a", progress=messages.append)
    assert not repaired[0].cached and figure.read_bytes() != b"damaged"
    changed = run_all([SCORECARD], out_dir=out, fingerprint="b", progress=messages.append)
    assert changed[0].ok and not changed[0].cached
    assert any("[cached]" in m for m in messages)


@pytest.mark.notebooks
def test_the_runner_records_which_figure_each_cell_made(tmp_path, monkeypatch):
    """A figure saved by a helper, in a cell that never names it, is recorded in the output's
    metadata (name, alt text, files relative to the run's folder), with no path of this machine.
    """
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path / "run"))
    helper = (
        "import pandas as pd\n"
        "from matplotlib.figure import Figure\n"
        "from analysis import load_cases\n"
        "from analysis.publish.run import Run\n"
        "run = Run(load_cases())\n"
        "def draw(part):\n"
        "    data = pd.DataFrame({'label': ['a', 'b'], 'count': [1, 2]})\n"
        "    fig = Figure()\n"
        "    fig.subplots().bar(data['label'], data['count'])\n"
        "    return run.figure(fig, '99_' + part, data=data, alt_text='Two bars.')"
    )
    source = tmp_path / "helper.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(helper), new_code_cell("draw('x')")]), source)
    result = execute_notebook(source, tmp_path / "executed")
    assert result.ok, result.error
    executed = nbformat.read(tmp_path / "executed" / "helper.ipynb", as_version=4)
    [output] = executed.cells[1].outputs
    assert "image/png" in output["data"]
    record = output["metadata"][FIGURE_METADATA_KEY]
    assert record["name"] == "99_x"
    assert record["files"] == {
        kind: f"figures/99_x{suffix}"
        for kind, suffix in [("png", ".png"), ("svg", ".svg"), ("csv", ".csv"), ("alt", ".alt.txt")]
    }
    run_root = tmp_path / "run"
    assert all((run_root / path).is_file() for path in record["files"].values())
    assert record["alt_text"] == (run_root / record["files"]["alt"]).read_text().strip()
    assert record["alt_text"].startswith("Two bars.")
    text = (tmp_path / "executed" / "helper.ipynb").read_text(encoding="utf-8")
    assert str(tmp_path) not in text


def test_what_a_killed_run_left_is_cleared_before_the_next(tmp_path):
    """``kill -9`` runs no clean-up: its staging folder (unprotected tables) and half-built run
    are deleted by the next run on the same name; a run still going and other names are kept."""
    import os
    import subprocess
    import sys

    from analysis.pipeline.reproduce import clear_stale

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], text=True, capture_output=True
    ).stdout.strip()  # a process id no longer in use
    left = [f".my_cases.{kind}-{gone}" for kind in ("staging", "partial", "old", "validated")]
    kept = [f".my_cases.staging-{os.getpid()}", f".other.staging-{gone}", "my_cases"]
    for name in left + kept:
        (tmp_path / name / "tables").mkdir(parents=True)
    assert sorted(p.name for p in clear_stale(tmp_path, "my_cases")) == sorted(left)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)


POLLUTE = """
import os, sys, warnings
import matplotlib
import pandas as pd
import matplotlib.pyplot as plt

left_behind = 'a variable'
os.environ['SCR_LEFT_BEHIND'] = '1'
sys.path.append('/nowhere')
matplotlib.rcParams['lines.linewidth'] = 9
pd.set_option('display.max_rows', 3)
warnings.filterwarnings('ignore', message='unrelated')
plt.figure()
os.chdir('/')
open(os.environ['SCR_PIDS'], 'a').write(f'{os.getpid()}\\n')
"""
WARN = "import warner\nwarner.warn()"  # from a module: its "already shown" record outlives %reset
WARNER = """import warnings

def warn():
    warnings.warn('shown in every notebook', UserWarning)
"""
CHECK = """
import os, sys
import matplotlib
import pandas as pd

assert 'left_behind' not in globals()
assert 'SCR_LEFT_BEHIND' not in os.environ
assert '/nowhere' not in sys.path
assert not any('unrelated' in str(f[1]) for f in __import__('warnings').filters)
assert matplotlib.rcParams['lines.linewidth'] != 9
assert pd.get_option('display.max_rows') != 3
assert os.getcwd().endswith('notebooks')
plt = sys.modules.get('matplotlib.pyplot')
assert plt is None or not plt.get_fignums()
open(os.environ['SCR_PIDS'], 'a').write(f'{os.getpid()}\\n')
"""


def _notebook(folder, name, *cells):
    path = folder / name
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), path)
    return path


@pytest.mark.notebooks
def test_a_reused_kernel_shows_the_next_notebook_nothing_of_the_last(tmp_path, monkeypatch):
    """Two notebooks in one worker's kernel: whatever the first changes, the second starts as
    in a new kernel (its warning shown again, its first result numbered 1); a notebook that
    fails is never followed in its kernel."""
    pids = tmp_path / "pids.txt"
    monkeypatch.setenv("SCR_PIDS", str(pids))
    (tmp_path / "warner.py").write_text(WARNER)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    polluter = _notebook(tmp_path, "a.ipynb", POLLUTE, WARN)
    checker = _notebook(tmp_path, "b.ipynb", CHECK, WARN, "1 + 1")
    failing = _notebook(tmp_path, "c.ipynb", POLLUTE, "raise ValueError('stop here')")
    out = tmp_path / "executed"
    kernel = WorkerKernel()
    try:
        results = [
            execute_notebook(path, out, kernel=kernel)
            for path in (polluter, checker, failing, checker)
        ]
    finally:
        kernel.stop()
    assert [r.ok for r in results] == [True, True, False, True], [r.error for r in results]
    executed = nbformat.read(out / "b.ipynb", as_version=4)
    assert "shown in every notebook" in executed.cells[1].outputs[0]["text"]
    assert executed.cells[2].outputs[0]["execution_count"] == 3  # as in a new kernel
    first, second, third, fourth = pids.read_text().split()
    assert first == second == third  # one kernel, reset between notebooks
    assert fourth != third  # the failed notebook's kernel was not reused


FILTERS = """
import scipy.stats, statsmodels.stats.proportion, statsmodels.formula.api, pandas
import matplotlib.figure, warnings, json, os
seen = sorted(repr((f[0], getattr(f[1], 'pattern', f[1]), f[2].__name__)) for f in warnings.filters)
open(os.environ['SCR_FILTERS'], 'a').write(json.dumps(seen) + '\\n')
"""


@pytest.mark.notebooks
def test_a_reset_kernel_keeps_the_warning_filters_libraries_set_on_import(tmp_path, monkeypatch):
    # statsmodels shows every ConvergenceWarning: a notebook that does not import it again
    # (it is already loaded) must still have that filter, as a new kernel has after its imports
    monkeypatch.setenv("SCR_FILTERS", str(tmp_path / "filters.txt"))
    notebook = _notebook(tmp_path, "f.ipynb", FILTERS)
    kernel = WorkerKernel()
    try:
        for _ in range(2):
            assert execute_notebook(notebook, kernel=kernel).ok
    finally:
        kernel.stop()
    assert execute_notebook(notebook).ok  # a new kernel
    reused_first, reused_second, new = (tmp_path / "filters.txt").read_text().splitlines()
    assert reused_second == new
    assert "ConvergenceWarning" in new


@pytest.mark.skipif(os.name == "nt", reason="socket files are POSIX")
def test_a_kernel_talks_through_socket_files_of_its_own_that_go_with_it():
    """Over TCP a kernel binds a port chosen a moment before, which another run's kernel can
    take: the sweep's two workers met "Address already in use" and a traceback. Socket files in
    a private folder of the kernel's own cannot collide, and leave nothing behind."""
    import stat

    from analysis.pipeline.kernels import WorkerKernel

    kernel = WorkerKernel()
    try:
        manager = kernel.ready()
        folder = Path(manager.ip).parent
        assert manager.transport == "ipc"
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert any(folder.iterdir())  # the kernel's sockets
    finally:
        kernel.close()
    assert not folder.exists()
