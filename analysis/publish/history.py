"""Differencing between runs: what each released run on own data was made from.

Two runs on files that differ by one child give that child back: a reader sets one run's
tables beside the other's, cell by cell, and every count that changed by one is a coded field
of the child who is missing. Output checkers in trusted research environments treat this as
the first risk after small cells. So the kit remembers, for every run it released, salted
fingerprints of each case (never the case), and a new run whose cases differ from an earlier
run's by 1 to ``differencing.minimum_difference - 1`` cases (``disclosure.yaml``) is refused
unless the user names that run as agreed with their output checker; every overlap and every
override goes into the checking record.

A case's fingerprints are keyed hashes of its coded values, without its identifiers, so
renaming case or review ids, reordering rows, or moving cases between files does not hide a
case. Each case has several, and two runs are compared on each kind:

- *core*: the variables every valid file has, comparable between any two files;
- *all but one*: the core less one variable, for each core variable, so that recoding one
  variable on every row (a corrected year, say) does not make every case look new;
- *full*: every coded variable the earlier run had, recomputed for the new run on those
  columns, so that a corrected code is a changed case even when the new file adds columns.

Each kind is compared over all cases and within each review period the two runs share, since
most chapters tabulate one period: a run of one period after a run of both differs, for that
period's tables, by the cases of that period it drops. Two runs "differ by" the smallest such
difference that is not 0.

The fingerprints live in ``runs/.history/`` (``$SCR_RUNS_DIR/.history``), private to the user,
with the salt that makes them useless to anyone without it. Not seen: runs made in another
checkout or on another machine (unless their ``.history`` is copied here), and a file changed
on purpose to escape matching (two variables recoded on every row): the check guards against
releasing nearly the same cases twice by accident, not against a data holder set on it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import json
import os
import secrets
import shlex
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.casedata.report import kit_python
from analysis.files import private_folder, write_text
from analysis.paths import ROOT, runs_dir

HISTORY_DIRNAME = ".history"
SALT_NAME = "salt"
SALT_BYTES = 32
#: Hex digits kept of each case's hash: 64 bits tell cases apart, and confirm less.
DIGEST_CHARS = 16
#: The fingerprints of all cases, beside those of each review period.
ALL = "all periods"


class DifferencingError(RuntimeError):
    """A run would differ from an earlier released run by too few cases."""


@dataclass(frozen=True)
class Fingerprint:
    """What one run was made from: salted hashes of each case, by kind and by period."""

    columns: tuple[str, ...]  # the coded variables with data (what "full" covers)
    parts: Mapping[str, Mapping[str, tuple[str, ...]]]  # period or ALL -> kind -> hashes
    #: the categories combined before protection ("age_band:11_15+16_17"), sorted
    recode: tuple[str, ...] = ()

    def as_record(self) -> dict:
        return {
            "columns": list(self.columns),
            "parts": {p: dict(k) for p, k in self.parts.items()},
            "recode": list(self.recode),
        }


@dataclass(frozen=True)
class Overlap:
    """An earlier released run that shares cases with this one."""

    run: str  # its folder's name: told on the terminal only
    label: str  # its dataset's name, as on its outputs: what the checking record names
    released: str
    differing: int
    minimum: int
    allowed_by_user: bool
    #: whether the earlier run combined the same categories (a recode file)
    same_categories: bool = True

    @property
    def risky(self) -> bool:
        # the same cases with other categories combined: "11 to 17" in one run beside "16 to
        # 17" in the other gives "11 to 15" back
        return 0 < self.differing < self.minimum or (
            self.differing == 0 and not self.same_categories
        )

    @property
    def overridden(self) -> bool:
        return self.risky and self.allowed_by_user

    def as_record(self) -> dict:
        """The entry in the checking record, for the output checker."""
        if self.differing == 0 and not self.same_categories:
            outcome = (
                "the same cases with other categories combined: released on the user's override"
            )
        elif self.differing == 0:
            outcome = "the same cases, coded the same: the outputs are the earlier run's"
        elif not self.risky:
            outcome = f"differs by {self.minimum} or more cases"
        else:
            outcome = "differs by fewer cases than the rule allows: released on the user's override"
        return {
            "earlier_run": self.label,
            "released": self.released,
            "cases_differing": self.differing,
            "same_categories_combined": self.same_categories,
            "outcome": outcome,
            "overridden": self.overridden,
        }


def history_dir() -> Path:
    """The private folder of released runs' fingerprints."""
    return runs_dir() / HISTORY_DIRNAME


def salt(folder: Path | None = None) -> bytes:
    """This installation's secret salt, made on first use, readable by the user only.

    Made beside and linked into place, so two runs starting at once share one salt and
    neither can read a salt half written.
    """
    folder = private_folder(folder or history_dir())
    path = folder / SALT_NAME
    if not path.exists():
        fresh = folder / f".{SALT_NAME}-{os.getpid()}"
        handle = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(SALT_BYTES) + "\n")
        with contextlib.suppress(FileExistsError):  # another run made it first: use that
            os.link(fresh, path)
        fresh.unlink()
    key = bytes.fromhex(path.read_text(encoding="ascii").strip() or "00")
    if len(key) != SALT_BYTES:
        raise DifferencingError(
            f"{path} is not a salt the kit made ({len(key)} bytes, not {SALT_BYTES}). If no run "
            "was ever released from this folder, delete runs/.history and run again; else "
            "restore it from a backup"
        )
    return key


def salted(key: bytes, text: str) -> str:
    """A keyed hash of ``text`` (HMAC-SHA-256): without the key it confirms nothing."""
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _coded(cases: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(core, with data): the coded variables every valid file has, and those with data."""
    from analysis.casedata.codebook import PERIODS, load_codebook

    books = [load_codebook(p) for p in PERIODS]
    coded = sorted({v.name for cb in books for v in cb.variables.values() if v.is_category})
    core = [n for n in coded if all(n in cb.required for cb in books)]
    present = [n for n in coded if n in cases.columns and cases[n].notna().any()]
    return core, present


def fingerprint(
    cases: pd.DataFrame, key: bytes, columns: Sequence[str] | None = None
) -> Fingerprint:
    """The salted hashes of a run's cases, identifiers left out.

    Parameters
    ----------
    cases : DataFrame
        Validated cases (:func:`analysis.load_cases`).
    key : bytes
        The salt (:func:`salt`).
    columns : sequence of str, optional
        The variables "full" covers (default: every coded variable with data); an earlier
        run's, to compare with it.
    """
    core, present = _coded(cases)
    full = list(present if columns is None else columns)
    text = cases.reindex(columns=sorted(set(core) | set(full))).astype("string").fillna("")
    periods = cases["review_period"].astype("string").fillna("")

    def hashes(rows: pd.DataFrame, names: Sequence[str]) -> tuple[str, ...]:
        joined = (
            "\x1f".join(f"{n}={v}" for n, v in zip(names, r, strict=True))
            for r in rows[list(names)].itertuples(index=False)
        )
        return tuple(sorted(salted(key, j)[:DIGEST_CHARS] for j in joined))

    def kinds(rows: pd.DataFrame) -> dict[str, tuple[str, ...]]:
        out = {"core": hashes(rows, core), "full": hashes(rows, full)}
        for left_out in core:
            out[f"without {left_out}"] = hashes(rows, [n for n in core if n != left_out])
        return out

    parts = {ALL: kinds(text)}
    for period in sorted(periods.unique()):
        parts[str(period)] = kinds(text[periods.to_numpy() == period])
    return Fingerprint(tuple(full), parts)


def _difference(earlier: Iterable[str], later: Iterable[str]) -> int:
    a, b = Counter(earlier), Counter(later)
    return max(sum((a - b).values()), sum((b - a).values()))


def differing(earlier: Fingerprint, new: Fingerprint) -> tuple[int, bool]:
    """(cases that differ, whether any case is shared) between two runs' fingerprints.

    Compared over all cases and within each period both have, on every kind of hash (the
    full hashes only when ``new`` was computed on the earlier run's columns): the smallest
    difference that is not 0, or 0 when every comparison finds the same cases.
    """
    found, shared = [], False
    comparable = new.columns == earlier.columns
    for period in set(earlier.parts) & set(new.parts):
        for kind, before in earlier.parts[period].items():
            after = new.parts[period].get(kind)
            if after is None or (kind == "full" and not comparable):
                continue
            found.append(_difference(before, after))
            shared = shared or bool(set(before) & set(after))
    nonzero = [d for d in found if d]
    return (min(nonzero) if nonzero else 0), shared


def _entries(folder: Path) -> list[dict]:
    """Every released run recorded in ``folder``, oldest first."""
    out = []
    for path in sorted(folder.glob("run-*.json")) if folder.is_dir() else []:
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            entry["fingerprint"] = Fingerprint(
                tuple(entry["columns"]),
                {p: dict(k) for p, k in entry["parts"].items()},
                tuple(entry.get("recode", ())),  # a run recorded before recode files: none
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise DifferencingError(
                f"{path} is not a record of a released run that this version of the kit can "
                "read, so this run cannot be checked against it. Remove it only if that run's "
                "outputs never left this machine"
            ) from None
        out.append(entry)
    return sorted(out, key=lambda e: (e["released"], e["run"]))


def released_runs(folder: Path | None = None) -> list[dict]:
    """Every released run recorded here, oldest first (``run``, ``label``, ``released``)."""
    return [
        {k: e[k] for k in ("run", "label", "released")} for e in _entries(folder or history_dir())
    ]


def overlaps(
    cases: pd.DataFrame,
    key: bytes,
    allowed: Iterable[str],
    minimum: int,
    folder: Path | None = None,
    recode: tuple[str, ...] = (),
) -> list[Overlap]:
    """Earlier released runs that share cases with ``cases``, with how many cases differ
    (``minimum``: ``differencing.minimum_difference`` of ``disclosure.yaml``) and whether
    they combined the same categories as this run (``recode``)."""
    allowed = set(allowed)
    _, present = _coded(cases)
    out = []
    for entry in _entries(folder or history_dir()):
        earlier = entry["fingerprint"]
        columns = earlier.columns if set(earlier.columns) <= set(present) else None
        count, shared = differing(earlier, fingerprint(cases, key, columns))
        if shared:
            run = entry["run"]
            same = tuple(earlier.recode) == tuple(recode)
            out.append(
                Overlap(
                    run, entry["label"], entry["released"], count, minimum, run in allowed, same
                )
            )
    return out


def check(found: Sequence[Overlap]) -> None:
    """Refuse a run that differs from earlier ones by too few cases, unless the user named
    each of them.

    Raises
    ------
    DifferencingError
        Naming every such run, the risk, and the two ways on.
    """
    risky = [o for o in found if o.risky and not o.allowed_by_user]
    if not risky:
        return
    named = ", ".join(
        f"'{o.run}' (released {o.released}; "
        + (
            f"{o.differing} case{'s' if o.differing > 1 else ''})"
            if o.differing
            else "the same cases, other categories combined)"
        )
        for o in risky
    )
    runs = ",".join(o.run for o in risky)
    raise DifferencingError(
        f"This file's cases differ from those of {len(risky)} earlier released run(s) by fewer "
        f"than {risky[0].minimum}, or are the same cases with other categories combined (a "
        f"recode file): {named}. Set beside such a run's outputs, this run's would give back "
        "the coded details of the cases that differ, or counts that each run hides "
        "(differencing). Nothing was written. If an earlier run's outputs never left this "
        "machine, remove its record with "
        f"`cd {shlex.quote(str(ROOT))} && {kit_python()} -m analysis forget-run NAME`. "
        "If your output checker agrees to release both, run again with "
        f"ALLOW_OVERLAP={runs} (--allow-overlap NAME, once for each); "
        "the override is written into the checking record."
    )


def guard(
    cases: pd.DataFrame,
    allowed: Iterable[str] = (),
    folder: Path | None = None,
    recode: tuple[str, ...] = (),
) -> tuple[Fingerprint, dict]:
    """Refuse a run that differs from an earlier released run by too few cases, or that
    combines other categories (``recode``, :func:`recode_key`) of the same cases.

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
    key = salt(folder)
    found = overlaps(cases, key, allowed, minimum, folder, recode)
    check(found)
    return dataclasses.replace(fingerprint(cases, key), recode=tuple(recode)), {
        "minimum_difference": minimum,
        "earlier_runs": [o.as_record() for o in found],
    }


def recode_key(groups) -> tuple[str, ...]:
    """The categories a run combined, as history compares them (``age_band:11_15+16_17``)."""
    return tuple(sorted(f"{g.variable}:{g.code}" for g in groups))


def file_identity(path: Path, plain: bool = False, folder: Path | None = None) -> dict:
    """How the checking record names the case file: a salted hash (only this installation can
    recompute it, so a candidate file confirms nothing), and the plain SHA-256 on request."""
    from analysis.files import file_sha256

    digest = file_sha256(path)
    out = {"salted_sha256": salted(salt(folder), digest)}
    if plain:
        out["sha256"] = digest
    return out


def remember(run: str, label: str, new: Fingerprint, folder: Path | None = None) -> Path:
    """Record a released run's fingerprints (one file a release)."""
    folder = private_folder(folder or history_dir())
    released = time.strftime("%Y-%m-%d %H:%M:%S")
    entry = {"run": run, "label": label, "released": released, **new.as_record()}
    digest = salted(b"entry", run + released + "".join(new.parts[ALL]["core"]))
    path = folder / f"run-{digest[:DIGEST_CHARS]}.json"
    write_text(path, json.dumps(entry) + "\n")
    return path


def forget(run: str, folder: Path | None = None) -> int:
    """Remove every record of the released run ``run``; returns how many were removed."""
    folder = folder or history_dir()
    gone = 0
    for path in sorted(folder.glob("run-*.json")) if folder.is_dir() else []:
        try:
            name = json.loads(path.read_text(encoding="utf-8")).get("run")
        except (OSError, ValueError, AttributeError):
            continue
        if name == run:
            path.unlink()
            gone += 1
    return gone
