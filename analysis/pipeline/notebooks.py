"""Run notebooks a few at a time, each worker in one kernel reset between notebooks (or a new
kernel each), skipping those whose inputs are unchanged since their last successful run.

:mod:`analysis.pipeline.reproduce` decides what to run on which data; this module only runs
notebooks and keeps the record (``.reproduce-cache.json``) of what each last run used and wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from analysis.files import replacing, write_text
from analysis.paths import CONTEXT_DIR, NOTEBOOKS_DIR, PACKAGE_DIR, PUBLISHED_DIR
from analysis.pipeline.kernels import KERNEL_ARGUMENTS, WorkerKernel, kill_kernel

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
    skipped: str = ""  # why a notebook was not run (the data lacks a period or column it needs)
    cached: bool = False  # unchanged notebook and inputs: last run's outputs stand


def _scr_metadata(path: Path) -> dict:
    """A notebook's ``scr`` metadata, read as plain JSON: nbformat would validate the whole
    notebook and import jsonschema's format checkers (about 3 s), which a run whose notebooks
    are all unchanged never needs."""
    return json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("scr", {})


def required_periods(path: Path) -> list[str]:
    """Review periods a notebook needs (its ``scr.requires_periods`` metadata)."""
    return list(_scr_metadata(path).get("requires_periods", []))


def required_columns(path: Path) -> list[str]:
    """Codebook columns a notebook needs (its ``scr.requires_columns`` metadata): columns the
    codebook makes optional, so a valid file may leave them out (the practice themes, say)."""
    return list(_scr_metadata(path).get("requires_columns", []))


def _skip_reason(path: Path, periods: list[str] | None, columns: list[str] | None) -> str:
    """Why the data cannot support a notebook (a period or a column it needs), or ""."""
    missing = [p for p in required_periods(path) if periods is not None and p not in periods]
    if missing:
        return f"needs review period {', '.join(missing)}, not in the data"
    absent = [c for c in required_columns(path) if columns is not None and c not in columns]
    if absent:
        more = f" and {len(absent) - 3} more" if len(absent) > 3 else ""
        return (
            f"needs column {', '.join(absent[:3])}{more}, not in the data (optional in the "
            "codebook; add the column to run this chapter)"
        )
    return ""


def chapter_notebooks() -> list[Path]:
    """The numbered chapter notebooks, in report order."""
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


class RunInterrupted(KeyboardInterrupt):
    """The user stopped the run (Ctrl-C): queued notebooks were cancelled, kernels stopped."""


def execute_notebook(
    path: Path,
    out_dir: Path | None = None,
    running: dict | None = None,
    kernel: WorkerKernel | None = None,
) -> NotebookResult:
    """Run one notebook top to bottom in a new kernel, started in ``notebooks/``.

    The kernel inherits this process's environment (so ``SCR_DATA`` chooses the data). With
    ``kernel`` (a worker's, see :mod:`analysis.pipeline.kernels`), the notebook runs in that
    kernel, reset to a new kernel's state first; a notebook that fails leaves the worker to
    start a new kernel for the next.
    """
    import nbformat  # only when a notebook runs (see _scr_metadata)
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    start = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    try:
        manager = _ready(kernel)
    except Exception as exc:  # no kernel could be started or reset: this notebook fails
        kernel.stop()
        return NotebookResult(path.name, False, time.perf_counter() - start, f"kernel: {exc}")
    client = NotebookClient(
        nb,
        km=manager,
        timeout=NOTEBOOK_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
        extra_arguments=KERNEL_ARGUMENTS,
        # Stopped outright once the last cell has replied: every file the notebook writes is
        # written inside a cell, so nothing is lost, and a polite shutdown sometimes idles the
        # worker (and a core) for 3 s waiting for the kernel to exit by itself.
        shutdown_kernel="immediate",
        # no execution timestamps, and printed text joined however the kernel flushed it: a
        # rerun gives the same executed notebook
        record_timing=False,
        coalesce_streams=True,
    )
    if running is not None:
        running[path.name] = client  # so an interrupt can stop its kernel
    error = "stopped"  # until the notebook has run (an interrupt ends it here)
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
        if kernel is not None:
            if client.kc is not None:
                client.kc.stop_channels()
            if error:
                kernel.stop()  # whatever the failure left, the next notebook gets a new kernel
    if out_dir is not None:
        with replacing(out_dir / path.name) as tmp:
            nbformat.write(nb, tmp)
    return NotebookResult(path.name, not error, time.perf_counter() - start, error)


def _ready(kernel: WorkerKernel | None):
    """The worker's kernel, reset; a new one if that fails (None: nbclient starts one)."""
    if kernel is None:
        return None
    try:
        return kernel.ready()
    except Exception:  # a kernel that will not reset is replaced, never reused
        kernel.stop()
        return kernel.ready()


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


def _run_root(out_dir: Path | None) -> Path | None:
    """The run folder whose outputs a notebook replaces: only a run's own layout
    (``<run>/outputs/notebooks``), never a staging folder or anywhere else."""
    if out_dir is None or out_dir.name != "notebooks" or out_dir.parent.name != "outputs":
        return None
    return out_dir.parent.parent


def _file_states(nb: Path, root: Path | None) -> dict[Path, tuple[int, int, int]]:
    """What the notebook's outputs are now: each file's inode, modification time and size."""
    if root is None:
        return {}
    states = {}
    for name in notebook_outputs(nb, root):
        with contextlib.suppress(OSError):
            info = (root / name).stat()
            states[root / name] = (info.st_ino, info.st_mtime_ns, info.st_size)
    return states


def _remove_stale(before: dict[Path, tuple[int, int, int]]) -> list[Path]:
    """Delete the outputs an earlier run wrote and this (successful) run did not, so the
    gallery, workbook and cache see only this run's files (a figure no longer drawn).

    A file counts as rewritten when its inode, time or size changed (outputs are replaced
    whole, as new files), so no clock is compared and nothing written this run is lost.
    """
    stale = []
    for path, state in before.items():
        with contextlib.suppress(OSError):
            info = path.stat()
            if (info.st_ino, info.st_mtime_ns, info.st_size) == state:
                path.unlink()
                stale.append(path)
    return stale


def _expected_seconds(nb: Path, entry: dict | None) -> float:
    """How long a notebook should take: its last run's time, else a guess from its code.

    Only the order of the queue depends on it (never a result): about a second per 1,000
    characters of code, which is how the chapters' times compare on the shipped data.
    """
    if entry and isinstance(entry.get("seconds"), int | float):
        return float(entry["seconds"])
    cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
    return (
        sum(len("".join(c.get("source", ""))) for c in cells if c.get("cell_type") == "code") / 1000
    )


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
        if getattr(client, "km", None) is not None:
            kill_kernel(client.km)


def run_all(
    notebooks: list[Path] | None = None,
    jobs: int = 2,
    out_dir: Path | None = None,
    progress=print,
    periods: list[str] | None = None,
    fingerprint: str | None = None,
    force: bool = False,
    fresh_kernels: bool = False,
    columns: list[str] | None = None,
) -> list[NotebookResult]:
    """Execute notebooks ``jobs`` at a time, reporting each as it finishes.

    With ``periods`` (the review periods in the data) and ``columns`` (its columns), a
    notebook that needs a period or an optional column the data lacks is skipped with the
    reason, not run into an error. With ``fingerprint`` (see
    :func:`inputs_fingerprint`) and ``out_dir``, a notebook whose source and inputs are
    unchanged since its last successful run there is not executed again, unless ``force``
    (a forced run still records its results, so the next plain run can reuse them).

    The slowest notebooks start first (by their last recorded time, else by the length of
    their code), so the two kernels finish together instead of one waiting on the other. Each
    worker keeps its kernel for notebook after notebook, reset in between
    (:mod:`analysis.pipeline.kernels`); ``fresh_kernels`` starts a new kernel for every
    notebook instead (slower by about 2 s of CPU a notebook, the same results).
    """
    notebooks = chapter_notebooks() if notebooks is None else notebooks
    results = []
    cache_path = out_dir / CACHE_FILE if out_dir is not None and fingerprint else None
    cache = json.loads(cache_path.read_text()) if cache_path and cache_path.exists() else {}
    runnable = []
    for nb in notebooks:
        reason = _skip_reason(nb, periods, columns)
        key = _notebook_key(nb, fingerprint) if cache_path else None
        if reason:
            results.append(NotebookResult(nb.name, True, 0.0, skipped=reason))
            progress(f"[skip] {nb.name}: {reason}")
        elif key and not force and _cache_hit(cache.get(nb.name), key, nb, out_dir):
            results.append(NotebookResult(nb.name, True, 0.0, cached=True))
            progress(f"[cached] {nb.name}: unchanged since its last run")
        else:
            runnable.append(nb)
    runnable.sort(key=lambda nb: -_expected_seconds(nb, cache.get(nb.name)))
    running: dict = {}
    kernels: list[WorkerKernel] = []
    local = threading.local()

    def run_one(nb: Path) -> NotebookResult:
        kernel = None
        if not fresh_kernels:
            kernel = getattr(local, "kernel", None)
            if kernel is None:
                kernel = local.kernel = WorkerKernel()
                kernels.append(kernel)  # list.append is atomic: no lock needed
        before = _file_states(nb, _run_root(out_dir))
        result = execute_notebook(nb, out_dir, running, kernel=kernel)
        if result.ok:
            _remove_stale(before)
        return result

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    futures = {pool.submit(run_one, nb): nb for nb in runnable}
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
                        "seconds": round(result.seconds, 1),
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
        for kernel in kernels:  # also those being started or reset: no worker waits on one
            kernel.close()
        raise RunInterrupted from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for kernel in kernels:
            kernel.close()
    if cache_path is not None and runnable:
        write_text(cache_path, json.dumps(cache, indent=1, sort_keys=True))
    return sorted(results, key=lambda r: r.notebook)
