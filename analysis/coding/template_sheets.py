"""The coding workbook's ``read me`` and ``codebook`` sheets (see :mod:`analysis.coding.template`).

The ``codebook`` sheet lists the variables one per row, never as a header row: the loader takes
a sheet for cases only when a header names ``case_id`` beside another variable, so this sheet is
never mistaken for a second sheet of cases.
"""

from __future__ import annotations

from analysis.casedata.codebook import Codebook, Variable
from analysis.coding.choices import offered_codes
from analysis.coding.template import text


def _fill(words: str, codebook: Codebook) -> str:
    rows = int(text()["rows"])
    return words.format(period=codebook.period, title=codebook.title, rows=rows, last_row=rows + 1)


def write_read_me(sheet, codebook: Codebook, formats: dict) -> None:
    """How to code, how to check the file, and where it must never go: one paragraph a row."""
    sheet.set_column(0, 0, text()["widths"]["read_me"], formats["wrap"])
    row = 0
    for item in text()["read_me"]:
        ((kind, words),) = item.items()
        if kind == "heading" and row:
            row += 1  # a blank row before each heading
        style = {"title": formats["title"], "heading": formats["heading"]}.get(
            kind, formats["wrap"]
        )
        sheet.write_string(row, 0, _fill(words, codebook), style)
        row += 1


def _codes(var: Variable, codebook: Codebook) -> str:
    """The codes a coder may give, one a line: ``label = code (number)``."""
    if not var.is_category:
        words = text()["codebook"]
        form = var.pattern_description or var.pattern
        return words["pattern"].format(form=form) if form else words["text"]
    return "\n".join(
        f"{var.codes[code]} = {code} ({var.numeric[code]})" for code in offered_codes(var, codebook)
    )


def _variable_row(index: int, var: Variable, codebook: Codebook) -> list[str]:
    from xlsxwriter.utility import xl_col_to_name

    words = text()["codebook"]
    return [
        xl_col_to_name(index),
        var.name,
        var.label,
        words["yes"] if var.required else words["no"],
        words["coded_from"]["final_report" if var.final_report_only else "all"],
        words["level"][var.level],
        _codes(var, codebook),
        ", ".join(var.missing_codes),
        var.description,
        _asked_of(var, codebook),
        var.source,
    ]


def _asked_of(var: Variable, codebook: Codebook) -> str:
    """Who an item is asked of, with the rule that checks it, or "all"."""
    words = text()["codebook"]
    condition = codebook.asked_of(var.name)
    if condition is None:
        return words["asked_of_all"]
    return words["asked_of"].format(who=condition.description, rule=condition.rule)


def write_codebook_sheet(sheet, codebook: Codebook, formats: dict) -> None:
    """Every variable (its column, label, codes with their numbers, meaning), then the rules."""
    from analysis.casedata.rules import rule_catalogue

    words = text()["codebook"]
    for index, width in enumerate(text()["widths"]["codebook"]):
        sheet.set_column(index, index, width, formats["wrap"])
    sheet.write_string(0, 0, _fill(words["title"], codebook), formats["title"])
    sheet.write_string(1, 0, words["intro"])
    header = 3
    sheet.write_row(header, 0, words["columns"], formats["header"])
    row = header + 1
    for index, var in enumerate(codebook.variables.values()):
        sheet.write_row(row, 0, _variable_row(index, var, codebook), formats["wrap"])
        row += 1
    row += 1
    sheet.write_string(row, 0, words["rules_title"], formats["heading"])
    sheet.write_row(row + 1, 0, words["rules_columns"], formats["header"])
    for offset, rule in enumerate(rule_catalogue().itertuples(index=False), start=row + 2):
        sheet.write_row(offset, 0, [rule.code, rule.name, rule.severity, rule.message])
    sheet.freeze_panes(header + 1, 2)
