import pandas as pd
import pytest

from analysis import InvalidCaseDataError, dataset_label, is_synthetic, load_cases
from analysis.casedata.codebook import load_codebook
from analysis.casedata.load import default_paths, synthetic_path
from analysis.paths import DATA_ENV_VAR


def test_default_load_is_the_shipped_data_typed_by_the_codebook():
    cases = load_cases()
    assert [p.name for p in default_paths()]  # something is shipped
    assert isinstance(cases["outcome"].dtype, pd.CategoricalDtype)
    assert cases["outcome"].cat.ordered
    assert list(cases["age_band"].cat.categories) == list(load_codebook()["age_band"].codes)
    assert cases["case_id"].dtype == "string"
    assert cases.attrs["synthetic"] is True


def test_period_keeps_only_that_period_and_says_so():
    everything = load_cases()
    early = load_cases(period="2011-14")
    assert (early["review_period"] == "2011-14").all()
    assert len(early) == (everything["review_period"] == "2011-14").sum()
    assert any("left out" in n for n in early.attrs["notes"])


def test_unknown_period_is_refused():
    with pytest.raises(ValueError, match="unknown review period"):
        load_cases(period="2010-13")


def test_labels_are_loaded_as_codes(valid_frame, write_csv):
    valid_frame["outcome"] = valid_frame["outcome"].map(
        {"death": "Death", "serious_harm": "Serious harm"}
    )
    valid_frame["sex"] = valid_frame["sex"].str.upper()
    cases = load_cases(write_csv(valid_frame))
    assert set(cases["outcome"]) == {"death", "serious_harm"}
    assert set(cases["sex"]) == {"male", "female"}
    assert any("read as codes" in n for n in cases.attrs["notes"])


def test_invalid_file_raises_with_the_full_report(valid_frame, write_csv):
    valid_frame.loc[0, "outcome"] = "alive"
    with pytest.raises(InvalidCaseDataError) as info:
        load_cases(write_csv(valid_frame))
    assert "SCH002" in str(info.value) and "row 2" in str(info.value)
    assert len(info.value.report.errors) >= 1


def test_extra_columns_are_kept(valid_frame, write_csv):
    cases = load_cases(write_csv(valid_frame.assign(local_ref="LA-1")))
    assert (cases["local_ref"] == "LA-1").all()


def test_environment_variable_points_at_own_file(valid_frame, write_csv, monkeypatch):
    path = write_csv(
        valid_frame.drop(columns=["record_origin"], errors="ignore").head(4), "my_cases.csv"
    )
    monkeypatch.setenv(DATA_ENV_VAR, str(path))
    cases = load_cases()
    # never the file's name on the outputs: it could name a family or an area (issue 20)
    assert len(cases) == 4 and cases.attrs["dataset_name"] == "Own data"
    assert not is_synthetic(cases) and dataset_label(cases) == "Own data"
    assert cases.attrs["sources"] == [str(path)]
    monkeypatch.setenv("SCR_DATASET_NAME", "Area study")
    assert dataset_label(load_cases()) == "Area study"


def test_real_data_is_never_labelled_synthetic_by_accident(valid_frame, write_csv):
    valid_frame["record_origin"] = "coded_from_review"
    cases = load_cases(write_csv(valid_frame))
    assert not is_synthetic(cases)


def test_a_file_that_calls_itself_synthetic_is_still_the_users_data(valid_frame, write_csv):
    """Provenance, not a column, decides: every row saying "synthetic" changes nothing."""
    valid_frame["record_origin"] = "synthetic"
    cases = load_cases(write_csv(valid_frame, "synthetic_cases_2011-14.csv"))
    assert not is_synthetic(cases)
    assert dataset_label(cases) == "Own data"


def test_only_the_shipped_files_by_content_are_the_shipped_synthetic_data(tmp_path):
    shipped = synthetic_path("2011-14")
    assert is_synthetic(load_cases(shipped))
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(shipped.read_bytes())
    assert is_synthetic(load_cases(copy))  # the same bytes are the same synthetic data
    changed = tmp_path / "synthetic_cases_2011-14.csv"
    changed.write_bytes(shipped.read_bytes().replace(b"S11-0001,", b"S11-9999,", 1))
    assert not is_synthetic(load_cases(changed))  # one edit and it is the user's data


def test_manifest_lists_the_shipped_files():
    from analysis.casedata.provenance import shipped_hashes
    from analysis.files import file_sha256

    for period in ("2011-14", "2014-17"):
        assert file_sha256(synthetic_path(period)) in shipped_hashes()


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("data/raw/my_cases.csv", "my_cases"),
        ("...csv", "own_data"),
        ("..", "own_data"),
        (".", "own_data"),
        ("../../etc/passwd.csv", "passwd"),
        ("`touch x`.csv", "touch_x"),
        ("$(id).csv", "id"),
        ("-rf.csv", "rf"),
        ("My cases (v2).xlsx", "My_cases_v2"),
    ],
)
def test_run_names_are_safe_folder_names(path, name):
    from analysis.casedata.provenance import run_name

    assert run_name(path) == name


def test_no_row_dropped_or_reordered(valid_frame, write_csv):
    cases = load_cases(write_csv(valid_frame))
    assert cases["case_id"].tolist() == valid_frame["case_id"].tolist()
