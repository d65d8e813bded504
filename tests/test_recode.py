"""Combining categories before protection (issue 21): the recode file, the tables it changes,
the advice on what to combine, and a run that applies it."""

from __future__ import annotations

import json
import shutil
import stat
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from analysis.casedata.load import synthetic_path
from analysis.casedata.recode import (
    RECODE_ENV_VAR,
    candidate_groups,
    read_recode,
)
from analysis.errors import RecodeFileError
from analysis.publish.history import forget
from analysis.publish.recoding import merge_rows
from analysis.stats.members import COMPONENTS, PREFIX
from analysis.stats.tables import dimension_codes, label_of, proportion_table


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    """60 children of the synthetic 2011-14 cases, as a researcher's own file would hold."""
    cases = pd.read_csv(synthetic_path("2011-14"), dtype=str, keep_default_na=False)
    return cases.sample(60, random_state=3).drop(columns=["record_origin"])


@pytest.fixture
def recode_file(tmp_path, monkeypatch):
    """Write a recode file and put it in force, as the pipeline does for the kernels."""

    def write(text: str):
        path = tmp_path / "cases.recode.yaml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv(RECODE_ENV_VAR, str(path))
        return path

    return write


# --- the file -------------------------------------------------------------------------------


def test_codes_and_labels_are_read_as_typed(tmp_path):
    path = tmp_path / "r.recode.yaml"
    # 11_15 unquoted is the number 1115 to YAML 1.1: the file is read as text, as typed
    path.write_text(
        "combine:\n  age_band:\n    - [11_15, 16 to 17]\n  ethnicity:\n"
        "    - codes: [Mixed, asian]\n      label: Mixed or Asian\n",
        encoding="utf-8",
    )
    recode = read_recode(path)
    assert [(g.variable, g.codes, g.label) for g in recode.groups] == [
        ("age_band", ("11_15", "16_17"), "11 to 17"),
        ("ethnicity", ("mixed", "asian"), "Mixed or Asian"),
    ]
    assert recode.code_of("age_band", "16_17") == "11_15+16_17"
    assert recode.code_of("age_band", "under_1") == "under_1"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("combine:\n  sex:\n    - [male, female]\n", ["sex is not a variable", "age_band"]),
        (
            "combine:\n  age_band:\n    - [11_15, 16_71]\n",
            ["'16_71' is not a code or label of age_band", "did you mean '16_17'"],
        ),
        (
            "combine:\n  age_band:\n    - [under_1, 1_5]\n",
            ["under_1, 1_5 cannot be combined", "[1_5, 6_10]"],
        ),
        (
            "combine:\n  age_band:\n    - [1_5, 6_10]\n    - [6_10, 11_15]\n",
            ["cannot be combined"],
        ),
        (
            "combine:\n  ethnicity:\n    - [mixed, asian]\n    - [asian, black]\n",
            ["asian is in two groups of ethnicity"],
        ),
        ("combine:\n  age_band:\n    - [11_15]\n", ["two or more codes"]),
        ("combine: [age_band]\n", ["should hold `combine:`"]),
        ("combine:\n  age_band: [\n", ["line ", "not valid YAML"]),
    ],
)
def test_a_broken_recode_file_names_the_file_and_the_rule(tmp_path, text, words):
    path = tmp_path / "r.recode.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RecodeFileError) as caught:
        read_recode(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    for word in words:
        assert word in message


def test_candidates_never_cross_a_line_the_analysis_draws():
    groups = candidate_groups("age_band")
    assert groups == [("1_5", "6_10"), ("11_15", "16_17")]  # under one stays alone
    status = {c for g in candidate_groups("csc_status_at_incident") for c in g}
    assert "open_child_protection_plan" not in status and "not_recorded" not in status


# --- the tables ---------------------------------------------------------------------------


def test_a_combined_category_is_one_row_counted_from_the_cases(sample, recode_file):
    cases = _loaded(sample)
    plain = proportion_table(cases, "age_band")
    recode_file("combine:\n  age_band:\n    - [11_15, 16_17]\n")
    combined = proportion_table(cases, "age_band")
    assert combined["age_band"].tolist() == ["under_1", "1_5", "6_10", "11_15+16_17"]
    assert label_of("age_band", "11_15+16_17") == "11 to 17"
    teens = plain.set_index("age_band").loc[["11_15", "16_17"], "count"].sum()
    row = combined.set_index("age_band").loc["11_15+16_17"]
    assert row["count"] == teens
    assert row["percent"] == pytest.approx(100 * teens / len(cases))
    assert dimension_codes(cases["age_band"]) == ["under_1", "1_5", "6_10", "11_15+16_17"]


def test_merging_rows_gives_the_units_the_recoded_table_counts(sample, recode_file):
    """The advice merges rows of the collected tables; the next run recounts the cases: both
    must give each count the same children, or the advice tries something else."""
    cases = _loaded(sample)
    table = proportion_table(cases, "csc_status_at_incident", by="age_band")
    merged = merge_rows(table, "age_band", ("11_15", "16_17"))
    recode_file("combine:\n  age_band:\n    - [11_15, 16_17]\n")
    recounted = proportion_table(cases, "csc_status_at_incident", by="age_band")
    assert merged["age_band"].tolist() == recounted["age_band"].tolist()
    for column in (PREFIX + "count", PREFIX + "denominator_count", COMPONENTS):
        assert merged[column].tolist() == recounted[column].tolist()
    # each combined row carries its two bands' children, apart
    teens = recounted[recounted["age_band"] == "11_15+16_17"]
    assert all(len(parts) == 2 for parts in teens[COMPONENTS])


def test_the_age_title_adds_combined_bands():
    from analysis.charts.chapter_children import age_bands_title

    ages = pd.DataFrame(
        {
            "age_band": ["under_1", "1_5+6_10", "11_15+16_17"],
            "percent": [40.0, 35.0, 25.0],
            "count_marker": ["", "", ""],
        }
    )
    assert age_bands_title(ages).endswith("25% were aged 11 to 17")


def _loaded(frame: pd.DataFrame) -> pd.DataFrame:
    from analysis import load_cases

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.csv"
        frame.to_csv(path, index=False)
        return load_cases(path)


# --- a run ----------------------------------------------------------------------------------


def _ages(cases):
    return {
        "02_age_bands": proportion_table(cases, "age_band"),
        "03_status_by_age": proportion_table(cases, "csc_status_at_incident", by="age_band"),
    }


def test_advice_is_private_and_applying_it_publishes_more(own_run, sample, capsys, tmp_path):
    code, runs = own_run(frame=sample, tables=_ages)
    assert code == 0
    out = capsys.readouterr().out
    assert "Combining these categories would publish more" in out
    suggestion = runs / ".advice" / "other_cases.recode.yaml"
    assert stat.S_IMODE(suggestion.parent.stat().st_mode) == 0o700
    released = runs / "other_cases"
    for path in released.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".md", ".csv", ".txt"):
            assert "would publish" not in path.read_text(encoding="utf-8"), path
    before = json.loads((released / "checking" / "results.json").read_text())
    assert before["categories_combined"] == []
    # the record names only what a reader sees: tables with [c] and their combinable columns
    hidden_tables = {
        e["file"].split("/")[-1][: -len(".csv")]
        for e in before["outputs"]
        if e["kind"] == "table" and e["suppressed"]
    }
    assert set(before["categories_combinable"]) <= hidden_tables
    assert before["categories_combinable"]["03_status_by_age"] == [
        "age_band",
        "csc_status_at_incident",
    ]
    assert (
        "`03_status_by_age` (age_band, csc_status_at_incident)"
        in (released / "checking" / "summary.md").read_text()
    )

    shutil.copy(suggestion, tmp_path / "other_cases.recode.yaml")  # as the advice says
    # the same cases with other categories, beside the first run's outputs: refused
    code, runs = own_run(frame=sample, tables=_ages)
    assert code == 2
    assert "the same cases, other categories combined" in capsys.readouterr().err
    assert "forget-run other_cases" in out  # the advice said what to do
    assert forget("other_cases") == 1  # its outputs never left this machine
    code, runs = own_run(frame=sample, tables=_ages)
    assert code == 0
    after = json.loads((released / "checking" / "results.json").read_text())
    applied = read_recode(suggestion).describe()
    assert after["categories_combined"] == applied
    assert after["audit"]["passed"]
    assert after["audit"]["suppressed"] < before["audit"]["suppressed"]
    summary = (released / "checking" / "summary.md").read_text()
    assert "Categories combined before protection" in summary and applied[0] in summary
    table = pd.read_csv(released / "outputs" / "02_age_bands.csv", dtype=str)
    assert any("+" in code for code in table["age_band"])


def test_a_broken_recode_file_stops_the_run_in_one_sentence(own_run, sample, tmp_path, capsys):
    (tmp_path / "other_cases.recode.yaml").write_text(
        "combine:\n  age_band:\n    - [under_1, 1_5]\n", encoding="utf-8"
    )
    code, runs = own_run(frame=sample, tables=_ages)
    err = capsys.readouterr().err
    assert code == 2
    assert "other_cases.recode.yaml: under_1, 1_5 cannot be combined" in err
    assert "Traceback" not in err
    assert not (runs / "other_cases").exists()


def test_no_code_a_chapter_names_can_be_combined():
    """A chapter that picks a row by its code (the plan row, "closed before the incident")
    would lose it to a combined category: such codes stay out of recode.yaml's sets."""
    import re

    from analysis.casedata.recode import allowed_sets, recode_rules
    from analysis.paths import ROOT

    combinable = {(v, c) for v in recode_rules()["variables"] for s in allowed_sets(v) for c in s}
    named = set()
    folders = ["analysis/chapters", "analysis/charts", "analysis/stats", "analysis/publish"]
    files = [p for f in folders for p in (ROOT / f).rglob("*") if p.suffix in (".py", ".yaml")]
    files += list((ROOT / "notebooks").glob("*.ipynb"))
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        # docstring examples are not uses; a code counts where its variable is named too
        text = "\n".join(t for t in lines if not t.strip().startswith((">>>", "...")))
        # a code as a string literal, or as "variable: code" (the chapters' YAML)
        named |= {
            c
            for v, c in combinable
            if v in text and re.search(rf"""(['"]{c}['"])|({v}: {c}\b)""", text)
        }
    # the age bands of 11 to 17 are summed wherever they are named, combined or not
    assert named <= {"11_15", "16_17"}, sorted(named)


def test_merging_keeps_rows_of_different_years_apart():
    """A whole-number key (a year) still says which row is which; counts never do."""
    table = pd.DataFrame(
        {
            "incident_year": [2012, 2012, 2013, 2013],
            "age_band": ["11_15", "16_17", "11_15", "16_17"],
            "count": [1, 2, 3, 4],
            PREFIX + "count": [("a",), ("b", "c"), ("d", "e", "f"), ("g", "h", "i", "j")],
        }
    )
    merged = merge_rows(table, "age_band", ("11_15", "16_17"))
    assert merged["incident_year"].tolist() == [2012, 2013]
    assert merged[PREFIX + "count"].tolist() == [
        ("a", "b", "c"),
        ("d", "e", "f", "g", "h", "i", "j"),
    ]


def test_no_set_crosses_a_line_the_codebook_defines():
    """A set half inside a definition (involved at the incident: child in need or above) would
    let a reader subtract the definition's count from the combined one and get the rest."""
    from analysis.casedata.codebook import PERIODS, load_codebook
    from analysis.casedata.recode import allowed_sets, recode_rules

    for period in PERIODS:
        for name, definition in load_codebook(period).definitions.items():
            inside = set(map(str, definition["codes"]))
            for codes in allowed_sets(definition["variable"]):
                part = set(codes) & inside
                assert part in (set(), set(codes)), (period, name, codes)
    assert recode_rules()["variables"]  # the loop above saw sets


def _units(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(n))


def test_a_code_inside_a_combined_category_is_audited_not_given_back():
    """ "11 to 17" = 12 beside another table's "16 to 17" = 9 gives "11 to 15" = 3 back; the
    audit sees the codes inside the combined row and hides one of the two counts."""
    from analysis.publish.disclosure import plan_protection

    teens, older = _units("a", 3), _units("b", 9)
    combined = pd.DataFrame(
        {
            "age_band": ["11_15+16_17"],
            "count": [12],
            PREFIX + "count": [tuple(sorted(teens + older))],
            COMPONENTS: [(teens, older)],
        }
    )
    alone = pd.DataFrame({"measure": ["16_17"], "count": [9], PREFIX + "count": [older]})
    plan = plan_protection({"combined": combined})
    assert plan.shown_suppressed == 0 and plan.passed  # nothing else tells the codes apart
    assert not plan.mask("combined", 1).any()  # the combined row's statistics stay
    plan = plan_protection({"combined": combined, "alone": alone})
    shown = {k for k in plan.suppressed if not k[2].startswith("implied")}
    assert shown & {("combined", 0, "count"), ("alone", 0, "count")}
    assert plan.passed
