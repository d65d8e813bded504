"""Protected tables in the report of a run on own data, where notebooks withheld printed output.

On own data an executed notebook keeps no printed output: printed text is not disclosure-checked
(:func:`analysis.publish.checking.withhold_notebook_text`). Where a cell wrote a table, the
note left in its place names the table's file; the report shows that file there instead, read
from the copy the report made of it (whose bytes are those the checking record vouches for),
with its markers in brackets as the workbook shows them (:func:`analysis.publish.workbook.shown`)
and the data's label. A note naming no table, or a table the report may not use, stays a note
that says where the tables are. Nothing else is ever read: no value reaches a page unless the
file holding it was checked.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from analysis.publish.checking import WITHHELD_KEY, table_written
from analysis.publish.run import TABLE_METADATA_KEY
from analysis.publish.workbook import shown, table_title
from analysis.site.layout import render

#: A table longer than this is folded (a summary line opens it), so the notebook reads on.
FOLD_ROWS = 25


def _cell(value) -> dict:
    """One cell as shown: its text, and whether it is a number (aligned right)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return {"text": "" if value is None else str(value), "number": False}
    if isinstance(value, float) and math.isnan(value):
        return {"text": "", "number": True}
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return {"text": str(value), "number": True}


def table_view(path: Path, name: str) -> dict:
    """What the page shows of one protected table.

    Parameters
    ----------
    path : Path
        The checked CSV file (the report's copy of ``outputs/{name}.csv``).
    name : str
        The table's name (its file's stem).

    Returns
    -------
    dict
        ``name``, ``file`` (as the run names it), ``title``, ``label`` (the data that made
        it, from its ``dataset`` column), ``headers`` (in words, with units) and ``rows``
        (cells with ``text`` and ``number``).
    """
    table = pd.read_csv(path, keep_default_na=True)
    labels = table["dataset"].dropna().unique() if "dataset" in table else []
    view = shown(table)
    return {
        "name": name,
        "file": f"outputs/{name}.csv",
        "title": table_title(name),
        "label": "; ".join(str(label) for label in labels),
        "headers": [str(c) for c in view.columns],
        "rows": [[_cell(v) for v in row] for row in view.itertuples(index=False)],
    }


def show_tables(nb, tables: dict[str, Path]):
    """Show each table a cell wrote where the notebook withheld the cell's printed output.

    Parameters
    ----------
    nb : NotebookNode
        An executed notebook of a run on own data (changed in place).
    tables : dict
        The tables the report may use, by name: the report's copies of the checked files.

    Returns
    -------
    NotebookNode
        ``nb``, each note of withheld output (``scr_withheld`` metadata) replaced by the
        protected table it names, or by a note saying where the tables are: those the
        notebook wrote (its metadata lists them), and every table of the run.
    """
    from nbformat.v4 import new_output

    listed = nb.metadata.get(TABLE_METADATA_KEY, [])
    wrote = [t for t in map(table_written, listed if isinstance(listed, list) else []) if t]
    # the notebook's tables the report may use: named in a note whose cell wrote none
    usable = [t for t in wrote if t.name in tables]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            metadata = output.get("metadata", {})
            if metadata.get(WITHHELD_KEY):
                written = table_written(metadata.get(TABLE_METADATA_KEY))
                if written is not None and written.name in tables:
                    view = table_view(tables[written.name], written.name)
                    html = render("protected_table.html.j2", table=view, fold=FOLD_ROWS)
                else:
                    file = written.file if written else ""
                    html = render("withheld.html.j2", file=file, notebook_tables=usable)
                output = new_output("display_data", data={"text/html": str(html)})
            outputs.append(output)
        cell.outputs = outputs
    return nb
