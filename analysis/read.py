"""Read a case-data file of any supported format into a frame of text values.

Reading is kept apart from checking: everything is read as text (nothing coerced, nothing
dropped), the format is told from the file's content rather than trusted from its extension,
and each row keeps the number the user sees it under in their own file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

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
        Every cell as a string, blanks as ``<NA>``; columns as in the file (names stripped).
    path : Path
        The file read.
    format : str
        ``csv``, ``excel``, ``spss`` or ``stata``.
    first_row : int
        The row number the user sees for ``frame``'s first row (e.g. 2 below a header line).
    notes : list of str
        What the reader noticed and handled (encoding, delimiter, title rows...).
    """

    frame: pd.DataFrame
    path: Path
    format: str
    first_row: int
    notes: list[str] = field(default_factory=list)
    #: (0-based position, message) for rows whose structure is broken but which were kept
    broken_rows: list[tuple[int, str]] = field(default_factory=list)

    def row_numbers(self, positions) -> pd.Series:
        """The user's row numbers for 0-based positions in ``frame``."""
        return pd.Series(positions, dtype="int64") + self.first_row


def detect_format(path: Path) -> str:
    """Tell the format from the file's first bytes, falling back to the extension for text.

    A file whose content and extension disagree (an Excel file saved as ``.csv``) is read as
    what it is, with a note; an extension we do not support is refused.
    """
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"PK\x03\x04"):
        return "excel"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFileError(
            path, "this is an old binary Excel (.xls) file; save it as .xlsx or CSV and try again"
        )
    if head.startswith((b"$FL2", b"$FL3")):
        return "spss"
    if head.startswith(b"<stata_dta>") or head[:1] in (b"\x71", b"\x72", b"\x73", b"\x74"):
        if path.suffix.lower() == ".dta":
            return "stata"
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise UnreadableFileError(
            path,
            f"unsupported file type {suffix or '(no extension)'!r}; "
            "use CSV (.csv), Excel (.xlsx), SPSS (.sav) or Stata (.dta)",
        )
    if b"\x00" in head and SUPPORTED[suffix] == "csv":
        raise UnreadableFileError(path, "this file is binary, not a text CSV")
    return SUPPORTED[suffix]


def _decode(path: Path, data: bytes, notes: list[str]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        notes.append("read as UTF-16 (byte-order mark found)")
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            path, f"text is neither UTF-8 nor Windows-1252 (byte {exc.start}); save it as UTF-8 CSV"
        ) from None
    notes.append("read as Windows-1252 (as Excel saves CSV on Windows), not UTF-8")
    return text


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _header_offset(rows: list[list[str]]) -> int:
    """Index of the header row: the first of the top rows that names ``case_id``."""
    for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if any(str(cell).strip().casefold() == HEADER_MARKER for cell in row):
            return i
    return 0


def _tidy_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip names and values; empty strings become missing. Everything stays text."""
    frame.columns = [str(c).strip() for c in frame.columns]
    out = {}
    for col in frame.columns:
        s = frame[col].astype("string").str.strip()
        out[col] = s.mask(s == "")
    return pd.DataFrame(out, index=frame.index)


def _read_csv_row_by_row(text: str, delimiter: str, skip: int, broken: list) -> pd.DataFrame:
    """Slow path for a CSV whose rows do not all have the header's number of fields.

    Every row is kept: a short row is padded with blanks, a long row keeps its first fields,
    and each is recorded in ``broken`` so validation reports it.
    """
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))[skip:]
    header, width = rows[0], len(rows[0])
    data = []
    for i, row in enumerate(rows[1:]):
        if len(row) != width and any(cell.strip() for cell in row):
            broken.append((i, f"this row has {len(row)} fields but the header has {width}"))
        data.append((row + [""] * width)[:width])
    return pd.DataFrame(data, columns=header, dtype=object)


def _read_csv(path: Path, notes: list[str], broken: list) -> tuple[pd.DataFrame, int]:
    text = _decode(path, path.read_bytes(), notes)
    if not text.strip():
        raise UnreadableFileError(path, "the file is empty")
    sample_lines = text.splitlines()[:_HEADER_SEARCH_ROWS]
    delimiter = _sniff_delimiter("\n".join(sample_lines))
    if delimiter != ",":
        notes.append(f"read with delimiter {delimiter!r} (not a comma)")
    skip = _header_offset(list(csv.reader(sample_lines, delimiter=delimiter)))
    if skip:
        notes.append(f"skipped {skip} line(s) above the header row")
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skiprows=skip,
            skip_blank_lines=False,
            on_bad_lines="error",
            engine="c",
        )
    except pd.errors.ParserError:
        frame = _read_csv_row_by_row(text, delimiter, skip, broken)
    except pd.errors.EmptyDataError:
        raise UnreadableFileError(path, "the file is empty") from None
    # header on line skip+1, so the first data row is line skip+2
    return _drop_trailing_blank_rows(frame, notes), skip + 2


def _drop_trailing_blank_rows(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Blank lines at the very end are an artefact of saving, not records; say so."""
    blank = frame.replace("", pd.NA).isna().all(axis=1)
    trailing = 0
    for is_blank in blank[::-1]:
        if not is_blank:
            break
        trailing += 1
    if trailing:
        notes.append(f"ignored {trailing} empty line(s) at the end of the file")
        frame = frame.iloc[: len(frame) - trailing]
    return frame


def _read_excel(path: Path, notes: list[str]) -> tuple[pd.DataFrame, int]:
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise UnreadableFileError(path, f"not a readable .xlsx workbook ({exc})") from None
    sheet = book.sheet_names[0]
    if len(book.sheet_names) > 1:
        notes.append(f"read the first sheet {sheet!r} of {len(book.sheet_names)}")
    top = pd.read_excel(book, sheet, header=None, nrows=_HEADER_SEARCH_ROWS, dtype=str)
    if top.empty:
        raise UnreadableFileError(path, f"sheet {sheet!r} is empty")
    skip = _header_offset(top.fillna("").values.tolist())
    if skip:
        notes.append(f"skipped {skip} row(s) above the header row")
    frame = pd.read_excel(book, sheet, header=skip, dtype=str, keep_default_na=False)
    frame = frame.loc[
        :, [not str(c).startswith("Unnamed:") or frame[c].ne("").any() for c in frame]
    ]
    return _drop_trailing_blank_rows(frame, notes), skip + 2


def _as_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_stats(path: Path, fmt: str, notes: list[str]) -> tuple[pd.DataFrame, int]:
    import pyreadstat

    reader = pyreadstat.read_sav if fmt == "spss" else pyreadstat.read_dta
    try:
        frame, meta = reader(str(path), apply_value_formats=True, formats_as_category=False)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise UnreadableFileError(path, f"not a readable {fmt.upper()} file ({exc})") from None
    if meta.variable_value_labels:
        notes.append("value labels mapped to codes where they match the codebook")
    frame = frame.apply(lambda s: s.map(_as_text))
    return frame, 1


def read_raw(path: Path | str) -> RawCases:
    """Read a case file of any supported format as text, without checking it.

    Parameters
    ----------
    path : path-like
        A ``.csv`` (UTF-8, UTF-8 with BOM or Windows-1252; comma, semicolon, tab or pipe),
        ``.xlsx`` (first sheet), ``.sav`` or ``.dta`` file.

    Raises
    ------
    UnreadableFileError
        Missing, empty, unsupported or undecodable file (the CLI exits 2).
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
    if fmt == "csv":
        frame, first_row = _read_csv(path, notes, broken)
    elif fmt == "excel":
        frame, first_row = _read_excel(path, notes)
    else:
        frame, first_row = _read_stats(path, fmt, notes)
    if frame.columns.empty:
        raise UnreadableFileError(path, "no columns found")
    return RawCases(_tidy_text(frame), path, fmt, first_row, notes, broken)
