"""Reading CSV as the user's file is: mixed line endings, Excel's ``sep=`` line, long quoted
fields; row numbers and ``case_id`` in messages are those the user sees."""

from __future__ import annotations

import csv
import io
import itertools

import numpy as np
import pytest

from analysis import check_file, load_cases
from analysis.casedata.read import read_raw
from analysis.casedata.read_csv import _MAX_FIELD_LIMIT, _fields_per_row

ENDINGS = ["\r\n", "\n", "\r"]


def _lines(frame) -> list[str]:
    return frame.to_csv(index=False, lineterminator="\n").splitlines()


def _join(lines: list[str], endings) -> bytes:
    """Lines joined by the given line endings, one per line (cycled), the last line ended too."""
    ends = itertools.cycle(endings)
    return "".join(line + next(ends) for line in lines).encode("utf-8")


@pytest.mark.parametrize("pattern", [["\r\n", "\r"], ["\r\n", "\r\n", "\r"], ["\n", "\r"], ["\r"]])
def test_mixed_line_endings_are_read_as_the_parser_reads_them(valid_frame, tmp_path, pattern):
    # a Windows file with rows pasted from an old Mac export ends some lines with a bare \r
    path = tmp_path / "mixed.csv"
    path.write_bytes(_join(_lines(valid_frame), pattern))
    frame, report = check_file(path)
    assert report.ok, report.to_text()
    assert frame["case_id"].tolist() == valid_frame["case_id"].tolist()


@pytest.mark.parametrize("pattern", [["\r\n", "\r"], ["\n", "\r", "\r\n"], ["\r"]])
def test_a_truncated_row_is_reported_at_its_own_row_whatever_the_line_endings(
    valid_frame, tmp_path, pattern
):
    lines = _lines(valid_frame)
    lines[7] = ",".join(lines[7].split(",")[:12])  # EX007 on line 8 lost its last fields
    path = tmp_path / "truncated.csv"
    path.write_bytes(_join(lines, pattern))
    _, report = check_file(path)
    broken = report.errors[report.errors["rule"] == "SCH006"]
    assert broken[["row", "case_id"]].values.tolist() == [[8, "EX007"]]
    assert "has 12 fields" in broken["message"].iloc[0]


@pytest.mark.parametrize("pattern", list(itertools.product(ENDINGS, repeat=3)))
@pytest.mark.parametrize("quoted", [False, True])
def test_field_counts_agree_with_the_csv_module(pattern, quoted):
    lines = ["a,b,c", "1,2,3", "", "4,5", "6,7,8,9", "x,y,z"]
    if quoted:
        lines[1] = '"1",2,3'
    data = _join(lines, pattern)
    encoding = "utf-8"
    counts = _fields_per_row(data, encoding, ",", 0)
    reader = csv.reader(io.StringIO(data.decode(encoding), newline=None))
    assert counts.tolist() == [len(row) for row in reader][1:]


def test_last_line_without_a_line_end_is_counted():
    counts = _fields_per_row(b"a,b\r\n1,2\r3", "utf-8", ",", 0)
    assert counts.tolist() == [2, 1]
    assert isinstance(counts, np.ndarray)


@pytest.mark.parametrize(
    ("sep", "newline"), [(";", "\r\n"), (",", "\n"), ("\t", "\r\n"), (";", "\r")]
)
def test_excel_sep_line_names_the_delimiter(valid_frame, tmp_path, sep, newline):
    path = tmp_path / "excel.csv"
    body = valid_frame.to_csv(index=False, sep=sep, lineterminator=newline)
    path.write_bytes(f"sep={sep}{newline}{body}".encode())
    raw = read_raw(path)
    assert list(raw.frame.columns) == list(valid_frame.columns)
    assert raw.first_row == 3  # sep= on line 1, header on line 2
    assert any("sep=" in note and "delimiter" in note for note in raw.notes)


def test_rows_below_a_sep_line_are_numbered_as_in_the_file(valid_frame, tmp_path):
    valid_frame.loc[3, "age_band"] = "teenager"
    path = tmp_path / "excel.csv"
    path.write_text("sep=;\n" + valid_frame.to_csv(index=False, sep=";"), encoding="utf-8")
    _, report = check_file(path)
    assert report.errors[["row", "case_id", "rule"]].values.tolist() == [[6, "EX004", "SCH002"]]


@pytest.mark.parametrize("quote", [True, False])
def test_a_long_field_is_read_quoted_or_not(valid_frame, tmp_path, quote):
    before = csv.field_size_limit()
    note = ("Chronology pasted from the review, with commas. " * 3000)[:140_000]
    if not quote:
        note = note.replace(",", ";")
    frame = valid_frame.assign(coder_comment="")
    frame.loc[4, "coder_comment"] = note
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False, quoting=csv.QUOTE_ALL if quote else csv.QUOTE_MINIMAL)
    cases = load_cases(path)
    assert cases.loc[4, "coder_comment"] == note.strip()
    assert len(cases) == len(valid_frame)
    # the csv module's limit is only ever raised, and never past what a C long holds
    assert before <= csv.field_size_limit() <= _MAX_FIELD_LIMIT
