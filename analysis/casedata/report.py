"""The validation report: every problem of one file, and how a person reads it.

The text puts errors (what must change) before notes (what was noticed and handled), and tells
notes of one kind in one line ("24 columns given as labels were read as codes: ..."), each of
them listed with ``--all``. The command it suggests runs as printed: from the kit's folder,
with the kit's environment (:func:`list_command`).
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.casedata.messages import say, text
from analysis.paths import ROOT

PROBLEM_COLUMNS = ["file", "row", "case_id", "column", "rule", "severity", "message", "value"]
#: Columns named in a one-line summary of notes before "and N more".
_SHOWN = 12


def kit_python() -> str:
    """The Python that runs the kit now, as typed from the kit's folder (``.venv/bin/python``),
    so a printed command works outside an activated environment."""
    if Path(sys.prefix).resolve() == (ROOT / ".venv").resolve():
        return os.path.relpath(sys.executable, ROOT)  # .venv/bin/python
    return shlex.quote(sys.executable)


def list_command(path: Path | str) -> str:
    """The sentence that says how to list every problem of ``path``, with commands that run as
    printed from any folder: ``make validate`` in the kit's folder, or the kit's Python."""
    file = shlex.quote(str(Path(path).resolve()))
    root = shlex.quote(str(ROOT))
    python = say("command", "python", root=root, python=kit_python(), file=file)
    if not (ROOT / "Makefile").exists():  # installed without the kit's folder: Python only
        return say("command", "list_all_python", python=python)
    make = say("command", "make", root=root, file=file)
    return say("command", "list_all", make=make, python=python)


def usage() -> str:
    """What to type to check a file, when no file was named."""
    return say("command", "usage", python=kit_python())


@dataclass
class ValidationReport:
    """Every problem found in one file.

    Attributes
    ----------
    source : str
        The file checked.
    n_rows : int
        Rows read (all of them are kept).
    problems : DataFrame
        One row per problem, columns ``PROBLEM_COLUMNS``; severity ``error`` or ``note``.
    reader_notes : list of str
        What the reader noticed and handled (encoding, delimiter...).
    """

    source: str
    n_rows: int
    problems: pd.DataFrame
    reader_notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "error"].reset_index(drop=True)

    @property
    def notes(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "note"].reset_index(drop=True)

    @property
    def ok(self) -> bool:
        return self.errors.empty

    def summary(self) -> str:
        """One line: rows read and problems found."""
        verdict = "valid" if self.ok else f"{len(self.errors)} error(s)"
        notes = len(self.notes) + len(self.reader_notes)
        return f"{self.source}: {self.n_rows} rows read; {verdict}; {notes} note(s)"

    def how_to_list_all(self) -> str:
        """The sentence that says how to list every problem (see :func:`list_command`)."""
        return list_command(self.source)

    def note_texts(self, detail: bool = False) -> list[str]:
        """The notes as sentences: the reader's, then the checks' (several of one kind in one
        sentence unless ``detail``)."""
        return self.reader_notes + [m for _, m in self._note_lines(detail, how=None)]

    def _note_lines(self, detail: bool, how: str | None) -> list[tuple[tuple | None, str]]:
        """``(problem or None, sentence)`` per line of notes; a summarised kind has no problem
        and ends with its rule and ``how`` to list each (if there is a way where it is read)."""
        notes = self.notes
        templates = text()["summary"]
        lines = []
        for rule, group in notes.groupby("rule", sort=False):
            if detail or rule not in templates or len(group) < 2:
                lines += [(p, p.message) for p in group.itertuples(index=False)]
                continue
            columns = [str(c) for c in group["column"]]
            listed = ", ".join(columns[:_SHOWN])
            if len(columns) > _SHOWN:
                listed += f" and {len(columns) - _SHOWN} more"
            sentence = say("summary", rule, n=len(columns), columns=listed)
            where = f"{rule}; {how} lists each" if how else rule
            lines.append((None, f"{sentence} ({where})"))
        return lines

    def to_text(self, limit: int | None = None, detail: bool | None = None, how="--all") -> str:
        """The report for a person: a summary line, the errors, then the notes.

        Parameters
        ----------
        limit : int, optional
            Errors shown, and notes shown after them; default: all of them.
        detail : bool, optional
            Each note on its own line, not summarised by kind; default: when ``limit`` is None.
        how : str
            What lists everything, as the user asked for this report (``--all``, ``ALL=1``).
        """
        detail = limit is None if detail is None else detail
        lines = [self.summary()]
        errors = self.errors
        shown = errors if limit is None else errors.head(limit)
        lines += [_line(p) for p in shown.itertuples(index=False)]
        if len(shown) < len(errors):
            lines.append("  " + say("summary", "more", n=len(errors) - len(shown), how=how))
        lines += [f"  note: {n}" for n in self.reader_notes]
        notes = self._note_lines(detail, how)
        for problem, sentence in notes[:limit]:
            lines.append(f"  note: {sentence}" if problem is None else _line(problem))
        if limit is not None and len(notes) > limit:
            lines.append("  " + say("summary", "more", n=len(notes) - limit, how=how))
        return "\n".join(lines)


def _line(p) -> str:
    """One problem as ``file: row N [case_id X] column C: RULE severity: message (value 'v')``."""
    where = f"row {p.row}" if pd.notna(p.row) else "file"
    who = f" [case_id {p.case_id}]" if pd.notna(p.case_id) else ""
    col = f" column {p.column}" if pd.notna(p.column) else ""
    value = f" (value {p.value!r})" if pd.notna(p.value) else ""
    return f"{p.file}: {where}{who}{col}: {p.rule} {p.severity}: {p.message}{value}"
