"""SPSS and Stata label files (issue 15): a file coded with the codebook's numbers and carrying
exactly the labels the syntax sets loads with every value mapped to its code.

The labels are read back out of the generated syntax text (not from the codebook), so what is
tested is what an SPSS or Stata user would run.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from analysis import load_cases
from analysis.casedata.codebook import PERIODS, load_codebook
from analysis.casedata.load import synthetic_path
from analysis.coding.labels_syntax import spss_syntax, stata_do, write_labels

PAIR = r'(-?\d+|\.[a-z]) "((?:[^"]|"")*)"'


def _spss_labels(syntax: str):
    variable = {
        name: label.replace('""', '"')
        for name, label in re.findall(r'^VARIABLE LABELS (\w+) "(.*)"\.$', syntax, flags=re.M)
    }
    value = {}
    for name, body in re.findall(r"^VALUE LABELS (\w+)\n((?:  .*\n)+)", syntax, flags=re.M):
        value[name] = {int(n): label.replace('""', '"') for n, label in re.findall(PAIR, body)}
    missing = {
        name: [int(n) for n in numbers.split(",")]
        for name, numbers in re.findall(
            r"^MISSING VALUES (\w+) \(([\d, ]+)\)\.$", syntax, flags=re.M
        )
    }
    return variable, value, missing


def _stata_labels(do: str):
    variable = dict(re.findall(r'^\s*label variable (\w+) "(.*)"$', do, flags=re.M))
    value = {}
    for name, rest in re.findall(r"^label define (\w+) (.*), replace$", do, flags=re.M):
        value[name] = {
            (n[1:] if n.startswith(".") else int(n)): label for n, label in re.findall(PAIR, rest)
        }
    for name, used in re.findall(r"^\s*label values (\w+) (\w+)$", do, flags=re.M):
        assert name == used
    recode = {}
    for name, rules in re.findall(r"^\s*mvdecode (\w+), mv\((.*)\)$", do, flags=re.M):
        recode[name] = {int(a): b[1:] for a, b in (rule.split("=") for rule in rules.split())}
    return variable, value, recode


def _numbered(period: str) -> pd.DataFrame:
    """The shipped synthetic cases as an SPSS or Stata coder would type them: numbers."""
    codebook = load_codebook(period)
    shipped = pd.read_csv(synthetic_path(period), dtype=str, keep_default_na=False)
    out = shipped.copy()
    for name in shipped.columns:
        var = codebook[name]
        if var.is_category:
            out[name] = shipped[name].map(lambda v, n=var.numeric: float(n[v]) if v else np.nan)
    return out


def _expected(period: str) -> pd.DataFrame:
    cases = load_cases(period=period)
    cases.attrs = {}
    return cases


@pytest.mark.parametrize("period", PERIODS)
def test_a_numbered_sav_with_the_syntax_labels_loads_as_the_shipped_cases(period, tmp_path):
    variable, value, missing = _spss_labels(spss_syntax(period))
    frame = _numbered(period)
    codebook = load_codebook(period)
    # every variable of the codebook labelled, whether or not the shipped cases carry it
    assert set(variable) == set(codebook.variables) >= set(frame.columns)
    assert set(value) == {v.name for v in codebook.variables.values() if v.is_category}
    assert missing and all(numbers == [99] for numbers in missing.values())
    path = tmp_path / "numbered.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=variable,
        variable_value_labels=value,
        missing_ranges=missing,
    )
    cases = load_cases(path)
    notes = cases.attrs["notes"]
    assert any("SPSS user-missing values read as the codebook's missing codes" in n for n in notes)
    cases.attrs = {}
    pd.testing.assert_frame_equal(cases, _expected(period))


@pytest.mark.parametrize("period", PERIODS)
def test_a_numbered_dta_with_the_do_file_labels_loads_as_the_shipped_cases(period, tmp_path):
    variable, value, recode = _stata_labels(stata_do(period))
    frame = _numbered(period)
    codebook = load_codebook(period)
    assert set(variable) == set(codebook.variables) >= set(frame.columns)
    assert set(value) == {v.name for v in codebook.variables.values() if v.is_category}
    assert recode and all(rule == {99: "a"} for rule in recode.values())
    # what the do-file's mvdecode does: 99 becomes the extended missing value .a (on the
    # columns the file has: the do-file passes over the others)
    recode = {name: rule for name, rule in recode.items() if name in frame.columns}
    for name, rule in recode.items():
        frame[name] = frame[name].astype(object).map(lambda v, r=rule: r.get(v, v))
    path = tmp_path / "numbered.dta"
    pyreadstat.write_dta(
        frame,
        str(path),
        column_labels={n: label for n, label in variable.items() if n in frame.columns},
        variable_value_labels={n: labels for n, labels in value.items() if n in frame.columns},
        missing_user_values={name: ["a"] for name in recode},
    )
    cases = load_cases(path)
    assert any("Stata extended missing values read" in n for n in cases.attrs["notes"])
    cases.attrs = {}
    pd.testing.assert_frame_equal(cases, _expected(period))


def test_every_number_in_the_files_is_the_codebooks_and_unknown_is_declared_missing():
    _, spss, missing = _spss_labels(spss_syntax("2011-14"))
    _, stata, recode = _stata_labels(stata_do("2011-14"))
    assert spss["sex"] == {1: "Male", 2: "Female", 99: "Not known"}
    assert stata["sex"] == {1: "Male", 2: "Female", 99: "Not known", "a": "Not known"}
    assert spss["neglect_feature"] == {1: "Yes", 0: "No", 99: "Not recorded"}
    assert missing["neglect_feature"] == [99] and recode["neglect_feature"] == {99: "a"}
    assert "final_report_available" not in missing  # it has no "unknown" code
    assert spss["incident_year"] == {1: "2011-12", 2: "2012-13", 3: "2013-14"}
    later = _stata_labels(stata_do("2014-17"))[1]["incident_year"]
    assert later == {4: "2014-15", 5: "2015-16", 6: "2016-17"}  # numbers never restart


@pytest.mark.parametrize("period", ["2011-14", "2014-17"])
def test_every_new_category_variable_is_labelled_with_its_numbers_and_missing_code(period):
    """Issue 22's variables and codes: value labels, SPSS missing values, Stata's .a."""
    _, spss, missing = _spss_labels(spss_syntax(period))
    _, stata, recode = _stata_labels(stata_do(period))
    codebook = load_codebook(period)
    names = list(codebook.variables)
    new = names[names.index("harm_source") : names.index("record_origin")]
    assert len(new) == 34 and new[-1] == "theme_fragmented_working"
    for name in new:
        var = codebook[name]
        if not var.is_category:
            assert name not in spss and name not in stata  # la_code: text, no value labels
            continue
        numbers = {var.numeric[c]: var.codes[c] for c in var.codes}
        assert spss[name] == numbers, name
        assert stata[name] == {**numbers, "a": var.codes[var.missing_codes[0]]}, name
        assert missing[name] == [99] and recode[name] == {99: "a"}, name
    assert spss["age_months"][0] == "0" and spss["age_months"][23] == "23"
    assert spss["death_category"][11] == "Could not be classified"
    assert spss["harm_type"][5].startswith("Risk-taking or violent behaviour")
    assert spss["region"][7] == "London"


@pytest.mark.parametrize("period", ["2011-14", "2014-17"])
def test_label_files_suit_files_without_optional_columns_and_spss_line_limits(period):
    syntax, do = spss_syntax(period), stata_do(period)
    assert max(len(line) for line in syntax.splitlines()) < 256  # INSERT/INCLUDE cut at 256
    # one command per variable in SPSS; each variable guarded in Stata
    names = list(load_codebook(period).variables)
    assert all(f"VARIABLE LABELS {name} " in syntax for name in names)
    assert all(f"capture confirm variable {name}\nif !_rc {{" in do for name in names)


def test_every_spss_comment_ends_with_a_full_stop_and_quotes_are_escaped():
    syntax = spss_syntax("2014-17", "x.sps")
    comments = [line for line in syntax.splitlines() if line.startswith("*")]
    assert comments and all(line.endswith(".") for line in comments)
    assert '"Child\'s voice not heard"' in syntax


@pytest.mark.parametrize("fmt", ["sps", "do"])
def test_label_files_are_written_whole_and_the_same_each_time(fmt, tmp_path):
    name = f"scr_labels.{fmt}"
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    first = write_labels("2011-14", fmt, tmp_path / "a" / name).read_bytes()
    assert write_labels("2011-14", fmt, tmp_path / "b" / name).read_bytes() == first
    assert f"{name}".encode() in first or fmt == "sps"  # the do-file says how to run itself
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b", name, name]
    with pytest.raises(ValueError, match="unknown label file format"):
        write_labels("2011-14", "sas", tmp_path / "x.sas")
