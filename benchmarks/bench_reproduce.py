"""Time a forced `python -m analysis reproduce` now and at a baseline commit, in one run.

Run: .venv/bin/python benchmarks/bench_reproduce.py [--baseline REV] [--repeat 2] [--jobs 2]

Every timing is a whole forced run (``--force``: every notebook executed, none cached) on the
shipped synthetic data, into a temporary output folder. The baseline is checked out into a
temporary git worktree and run with this same environment (``PYTHONPATH`` points the command
and its kernels at the worktree's ``analysis``), alternating with the current code (its
default, two kernels reused for all notebooks, and ``--fresh-kernels``, a kernel a notebook)
so that all see the same machine. Then, for reference, the plain Jupyter way: ``jupyter nbconvert
--execute`` of the same notebooks, one after the other, on the current code.

Writes nothing in the checkout; prints a Markdown table to paste into docs/performance.md.
A benchmark, not a timed test: machines differ, so the numbers are recorded, not asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.paths import NOTEBOOKS_DIR, ROOT

#: The last commit before issue 14's speed work (a forced run took about 54 s on 2 cores).
DEFAULT_BASELINE = "714d92e"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """Wall and CPU seconds (the command and every process it started) of one command."""
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def reproduce(code: Path, jobs: int, out: Path, *extra: str) -> tuple[float, float]:
    env = dict(os.environ, SCR_OUTPUT_DIR=str(out), PYTHONPATH=str(code))
    env.pop("SCR_DATA", None)
    command = [sys.executable, "-m", "analysis", "reproduce", "--force", "--jobs", str(jobs)]
    return timed([*command, *extra], code, env)


def nbconvert_serial(out: Path) -> tuple[float, float]:
    notebooks = sorted(str(p) for p in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    env = dict(os.environ, SCR_OUTPUT_DIR=str(out))
    jupyter = Path(sys.executable).with_name("jupyter")
    command = [str(jupyter), "nbconvert", "--to", "notebook", "--execute"]
    command += ["--output-dir", str(out / "executed"), *notebooks]
    return timed(command, NOTEBOOKS_DIR, env)


def _row(what: str, times: list[tuple[float, float]]) -> str:
    walls, cpus = [t[0] for t in times], [t[1] for t in times]
    return (
        f"| {what} | {len(times)} | {statistics.median(walls):.1f} | {min(walls):.1f} "
        f"| {max(walls):.1f} | {statistics.median(cpus):.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="commit to compare with")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-nbconvert", action="store_true", help="skip the serial reference")
    args = parser.parse_args()
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        worktree = tmp / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(worktree), args.baseline],
            cwd=ROOT,
            check=True,
        )
        try:
            before, after, fresh = [], [], []
            for i in range(args.repeat):  # alternate, so all see the same machine
                before.append(reproduce(worktree, args.jobs, tmp / f"before{i}"))
                after.append(reproduce(ROOT, args.jobs, tmp / f"after{i}"))
                fresh.append(reproduce(ROOT, args.jobs, tmp / f"fresh{i}", "--fresh-kernels"))
            serial = [] if args.no_nbconvert else [nbconvert_serial(tmp / "nbconvert")]
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False
            )
    print(
        "| forced reproduce | runs | median wall (s) | min (s) | max (s) | median CPU (s) |\n"
        "|---|---|---|---|---|---|"
    )
    print(_row(f"before: {args.baseline}, --jobs {args.jobs}", before))
    print(_row(f"after: {head}, --jobs {args.jobs}", after))
    print(_row(f"after: {head}, --jobs {args.jobs} --fresh-kernels", fresh))
    if serial:
        print(_row("serial `jupyter nbconvert --execute`, current code", serial))
    ratio = statistics.median(a for a, _ in after) / statistics.median(b for b, _ in before)
    print(f"\nafter / before (median wall): {ratio:.2f}")
    print(f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
