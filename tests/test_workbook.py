"""The run's accessible spreadsheet (issue 14, item 1): GSS layout, markers, determinism."""

import hashlib

import openpyxl
import pandas as pd
import pytest

from analysis.publish.workbook import WORKBOOK_NAME, heading, shown, table_title, write_workbook


@pytest.fixture
def run_root(tmp_path):
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    pd.DataFrame(
        {
            "dataset": ["my_cases"] * 3,
            "label": ["Not known", "Referral not accepted", "Child in need"],
            "count": [None, None, 40.0],
            "count_marker": ["c", "c", ""],
            "denominator_count": [90, 90, 90],
            "percent": [None, None, 44.444444],
            "ci_low_percent": [None, None, 34.61],
            "note": ["", "", "a note"],
        }
    ).to_csv(outputs / "03_status_at_incident.csv", index=False)
    pd.DataFrame(
        {"dataset": ["Public statistics"], "review_period": ["2011-14"], "scrs_count": [293]}
    ).to_csv(outputs / "06_national_analyses.csv", index=False)
    return tmp_path


def _sheet(path, name):
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return [[c for c in row if c is not None] for row in rows]


def test_a_protected_table_shows_markers_and_no_hidden_value(run_root):
    path = write_workbook(run_root, "my_cases", synthetic=False, protected=True)
    assert path == run_root / "outputs" / WORKBOOK_NAME
    rows = _sheet(path, "03_status_at_incident")
    body = rows[[r[:1] for r in rows].index(["Label"]) + 1 :]
    assert body[0][:6] == ["Not known", "[c]", 90, "[c]", "[c]", "[z]"]
    assert body[2][:5] == ["Child in need", 40, 90, 44.4, 34.6]  # whole counts, one decimal
    cover = " ".join(str(c) for row in _sheet(path, "Cover") for c in row)
    assert "suppressed and shown as [c]" in cover and "SYNTHETIC" not in cover


def test_the_cover_says_what_is_synthetic_and_each_sheet_its_source(run_root):
    path = write_workbook(run_root, "SYNTHETIC DATA", synthetic=True, protected=False)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    cover = " ".join(str(c) for row in _sheet(path, "Cover") for c in row)
    assert "SYNTHETIC DATA: the case-level tables are made from synthetic" in cover
    public = " ".join(str(c) for row in _sheet(path, "06_national_analyses") for c in row)
    assert "Data: Public statistics" in public and "official statistics" in public
    notes = " ".join(str(c) for row in _sheet(path, "Notes") for c in row)
    assert "[c] confidential" in notes and "[x] not available" in notes


def test_the_workbook_is_byte_identical_on_rerun(run_root):
    first = hashlib.sha256(
        write_workbook(run_root, "x", synthetic=False, protected=True).read_bytes()
    ).hexdigest()
    second = hashlib.sha256(
        write_workbook(run_root, "x", synthetic=False, protected=True).read_bytes()
    ).hexdigest()
    assert first == second


def test_words_for_titles_and_headings():
    assert table_title("scorecard").startswith("Reproduction scorecard")
    assert table_title("07_tests_of_change") == "Tests of change (chapter 7)"
    assert heading("all_reviews_high_percent") == "All reviews, upper bound (%)"
    assert heading("difference_points") == "Difference (points)"


def test_a_withheld_verdict_or_yes_no_reads_as_a_bracketed_marker():
    table = pd.DataFrame(
        {
            "count": [None, 40.0],
            "count_marker": ["c", ""],
            "verdict": ["c", "agrees (exact figure)"],
            "agrees": ["c", True],
        }
    )
    assert shown(table).values.tolist() == [
        ["[c]", "[c]", "[c]"],
        [40, "agrees (exact figure)", "Yes"],
    ]


def test_a_row_withheld_with_a_hidden_count_reads_c_not_x():
    """Issue 21: a scorecard row whose statistics went with a hidden count (a count measure's
    own units, ``members__implied``) has no marker beside any count shown; its blank value read
    "[x]" (not available) where it is confidential."""
    table = pd.DataFrame(
        {
            "recomputed_value": [None, 70.0],
            "numerator": [float("nan"), float("nan")],
            "numerator_marker": ["", ""],
            "status": ["c", "not comparable"],
            "accepts": ["c", ""],
        }
    )
    assert shown(table).values.tolist() == [
        ["[c]", "[c]", "[c]", "[c]"],
        [70.0, "[x]", "not comparable", "[z]"],
    ]


def test_shown_reads_booleans_and_statistics():
    table = pd.DataFrame({"changed_clearly": [True, False], "p_value": [0.012345, None]})
    assert shown(table).values.tolist() == [["Yes", 0.012], ["No", "[x]"]]


def test_a_table_with_no_rows_is_a_sheet_saying_so(run_root):
    """A file of serious harm only gives chapter 1's categories of death no row: gptables
    refused a sheet of no cells, and the whole run stopped with a traceback (issue 21)."""
    columns = ["dataset", "label", "count", "count_marker", "percent"]
    pd.DataFrame(columns=columns).to_csv(
        run_root / "outputs" / "01_death_categories.csv", index=False
    )
    path = write_workbook(run_root, "Own data", synthetic=False, protected=True)
    rows = _sheet(path, "01_death_categories")
    assert ["Note"] in rows
    assert rows[rows.index(["Note"]) + 1][0].startswith("No rows: the data hold no case")
    assert "01_death_categories" in str(_sheet(path, "Contents"))
