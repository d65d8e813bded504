"""Promises about what is committed: no notebook outputs, no real case data."""

import json
import shutil
import subprocess

import pytest

from analysis.paths import NOTEBOOKS_DIR, ROOT


def _notebooks():
    # JupyterLab's checkpoint copies carry outputs but are ignored by git, so not checked
    return sorted(p for p in NOTEBOOKS_DIR.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.name)
def test_committed_notebooks_carry_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name}: strip outputs before committing"
            assert cell.get("execution_count") is None, f"{path.name}: execution counts left"


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        ("data/raw/my_real_cases.csv", True),
        ("data/raw/sub/cases.sav", True),
        ("data/raw/README.md", False),
        ("data/synthetic/synthetic_cases_2011-14.csv", False),
        ("notebooks/01_overview.ipynb", False),
        ("figures/fig.png", True),
        ("outputs/table.csv", True),
        ("runs/my_cases/outputs/scorecard.csv", True),
        ("report/index.html", True),
        ("coding/coding_workbook_2011-14.xlsx", True),
        ("coding/scr_labels_2011-14.sps", True),
    ],
)
def test_gitignore_keeps_real_data_out_and_synthetic_in(path, ignored):
    run = subprocess.run(
        ["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT, capture_output=True
    )
    assert (run.returncode == 0) is ignored


def test_every_doc_the_readme_and_docs_name_exists():
    """A page the README or a doc points at must be there (docs/disclosure.md once was not)."""
    import re

    from analysis.paths import ROOT

    named = set()
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        named |= set(re.findall(r"`(docs/[\w.-]+\.md)`", page.read_text(encoding="utf-8")))
    assert named and all((ROOT / name).exists() for name in named), sorted(
        n for n in named if not (ROOT / n).exists()
    )


def test_every_function_docs_methods_md_names_exists():
    """docs/methods.md ties each method to the code that implements it: every dotted name it
    gives (``analysis.stats.compare.Statement``) and every bare name in its module must exist."""
    import importlib
    import re

    from analysis.paths import ROOT

    text = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    dotted = set(re.findall(r"`(analysis(?:\.\w+)+)", text))
    assert len(dotted) >= 6  # the regex finds them (a guard against a test that checks none)
    for name in sorted(dotted):
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):  # the longest importable module, then attributes
            try:
                target = importlib.import_module(".".join(parts[:cut]))
            except ModuleNotFoundError:
                continue
            for attribute in parts[cut:]:
                assert hasattr(target, attribute), name
                target = getattr(target, attribute)
            break
    trends = importlib.import_module("analysis.chapters.trends")
    calibration = importlib.import_module("analysis.synthetic.calibration")
    for bare, module in [
        ("person_years", trends),
        ("population_by_year", trends),
        ("HELD_OUT", calibration),
        ("TARGETS", calibration),
    ]:
        assert f"`{bare}`" in text and hasattr(module, bare), bare
