"""Write the bad-input corpus: small case files a real user could produce, each a little wrong.

Every file starts from ``data/examples/example_cases.csv`` (10 valid rows) and is generated
deterministically, so the committed files can be checked against a fresh run. What each file
should do when validated is stated in ``expected.csv`` beside this script (kept by hand: it is
the specification); ``docs/bad_inputs.md`` is generated from it.

Usage (from the repository root)::

    python tests/bad_inputs/make_corpus.py              # (re)write the corpus in this folder
    python tests/bad_inputs/make_corpus.py --out DIR    # write it somewhere else
    python tests/bad_inputs/make_corpus.py --docs       # (re)write docs/bad_inputs.md
    python tests/bad_inputs/make_corpus.py --check      # exit 1 if the docs are out of date

Binary containers (.xlsx, .sav, .dta) get fixed timestamps so that regenerating them does not
churn; their bytes may still differ across library versions, so the tests compare their content.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXAMPLE = ROOT / "data" / "examples" / "example_cases.csv"
EXPECTED = HERE / "expected.csv"
DOCS = ROOT / "docs" / "bad_inputs.md"

#: Files in this folder that are not part of the corpus.
NOT_CORPUS = {"make_corpus.py", "expected.csv", "README.md"}
EXPECTED_COLUMNS = [
    "file",
    "what_it_is",
    "outcome",
    "exit_code",
    "rules",
    "message_contains",
    "why",
    "what_to_do",
]
OUTCOMES = {
    "accepted": "accepted",
    "accepted_with_note": "accepted, with a note",
    "refused": "refused",
}

_FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
_FIXED_ISO_TIME = b"2024-01-01T00:00:00Z"


# ---------------------------------------------------------------------------------------------
# Building blocks


def example() -> tuple[list[str], list[list[str]]]:
    """The example file's header and rows, every cell as text."""
    with EXAMPLE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def csv_text(
    header: list[str], rows: list[list[str]], delimiter: str = ",", newline: str = "\n"
) -> str:
    """Rows as CSV text, quoted only where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _example_csv(**kwargs) -> str:
    return csv_text(*example(), **kwargs)


def _set(header: list[str], row: list[str], column: str, value: str) -> None:
    row[header.index(column)] = value


def _edited(edits: dict[tuple[int, str], str]) -> bytes:
    """The example with some cells replaced: ``{(row, column): value}``."""
    header, rows = example()
    for (i, column), value in edits.items():
        _set(header, rows[i], column, value)
    return csv_text(header, rows).encode("utf-8")


def _stable_zip(data: bytes) -> bytes:
    """Rewrite a zip (an .xlsx) with fixed entry times and document timestamps."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", _FIXED_ISO_TIME, body)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, body)
    return out.getvalue()


def _workbook(rows: list[list[str]], edit: Callable | None = None) -> bytes:
    """An .xlsx whose first sheet holds ``rows`` (blank strings left as empty cells)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "cases"
    for row in rows:
        sheet.append([cell if cell != "" else None for cell in row])
    if edit is not None:
        edit(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return _stable_zip(buffer.getvalue())


def _sheets_workbook(sheets: list[tuple[str, list[list], str]], active: int) -> bytes:
    """An .xlsx of several sheets ``(title, rows, state)``, the sheet at ``active`` selected."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append([cell if cell != "" else None for cell in row])
    book.active = active
    for i, sheet in enumerate(book.worksheets):
        sheet.sheet_view.tabSelected = i == active
    buffer = io.BytesIO()
    book.save(buffer)
    return _stable_zip(buffer.getvalue())


def _example_workbook(edit: Callable | None = None) -> bytes:
    header, rows = example()
    return _workbook([header, *rows], edit)


def _stats_file(kind: str, frame, **kwargs) -> bytes:
    """A .sav or .dta written by pyreadstat, its creation time fixed."""
    import pyreadstat

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"cases.{kind}"
        if kind == "sav":
            pyreadstat.write_sav(frame, str(path), **kwargs)
        else:
            pyreadstat.write_dta(frame, str(path), **kwargs)
        data = bytearray(path.read_bytes())
    if kind == "sav":
        # system-file header: creation date (9 bytes) and time (8 bytes) at offset 92
        data[92:109] = b"01 Jan 2400:00:00"
    else:
        data = bytearray(
            re.sub(
                rb"(<timestamp>.)[^<]{17}(</timestamp>)",
                lambda m: m.group(1) + b"01 Jan 2024 00:00" + m.group(2),
                bytes(data),
                flags=re.DOTALL,
            )
        )
    return bytes(data)


def _example_frame():
    import pandas as pd

    header, rows = example()
    return pd.DataFrame(rows, columns=header)


# ---------------------------------------------------------------------------------------------
# The corpus: file name -> bytes


def valid_example() -> bytes:
    return _example_csv().encode("utf-8")


def empty() -> bytes:
    return b""


def header_only() -> bytes:
    header, _ = example()
    return csv_text(header, []).encode("utf-8")


def semicolon_delimiter() -> bytes:
    # Excel in many European locales saves "CSV" with semicolons
    return _example_csv(delimiter=";", newline="\r\n").encode("utf-8")


def tab_delimited() -> bytes:
    return _example_csv(delimiter="\t").encode("utf-8")


def utf8_bom() -> bytes:
    # Excel's "CSV UTF-8" writes a byte-order mark first
    return b"\xef\xbb\xbf" + _example_csv(newline="\r\n").encode("utf-8")


def windows_1252() -> bytes:
    # Excel's plain "CSV" on Windows: cp1252, CRLF; the accents are in a free-text column
    header, rows = example()
    comments = ["Café visit noted", "Zoë's school", "", "Père named", "", "", "", "", "", "£ fine"]
    rows = [row + [comment] for row, comment in zip(rows, comments, strict=True)]
    return csv_text([*header, "coder_comment"], rows, newline="\r\n").encode("cp1252")


def utf16_unicode_text() -> bytes:
    # Excel's "Unicode Text": UTF-16 little-endian with a byte-order mark, tab-separated
    return b"\xff\xfe" + _example_csv(delimiter="\t", newline="\r\n").encode("utf-16-le")


def excel_title_rows() -> bytes:
    header, rows = example()
    title = [["Serious case reviews 2011-17: coded cases"], ["Draft - do not circulate"], []]
    return _workbook([*title, header, *rows])


def excel_merged_cells() -> bytes:
    # review_period merged down each period's block; review_id merged over the two children of
    # review EX-R008. Excel keeps the value in the top cell only: the others read as blank.
    def merge(sheet) -> None:
        sheet.merge_cells("C2:C7")
        sheet.merge_cells("C8:C11")
        sheet.merge_cells("B9:B10")

    return _example_workbook(merge)


def excel_hidden_column() -> bytes:
    # review_id (column B) hidden while coding: it is still in the file, and still read
    def hide(sheet) -> None:
        sheet.column_dimensions["B"].hidden = True

    return _example_workbook(hide)


def excel_hidden_first_sheet() -> bytes:
    # an old backup of the first six cases kept as a hidden first sheet (one since corrected);
    # the cases are on the second sheet, the one Excel opens on
    header, rows = example()
    backup = [list(row) for row in rows[:6]]
    _set(header, backup[1], "harm_type", "neglect")
    return _sheets_workbook(
        [("backup (old)", [header, *backup], "hidden"), ("cases", [header, *rows], "visible")],
        active=1,
    )


def excel_two_sheets() -> bytes:
    # the cases split by review period over two sheets with the same header
    header, rows = example()
    return _sheets_workbook(
        [("2011-14", [header, *rows[:6]], "visible"), ("2014-17", [header, *rows[6:]], "visible")],
        active=0,
    )


def excel_formulas_not_calculated() -> bytes:
    # review_period worked out by a formula from incident_year, in a workbook written by a
    # script: the formulas are there, their results were never calculated (no cached values)
    header, rows = example()
    period, year = header.index("review_period"), header.index("incident_year")
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[year]
    table = [header]
    for i, row in enumerate(rows, start=2):
        row = list(row)
        row[period] = f'=IF(LEFT({letter}{i},4)<"2014","2011-14","2014-17")'
        table.append(row)
    return _workbook(table)


def excel_autofilter() -> bytes:
    # an autofilter left on outcome = death: Excel shows the deaths, hides the other rows
    header, rows = example()
    column = header.index("outcome")

    def filtered(sheet) -> None:
        sheet.auto_filter.ref = sheet.dimensions
        sheet.auto_filter.add_filter_column(column, ["death"])
        for i, row in enumerate(rows, start=2):
            if row[column] != "death":
                sheet.row_dimensions[i].hidden = True

    return _example_workbook(filtered)


def codes_case_and_spaces() -> bytes:
    return _edited(
        {
            (0, "outcome"): "Death",
            (1, "outcome"): "SERIOUS_HARM",
            (1, "sex"): " Female ",
            (2, "age_band"): "1 5",
            (3, "harm_type"): "Neglect ",
            (4, "csc_status_at_incident"): "Open Looked After",
            (5, "final_report_available"): "NO",
        }
    )


def labels_not_codes() -> bytes:
    return _edited(
        {
            (0, "outcome"): "Death",
            (0, "death_category"): "Sudden unexpected death in infancy",
            (0, "age_band"): "Under 1",
            (1, "outcome"): "Serious harm",
            (1, "harm_type"): "Physical injury",
            (1, "csc_status_at_incident"): "Case closed before the incident",
            (2, "age_band"): "1 to 5",
            (2, "sex"): "Male",
            (6, "csc_status_at_incident"): "Not known to children's social care",
            (9, "ethnicity"): "Other ethnic group",
        }
    )


def numbers_for_codes() -> bytes:
    # outcome typed as 1 = death, 2 = serious harm (a coding sheet's numbers, not the codes)
    header, rows = example()
    for row in rows:
        _set(header, row, "outcome", {"death": "1", "serious_harm": "2"}[row[4]])
    return csv_text(header, rows).encode("utf-8")


def incident_year_dates() -> bytes:
    # dates of the incident typed where the financial year belongs
    return _edited(
        {
            (0, "incident_year"): "2012-03-15",
            (1, "incident_year"): "15/03/2012",
            (2, "incident_year"): "March 2013",
        }
    )


def duplicate_ids() -> bytes:
    # a row pasted twice
    header, rows = example()
    return csv_text(header, [*rows[:4], rows[2], *rows[4:]]).encode("utf-8")


def missing_required_column() -> bytes:
    header, rows = example()
    drop = header.index("sex")
    keep = [i for i in range(len(header)) if i != drop]
    return csv_text([header[i] for i in keep], [[r[i] for i in keep] for r in rows]).encode()


def extra_columns() -> bytes:
    header, rows = example()
    extra = ["coder", "date_coded", "notes"]
    rows = [
        row + ["AB", "2016-02-01", "second coder agreed" if i % 3 == 0 else ""]
        for i, row in enumerate(rows)
    ]
    return csv_text([*header, *extra], rows).encode("utf-8")


def truncated_row_middle() -> bytes:
    # the fifth case lost its last 18 fields (a line cut short when pasting)
    header, rows = example()
    rows[4] = rows[4][:12]
    return csv_text(header, rows).encode("utf-8")


def extra_fields_row() -> bytes:
    # an unquoted comma typed inside a value splits it into two fields
    lines = _example_csv().splitlines(keepends=True)
    lines[3] = lines[3].replace("fatal_physical_assault", "fatal_physical_assault, shaking")
    return "".join(lines).encode("utf-8")


def truncated_last_line() -> bytes:
    # the copy stopped part-way through the last line: every required field is still there,
    # the final-report-only fields after parent_alcohol_misuse are lost, and no newline ends it
    header, rows = example()
    rows[-1] = rows[-1][: header.index("parent_alcohol_misuse") + 1]
    return csv_text(header, rows).rstrip("\n").encode("utf-8")


def blank_lines_middle() -> bytes:
    lines = _example_csv().splitlines(keepends=True)
    return "".join([*lines[:6], "\n", "\n", *lines[6:]]).encode("utf-8")


def trailing_blank_lines() -> bytes:
    # Excel writes rows of bare separators for formatted but empty rows below the data
    header, _ = example()
    separators = "," * (len(header) - 1)
    return (_example_csv() + f"{separators}\n{separators}\n\n").encode("utf-8")


def header_other_case() -> bytes:
    header, rows = example()
    renamed = {
        "case_id": "Case ID",
        "review_id": "Review_ID",
        "review_period": "Review Period",
        "incident_year": "Incident year",
        "outcome": "OUTCOME",
        "age_band": " Age band ",
        "csc_ever_involved": "CSC-ever-involved",
    }
    return csv_text([renamed.get(h, h) for h in header], rows).encode("utf-8")


def _spss_frame():
    frame = _example_frame()
    frame["outcome"] = frame["outcome"].map({"death": 1, "serious_harm": 2})
    return frame


def spss_unlabelled_numbers() -> bytes:
    return _stats_file("sav", _spss_frame())


def spss_value_labels() -> bytes:
    frame = _spss_frame()
    frame["sex"] = frame["sex"].map({"male": 1, "female": 2, "not_known": 9})
    labels = {
        "outcome": {1: "Death", 2: "Serious harm"},
        "sex": {1: "Male", 2: "Female", 9: "Not known"},
    }
    return _stats_file("sav", frame, variable_value_labels=labels)


def stata() -> bytes:
    return _stats_file("dta", _example_frame())


_YES_NO = {"yes": 1, "no": 2}


def spss_declared_missing() -> bytes:
    # disability as 1 = Yes, 2 = No and -9 = "Not recorded", -9 declared user-missing in SPSS
    frame = _example_frame()
    frame["disability"] = frame["disability"].map({**_YES_NO, "not_recorded": -9})
    labels = {"disability": {1: "Yes", 2: "No", -9: "Not recorded"}}
    return _stats_file(
        "sav", frame, variable_value_labels=labels, missing_ranges={"disability": [-9]}
    )


def spss_missing_label_unknown() -> bytes:
    # as spss_declared_missing.sav, but the missing value is -8 labelled "Refused"
    frame = _example_frame()
    frame["disability"] = frame["disability"].map({**_YES_NO, "not_recorded": -8})
    labels = {"disability": {1: "Yes", 2: "No", -8: "Refused"}}
    return _stats_file(
        "sav", frame, variable_value_labels=labels, missing_ranges={"disability": [-8]}
    )


def stata_extended_missing() -> bytes:
    # disability as 1 = Yes, 2 = No and Stata's extended missing .a labelled "Not recorded"
    frame = _example_frame()
    frame["disability"] = frame["disability"].map({**_YES_NO, "not_recorded": "a"})
    frame["disability"] = frame["disability"].astype(object)
    labels = {"disability": {1: "Yes", 2: "No", "a": "Not recorded"}}
    return _stats_file(
        "dta", frame, variable_value_labels=labels, missing_user_values={"disability": ["a"]}
    )


def excel_saved_as_csv() -> bytes:
    return _example_workbook()


def csv_saved_as_xlsx() -> bytes:
    return valid_example()


def old_binary_excel() -> bytes:
    # the OLE2 compound-file signature of an Excel 97-2003 .xls, then filler
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 2


def pdf_renamed() -> bytes:
    # a (tiny) PDF print of the cases, renamed .csv. Its page content stands for a compressed
    # stream: arbitrary bytes, made here from a hash chain so they are the same on every machine
    # (zlib's output can differ between builds).
    stream, block = b"", b"pdf_renamed"
    while len(stream) < 512:
        block = hashlib.sha256(block).digest()
        stream += block
    parts = [
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n",
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n",
        b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n",
        b"4 0 obj << /Length %d /Filter /FlateDecode >> stream\n" % len(stream),
        stream,
        b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    ]
    return b"".join(parts)


def unsupported_extension() -> bytes:
    header, rows = example()
    records = [dict(zip(header, row, strict=True)) for row in rows[:2]]
    return (json.dumps(records, indent=1) + "\n").encode("utf-8")


def duplicate_column() -> bytes:
    # the sex column pasted twice, the copy edited: which one is right?
    header, rows = example()
    at = header.index("sex")
    rows = [
        row[: at + 1] + [("female" if i == 0 else row[at])] + row[at + 1 :]
        for i, row in enumerate(rows)
    ]
    return csv_text([*header[: at + 1], "sex", *header[at + 1 :]], rows).encode("utf-8")


def mac_line_endings() -> bytes:
    # Excel for Mac's "CSV (Macintosh)": lines end with a carriage return alone
    return _example_csv(newline="\r").encode("utf-8")


def mac_truncated_last_line() -> bytes:
    # as truncated_last_line.csv, with classic Mac line endings
    return truncated_last_line().replace(b"\n", b"\r")


def mac_extra_fields_row() -> bytes:
    # as extra_fields_row.csv, with classic Mac line endings
    return extra_fields_row().replace(b"\n", b"\r")


def _crlf_with_bare_cr(text: str) -> bytes:
    """LF-ended CSV text as a Windows (CRLF) file in which lines 4 to 6 end with a bare CR: rows
    pasted in from an old Mac export. A last line without a line end keeps none."""
    lines = text.split("\n")
    ends = ["\r" if 4 <= number <= 6 else "\r\n" for number in range(1, len(lines))]
    body = "".join(line + end for line, end in zip(lines, ends, strict=False))
    return (body + lines[-1]).encode("utf-8")


def mixed_line_endings() -> bytes:
    return _crlf_with_bare_cr(_example_csv())


def mixed_line_endings_truncated_last_line() -> bytes:
    # as truncated_last_line.csv (the end lost, no line end), in a file with mixed line endings
    return _crlf_with_bare_cr(truncated_last_line().decode("utf-8"))


def excel_sep_line() -> bytes:
    # Excel's "sep=;" first line, which tells Excel (not other programs) the delimiter
    return b"sep=;\r\n" + semicolon_delimiter()


def long_quoted_field() -> bytes:
    # a coder's note holding a chronology pasted from a review: one quoted field of 140,000
    # characters (the csv module's default limit is 131,072)
    header, rows = example()
    note = ("Chronology pasted from the review, with commas, as coders do. " * 2300)[:140_000]
    rows = [row + [note if i == 4 else ""] for i, row in enumerate(rows)]
    return csv_text([*header, "coder_note"], rows).encode("utf-8")


def invisible_duplicate_ids() -> bytes:
    # the fourth case's id typed as the third's, copied from a web page with a zero-width space
    # after it: the two ids look the same
    header, rows = example()
    rows[3][0] = rows[2][0] + "\u200b"
    return csv_text(header, rows).encode("utf-8")


def invisible_characters_in_codes() -> bytes:
    # codes and ids pasted from Word or a web page: a byte-order mark inside a cell, a
    # non-breaking space, a zero-width space
    return _edited(
        {
            (0, "sex"): "male\ufeff",
            (1, "outcome"): "serious\u00a0harm",
            (2, "review_id"): "EX-R\u200b003",
            (5, "csc_ever_involved"): "\ufeffno",
        }
    )


def en_dash_in_code() -> bytes:
    # word processors turn a typed hyphen into an en dash: "2011–14" looks like "2011-14"
    return _edited({(1, "review_period"): "2011\u201314"})


def siblings_disagree() -> bytes:
    # two children of review EX-R008 coded apart: one says domestic abuse, the other not
    return _edited({(8, "parent_domestic_abuse"): "no"})


def empty_columns_at_right() -> bytes:
    # Excel writes empty, unnamed columns to the right of the data when cells there were touched
    lines = _example_csv().splitlines()
    return "".join(line + ",,\n" for line in lines).encode("utf-8")


def excel_year_as_date() -> bytes:
    # typed "2011-12" into Excel, which made it the date 1 December 2011 (2012-13 and later are
    # not dates, so they stay text): only some rows change
    import datetime

    header, rows = example()
    column = header.index("incident_year")
    table = [header]
    for row in rows:
        row = list(row)
        if row[column] == "2011-12":
            row[column] = datetime.datetime(2011, 12, 1)
        table.append(row)

    def date_format(sheet) -> None:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = "mmm-yy"

    return _workbook(table, date_format)


def _renamed(renames: dict[str, str]) -> list[str]:
    header, _ = example()
    return [renames.get(h, h) for h in header]


def header_nul_byte() -> bytes:
    # a NUL byte inside a column name (a file mangled by a program that pads names)
    header, rows = example()
    return csv_text(_renamed({"theme_hanging_back": "theme_hang\x00ing_back"}), rows).encode()


def header_odd_spaces() -> bytes:
    # header cells typed with a non-breaking space, a trailing space, a line break (Alt+Enter)
    # and doubled spaces
    header, rows = example()
    renamed = _renamed(
        {
            "sex": "Sex\u00a0",
            "outcome": "outcome ",
            "review_period": "review\nperiod",
            "age_band": "age  band",
        }
    )
    return _workbook([renamed, *rows])


def header_same_once_cleaned() -> bytes:
    # sex pasted in again at the end as "Sex" with a non-breaking space: the same name once
    # the space and case are set aside, so which column is meant cannot be told
    header, rows = example()
    at = header.index("sex")
    return csv_text([*header, "Sex\u00a0"], [[*row, row[at]] for row in rows]).encode("utf-8")


def header_misspelt() -> bytes:
    header, rows = example()
    return csv_text(_renamed({"sex": "sexx"}), rows).encode("utf-8")


def stata_name_cut_at_nul() -> bytes:
    # a NUL byte in a variable name: Stata keeps the name up to it, "age"
    frame = _example_frame().rename(columns={"age_band": "age\x00band"})
    return _stats_file("dta", frame)


def labels_with_slips() -> bytes:
    # typed as labels, as the coding workbook's drop-downs give them, with two slips
    from analysis.casedata.codebook import load_codebook

    header, rows = example()
    codebook = load_codebook("2014-17")
    labelled = [
        [
            codebook[h].codes.get(v, v) if codebook[h].is_category else v
            for h, v in zip(header, row, strict=True)
        ]
        for row in rows
    ]
    labelled[1][header.index("sex")] = "Femal"
    labelled[2][header.index("outcome")] = "Deaht"
    return csv_text(header, labelled).encode("utf-8")


CORPUS: dict[str, Callable[[], bytes]] = {
    "valid_example.csv": valid_example,
    "empty.csv": empty,
    "header_only.csv": header_only,
    "semicolon_delimiter.csv": semicolon_delimiter,
    "tab_delimited.txt": tab_delimited,
    "utf8_bom.csv": utf8_bom,
    "windows_1252.csv": windows_1252,
    "utf16_unicode_text.txt": utf16_unicode_text,
    "excel_title_rows.xlsx": excel_title_rows,
    "excel_merged_cells.xlsx": excel_merged_cells,
    "excel_hidden_column.xlsx": excel_hidden_column,
    "excel_year_as_date.xlsx": excel_year_as_date,
    "excel_hidden_first_sheet.xlsx": excel_hidden_first_sheet,
    "excel_two_sheets.xlsx": excel_two_sheets,
    "excel_formulas_not_calculated.xlsx": excel_formulas_not_calculated,
    "excel_autofilter.xlsx": excel_autofilter,
    "codes_case_and_spaces.csv": codes_case_and_spaces,
    "labels_not_codes.csv": labels_not_codes,
    "numbers_for_codes.csv": numbers_for_codes,
    "incident_year_dates.csv": incident_year_dates,
    "duplicate_ids.csv": duplicate_ids,
    "missing_required_column.csv": missing_required_column,
    "extra_columns.csv": extra_columns,
    "duplicate_column.csv": duplicate_column,
    "truncated_row_middle.csv": truncated_row_middle,
    "extra_fields_row.csv": extra_fields_row,
    "truncated_last_line.csv": truncated_last_line,
    "mac_line_endings.csv": mac_line_endings,
    "mac_truncated_last_line.csv": mac_truncated_last_line,
    "mac_extra_fields_row.csv": mac_extra_fields_row,
    "mixed_line_endings.csv": mixed_line_endings,
    "mixed_line_endings_truncated_last_line.csv": mixed_line_endings_truncated_last_line,
    "excel_sep_line.csv": excel_sep_line,
    "long_quoted_field.csv": long_quoted_field,
    "invisible_duplicate_ids.csv": invisible_duplicate_ids,
    "invisible_characters_in_codes.csv": invisible_characters_in_codes,
    "en_dash_in_code.csv": en_dash_in_code,
    "siblings_disagree.csv": siblings_disagree,
    "blank_lines_middle.csv": blank_lines_middle,
    "trailing_blank_lines.csv": trailing_blank_lines,
    "empty_columns_at_right.csv": empty_columns_at_right,
    "header_other_case.csv": header_other_case,
    "header_nul_byte.csv": header_nul_byte,
    "header_odd_spaces.xlsx": header_odd_spaces,
    "header_same_once_cleaned.csv": header_same_once_cleaned,
    "header_misspelt.csv": header_misspelt,
    "stata_name_cut_at_nul.dta": stata_name_cut_at_nul,
    "labels_with_slips.csv": labels_with_slips,
    "spss_unlabelled_numbers.sav": spss_unlabelled_numbers,
    "spss_value_labels.sav": spss_value_labels,
    "stata.dta": stata,
    "spss_declared_missing.sav": spss_declared_missing,
    "spss_missing_label_unknown.sav": spss_missing_label_unknown,
    "stata_extended_missing.dta": stata_extended_missing,
    "excel_saved_as.csv": excel_saved_as_csv,
    "csv_saved_as.xlsx": csv_saved_as_xlsx,
    "old_binary_excel.xls": old_binary_excel,
    "pdf_renamed.csv": pdf_renamed,
    "unsupported_extension.json": unsupported_extension,
}


def write_corpus(out: Path = HERE) -> list[Path]:
    """Write every corpus file into ``out``; return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in CORPUS.items():
        path = out / name
        path.write_bytes(make())
        written.append(path)
    return written


# ---------------------------------------------------------------------------------------------
# The user-facing table


def read_expected(path: Path = EXPECTED) -> list[dict[str, str]]:
    """The rows of ``expected.csv``, in file order."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != EXPECTED_COLUMNS:
            raise ValueError(f"{path.name}: columns must be {', '.join(EXPECTED_COLUMNS)}")
        return list(reader)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").strip()


def docs_markdown(rows: list[dict[str, str]] | None = None) -> str:
    """``docs/bad_inputs.md``: one row per corpus file, from ``expected.csv``."""
    rows = read_expected() if rows is None else rows
    lines = [
        "# When a case file is not quite right",
        "",
        "Generated from `tests/bad_inputs/expected.csv` by "
        "`python tests/bad_inputs/make_corpus.py --docs`; do not edit.",
        "",
        "`make validate FILE=path/to/cases.csv`, in the kit's folder (or, without make, "
        "`.venv/bin/python -m analysis validate FILE`), checks a case file against the codebook "
        "(`docs/codebook.md`). It never stops with a Python traceback; it ends with an exit code:",
        "",
        "- **0**: the file is valid and will be used (any notes say what was noticed and "
        "handled, such as the encoding or a delimiter other than a comma);",
        "- **1**: the file was read but breaks codebook rules: every problem is listed with its "
        "row (as numbered in your file), `case_id`, column and rule code, and nothing is run "
        "until they are fixed (`.venv/bin/python -m analysis rules` explains each code);",
        "- **2**: the file could not be read at all, and the message says why.",
        "",
        "Errors come first, then notes; notes of one kind are told in one line (the columns of "
        "labels read as codes, say), and `ALL=1` (`--all` without make) lists each. A refused "
        'value is quoted as typed, with "did you mean" for a slip and the allowed values in '
        "the form its column was typed in (labels or codes). Column names are checked like "
        "values: cleaned with a note, refused when two become one, and named with "
        '"did you mean" when close to a codebook variable.',
        "",
        f"Each row below is a file in `tests/bad_inputs/` (the test suite checks all "
        f"{len(rows)}), the kind of file a real user produces. Use it to find what your message "
        "means and what to do about it.",
        "",
        "| file | what it is | what happens | exit code | rule codes | the message includes "
        "| what to do |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        rules = ", ".join(f"`{r}`" for r in row["rules"].split(";") if r)
        lines.append(
            "| "
            + " | ".join(
                [
                    f"`{row['file']}`",
                    _cell(row["what_it_is"]),
                    OUTCOMES[row["outcome"]],
                    row["exit_code"],
                    rules,
                    f'"{_cell(row["message_contains"])}"',
                    _cell(row["what_to_do"]),
                ]
            )
            + " |"
        )
    lines += [
        "",
        "A very large file (200,000 rows) is also checked at test time: size alone never "
        "stops a valid file.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write the corpus to")
    parser.add_argument("--docs", action="store_true", help="write docs/bad_inputs.md instead")
    parser.add_argument("--check", action="store_true", help="exit 1 if the docs are stale")
    args = parser.parse_args(argv)
    if args.check:
        current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
        if current != docs_markdown():
            print(f"{DOCS} is out of date: run {Path(__file__).name} --docs", file=sys.stderr)
            return 1
        return 0
    if args.docs:
        DOCS.write_text(docs_markdown(), encoding="utf-8")
        print(f"wrote {DOCS}")
        return 0
    for path in write_corpus(args.out):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
