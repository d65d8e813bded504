"""One test per validation rule: a valid file passes; one mutation breaks exactly that rule,
reported at the right row (as the user sees it), case_id and column."""

import pandas as pd
import pytest

from analysis import check_file
from analysis.casedata.rules import RULES


def _set(frame, row, **values):
    for column, value in values.items():
        frame.loc[row, column] = value
    return frame


# rule -> (mutation of the valid example, expected 0-based data row, expected column)
MUTATIONS = {
    "SCH001": (lambda f: f.drop(columns=["sex"]), None, "sex"),
    "SCH002": (lambda f: _set(f, 3, age_band="teenager"), 3, "age_band"),
    "SCH003": (lambda f: _set(f, 2, outcome=""), 2, "outcome"),
    "SCH004": (lambda f: _set(f, 4, case_id="EX001"), 4, "case_id"),
    "SCH005": (lambda f: f.assign(coder_initials="AB"), None, "coder_initials"),
    "SCH006": None,  # broken rows are written by hand below
    "SCH007": None,  # empty rows likewise
    "SCH008": (lambda f: _set(f, 1, sex="Female"), None, "sex"),
    "XF001": (lambda f: _set(f, 2, csc_ever_involved="no"), 2, "csc_ever_involved"),
    "XF002": (lambda f: _set(f, 1, death_category="sudi"), 1, "death_category"),
    "XF003": (lambda f: _set(f, 0, harm_type="neglect"), 0, "harm_type"),
    "XF004": (lambda f: _set(f, 2, parent_drug_misuse="yes"), 2, "parent_drug_misuse"),
    "XF005": (lambda f: _set(f, 0, incident_year="2015-16"), 0, "incident_year"),
    "XF006": (lambda f: _set(f, 3, cp_plan_ever="no"), 3, "cp_plan_ever"),
    "XF007": (lambda f: _set(f, 4, looked_after_ever="no"), 4, "looked_after_ever"),
    "XF008": (lambda f: _set(f, 0, cp_plan_ever="yes"), 0, "csc_ever_involved"),
}


def test_every_rule_in_the_catalogue_has_a_test():
    assert set(MUTATIONS) == set(RULES)


def test_valid_example_passes_every_rule(valid_frame, write_csv):
    _, report = check_file(write_csv(valid_frame))
    assert report.ok and report.problems.empty


@pytest.mark.parametrize("code", [c for c, m in MUTATIONS.items() if m is not None])
def test_rule_fires_on_its_mutation(code, valid_frame, write_csv):
    mutate, row, column = MUTATIONS[code]
    mutated = mutate(valid_frame.copy())
    _, report = check_file(write_csv(mutated))
    hits = report.problems[report.problems["rule"] == code]
    assert len(hits) >= 1, report.to_text()
    assert set(hits["column"]) == {column}
    assert (hits["severity"] == RULES[code].severity).all()
    if row is None:
        assert hits["row"].isna().all()
    else:
        assert row + 2 in hits["row"].tolist()  # header on line 1, so data row i is line i+2
        assert mutated.loc[row, "case_id"] in hits["case_id"].tolist()
    # the mutation breaks nothing else that is an error
    others = report.errors[report.errors["rule"] != code]
    if code == "SCH004":
        assert others.empty
    elif code not in {"SCH005", "SCH008"}:
        assert set(others["rule"]) <= {code}, report.to_text()


def test_duplicate_case_id_reports_both_rows(valid_frame, write_csv):
    valid_frame.loc[4, "case_id"] = "EX001"
    _, report = check_file(write_csv(valid_frame))
    assert sorted(report.errors["row"].tolist()) == [2, 6]


def test_broken_row_is_kept_and_reported(valid_frame, tmp_path):
    path = tmp_path / "broken.csv"
    lines = valid_frame.to_csv(index=False).splitlines()
    lines[3] = lines[3] + ",surplus,fields"  # data row 3 of the file (line 4) has extra fields
    path.write_text("\n".join(lines) + "\n")
    frame, report = check_file(path)
    assert len(frame) == len(valid_frame)
    hits = report.errors[report.errors["rule"] == "SCH006"]
    assert hits["row"].tolist() == [4]
    assert "fields but the header has" in hits["message"].iloc[0]


def test_empty_row_in_the_middle_is_reported_once(valid_frame, tmp_path):
    path = tmp_path / "gap.csv"
    lines = valid_frame.to_csv(index=False).splitlines()
    lines.insert(3, "," * (len(valid_frame.columns) - 1))
    path.write_text("\n".join(lines) + "\n")
    frame, report = check_file(path)
    assert len(frame) == len(valid_frame) + 1
    assert report.errors[["row", "rule"]].values.tolist() == [[4, "SCH007"]]


def test_every_failure_is_collected_not_only_the_first(valid_frame, write_csv):
    valid_frame.loc[0, "sex"] = "unknown-ish"
    valid_frame.loc[5, "age_band"] = "17"
    valid_frame.loc[6, "csc_ever_involved"] = "maybe"
    _, report = check_file(write_csv(valid_frame.drop(columns=["outcome"])))
    assert set(report.errors["rule"]) >= {"SCH001", "SCH002"}
    assert {2, 7, 8} <= set(report.errors["row"].dropna())


def test_unknown_column_is_kept(valid_frame, write_csv):
    frame, _ = check_file(write_csv(valid_frame.assign(coder_initials="AB")))
    assert (frame["coder_initials"] == "AB").all()


def test_trailing_blank_lines_are_not_rows(valid_frame, tmp_path):
    path = tmp_path / "trailing.csv"
    path.write_text(valid_frame.to_csv(index=False) + ",,\n\n")
    frame, report = check_file(path)
    assert len(frame) == len(valid_frame) and report.ok
    assert any("empty line" in n for n in report.reader_notes)


def test_problem_table_has_the_columns_users_report_with(valid_frame, write_csv):
    valid_frame.loc[2, "outcome"] = "dead"
    _, report = check_file(write_csv(valid_frame))
    assert list(report.problems.columns) == [
        "file",
        "row",
        "case_id",
        "column",
        "rule",
        "severity",
        "message",
        "value",
    ]
    line = report.to_text().splitlines()[1]
    assert "row 4" in line and "EX003" in line and "outcome" in line and "SCH002" in line
    assert pd.api.types.is_integer_dtype(report.problems["row"])
