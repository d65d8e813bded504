"""Differencing between runs (issue 20): two released runs on files that differ by one child
give that child back, so the second is refused unless the user names the first; renaming,
reordering and subsetting do not evade it, and the checking record says what was allowed."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analysis import load_cases
from analysis.paths import SYNTHETIC_DIR
from analysis.pipeline.reproduce import Release
from analysis.publish import history
from analysis.publish.disclosure import rules

SHIPPED = SYNTHETIC_DIR / "synthetic_cases_2011-14.csv"


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    rows = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False).head(80)
    return rows.drop(columns="record_origin")


def _typed(frame: pd.DataFrame, tmp_path, name: str) -> pd.DataFrame:
    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False)
    return load_cases(path)


def _fingerprint(frame, tmp_path, name, folder):
    return history.fingerprint(_typed(frame, tmp_path, name), history.salt(folder))


def test_one_child_less_renamed_and_reordered_is_one_case_apart(cases, tmp_path):
    folder = tmp_path / "history"
    first = _fingerprint(cases, tmp_path, "a", folder)
    history.remember("first", first, folder)
    fewer = cases.iloc[1:].sample(frac=1, random_state=4).copy()
    fewer["case_id"] = [f"Q{i}" for i in range(len(fewer))]
    fewer["review_id"] = fewer["review_id"].map(lambda r: f"renamed-{r}")
    second = _fingerprint(fewer, tmp_path, "b", folder)
    (found,) = history.overlaps(second, folder=folder)
    assert (found.run, found.differing) == ("first", 1)
    with pytest.raises(history.DifferencingError) as refused:
        history.check([found], rules().minimum_difference)
    message = str(refused.value)
    assert "'first'" in message and "by 1 case," in message and "ALLOW_OVERLAP=first" in message
    # named by the user: allowed, and said so
    (allowed,) = history.overlaps(second, allowed=["first"], folder=folder)
    history.check([allowed], rules().minimum_difference)
    assert allowed.as_record(10)["overridden"] is True


def test_a_corrected_code_is_a_changed_case(cases, tmp_path):
    folder = tmp_path / "history"
    first = _fingerprint(cases, tmp_path, "a", folder)
    corrected = cases.copy()
    row = corrected.index[corrected["final_report_available"] == "yes"][0]
    corrected.loc[row, "parent_domestic_abuse"] = (
        "no" if corrected.loc[row, "parent_domestic_abuse"] == "yes" else "yes"
    )
    second = _fingerprint(corrected, tmp_path, "b", folder)
    assert second.differing(first) == 1
    assert second.differing(second) == 0


def test_subsets_by_any_variable_are_measured_by_what_they_drop(cases, tmp_path):
    """A run on the girls only, after a run on everyone, differs by the boys: allowed when
    they are many, refused when they are few (here: a file with three boys)."""
    folder = tmp_path / "history"
    everyone = _fingerprint(cases, tmp_path, "all", folder)
    girls = cases[cases["sex"] == "female"]
    assert len(cases) - len(girls) >= rules().minimum_difference
    assert _fingerprint(girls, tmp_path, "g", folder).differing(everyone) == len(cases) - len(girls)
    few_boys = pd.concat([girls, cases[cases["sex"] == "male"].head(3)])
    assert (
        _fingerprint(girls, tmp_path, "g2", folder).differing(
            _fingerprint(few_boys, tmp_path, "fb", folder)
        )
        == 3
    )


def test_an_extra_column_does_not_hide_a_dropped_child(cases, tmp_path):
    """The core fingerprint covers the variables every valid file has, so filling an optional
    column in the second file does not make every case look new."""
    folder = tmp_path / "history"
    first = _fingerprint(
        cases.drop(columns=["cp_plan_ever"], errors="ignore"), tmp_path, "a", folder
    )
    fewer = cases.iloc[2:]
    assert _fingerprint(fewer, tmp_path, "b", folder).differing(first) == 2


def test_the_history_keeps_hashes_never_cases_and_is_private(cases, tmp_path):
    folder = tmp_path / "history"
    path = history.remember("run", _fingerprint(cases, tmp_path, "a", folder), folder)
    text = path.read_text()
    entry = json.loads(text)
    for value in cases["case_id"].head(5):
        assert value not in text
    hexes = entry["core"] + entry["full"]
    assert len(hexes) == 2 * len(cases) and all(re.fullmatch("[0-9a-f]{16}", h) for h in hexes)
    assert folder.stat().st_mode & 0o077 == 0 and path.stat().st_mode & 0o077 == 0
    assert (folder / history.SALT_NAME).stat().st_mode & 0o077 == 0
    # another installation's salt gives other hashes: a candidate file confirms nothing
    other = _fingerprint(cases, tmp_path, "a", tmp_path / "elsewhere")
    assert not set(other.core) & set(entry["core"])
    assert history.forget("run", folder) == 1 and history.released_runs(folder) == []


def test_a_second_run_one_child_apart_is_refused_and_an_override_recorded(own_run, valid_frame):
    code, runs = own_run()
    assert code == 0 and (runs / "my_cases").is_dir()
    fewer = valid_frame.drop(columns=["record_origin"], errors="ignore").iloc[1:]
    code, runs = own_run(frame=fewer)
    assert code == 2 and not (runs / "other_cases").exists()
    code, runs = own_run(frame=fewer, release=Release(allow_overlap=("my_cases",)))
    assert code == 0
    record = json.loads((runs / "other_cases" / "checking" / "results.json").read_text())
    (earlier,) = record["differencing"]["earlier_runs"]
    assert earlier["earlier_run"] == "my_cases" and earlier["cases_differing"] == 1
    assert earlier["overridden"] is True and record["overall"] == "review"
    summary = (runs / "other_cases" / "checking" / "summary.md").read_text()
    assert "OVERRIDDEN" in summary
    # and the first file again now differs by one from the second: refused in turn
    assert own_run()[0] == 2


def test_the_record_names_the_file_by_a_salted_hash_and_the_dataset_neutrally(own_run):
    from analysis.files import file_sha256

    code, runs = own_run()
    record = json.loads((runs / "my_cases" / "checking" / "results.json").read_text())
    assert record["dataset"] == "Own data"
    assert set(record["data_file"]) == {"salted_sha256"}
    source = next(p for p in (runs.parent).glob("my_cases.csv"))
    assert record["data_file"]["salted_sha256"] != file_sha256(source)
    text = json.dumps(record)
    assert "my_cases" not in text  # the file's name travels with no output
    for table in (runs / "my_cases" / "outputs").glob("*.csv"):
        assert "my_cases" not in table.read_text()
    assert "statistics_withheld_for_hidden_counts" not in text
    # the same cases again (a rerun) are no risk: the outputs are the same
    code, runs = own_run(release=Release(name="Area study", record_file_hash=True))
    assert code == 0
    record = json.loads((runs / "Area_study" / "checking" / "results.json").read_text())
    assert record["dataset"] == "Area study"
    assert record["data_file"]["sha256"] == file_sha256(source)
