"""Outputs are written with the user's usual permissions (issue 21, item 8).

A colleague on the project's shared drive opens figures, tables, the workbook and the report as
they open the user's other files: every output gets what the umask gives a new file. Only the
private folders (staging, handoff, the history of released runs) and what is in them stay the
user's alone, whatever the umask.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from analysis.files import (
    copy_file,
    private_folder,
    replacing,
    umask,
    usual_permissions,
    write_text,
)
from analysis.publish.history import HISTORY_DIRNAME


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o027])
def mask(request):
    """A set umask: 0o022 (files 0644, folders 0755) and a stricter group setting (0640, 0750)."""
    before = os.umask(request.param)
    yield request.param
    os.umask(before)


def test_a_file_gets_the_umasks_permissions_and_a_private_folders(tmp_path, mask):
    assert umask() == mask and os.umask(mask) == mask  # read, and left as it was
    written = write_text(tmp_path / "out" / "table.csv", "a,b\n")
    with replacing(tmp_path / "out" / "figure.png") as tmp:
        tmp.write_bytes(b"png")
    copied = copy_file(written, tmp_path / "report" / "table.csv")
    for path in (written, tmp_path / "out" / "figure.png", copied):
        assert _mode(path) == 0o666 & ~mask, path.name
    assert _mode(tmp_path / "out") == 0o777 & ~mask  # made by a plain mkdir
    private = private_folder(tmp_path / "staging")
    assert _mode(write_text(private / "plan.txt", "hidden counts")) == 0o600
    assert not list(tmp_path.rglob("*.part"))  # no temporary file left


def test_a_folder_private_while_built_is_opened_as_usual_keeping_a_shared_drives_bits(
    tmp_path, mask
):
    folder = private_folder(tmp_path / "partial")
    assert _mode(folder) == 0o700
    assert _mode(usual_permissions(folder)) == 0o777 & ~mask
    shared = private_folder(tmp_path / "shared")
    shared.chmod(0o700 | stat.S_ISGID)  # a shared drive's folders keep their group
    assert _mode(usual_permissions(shared)) == stat.S_ISGID | (0o777 & ~mask)


def test_an_own_data_run_is_readable_as_usual_and_its_private_folders_are_not(own_run, mask):
    kept = {}  # what a run keeps for itself while it works: (stage, path) -> (folder?, mode)

    def watch(stage):
        for variable in ("SCR_RUN_STAGING", "SCR_VALIDATED_DIR"):
            top = Path(os.environ[variable])
            for p in (top, *top.rglob("*")):
                kept[stage, p.relative_to(top.parent).as_posix()] = (p.is_dir(), _mode(p))

    code, runs = own_run(watch=watch)
    assert code == 0
    out = runs / "my_cases"
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"01_children.csv", "scr_tables.xlsx", "results.json"}
    assert {p.relative_to(out).as_posix(): _mode(p) for p in files} == {
        p.relative_to(out).as_posix(): 0o666 & ~mask for p in files
    }
    folders = [out, *(p for p in out.rglob("*") if p.is_dir())]
    assert {_mode(p) for p in folders} == {0o777 & ~mask}
    # the unprotected tables, the plan and the validated cases: the user's alone
    names = {path.split("/", 1)[-1] for _, path in kept}
    assert {"tables/01_children.pkl", "plan.pkl", "notebooks"} <= names
    assert [p for _, p in kept if ".validated-" in p and p.endswith(".pkl")]  # the cases
    assert {mode for folder, mode in kept.values() if folder} == {0o700}
    assert {mode for folder, mode in kept.values() if not folder} == {0o600}
    history = runs / HISTORY_DIRNAME
    assert _mode(history) == 0o700
    assert {_mode(p) for p in history.iterdir()} == {0o600}  # the salt and released runs
