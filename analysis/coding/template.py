"""The coding workbook of a review period, written from its codebook (issue 15).

Most mistakes the validator reports (a misspelt code, a label in the wrong column, a blank where
"not recorded" was meant) need never be typed if the coding tool offers the codebook's choices.
The workbook's ``cases`` sheet therefore has:

- a header row of the codebook's column names, in codebook order, which the loader reads as it
  is, frozen with the ``case_id`` column;
- on every coded column, a drop-down list of the codebook's labels (which the loader reads as
  codes, so a filled-in workbook loads without change), kept on a protected ``lists`` sheet;
- an input message with each variable's meaning, whether it is required, coded only from the
  final report, or the same for every child of a review;
- checks where they apply: ``case_id`` unique in the column, whole numbers for counts, and only
  the period's own years in the year columns; cells coded only from the final report turn grey
  in a row whose final report is not available, and cells of an item asked of some children
  only (the codebook's ``asked_of``) in a row that already says the item does not apply.

Beside it are a ``read me`` sheet (how to code, check and keep the file) and a ``codebook``
sheet (:mod:`analysis.coding.template_sheets`). The workbook holds no data. It is written
deterministically (a fixed creation date), so the same codebook gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from analysis.casedata.codebook import Applicability, Codebook, Variable, load_codebook
from analysis.casedata.rules_applicability import asked_of_condition
from analysis.coding.choices import offered_codes
from analysis.content import read_yaml
from analysis.files import replacing

#: The workbook's words and look (read me, messages, formats).
TEXT_FILE = Path(__file__).with_name("template.yaml")
#: Written into the file instead of the time of writing, so rewriting gives the same bytes.
FIXED_CREATED = dt.datetime(2016, 7, 1)
#: Excel's limits on a data validation's input message and its title.
MESSAGE_LIMIT, TITLE_LIMIT = 255, 32


@cache
def text() -> dict:
    """The workbook's words and formats (``template.yaml``)."""
    return read_yaml(TEXT_FILE)


def choices(var: Variable, codebook: Codebook) -> list[str]:
    """The labels a coder chooses from for a coded variable, in codebook order (the period's
    own years only: see :func:`analysis.coding.choices.offered_codes`).

    >>> choices(load_codebook("2011-14")["outcome"], load_codebook("2011-14"))
    ['Death', 'Serious harm']
    """
    return [var.codes[c] for c in offered_codes(var, codebook)]


def fit(words: str, limit: int, more: str = "") -> str:
    """``words`` cut at a word boundary to ``limit`` characters, ending with ``more`` if cut.

    >>> fit("one two three", 9, "...")
    'one...'
    """
    if len(words) <= limit:
        return words
    room = limit - len(more)
    return words[:room].rsplit(" ", 1)[0].rstrip(" ,;:") + more


def input_message(var: Variable, codebook: Codebook | None = None) -> str:
    """What a coder sees on clicking a cell: the flags that change how to code, then meaning.

    ``codebook`` (default: the first period's) says who an item is asked of.
    """
    said = text()["messages"]
    condition = (codebook or load_codebook()).asked_of(var.name)
    flags = [
        # a required column that is blank where it does not apply (death category for a
        # serious harm): "Required." alone would have coders fill every row
        (said["required_blank_allowed"] if var.blank_allowed else said["required"])
        if var.required
        else "",
        said["final_report_only"] if var.final_report_only else "",
        said["review_level"] if var.level == "review" else "",
        said["choose"] if var.is_category else "",
        said["unique_id"] if var.unique else "",
        said["whole_number"] if var.type == "integer" else "",
        # who, the description says; the flag says how to code it (see the codebook sheet)
        said["asked_of"] if condition else "",
        said["never_output"] if var.never_output else "",
        said["pattern"].format(form=var.pattern_description) if var.pattern_description else "",
    ]
    words = " ".join([*(f for f in flags if f), var.description])
    return fit(words, MESSAGE_LIMIT, said["more"])


def _column_letter(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(index)


def _validation(
    var: Variable, codebook: Codebook, column: str, last_row: int, source: str | None
) -> dict:
    """The data validation of one column of the cases sheet (xlsxwriter's options)."""
    errors = text()["errors"]
    options = {
        "input_title": fit(var.label, TITLE_LIMIT),
        "input_message": input_message(var, codebook),
    }
    if var.is_category:
        return {
            **options,
            "validate": "list",
            "source": source,
            "error_title": errors["list_title"],
            "error_message": errors["list"],
        }
    if var.unique:
        # unique in the column and no spaces at its ends: two rows of one child are caught here
        cells = f"${column}$2:${column}${last_row}"
        return {
            **options,
            "validate": "custom",
            "value": f"=AND(COUNTIF({cells},{column}2)=1,LEN(TRIM({column}2))=LEN({column}2))",
            "error_title": errors["unique_id_title"],
            "error_message": errors["unique_id"],
        }
    if var.type == "integer":
        return {
            **options,
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_title": errors["whole_number_title"],
            "error_message": errors["whole_number"],
        }
    return {**options, "validate": "any"}


def _write_lists(sheet, codebook: Codebook) -> dict[str, str]:
    """One column per coded variable: its name, then its labels. Returns each list's range."""
    from xlsxwriter.utility import quote_sheetname

    sources = {}
    coded = [v for v in codebook.variables.values() if v.is_category]
    for index, var in enumerate(coded):
        labels = choices(var, codebook)
        sheet.write_string(0, index, var.name)
        for row, label in enumerate(labels, start=1):
            sheet.write_string(row, index, label)
        letter = _column_letter(index)
        name = quote_sheetname(sheet.name)
        sources[var.name] = f"={name}!${letter}$2:${letter}${len(labels) + 1}"
    return sources


def _width(var: Variable, codebook: Codebook) -> int:
    sizes = text()["widths"]
    longest = max(
        [len(var.name), *(len(c) for c in choices(var, codebook))]
        if var.is_category
        else [len(var.name)]
    )
    return max(sizes["cases_min"], min(sizes["cases_max"], longest + 2))


def _write_cases(sheet, codebook: Codebook, sources: dict[str, str], formats: dict) -> None:
    """The header row, one column per variable, with its drop-down or check; no data."""
    variables = list(codebook.variables.values())
    last_row = int(text()["rows"]) + 1  # in Excel's numbering: the header is row 1
    letters = {var.name: _column_letter(i) for i, var in enumerate(variables)}
    for index, var in enumerate(variables):
        header = formats["header_final_report"] if var.final_report_only else formats["header"]
        sheet.write_string(0, index, var.name, header)
        # cells are text, so Excel never turns 2011-12 into a date or 007 into 7
        sheet.set_column(index, index, _width(var, codebook), formats["text"])
        options = _validation(var, codebook, letters[var.name], last_row, sources.get(var.name))
        sheet.data_validation(1, index, last_row - 1, index, options)
    _grey_without_report(sheet, codebook, letters, last_row, formats["no_report"])
    _grey_not_asked(sheet, codebook, letters, last_row, formats["no_report"])
    sheet.freeze_panes(1, 1)


def not_asked_formula(condition: Applicability, codebook: Codebook, letters: dict) -> str:
    """An Excel condition, on row 2, true where ``condition`` is known not to hold: each column
    it reads gives another code (or its label: Excel compares text ignoring case), or is
    itself an item not asked on the row (rules XF010-XF019 read it so).

    >>> cb = load_codebook()
    >>> not_asked_formula(cb.applicability["deaths"], cb, {"outcome": "E"})
    'AND(OR($E2="serious_harm",$E2="Serious harm"))'
    """
    parts = []
    for part in condition.conditions:
        var, cell = codebook[part.variable], f"${letters[part.variable]}2"
        others = [c for c in var.valid_codes if c not in part.codes]
        words = [w.replace('"', '""') for c in others for w in dict.fromkeys([c, var.codes[c]])]
        tests = [f'{cell}="{word}"' for word in words]
        inner = asked_of_condition(part.variable)
        if inner is not None:
            tests.append(not_asked_formula(inner, codebook, letters))
        parts.append(f"OR({','.join(tests)})")
    return f"AND({','.join(parts)})"


def _grey_not_asked(sheet, codebook: Codebook, letters: dict, last_row: int, grey) -> None:
    """Cells of an item asked of some children only turn grey where the row says it is not."""
    for index, var in enumerate(codebook.variables.values()):
        condition = codebook.asked_of(var.name)
        if condition is not None:
            formula = "=" + not_asked_formula(condition, codebook, letters)
            options = {"type": "formula", "criteria": formula, "format": grey}
            sheet.conditional_format(1, index, last_row - 1, index, options)


def _grey_without_report(sheet, codebook: Codebook, letters: dict, last_row: int, grey) -> None:
    """Cells coded only from the final report turn grey in a row whose report is not available."""
    report = codebook.variables.get("final_report_available")
    if report is None:
        return
    # Excel compares text ignoring case: the label "No" and the code "no" both grey the row
    condition = f'=${letters[report.name]}2="{report.codes["no"]}"'
    for index, var in enumerate(codebook.variables.values()):
        if var.final_report_only:
            options = {"type": "formula", "criteria": condition, "format": grey}
            sheet.conditional_format(1, index, last_row - 1, index, options)


def write_template(period: str, path: Path | str) -> Path:
    """Write the blank coding workbook of a review period; return its path.

    Parameters
    ----------
    period : {"2011-14", "2014-17"}
        The review period whose codebook the workbook follows.
    path : path-like
        The ``.xlsx`` file to write (replaced whole, never left half-written).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        ``period`` is not a review period of the codebook.
    """
    import xlsxwriter

    from analysis.coding.template_sheets import write_codebook_sheet, write_read_me

    codebook = load_codebook(period)
    words = text()
    names = words["sheets"]
    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    with replacing(path) as temporary:
        book = xlsxwriter.Workbook(str(temporary), options)
        formats = {name: book.add_format(spec) for name, spec in words["formats"].items()}
        read_me = book.add_worksheet(names["read_me"])
        cases = book.add_worksheet(names["cases"])
        codebook_sheet = book.add_worksheet(names["codebook"])
        lists = book.add_worksheet(names["lists"])
        write_read_me(read_me, codebook, formats)
        _write_cases(cases, codebook, _write_lists(lists, codebook), formats)
        write_codebook_sheet(codebook_sheet, codebook, formats)
        # the drop-downs' source, locked so nobody edits it by mistake; visible, because the
        # loader would say of a hidden sheet that it was not read, and invite unhiding it
        lists.protect()
        read_me.activate()
        properties = {k: v.format(period=period) for k, v in words["properties"].items()}
        book.set_properties({**properties, "created": FIXED_CREATED})
        try:
            book.close()
        except xlsxwriter.exceptions.FileCreateError as exc:  # a full disk, say: as OSError
            raise OSError(str(exc)) from None
    return Path(path)
