"""Hand the validated case data from ``reproduce`` to the kernels of its notebooks.

``reproduce`` validates the case file before any notebook runs, and every notebook then loads
the same file again in its own kernel: eight more reads and schema checks, each paying for
pandera's import (about 1.5 s of a notebook's time on the shipped data). Inside
:func:`handing_off`, the first load of a file stores the validated frame in a private folder
named by ``$SCR_VALIDATED_DIR``, which the kernels inherit; a later load of the same bytes
(same SHA-256, same sheet) takes it from there. A file changed mid-run has a new hash and is
validated again, so the handoff can never serve data the file no longer holds.

The frames are stored with :mod:`pickle` because it gives back exactly what was stored
(ordered categoricals, string columns, ``attrs``); parquet would need pyarrow, which the kit
does not otherwise use. Only this user's process writes the folder (``mkdtemp``, or
:func:`analysis.files.private_folder` in the runs folder, makes it private to the user from its
creation), and it is deleted when the run ends. On the user's own data it is made
inside the runs folder, beside the run's other working folders, so a copy of real case data
never lands in a shared temporary directory, and a run killed outright has it removed by the
next run (:func:`analysis.pipeline.reproduce.clear_stale`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from analysis.files import file_sha256, is_private, private_folder, replacing

VALIDATED_ENV_VAR = "SCR_VALIDATED_DIR"


def _entry(folder: Path, path: Path, sheet: str | None) -> Path:
    key = hashlib.sha256(f"{file_sha256(path)}\0{sheet}".encode()).hexdigest()
    return folder / f"{key}.pkl"


def load_once(
    path: Path, sheet: str | None, load: Callable[[Path, str | None], pd.DataFrame]
) -> pd.DataFrame:
    """``load(path, sheet)``, or the frame an earlier load of the same bytes stored this run.

    Outside :func:`handing_off` (no ``$SCR_VALIDATED_DIR``) this is just ``load(path, sheet)``.
    A file that fails to load raises as ``load`` does and stores nothing.
    """
    folder = os.environ.get(VALIDATED_ENV_VAR, "").strip()
    # a folder others can reach (a shared one, a stale setting in a shell) is neither read
    # nor written: only this user's process may put what it unpickles there
    if not folder or not is_private(folder) or not Path(path).is_file():
        return load(path, sheet)
    entry = _entry(Path(folder), Path(path), sheet)
    if entry.exists():
        with entry.open("rb") as handle:
            return pickle.load(handle)  # written by this run's own process (see module notes)
    frame = load(path, sheet)
    if _entry(Path(folder), Path(path), sheet) == entry:  # unchanged while it was read
        with replacing(entry) as tmp, open(tmp, "wb") as handle:
            pickle.dump(frame, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return frame


@contextlib.contextmanager
def handing_off(folder: Path | None = None) -> Iterator[Path | None]:
    """Within the block, validated frames are stored once and shared with child processes.

    Parameters
    ----------
    folder : Path, optional
        The private folder to use (made afresh, readable by this user only); default a new
        folder in the system's temporary directory, which is fine for the shipped synthetic
        data but not for a user's own file (see the module notes).

    Yields
    ------
    Path or None
        The folder, removed with everything in it when the block ends, however it ends;
        None when it could not be made (then nothing is shared and each load validates).
    """
    made_parent = None  # a runs folder made only for this: removed again if left empty
    try:
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="scr-validated-"))
        else:
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.parent.exists():
                made_parent = folder.parent
            folder.parent.mkdir(parents=True, exist_ok=True)
            private_folder(folder)
    except OSError:
        # no handoff, only slower: each notebook validates the file itself, and a folder that
        # cannot be written is reported by the run in its own words when it gets there
        yield None
        return
    before = os.environ.get(VALIDATED_ENV_VAR)
    os.environ[VALIDATED_ENV_VAR] = str(folder)
    try:
        yield folder
    finally:
        if before is None:
            os.environ.pop(VALIDATED_ENV_VAR, None)
        else:
            os.environ[VALIDATED_ENV_VAR] = before
        shutil.rmtree(folder, ignore_errors=True)
        if made_parent is not None:
            with contextlib.suppress(OSError):
                made_parent.rmdir()  # only if empty: an invalid file leaves no runs folder
