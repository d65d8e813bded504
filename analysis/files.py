"""Writing files so that no reader ever sees half of one, with the permissions they should have.

Every output is written to a temporary file in the same folder and moved into place when
complete (``os.replace`` is atomic on one file system), so an interrupted or failed run leaves
the previous file, never a truncated one.

Outputs get the permissions any new file of the user's gets (the umask's), so a colleague on a
shared drive reads them as they read the user's other files; only what is written into a
private folder (:func:`private_folder`: the staging and handoff folders, the history of
released runs) is readable by the user alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it over ``path`` if the block succeeds.

    The file has the permissions a new file gets from the user's umask, or is readable by the
    user only when its folder is private (:func:`is_private`), whatever the umask.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "t.txt"
    >>> with replacing(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # POSIX only: on Windows a mode says no more than read-only, and is_private asks for a uid
    tmp = _new_file(path, private=hasattr(os, "getuid") and is_private(path.parent))
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _new_file(path: Path, *, private: bool) -> Path:
    """A new empty file beside ``path``, made as any file is: the umask takes from 0o666 what
    the user's setting takes (tempfile.mkstemp would make every output 0o600, unreadable by a
    colleague); 0o600 in a private folder. ``O_EXCL`` never opens an existing file or link."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            handle = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
        except FileExistsError:
            continue
        os.close(handle)
        return tmp
    raise FileExistsError(f"no free temporary name beside {path}")


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


def umask() -> int:
    """The process's umask, read without a moment in which new files are made looser.

    Linux reports it (``/proc/self/status``); elsewhere it is read the one way POSIX offers, by
    setting it and setting it back, to 0o077 meanwhile: a file another thread makes in that
    moment is private, never open to others.
    """
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def usual_permissions(folder: Path | str) -> Path:
    """Give a folder made private while it was built (:func:`private_folder`) the permissions
    a new folder of the user's gets (0o777 less the umask), keeping a shared drive's setgid bit.

    Only the folder itself: what was made inside it was made with the usual permissions.
    """
    folder = Path(folder)
    kept = stat.S_IMODE(folder.stat().st_mode) & (stat.S_ISGID | stat.S_ISVTX)
    folder.chmod(kept | (0o777 & ~umask()))
    return folder


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
