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


# ---------------------------------------------------------------------------------------------
# Age in months (issue 22): codes "0" to "23" whose numbers are the months themselves

#: Rows of the example aged under two (0-based), and their age in months (99: not recorded).
MONTHS = {0: 2, 1: 11, 6: 0, 2: 23, 7: 99, 9: 12}


def _with_months(valid_frame: pd.DataFrame) -> pd.DataFrame:
    frame = valid_frame.copy()
    frame["age_months"] = float("nan")
    for row, months in MONTHS.items():
        frame.loc[row, "age_months"] = months
    return frame


def _expected_months(valid_frame) -> list:
    codes = {row: ("not_recorded" if m == 99 else str(m)) for row, m in MONTHS.items()}
    return [codes.get(row) for row in range(len(valid_frame))]


@pytest.mark.parametrize("ext", ["sav", "dta"])
def test_age_in_months_reads_through_the_codebooks_value_labels(valid_frame, tmp_path, ext):
    from analysis.casedata.codebook import load_codebook
    from analysis.coding.labels_syntax import numbered

    var = load_codebook()["age_months"]
    labels = {n: label for n, label in numbered(var, load_codebook())}
    assert labels[0] == "0" and labels[23] == "23" and labels[99] == "Not recorded"
    path = tmp_path / f"months.{ext}"
    # the writers read -9 as the missing number, as the other tests of this file do
    frame = _with_months(valid_frame).replace({"age_months": {99: -9}})
    written = {(-9 if n == 99 else n): label for n, label in labels.items()}
    WRITERS[ext](frame, path, {"age_months": written}, {"age_months": [-9]})
    cases = load_cases(path)
    read = cases["age_months"].astype(object).where(cases["age_months"].notna(), None)
    assert read.tolist() == _expected_months(valid_frame)
    assert list(cases["age_months"].cat.categories) == list(var.codes)  # the months in order


def test_age_in_months_without_labels_is_read_as_the_month_it_is(valid_frame, tmp_path):
    # the number is the code, so no label is needed; 99 has no meaning without its label
    path = tmp_path / "plain.sav"
    pyreadstat.write_sav(_with_months(valid_frame), str(path))
    _, report = check_file(path)
    assert report.errors[["row", "column", "rule"]].values.tolist() == [[8, "age_months", "SCH002"]]
    assert "99 is the number of not_recorded" in report.errors["message"].iloc[0]
    frame = _with_months(valid_frame)
    frame.loc[7, "age_months"] = 15
    pyreadstat.write_sav(frame, str(path))
    cases = load_cases(path)
    assert cases["age_months"].iloc[0] == "2" and cases["age_months"].iloc[7] == "15"
