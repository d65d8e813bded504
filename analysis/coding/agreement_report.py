"""The agreement check as the coding team reads it: a plain-text table, and a CSV.

Both say first that they are for the coding team, not for publication: the numbers are small
and shown as they are, and the case ids where coders differ are listed so they can be
resolved. The CSV keeps full precision; its first lines (starting ``#``) carry the notice and
the cases in one file only, so it reads with ``pandas.read_csv(path, comment="#")``.
"""

from __future__ import annotations

import csv
import io
import textwrap
from pathlib import Path

import numpy as np

from analysis.casedata.codebook import all_variables
from analysis.coding.agreement import Agreement, text
from analysis.files import write_text

_WIDTH = 100


def _number(value: float, decimals: int) -> str:
    return "-" if not np.isfinite(value) else f"{value:.{decimals}f}"


def _ids(ids: list[str]) -> str:
    return ", ".join(ids) if ids else text()["text"]["none"]


def preamble(result: Agreement) -> list[str]:
    """The lines before the table: notice, the files, what was matched and how."""
    words = text()["text"]
    pair = result.pair
    lines = [words["title"], *textwrap.wrap(" ".join(text()["notice"].split()), _WIDTH), ""]
    for which, path, n in zip("AB", pair.paths, pair.sizes, strict=True):
        lines.append(words["coder"].format(which=which, path=path, n=n))
    lines.append(words["matched"].format(n=len(pair.a), periods=", ".join(pair.periods)))
    for which, ids in (("A", pair.only_a), ("B", pair.only_b)):
        lines.append(words["only"].format(which=which, n=len(ids), ids=_ids(ids)))
    lines += textwrap.wrap(words["final_report"].format(n=result.final_report_count), _WIDTH)
    lines += textwrap.wrap(words["only_where"], _WIDTH)
    if any(all_variables()[name].asked_of for name in result.variables["variable"]):
        lines += textwrap.wrap(words["asked_of"], _WIDTH)
    lines += textwrap.wrap(words["review_level"], _WIDTH)
    if result.not_compared:
        items = "; ".join(f"{name} ({why})" for name, why in result.not_compared.items())
        lines += textwrap.wrap(words["not_compared"].format(items=items), _WIDTH)
    return lines


def _table(result: Agreement) -> list[str]:
    words = text()["text"]
    cells = [words["columns"]]
    for r in result.variables.itertuples(index=False):
        interval = (
            words["interval"].format(
                low=_number(r.kappa_ci_low, 2), high=_number(r.kappa_ci_high, 2)
            )
            if np.isfinite(r.kappa_ci_low)
            else r.kappa_note
        )
        cells.append(
            [
                r.variable,
                r.unit,
                str(r.compared_count),
                str(r.agree_count),
                _number(r.agreement_percent, 1),
                _number(r.kappa, 2),
                interval,
            ]
        )
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]) - 1)]
    lines = []
    for row in cells:
        # names and units to the left, numbers to the right, the interval (or why not) last
        left = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        right = [cell.rjust(width) for cell, width in zip(row[2:-1], widths[2:], strict=True)]
        lines.append("  ".join([*left, *right, row[-1]]).rstrip())
    return lines


def to_text(result: Agreement) -> str:
    """The whole check as text: preamble, one row per variable, then where the codes differ."""
    words = text()["text"]
    lines = [*preamble(result), "", *_table(result), "", words["reading"], ""]
    if result.disagreements.empty:
        lines.append(words["no_disagreements"])
    else:
        lines.append(words["disagreements"])
        for d in result.disagreements.itertuples(index=False):
            entry = f"{d.variable}: {d.coder_a} -> {d.coder_b}: {d.cases_count} ({d.case_ids})"
            lines += textwrap.wrap(entry, _WIDTH, initial_indent="  ", subsequent_indent="    ")
    return "\n".join(lines) + "\n"


def _disagreement_text(result: Agreement, variable: str) -> str:
    rows = result.disagreements[result.disagreements["variable"] == variable]
    return "; ".join(
        f"{d.coder_a} -> {d.coder_b}: {d.cases_count} ({d.case_ids})"
        for d in rows.itertuples(index=False)
    )


def write_csv(result: Agreement, path: Path | str) -> Path:
    """The per-variable table as CSV (UTF-8), with the disagreements of each variable as text.

    The first lines, starting with ``#``, say that it is for the coding team, not for
    publication, and which cases were in one file only.
    """
    words = text()["text"]
    head = [" ".join(text()["notice"].split())]
    head += [
        words["only"].format(which=which, n=len(ids), ids=_ids(ids))
        for which, ids in (("A", result.pair.only_a), ("B", result.pair.only_b))
    ]
    table = result.variables.assign(
        disagreements=[_disagreement_text(result, v) for v in result.variables["variable"]]
    )
    body = io.StringIO()
    table.to_csv(body, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return write_text(path, "".join(f"# {line}\n" for line in head) + body.getvalue())
