"""`python -m analysis validate` exits 0 valid / 1 problems / 2 unreadable, never a traceback."""

import subprocess
import sys

import pytest

from analysis.cli import main


def test_valid_file_exits_0(valid_frame, write_csv, capsys):
    assert main(["validate", str(write_csv(valid_frame))]) == 0
    assert "valid" in capsys.readouterr().out


@pytest.mark.parametrize(
    "mutate",
    [
        lambda f: f.assign(outcome=f["outcome"].replace("death", "dead")),  # wrong codes
        lambda f: f.assign(case_id="same"),  # duplicate ids
        lambda f: f.drop(columns=["csc_status_at_incident"]),  # missing required column
    ],
    ids=["wrong-codes", "duplicate-ids", "missing-column"],
)
def test_file_with_problems_exits_1_and_names_file_row_column_rule(
    mutate, valid_frame, write_csv, capsys
):
    path = write_csv(mutate(valid_frame))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert str(path) in out and "SCH00" in out


def test_broken_row_exits_1(valid_frame, tmp_path, capsys):
    path = tmp_path / "broken.csv"
    text = valid_frame.to_csv(index=False).splitlines()
    text[2] += ",oops"
    path.write_text("\n".join(text))
    assert main(["validate", str(path)]) == 1
    assert "row 3" in capsys.readouterr().out


@pytest.mark.parametrize("name,content", [("none.csv", None), ("e.csv", b""), ("x.json", b"{}")])
def test_unreadable_file_exits_2(tmp_path, capsys, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["validate", str(path)]) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_problems_can_be_written_to_csv(valid_frame, write_csv, tmp_path):
    valid_frame.loc[1, "sex"] = "?"
    out = tmp_path / "problems.csv"
    assert main(["validate", str(write_csv(valid_frame)), "--output", str(out)]) == 1
    assert "SCH002" in out.read_text()


def test_module_entry_point_runs_without_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id\n1\n")
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", str(bad)], capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert "SCH001" in run.stdout


def test_rules_command_lists_the_catalogue(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "XF001" in out and "SCH004" in out


def test_make_passes_file_names_through_the_environment(tmp_path):
    """A backtick, $(...), quotes or a leading dash in FILE run nothing and reach Python whole."""
    import shutil
    import subprocess

    from analysis.paths import ROOT

    if shutil.which("make") is None or not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("needs make and the project's .venv")
    marker = ROOT / "PWNED_BY_A_FILE_NAME"  # where make runs; removed below if ever made
    name = f'`touch {marker.name}` $(touch {marker.name}) "q" -x.csv'
    path = tmp_path / name
    path.write_bytes((ROOT / "data" / "examples" / "example_cases.csv").read_bytes())
    result = subprocess.run(
        ["make", "--no-print-directory", "validate", f"FILE={path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    ran = marker.exists()
    marker.unlink(missing_ok=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout and not ran
    usage = subprocess.run(
        ["make", "--no-print-directory", "validate"], cwd=ROOT, capture_output=True, text=True
    )
    assert usage.returncode != 0 and "make validate FILE=" in usage.stderr
