"""Read a CSV (or tab-separated .txt) case file as text.

The encoding and delimiter are told from the file itself; the header may sit below title lines;
every row is kept, and rows whose field count differs from the header's are reported (SCH006)
at the row the user sees them in. Shared helpers (header search, tidying) live in
:mod:`analysis.casedata.read`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.casedata.read import (
    _HEADER_SEARCH_ROWS,
    _drop_empty_unnamed,
    _drop_trailing_blank_rows,
    _header_key,
    _header_offset,
    _refuse_duplicate_names,
    _tidy,
)
from analysis.errors import UnreadableFileError

_SAMPLE_BYTES = 1 << 16


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

    Without quotes in a single-byte-delimited file, lines and fields are found with numpy on
    the raw bytes (fast at a million rows); otherwise the csv module reads the text.
    """
    if encoding != "utf-16" and b'"' not in data:
        buf = np.frombuffer(data, dtype=np.uint8)
        newline = ord("\n") if b"\n" in data else ord("\r")  # old Mac files end lines in \r
        ends = np.flatnonzero(buf == newline)
        if len(buf) and buf[-1] != newline:
            ends = np.append(ends, len(buf))
        starts = np.r_[0, ends[:-1] + 1]
        delimiters = np.flatnonzero(buf == ord(delimiter))
        fields = np.searchsorted(delimiters, ends) - np.searchsorted(delimiters, starts) + 1
        content = ends - starts - (buf[np.maximum(ends - 1, 0)] == ord("\r"))
        return np.where(content > 0, fields, 0)[skip + 1 :]
    rows = csv.reader(io.StringIO(data.decode(encoding), newline=None), delimiter=delimiter)
    return np.fromiter((len(row) for row in rows), dtype=np.int64)[skip + 1 :]


def _column_types(header: list[str]) -> dict[str, str]:
    """Read coded columns as categories (few distinct values: fast and small) and identifiers
    as plain text (a category per row would only cost time)."""
    from analysis.casedata.codebook import all_variables

    variables = all_variables()
    types = {}
    for name in header:
        var = variables.get(_header_key(name))
        types[name] = "str" if var is not None and not var.is_category else "category"
    return types


def _read_csv_row_by_row(text: str, delimiter: str, skip: int) -> pd.DataFrame:
    """Slow path for a CSV with rows longer than the header: every row kept, cut to width."""
    rows = list(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter))[skip:]
    header, width = rows[0], len(rows[0])
    data = [(row + [""] * width)[:width] if row else [""] * width for row in rows[1:]]
    return pd.DataFrame(data, columns=header, dtype=object)


def read_csv(path: Path, notes: list[str], broken: list) -> tuple[pd.DataFrame, int]:
    data = path.read_bytes()
    encoding = _encoding(path, data, notes)
    sample = data[:_SAMPLE_BYTES].decode(encoding, errors="ignore")
    if not sample.strip() and not data.decode(encoding).strip():
        raise UnreadableFileError(path, "the file is empty")
    sample_lines = sample.splitlines()[:_HEADER_SEARCH_ROWS]
    delimiter = _sniff_delimiter("\n".join(sample_lines))
    if delimiter != ",":
        notes.append(f"read with delimiter {delimiter!r} (not a comma)")
    skip = _header_offset(list(csv.reader(sample_lines, delimiter=delimiter)))
    if skip:
        notes.append(f"skipped {skip} line(s) above the header row")
    header = next(csv.reader(sample_lines[skip : skip + 1], delimiter=delimiter), [])
    _refuse_duplicate_names(path, header)
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
    frame = _drop_trailing_blank_rows(_tidy(frame), notes)
    # The parser pads a short row silently: count each row's fields so no truncated line
    # passes unnoticed (the row is kept and reported as SCH006).
    width = len(frame.columns)
    fields = _fields_per_row(data, encoding, delimiter, skip)[: len(frame)]
    for position in np.flatnonzero((fields != width) & (fields > 0)):
        broken.append(
            (int(position), f"this row has {fields[position]} fields but the header has {width}")
        )
    # header on line skip+1, so the first data row is line skip+2
    return _drop_empty_unnamed(frame, notes), skip + 2
