"""One count of suppressed cells wherever a run prints or records it (issue 21, item 8).

The number is the count of [c] cells a reader sees across the released tables
(``Plan.shown_suppressed``): the console, the checking record, its summary, the tables' own
markers and the workbook give the same one, labelled alike. The hidden counts behind a
statistic are audited but counted nowhere: how many there are says how many cells of a hidden
cross-tabulation are not empty.
"""

from __future__ import annotations

import json
import os
import re

import openpyxl
import pandas as pd

from analysis.publish.disclosure import SHOWN_AS_C

#: Reviews S1..S22 (one child each), none shared with the fixture's own table (R1, R2).
UNITS = [f"S{i}" for i in range(1, 23)]


def _small_table() -> pd.DataFrame:
    """Three statuses of 22 children (2, 9, 11) and a statistic resting on two hidden counts
    of 1: the 2 is suppressed, then the 9 so that 22 - 9 - 11 does not give it back; the two
    hidden counts are suppressed too, but no reader sees them."""
    groups = [UNITS[:2], UNITS[2:11], UNITS[11:]]
    return pd.DataFrame(
        {
            "status": ["a", "b", "c"],
            "count": [len(g) for g in groups],
            "denominator_count": [len(UNITS)] * 3,
            "percent": [100 * len(g) / len(UNITS) for g in groups],
            "members__count": [tuple(g) for g in groups],
            "members__denominator_count": [tuple(UNITS)] * 3,
            "members__implied": [((UNITS[0],), (UNITS[1],)), None, None],
        }
    )


def _markers(path) -> int:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return int(sum((table[c] == "c").sum() for c in table.columns if c.endswith("_marker")))


def _workbook_count_cells_marked(path) -> int:
    """[c] in the workbook's count columns (headed "(number)"), every sheet."""
    book = openpyxl.load_workbook(path)
    marked = 0
    for name in book.sheetnames[3:]:  # after Cover, Contents, Notes
        rows = list(book[name].iter_rows(values_only=True))
        header = next(
            (i for i, row in enumerate(rows) if any("(number)" in str(c) for c in row)), None
        )
        if header is None:
            continue
        counted = [j for j, c in enumerate(rows[header]) if "(number)" in str(c)]
        marked += sum(row[j] == "[c]" for row in rows[header + 1 :] for j in counted)
    return marked


def test_one_count_of_suppressed_cells_in_every_place_a_run_gives_it(own_run, capsys):
    from analysis import load_cases
    from analysis.paths import DATA_ENV_VAR
    from analysis.publish.run import Run

    def watch(stage):  # one more table, written by the stand-in notebook in both passes
        Run(load_cases(os.environ[DATA_ENV_VAR])).table(_small_table(), "02_small")

    code, runs = own_run(watch=watch)
    assert code == 0
    printed = capsys.readouterr().out
    out = runs / "my_cases"
    record = json.loads((out / "checking" / "results.json").read_text())
    summary = (out / "checking" / "summary.md").read_text()

    # the counts a reader sees: the fixture's two (6, 7) and this table's three and three
    # denominators; never the two hidden counts behind the statistic (10 with them)
    paragraph = (
        f"8 counts published, checked with the counts behind the run's statistics; 2 {SHOWN_AS_C}"
    )
    assert SHOWN_AS_C == "suppressed, shown as [c]"
    assert paragraph in printed  # the console
    assert paragraph in record["audit"]["summary"] and paragraph in summary
    assert (record["audit"]["counts_published"], record["audit"]["suppressed"]) == (8, 2)
    assert "counts_checked" not in record["audit"]
    # the record's lists, table by table, and the summary's column with its total
    listed = {e["file"]: len(e["suppressed"]) for e in record["outputs"] if "suppressed" in e}
    assert sum(listed.values()) == 2 and listed["outputs/02_small.csv"] == 2
    assert f"| file | kind | status | {SHOWN_AS_C} |" in summary
    assert "| all files | | | 2 |" in summary
    # what a reader counts: the markers of the released tables, and the workbook's [c] counts
    assert sum(_markers(p) for p in (out / "outputs").glob("*.csv")) == 2
    assert _workbook_count_cells_marked(out / "outputs" / "scr_tables.xlsx") == 2
    # no other number of suppressed or checked cells anywhere in the words
    words = printed + summary + json.dumps(record["audit"])
    assert re.findall(r"(\d+) counts published", words) == ["8"] * 3
    assert set(re.findall(r"(\d+) suppressed", words)) == {"2"}
