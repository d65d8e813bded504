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
    # the codebook's optional items, added as columns of the valid example
    "SCH011": (lambda f: _set(f.assign(la_code=LA), 2, la_code="E9000001"), 2, "la_code"),
    # EX004 is aged 6 to 10; EX008 1 to 5; EX001 under 1 (each with a final report)
    "XF010": (lambda f: _set(f, 3, child_alcohol_misuse="yes"), 3, "child_alcohol_misuse"),
    "XF011": (lambda f: _set(f, 7, child_mental_health="yes"), 7, "child_mental_health"),
    "XF012": (
        lambda f: _set(f, 0, child_behavioural_problems="no"),
        0,
        "child_behavioural_problems",
    ),
    "XF013": (lambda f: _set(f, 3, age_months="5"), 3, "age_months"),
    # EX002 was seriously harmed; EX005 died by suicide; EX001 was a sudden infant death
    "XF014": (
        lambda f: _set(f, 1, medical_cause_of_death="acute_condition"),
        1,
        "medical_cause_of_death",
    ),
    "XF015": (
        lambda f: _set(f, 4, hazardous_sleep_environment="yes"),
        4,
        "hazardous_sleep_environment",
    ),
    "XF016": (
        lambda f: _set(f, 0, hazardous_sleep_environment="no", co_sleeping="yes"),
        0,
        "co_sleeping",
    ),
    "XF017": (
        lambda f: _set(
            f, 0, hazardous_sleep_environment="yes", co_sleeping="no", carer_impaired="yes"
        ),
        0,
        "carer_impaired",
    ),
    # EX005 has a final report without neglect; EX001 never had a plan
    "XF018": (lambda f: _set(f, 4, neglect_category="deprivational"), 4, "neglect_category"),
    "XF019": (lambda f: _set(f, 0, cp_plan_category="neglect"), 0, "cp_plan_category"),
    "XF020": (lambda f: _set(f, 0, age_months="14"), 0, "age_months"),
    # EX004 was on a child protection plan at the incident
    "XF021": (
        lambda f: _set(f.assign(cp_plan_child_or_sibling="yes"), 3, cp_plan_child_or_sibling="no"),
        3,
        "cp_plan_child_or_sibling",
    ),
}
#: A valid local authority code (the City of London's), for files that link to public data.
LA = "E09000001"


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


# ---------------------------------------------------------------------------------------------
# The codebook's optional items: who each is asked of (XF010-XF019), items that agree (XF020,
# XF021), and a text value's form (SCH011). Each rule: a hand-made frame that fails it on the
# rows named, and one that passes. Rows are the example's 0-based data rows:
# 0 EX001 under 1, SUDI, no plan      1 EX002 under 1, serious harm      3 EX004 6-10, plan now
# 4 EX005 16-17, suicide, plan ever   6 EX007 under 1, covert homicide   7 EX008 1-5
# 9 EX010 1-5, extreme neglect, plan ever (each with a final report; EX003 and EX006 have none)

#: rule -> (failing: {row: values}, passing: {row: values})
NEW_RULES = {
    "XF010": (
        {3: {"child_alcohol_misuse": "yes"}, 7: {"child_sexual_exploitation": "no"}},
        {4: {"child_alcohol_misuse": "yes"}, 3: {"child_alcohol_misuse": "not_recorded"}},
    ),
    "XF011": (
        {7: {"child_mental_health": "yes"}, 0: {"child_going_missing": "no"}},
        {3: {"child_mental_health": "yes"}, 4: {"child_self_harm": "yes"}},
    ),
    "XF012": (
        {0: {"child_behavioural_problems": "no"}, 6: {"child_learning_difficulties": "yes"}},
        {7: {"child_behavioural_problems": "yes"}, 0: {"child_learning_difficulties": ""}},
    ),
    "XF013": (
        {3: {"age_months": "5"}, 4: {"age_months": "20"}},
        {0: {"age_months": "3"}, 7: {"age_months": "18"}, 3: {"age_months": "not_recorded"}},
    ),
    "XF014": (
        {
            1: {"medical_cause_of_death": "acute_condition"},
            3: {"medical_cause_of_death": "no_medical_cause"},
        },
        {
            0: {"medical_cause_of_death": "acute_condition"},
            1: {"medical_cause_of_death": "not_recorded"},
        },
    ),
    "XF015": (
        # a suicide, and a serious harm (whose blank death category says it is no infant death)
        {4: {"hazardous_sleep_environment": "yes"}, 1: {"hazardous_sleep_environment": "no"}},
        # a SUDI; and a death whose category is not recorded (unknown: anything goes)
        {
            0: {"hazardous_sleep_environment": "yes"},
            9: {"death_category": "not_recorded", "hazardous_sleep_environment": "yes"},
        },
    ),
    "XF016": (
        # a safe sleep; and a suicide, where the sleep environment is not asked at all
        {0: {"hazardous_sleep_environment": "no", "co_sleeping": "yes"}, 4: {"co_sleeping": "yes"}},
        {0: {"hazardous_sleep_environment": "yes", "co_sleeping": "yes"}},
    ),
    "XF017": (
        {0: {"hazardous_sleep_environment": "yes", "co_sleeping": "no", "carer_impaired": "yes"}},
        {0: {"hazardous_sleep_environment": "yes", "co_sleeping": "yes", "carer_impaired": "no"}},
    ),
    "XF018": (
        {4: {"neglect_category": "deprivational"}, 6: {"neglect_category": "medical"}},
        # neglect a feature; and neglect not recorded (unknown)
        {
            0: {"neglect_category": "sudi"},
            4: {"neglect_feature": "not_recorded", "neglect_category": "medical"},
        },
    ),
    "XF019": (
        {0: {"cp_plan_category": "neglect"}, 1: {"cp_plan_category": "multiple"}},
        # a plan now; a plan before; and no plan ever but the status not recorded (unknown)
        {
            3: {"cp_plan_category": "neglect"},
            9: {"cp_plan_category": "physical_abuse"},
            0: {"csc_status_at_incident": "not_recorded", "cp_plan_category": "neglect"},
        },
    ),
    "XF020": (
        {0: {"age_months": "14"}, 7: {"age_months": "11"}},
        {0: {"age_months": "11"}, 7: {"age_months": "12"}, 9: {"age_months": "23"}},
    ),
    "XF021": (
        # a plan at the incident; a plan before, the sibling item not recorded
        {3: {"cp_plan_child_or_sibling": "no"}, 9: {"cp_plan_child_or_sibling": "not_recorded"}},
        # yes with a plan; blank (the item not coded: every coding workbook has the column)
        {
            3: {"cp_plan_child_or_sibling": "yes"},
            9: {"cp_plan_child_or_sibling": "yes"},
            4: {"cp_plan_child_or_sibling": ""},
            0: {"cp_plan_child_or_sibling": "no"},
        },
    ),
    "SCH011": (
        # lower case; E11 is a combined authority, not a local authority; a digit short
        {2: {"la_code": "e09000001"}, 3: {"la_code": "E11000001"}, 5: {"la_code": "E0600001"}},
        {0: {"la_code": "E06000001"}, 2: {"la_code": "E08000001"}, 3: {"la_code": "E10000002"}},
    ),
}


def _with(frame, values):
    for row, columns in values.items():
        _set(frame, row, **columns)
    return frame.fillna("")


@pytest.mark.parametrize("code", NEW_RULES)
def test_new_rule_fails_on_the_rows_it_names(code, valid_frame, write_csv):
    failing, _ = NEW_RULES[code]
    _, report = check_file(write_csv(_with(valid_frame, failing)))
    hits = report.errors[report.errors["rule"] == code]
    assert sorted(hits["row"]) == sorted(row + 2 for row in failing), report.to_text()
    assert set(report.errors["rule"]) == {code}, report.to_text()
    # each failing row once, blamed on a column the frame set there
    assert len(hits) == len(failing)
    for row, column in zip(hits["row"], hits["column"], strict=True):
        assert column in failing[row - 2], (row, column)


@pytest.mark.parametrize("code", NEW_RULES)
def test_new_rule_passes_where_it_holds_or_is_unknown(code, valid_frame, write_csv):
    _, passing = NEW_RULES[code]
    _, report = check_file(write_csv(_with(valid_frame, passing)))
    assert report.ok, report.to_text()


def test_applicability_rules_carry_the_codebooks_codes_and_names():
    from analysis.casedata.codebook import all_applicability

    conditions = all_applicability()
    assert [c.rule for c in conditions.values()] == [f"XF0{n}" for n in range(10, 20)]
    for condition in conditions.values():
        rule = RULES[condition.rule]
        assert rule.name == f"asked_of_{condition.name}" and rule.severity == "error"
        assert rule.columns == condition.variables
    assert RULES["XF019"].columns == ("cp_plan_ever", "csc_status_at_incident")
    assert "child_alcohol_misuse" in RULES["XF010"].message
    assert "age_band is 11_15 or 16_17" in RULES["XF010"].message


def test_an_item_not_asked_names_its_row_column_rule_and_the_conditions_value(
    valid_frame, write_csv
):
    _with(valid_frame, {3: {"child_alcohol_misuse": "Yes"}})
    _, report = check_file(write_csv(valid_frame))
    (message,) = report.errors["message"]
    assert message == (
        "child_alcohol_misuse in row 5 is asked only of young people aged 11 or over, as the "
        "2017-19 analysis reported their own vulnerabilities, so it must be blank or "
        "not_recorded when age_band is 6_10 (rule asked_of_aged_11_and_over)"
    )
    assert report.errors["value"].tolist() == ["Yes"]  # as typed


def test_an_item_below_one_not_asked_says_which_code_decides(valid_frame, write_csv):
    # co-sleeping on a suicide: the sleep environment is not asked, because of the category
    _with(valid_frame, {4: {"co_sleeping": "yes"}, 1: {"carer_impaired": "no"}})
    _, report = check_file(write_csv(valid_frame))
    messages = report.errors.set_index("column")["message"]
    assert (
        "when hazardous_sleep_environment is not asked, because death_category is suicide"
        in (messages["co_sleeping"])
    )
    # carer impaired on a serious harm: three links down, the outcome decides
    assert (
        "when co_sleeping is not asked, because outcome is serious_harm"
        in (messages["carer_impaired"])
    )


def test_plan_now_or_before_fails_with_both_alternatives_named(valid_frame, write_csv):
    _with(valid_frame, {1: {"cp_plan_category": "neglect"}})
    _, report = check_file(write_csv(valid_frame))
    assert report.errors["rule"].tolist() == ["XF019"]
    assert (
        "when cp_plan_ever is no and csc_status_at_incident is closed_before_incident"
        in report.errors["message"].iloc[0]
    )


def test_age_in_months_of_an_older_child_is_told_once(valid_frame, write_csv):
    # 6 to 10 years old: not asked (XF013); its disagreement with the band is not told again
    _with(valid_frame, {3: {"age_months": "14"}})
    _, report = check_file(write_csv(valid_frame))
    assert report.errors["rule"].tolist() == ["XF013"]


def test_a_local_authority_code_is_quoted_by_no_message(valid_frame, write_csv, tmp_path):
    from analysis.cli import main

    # a malformed code, and siblings of review EX-R008 that disagree
    _with(valid_frame, {2: {"la_code": "E0900000X"}, 7: {"la_code": "E09000033"}})
    _set(valid_frame, 8, la_code="E09000007")
    path = write_csv(valid_frame.fillna(""))
    _, report = check_file(path)
    assert sorted(zip(report.errors["row"], report.errors["rule"], strict=True)) == [
        (4, "SCH011"),
        (9, "XF009"),
        (10, "XF009"),
    ]
    assert report.errors["value"].isna().all()
    assert "la_code in row 4 does not have the form" in report.errors["message"].iloc[0]
    written = tmp_path / "problems.csv"
    assert main(["validate", str(path), "--all", "--output", str(written)]) == 1
    for text in (report.to_text(), written.read_text(encoding="utf-8")):
        assert "la_code" in text
        for value in ("E0900000X", "E09000033", "E09000007", "0900000"):
            assert value not in text
