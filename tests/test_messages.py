"""Messages for people (issue 21): errors before notes, notes summarised by kind, "did you mean"
for a slip, allowed values and the value itself as the user typed them, and a suggested command
that runs as printed."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from fakes import as_labels

from analysis import InvalidCaseDataError, check_file, load_cases
from analysis.cli import main
from analysis.paths import FILE_ENV_VAR, ROOT


@pytest.fixture
def labelled(valid_frame, write_csv):
    """The example typed as labels, with a slip ("Femal"), a value that is nothing ("7"),
    and a rule broken in labels (EX003 is open as child in need, yet ever involved "No")."""
    frame = as_labels(valid_frame)
    frame.loc[1, "sex"] = "Femal"
    frame.loc[3, "age_band"] = "7"
    frame.loc[2, "csc_ever_involved"] = "No"
    return write_csv(frame, "labelled.csv")


# ---------------------------------------------------------------------------------------------
# Errors first; notes of one kind in one line


def test_errors_come_before_notes_and_labels_read_as_codes_are_one_line(labelled):
    _, report = check_file(labelled)
    lines = report.to_text(limit=200).splitlines()
    kinds = ["error" if " error: " in line else "note" for line in lines[1:]]
    assert kinds == ["error"] * 3 + ["note"], "\n".join(lines)
    n = len(report.notes)  # one SCH008 note per coded column typed as labels
    assert n > 20 and set(report.notes["rule"]) == {"SCH008"}
    assert lines[-1].startswith(
        f"  note: {n} columns given as labels (or other spellings of codes) were read as codes: "
        "age_band, cp_plan_ever,"
    )
    assert lines[-1].endswith(f"and {n - 12} more (SCH008; --all lists each)")


def test_every_note_is_listed_when_asked(labelled, capsys):
    assert main(["validate", "--all", str(labelled)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert sum(" SCH008 note: " in line for line in out) == len(check_file(labelled)[1].notes)
    first_note = next(i for i, line in enumerate(out) if " note: " in line)
    assert all(" error: " not in line for line in out[first_note:])


def test_make_validate_is_told_to_add_all_1(labelled, capsys, monkeypatch):
    monkeypatch.setenv(FILE_ENV_VAR, str(labelled))
    assert main(["validate"]) == 1
    assert "(SCH008; ALL=1 lists each)" in capsys.readouterr().out


def test_loaded_notes_are_summarised_too(valid_frame, write_csv):
    path = write_csv(as_labels(valid_frame))
    n = len(check_file(path)[1].notes)
    (note,) = load_cases(path).attrs["notes"]
    assert note.endswith("(SCH008)")  # no --all where the notes are read (summary, Python)
    assert note.startswith(f"{n} columns given as labels (or other spellings of codes) were read")


# ---------------------------------------------------------------------------------------------
# In the user's words: labels for a labelled column, "did you mean", the value as typed


def _error(report, column: str) -> pd.Series:
    rows = report.errors[report.errors["column"] == column]
    assert len(rows) == 1, report.to_text()
    return rows.iloc[0]


def test_a_slip_in_a_label_is_told_with_did_you_mean_and_the_labels(labelled):
    _, report = check_file(labelled)
    sex = _error(report, "sex")
    assert sex["value"] == "Femal"
    assert sex["message"] == (
        "not a label of sex; did you mean 'Female'? allowed: 'Male', 'Female', 'Not known' "
        "(or their codes)"
    )
    age = _error(report, "age_band")  # not a slip of anything: no guess
    assert age["message"].startswith(
        "not a label of age_band; allowed: 'Under 1', '1 to 5', '6 to 10', '11 to 15', "
        "'16 to 17' (or their codes)"
    )


def test_a_slip_in_a_code_is_told_with_the_codes(valid_frame, write_csv):
    valid_frame.loc[1, "sex"] = "femal"
    valid_frame.loc[2, "outcome"] = "serious_harn"
    _, report = check_file(write_csv(valid_frame))
    assert _error(report, "sex")["message"] == (
        "not a code of sex; did you mean 'female'? allowed: male, female, not_known "
        "(or their labels)"
    )
    assert "did you mean 'serious_harm'?" in _error(report, "outcome")["message"]


def test_a_rule_broken_in_labels_quotes_the_label_typed(labelled):
    _, report = check_file(labelled)
    xf001 = _error(report, "csc_ever_involved")
    assert (xf001["rule"], xf001["row"], xf001["value"]) == ("XF001", 4, "No")


def test_siblings_who_disagree_are_quoted_as_typed(valid_frame, write_csv):
    frame = as_labels(valid_frame)
    frame.loc[8, "parent_domestic_abuse"] = "No"  # EX009; its sibling EX008 says "Yes"
    _, report = check_file(write_csv(frame))
    xf009 = report.errors[report.errors["rule"] == "XF009"]
    assert xf009["value"].tolist() == ["Yes", "No"]
    assert "('Yes' in row 9; 'No' in row 10)" in xf009["message"].iloc[0]


# ---------------------------------------------------------------------------------------------
# Every suggested command runs as printed


def _commands(message: str) -> tuple[str, str]:
    match = re.search(r"To list every problem: (.+) \(or, without make: (.+)\)$", message)
    assert match, message
    return match.group(1), match.group(2)


def test_the_command_in_a_loading_error_runs_as_printed_from_anywhere(labelled, tmp_path):
    named = labelled.with_name("Own data 'v2'.csv")  # a space and a quote: quoted as needed
    named.write_bytes(labelled.read_bytes())
    with pytest.raises(InvalidCaseDataError) as refused:
        load_cases(named)
    make, python = _commands(str(refused.value))
    assert make == f"cd {ROOT} && make validate FILE={shlex.quote(str(named))} ALL=1"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run(python, shell=True, cwd=elsewhere, capture_output=True, text=True)
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    assert run.returncode == 1
    assert "did you mean 'Female'?" in run.stdout
    listed = sum(" SCH008 note: " in line for line in run.stdout.splitlines())  # --all
    assert listed == len(check_file(named)[1].notes) > 20
    assert f"{named}: 10 rows read; 3 error(s)" in run.stdout


def test_make_validate_all_1_asks_for_every_problem():
    if shutil.which("make") is None:
        pytest.skip("needs make")
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "validate", "FILE=x.csv", "ALL=1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert "-m analysis validate --all" in dry.stdout, dry.stdout + dry.stderr


def test_a_stopped_run_names_the_command(labelled, capsys):
    assert main(["summary", "--data", str(labelled)]) == 1
    err = capsys.readouterr().err
    assert "Stopped: the data file has problems" in err
    assert f"cd {ROOT} && make validate FILE={labelled} ALL=1" in err
    assert "`python -m analysis" not in err


def test_the_usage_names_make_and_the_kits_python(capsys, monkeypatch):
    monkeypatch.delenv(FILE_ENV_VAR, raising=False)
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "make validate FILE=path/to/cases.csv (from the kit's folder; or " in err
    assert "python -m analysis validate path/to/cases.csv" in err
    assert "(or python -m analysis" not in err  # a bare python is not the kit's environment
    assert sys.executable in err or ".venv" in err


def test_a_missing_column_error_names_no_row(valid_frame, write_csv):
    with pytest.raises(InvalidCaseDataError) as refused:
        load_cases(write_csv(valid_frame.drop(columns=["outcome"])))
    text = str(refused.value)
    assert "first: column outcome, rule SCH001: required column 'outcome' is missing" in text
    assert "<NA>" not in text
