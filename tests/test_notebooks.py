"""Every notebook runs top to bottom on the shipped data (into a temporary output folder)."""

import pytest

from analysis.reproduce import chapter_notebooks, execute_notebook

NOTEBOOKS = chapter_notebooks()


def test_there_is_a_notebook_per_chapter():
    names = [p.name[:2] for p in NOTEBOOKS]
    assert names == [f"{i:02d}" for i in range(1, len(names) + 1)]
    assert len(names) >= 8


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path, tmp_path, monkeypatch):
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path))
    result = execute_notebook(path)
    assert result.ok, f"{path.name}: {result.error}"
    written = list((tmp_path / "outputs").glob("*.csv"))
    assert written, f"{path.name} wrote no table"
    for table in written:
        assert table.read_text(encoding="utf-8").splitlines()[1].startswith("SYNTHETIC DATA,")
    for png in (tmp_path / "figures").glob("*.png"):
        stem = png.with_suffix("")
        for suffix in (".svg", ".csv", ".alt.txt"):
            assert stem.with_suffix(suffix).exists(), f"{png.name} has no {suffix} beside it"
