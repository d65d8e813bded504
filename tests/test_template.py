"""The coding workbook (issue 15): drop-downs of the codebook's labels on every coded column, and
a filled-in workbook that loads as the cases typed into it."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from fakes import as_labels
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from analysis import UnreadableFileError, load_cases
from analysis.casedata.codebook import PERIODS, load_codebook
from analysis.casedata.load import synthetic_path
from analysis.coding.template import MESSAGE_LIMIT, TITLE_LIMIT, choices, fit, text, write_template

ROWS = int(text()["rows"])


@pytest.fixture(scope="module", params=PERIODS)
def template(request, tmp_path_factory):
    """(period, path) of a blank workbook written for each review period."""
    path = tmp_path_factory.mktemp("template") / f"coding_{request.param}.xlsx"
    return request.param, write_template(request.param, path)


def _book(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl on conditional formats it keeps as they are
        return load_workbook(path, **kwargs)


def test_the_synthetic_cases_typed_in_as_labels_load_equal_to_the_shipped_file(template, tmp_path):
    period, path = template
    shipped = pd.read_csv(synthetic_path(period), dtype=str, keep_default_na=False)
    labels = as_labels(shipped, period)
    assert (labels != shipped).any().any()  # labels, not codes, are what goes in
    book = _book(path)
    sheet = book["cases"]
    header = [cell.value for cell in sheet[1]]
    # every variable of the codebook, in its order; the shipped cases carry some of them
    assert header == list(load_codebook(period).variables)
    assert set(shipped.columns) <= set(header)
    at = [header.index(name) + 1 for name in shipped.columns]
    for row, values in enumerate(labels.itertuples(index=False), start=2):
        for column, value in zip(at, values, strict=True):
            if value != "":
                sheet.cell(row, column, value)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    loaded, expected = load_cases(filled), load_cases(period=period)
    loaded.attrs, expected.attrs = {}, {}
    # the columns left blank are read as blank columns, nothing more
    assert loaded.drop(columns=expected.columns).isna().all().all()
    pd.testing.assert_frame_equal(loaded[expected.columns], expected)


def test_every_coded_column_has_a_drop_down_of_the_codebooks_labels(template):
    period, path = template
    codebook = load_codebook(period)
    book = _book(path)
    sheet, lists = book["cases"], book["lists"]
    header = [cell.value for cell in sheet[1]]
    by_column = {}
    for validation in sheet.data_validations.dataValidation:
        for cells in validation.sqref.ranges:
            low_col, low_row, high_col, high_row = range_boundaries(str(cells))
            assert low_col == high_col and (low_row, high_row) == (2, ROWS + 1)
            by_column[header[low_col - 1]] = validation
    coded = [v for v in codebook.variables.values() if v.is_category]
    assert len(coded) > 20
    for var in coded:
        validation = by_column[var.name]
        assert validation.type == "list", var.name
        assert validation.showDropDown in (None, False)  # (True would hide the arrow)
        assert validation.showErrorMessage and validation.errorStyle in (None, "stop")
        sheet_name, cells = validation.formula1.split("!")
        assert sheet_name == "lists"
        shown = [cell.value for row in lists[cells.replace("$", "")] for cell in row]
        assert shown == choices(var, codebook), var.name
        assert set(shown) <= set(var.codes.values())
        assert validation.promptTitle == fit(var.label, TITLE_LIMIT)
        assert var.label.startswith(validation.promptTitle)
        assert var.description[:40] in validation.prompt
        assert len(validation.prompt) <= MESSAGE_LIMIT
        if var.final_report_only:
            assert validation.prompt.startswith("From the final report only")
    # case_id: unique in its column, checked as it is typed
    assert by_column["case_id"].type == "custom"
    assert "COUNTIF" in by_column["case_id"].formula1


def test_a_period_offers_only_its_own_years(template):
    period, path = template
    lists = _book(path)["lists"]
    columns = {
        column[0].value: [c.value for c in column[1:] if c.value] for column in lists.columns
    }
    assert columns["review_period"] == [period]
    assert columns["incident_year"] == list(load_codebook(period).incident_years)


def test_the_workbook_has_its_sheets_a_frozen_header_and_no_data(template):
    period, path = template
    book = _book(path)
    assert book.sheetnames == ["read me", "cases", "codebook", "lists"]
    assert all(book[name].sheet_state == "visible" for name in book.sheetnames)
    assert book.active.title == "read me"
    assert book["lists"].protection.sheet
    cases = book["cases"]
    assert cases.freeze_panes == "B2"
    assert cases.max_row == 1  # the header only
    # cells are text, so Excel never turns 2011-12 into a date
    dimensions = list(cases.column_dimensions.values())
    covered = {i for d in dimensions for i in range(d.min, d.max + 1)}
    assert covered == set(range(1, len(load_codebook(period).variables) + 1))
    assert {d.number_format for d in dimensions} == {"@"}
    # cells coded only from the final report turn grey where the report was not available
    letter = get_column_letter(
        list(load_codebook(period).variables).index("final_report_available") + 1
    )
    codebook = load_codebook(period)
    greyed = {}
    for rules in cases.conditional_formatting:
        for cells in rules.sqref.ranges:
            low_col, low_row, high_col, high_row = range_boundaries(str(cells))
            assert low_col == high_col and (low_row, high_row) == (2, ROWS + 1)
            name = list(codebook.variables)[low_col - 1]
            greyed.setdefault(name, []).extend(r.formula[0] for r in rules.rules)
    for name, var in codebook.variables.items():
        expected = [f'${letter}2="No"'] if var.final_report_only else []
        if var.asked_of:  # and where the row says the item is not asked (XF010-XF019)
            expected.append(f"AND({greyed[name][-1][4:]}")
            assert greyed[name][-1].startswith("AND(OR(")
        assert greyed.get(name, []) == expected, name
    read_me = " ".join(str(c.value) for row in book["read me"].iter_rows() for c in row if c.value)
    for promise in ("Never share", "never commit it to git", "python -m analysis validate"):
        assert promise in read_me
    listed = [c.value for c in book["codebook"]["B"][4:] if c.value]
    assert listed[: len(load_codebook(period).variables)] == list(load_codebook(period).variables)
    assert any("Male = male (1)" in str(c.value) for c in book["codebook"]["G"])


def test_the_blank_workbook_is_refused_as_having_no_cases(template):
    _, path = template
    with pytest.raises(UnreadableFileError, match="header but no data rows"):
        load_cases(path)


def test_the_workbook_is_written_byte_for_byte_the_same(tmp_path):
    first = write_template("2014-17", tmp_path / "a.xlsx").read_bytes()
    assert write_template("2014-17", tmp_path / "b.xlsx").read_bytes() == first


def test_a_column_blank_by_rule_for_one_outcome_is_not_called_plainly_required():
    from analysis.casedata.codebook import load_codebook
    from analysis.coding.template import input_message

    codebook = load_codebook("2011-14")
    assert input_message(codebook["outcome"]).startswith("Required.")
    death = input_message(codebook["death_category"])
    assert death.startswith("Required column, blank where it does not apply")
    assert len(death) <= 255  # Excel's limit for an input message


def test_an_item_asked_of_some_children_says_so_and_greys_where_it_is_not(template):
    from analysis.coding.template import input_message, not_asked_formula

    period, path = template
    codebook = load_codebook(period)
    assert input_message(codebook["child_alcohol_misuse"], codebook).startswith(
        "From the final report only: blank when final_report_available is No. Choose from the "
        "list. Asked of some children only: blank (grey) where it does not apply. "
        "The child misused alcohol. Asked of young people aged 11 or over"
    )
    la_code = input_message(codebook["la_code"], codebook)
    assert "Never written to any output" in la_code and "E06, E08, E09 or E10" in la_code
    assert "Asked of some" not in input_message(codebook["sex"], codebook)

    sheet = _book(path)["cases"]
    header = [cell.value for cell in sheet[1]]
    letter = {name: get_column_letter(i + 1) for i, name in enumerate(header)}
    formulas = {}
    for rules in sheet.conditional_formatting:
        formulas[header[range_boundaries(str(rules.sqref))[0] - 1]] = [
            r.formula[0] for r in rules.rules
        ]
    # aged 11 or over: grey where the age band is one of the three younger ones
    band = letter["age_band"]
    assert formulas["child_alcohol_misuse"][-1] == (
        f'AND(OR(${band}2="under_1",${band}2="Under 1",${band}2="1_5",${band}2="1 to 5",'
        f'${band}2="6_10",${band}2="6 to 10"))'
    )
    # co-sleeping: grey where the sleep was safe, or where it was not asked (no SUDI, or no
    # death at all), as rule XF016 reads it
    co = formulas["co_sleeping"][-1]
    assert co == "AND(" + not_asked_formula(codebook.asked_of("co_sleeping"), codebook, letter)[4:]
    assert f'${letter["hazardous_sleep_environment"]}2="No"' in co
    assert f'${letter["death_category"]}2="Suicide"' in co
    assert f'${letter["outcome"]}2="Serious harm"' in co
    # a plan's category: grey only where neither a plan before nor a plan now
    plan = formulas["cp_plan_category"][-1]
    assert plan.startswith(f'AND(OR(${letter["cp_plan_ever"]}2="no",')
    assert "Child protection plan" not in plan


def test_the_codebook_sheet_says_who_is_asked_and_each_source(template):
    period, path = template
    codebook = load_codebook(period)
    sheet = _book(path)["codebook"]
    header = [c.value for c in sheet[4]]
    assert header[-2:] == ["Asked of", "Source"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=5) if row[1].value}
    for name, var in codebook.variables.items():
        asked, source = rows[name][-2].value, rows[name][-1].value
        assert source == var.source, name
        condition = codebook.asked_of(name)
        assert asked == (
            "all" if condition is None else f"{condition.description} (rule {condition.rule})"
        )
    assert rows["la_code"][6].value.startswith("text of the form E06, E08, E09 or E10")
    # the rules listed below the variables include every new one
    codes = {row[0].value for row in sheet.iter_rows(min_row=5)}
    assert {"SCH011", "XF010", "XF019", "XF020", "XF021"} <= codes
