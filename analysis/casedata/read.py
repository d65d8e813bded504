"""Read a case-data file of any supported format into a frame of text values.

Reading is kept apart from checking: everything is read as text (nothing coerced, nothing
dropped), the format is told from the file's content rather than trusted from its extension,
and each row keeps the number the user sees it under in their own file.

Each format has its reader (``read_csv``, ``read_excel``, ``read_stats``); all of them share
the header helpers of :mod:`analysis.casedata.headers` (so a column name is cleaned and checked
the same whatever the format) and the tidying of :mod:`analysis.casedata.tidy` (columns held as
categoricals of text, see ``docs/performance.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.casedata.codebook import all_variables
from analysis.casedata.headers import match_header
from analysis.casedata.read_csv import read_csv
from analysis.casedata.read_excel import read_excel
from analysis.casedata.read_stats import read_stats
from analysis.errors import UnreadableFileError

SUPPORTED = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".sav": "spss", ".dta": "stata"}
#: Bytes looked at to tell a binary file from text, and the share of them that are control
#: characters (not tab or line ends) above which it is binary: a NUL byte or two pasted into a
#: column name leaves a CSV text, and its header is cleaned (see ``headers``).
_TEXT_SAMPLE, _BINARY_SHARE = 512, 0.1
_TEXT_CONTROLS = frozenset(b"\t\n\r")


@dataclass
class RawCases:
    """A case file read as text.

    Attributes
    ----------
    frame : DataFrame
        Every cell as text in a categorical column, blanks as missing; columns as in the file
        (names cleaned: see :mod:`analysis.casedata.headers`); index = 0-based position of the
        row in the file's data rows.
    path : Path
        The file read.
    format : str
        ``csv``, ``excel``, ``spss`` or ``stata``.
    first_row : int
        The row number the user sees for ``frame``'s first row (e.g. 2 below a header line).
    notes : list of str
        What the reader noticed and handled (encoding, delimiter, title rows...).
    broken_rows : list of (int, str)
        0-based positions of rows whose structure is broken (kept, and reported as SCH006).
    cell_problems : list of (int, str, str, str, str)
        ``(position, column, rule, value, message)`` the reader found in single cells (e.g. a
        declared missing value that stands for no codebook missing code).
    sheets : list of (str, int, int)
        When several sheets were read: each sheet's name, the position of its first row and
        that row's number in the sheet (rows are then reported as the sheet's own).
    """

    frame: pd.DataFrame
    path: Path
    format: str
    first_row: int
    notes: list[str] = field(default_factory=list)
    broken_rows: list[tuple[int, str]] = field(default_factory=list)
    cell_problems: list[tuple[int, str, str, str, str]] = field(default_factory=list)
    sheets: list[tuple[str, int, int]] = field(default_factory=list)


def detect_format(path: Path) -> str:
    """Tell the format from the file's first bytes, falling back to the extension for text.

    A file whose content and extension disagree (an Excel file saved as ``.csv``) is read as
    what it is, with a note; an extension we do not support is refused.
    """
    with path.open("rb") as handle:
        head = handle.read(16)
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return "excel"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFileError(
            path, "this is an old binary Excel (.xls) file; save it as .xlsx or CSV and try again"
        )
    if head.startswith((b"$FL2", b"$FL3")):
        return "spss"
    if head.startswith(b"%PDF"):
        raise UnreadableFileError(
            path, "this is a PDF document, not a data file; export the data as CSV"
        )
    if suffix == ".dta" and (head.startswith(b"<stata_dta>") or head[:1] in b"\x71\x72\x73\x74"):
        return "stata"
    if suffix not in SUPPORTED:
        raise UnreadableFileError(
            path,
            f"unsupported file type {suffix or '(no extension)'!r}; "
            "use CSV (.csv), Excel (.xlsx), SPSS (.sav) or Stata (.dta)",
        )
    if SUPPORTED[suffix] == "excel" and b"\x00" not in head:
        raise UnreadableFileError(
            path,
            "this .xlsx file is not an Excel workbook (it looks like text, perhaps CSV); "
            "rename it to .csv, or save it from Excel as .xlsx",
        )
    if (
        b"\x00" in head
        and SUPPORTED[suffix] == "csv"
        and not head.startswith((b"\xff\xfe", b"\xfe\xff"))
        and _looks_binary(path)
    ):
        raise UnreadableFileError(path, "this file is binary, not a text CSV")
    return SUPPORTED[suffix]


def _looks_binary(path: Path) -> bool:
    """True when many of the file's first bytes are control characters (not text)."""
    with path.open("rb") as handle:
        sample = handle.read(_TEXT_SAMPLE)
    controls = sum(1 for byte in sample if byte < 32 and byte not in _TEXT_CONTROLS)
    return controls > _BINARY_SHARE * len(sample)


def read_raw(path: Path | str, sheet: str | None = None) -> RawCases:
    """Read a case file of any supported format as text, without checking it.

    Parameters
    ----------
    path : path-like
        A ``.csv`` (UTF-8, UTF-8 with BOM, UTF-16 or Windows-1252; comma, semicolon, tab or
        pipe), ``.xlsx`` (the sheet a person sees; see ``analysis.casedata.read_excel``),
        ``.sav`` or ``.dta`` file.
    sheet : str, optional
        Workbooks only: the sheet to read, or ``"all"`` for every sheet with case data.

    Raises
    ------
    UnreadableFileError
        Missing, empty, unsupported or undecodable file, or one with no data rows (exit 2).
    """
    path = Path(path)
    if not path.exists():
        raise UnreadableFileError(path, "no such file")
    if path.is_dir():
        raise UnreadableFileError(path, "this is a folder, not a file")
    if path.stat().st_size == 0:
        raise UnreadableFileError(path, "the file is empty")
    notes: list[str] = []
    broken: list[tuple[int, str]] = []
    fmt = detect_format(path)
    if SUPPORTED.get(path.suffix.lower()) != fmt:
        notes.append(f"the content is {fmt}, not what the extension {path.suffix!r} says")
    cells: list[tuple[int, str, str, str, str]] = []
    sheets: list[tuple[str, int, int]] = []
    if sheet is not None and fmt != "excel":
        notes.append(f"the sheet option ({sheet!r}) is for Excel workbooks, not this {fmt} file")
    try:
        if fmt == "csv":
            frame, first_row = read_csv(path, notes, broken)
        elif fmt == "excel":
            frame, first_row, sheets = read_excel(path, notes, sheet)
        else:
            frame, first_row, found = read_stats(path, fmt, notes)
            cells = found.problems
    except UnreadableFileError:
        raise
    except Exception as exc:  # any other failure to parse is still the file's, not a crash
        raise UnreadableFileError(path, f"the {fmt} structure could not be read ({exc})") from None
    if frame.columns.empty:
        raise UnreadableFileError(path, "no columns found")
    if frame.empty:
        raise UnreadableFileError(path, "the file has a header but no data rows")
    read_as = list(frame.columns)
    frame = match_header(frame, set(all_variables()), notes)
    renamed = dict(zip(read_as, frame.columns, strict=True))
    cells = [(at, renamed.get(c, c), *rest) for at, c, *rest in cells]
    return RawCases(frame, path, fmt, first_row, notes, broken, cells, sheets)
