"""Column names are checked like cells (issue 21): cleaned with a note that names them, refused
when cleaning makes two names one, and named with "did you mean" when close to the codebook;
the same in CSV, Excel, SPSS and Stata, through one public module of header helpers."""

from __future__ import annotations

import ast

import pandas as pd
import pyreadstat
import pytest

from analysis import UnreadableFileError, check_file, load_cases
from analysis.cli import main
from analysis.paths import PACKAGE_DIR

FORMATS = ["csv", "xlsx", "sav", "dta"]
THEME = "theme_hanging_back"


def _write(frame: pd.DataFrame, path):
    """``frame`` saved as ``path``'s format. A workbook stores a control character as Excel
    does, escaped as ``_xHHHH_`` (XML cannot hold it); SPSS and Stata as their writers do."""
    fmt = path.suffix[1:]
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "xlsx":
        escaped = {
            c: "".join(f"_x{ord(ch):04X}_" if ch < " " and ch not in "\t\n\r" else ch for ch in c)
            for c in frame.columns
        }
        frame.rename(columns=escaped).to_excel(path, index=False)
    elif fmt == "sav":
        pyreadstat.write_sav(frame, str(path))
    else:
        pyreadstat.write_dta(frame, str(path))
    return path


def _reference(valid_frame, tmp_path) -> pd.DataFrame:
    return load_cases(_write(valid_frame, tmp_path / "reference.csv"))


# ---------------------------------------------------------------------------------------------
# A NUL byte in a column name (it validated as "valid", the theme silently dropped)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_nul_byte_in_a_column_name_is_removed_and_the_column_used(fmt, valid_frame, tmp_path):
    broken = "theme_hang\x00ing_back"
    path = _write(valid_frame.rename(columns={THEME: broken}), tmp_path / f"cases.{fmt}")
    _, report = check_file(path)
    assert report.ok and report.problems.empty, report.to_text()
    (note,) = [n for n in report.reader_notes if "NUL byte" in n]
    assert f"{broken!r} (column " in note and "held a NUL byte (U+0000); read as " + THEME in note
    cases = load_cases(path)
    assert cases[THEME].tolist() == _reference(valid_frame, tmp_path)[THEME].tolist()


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_a_name_cut_at_a_nul_byte_is_named_with_did_you_mean(fmt, valid_frame, tmp_path):
    # SPSS and Stata store a name up to its NUL byte: 'theme_hang' is what comes back
    path = _write(
        valid_frame.rename(columns={THEME: "theme_hang\x00ing_back"}), tmp_path / f"c.{fmt}"
    )
    _, report = check_file(path)
    near = report.notes[report.notes["rule"] == "SCH010"]
    assert near["column"].tolist() == ["theme_hang"]
    assert "did you mean 'theme_hanging_back'?" in near["message"].iloc[0]
    assert "SCH005" not in set(report.problems["rule"])


def test_a_nul_byte_inside_a_stata_name_is_named_and_one_inside_spss_refused(
    valid_frame, tmp_path, capsys
):
    """The bytes of a file changed in place: Stata reads the name up to the NUL byte; SPSS
    cannot read the file at all, and says so (exit 2), never a traceback."""
    placeholder = "theme_hangQing_back"
    frame = valid_frame.rename(columns={THEME: placeholder})
    for fmt in ("dta", "sav"):
        path = _write(frame, tmp_path / f"cases.{fmt}")
        path.write_bytes(path.read_bytes().replace(placeholder.encode(), b"theme_hang\x00ing_back"))
    _, report = check_file(tmp_path / "cases.dta")
    assert report.notes[report.notes["rule"] == "SCH010"]["column"].tolist() == ["theme_hang"]
    assert main(["validate", str(tmp_path / "cases.sav")]) == 2
    err = capsys.readouterr().err
    assert "cannot be read: not a readable SPSS file" in err and "Traceback" not in err


def test_a_nul_byte_in_the_first_column_name_is_not_taken_for_a_binary_file(valid_frame, tmp_path):
    path = _write(valid_frame.rename(columns={"case_id": "case\x00_id"}), tmp_path / "c.csv")
    _, report = check_file(path)
    assert report.ok, report.to_text()
    assert any("'case\\x00_id' (column 1) held a NUL byte" in n for n in report.reader_notes)


# ---------------------------------------------------------------------------------------------
# Odd spaces and invisible characters, in every format that can hold them

ODD = {
    "sex": ("Sex\u00a0", "a non-breaking space (U+00A0), not a space"),
    "outcome": (" outcome", "a space at the start or end"),
    "age_band": ("age\tband", "a tab (U+0009)"),
    "review_period": ("review  period", "doubled spaces"),
    "incident_year": ("\u200bincident_year", "a zero-width space (U+200B, invisible)"),
}
#: SPSS and Stata names cannot start with a space or hold a tab, a zero-width space or two
#: words: only the non-breaking space and case get through their writers.
HELD = {"csv": list(ODD), "xlsx": list(ODD), "sav": ["sex"], "dta": ["sex"]}


@pytest.mark.parametrize("fmt", FORMATS)
def test_odd_spaces_in_names_are_cleaned_with_a_note_naming_each(fmt, valid_frame, tmp_path):
    names = {column: ODD[column][0] for column in HELD[fmt]}
    path = _write(valid_frame.rename(columns=names), tmp_path / f"cases.{fmt}")
    _, report = check_file(path)
    assert report.ok and report.problems.empty, report.to_text()
    (note,) = [n for n in report.reader_notes if "column name(s) cleaned" in n]
    assert note.startswith(f"{len(names)} column name(s) cleaned")
    for column, odd in names.items():
        assert f"{odd!r} (column " in note and ODD[column][1] in note
    columns = list(_reference(valid_frame, tmp_path).columns)
    assert list(load_cases(path).columns) == columns


def test_a_workbook_note_names_the_column_by_its_letter(valid_frame, tmp_path):
    path = _write(valid_frame.rename(columns={"sex": "sex\u00a0"}), tmp_path / "cases.xlsx")
    _, report = check_file(path)
    letter = "I"  # sex is the 9th column
    assert valid_frame.columns[8] == "sex"
    assert any(f"'sex\\xa0' (column {letter}) held" in n for n in report.reader_notes)


# ---------------------------------------------------------------------------------------------
# Names that become one once cleaned are refused: which column is meant cannot be told

CLASHES = {
    "csv": ("sex\x00", "(column 9) and 'sex\\x00' (column 30)"),
    "xlsx": ("Sex\u00a0", "(column I) and 'Sex\\xa0' (column AD)"),
    "sav": ("SEX", "(column 9) and 'SEX' (column 30)"),
    "dta": ("sex\u00a0", "(column 9) and 'sex\\xa0' (column 30)"),
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_names_the_same_once_cleaned_are_refused_naming_both(fmt, valid_frame, tmp_path, capsys):
    copy, where = CLASHES[fmt]
    frame = valid_frame.assign(**{copy: valid_frame["sex"]})
    path = _write(frame, tmp_path / f"cases.{fmt}")
    with pytest.raises(UnreadableFileError) as refused:
        check_file(path)
    reason = refused.value.reason
    assert f"column names 'sex' {where} are the same name (sex)" in reason
    assert "rename or delete one of them" in reason
    assert main(["validate", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_name_typed_twice_is_still_told_as_a_repeat(valid_frame, tmp_path):
    path = tmp_path / "twice.csv"
    header = ",".join([*valid_frame.columns, "sex"])
    rows = valid_frame.assign(copy=valid_frame["sex"]).to_csv(index=False, header=False)
    path.write_text(header + "\n" + rows)
    with pytest.raises(UnreadableFileError, match=r"more than once: sex \(columns 9 and 30\)"):
        check_file(path)


# ---------------------------------------------------------------------------------------------
# "Did you mean": a column close to a codebook variable the file lacks


@pytest.mark.parametrize(
    ("typed", "variable"), [("sexx", "sex"), ("age_group", "age_band"), ("outcme", "outcome")]
)
def test_a_column_close_to_a_required_variable_is_named_in_the_note_and_the_error(
    typed, variable, valid_frame, write_csv
):
    _, report = check_file(write_csv(valid_frame.rename(columns={variable: typed})))
    note = report.notes[report.notes["rule"] == "SCH010"]
    assert note["column"].tolist() == [typed]
    assert f"did you mean {variable!r}?" in note["message"].iloc[0]
    error = report.errors[report.errors["rule"] == "SCH001"]
    assert error["column"].tolist() == [variable]
    assert error["message"].iloc[0] == (
        f"required column {variable!r} is missing; did you mean the column {typed!r}?"
    )


def test_extra_columns_far_from_any_variable_get_no_guess(valid_frame, write_csv):
    frame = valid_frame.assign(coder="AB", date_coded="2024-03-01", notes="x", record_notes="y")
    _, report = check_file(write_csv(frame))
    assert set(report.notes["rule"]) == {"SCH005"}


# ---------------------------------------------------------------------------------------------
# One public module of header helpers: no reader reaches into another's private names

READERS = ("read.py", "read_csv.py", "read_excel.py", "read_stats.py")


def _imports(name: str) -> list[ast.ImportFrom]:
    tree = ast.parse((PACKAGE_DIR / "casedata" / name).read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]


@pytest.mark.parametrize("name", sorted(p.name for p in (PACKAGE_DIR / "casedata").glob("*.py")))
def test_no_casedata_module_imports_another_modules_private_name(name):
    private = [
        f"{node.module}.{alias.name}"
        for node in _imports(name)
        if node.module.startswith("analysis")
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert private == [], f"{name} imports {private}"


def test_the_format_readers_do_not_import_read_so_there_is_no_circle():
    for name in READERS[1:]:
        modules = {node.module for node in _imports(name)}
        assert "analysis.casedata.read" not in modules, name
        assert "analysis.casedata.headers" in modules, name
