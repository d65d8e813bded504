"""Read a CSV (or tab-separated .txt) case file as text.

The encoding and delimiter are told from the file itself; the header may sit below title lines;
every row is kept, and rows whose field count differs from the header's are reported (SCH006)
at the row the user sees them in. The header is found, cleaned and checked by
:mod:`analysis.casedata.headers`, as every reader's is; values are tidied by
:mod:`analysis.casedata.tidy`.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.casedata.codebook import all_variables
from analysis.casedata.headers import (
    HEADER_SEARCH_ROWS,
    clean_columns,
    header_key,
    header_offset,
    refuse_ambiguous,
)
from analysis.casedata.tidy import drop_empty_unnamed, drop_trailing_blank_rows, tidy_frame
from analysis.errors import UnreadableFileError

_SAMPLE_BYTES = 1 << 16
_LINE_END = re.compile(r"\r\n|\r|\n")
#: Excel's first line naming the delimiter, e.g. ``sep=;`` (any one character, tab included).
_SEP_LINE = re.compile(r"sep=(.)", re.IGNORECASE | re.DOTALL)
_MAX_FIELD_LIMIT = 2**31 - 1


def _encoding(path: Path, data: bytes, notes: list[str]) -> str:
    """The text encoding of a CSV: UTF-8 (with or without BOM), UTF-16, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        notes.append("read as UTF-16 (byte-order mark found)")
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            path, f"text is neither UTF-8 nor Windows-1252 (byte {exc.start}); save it as UTF-8 CSV"
        ) from None
    notes.append("read as Windows-1252 (as Excel saves CSV on Windows), not UTF-8")
    return "cp1252"


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _fields_per_row(data: bytes, encoding: str, delimiter: str, skip: int) -> np.ndarray:
    """Fields on each data line (0 for a blank line), to catch rows the parser padded.

    Lines end as the parser ends them: at ``\r\n``, ``\n`` or a lone ``\r`` (old Mac files,
    and rows pasted from one into a Windows file), so the counts line up with the parser's rows.
    Without quotes in a single-byte-delimited file, lines and fields are found with numpy on
    the raw bytes (fast at a million rows); otherwise the csv module reads the text.
    """
    if encoding != "utf-16" and b'"' not in data:
        buf = np.frombuffer(data, dtype=np.uint8)
        last = len(buf) - 1
        ends = np.flatnonzero(buf == ord("\n"))
        if b"\r" in data:
            cr = np.flatnonzero(buf == ord("\r"))
            alone = cr[(cr == last) | (buf[np.minimum(cr + 1, last)] != ord("\n"))]
            ends = np.union1d(ends, alone)
        # the \r of a \r\n is no content; a lone \r ends its line itself
        crlf = (buf[ends] == ord("\n")) & (buf[np.maximum(ends - 1, 0)] == ord("\r")) & (ends > 0)
        if len(buf) and buf[-1] not in b"\r\n":  # a last line without a line end
            ends, crlf = np.append(ends, len(buf)), np.append(crlf, False)
        starts = np.r_[0, ends[:-1] + 1]
        delimiters = np.flatnonzero(buf == ord(delimiter))
        fields = np.searchsorted(delimiters, ends) - np.searchsorted(delimiters, starts) + 1
        content = ends - starts - crlf
        return np.where(content > 0, fields, 0)[skip + 1 :]
    rows = csv.reader(io.StringIO(data.decode(encoding), newline=None), delimiter=delimiter)
    return np.fromiter((len(row) for row in rows), dtype=np.int64)[skip + 1 :]


def _column_types(header: list[str]) -> dict[str, str]:
    """Read coded columns as categories (few distinct values: fast and small) and identifiers
    as plain text (a category per row would only cost time)."""
    variables = all_variables()
    types = {}
    for name in header:
        var = variables.get(header_key(name))
        types[name] = "str" if var is not None and not var.is_category else "category"
    return types


def _read_csv_row_by_row(text: str, delimiter: str, skip: int) -> pd.DataFrame:
    """Slow path for a CSV with rows longer than the header: every row kept, cut to width."""
    rows = list(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter))[skip:]
    header, width = rows[0], len(rows[0])
    data = [(row + [""] * width)[:width] if row else [""] * width for row in rows[1:]]
    return pd.DataFrame(data, columns=header, dtype=object)


def _delimiter_hint(first_line: str) -> str | None:
    """The delimiter named by Excel's ``sep=;`` first line (written to tell Excel how to split)."""
    match = _SEP_LINE.fullmatch(first_line.strip(" "))
    return match.group(1) if match else None


def _allow_long_fields(data: bytes) -> None:
    """Let the csv module read a field as long as the file (its default stops at 131,072
    characters, where pandas has no limit: a long quoted note would make the file "unreadable").

    The limit is only ever raised, so a concurrent reader is never cut short, and kept within a
    C long on every platform (``sys.maxsize`` overflows it on Windows).
    """
    needed = min(len(data) + 1, _MAX_FIELD_LIMIT)
    if needed > csv.field_size_limit():
        csv.field_size_limit(needed)


def read_csv(path: Path, notes: list[str], broken: list) -> tuple[pd.DataFrame, int]:
    """Read a CSV as text; see :func:`analysis.casedata.read.read_raw`.

    Returns
    -------
    frame : DataFrame
        Every row, tidied (see ``tidy.tidy_frame``), its column names cleaned.
    first_row : int
        The line number of the first data row in the file.
    """
    data = path.read_bytes()
    encoding = _encoding(path, data, notes)
    _allow_long_fields(data)
    sample = data[:_SAMPLE_BYTES].decode(encoding, errors="ignore")
    if not sample.strip() and not data.decode(encoding).strip():
        raise UnreadableFileError(path, "the file is empty")
    # split as the parser does (\r\n, \n or a lone \r), not as str.splitlines (which also
    # breaks at form feeds and Unicode line separators) so line numbers agree
    sample_lines = _LINE_END.split(sample.lstrip("\ufeff"))[:HEADER_SEARCH_ROWS]
    delimiter = _delimiter_hint(sample_lines[0])
    hint = 1 if delimiter else 0
    if delimiter:
        notes.append(
            f"the first line {sample_lines[0].strip(' ')!r} (Excel's delimiter hint) was read as "
            f"the delimiter {delimiter!r} and skipped"
        )
    else:
        delimiter = _sniff_delimiter("\n".join(sample_lines))
        if delimiter != ",":
            notes.append(f"read with delimiter {delimiter!r} (not a comma)")
    rows = list(csv.reader(sample_lines[hint:], delimiter=delimiter))
    titles = header_offset(rows)
    if titles:
        notes.append(f"skipped {titles} line(s) above the header row")
    skip = hint + titles
    header = rows[titles] if titles < len(rows) else []
    refuse_ambiguous(path, header)  # before pandas renames a second 'sex' to 'sex.1'
    try:
        frame = pd.read_csv(
            path,
            encoding=encoding,
            sep=delimiter,
            dtype=_column_types(header),
            keep_default_na=False,
            na_values=[],
            skiprows=skip,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError:  # a row longer than the header
        frame = _read_csv_row_by_row(data.decode(encoding), delimiter, skip)
    except pd.errors.EmptyDataError:
        raise UnreadableFileError(path, "the file is empty") from None
    frame = clean_columns(path, drop_trailing_blank_rows(tidy_frame(frame), notes), notes)
    # The parser pads a short row silently: count each row's fields so no truncated line
    # passes unnoticed (the row is kept and reported as SCH006).
    width = len(frame.columns)
    fields = _fields_per_row(data, encoding, delimiter, skip)[: len(frame)]
    for position in np.flatnonzero((fields != width) & (fields > 0)):
        broken.append(
            (int(position), f"this row has {fields[position]} fields but the header has {width}")
        )
    # header on line skip+1, so the first data row is line skip+2
    return drop_empty_unnamed(frame, notes), skip + 2
