"""A researcher's own file, as a new user would bring it, through `reproduce --data`."""

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pyreadstat
import pytest

from analysis import load_cases
from analysis.casedata.codebook import load_codebook
from analysis.casedata.load import synthetic_path
from analysis.files import is_private
from analysis.paths import ROOT
from analysis.pipeline.notebooks import chapter_notebooks
from analysis.publish.checking import WITHHELD_KEY
from analysis.publish.disclosure import unprotected_small_counts
from analysis.publish.run import (
    FIGURE_METADATA_KEY,
    NOT_DRAWN_KEY,
    PUBLIC_STATISTICS_OUTPUTS,
    TABLE_METADATA_KEY,
)
from analysis.site.build import build_report


@pytest.fixture(scope="module")
def own_frame() -> pd.DataFrame:
    """Synthetic 2011-14 cases made to look like a researcher's file: a few rows changed,
    codes given as labels, and no record_origin column (so it counts as real data)."""
    frame = pd.read_csv(synthetic_path("2011-14"), dtype=str, keep_default_na=False)
    frame = frame.drop(columns=["record_origin"], errors="ignore")
    codebook = load_codebook()
    frame["outcome"] = frame["outcome"].map(codebook["outcome"].codes)
    frame["sex"] = frame["sex"].map(codebook["sex"].codes)
    frame.loc[:9, ["csc_status_at_incident", "csc_ever_involved"]] = ["open_child_in_need", "yes"]
    return frame


def _reproduce(path, runs_dir):
    env = dict(os.environ, SCR_RUNS_DIR=str(runs_dir))
    for key in ("SCR_DATA", "SCR_OUTPUT_DIR", "SCR_RUN_STAGE", "SCR_RUN_STAGING"):
        env.pop(key, None)
    return subprocess.run(
        [sys.executable, "-m", "analysis", "reproduce", "--data", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def _interrupted(path, runs_dir, after: str) -> subprocess.CompletedProcess:
    """``reproduce --data path``, stopped with SIGINT (Ctrl-C) once a line starts ``after``."""
    env = dict(os.environ, SCR_RUNS_DIR=str(runs_dir), PYTHONUNBUFFERED="1")
    for key in ("SCR_DATA", "SCR_OUTPUT_DIR", "SCR_RUN_STAGE", "SCR_RUN_STAGING"):
        env.pop(key, None)
    run = subprocess.Popen(
        [sys.executable, "-m", "analysis", "reproduce", "--data", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as in a terminal
    )
    said = []
    for line in run.stdout:
        said.append(line)
        if line.startswith(after):
            run.send_signal(signal.SIGINT)
            break
    out, err = run.communicate(timeout=120)
    return subprocess.CompletedProcess(run.args, run.returncode, "".join(said) + out, err)


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.notebooks
def test_own_file_claiming_to_be_synthetic_is_protected_audited_and_checked(own_frame, tmp_path):
    """A researcher's file with both periods, saved by Excel on Windows, whose rows all say
    "synthetic": protected anyway, audited as a whole run, written only under runs/."""
    later = pd.read_csv(synthetic_path("2014-17"), dtype=str, keep_default_na=False).head(80)
    frame = pd.concat([own_frame, later.drop(columns=["record_origin"])], ignore_index=True)
    frame["record_origin"] = "synthetic"  # what a file made from the example might say
    path = tmp_path / "my_cases.csv"
    frame.to_csv(path, index=False, encoding="cp1252")
    shipped = {d: _hashes(ROOT / d) for d in ("figures", "outputs")}
    runs = tmp_path / "runs"
    result = _reproduce(path, runs)
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert "Traceback" not in said
    # the terminal names the runs folder the user chose (SCR_RUNS_DIR), and no other path
    assert str(tmp_path) not in result.stdout.replace(str(runs), "runs")
    assert "Data: Own data. " in result.stdout  # never the file's name (issue 20)
    assert "Recovery audit: passed" in result.stdout
    assert {d: _hashes(ROOT / d) for d in ("figures", "outputs")} == shipped
    out = runs / "my_cases"
    # no staging left; the private advice on combining categories (issue 21) is all that joins
    assert sorted(p.name for p in runs.iterdir()) == [".advice", ".history", "my_cases"]
    assert is_private(runs / ".advice")
    tables = list((out / "outputs").glob("*.csv")) + list((out / "figures").glob("*.csv"))
    assert len(tables) > 20
    record = json.loads((out / "checking" / "results.json").read_text())
    book = next(e for e in record["outputs"] if e["file"] == "outputs/scr_tables.xlsx")
    assert book["status"] == "pass"
    _assert_workbook_shows_no_small_count(out / "outputs" / "scr_tables.xlsx")
    public = {  # counts of published figures (by scorecard status), not of children
        e["file"] for e in record["outputs"] if "published figures" in e.get("why", "")
    }
    assert public <= {
        "outputs/08_scorecard_status.csv",
        "outputs/08_not_computable_reasons.csv",
        "figures/08_scorecard_status.csv",
        "outputs/01_death_groups_preliminary_published.csv",
    }
    for table_path in tables:
        table = pd.read_csv(table_path)
        if table_path.relative_to(out).as_posix() not in public:
            assert unprotected_small_counts(table).empty, table_path.name
        assert not [c for c in table.columns if c.startswith("members__")], table_path.name
        if "dataset" in table and not table_path.name.startswith(PUBLIC_STATISTICS_OUTPUTS):
            assert (table["dataset"] == "Own data").all(), table_path.name
    status = pd.read_csv(out / "outputs" / "03_status_at_incident.csv")
    assert status["count"].isna().sum() != 1  # a lone suppressed cell would be recoverable
    # PNG only for figures of case data (public statistics, chapter 6, may keep their SVG)
    assert not [
        p
        for p in (out / "figures").glob("*.svg")
        if not p.name.startswith(PUBLIC_STATISTICS_OUTPUTS)
    ]
    for alt in (out / "figures").glob("*.txt"):
        text = alt.read_text(encoding="utf-8")
        assert "nan" not in text.lower().split() and "<NA>" not in text, alt.name
        if not alt.name.startswith(PUBLIC_STATISTICS_OUTPUTS):
            assert "synthetic" not in text.lower(), alt.name
    assert record["audit"]["passed"] and record["overall"] in ("pass", "review")
    listed = {e["file"] for e in record["outputs"]}
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert written - listed == {"checking/results.json", "checking/summary.md"}
    assert all(e["status"] != "fail" for e in record["outputs"])
    # the report of a real run is built from its checked files, and listed in its record
    build_report(out)
    reported = json.loads((out / "checking" / "results.json").read_text())["outputs"]
    assert "report/index.html" in {e["file"] for e in reported if e["kind"] == "report"}
    # executed notebooks: figures and narrative, no case ids, no printed numbers, no paths
    ids = set(frame["case_id"])
    executed = list((out / "outputs" / "notebooks").glob("*.ipynb"))
    assert len(executed) == len(chapter_notebooks())
    named = 0  # notes naming the table their cell wrote (shown by the report in their place)
    for notebook in executed:
        text = notebook.read_text(encoding="utf-8")
        assert not [i for i in ids if i in text], notebook.name
        assert str(tmp_path) not in text and str(ROOT) not in text, notebook.name
        nb = nbformat.reads(text, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                assert output.get("output_type") != "error", notebook.name
                metadata = output.get("metadata", {})
                if metadata.get(WITHHELD_KEY):
                    assert output["data"]["text/plain"].startswith("[Output withheld")
                    named += TABLE_METADATA_KEY in metadata
                else:  # a figure, or the sentence in place of one: nothing else is kept
                    assert FIGURE_METADATA_KEY in metadata or NOT_DRAWN_KEY in metadata
    assert named > 20
    page = (out / "report" / "02_the_children.html").read_text(encoding="utf-8")
    assert page.count('class="scr-protected"') > page.count("Output withheld on own data")

    # Ctrl-C part-way through a second run: the finished run stays whole, nothing left behind
    finished = _hashes(out)
    stopped = _interrupted(path, runs, after="[1/")
    assert stopped.returncode == 130, stopped.stdout + stopped.stderr
    assert "Stopped (interrupted)" in stopped.stderr and "Traceback" not in stopped.stderr
    assert _hashes(out) == finished
    assert sorted(p.name for p in runs.iterdir()) == [".advice", ".history", "my_cases"]

    # the same name again, now with one period: the two-period chapter's outputs must go
    own_frame.to_csv(path, index=False, encoding="cp1252")
    again = _reproduce(path, runs)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 skipped" in again.stdout
    assert not list((out / "outputs").glob("07_*")) and not list((out / "figures").glob("07_*"))
    assert (out / "outputs" / "scorecard.csv").exists()


def test_invalid_own_file_stops_with_the_report_and_writes_nothing(own_frame, tmp_path):
    frame = own_frame.copy()
    frame.loc[5, "age_band"] = "teenager"
    path = tmp_path / "broken_cases.csv"
    frame.to_csv(path, index=False)
    result = _reproduce(path, tmp_path / "runs")
    assert result.returncode == 1
    assert "SCH002" in result.stderr and "row 7" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("fmt", ["xlsx", "sav"])
def test_own_file_in_other_formats_loads_the_same(own_frame, tmp_path, fmt):
    reference = tmp_path / "ref.csv"
    own_frame.to_csv(reference, index=False)
    path = tmp_path / f"my_cases.{fmt}"
    if fmt == "xlsx":
        own_frame.to_excel(path, index=False)
    else:
        pyreadstat.write_sav(own_frame, str(path))
    pd.testing.assert_frame_equal(load_cases(path), load_cases(reference))


def test_an_unwritable_runs_folder_is_one_sentence(own_frame, tmp_path):
    path = tmp_path / "my_cases.csv"
    own_frame.head(30).to_csv(path, index=False)
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the runs folder should be")
    result = _reproduce(path, blocker / "runs")
    assert result.returncode == 2
    assert (
        result.stderr.startswith("Stopped: could not write") and "Not a directory" in result.stderr
    )
    assert "Traceback" not in result.stdout + result.stderr


def _assert_workbook_shows_no_small_count(path):
    """Every count the own-data workbook shows (a column headed "(number)") is 0 or at least
    the threshold, but in the sheets of published figures or public statistics."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    for name in book.sheetnames[3:]:  # after Cover, Contents, Notes
        if name.startswith(PUBLIC_STATISTICS_OUTPUTS) or name.startswith(
            ("08_scorecard_status", "08_not_computable", "01_death_groups_preliminary")
        ):
            continue
        rows = list(book[name].iter_rows(values_only=True))
        header = next(
            (i for i, row in enumerate(rows) if any("(number)" in str(c) for c in row)), None
        )
        if header is None:  # no count column in this table (shares, tests, published rows)
            continue
        counted = [j for j, c in enumerate(rows[header]) if "(number)" in str(c)]
        for row in rows[header + 1 :]:
            for j in counted:
                value = row[j]
                assert not (isinstance(value, int) and 0 < value < 5), (name, row)
