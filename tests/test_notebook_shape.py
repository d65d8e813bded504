"""The shape of a chapter notebook (issue 22): the notebook narrates, the library computes.

A reader of a chapter meets one call per table (``run.table(chapter.x(cases), "NN_x")``) and
one per figure (``run.figure(charts.x(table), "NN_x")``), each followed by a view of it, with
narration between them. So no code cell is long, a notebook imports a handful of modules
rather than dozens of names, and nothing about disclosure control appears in a cell: the run
protects each table, and the library, not the cell, leaves out internal columns.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from analysis.pipeline.notebooks import chapter_notebooks

#: The most lines of code (blank lines not counted) a code cell may have: imports and the run
#: (the first cell), a table's call and its view, or a short loop over periods or optional
#: columns as ruff formats it (one call split over several lines); a 15-line keyword call is not.
MAX_CELL_LINES = 10
#: The most names a notebook may import: ``load_cases``, ``Run``, the chapter, its views and
#: its charts, and one or two more where a chapter spans two modules.
MAX_IMPORTED_NAMES = 8
#: Text no code cell may hold, and why.
FORBIDDEN = {
    "members__": "membership columns are internal to disclosure control: never in a cell",
    "drop(columns=": "a chapter function or view returns the columns a reader needs",
    "suppress": "protection is the run's business (run.table), not a cell's",
    "disclosure": "protection is the run's business (run.table), not a cell's",
}
#: A branch on the kind of data in a cell (what the synthetic data was calibrated to, what the
#: generator put in): the library decides from the cases, and says so.
SYNTHETIC_BRANCH = re.compile(r"\bif\s+(?:not\s+)?run\.synthetic\b")
#: Chapter notebooks another part of the work reshapes; each must still break a rule (when it
#: no longer does, take it off this list, so the rules hold for it too).
NOT_YET_RESHAPED = {"08_scorecard.ipynb": "the scorecard's notebook, reshaped with its subgroups"}


def code_cells(path: Path) -> list[str]:
    """The source of each code cell of a notebook."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def lines_of_code(source: str) -> int:
    """A cell's lines, blank lines not counted."""
    return sum(1 for line in source.splitlines() if line.strip())


def imported_names(sources: list[str]) -> list[str]:
    """Every name the cells bind by an import (``from a import b as c`` binds ``c``)."""
    names = []
    for source in sources:
        # a line magic or shell escape is not Python: left out before parsing
        kept = "\n".join(
            line for line in source.splitlines() if line.lstrip()[:1] not in ("%", "!")
        )
        for node in ast.walk(ast.parse(kept)):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names += [(alias.asname or alias.name).split(".")[0] for alias in node.names]
    return names


def problems(path: Path) -> list[str]:
    """What in a notebook breaks the shape, in words."""
    sources = code_cells(path)
    found = []
    for number, source in enumerate(sources, 1):
        if lines_of_code(source) > MAX_CELL_LINES:
            found.append(f"code cell {number}: {lines_of_code(source)} lines of code")
        for text, why in FORBIDDEN.items():
            if text in source.lower():
                found.append(f"code cell {number}: {text!r} ({why})")
        if SYNTHETIC_BRANCH.search(source):
            found.append(f"code cell {number}: a branch on run.synthetic (the library decides)")
    names = imported_names(sources)
    if len(names) > MAX_IMPORTED_NAMES:
        found.append(f"{len(names)} imported names: {', '.join(names)}")
    return found


SHAPED = [p for p in chapter_notebooks() if p.name not in NOT_YET_RESHAPED]


def test_every_chapter_notebook_is_checked():
    assert len(SHAPED) >= 7
    assert set(NOT_YET_RESHAPED) <= {p.name for p in chapter_notebooks()}


@pytest.mark.parametrize("path", SHAPED, ids=lambda p: p.stem)
def test_chapter_notebook_has_the_shape(path):
    assert problems(path) == []


@pytest.mark.parametrize("name", sorted(NOT_YET_RESHAPED))
def test_a_notebook_let_off_still_needs_it(name):
    path = next(p for p in chapter_notebooks() if p.name == name)
    assert problems(path), f"{name} has the shape now: take it off NOT_YET_RESHAPED"


def _notebook(tmp_path: Path, *sources: str) -> Path:
    cells = [{"cell_type": "code", "source": s, "metadata": {}, "outputs": []} for s in sources]
    cells.insert(0, {"cell_type": "markdown", "source": "import a, b, c, d, e, f, g, h, i"})
    path = tmp_path / "99_probe.ipynb"
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    return path


def test_the_rules_pass_a_notebook_of_the_shape(tmp_path):
    path = _notebook(
        tmp_path,
        "from analysis import load_cases\nfrom analysis.chapters import children as chapter\n\n"
        "cases = load_cases()",
        'ages = run.table(chapter.age_bands(cases), "02_age_bands")\nviews.age_bands(ages)',
        'run.figure(charts.age_bands(ages), "02_age_bands")  # synthetic=run.synthetic is fine',
    )
    assert problems(path) == []


def test_the_rules_find_what_a_long_notebook_did(tmp_path):
    long_cell = "\n".join(f"x{i} = {i}" for i in range(MAX_CELL_LINES + 1))
    many = "from analysis.charts import (\n" + "".join(f"    n{i},\n" for i in range(9)) + ")"
    path = _notebook(
        tmp_path,
        long_cell,
        many,
        'series.drop(columns="members__implied")',
        "if not run.synthetic:\n    compared = compared.drop(columns=['calibrated_to'])",
        "%matplotlib inline\nimport pandas as pd",
    )
    found = problems(path)
    assert f"code cell 1: {MAX_CELL_LINES + 1} lines of code" in found
    assert any(p.startswith("code cell 3: 'members__'") for p in found)
    assert any(p.startswith("code cell 3: 'drop(columns='") for p in found)
    assert any(p.startswith("code cell 4: 'drop(columns='") for p in found)
    assert "code cell 4: a branch on run.synthetic (the library decides)" in found
    assert found[-1].startswith("10 imported names: n0, n1")  # the markdown cell is not code


def test_blank_lines_do_not_count_and_import_aliases_do():
    assert lines_of_code("a = 1\n\n   \nb = 2\n") == 2
    assert imported_names(["import numpy as np\nfrom a.b import c as d, e"]) == ["np", "d", "e"]
    assert imported_names(["import os.path"]) == ["os"]
