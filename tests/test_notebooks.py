"""Every notebook runs top to bottom on the shipped data (into a temporary output folder)."""

import re

import pytest

from analysis.pipeline.kernels import WorkerKernel
from analysis.pipeline.notebooks import chapter_notebooks, execute_notebook
from analysis.publish.run import PUBLIC_STATISTICS_OUTPUTS

NOTEBOOKS = chapter_notebooks()


def public_statistics(name: str) -> bool:
    return name.startswith(PUBLIC_STATISTICS_OUTPUTS)


#: The longest alt text a figure may have, its data stamp and source included: a few sentences.
ALT_TEXT_LIMIT = 900
#: Ids of the register of published figures (p2011_cp_plan_current, nf_..., pre2011_...).
REGISTER_ID = re.compile(r"\b(?:p|pre)\d{4}_[a-z0-9_]+|\bnf_[a-z0-9_]+")


#: Chapter numbers kept for chapters still being written (issue 22: who harmed the child and
#: where children lived; vulnerability at different ages; vulnerable adolescents), so the
#: chapters after them keep their numbers and output names. Empty this when they land.
IN_PROGRESS = {10: "who harmed the child", 12: "vulnerability by age", 13: "adolescents"}


def test_there_is_a_notebook_per_chapter():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    expected = [i for i in range(1, max(numbers) + 1) if i not in IN_PROGRESS]
    assert numbers == expected
    assert not set(numbers) & set(IN_PROGRESS)  # a chapter that landed leaves the list
    assert len(numbers) >= 8


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path, tmp_path, monkeypatch):
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path))
    result = execute_notebook(path)
    assert result.ok, f"{path.name}: {result.error}"
    written = list((tmp_path / "outputs").glob("*.csv"))
    assert written, f"{path.name} wrote no table"
    # public statistics (chapter 6, chapter 4's assessment series) must not be stamped synthetic
    for table in written:
        expected = "Public statistics," if public_statistics(table.name) else "SYNTHETIC DATA,"
        assert table.read_text(encoding="utf-8").splitlines()[1].startswith(expected), table.name
    for png in (tmp_path / "figures").glob("*.png"):
        stem = png.with_suffix("")
        for suffix in (".svg", ".csv", ".alt.txt"):
            assert stem.with_suffix(suffix).exists(), f"{png.name} has no {suffix} beside it"
        alt = stem.with_suffix(".alt.txt").read_text(encoding="utf-8").strip()
        # a few sentences (every value is in the CSV beside it), with no register ids
        assert len(alt) <= ALT_TEXT_LIMIT, f"{png.name}: alt text of {len(alt)} characters"
        assert alt.endswith("."), png.name
        assert not REGISTER_ID.search(alt), f"{png.name}: {REGISTER_ID.search(alt).group(0)}"


@pytest.mark.notebooks
def test_figures_and_tables_regenerate_byte_identical(tmp_path, monkeypatch):
    """A rerun gives the same bytes, and so does a kernel reused for a second chapter (as
    `reproduce` runs them) as a new kernel for each (chapter 7 prints several lines in one
    cell: the kernel may flush them in pieces)."""
    runs = []
    for attempt in ("new kernels", "one kernel, reset"):
        run = tmp_path / "run"  # the same folder both times, as a rerun writes
        monkeypatch.setenv("SCR_OUTPUT_DIR", str(run))
        kernel = WorkerKernel() if attempt == "one kernel, reset" else None
        try:
            for stem in ("03_", "07_"):
                notebook = next(p for p in NOTEBOOKS if p.name.startswith(stem))
                out = run / "outputs" / "notebooks"
                assert execute_notebook(notebook, out_dir=out, kernel=kernel).ok
        finally:
            if kernel is not None:
                kernel.stop()
        run.rename(tmp_path / attempt)
        runs.append(tmp_path / attempt)
    first = sorted(p.relative_to(runs[0]) for p in runs[0].rglob("*.*"))
    assert first == sorted(p.relative_to(runs[1]) for p in runs[1].rglob("*.*"))
    assert any(p.suffix == ".png" for p in first)
    assert any(p.suffix == ".ipynb" for p in first)  # executed notebooks: no timestamps
    for relative in first:
        assert (runs[0] / relative).read_bytes() == (runs[1] / relative).read_bytes(), relative
