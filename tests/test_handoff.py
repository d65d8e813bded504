"""The validated-data handoff: `reproduce` validates a file once and its kernels reuse it."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from analysis import InvalidCaseDataError, load_cases
from analysis.casedata import load as load_module
from analysis.casedata.handoff import VALIDATED_ENV_VAR, handing_off
from analysis.paths import DATA_ENV_VAR, RUNS_ENV_VAR
from analysis.pipeline.reproduce import _handoff_folder


@pytest.fixture
def counted_loads(monkeypatch):
    """Count the reads-and-validations of a file (the work the handoff spares)."""
    calls = []
    real = load_module._load_one

    def counting(path, sheet):
        calls.append(path)
        return real(path, sheet)

    monkeypatch.setattr(load_module, "_load_one", counting)
    return calls


def test_a_file_is_validated_once_and_loads_equal(valid_frame, write_csv, counted_loads):
    path = write_csv(valid_frame)
    plain = load_cases(path)
    with handing_off() as folder:
        first = load_cases(path)
        second = load_cases(path, period="2011-14")
        third = load_cases(path)
        assert os.environ[VALIDATED_ENV_VAR] == str(folder)
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # this user's only
    assert len(counted_loads) == 2  # once before the block, once inside it
    pd.testing.assert_frame_equal(third, plain)
    assert third.attrs == first.attrs == plain.attrs  # notes, sources, synthetic flag
    assert (second["review_period"] == "2011-14").all()


def test_a_file_changed_mid_run_is_validated_again(valid_frame, write_csv, counted_loads):
    path = write_csv(valid_frame)
    with handing_off():
        before = load_cases(path)
        write_csv(valid_frame.iloc[:3])  # same name, other bytes
        after = load_cases(path)
    assert len(counted_loads) == 2
    assert len(before) == len(valid_frame) and len(after) == 3


def test_an_invalid_file_stores_nothing_and_fails_every_time(valid_frame, write_csv):
    valid_frame.loc[0, "outcome"] = "not a code"
    path = write_csv(valid_frame)
    with handing_off() as folder:
        for _ in range(2):
            with pytest.raises(InvalidCaseDataError):
                load_cases(path)
        assert list(folder.iterdir()) == []


def test_the_folder_goes_and_the_environment_is_restored_however_the_block_ends(
    valid_frame, write_csv, monkeypatch
):
    monkeypatch.delenv(VALIDATED_ENV_VAR, raising=False)
    with pytest.raises(RuntimeError), handing_off() as folder:
        load_cases(write_csv(valid_frame))
        assert any(folder.iterdir())
        raise RuntimeError("a notebook failed")
    assert not folder.exists()
    assert VALIDATED_ENV_VAR not in os.environ


def test_own_data_waits_inside_the_runs_folder_never_in_shared_temp(
    valid_frame, write_csv, tmp_path, monkeypatch
):
    runs = tmp_path / "runs"
    monkeypatch.setenv(RUNS_ENV_VAR, str(runs))
    monkeypatch.setenv(DATA_ENV_VAR, str(write_csv(valid_frame, name="My cases.csv")))
    folder = _handoff_folder()
    assert folder == runs / f".My_cases.validated-{os.getpid()}"  # cleared if the run is killed
    with handing_off(folder) as made:
        load_cases()
        assert made == folder and len(list(folder.iterdir())) == 1
    assert not folder.exists()
    monkeypatch.delenv(DATA_ENV_VAR)
    assert _handoff_folder() is None  # the shipped synthetic data: system temp is fine


def test_a_folder_others_can_reach_is_never_used(valid_frame, write_csv, tmp_path, monkeypatch):
    # $SCR_VALIDATED_DIR left set in a shell, or pointing at a shared folder: no copy of the
    # case data is written there, and nothing found there is unpickled
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    monkeypatch.setenv(VALIDATED_ENV_VAR, str(shared))
    load_cases(write_csv(valid_frame))
    assert list(shared.iterdir()) == []


def test_a_killed_runs_validated_copy_goes_at_the_next_run_whatever_its_file(tmp_path, monkeypatch):
    import subprocess
    import sys

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], text=True, capture_output=True
    ).stdout.strip()  # a process id no longer in use
    runs = tmp_path / "runs"
    left = runs / f".other_file.validated-{gone}"
    left.mkdir(parents=True)
    (left / "cases.pkl").write_bytes(b"real data")
    alive = runs / f".mine.validated-{os.getpid()}"
    alive.mkdir()
    monkeypatch.setenv(RUNS_ENV_VAR, str(runs))
    monkeypatch.delenv(DATA_ENV_VAR, raising=False)
    assert _handoff_folder() is None  # the shipped data, and on the way the dead run's copy goes
    assert not left.exists() and alive.exists()
