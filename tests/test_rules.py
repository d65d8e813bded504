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
    "SCH009": (lambda f: _set(f, 1, case_id="EX002\u200b"), None, "case_id"),
    "SCH010": (lambda f: f.rename(columns={"age_band": "age_bnd"}), None, "age_bnd"),
    "XF001": (lambda f: _set(f, 2, csc_ever_involved="no"), 2, "csc_ever_involved"),
    "XF002": (lambda f: _set(f, 1, death_category="sudi"), 1, "death_category"),
    "XF003": (lambda f: _set(f, 0, harm_type="neglect"), 0, "harm_type"),
    "XF004": (lambda f: _set(f, 2, parent_drug_misuse="yes"), 2, "parent_drug_misuse"),
    "XF005": (lambda f: _set(f, 0, incident_year="2015-16"), 0, "incident_year"),
    "XF006": (lambda f: _set(f, 3, cp_plan_ever="no"), 3, "cp_plan_ever"),
    "XF007": (lambda f: _set(f, 4, looked_after_ever="no"), 4, "looked_after_ever"),
    "XF008": (lambda f: _set(f, 0, cp_plan_ever="yes"), 0, "csc_ever_involved"),
    # EX008 and EX009 are siblings in review EX-R008: one says yes, now the other no
    "XF009": (lambda f: _set(f, 8, parent_domestic_abuse="no"), 8, "parent_domestic_abuse"),
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
    elif code == "SCH010":  # age_band is required: its absence is the error the note explains
        assert others[["rule", "column"]].values.tolist() == [["SCH001", "age_band"]]
        assert "did you mean the column 'age_bnd'?" in others["message"].iloc[0]
    elif code not in {"SCH005", "SCH008", "SCH009"}:
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


# ---------------------------------------------------------------------------------------------
# XF009: siblings agree on review-level codes


def test_review_level_disagreement_names_the_review_rows_and_values(valid_frame, write_csv):
    _set(valid_frame, 8, parent_domestic_abuse="no", theme_hanging_back="")
    _, report = check_file(write_csv(valid_frame))
    hits = report.errors[report.errors["rule"] == "XF009"]
    assert set(report.errors["rule"]) == {"XF009"}
    # both siblings, each under its own row and case_id, for each variable they disagree on
    assert sorted(zip(hits["row"], hits["case_id"], hits["column"], strict=True)) == [
        (9, "EX008", "parent_domestic_abuse"),
        (9, "EX008", "theme_hanging_back"),
        (10, "EX009", "parent_domestic_abuse"),
        (10, "EX009", "theme_hanging_back"),
    ]
    abuse = hits[hits["column"] == "parent_domestic_abuse"]["message"].iloc[0]
    assert "review EX-R008" in abuse and "'yes' in row 9" in abuse and "'no' in row 10" in abuse
    theme = hits[hits["column"] == "theme_hanging_back"]["message"].iloc[0]
    assert "blank in row 10" in theme  # a blank beside a code is a disagreement too


def test_review_level_variables_are_marked_in_the_codebook():
    from analysis.casedata.codebook import PERIODS, load_codebook

    for period in PERIODS:
        level = load_codebook(period).review_level
        assert "final_report_available" in level and "parent_domestic_abuse" in level
        assert "neglect_feature" in level and "theme_hanging_back" in level
        assert "sex" not in level and "age_band" not in level and "outcome" not in level


def test_children_of_a_review_may_differ_on_child_level_codes(valid_frame, write_csv):
    _set(valid_frame, 8, sex="male", age_band="under_1", harm_type="sexual_abuse")
    _, report = check_file(write_csv(valid_frame))
    assert report.ok, report.to_text()


def test_one_review_id_in_two_periods_is_two_reviews(valid_frame, write_csv):
    # the 2011-14 and 2014-17 analyses numbered their reviews apart: the same id is no sibling
    _set(valid_frame, 0, review_id="EX-R008")
    _, report = check_file(write_csv(valid_frame))
    assert report.ok, report.to_text()


def test_rows_without_a_review_id_are_not_siblings(valid_frame, write_csv):
    early = valid_frame.iloc[:6].copy()  # 2011-14, where review_id is optional
    _set(early, 0, review_id="")
    _set(early, 1, review_id="")  # rows 0 and 1 differ on parental mental ill health
    _, report = check_file(write_csv(early))
    assert report.ok, report.to_text()


# ---------------------------------------------------------------------------------------------
# Characters that are not what they look like


def test_ids_that_differ_only_by_an_invisible_character_are_duplicates(valid_frame, write_csv):
    _set(valid_frame, 3, case_id="EX003\u200b")  # looks exactly like row 4's EX003
    frame, report = check_file(write_csv(valid_frame))
    duplicates = report.errors[report.errors["rule"] == "SCH004"]
    assert duplicates["row"].tolist() == [4, 5]
    assert duplicates["case_id"].tolist() == ["EX003", "EX003"]
    note = report.notes[report.notes["rule"] == "SCH009"]
    assert note["column"].tolist() == ["case_id"]
    assert "row 5" in note["message"].iloc[0] and "zero-width space" in note["message"].iloc[0]


def test_invisible_characters_and_odd_spaces_in_codes_are_read_as_they_look(valid_frame, write_csv):
    _set(valid_frame, 0, sex="male\ufeff", review_id="\u200bEX-R001")
    _set(valid_frame, 1, outcome="serious\u00a0harm")
    frame, report = check_file(write_csv(valid_frame))
    assert report.ok, report.to_text()
    assert frame.loc[0, "sex"] == "male" and frame.loc[0, "review_id"] == "EX-R001"
    assert frame.loc[1, "outcome"] == "serious_harm"
    notes = report.notes[report.notes["rule"] == "SCH009"].set_index("column")["message"]
    assert "byte-order mark" in notes["sex"] and "non-breaking space" in notes["outcome"]


def test_a_quoted_value_names_characters_that_are_not_what_they_look_like(valid_frame, write_csv):
    _set(valid_frame, 1, review_period="2011\u201314")
    _set(valid_frame, 2, age_band="1\u20135", sex="m\u0430le")  # Cyrillic a
    _, report = check_file(write_csv(valid_frame))
    messages = report.errors.set_index("column")["message"]
    assert "an en dash (\u2013), not a hyphen (-)" in messages["review_period"]
    assert "an en dash" in messages["age_band"]
    assert "a Cyrillic letter (\u0430), not the Latin letter a" in messages["sex"]
    assert report.errors["value"].tolist()[0] == "2011\u201314"  # shown as given


def test_plain_values_get_no_character_note(valid_frame, write_csv):
    _set(valid_frame, 3, age_band="teenager")
    _, report = check_file(write_csv(valid_frame))
    assert "contains" not in report.errors["message"].iloc[0]


def test_review_rule_copes_with_no_rows_and_no_period():
    from analysis.casedata.rules import RULES

    check = RULES["XF009"].check
    empty = pd.DataFrame({c: pd.Categorical([]) for c in ["review_period", "neglect_feature"]})
    failing = check(empty.assign(review_id=pd.Series([], dtype="str")))
    assert not any(column.any() for column in failing.values())
    plain = pd.DataFrame({"review_id": ["R1", "R1", None], "neglect_feature": ["yes", None, "no"]})
    assert check(plain)["neglect_feature"].tolist() == [True, True, False]
