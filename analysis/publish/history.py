"""Differencing between runs: what each released run on own data was made from.

Two runs on files that differ by one child give that child back: a reader sets one run's
tables beside the other's, cell by cell, and every count that changed by one is a coded field
of the child who is missing. Output checkers in trusted research environments treat this as
the first risk after small cells. So the kit remembers, for every run it released, a salted
fingerprint of each case (never the case), and a new run whose cases differ from an earlier
run's by fewer than ``differencing.minimum_difference`` cases (``disclosure.yaml``) is refused
unless the user names that run as agreed with their output checker; every overlap and every
override goes into the checking record.

A case's fingerprint is a salted hash of its coded values, without its identifiers, so renaming
case or review ids, reordering rows, or moving cases between files does not hide a case. Each
case has two: one of the variables every valid file has (the *core*, comparable between any two
files), and one of every codebook variable (comparable between two runs with the same columns,
so that a corrected code is a changed case). A later run differs from an earlier one by the
larger of the cases it dropped or changed and the cases it added or changed.

The fingerprints live in ``runs/.history/`` (``$SCR_RUNS_DIR/.history``), private to the user,
with the salt that makes them useless to anyone without it. What is not seen: runs made in
another checkout, or on another machine, unless their ``.history`` is copied here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.files import write_text
from analysis.paths import runs_dir

HISTORY_DIRNAME = ".history"
SALT_NAME = "salt"
#: Hex digits kept of each case's hash: 64 bits tell cases apart, and confirm less.
DIGEST_CHARS = 16


class DifferencingError(RuntimeError):
    """A run would differ from an earlier released run by too few cases."""


@dataclass(frozen=True)
class Fingerprint:
    """What one run was made from: a salted hash of each case, core and full."""

    core: tuple[str, ...]
    full: tuple[str, ...]
    columns: tuple[str, ...]  # the variables the full hashes cover

    def differing(self, earlier: Fingerprint) -> int:
        """Cases that differ between an earlier run and this one (0: the same cases)."""
        counts = [_difference(earlier.core, self.core)]
        if earlier.columns == self.columns:  # the full hashes are comparable
            counts.append(_difference(earlier.full, self.full))
        return max(counts)

    def shares_cases_with(self, earlier: Fingerprint) -> bool:
        return bool(set(earlier.core) & set(self.core))


@dataclass(frozen=True)
class Overlap:
    """An earlier released run that shares cases with this one."""

    run: str
    released: str
    differing: int
    allowed_by_user: bool

    def as_record(self, minimum: int) -> dict:
        """The entry in the checking record, for the output checker."""
        if self.differing == 0:
            outcome = "the same cases: the outputs are the earlier run's"
        elif self.differing >= minimum:
            outcome = f"differs by {minimum} or more cases"
        else:
            outcome = "differs by fewer cases than the rule allows: released on the user's override"
        return {
            "earlier_run": self.run,
            "released": self.released,
            "cases_differing": self.differing,
            "outcome": outcome,
            "overridden": self.allowed_by_user,
        }


def history_dir() -> Path:
    """The private folder of released runs' fingerprints."""
    return runs_dir() / HISTORY_DIRNAME


def _private_dir(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened: set it outright
    return folder


def salt(folder: Path | None = None) -> bytes:
    """This installation's secret salt (made on first use, readable by the user only)."""
    folder = _private_dir(folder or history_dir())
    path = folder / SALT_NAME
    if not path.exists():
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def salted(key: bytes, text: str) -> str:
    """A keyed hash of ``text`` (HMAC-SHA-256): without the key it confirms nothing."""
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def fingerprint(cases: pd.DataFrame, key: bytes) -> Fingerprint:
    """The salted hashes of a run's cases, identifiers left out.

    Parameters
    ----------
    cases : DataFrame
        Validated cases (:func:`analysis.load_cases`).
    key : bytes
        The salt (:func:`salt`).
    """
    from analysis.casedata.codebook import PERIODS, load_codebook

    books = [load_codebook(p) for p in PERIODS]
    coded = sorted({v.name for cb in books for v in cb.variables.values() if v.is_category})
    core = [n for n in coded if all(n in cb.required for cb in books)]
    full = [n for n in coded if n in cases.columns and cases[n].notna().any()]

    def hashes(columns: Sequence[str]) -> tuple[str, ...]:
        text = cases.reindex(columns=list(columns)).astype("string").fillna("")
        rows = (
            "\x1f".join(f"{c}={v}" for c, v in zip(columns, r, strict=True))
            for r in text.itertuples(index=False)
        )
        return tuple(sorted(salted(key, r)[:DIGEST_CHARS] for r in rows))

    return Fingerprint(hashes(core), hashes(full), tuple(full))


def _difference(earlier: Iterable[str], later: Iterable[str]) -> int:
    a, b = Counter(earlier), Counter(later)
    return max(sum((a - b).values()), sum((b - a).values()))


def guard(
    cases: pd.DataFrame, allowed: Iterable[str] = (), folder: Path | None = None
) -> tuple[Fingerprint, dict]:
    """Refuse a run that differs from an earlier released run by too few cases.

    Returns
    -------
    (Fingerprint, dict)
        The run's fingerprints (to :func:`remember` once it is released) and what the checking
        record says of differencing: the rule, and every earlier run sharing cases with it.

    Raises
    ------
    DifferencingError
        See :func:`check`.
    """
    from analysis.publish.disclosure import rules

    minimum = rules().minimum_difference
    new = fingerprint(cases, salt(folder))
    found = overlaps(new, allowed, folder)
    check(found, minimum)
    return new, {
        "minimum_difference": minimum,
        "earlier_runs": [o.as_record(minimum) for o in found],
    }


def file_identity(path: Path, plain: bool = False, folder: Path | None = None) -> dict:
    """How the checking record names the case file: a salted hash (only this installation can
    recompute it, so a candidate file confirms nothing), and the plain SHA-256 on request."""
    from analysis.files import file_sha256

    digest = file_sha256(path)
    out = {"salted_sha256": salted(salt(folder), digest)}
    if plain:
        out["sha256"] = digest
    return out


def released_runs(folder: Path | None = None) -> list[dict]:
    """Every released run recorded here, oldest first."""
    folder = folder or history_dir()
    if not folder.is_dir():
        return []
    entries = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("run-*.json")]
    return sorted(entries, key=lambda e: (e["released"], e["run"]))


def overlaps(
    new: Fingerprint, allowed: Iterable[str] = (), folder: Path | None = None
) -> list[Overlap]:
    """Earlier released runs that share cases with ``new``, with how many cases differ."""
    allowed = set(allowed)
    out = []
    for entry in released_runs(folder):
        earlier = Fingerprint(tuple(entry["core"]), tuple(entry["full"]), tuple(entry["columns"]))
        if new.shares_cases_with(earlier):
            out.append(
                Overlap(
                    entry["run"], entry["released"], new.differing(earlier), entry["run"] in allowed
                )
            )
    return out


def check(found: Sequence[Overlap], minimum: int) -> None:
    """Refuse a run that differs from an earlier one by 1 to ``minimum - 1`` cases, unless the
    user named that run.

    Raises
    ------
    DifferencingError
        Naming the earlier run, the risk, and the two ways on.
    """
    risky = [o for o in found if 0 < o.differing < minimum and not o.allowed_by_user]
    if not risky:
        return
    first = risky[0]
    cases, differ = ("case", "differs") if first.differing == 1 else ("cases", "differ")
    raise DifferencingError(
        f"This file's cases differ from those of the earlier run '{first.run}' (released "
        f"{first.released}) by {first.differing} {cases}, fewer than {minimum}. Set beside that "
        f"run's outputs, this run's would give back the coded details of the {cases} that "
        f"{differ} (differencing). Nothing was written. If the earlier run's outputs were never "
        f"released, remove its record with: python -m analysis forget-run {first.run}. If your "
        f"output checker agrees to release both, run again with ALLOW_OVERLAP={first.run} "
        f"(--allow-overlap {first.run}); the override is written into the checking record."
    )


def remember(run: str, new: Fingerprint, folder: Path | None = None) -> Path:
    """Record a released run's fingerprints (one file a release; a rerun on the same cases
    under the same name replaces its own entry)."""
    folder = _private_dir(folder or history_dir())
    released = time.strftime("%Y-%m-%d %H:%M:%S")
    entry = {
        "run": run,
        "released": released,
        "core": new.core,
        "full": new.full,
        "columns": new.columns,
    }
    digest = salted(b"entry", run + "".join(new.full))[:DIGEST_CHARS]
    path = folder / f"run-{digest}.json"
    write_text(path, json.dumps(entry) + "\n")
    path.chmod(0o600)
    return path


def forget(run: str, folder: Path | None = None) -> int:
    """Remove every record of the released run ``run``; returns how many were removed."""
    folder = folder or history_dir()
    gone = 0
    for path in folder.glob("run-*.json") if folder.is_dir() else []:
        if json.loads(path.read_text(encoding="utf-8"))["run"] == run:
            path.unlink()
            gone += 1
    return gone
