"""Read a case-data file of any supported format into a frame of text values.

Reading is kept apart from checking: everything is read as text (nothing coerced, nothing
dropped), the format is told from the file's content rather than trusted from its extension,
and each row keeps the number the user sees it under in their own file.

Columns are held as pandas categoricals of text: a coded file has few distinct values per
column, so stripping, recoding and checking work on the distinct values only, which keeps a
million-row file fast and small (see ``docs/performance.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import UnreadableFileError

SUPPORTED = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".sav": "spss", ".dta": "stata"}
#: Column every case file must have; used to find the header row below any title rows.
HEADER_MARKER = "case_id"
_HEADER_SEARCH_ROWS = 20


@dataclass
class RawCases:
    """A case file read as text.

    Attributes
    ----------
    frame : DataFrame
        Every cell as text in a categorical column, blanks as missing; columns as in the file
        (names stripped); index = 0-based position of the row in the file's data rows.
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
    ):
        raise UnreadableFileError(path, "this file is binary, not a text CSV")
    return SUPPORTED[suffix]


def _header_offset(rows: list[list[str]]) -> int:
    """Index of the header row: the first of the top rows that names ``case_id``."""
    for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if any(_header_key(cell) == HEADER_MARKER for cell in row):
            return i
    return 0


def _header_key(name) -> str:
    """A column name folded for matching: "Case ID" and "case_id" agree."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().casefold())


def _refuse_duplicate_names(path: Path, names) -> None:
    """Two columns with one name would leave one of them unchecked: refuse the file."""
    keys = [_header_key(n) for n in names if str(n).strip()]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise UnreadableFileError(
            path, f"column name(s) appear more than once: {', '.join(twice)}; keep one of each"
        )


def _read_csv(path: Path, notes: list[str], broken: list) -> tuple[pd.DataFrame, int]:
    from analysis.casedata.read_csv import read_csv  # it uses this module's helpers

    return read_csv(path, notes, broken)


def _drop_trailing_blank_rows(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Blank lines at the very end are an artefact of saving, not records; say so."""
    filled = np.flatnonzero(frame.notna().any(axis=1).to_numpy())
    keep = int(filled[-1]) + 1 if len(filled) else 0
    trailing = len(frame) - keep
    if trailing:
        notes.append(f"ignored {trailing} empty line(s) at the end of the file")
        frame = frame.iloc[:keep]
    return frame


def _drop_empty_unnamed(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Columns with neither a name nor a value (spreadsheets leave them) are dropped, with a note.

    Nothing is lost: a column with any value, or with a name, is always kept.
    """
    empty = [c for c in frame.columns if str(c).startswith("Unnamed:") and frame[c].isna().all()]
    if empty:
        notes.append(f"ignored {len(empty)} empty column(s) without a name")
        frame = frame.drop(columns=empty)
    return frame


def tidy_column(column: pd.Series) -> pd.Series:
    """Text values stripped, blanks as missing.

    A categorical column is tidied on its distinct values and stays categorical; any other
    column becomes pandas text (identifiers such as ``case_id``).
    """
    if not isinstance(column.dtype, pd.CategoricalDtype):
        text = column.astype("string").str.strip()
        return text.mask(text == "")
    old = column.cat.categories.astype(str)
    new = old.str.strip()
    if new.equals(old) and not (new == "").any():
        return column  # the usual case: nothing to strip, no blank cells
    return _remap(column, new.where(new != "", None))


def recode_categories(column: pd.Series, recode) -> pd.Series:
    """Apply ``recode`` (text -> text or None) to each distinct value of a categorical column.

    Distinct values that recode to the same text are merged; None becomes missing. The rows
    themselves are never touched one by one.
    """
    return _remap(column, pd.Index([recode(str(v)) for v in column.cat.categories], dtype=object))


def _remap(column: pd.Series, new: pd.Index) -> pd.Series:
    """Replace a categorical's categories by ``new`` (same length; None = missing), merging."""
    kept = pd.Index(pd.unique(new[new.notna()]), dtype=object)
    position = kept.get_indexer(new)  # -1 for None
    codes = column.cat.codes.to_numpy()
    mapped = np.where(codes >= 0, position[codes] if len(position) else -1, -1)
    return pd.Series(
        pd.Categorical.from_codes(mapped, categories=kept.astype(str)),
        index=column.index,
        name=column.name,
    )


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = [str(c).strip() for c in frame.columns]
    return pd.DataFrame({c: tidy_column(frame[c]) for c in frame.columns}).reset_index(drop=True)


def match_header(frame: pd.DataFrame, known: set[str], notes: list[str]) -> pd.DataFrame:
    """Rename columns that match a codebook name up to case and spacing ("Case ID" -> case_id)."""
    renames = {}
    for name in frame.columns:
        key = _header_key(name)
        if name not in known and key in known and key not in frame.columns:
            renames[name] = key
    if renames:
        pairs = ", ".join(f"{a!r} -> {b}" for a, b in renames.items())
        notes.append(f"column names matched to the codebook ignoring case and spaces: {pairs}")
    return frame.rename(columns=renames)


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
    from analysis.casedata.codebook import all_variables

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
            frame, first_row = _read_csv(path, notes, broken)
        elif fmt == "excel":
            from analysis.casedata.read_excel import read_excel

            frame, first_row, sheets = read_excel(path, notes, sheet)
        else:
            from analysis.casedata.read_stats import read_stats

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
