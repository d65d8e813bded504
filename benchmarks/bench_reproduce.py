"""Time `python -m analysis reproduce` serially and in parallel (wall clock, whole command).

Run: .venv/bin/python benchmarks/bench_reproduce.py [--repeat 3]
Writes nothing but prints a Markdown table to paste into docs/performance.md. A benchmark,
not a timed test: machines differ, so the numbers are recorded, not asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from analysis.paths import ROOT


def time_reproduce(jobs: int, out_dir: str) -> float:
    env = dict(os.environ, SCR_OUTPUT_DIR=out_dir)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "analysis", "reproduce", "--jobs", str(jobs)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| jobs | runs | median wall (s) | min (s) | max (s) |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as out_dir:
        for jobs in (1, 2):
            times = [time_reproduce(jobs, out_dir) for _ in range(args.repeat)]
            print(
                f"| {jobs} | {len(times)} | {statistics.median(times):.1f} "
                f"| {min(times):.1f} | {max(times):.1f} |"
            )
    print(f"\nmachine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
