"""Where case data comes from: the shipped synthetic files, known by content, or a user's file.

A file is "the shipped synthetic data" only when its bytes are those of a file the kit ships
(``data/synthetic/SHA256SUMS``). Whatever a file says of itself (a ``record_origin`` column of
"synthetic", a name with "synthetic" in it), any other file is the user's data: protected, and
written only under ``runs/<name>/``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from analysis.files import file_sha256, write_text
from analysis.paths import SYNTHETIC_DIR

MANIFEST = SYNTHETIC_DIR / "SHA256SUMS"
#: The run name when a file name leaves nothing usable (e.g. ``...csv``).
FALLBACK_NAME = "own_data"


@lru_cache(maxsize=1)
def shipped_hashes() -> frozenset[str]:
    """The content hashes of the shipped synthetic files (``sha256sum`` format)."""
    if not MANIFEST.exists():
        return frozenset()
    return frozenset(line.split()[0] for line in MANIFEST.read_text().splitlines() if line.strip())


def is_shipped_synthetic(path: Path | str) -> bool:
    """True when the file's bytes are those of a shipped synthetic file."""
    return file_sha256(path) in shipped_hashes()


def write_manifest(paths: list[Path]) -> Path:
    """Record the shipped synthetic files' hashes (called when they are regenerated)."""
    lines = [f"{file_sha256(p)}  {Path(p).name}" for p in sorted(paths)]
    write_text(MANIFEST, "\n".join(lines) + "\n")
    shipped_hashes.cache_clear()
    return MANIFEST


def run_name(path: Path | str) -> str:
    """A safe folder name for a run on this file: letters, digits, ``_`` and ``-`` only.

    Never empty, never ``.`` or ``..``, no separators, so a run writes only inside ``runs/``.

    >>> run_name("data/raw/My cases (v2).csv"), run_name("...csv"), run_name("../../etc.csv")
    ('My_cases_v2', 'own_data', 'etc')
    """
    stem = Path(str(path)).name
    stem = stem[: -len(Path(stem).suffix)] if Path(stem).suffix else stem
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_-")
    return slug[:80] or FALLBACK_NAME
