"""The codebook's numeric codes (issue 15): one number per code, never changed once given, and
never guessed from a file without value labels."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis import check_file
from analysis.casedata.codebook import PERIODS, _numbers, load_codebook

#: Every number the codebook has given, as first given. A code may be added (with a new number);
#: a number in this file may never change, or a file coded last year would read differently.
GIVEN = Path(__file__).with_name("numeric_codes.csv")


@pytest.mark.parametrize("period", PERIODS)
def test_every_code_of_every_coded_variable_has_its_own_number(period):
    for var in load_codebook(period).variables.values():
        if not var.is_category:
            assert var.numeric == {}, var.name
            continue
        assert list(var.numeric) == list(var.codes), var.name
        assert len(set(var.numeric.values())) == len(var.numeric), var.name
        for code, number in var.numeric.items():
            # "unknown" codes stand apart (99, 98...) so a new code never takes their place
            assert (number >= 90) is (code in var.missing_codes), (var.name, code)


def test_no_number_ever_given_has_changed():
    given = list(csv.DictReader(GIVEN.open(encoding="utf-8")))
    assert len(given) > 90
    for period in PERIODS:
        variables = load_codebook(period).variables
        for row in given:
            var = variables[row["variable"]]
            assert var.numeric[row["code"]] == int(row["number"]), row


def test_yes_no_variables_are_one_yes_zero_no():
    var = load_codebook()["neglect_feature"]
    assert var.numeric == {"yes": 1, "no": 0, "not_recorded": 99}
    assert var.code_of_number(0) == "no" and var.code_of_number(7) is None


@pytest.mark.parametrize(
    ("numeric", "problem"),
    [
        ({"a": 1}, "every code"),
        ({"a": 1, "b": 1}, "share a number"),
        ({"a": 1, "b": "2"}, "whole numbers"),
        ({"a": 1, "b": True}, "whole numbers"),
    ],
)
def test_a_codebook_with_broken_numbers_fails_loudly(numeric, problem):
    spec = {"codes": {"a": "A", "b": "B"}, "numeric": numeric}
    with pytest.raises(ValueError, match=problem):
        _numbers("2011-14", "x", spec)


def test_a_plain_csv_of_numbers_is_refused_saying_what_the_number_would_mean(valid_frame, tmp_path):
    frame = valid_frame.copy()
    frame["outcome"] = frame["outcome"].map({"death": "1", "serious_harm": "2"})
    frame.loc[0, "sex"] = "7"  # no code has this number: no hint
    path = tmp_path / "numbers.csv"
    frame.to_csv(path, index=False)
    _, report = check_file(path)
    errors = report.errors.set_index(["row", "column"])["message"]
    assert "1 is the number of death in the codebook's numeric codes" in errors[(2, "outcome")]
    assert "value labels" in errors[(2, "outcome")]
    assert "numeric codes" not in errors[(2, "sex")]


def test_every_number_the_codebook_gives_is_recorded_here():
    """A new code's number goes into numeric_codes.csv the day it is given, so that from then
    on the test above holds it fixed."""
    given = {
        (row["variable"], row["code"]): int(row["number"])
        for row in csv.DictReader(GIVEN.open(encoding="utf-8"))
    }
    for period in PERIODS:
        for var in load_codebook(period).variables.values():
            for code, number in var.numeric.items():
                assert given.get((var.name, code)) == number, (var.name, code)
    # issue 22's numbers among them: new codes of old variables took the next unused number
    assert given[("death_category", "unclassifiable")] == 11
    assert given[("harm_type", "risk_taking_or_exploitation")] == 5
    assert given[("age_months", "23")] == 23 and given[("age_months", "not_recorded")] == 99
