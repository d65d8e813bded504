"""Reading every supported format, and refusing what cannot be read (exit 2 material)."""

import pandas as pd
import pyreadstat
import pytest

from analysis import UnreadableFileError, check_file, load_cases
from analysis.casedata.read import read_raw


def _codes(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype("string").fillna("")


def test_csv_utf8_bom_and_cp1252_read_the_same(valid_frame, write_csv, tmp_path):
    frame = valid_frame.assign(extra_note="café")  # a non-ASCII character in an extra column
    plain = read_raw(write_csv(frame, "utf8.csv", encoding="utf-8"))
    bom = read_raw(write_csv(frame, "bom.csv", encoding="utf-8-sig"))
    win = read_raw(write_csv(frame, "win.csv", encoding="cp1252"))
    pd.testing.assert_frame_equal(_codes(plain.frame), _codes(bom.frame))
    pd.testing.assert_frame_equal(_codes(plain.frame), _codes(win.frame))
    assert plain.frame.loc[0, "extra_note"] == "café"
    assert any("Windows-1252" in n for n in win.notes)
    assert not plain.notes


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_other_delimiters_are_detected_with_a_note(valid_frame, write_csv, sep):
    raw = read_raw(write_csv(valid_frame, sep=sep))
    assert list(raw.frame.columns) == list(valid_frame.columns)
    assert any("delimiter" in n for n in raw.notes)


def test_title_rows_above_header_are_skipped_and_rows_numbered_as_in_file(valid_frame, tmp_path):
    path = tmp_path / "titled.csv"
    body = valid_frame.to_csv(index=False)
    path.write_text("Serious case reviews coded 2011-14\nDraft, do not circulate\n" + body)
    raw = read_raw(path)
    assert len(raw.frame) == len(valid_frame)
    assert raw.first_row == 4  # two title lines, header on line 3, first case on line 4


def test_excel_round_trip_with_title_row(valid_frame, tmp_path):
    path = tmp_path / "cases.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame([["Coded SCRs"]]).to_excel(writer, index=False, header=False)
        valid_frame.to_excel(writer, index=False, startrow=2)
    raw = read_raw(path)
    assert raw.format == "excel" and raw.first_row == 4
    pd.testing.assert_frame_equal(_codes(raw.frame), _codes(valid_frame))


def test_spss_value_labels_map_to_codes(valid_frame, tmp_path):
    # SPSS users store outcome as 1/2 with value labels "Death"/"Serious harm"
    frame = valid_frame.copy()
    frame["outcome"] = frame["outcome"].map({"death": 1, "serious_harm": 2})
    path = tmp_path / "cases.sav"
    pyreadstat.write_sav(
        frame, str(path), variable_value_labels={"outcome": {1: "Death", 2: "Serious harm"}}
    )
    cases = load_cases(path)
    assert cases["outcome"].tolist() == valid_frame["outcome"].tolist()


def test_stata_round_trip_loads_equal(valid_frame, tmp_path):
    path = tmp_path / "cases.dta"
    pyreadstat.write_dta(valid_frame, str(path))
    pd.testing.assert_frame_equal(load_cases(path), load_cases(write_path(valid_frame, tmp_path)))


def write_path(frame, tmp_path):
    path = tmp_path / "reference.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "dta"])
def test_round_trip_every_format_loads_back_equal(valid_frame, tmp_path, fmt):
    path = tmp_path / f"cases.{fmt}"
    if fmt == "csv":
        valid_frame.to_csv(path, index=False)
    elif fmt == "xlsx":
        valid_frame.to_excel(path, index=False)
    elif fmt == "sav":
        pyreadstat.write_sav(valid_frame, str(path))
    else:
        pyreadstat.write_dta(valid_frame, str(path))
    loaded = load_cases(path)
    reference = load_cases(write_path(valid_frame, tmp_path))
    pd.testing.assert_frame_equal(loaded, reference, check_like=False)
    assert len(loaded) == len(valid_frame)


def test_excel_saved_with_csv_extension_is_read_as_excel(valid_frame, tmp_path):
    path = tmp_path / "really_excel.csv"
    valid_frame.to_excel(path, index=False, engine="openpyxl")
    raw = read_raw(path)
    assert raw.format == "excel" and len(raw.frame) == len(valid_frame)
    assert any("content is excel" in n for n in raw.notes)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.csv", None, "no such file"),
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\n\n  \n", "empty"),
        ("cases.pdf", b"%PDF-1.4", "PDF document"),
        ("cases.json", b"{}", "unsupported file type"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old binary Excel"),
        ("binary.csv", b"\x00\x01\x02\x03", "binary"),
        ("latin.csv", b"case_id\n\x81\x8d\x8f\x90\x9d\n", "neither UTF-8 nor Windows-1252"),
        ("broken.sav", b"$FL2 this is not really spss", "not a readable SPSS"),
        ("broken.xlsx", b"PK\x03\x04 not a zip", "not a readable .xlsx"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=reason):
        check_file(path)


def test_no_row_is_lost_when_reading(valid_frame, write_csv):
    raw = read_raw(write_csv(valid_frame))
    assert len(raw.frame) == len(valid_frame)
    assert raw.frame["case_id"].tolist() == valid_frame["case_id"].tolist()
