"""Nothing unprotected is readable by others, and nothing outlives its run (issue 20, part 4).

A run on own data keeps the case data (the validated copy), every table unprotected with the
reviews behind each cell (staging) and the run being built (partial) beside ``runs/<name>/``.
Each folder is private to the user from the moment it exists, and is gone when the run ends,
however it ends; what a killed run left, on any file, goes at the start of the next run.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.files import is_private, private_folder
from analysis.publish.history import HISTORY_DIRNAME

#: What a run keeps while it works (environment variable -> folder).
WORKING = {
    "staging": "SCR_RUN_STAGING",
    "partial": "SCR_OUTPUT_DIR",
    "validated": "SCR_VALIDATED_DIR",
}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The loosest umask: a folder made with a plain mkdir would be open to everyone."""
    before = os.umask(0)
    yield
    os.umask(before)


def _dead_pid() -> str:
    return subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], text=True, capture_output=True
    ).stdout.strip()  # a process id no longer in use


def test_a_private_folder_is_the_users_alone_whatever_the_umask(tmp_path):
    before = os.umask(0o277)  # would take even the user's own write permission
    try:
        made = private_folder(tmp_path / "staging")
    finally:
        os.umask(before)
    assert _mode(made) == 0o700 and is_private(made)
    assert private_folder(made) == made  # already private to the user: may be used again


def test_a_folder_others_can_reach_or_a_link_is_never_taken_over(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)  # made by someone else's hand, readable by everyone
    with pytest.raises(PermissionError, match="others can reach it"):
        private_folder(shared)
    assert _mode(shared) == 0o755
    target = private_folder(tmp_path / "target")
    link = tmp_path / "link"
    link.symlink_to(target, target_is_directory=True)
    with pytest.raises(PermissionError):
        private_folder(link)
    assert not is_private(link) and is_private(target)


def test_every_working_folder_is_private_from_creation_and_gone_after(own_run, open_umask):
    seen = {}

    def watch(stage):
        seen[stage] = {
            kind: _mode(Path(os.environ[variable])) for kind, variable in WORKING.items()
        }
        staging = Path(os.environ["SCR_RUN_STAGING"])
        seen[stage]["tables"] = _mode(staging / "tables")
        seen[stage]["listing"] = _working(staging.parent)

    code, runs = own_run(watch=watch)
    assert code == 0
    for stage in ("collect", "publish"):
        modes = {k: v for k, v in seen[stage].items() if k != "listing"}
        assert modes == dict.fromkeys([*WORKING, "tables"], 0o700), stage
    pid = os.getpid()
    assert seen["collect"]["listing"] == sorted(
        f".my_cases.{kind}-{pid}" for kind in ("partial", "staging", "validated")
    )
    assert _working(runs) == ["my_cases"]  # nothing else outlives it
    assert _mode(runs / HISTORY_DIRNAME) == 0o700  # the released runs' fingerprints: private


def _working(runs: Path) -> list[str]:
    """What a run leaves in the runs folder, but the record of released runs (kept on
    purpose, private: :mod:`analysis.publish.history`)."""
    return sorted(p.name for p in runs.iterdir() if p.name != HISTORY_DIRNAME)


@pytest.mark.parametrize("stage", ["collect", "publish"])
def test_a_failed_run_leaves_nothing_behind(own_run, stage):
    code, runs = own_run(fail=stage)
    assert code == 1
    assert not runs.exists() or _working(runs) == []


def test_what_a_killed_run_on_another_file_left_goes_at_the_next_run(own_run, tmp_path):
    """``kill -9`` runs no clean-up; the next run, on whatever file, removes every kind of
    working folder a dead run left (its unprotected tables above all), and nothing else."""
    gone = _dead_pid()
    runs = tmp_path / "runs"
    left = [f".othername.{kind}-{gone}" for kind in ("staging", "partial", "validated", "old")]
    alive = f".othername.staging-{os.getpid()}"  # a run still going (this process)
    for name in left:
        (runs / name / "tables").mkdir(parents=True)
        (runs / name / "tables" / "table.pkl").write_bytes(b"review ids behind every cell")
    (runs / alive).mkdir()
    (runs / "othername").mkdir()  # another file's finished run
    code, _ = own_run()
    assert code == 0
    assert _working(runs) == sorted([alive, "my_cases", "othername"])


def test_the_collect_pass_never_makes_a_staging_folder_itself(tmp_path, monkeypatch):
    import pandas as pd

    from analysis.publish.run import DisclosureError, _collect

    table = pd.DataFrame({"count": [6]})
    monkeypatch.setenv("SCR_RUN_STAGING", str(tmp_path / "missing"))
    with pytest.raises(DisclosureError, match="private to the user"):
        _collect("t", table)
    assert not (tmp_path / "missing").exists()
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    monkeypatch.setenv("SCR_RUN_STAGING", str(shared))
    with pytest.raises(DisclosureError):
        _collect("t", table)
    assert list(shared.iterdir()) == []
