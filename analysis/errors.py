"""Exceptions that carry a user-facing message (the CLI prints them without a traceback)."""

from __future__ import annotations

from pathlib import Path


class CaseDataError(Exception):
    """Base class for problems with a user's case-data file."""


class UnreadableFileError(CaseDataError):
    """The file cannot be read at all: missing, empty, unsupported or undecodable (exit 2)."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: cannot read this file: {reason}")


class InvalidCaseDataError(CaseDataError):
    """The file was read but breaks codebook rules (exit 1). ``report`` lists every problem."""

    def __init__(self, report):
        self.report = report
        errors = report.errors
        first = errors.iloc[0]
        # a file-level problem (a missing column) has no row: it is not "row <NA>"
        where = ", ".join(
            f"{what} {first[what]}" for what in ("row", "column") if str(first[what]) != "<NA>"
        )
        super().__init__(
            f"{report.source}: {len(errors)} problem(s) found; first: "
            f"{where + ', ' if where else ''}rule {first['rule']}: {first['message']}. "
            f"{report.how_to_list_all()}"
        )


class CodingFileError(CaseDataError):
    """A coder's file cannot be used for what was asked of it, e.g. two files that cannot be
    compared (exit 2). The message names the file and the problem in one line."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class RecodeFileError(CaseDataError):
    """A recode file (categories to combine before disclosure control) cannot be used (exit 2).
    The message names the file, the variable and the rule broken."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")
