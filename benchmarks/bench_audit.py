"""Disclosure planning of a whole own-data run: how long the recovery audit takes by file size.

Run: .venv/bin/python benchmarks/bench_audit.py [--sizes 40 75 150 300]
For each size, a random sample of the shipped cases (both periods from 150 up) is written as an
own file; the notebooks' first pass collects every table the run would write (as
``make reproduce DATA=...`` does), then ``plan_protection`` is timed on those tables, with the
number of linear and integer programmes it solved. Prints a Markdown table for
docs/performance.md; asserts nothing (a benchmark, not a timed test).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis.casedata.load import synthetic_path


def collect_tables(path: Path, work: Path) -> dict[str, pd.DataFrame]:
    """Every table a run on ``path`` would write, unprotected (the pipeline's first pass)."""
    import analysis.publish.disclosure as disclosure
    from analysis.pipeline import reproduce

    captured: dict[str, pd.DataFrame] = {}

    def capture(tables, *args, **kwargs):
        captured.update(tables)
        raise SystemExit(0)  # stop before the second pass: only the tables are wanted

    os.environ["SCR_RUNS_DIR"] = str(work / "runs")
    original = disclosure.plan_protection
    disclosure.plan_protection = capture
    try:  # the run's own progress lines would mix with the table this prints
        with contextlib.redirect_stdout(io.StringIO()):
            reproduce.reproduce(path)
    except SystemExit:
        pass
    finally:
        disclosure.plan_protection = original
    return captured


def time_plan(tables: dict[str, pd.DataFrame]) -> dict:
    """Seconds, programmes solved and what the plan did."""
    from analysis.publish import audit
    from analysis.publish.disclosure import plan_protection

    counts = {"linear": 0, "integer": 0}
    smallest, integer = audit._Problem.smallest, audit._Problem._integer

    def counted_smallest(self, objective, known):
        counts["linear"] += 1
        return smallest(self, objective, known)

    def counted_integer(self, objective, known):
        counts["integer"] += 1
        return integer(self, objective, known)

    audit._Problem.smallest, audit._Problem._integer = counted_smallest, counted_integer
    try:
        start = time.perf_counter()
        plan = plan_protection(tables)
        seconds = time.perf_counter() - start
    finally:
        audit._Problem.smallest, audit._Problem._integer = smallest, integer
    return {
        "seconds": seconds,
        "counts": len(plan.cells),
        "suppressed": plan.shown_suppressed,
        "passed": plan.passed,
        **counts,
    }


def sample(size: int, seed: int = 1) -> pd.DataFrame:
    periods = ["2011-14"] if size < 150 else ["2011-14", "2014-17"]
    rows = pd.concat(
        [pd.read_csv(synthetic_path(p), dtype=str, keep_default_na=False) for p in periods]
    )
    return rows.sample(size, random_state=seed).drop(columns="record_origin")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[40, 75, 150, 300])
    args = parser.parse_args()
    print(
        "| children | counts checked | suppressed | linear programmes | integer programmes "
        "| plan, s |"
    )
    print("|---|---|---|---|---|---|")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            path = work / f"own_{size}.csv"
            sample(size).to_csv(path, index=False)
            tables = collect_tables(path, work)
            r = time_plan(tables)
        print(
            f"| {size} | {r['counts']} | {r['suppressed']} | {r['linear']} | {r['integer']} | "
            f"{r['seconds']:.1f}{'' if r['passed'] else ' (FAILED)'} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
