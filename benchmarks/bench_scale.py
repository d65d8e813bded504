"""Load + validate, the headline tables and the scorecard at 300, 30,000 and 1,000,000 rows.

Run: .venv/bin/python benchmarks/bench_scale.py [--sizes 300 30000 1000000]
Datasets are the shipped 2011-14 synthetic cases tiled to size with fresh ids, written to a
temporary folder. Each size is measured in a fresh process so peak memory (max RSS) is that
size's own. Prints a Markdown table for docs/performance.md; asserts nothing (a benchmark, not
a timed test).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.casedata.load import synthetic_path

MEASURE = r"""
import json, resource, sys, time
from analysis.casedata.load import check_file, to_typed
from analysis.chapters.scorecard import build_scorecard
from analysis.stats.tables import involvement_now_vs_ever, proportion_table, yes_share_table

timings = {}
start = time.perf_counter()
frame, report = check_file(sys.argv[1])
assert report.ok, report.summary()
cases = to_typed(frame)
timings["load_validate_s"] = time.perf_counter() - start
for name, build in [
    ("involvement_now_vs_ever_s", lambda: involvement_now_vs_ever(cases)),
    ("involvement_by_age_s", lambda: involvement_now_vs_ever(cases, by="age_band")),
    ("status_breakdown_s", lambda: proportion_table(cases, "csc_status_at_incident")),
    ("status_by_age_s", lambda: proportion_table(cases, "csc_status_at_incident", by="age_band")),
    ("parental_factors_s", lambda: yes_share_table(cases, ["parent_alcohol_misuse",
                                                           "parent_drug_misuse"])),
    ("scorecard_s", lambda: build_scorecard({"2011-14": cases})),
]:
    start = time.perf_counter()
    build()
    timings[name] = time.perf_counter() - start
timings["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(timings))
"""


def make_dataset(rows: int, folder: Path) -> Path:
    base = pd.read_csv(synthetic_path("2011-14"), dtype=str, keep_default_na=False)
    big = base.iloc[np.arange(rows) % len(base)].reset_index(drop=True)
    big["case_id"] = [f"B{i:07d}" for i in range(rows)]
    big["review_id"] = big["case_id"]
    path = folder / f"cases_{rows}.csv"
    big.to_csv(path, index=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 30_000, 1_000_000])
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.sizes:
            path = make_dataset(rows, Path(folder))
            start = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", MEASURE, str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            wall = time.perf_counter() - start
            results.append({"rows": rows, "process_wall_s": wall, **json.loads(out.stdout)})
    table = pd.DataFrame(results).round(3)
    print("| " + " | ".join(table.columns) + " |")
    print("|" + "---|" * len(table.columns))
    for row in table.itertuples(index=False):
        print("| " + " | ".join(f"{v:,}" if isinstance(v, int) else f"{v:g}" for v in row) + " |")


if __name__ == "__main__":
    main()
