"""SPSS user-missing and Stata extended missing values keep their meaning (issue 11)."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

from analysis import check_file, load_cases

YES_NO = {"yes": 1, "no": 2}
LABELS = {1: "Yes", 2: "No", -9: "Not recorded"}


def _spss(frame: pd.DataFrame, path, labels: dict, missing: dict) -> None:
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels, missing_ranges=missing)


def _stata(frame: pd.DataFrame, path, labels: dict, missing: dict) -> None:
    frame = frame.copy()
    for column, codes in labels.items():
        frame[column] = frame[column].astype(object)
        stata_labels = {("a" if k == -9 else k): v for k, v in codes.items()}
        frame[column] = frame[column].map(lambda v: "a" if v == -9 else v)
        labels[column] = stata_labels
    missing = {column: ["a"] for column in missing}
    pyreadstat.write_dta(
        frame, str(path), variable_value_labels=labels, missing_user_values=missing
    )


WRITERS = {"sav": _spss, "dta": _stata}


def _with_not_recorded(valid_frame: pd.DataFrame) -> pd.DataFrame:
    """csc_ever_involved (required) and disability (optional) numbered, -9 = Not recorded."""
    frame = valid_frame.copy()
    for column in ("csc_ever_involved", "disability"):
        frame[column] = frame[column].map({**YES_NO, "not_recorded": -9})
    # EX001 is not known to children's social care: "not recorded" is allowed there
    frame.loc[0, "csc_ever_involved"] = -9
    return frame


@pytest.mark.parametrize("ext", ["sav", "dta"])
def test_declared_missing_labelled_not_recorded_is_read_as_not_recorded(valid_frame, tmp_path, ext):
    frame = _with_not_recorded(valid_frame)
    path = tmp_path / f"cases.{ext}"
    columns = ("csc_ever_involved", "disability")
    WRITERS[ext](frame, path, {c: dict(LABELS) for c in columns}, {c: [-9] for c in columns})
    cases = load_cases(path)
    # the required variable is not refused as blank; the optional one keeps its count
    assert cases["csc_ever_involved"].iloc[0] == "not_recorded"
    assert cases["disability"].tolist() == valid_frame["disability"].tolist()
    assert (cases["disability"] == "not_recorded").sum() == 1
    assert any("read as the codebook's missing codes" in n for n in cases.attrs["notes"])


@pytest.mark.parametrize("ext", ["sav", "dta"])
def test_declared_missing_without_a_label_is_reported_not_blanked(valid_frame, tmp_path, ext):
    frame = valid_frame.copy()
    frame["disability"] = frame["disability"].map({**YES_NO, "not_recorded": -9})
    path = tmp_path / f"cases.{ext}"
    WRITERS[ext](frame, path, {"disability": {1: "Yes", 2: "No"}}, {"disability": [-9]})
    _, report = check_file(path)
    errors = report.errors
    assert errors[["row", "case_id", "column", "rule"]].values.tolist() == [
        [6, "EX006", "disability", "SCH002"]
    ]
    shown = "-9" if ext == "sav" else ".a"
    package = "SPSS user-missing" if ext == "sav" else "Stata extended missing"
    assert errors["value"].iloc[0] == shown
    assert errors["message"].iloc[0].startswith(f"{package} value {shown} has no value label")


def test_declared_missing_of_a_variable_without_missing_codes_is_reported(valid_frame, tmp_path):
    frame = valid_frame.copy()
    frame["outcome"] = frame["outcome"].map({"death": 1, "serious_harm": 2})
    frame.loc[3, "outcome"] = -9
    path = tmp_path / "cases.sav"
    labels = {"outcome": {1: "Death", 2: "Serious harm", -9: "Not recorded"}}
    _spss(frame, path, labels, {"outcome": [-9]})
    _, report = check_file(path)
    errors = report.errors
    assert len(errors[errors["column"] == "outcome"]) == 1  # once, not also as "not a code"
    row = errors[errors["column"] == "outcome"].iloc[0]
    assert (row["row"], row["rule"], row["value"]) == (4, "SCH002", "-9 (Not recorded)")
    assert "outcome has no missing code" in row["message"]


def test_declared_missing_range_and_system_missing(valid_frame, tmp_path):
    # a range -9 to -7 declared missing; an empty cell (system-missing) stays blank
    frame = _with_not_recorded(valid_frame)
    frame.loc[1, "disability"] = -7
    frame.loc[2, "disability"] = None
    path = tmp_path / "cases.sav"
    labels = {"disability": {**LABELS, -7: "not recorded"}}
    _spss(frame, path, labels, {"disability": [{"lo": -9, "hi": -7}]})
    raw_frame, report = check_file(path)
    assert raw_frame["disability"].tolist()[:2] == ["no", "not_recorded"]
    assert pd.isna(raw_frame["disability"].iloc[2])
    assert "-7 'not recorded' -> not_recorded" in " ".join(report.reader_notes)
