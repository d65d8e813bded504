"""Execute every notebook on the chosen data (in parallel) and print the scorecard summary.

``python -m analysis reproduce [--data FILE]`` is what ``make reproduce`` calls. The committed
notebooks are never modified: executed copies are written to ``<run>/outputs/notebooks/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import re
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.casedata.load import is_synthetic
from analysis.files import replace_folder, replacing, write_text
from analysis.paths import (
    CONTEXT_DIR,
    DATA_ENV_VAR,
    NOTEBOOKS_DIR,
    PACKAGE_DIR,
    PUBLISHED_DIR,
    ROOT,
    SHEET_ENV_VAR,
    runs_dir,
)
from analysis.stats.members import PUBLIC_COUNTS

NOTEBOOK_TIMEOUT_S = 600
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CACHE_FILE = ".reproduce-cache.json"


def inputs_fingerprint(data_paths: list[Path]) -> str:
    """A hash of everything a notebook's results depend on besides the notebook itself.

    The library's code and codebook, the published and context figures, the case data, and
    the environment: the locked versions and the Python running them (another matplotlib draws
    other bytes).
    """
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    lock = PACKAGE_DIR.parent / "requirements.lock"
    if lock.exists():
        digest.update(lock.read_bytes())
    files = sorted(PACKAGE_DIR.rglob("*.py")) + sorted(PACKAGE_DIR.rglob("*.yaml"))
    files += sorted(PUBLISHED_DIR.glob("*.csv")) + sorted(CONTEXT_DIR.glob("*.csv"))
    for path in files + [Path(p) for p in data_paths]:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _notebook_key(path: Path, fingerprint: str) -> str:
    return hashlib.sha256(path.read_bytes() + fingerprint.encode()).hexdigest()


@dataclass
class NotebookResult:
    notebook: str
    ok: bool
    seconds: float
    error: str = ""
    skipped: str = ""  # why a notebook was not run (the data lacks a period it needs)
    cached: bool = False  # unchanged notebook and inputs: last run's outputs stand


def _scr_metadata(path: Path) -> dict:
    """A notebook's ``scr`` metadata, read as plain JSON: nbformat would validate the whole
    notebook and import jsonschema's format checkers (about 3 s), which a run whose notebooks
    are all unchanged never needs."""
    return json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("scr", {})


def required_periods(path: Path) -> list[str]:
    """Review periods a notebook needs (its ``scr.requires_periods`` metadata)."""
    return list(_scr_metadata(path).get("requires_periods", []))


def chapter_notebooks() -> list[Path]:
    """The numbered chapter notebooks, in report order."""
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


class RunInterrupted(KeyboardInterrupt):
    """The user stopped the run (Ctrl-C): queued notebooks were cancelled, kernels stopped."""


def execute_notebook(
    path: Path, out_dir: Path | None = None, running: dict | None = None
) -> NotebookResult:
    """Run one notebook top to bottom in a fresh kernel, started in ``notebooks/``.

    The kernel inherits this process's environment (so ``SCR_DATA`` chooses the data).
    """
    import nbformat  # only when a notebook runs (see _scr_metadata)
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    start = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=NOTEBOOK_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
        # the kernel's own log only at CRITICAL: its start-up chatter is noise, a cell's error
        # reaches us through nbclient, and a kernel stopped mid-message (Ctrl-C) logs a
        # signature error with a traceback that says nothing to the user
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        # no execution timestamps, and printed text joined however the kernel flushed it: a
        # rerun gives the same executed notebook
        record_timing=False,
        coalesce_streams=True,
    )
    if running is not None:
        running[path.name] = client  # so an interrupt can stop its kernel
    try:
        client.execute()
        error = ""
    except CellExecutionError as exc:
        # the last line names the error; the kernel colours it for a terminal, not for us
        message = ANSI.sub("", str(exc)).strip()
        error = message.splitlines()[-1] if message else repr(exc)
    except Exception as exc:  # a kernel that dies or times out is a failed notebook, not a crash
        error = f"{type(exc).__name__}: {exc}"
    finally:
        if running is not None:
            running.pop(path.name, None)
    if out_dir is not None:
        with replacing(out_dir / path.name) as tmp:
            nbformat.write(nb, tmp)
    return NotebookResult(path.name, not error, time.perf_counter() - start, error)


def notebook_outputs(path: Path, root: Path) -> dict[str, str]:
    """What a notebook wrote under a run's folder, with hashes: every file whose name starts
    with its number (``03_...``), and those its metadata lists in ``scr.also_writes``."""
    also = _scr_metadata(path).get("also_writes", [])
    prefix = path.name.split("_", 1)[0] + "_"
    files = [p for d in ("figures", "outputs") for p in sorted((root / d).glob(f"{prefix}*"))]
    files += [root / name for name in also if (root / name).exists()]
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in files
        if p.is_file()
    }


def _cache_hit(entry, key: str, nb: Path, out_dir: Path) -> bool:
    """The last run of this notebook had these inputs and its outputs are all still as written."""
    if not isinstance(entry, dict) or entry.get("key") != key or not (out_dir / nb.name).exists():
        return False
    recorded = entry.get("outputs") or {}
    return bool(recorded) and notebook_outputs(nb, out_dir.parent.parent) == recorded


def _stop(running: dict) -> None:
    """Stop the kernels still running (an interrupt must not leave them writing)."""
    for client in list(running.values()):
        # the kernel's own process, killed outright: a polite shutdown would wait for the cell
        process = getattr(
            getattr(getattr(client, "km", None), "provisioner", None), "process", None
        )
        if process is not None:
            with contextlib.suppress(OSError):
                process.kill()


def run_all(
    notebooks: list[Path] | None = None,
    jobs: int = 2,
    out_dir: Path | None = None,
    progress=print,
    periods: list[str] | None = None,
    fingerprint: str | None = None,
) -> list[NotebookResult]:
    """Execute notebooks ``jobs`` at a time, reporting each as it finishes.

    With ``periods`` (the review periods in the data), a notebook that needs a period the
    data lacks is skipped with the reason, not run into an error. With ``fingerprint`` (see
    :func:`inputs_fingerprint`) and ``out_dir``, a notebook whose source and inputs are
    unchanged since its last successful run there is not executed again.
    """
    notebooks = chapter_notebooks() if notebooks is None else notebooks
    results = []
    cache_path = out_dir / CACHE_FILE if out_dir is not None and fingerprint else None
    cache = json.loads(cache_path.read_text()) if cache_path and cache_path.exists() else {}
    runnable = []
    for nb in notebooks:
        needed = required_periods(nb) if periods is not None else []
        missing = [p for p in needed if p not in periods]
        key = _notebook_key(nb, fingerprint) if cache_path else None
        if missing:
            reason = f"needs review period {', '.join(missing)}, not in the data"
            results.append(NotebookResult(nb.name, True, 0.0, skipped=reason))
            progress(f"[skip] {nb.name}: {reason}")
        elif key and _cache_hit(cache.get(nb.name), key, nb, out_dir):
            results.append(NotebookResult(nb.name, True, 0.0, cached=True))
            progress(f"[cached] {nb.name}: unchanged since its last run")
        else:
            runnable.append(nb)
    running: dict = {}
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    futures = {pool.submit(execute_notebook, nb, out_dir, running): nb for nb in runnable}
    try:
        for i, future in enumerate(as_completed(futures), start=1):
            result = future.result()
            results.append(result)
            if cache_path is not None:
                nb = futures[future]
                cache[result.notebook] = (
                    {
                        "key": _notebook_key(nb, fingerprint),
                        "outputs": notebook_outputs(nb, out_dir.parent.parent),
                    }
                    if result.ok
                    else None
                )
            mark = "ok " if result.ok else "FAILED"
            detail = f"\n        {result.error}" if result.error else ""
            progress(
                f"[{i}/{len(runnable)}] {mark} {result.notebook} ({result.seconds:.1f} s)" + detail
            )
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        _stop(running)
        raise RunInterrupted from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if cache_path is not None and runnable:
        write_text(cache_path, json.dumps(cache, indent=1, sort_keys=True))
    return sorted(results, key=lambda r: r.notebook)


def reproduce(
    data: Path | None = None, jobs: int = 2, force: bool = False, sheet: str | None = None
) -> int:
    """Validate the data, execute every notebook, print the scorecard summary; return exit code.

    An invalid file stops before any notebook runs (the caller prints its validation report).
    The shipped synthetic data writes to ``figures/`` and ``outputs/``; any other file goes
    through :func:`reproduce_own_data`. ``sheet`` chooses a workbook's sheet (or ``"all"``);
    the notebooks get it as ``$SCR_SHEET``.
    """
    from analysis.casedata.load import load_cases
    from analysis.publish.run import Run

    if data is not None:
        os.environ[DATA_ENV_VAR] = str(Path(data).resolve())
    if sheet is not None:
        os.environ[SHEET_ENV_VAR] = sheet
    cases = load_cases()  # validates first: an invalid file stops here with its report
    if not is_synthetic(cases):
        return reproduce_own_data(cases, jobs=jobs)
    run = Run(cases)
    print(run.describe())
    for folder in (run.figures_dir, run.tables_dir / "notebooks"):
        _writable(folder)
    periods = sorted(str(p) for p in cases["review_period"].unique())
    notebooks = chapter_notebooks()
    print(f"Executing {len(notebooks)} notebooks, {jobs} at a time...")
    start = time.perf_counter()
    fingerprint = None if force else inputs_fingerprint(cases.attrs["sources"])
    results = run_all(
        notebooks,
        jobs=jobs,
        out_dir=run.tables_dir / "notebooks",
        periods=periods,
        fingerprint=fingerprint,
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
        + (f"; {len(skipped)} skipped (the data lacks a period they need)" if skipped else "")
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


def reproduce_own_data(cases: pd.DataFrame, jobs: int = 2) -> int:
    """A run on the user's own file: collected, protected and audited as a whole, then written.

    1. Every notebook runs with ``SCR_RUN_STAGE=collect``: each table is kept, unprotected, in
       a private staging folder; nothing is written to the run's folder.
    2. :func:`analysis.publish.disclosure.plan_protection` decides every suppression of the run
       together and audits it by linear programming; a plan that fails stops the run.
    3. The notebooks run again with ``SCR_RUN_STAGE=publish`` into a fresh folder, which gets
       its executed notebooks' text withheld and a checking record, and is then swapped in for
       ``runs/<name>/``, so a failed or interrupted run leaves the previous one intact.
    """
    from analysis.casedata.provenance import run_name
    from analysis.files import file_sha256
    from analysis.publish import checking
    from analysis.publish.disclosure import plan_protection
    from analysis.publish.run import (
        DISPLAY_ENV_VAR,
        OUTPUT_ENV_VAR,
        STAGE_ENV_VAR,
        STAGING_ENV_VAR,
        Run,
    )

    source = Path(cases.attrs["sources"][0])
    name = run_name(source)
    runs = runs_dir()
    final = runs / name
    shown = f"runs/{name}"  # written into the outputs: no absolute path (it names the user)
    where = shown if runs == ROOT / "runs" else str(final)  # told on the terminal only
    clear_stale(runs, name)
    work = runs / f".{name}.partial-{os.getpid()}"
    staging = runs / f".{name}.staging-{os.getpid()}"
    for folder in (work, staging):
        shutil.rmtree(folder, ignore_errors=True)
        _writable(folder)  # fail now, in one sentence, not in eight notebooks later
    saved = {k: os.environ.get(k) for k in (OUTPUT_ENV_VAR, STAGE_ENV_VAR, STAGING_ENV_VAR)}
    os.environ.update(
        {
            OUTPUT_ENV_VAR: str(work),
            STAGING_ENV_VAR: str(staging),
            DISPLAY_ENV_VAR: shown,
            STAGE_ENV_VAR: "collect",
        }
    )
    try:
        run = Run(cases)
        print(run.describe())
        periods = sorted(str(p) for p in cases["review_period"].unique())
        notebooks = chapter_notebooks()
        print(
            f"Pass 1 of 2: collecting every table of {len(notebooks)} notebooks "
            f"({jobs} at a time; nothing is written yet)..."
        )
        start = time.perf_counter()
        results = run_all(notebooks, jobs=jobs, out_dir=staging / "notebooks", periods=periods)
        _report_results(results, start, "collected")
        if any(not r.ok for r in results):
            return _finish(results, None, shown)
        tables = {p.stem: pd.read_pickle(p) for p in sorted((staging / "tables").glob("*.pkl"))}
        plan = plan_protection(tables)
        print(plan.summary())
        if not plan.passed:
            print(
                "The recovery audit failed, so nothing was written: some suppressed count could "
                "still be worked out. Report this, with the checking summary, as a bug.",
                file=sys.stderr,
            )
            return 1
        with open(staging / "plan.pkl", "wb") as handle:
            pickle.dump(plan, handle)
        print("Pass 2 of 2: writing the protected outputs...")
        start = time.perf_counter()
        os.environ[STAGE_ENV_VAR] = "publish"
        results = run_all(
            notebooks, jobs=jobs, out_dir=work / "outputs" / "notebooks", periods=periods
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
            data_sha256=file_sha256(source),
            shown_root=shown,
            public_tables=public,
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
        replace_folder(work, final)
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


def clear_stale(runs: Path, name: str) -> list[Path]:
    """Delete what a killed run on ``name`` left in ``runs`` (``kill -9`` runs no clean-up).

    Its staging folder holds unprotected tables, so it must not outlive the run. A folder
    whose run is still going (its process id is alive) is left alone. Returns what was deleted.
    """
    gone = []
    for folder in sorted(runs.glob(f".{name}.*-*")):
        kind, _, pid = folder.name[len(name) + 2 :].rpartition("-")
        if kind in {"partial", "staging", "old"} and pid.isdigit() and not _alive(int(pid)):
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
