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


def _release(frame, tmp_path, name, folder) -> None:
    cases = _typed(frame, tmp_path, name)
    history.remember(name, "Own data", history.fingerprint(cases, history.salt(folder)), folder)


def _against(frame, tmp_path, name, folder, allowed=()) -> list[history.Overlap]:
    cases = _typed(frame, tmp_path, name)
    minimum = rules().minimum_difference
    return history.overlaps(cases, history.salt(folder), allowed, minimum, folder)


def _both_periods() -> pd.DataFrame:
    frames = [
        pd.read_csv(SYNTHETIC_DIR / f"synthetic_cases_{p}.csv", dtype=str, keep_default_na=False)
        for p in ("2011-14", "2014-17")
    ]
    return pd.concat([frames[0].head(60), frames[1].head(60)]).drop(columns="record_origin")


def test_one_child_less_renamed_and_reordered_is_one_case_apart(cases, tmp_path):
    folder = tmp_path / "history"
    _release(cases, tmp_path, "first", folder)
    fewer = cases.iloc[1:].sample(frac=1, random_state=4).copy()
    fewer["case_id"] = [f"Q{i}" for i in range(len(fewer))]
    fewer["review_id"] = fewer["review_id"].map(lambda r: f"renamed-{r}")
    (found,) = _against(fewer, tmp_path, "b", folder)
    assert (found.run, found.differing, found.risky) == ("first", 1, True)
    with pytest.raises(history.DifferencingError) as refused:
        history.check([found])
    message = str(refused.value)
    assert "'first'" in message and "1 case)" in message and "ALLOW_OVERLAP=first" in message
    # named by the user: allowed, and said so
    (allowed,) = _against(fewer, tmp_path, "b", folder, allowed=["first"])
    history.check([allowed])
    assert allowed.as_record()["overridden"] is True
    assert allowed.as_record()["earlier_run"] == "Own data"  # never a folder or file name


def test_a_corrected_code_is_a_changed_case_even_with_a_column_added(cases, tmp_path):
    """The attack: one child's codes set to not recorded, and a new column filled, so the two
    files' columns differ. The new run is compared on the earlier run's columns."""
    folder = tmp_path / "history"
    earlier = cases.drop(columns=["cp_plan_ever"])
    _release(earlier, tmp_path, "first", folder)
    corrected = cases.copy()  # cp_plan_ever comes back, filled
    row = corrected.index[corrected["final_report_available"] == "yes"][0]
    corrected.loc[row, "parent_domestic_abuse"] = (
        "no" if corrected.loc[row, "parent_domestic_abuse"] == "yes" else "yes"
    )
    (found,) = _against(corrected, tmp_path, "b", folder)
    assert found.differing == 1 and found.risky
    # the same cases and codes, one column added: the same cases, no risk
    (same,) = _against(cases, tmp_path, "c", folder)
    assert same.differing == 0 and not same.risky
    assert same.as_record()["outcome"].startswith("the same cases")


def test_one_variable_recoded_on_every_row_does_not_hide_a_dropped_child(cases, tmp_path):
    """The attack: incident years rotated on every row and one child dropped. The hashes of
    all core variables but one still match every other case."""
    folder = tmp_path / "history"
    _release(cases, tmp_path, "first", folder)
    years = sorted(cases["incident_year"].unique())
    rotate = dict(zip(years, years[1:] + years[:1], strict=True))
    shifted = cases.iloc[1:].assign(incident_year=lambda f: f["incident_year"].map(rotate))
    (found,) = _against(shifted, tmp_path, "b", folder)
    assert found.differing == 1 and found.risky


def test_one_period_after_both_is_compared_within_the_period(tmp_path):
    """The attack: a run of both periods, then of one period less one child. Over all cases
    they differ by the other period's 60; within the period they share, by one."""
    folder = tmp_path / "history"
    both = _both_periods()
    _release(both, tmp_path, "both", folder)
    one = both[both["review_period"] == "2011-14"].iloc[1:]
    (found,) = _against(one, tmp_path, "one", folder)
    assert found.differing == 1 and found.risky
    # the whole period, nothing dropped: the same cases where they meet, no risk
    (whole,) = _against(both[both["review_period"] == "2011-14"], tmp_path, "w", folder)
    assert not whole.risky


def test_subsets_by_any_variable_are_measured_by_what_they_drop(cases, tmp_path):
    """A run on the girls only, after a run on everyone, differs by the boys: allowed when
    they are many, refused when they are few."""
    folder = tmp_path / "history"
    _release(cases, tmp_path, "everyone", folder)
    girls = cases[cases["sex"] == "female"]
    boys = len(cases) - len(girls)
    assert boys >= rules().minimum_difference
    (found,) = _against(girls, tmp_path, "g", folder)
    assert found.differing == boys and not found.risky
    history.forget("everyone", folder)
    _release(girls, tmp_path, "girls", folder)
    few_boys = pd.concat([girls, cases[cases["sex"] == "male"].head(3)])
    (found,) = _against(few_boys, tmp_path, "fb", folder)
    assert found.differing == 3 and found.risky


def test_unrelated_files_are_no_overlap(tmp_path):
    folder = tmp_path / "history"
    both = _both_periods()
    _release(both.head(60), tmp_path, "a", folder)
    assert _against(both.tail(60), tmp_path, "b", folder) == []


def test_the_history_keeps_hashes_never_cases_and_is_private(cases, tmp_path):
    folder = tmp_path / "history"
    _release(cases, tmp_path, "run", folder)
    (path,) = folder.glob("run-*.json")
    text = path.read_text()
    entry = json.loads(text)
    for value in cases["case_id"].head(5):
        assert value not in text
    hashes = [h for kinds in entry["parts"].values() for hs in kinds.values() for h in hs]
    assert hashes and all(re.fullmatch("[0-9a-f]{16}", h) for h in hashes)
    assert folder.stat().st_mode & 0o077 == 0 and path.stat().st_mode & 0o077 == 0
    assert (folder / history.SALT_NAME).stat().st_mode & 0o077 == 0
    # another installation's salt gives other hashes: a candidate file confirms nothing
    other = history.fingerprint(_typed(cases, tmp_path, "x"), history.salt(tmp_path / "else"))
    assert not set(other.parts[history.ALL]["core"]) & set(entry["parts"][history.ALL]["core"])
    assert history.forget("run", folder) == 1 and history.released_runs(folder) == []


def test_a_salt_that_is_not_the_kits_is_refused_not_used(tmp_path):
    folder = tmp_path / "history"
    key = history.salt(folder)
    assert len(key) == history.SALT_BYTES and history.salt(folder) == key  # made once
    (folder / history.SALT_NAME).write_text("\n")
    with pytest.raises(history.DifferencingError, match="not a salt the kit made"):
        history.salt(folder)


def test_an_unreadable_record_is_a_sentence_not_a_traceback(cases, tmp_path):
    folder = tmp_path / "history"
    history.salt(folder)
    (folder / "run-broken.json").write_text("{not json")
    with pytest.raises(history.DifferencingError, match="run-broken.json is not a record"):
        _against(cases, tmp_path, "a", folder)


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
    assert earlier["earlier_run"] == "Own data" and earlier["cases_differing"] == 1
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
