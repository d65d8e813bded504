"""A researcher's own file, as a new user would bring it, through `reproduce --data`."""

import os
import subprocess
import sys

import pandas as pd
import pyreadstat
import pytest

from analysis import load_cases
from analysis.casedata.codebook import load_codebook
from analysis.casedata.load import synthetic_path
from analysis.publish.disclosure import unprotected_small_counts


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


def _reproduce(path, out_dir):
    env = dict(os.environ, SCR_OUTPUT_DIR=str(out_dir))
    env.pop("SCR_DATA", None)
    return subprocess.run(
        [sys.executable, "-m", "analysis", "reproduce", "--data", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.mark.notebooks
def test_valid_own_file_yields_protected_outputs_and_a_scorecard(own_frame, tmp_path):
    path = tmp_path / "my_cases.csv"
    own_frame.to_csv(path, index=False, encoding="cp1252")  # as Excel on Windows saves it
    out = tmp_path / "run"
    result = _reproduce(path, out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Data: my_cases (own data)" in result.stdout
    assert "1 skipped" in result.stdout  # the two-period chapter: the file has 2011-14 only
    assert "computable published figures reproduced" in result.stdout
    tables = list((out / "outputs").glob("*.csv")) + list((out / "figures").glob("*.csv"))
    assert len(tables) > 20
    for table_path in tables:
        table = pd.read_csv(table_path)
        shown = table.drop(columns=[c for c in table.columns if c.endswith("_marker")])
        assert unprotected_small_counts(shown).empty, table_path.name
        if "dataset" in table and not table_path.name.startswith("06_"):
            assert (table["dataset"] == "my_cases").all(), table_path.name
    status = pd.read_csv(out / "outputs" / "03_status_at_incident.csv")
    assert status["count"].isna().sum() != 1  # a lone suppressed cell would be recoverable
    assert (out / "outputs" / "DISCLOSURE.txt").exists()
    assert (out / "outputs" / "scorecard.csv").exists()
    # data safety: no notebook output shows a case-level row of the researcher's file
    ids = set(own_frame["case_id"])
    executed = list((out / "outputs" / "notebooks").glob("*.ipynb"))
    assert len(executed) == 7
    for notebook in executed:
        text = notebook.read_text(encoding="utf-8")
        shown = [i for i in ids if i in text]
        assert not shown, f"{notebook.name} shows case ids {shown[:3]}"
    for alt in (out / "figures").glob("*.alt.txt"):
        if not alt.name.startswith("06_"):
            assert "synthetic" not in alt.read_text(encoding="utf-8").lower(), alt.name


def test_invalid_own_file_stops_with_the_report_and_writes_nothing(own_frame, tmp_path):
    frame = own_frame.copy()
    frame.loc[5, "age_band"] = "teenager"
    path = tmp_path / "broken_cases.csv"
    frame.to_csv(path, index=False)
    result = _reproduce(path, tmp_path / "run")
    assert result.returncode == 1
    assert "SCH002" in result.stderr and "row 7" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "run").exists()


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
