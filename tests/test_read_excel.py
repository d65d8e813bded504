"""Workbooks are read as a person sees them: the right sheet, and what Excel hides said aloud."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from analysis import UnreadableFileError, check_file, load_cases
from analysis.casedata.read import read_raw
from analysis.cli import main

BAD_INPUTS = Path(__file__).parent / "bad_inputs"


def _rows(frame: pd.DataFrame) -> list[list]:
    return [list(frame.columns), *frame.astype(object).where(frame != "", None).values.tolist()]


def _book(path: Path, sheets: list[tuple[str, list[list], str]], active: int = 0) -> Path:
    """Write a workbook of ``(title, rows, state)`` sheets; return its path."""
    book = Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    book.active = active
    book.save(path)
    return path


def test_active_sheet_with_cases_is_read_not_a_notes_sheet_before_it(valid_frame, tmp_path):
    notes = [["These are the coded cases"], ["see the next sheet"]]
    path = _book(
        tmp_path / "cases.xlsx",
        [("read me", notes, "visible"), ("cases", _rows(valid_frame), "visible")],
    )
    raw = read_raw(path)
    assert raw.frame["case_id"].tolist() == valid_frame["case_id"].tolist()
    assert any("read the sheet 'cases'" in n for n in raw.notes)


def test_a_sheet_listing_the_variables_is_not_a_second_sheet_of_cases(valid_frame, tmp_path):
    # a codebook sheet names case_id (and its label "Case id") in a cell, one variable a row
    listing = [["variable", "label"], ["case_id", "Case id"], ["outcome", "Outcome"]]
    path = _book(
        tmp_path / "cases.xlsx",
        [("cases", _rows(valid_frame), "visible"), ("codebook", listing, "visible")],
        active=1,
    )
    assert load_cases(path)["case_id"].tolist() == valid_frame["case_id"].tolist()


def test_hidden_sheet_is_never_read_unless_asked(valid_frame, tmp_path):
    path = _book(
        tmp_path / "cases.xlsx",
        [("old", _rows(valid_frame.head(3)), "hidden"), ("now", _rows(valid_frame), "visible")],
        active=1,
    )
    assert len(load_cases(path)) == len(valid_frame)
    assert len(load_cases(path, sheet="old")) == 3
    raw = read_raw(path)
    assert any("hidden sheet(s) 'old' were not read" in n for n in raw.notes)


def test_two_case_sheets_are_refused_naming_both_unless_chosen(valid_frame, tmp_path):
    first, second = valid_frame.iloc[:6], valid_frame.iloc[6:]
    path = _book(
        tmp_path / "split.xlsx",
        [("a", _rows(first), "visible"), ("b", _rows(second), "visible")],
    )
    with pytest.raises(UnreadableFileError, match=r"'a', 'b'.*--sheet all"):
        load_cases(path)
    assert load_cases(path, sheet="B")["case_id"].tolist() == second["case_id"].tolist()
    together = load_cases(path, sheet="all")
    assert together["case_id"].tolist() == valid_frame["case_id"].tolist()
    assert any("'a' rows 2-7; 'b' rows 2-5" in n for n in together.attrs["notes"])


def test_problems_in_several_sheets_name_the_sheet_and_its_own_row(valid_frame, tmp_path):
    frame = valid_frame.copy()
    frame.loc[1, "outcome"] = "dead"  # sheet a, row 3
    frame.loc[7, "sex"] = "unknown"  # sheet b, row 3
    path = _book(
        tmp_path / "split.xlsx",
        [("a", _rows(frame.iloc[:6]), "visible"), ("b", _rows(frame.iloc[6:]), "visible")],
    )
    _, report = check_file(path, sheet="all")
    errors = report.errors
    assert errors[["file", "row", "case_id", "column"]].values.tolist() == [
        [f"{path} (sheet a)", 3, "EX002", "outcome"],
        [f"{path} (sheet b)", 3, "EX008", "sex"],
    ]
    assert f"{path} (sheet b): row 3 [case_id EX008] column sex" in report.to_text()


def test_sheets_with_different_columns_are_not_joined(valid_frame, tmp_path):
    path = _book(
        tmp_path / "split.xlsx",
        [
            ("a", _rows(valid_frame.iloc[:6]), "visible"),
            ("b", _rows(valid_frame.iloc[6:].drop(columns="sex")), "visible"),
        ],
    )
    with pytest.raises(UnreadableFileError, match="sheet 'b' does not have the same columns.*sex"):
        check_file(path, sheet="all")


def test_unknown_sheet_is_refused_listing_the_sheets(valid_frame, tmp_path):
    path = _book(
        tmp_path / "cases.xlsx",
        [("cases", _rows(valid_frame), "visible"), ("old", [["x"]], "hidden")],
    )
    listed = r"no sheet named 'nope'.*'cases', 'old' \(hidden\)"
    with pytest.raises(UnreadableFileError, match=listed):
        check_file(path, sheet="nope")


def test_formulas_never_calculated_are_refused_naming_the_column():
    advice = r"column review_period \(C2, C3.*open it in Excel"
    with pytest.raises(UnreadableFileError, match=advice):
        check_file(BAD_INPUTS / "excel_formulas_not_calculated.xlsx")


def test_a_formula_giving_empty_text_among_calculated_ones_reads_blank_with_a_note(tmp_path):
    # Excel saves the result of ="" as no value; beside calculated formulas, that is a blank
    from analysis.casedata.read_excel import _refuse_uncalculated

    formulas, values = Workbook().active, Workbook().active
    for sheet in (formulas, values):
        sheet.append(["case_id", "flag"])
    formulas.append(["EX001", '=IF(A2="EX001","yes","")'])
    formulas.append(["EX002", '=IF(A3="EX001","yes","")'])
    values.append(["EX001", "yes"])  # calculated
    values.append(["EX002", None])  # calculated as empty text
    notes: list[str] = []
    _refuse_uncalculated(tmp_path / "x.xlsx", values, formulas, 0, "", notes)
    assert notes == [
        "formula cells with no saved result (an empty text) were read as blank: column flag (B3)"
    ]


def test_autofilter_and_hidden_rows_are_named():
    raw = read_raw(BAD_INPUTS / "excel_autofilter.xlsx")
    assert len(raw.frame) == 10
    assert any("5 row(s) hidden in Excel (by the autofilter on A1:AC11)" in n for n in raw.notes)


def test_sheet_option_on_a_csv_is_noted_not_fatal(valid_frame, write_csv):
    raw = read_raw(write_csv(valid_frame), sheet="cases")
    assert any("for Excel workbooks" in n for n in raw.notes)


def test_cli_validate_takes_sheet(capsys):
    path = BAD_INPUTS / "excel_two_sheets.xlsx"
    assert main(["validate", str(path)]) == 2
    assert "--sheet all" in capsys.readouterr().err
    assert main(["validate", str(path), "--sheet", "all"]) == 0
    out = capsys.readouterr().out
    assert "10 rows read; valid" in out and "'2011-14' rows 2-7; '2014-17' rows 2-5" in out
    assert main(["validate", str(path), "--sheet", "2014-17"]) == 0
    assert "4 rows read" in capsys.readouterr().out


def test_scr_sheet_chooses_the_sheet_of_the_file_scr_data_names(monkeypatch):
    monkeypatch.setenv("SCR_DATA", str(BAD_INPUTS / "excel_two_sheets.xlsx"))
    monkeypatch.setenv("SCR_SHEET", "all")
    assert len(load_cases()) == 10
    monkeypatch.setenv("SCR_SHEET", "2011-14")
    assert len(load_cases()) == 6


def test_make_validate_takes_sheet_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("SCR_FILE", str(BAD_INPUTS / "excel_two_sheets.xlsx"))
    monkeypatch.setenv("SCR_SHEET", "all")
    assert main(["validate"]) == 0
    assert "10 rows read; valid" in capsys.readouterr().out


def test_summary_and_reproduce_take_sheet():
    from analysis.cli import build_parser

    parser = build_parser()
    for command in (["summary"], ["reproduce"]):
        assert parser.parse_args([*command, "--sheet", "all"]).sheet == "all"


def test_a_sheet_of_cases_with_misspelt_headers_is_still_found(tmp_path):
    # beside a notes sheet, a sheet headed case_id plus only misspelt names is the sheet of
    # cases (its headers are then reported), as it was before the strict header test
    from openpyxl import Workbook

    from analysis.casedata.load import check_file

    book = Workbook()
    notes = book.active
    notes.title = "notes"
    notes.append(["Coded by AB, March"])
    cases = book.create_sheet("cases")
    cases.append(["case_id", "reveiw_id", "outcme"])
    cases.append(["C1", "R1", "death"])
    book.active = 0
    path = tmp_path / "misspelt.xlsx"
    book.save(path)
    _, report = check_file(path)
    text = report.to_text(limit=None)
    assert "'cases'" in text and "outcome" in text
