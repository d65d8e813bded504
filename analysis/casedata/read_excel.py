"""Read an Excel workbook as text: the sheet a person sees, and what Excel hides said aloud.

A workbook is read as its owner sees it in Excel: the active, visible sheet, not whichever sheet
happens to come first (often a hidden old copy). When several visible sheets carry case data (a
``case_id`` column), which one is meant cannot be told, so the file is refused with their names
unless the user chooses one (``sheet="NAME"``) or all of them in order (``sheet="all"``).

Nothing Excel hides is dropped: hidden sheets, hidden rows, autofilters, hidden columns and
merged cells are named in notes. Formulas whose results were never calculated (a workbook
written by a program and never opened in Excel) have no value to read, so they are refused.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pandas as pd

from analysis.casedata.codebook import all_variables
from analysis.casedata.headers import (
    HEADER_MARKER,
    HEADER_SEARCH_ROWS,
    clean_columns,
    header_key,
    header_offset,
    refuse_ambiguous,
)
from analysis.casedata.tidy import drop_empty_unnamed, drop_trailing_blank_rows, tidy_frame
from analysis.errors import UnreadableFileError

#: ``sheet=`` value that reads every visible sheet with case data, in workbook order.
ALL_SHEETS = "all"
_SHOWN = 5  # items listed in a message before "..."

#: ``(sheet name, position of its first row in the frame, its first row's number in Excel)``
Segment = tuple[str, int, int]


def _listed(items: list[str]) -> str:
    more = f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
    return ", ".join(items[:_SHOWN]) + more


def _names(sheets) -> str:
    return ", ".join(repr(ws.title) for ws in sheets)


def _load(path: Path):
    """The workbook twice: with the values Excel last saved, and with the formulas."""
    from openpyxl import load_workbook

    data = path.read_bytes()  # by content: the name may say .csv
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, styles): not the data
            warnings.simplefilter("ignore")
            values = load_workbook(io.BytesIO(data), data_only=True)
            formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise UnreadableFileError(path, f"not a readable .xlsx workbook ({exc})") from None
    return values, formulas


def _has_header(ws, strict: bool = True) -> bool:
    """True when a top row of the sheet is a header of cases: it names ``case_id`` and (when
    ``strict``) at least one other codebook variable.

    A sheet that lists the variables one per row (a codebook or notes sheet beside the cases,
    as the kit's coding workbook has) names ``case_id`` in a cell too, but never beside another
    variable's name: it is not taken for a second sheet of cases. A sheet of cases whose other
    headers are all misspelt passes only the loose test; :func:`_sheets_of_cases` falls back to
    it, so such a sheet is still found and its headers reported.
    """
    others = set(all_variables()) - {HEADER_MARKER}
    for row in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True):
        keys = {header_key(v, excel=True) for v in row if v is not None}
        if HEADER_MARKER in keys and (keys & others or not strict):
            return True
    return False


def _sheets_of_cases(sheets: list) -> list:
    """The sheets with a header of cases: by the strict test, else by the loose one."""
    return [ws for ws in sheets if _has_header(ws)] or [
        ws for ws in sheets if _has_header(ws, strict=False)
    ]


def _find_sheet(path: Path, book, name: str):
    """The sheet the user named: exactly, else ignoring case and surrounding spaces."""
    if name in book.sheetnames:
        return book[name]
    key = name.strip().casefold()
    folded = [ws for ws in book.worksheets if ws.title.strip().casefold() == key]
    if len(folded) == 1:
        return folded[0]
    listed = ", ".join(
        repr(ws.title) + ("" if ws.sheet_state == "visible" else " (hidden)")
        for ws in book.worksheets
    )
    raise UnreadableFileError(path, f"there is no sheet named {name!r}; the sheets are {listed}")


def _seen_sheet(book):
    """The sheet Excel opens on: the active one if it is a visible worksheet."""
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    active = book.active
    if active in visible:
        return active
    return visible[0] if visible else book.worksheets[0]


def choose_sheets(path: Path, book, sheet: str | None, notes: list[str]) -> list:
    """The worksheets to read, in workbook order, with a note on the choice.

    Raises
    ------
    UnreadableFileError
        An unknown sheet name; or, when no sheet was chosen, several visible sheets with a
        ``case_id`` column.
    """
    if not book.worksheets:
        raise UnreadableFileError(path, "the workbook has no worksheet (only charts)")
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    hidden = [ws for ws in book.worksheets if ws.sheet_state != "visible"]
    with_cases = _sheets_of_cases(visible)
    if sheet is not None and sheet.strip().casefold() != ALL_SHEETS:
        chosen = [_find_sheet(path, book, sheet)]
        state = "" if chosen[0].sheet_state == "visible" else "hidden "
        notes.append(f"read the {state}sheet {chosen[0].title!r}, as asked")
    elif len(with_cases) > 1 and sheet is None:
        raise UnreadableFileError(
            path,
            f"{len(with_cases)} visible sheets have a case_id column ({_names(with_cases)}), so "
            "which one holds the cases cannot be told; choose one with --sheet NAME (SHEET=NAME "
            "for make, load_cases(path, sheet=NAME) in Python), or read them all in order with "
            "--sheet all (SHEET=all)",
        )
    elif len(with_cases) > 1:
        chosen = with_cases
    else:
        hidden_cases = _sheets_of_cases(hidden)
        if not with_cases and hidden_cases:
            raise UnreadableFileError(
                path,
                f"no visible sheet has a case_id column, but the hidden sheet(s) "
                f"{_names(hidden_cases)} do; unhide the sheet of cases in Excel, or choose it "
                "with --sheet NAME",
            )
        chosen = with_cases or [_seen_sheet(book)]
        if len(book.worksheets) > 1:
            why = "the only visible one with a case_id column" if with_cases else "the active one"
            notes.append(f"read the sheet {chosen[0].title!r} ({why}) of {len(book.worksheets)}")
    skipped = [ws for ws in hidden if ws not in chosen]
    if skipped:
        notes.append(
            f"hidden sheet(s) {_names(skipped)} were not read; to read one, unhide it or "
            "use --sheet NAME"
        )
    return chosen


def _refuse_uncalculated(
    path: Path, values, formulas, header: int, prefix: str, notes: list[str]
) -> None:
    """Formulas with no saved result have no value to read: refuse, naming their columns.

    A workbook written by a program holds formulas only; Excel saves each one's result too. A
    few results missing among calculated ones (a formula that gives an empty text, which Excel
    saves as no value) read as blank, with a note.
    """
    names = {}
    for cell in next(values.iter_rows(min_row=header + 1, max_row=header + 1), ()):
        names[cell.column_letter] = cell.value
    computed, uncalculated = 0, {}
    for row in formulas.iter_rows(min_row=header + 1):
        for cell in row:
            if cell.data_type != "f":
                continue
            if values[cell.coordinate].value is None:
                uncalculated.setdefault(cell.column_letter, []).append(cell.coordinate)
            else:
                computed += 1
    if not uncalculated:
        return
    columns = "; ".join(
        f"column {names.get(letter) or letter} ({_listed(cells)})"
        for letter, cells in uncalculated.items()
    )
    if computed:
        notes.append(
            f"{prefix}formula cells with no saved result (an empty text) were read as blank: "
            f"{columns}"
        )
        return
    raise UnreadableFileError(
        path,
        f"sheet {values.title!r} has formulas whose results were never calculated: {columns}. "
        "The workbook was written by a program and not opened in Excel since, so these cells "
        "have no value to read; open it in Excel (or LibreOffice), save it, and try again",
    )


def _sheet_notes(ws, header: int, prefix: str, notes: list[str]) -> None:
    """Say what Excel hides in a sheet (merged cells, hidden rows and columns, autofilters)."""
    merged = [str(r) for r in ws.merged_cells.ranges]
    if merged:
        notes.append(
            f"{prefix}merged cells found ({_listed(merged)}): only the first cell of a merged "
            "range holds a value; the others are read as blank"
        )
    hidden = [letter for letter, dim in ws.column_dimensions.items() if dim.hidden]
    if hidden:
        notes.append(
            f"{prefix}hidden column(s) {', '.join(hidden)} in Excel were read like the others"
        )
    rows = sorted(
        r for r, dim in ws.row_dimensions.items() if dim.hidden and header + 1 < r <= ws.max_row
    )
    where = f"the autofilter on {ws.auto_filter.ref}" if ws.auto_filter.ref else None
    if rows:
        by = f" (by {where})" if where else ""
        notes.append(
            f"{prefix}{len(rows)} row(s) hidden in Excel{by} were read like the others: "
            f"rows {_listed([str(r) for r in rows])}"
        )
    elif where:
        notes.append(f"{prefix}{where} hides no row; every row was read")


def _read_sheet(path: Path, book, ws, notes: list[str], prefix: str) -> tuple[pd.DataFrame, int]:
    """One sheet as a tidy text frame, and the Excel row number of its first data row."""
    top = pd.read_excel(book, ws.title, header=None, nrows=HEADER_SEARCH_ROWS, dtype=str)
    if top.empty:
        raise UnreadableFileError(path, f"sheet {ws.title!r} is empty")
    skip = header_offset(top.fillna("").values.tolist())
    if skip:
        notes.append(f"{prefix}skipped {skip} row(s) above the header row")
    # before pandas renames a second 'sex' to 'sex.1'
    refuse_ambiguous(path, top.iloc[skip].tolist(), excel=True)
    frame = pd.read_excel(book, ws.title, header=skip, dtype=str, keep_default_na=False)
    frame = drop_trailing_blank_rows(tidy_frame(frame), notes)
    frame = clean_columns(path, frame, notes, prefix, excel=True)
    return drop_empty_unnamed(frame, notes), skip + 2


def _same_columns(path: Path, frames: list[tuple[str, pd.DataFrame]]) -> None:
    """Sheets read as one table must have the same columns (in any order)."""
    first, reference = frames[0][0], set(frames[0][1].columns)
    for name, frame in frames[1:]:
        lacks = sorted(reference - set(frame.columns))
        extra = sorted(set(frame.columns) - reference)
        if lacks or extra:
            diff = "; ".join(
                part
                for part in (
                    f"it lacks {', '.join(lacks)}" if lacks else "",
                    f"it has {', '.join(extra)} that {first!r} has not" if extra else "",
                )
                if part
            )
            raise UnreadableFileError(
                path,
                f"sheet {name!r} does not have the same columns as sheet {first!r} ({diff}); "
                "give the sheets the same header row, or read one with --sheet NAME",
            )


def read_excel(
    path: Path, notes: list[str], sheet: str | None = None
) -> tuple[pd.DataFrame, int, list[Segment]]:
    """Read the workbook's case sheet(s) as text.

    Parameters
    ----------
    path : Path
        An ``.xlsx`` workbook (whatever its extension says).
    notes : list of str
        Appended to: which sheet was read, and what Excel hides.
    sheet : str, optional
        A sheet's name, or ``"all"``: every visible sheet with a ``case_id`` column, in order.
        Default: the only visible sheet with a ``case_id`` column, else the active sheet.

    Returns
    -------
    frame : DataFrame
        Every cell as text, blanks as missing; the sheets' rows one after the other.
    first_row : int
        The Excel row number of the frame's first row.
    segments : list of (str, int, int)
        When several sheets were read: each sheet's name, the frame position of its first row
        and that row's number in Excel; empty for one sheet.

    Raises
    ------
    UnreadableFileError
        Not a workbook; an unknown sheet; several case sheets and none chosen; sheets of
        different columns; formulas never calculated.
    """
    values, formulas = _load(path)
    chosen = choose_sheets(path, values, sheet, notes)
    several = len(chosen) > 1
    frames: list[tuple[str, pd.DataFrame]] = []
    segments: list[Segment] = []
    start = 0
    for ws in chosen:
        prefix = f"sheet {ws.title!r}: " if several else ""
        frame, first_row = _read_sheet(path, values, ws, notes, prefix)
        _refuse_uncalculated(path, ws, formulas[ws.title], first_row - 2, prefix, notes)
        _sheet_notes(ws, first_row - 2, prefix, notes)
        frames.append((ws.title, frame))
        segments.append((ws.title, start, first_row))
        start += len(frame)
    if not several:
        return frames[0][1], segments[0][2], []
    _same_columns(path, frames)
    parts = "; ".join(
        f"{name!r} rows {row}-{row + len(frame) - 1}" if len(frame) else f"{name!r} no rows"
        for (name, frame), (_, _, row) in zip(frames, segments, strict=True)
    )
    notes.append(
        f"read {len(frames)} sheets one after the other ({parts}); problems name the sheet"
    )
    # each sheet is tidy already: joining them keeps every column text, blanks as missing
    frame = pd.concat([f for _, f in frames], ignore_index=True)
    return frame, segments[0][2], segments
