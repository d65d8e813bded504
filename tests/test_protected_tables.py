"""The own-data report shows the protected tables (issue 21, item 5).

On own data an executed notebook keeps no printed output. Where a cell wrote a table, the note
left in its place names the table, and the report shows that table's checked file there: its
[c] marks and its data label, never a value the checking record did not vouch for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from analysis.pipeline.notebooks import execute_notebook
from analysis.publish.checking import WITHHELD_KEY, withhold_notebook_text
from analysis.publish.run import FIGURE_METADATA_KEY, TABLE_METADATA_KEY, TableWritten
from analysis.site.build import build_report
from analysis.site.tables import show_tables

#: Printed by a stand-in cell beside the table: unprotected, it must never reach a page.
UNPROTECTED = "UNPROTECTED: status a has 2 children"


def _shown(obj) -> dict:
    """The output a kernel gives for ``display(obj)`` (its mime bundle and metadata)."""
    data, metadata = obj._repr_mimebundle_()
    return new_output("display_data", data=data, metadata=metadata)


def _printed(text: str) -> dict:
    return new_output("stream", name="stdout", text=text)


def _table_cells(html: str) -> list[list[str]]:
    """The body rows of every table on a page, as text."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [[re.sub(r"<[^>]+>", "", c) for c in row] for row in cells if row]


def test_a_cell_that_wrote_a_table_names_it_in_place_of_its_printed_output(tmp_path):
    figure_png = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}
    nb = new_notebook(
        cells=[
            # wrote a table and printed it (and more): one note, naming the table
            new_code_cell(
                "t = run.table(t, '01_status')\nprint(n)\nt",
                outputs=[
                    _shown(TableWritten("01_status")),
                    _printed(UNPROTECTED),
                    new_output("execute_result", data={"text/plain": "a 2"}, execution_count=1),
                ],
            ),
            # printed text and no table: the note says where the tables are
            new_code_cell("print(run.describe())", outputs=[_printed("Data: Own data. 70")]),
            # wrote a table and drew a figure, printing nothing: the figure alone stays
            new_code_cell(
                "run.figure(...)",
                outputs=[
                    _shown(TableWritten("03_by_age")),
                    new_output(
                        "execute_result",
                        data=figure_png,
                        metadata={FIGURE_METADATA_KEY: {"name": "03_by_age"}},
                        execution_count=3,
                    ),
                ],
            ),
            # a record naming a file outside the run's tables names nothing
            new_code_cell(
                "forged",
                outputs=[
                    new_output(
                        "display_data",
                        data={"text/plain": "x"},
                        metadata={TABLE_METADATA_KEY: {"name": "../x", "file": "../x.csv"}},
                    ),
                    _printed(UNPROTECTED),
                ],
            ),
        ]
    )
    path = tmp_path / "01_fake.ipynb"
    nbformat.write(nb, path)
    withhold_notebook_text(path, tmp_path)
    written = nbformat.read(path, as_version=4)
    cells = written.cells
    assert written.metadata[TABLE_METADATA_KEY] == [  # every table it wrote, printed or not
        {"name": "01_status", "file": "outputs/01_status.csv"},
        {"name": "03_by_age", "file": "outputs/03_by_age.csv"},
    ]
    [note] = cells[0].outputs
    assert note["metadata"] == {
        WITHHELD_KEY: True,
        TABLE_METADATA_KEY: {"name": "01_status", "file": "outputs/01_status.csv"},
    }
    assert note["data"] == {
        "text/plain": "[Output withheld on own data: printed text is not disclosure-checked. "
        "The protected table it shows is outputs/01_status.csv, listed in "
        "checking/results.json.]\n"
    }
    [note] = cells[1].outputs
    assert note["metadata"] == {WITHHELD_KEY: True}
    assert "The protected tables are in outputs/" in note["data"]["text/plain"]
    [figure] = cells[2].outputs
    assert figure["data"] == {"image/png": "iVBORw0KGgo="}
    [note] = cells[3].outputs
    assert note["metadata"] == {WITHHELD_KEY: True}
    assert UNPROTECTED not in path.read_text(encoding="utf-8")


@pytest.mark.notebooks
def test_a_table_written_in_a_kernel_tells_its_cell_which_it_is(tmp_path, monkeypatch):
    """In the pipeline's second pass on own data, the cell that wrote a table says so in an
    output's metadata (as a figure does), whatever the cell then prints."""
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("SCR_RUN_STAGE", "publish")
    code = (
        "import pandas as pd\n"
        "from analysis import load_cases\n"
        "from analysis.publish.run import public_statistics_run\n"
        "run = public_statistics_run(load_cases())\n"
        "table = run.table(pd.DataFrame({'year': [2011], 'value': [3]}), '06_test')\n"
        "table.pivot_table(index='year', values='value')"
    )
    source = tmp_path / "table.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(code)]), source)
    result = execute_notebook(source, tmp_path / "executed")
    assert result.ok, result.error
    [cell] = nbformat.read(tmp_path / "executed" / "table.ipynb", as_version=4).cells
    said = [o["metadata"][TABLE_METADATA_KEY] for o in cell.outputs if o.get("metadata")]
    assert said == [{"name": "06_test", "file": "outputs/06_test.csv"}]
    assert (tmp_path / "run" / "outputs" / "06_test.csv").is_file()


def _stand_in(run, stage, out_dir):
    """A table with a small count, and an executed notebook that printed it unprotected."""
    small = pd.DataFrame(
        {
            "label": ["a", "b", "c"],
            "count": [2, 9, 8],
            "members__count": [("R1",) * 2, ("R2",) * 9, ("R3",) * 8],
        }
    )
    run.table(small, "01_status")
    if stage != "publish":
        return
    nb = new_notebook(
        cells=[
            new_code_cell(
                "status = run.table(small, '01_status')\nstatus",
                outputs=[
                    _shown(TableWritten("01_status")),
                    new_output(
                        "execute_result", data={"text/plain": UNPROTECTED}, execution_count=1
                    ),
                ],
            ),
            new_code_cell("print(run.describe())", outputs=[_printed(UNPROTECTED)]),
        ]
    )
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, Path(out_dir) / "01_fake.ipynb")


def test_the_report_of_own_data_shows_the_protected_table_where_output_was_withheld(own_run):
    """The old report showed "[Output withheld on own data]" in every cell that printed a
    table; it now shows the table's checked file there, with its [c], and nothing else."""
    code, runs = own_run(extra=_stand_in)
    assert code == 0
    run = runs / "my_cases"
    written = pd.read_csv(run / "outputs" / "01_status.csv", keep_default_na=False)
    assert written["count"].tolist() == ["", "9", "8"]  # the 2 is suppressed
    record = json.loads((run / "checking" / "results.json").read_text())
    entry = next(e for e in record["outputs"] if e["file"] == "outputs/notebooks/01_fake.ipynb")
    assert entry["status"] == "pass"
    build_report(run)
    html = (run / "report" / "01_fake.html").read_text(encoding="utf-8")
    assert UNPROTECTED not in html
    assert _table_cells(html) == [["a", "[c]"], ["b", "9"], ["c", "8"]]
    assert "Status (chapter 1)" in html  # its title, as the workbook names it
    assert "Count (number)" in html and "Data: Own data." in html
    assert '<a href="tables/01_status.csv"><code>outputs/01_status.csv</code></a>' in html
    assert (run / "report" / "tables" / "01_status.csv").read_bytes() == (
        run / "outputs" / "01_status.csv"
    ).read_bytes()
    # the cell that wrote no table keeps its note, which says where the tables are
    assert html.count("Output withheld on own data") == 1
    note = html[html.index("Output withheld on own data") :]
    assert "This cell wrote no table of its own." in note
    assert "The protected tables this notebook wrote, as checked for release:" in note
    assert '<a href="tables/01_status.csv"><code>outputs/01_status.csv</code></a>.' in note
    assert '<a href="index.html#tables">home page</a>' in note
    assert 'id="tables"' in (run / "report" / "index.html").read_text(encoding="utf-8")


def test_a_table_the_report_may_not_use_is_never_read(tmp_path):
    """Only the report's copies of checked files are shown: a note naming any other table
    stays a note (and the file it names is not opened)."""
    nb = _withheld_notebook("01_status")
    other = tmp_path / "02_other.csv"
    other.write_text("dataset,count\nOwn data,7\n", encoding="utf-8")
    [shown] = show_tables(nb, {"02_other": other}).cells[0].outputs
    html = shown["data"]["text/html"]
    assert "<table" not in html
    assert "<code>outputs/01_status.csv</code>, is not among the files this report may" in html
    assert "--include-review" in html


def test_a_long_table_is_folded(tmp_path):
    rows = pd.DataFrame({"dataset": "Own data", "label": [f"row {i}" for i in range(30)]})
    rows["count"] = range(30)
    path = tmp_path / "01_long.csv"
    rows.to_csv(path, index=False)
    nb = _withheld_notebook("01_long")
    [shown] = show_tables(nb, {"01_long": path}).cells[0].outputs
    html = shown["data"]["text/html"]
    assert "<summary>Show its 30 rows</summary>" in html
    assert _table_cells(html)[29] == ["row 29", "29"]


def _withheld_notebook(table: str):
    """A notebook of one cell whose printed output was withheld, naming the table it wrote."""
    note = new_output(
        "display_data",
        data={"text/plain": "withheld"},
        metadata={
            WITHHELD_KEY: True,
            TABLE_METADATA_KEY: {"name": table, "file": f"outputs/{table}.csv"},
        },
    )
    return new_notebook(cells=[new_code_cell("t", outputs=[note])])
