"""Validate the chosen data, run every notebook on it and print the scorecard summary.

``python -m analysis reproduce [--data FILE]`` is what ``make reproduce`` calls. The committed
notebooks are never modified: executed copies are written to ``<run>/outputs/notebooks/``
(by :mod:`analysis.pipeline.notebooks`). On the user's own data, the run is collected,
protected and audited as a whole before anything is written (:func:`reproduce_own_data`).
"""

from __future__ import annotations

import json
import os
import pickle
import shlex
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.casedata.handoff import handing_off
from analysis.casedata.load import is_synthetic
from analysis.casedata.recode import RECODE_ENV_VAR
from analysis.casedata.report import kit_python
from analysis.errors import RecodeFileError
from analysis.files import (
    private_folder,
    replace_folder,
    replacing,
    usual_permissions,
    write_text,
)
from analysis.paths import (
    DATA_ENV_VAR,
    DATASET_NAME_ENV_VAR,
    ROOT,
    SHEET_ENV_VAR,
    data_override,
    runs_dir,
)
from analysis.pipeline.notebooks import (
    NotebookResult,
    chapter_notebooks,
    inputs_fingerprint,
    run_all,
)
from analysis.stats.members import PUBLIC_COUNTS


@dataclass(frozen=True)
class Release:
    """What the user chose for a run on own data.

    ``name`` names the dataset on every output and the run's folder (default: "Own data" on
    the outputs, the file's name for the folder only, since a file named after a family or an
    area would travel with every table); ``allow_overlap`` names earlier released runs the
    output checker agreed this one may differ from by few cases; ``record_file_hash`` puts the
    file's plain SHA-256 into the checking record beside the salted one; ``recode`` names a
    file of categories to combine before protection (default: one beside the data,
    :mod:`analysis.casedata.recode`).
    """

    name: str = ""
    allow_overlap: tuple[str, ...] = ()
    record_file_hash: bool = False
    recode: Path | None = None


def reproduce(
    data: Path | None = None,
    jobs: int = 2,
    force: bool = False,
    sheet: str | None = None,
    fresh_kernels: bool = False,
    release: Release | None = None,
) -> int:
    """Validate the data, execute every notebook, print the scorecard summary; return exit code.

    An invalid file stops before any notebook runs (the caller prints its validation report).
    The shipped synthetic data writes to ``figures/`` and ``outputs/``; any other file goes
    through :func:`reproduce_own_data`. ``sheet`` chooses a workbook's sheet (or ``"all"``);
    the notebooks get it as ``$SCR_SHEET``. Each of the ``jobs`` workers keeps one kernel for
    all its notebooks, reset between them; ``fresh_kernels`` starts one for every notebook.
    """
    if data is not None:
        os.environ[DATA_ENV_VAR] = str(Path(data).resolve())
    if sheet is not None:
        os.environ[SHEET_ENV_VAR] = sheet
    release = release or Release()
    saved = os.environ.get(DATASET_NAME_ENV_VAR)
    os.environ[DATASET_NAME_ENV_VAR] = release.name  # the notebooks' kernels stamp it
    try:
        with handing_off(_handoff_folder()):
            return _reproduce(jobs, force, fresh_kernels, release)
    finally:  # a name chosen for one run is not the next one's (a caller in the same process)
        if saved is None:
            os.environ.pop(DATASET_NAME_ENV_VAR, None)
        else:
            os.environ[DATASET_NAME_ENV_VAR] = saved


def _handoff_folder() -> Path | None:
    """Where the validated data wait for the kernels: own data stay inside the runs folder.

    Own data is any file that is not byte for byte a shipped synthetic one, named or in the
    shipped file's place. Every working folder left by a run killed outright, on any file
    (validated copies, staging, partial runs), is removed first (its process is gone), so
    neither case data nor unprotected tables outlive their run for long.
    """
    from analysis.casedata.load import default_paths
    from analysis.casedata.provenance import is_shipped_synthetic, run_name

    runs = runs_dir()
    if runs.is_dir():
        clear_stale(runs)  # every kind, every name: the first thing any reproduce does
    data = data_override()
    paths = [data] if data is not None else default_paths()
    if all(p.is_file() and is_shipped_synthetic(p) for p in paths):
        return None  # the shipped synthetic files: any temporary folder will do
    return runs / f".{run_name(paths[0])}.validated-{os.getpid()}"


def _reproduce(jobs: int, force: bool, fresh_kernels: bool, release: Release) -> int:
    from analysis.casedata.load import load_cases
    from analysis.publish.run import Run

    cases = load_cases()  # validates first: an invalid file stops here with its report
    if not is_synthetic(cases):
        return reproduce_own_data(cases, jobs=jobs, fresh_kernels=fresh_kernels, release=release)
    run = Run(cases)
    print(run.describe())
    for folder in (run.figures_dir, run.tables_dir / "notebooks"):
        _writable(folder)
    periods = sorted(str(p) for p in cases["review_period"].unique())
    notebooks = chapter_notebooks()
    print(f"Executing {len(notebooks)} notebooks, {jobs} at a time...")
    start = time.perf_counter()
    results = run_all(
        notebooks,
        jobs=jobs,
        out_dir=run.tables_dir / "notebooks",
        periods=periods,
        columns=list(cases.columns),
        fingerprint=inputs_fingerprint(cases.attrs["sources"]),
        force=force,
        fresh_kernels=fresh_kernels,
    )
    _report_results(results, start)
    if all(r.ok for r in results):
        _workbook(run.figures_dir.parent, run.label, synthetic=True, protected=False)
    return _finish(results, run.tables_dir / "scorecard.csv", "outputs/scorecard.csv")


def _workbook(root: Path, label: str, *, synthetic: bool, protected: bool) -> None:
    """Write the run's spreadsheet, unless it is newer than every table it is built from."""
    from analysis.publish.workbook import WORKBOOK_NAME, write_workbook

    tables = list((root / "outputs").glob("*.csv"))
    path = root / "outputs" / WORKBOOK_NAME
    if path.exists() and tables and path.stat().st_mtime >= max(t.stat().st_mtime for t in tables):
        return
    start = time.perf_counter()
    write_workbook(root, label, synthetic=synthetic, protected=protected)
    print(f"Workbook: outputs/{WORKBOOK_NAME} ({time.perf_counter() - start:.1f} s).")


def _report_results(results: list[NotebookResult], start: float, what: str = "ran") -> None:
    failed = [r for r in results if not r.ok]
    skipped = [r for r in results if r.skipped]
    cached = [r for r in results if r.cached]
    print(
        f"{len(results) - len(failed) - len(skipped) - len(cached)} of {len(results)} notebooks "
        f"{what} in {time.perf_counter() - start:.1f} s"
        + (f"; {len(cached)} unchanged (cached; --force reruns them)" if cached else "")
        + (
            f"; {len(skipped)} skipped (the data lacks a period or a column they need)"
            if skipped
            else ""
        )
        + "."
    )


def _finish(results: list[NotebookResult], scorecard_path: Path | None, shown: str) -> int:
    from analysis.chapters.scorecard import summary

    failed = [r for r in results if not r.ok]
    if scorecard_path is not None and scorecard_path.exists():
        print(f"\nReproduction scorecard ({shown}):")
        print(summary(pd.read_csv(scorecard_path)))
    if failed:
        print(f"Failed: {', '.join(r.notebook for r in failed)}", file=sys.stderr)
        return 1
    return 0


def reproduce_own_data(
    cases: pd.DataFrame,
    jobs: int = 2,
    fresh_kernels: bool = False,
    release: Release | None = None,
) -> int:
    """A run on the user's own file: collected, protected and audited as a whole, then written.

    1. Every notebook runs with ``SCR_RUN_STAGE=collect``: each table is kept, unprotected, in
       a private staging folder; nothing is written to the run's folder.
    2. :func:`analysis.publish.disclosure.plan_protection` decides every suppression of the run
       together and audits it by linear programming; a plan that fails stops the run.
    3. The notebooks run again with ``SCR_RUN_STAGE=publish`` into a fresh folder, which gets
       its executed notebooks' text withheld and a checking record, and is then swapped in for
       ``runs/<name>/``, so a failed or interrupted run leaves the previous one intact.

    Before the first pass, a file whose cases differ from an earlier released run's by too few
    cases is refused (:mod:`analysis.publish.history`), unless ``release`` names that run.
    """
    from analysis.casedata.provenance import run_name
    from analysis.publish import checking, history
    from analysis.publish.disclosure import plan_protection
    from analysis.publish.recoding import combinable
    from analysis.publish.run import (
        DISPLAY_ENV_VAR,
        OUTPUT_ENV_VAR,
        STAGE_ENV_VAR,
        STAGING_ENV_VAR,
        Run,
    )

    release = release or Release()
    source = Path(cases.attrs["sources"][0])
    name = run_name(release.name or source)
    try:
        recode_file, combined = _recode(release, source)
        recode = history.recode_key(combined.groups)
        fingerprint, differencing = history.guard(cases, release.allow_overlap, recode=recode)
    except (history.DifferencingError, PermissionError, RecodeFileError) as error:
        print(str(error), file=sys.stderr)  # refused, runs/.history not private, bad recode
        return 2
    runs = runs_dir()
    final = runs / name
    shown = f"runs/{name}"  # written into the outputs: no absolute path (it names the user)
    where = shown if runs == ROOT / "runs" else str(final)  # told on the terminal only
    clear_stale(runs)  # any name: a killed run on another file left its staging here too
    work = runs / f".{name}.partial-{os.getpid()}"
    staging = runs / f".{name}.staging-{os.getpid()}"
    for folder in (work, staging):
        _private_writable(folder)  # fail now, in one sentence, not in eight notebooks later
    private_folder(staging / "notebooks")  # the first pass's printed text is not checked
    kept = (OUTPUT_ENV_VAR, STAGE_ENV_VAR, STAGING_ENV_VAR, RECODE_ENV_VAR)
    saved = {k: os.environ.get(k) for k in kept}
    os.environ.update(
        {
            OUTPUT_ENV_VAR: str(work),
            STAGING_ENV_VAR: str(staging),
            DISPLAY_ENV_VAR: shown,
            STAGE_ENV_VAR: "collect",
            RECODE_ENV_VAR: str(recode_file or ""),  # the kernels count combined categories
        }
    )
    try:
        run = Run(cases)
        print(run.describe())
        if combined:
            print(f"Categories combined before protection ({recode_file.name}):")
            print("\n".join(f"  - {line}" for line in combined.describe()))
        periods = sorted(str(p) for p in cases["review_period"].unique())
        notebooks = chapter_notebooks()
        print(
            f"Pass 1 of 2: collecting every table of {len(notebooks)} notebooks "
            f"({jobs} at a time; nothing is written yet)..."
        )
        start = time.perf_counter()
        results = run_all(
            notebooks,
            jobs=jobs,
            out_dir=staging / "notebooks",
            periods=periods,
            columns=list(cases.columns),
            fresh_kernels=fresh_kernels,
        )
        _report_results(results, start, "collected")
        if any(not r.ok for r in results):
            return _finish(results, None, shown)
        tables = {p.stem: pd.read_pickle(p) for p in sorted((staging / "tables").glob("*.pkl"))}
        plan = plan_protection(tables)
        print(plan.summary())
        if not plan.passed:
            print(
                "The recovery audit failed, so nothing was written: some suppressed count could "
                "still be worked out. Report this as a bug, with the summary above (it gives "
                "no value).",
                file=sys.stderr,
            )
            return 1
        hidden = plan.shown_suppressed_by_table()
        _advise(tables, hidden, combined, runs, name, source)
        with replacing(staging / "plan.pkl") as tmp, open(tmp, "wb") as handle:
            pickle.dump(plan, handle)  # readable by the user only, as the staging folder is
        print("Pass 2 of 2: writing the protected outputs...")
        start = time.perf_counter()
        os.environ[STAGE_ENV_VAR] = "publish"
        results = run_all(
            notebooks,
            jobs=jobs,
            out_dir=work / "outputs" / "notebooks",
            periods=periods,
            columns=list(cases.columns),
            fresh_kernels=fresh_kernels,
        )
        _report_results(results, start)
        if any(not r.ok for r in results):
            return _finish(results, None, shown)
        for notebook in sorted((work / "outputs" / "notebooks").glob("*.ipynb")):
            checking.withhold_notebook_text(notebook, work)
        _workbook(work, run.label, synthetic=False, protected=True)  # from the protected tables
        public = {name for name, table in tables.items() if table.attrs.get(PUBLIC_COUNTS)}
        record = checking.write_record(
            work,
            plan,
            label=run.label,
            data_file=history.file_identity(source, plain=release.record_file_hash),
            differencing=differencing,
            public_tables=public,
            recode=combined.describe(),
            combinable=combinable(tables, hidden),
        )
        checked = json.loads(record.read_text())
        overall = checked["overall"]
        if overall == "fail":
            failed = [e for e in checked["outputs"] if e["status"] == "fail"]
            print(
                "Output checking failed, so nothing was written:\n"
                + "\n".join(f"  {e['file']}: {e.get('why', '')}" for e in failed),
                file=sys.stderr,
            )
            return 1
        try:  # again: a run released meanwhile counts too
            history.guard(cases, release.allow_overlap, recode=recode)
        except history.DifferencingError as error:
            print(str(error), file=sys.stderr)
            return 2
        # checked and complete: readable as the user's other files are (the umask), so a
        # colleague on a shared drive can open it; private only while it was being built
        replace_folder(usual_permissions(work), final)
        history.remember(name, run.label, fingerprint)
        print(
            f"Outputs: {where}/ (checking record: {where}/checking/results.json, "
            f"overall {overall})."
        )
        return _finish(
            results, final / "outputs" / "scorecard.csv", f"{where}/outputs/scorecard.csv"
        )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        os.environ.pop(DISPLAY_ENV_VAR, None)
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def _recode(release: Release, source: Path):
    """The recode file in force (named, else beside the data) and its groups, checked."""
    from analysis.casedata.recode import Recode, read_recode, recode_beside

    path = release.recode or recode_beside(source)
    if path is None:
        return None, Recode()
    return path.resolve(), read_recode(path)


def _advise(tables, hidden, combined, runs: Path, name: str, source: Path) -> None:
    """Print which combinations of categories would publish more, and keep the recode file
    that applies them in the private ``runs/.advice/`` (never in the run's outputs)."""
    from analysis.casedata.recode import SUFFIX
    from analysis.publish.recoding import (
        advice_text,
        advise,
        as_recode_file,
        save_suggestion,
        try_together,
    )

    if not hidden:
        return
    try:
        advice = advise(tables, hidden, combined)
        trial = try_together(tables, hidden, advice) if advice else None
        if trial is not None and trial.hidden_after >= trial.hidden_before:
            advice, trial = [], None  # table by table it helped; the run as a whole, not
        saved = save_suggestion(runs, name, as_recode_file(advice, combined)) if advice else None
    except Exception as error:  # noqa: BLE001 - advice is a help: it never stops a release
        print(
            "Advice on combining categories could not be worked out "
            f"({type(error).__name__}: {error}); the run goes on. Please report it.",
            file=sys.stderr,
        )
        return
    forget = f"cd {shlex.quote(str(ROOT))} && {kit_python()} -m analysis forget-run {name}"
    # the file name only: the data folder can name the user, and the terminal may be logged
    print(advice_text(advice, trial, saved, Path(source.stem + SUFFIX), forget))


#: The working folders a run keeps beside ``runs/<name>/`` (``.<name>.<kind>-<pid>``).
WORKING_KINDS = frozenset({"partial", "staging", "old", "validated"})


def clear_stale(runs: Path, name: str = "*", kinds=WORKING_KINDS) -> list[Path]:
    """Delete what a killed run on ``name`` (any name: ``"*"``) left in ``runs``: ``kill -9``
    runs no clean-up.

    Its staging folder holds unprotected tables, and its validated folder the case data
    itself (:mod:`analysis.casedata.handoff`), so neither may outlive the run. A folder
    whose run is still going (its process id is alive) is left alone. Returns what was deleted.
    """
    gone = []
    for folder in sorted(runs.glob(f".{name}.*-*")):
        stem, _, pid = folder.name.rpartition("-")
        kind = stem.rpartition(".")[2]  # run names hold no dot (provenance.run_name)
        if kind in kinds and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            gone.append(folder)
    return gone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: asks only whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _writable(folder: Path) -> None:
    """Make ``folder`` and check a file can be written in it (raises OSError if not)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_text(folder / ".write-check", "")
    (folder / ".write-check").unlink()


def _private_writable(folder: Path) -> None:
    """Make ``folder`` afresh, private to the user from its creation, and check it is writable.

    The staging folder holds unprotected tables and the review ids behind every cell; the
    partial run becomes ``runs/<name>/`` when swapped in, with the user's usual permissions
    once it is checked (:func:`analysis.files.usual_permissions`).
    """
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    private_folder(folder)
    _writable(folder)
