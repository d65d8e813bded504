"""Writing files so that no reader ever sees half of one.

Every output is written to a temporary file in the same folder and moved into place when
complete (``os.replace`` is atomic on one file system), so an interrupted or failed run leaves
the previous file, never a truncated one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it over ``path`` if the block succeeds.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "t.txt"
    >>> with replacing(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: Path | str, text: str) -> Path:
    """Write UTF-8 text to ``path`` atomically."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def copy_file(source: Path | str, path: Path | str) -> Path:
    """Copy ``source``'s bytes to ``path`` atomically, as every output is written.

    The copy gets the permissions :func:`replacing` gives every output, not the source's.
    """
    with replacing(path) as tmp:
        shutil.copyfile(source, tmp)  # bytes only: tmp keeps the mode mkstemp gave it
    return Path(path)


def file_sha256(path: Path | str) -> str:
    """The SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def replace_folder(new: Path, target: Path) -> None:
    """Put the finished folder ``new`` where ``target`` is, never leaving a mix of the two.

    The old folder is moved aside (one rename), the new one moved in (one rename), and only
    then is the old one deleted, so ``target`` is missing for no longer than a rename.
    """
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def private_folder(path: Path | str) -> Path:
    """Make ``path`` a folder only this user can reach, from the moment it exists.

    ``mkdir`` with mode 0o700 is private at creation (the umask can only take permissions
    away), so no other user can open it, or a file in it, at any moment; the mode is then set
    exactly, in case the umask took the user's own permissions too. The parent must exist.
    An existing folder is used only if it is already private to this user (:func:`is_private`):
    one made by someone else, or open to others, might be read or written by them.

    Raises
    ------
    PermissionError
        ``path`` exists but is not a folder private to this user.
    """
    path = Path(path)
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        if not is_private(path):
            raise PermissionError(
                f"{path} already exists and others can reach it (or it is not this user's): "
                "remove it and run again"
            ) from None
        return path
    path.chmod(0o700)
    return path


def is_private(folder: Path | str) -> bool:
    """A real folder (not a link to one) of this user's that no one else can read or enter.

    The one place that asks who owns a file: POSIX only (``os.getuid``); issue 24 gives it a
    Windows counterpart.
    """
    try:
        info = Path(folder).lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077
