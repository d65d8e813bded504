"""A static HTML report of a run: scorecard, notebooks, figures, data register and assumptions.

``python -m analysis report`` (``make report``) turns what ``make reproduce`` wrote into a
self-contained folder of plain HTML pages that opens from disk in any browser, with no network:

- ``index.html``: what the kit is, which data made the run (a banner when it is synthetic), the
  scorecard summary and table, and links to every other page;
- one page per executed notebook in ``<run>/outputs/notebooks/`` (rendered by nbconvert, with
  the figures each cell saved shown in place, on own data the protected table a cell wrote in
  place of its withheld printed output, and no scripts loaded from anywhere);
- ``figures.html``: every figure with its alt text, and links to its PNG, SVG, plotted data and
  alt text (the files are copied into the report);
- ``data_register.html``, ``assumptions.html`` and ``codebook.html`` from the Markdown in
  ``data/README.md`` and ``docs/``.

The report is written to ``<run>/report/`` (``report/`` at the repository root for the shipped
data, git-ignored) unless told otherwise. The same outputs give byte-identical pages.

On own data only checked files leave: the report uses only the files the run's checking record
lists, unchanged since (:func:`analysis.site.contents.checked_files`), refuses a run holding any
other, and is then listed in that record itself (:func:`analysis.publish.checking.add_report`).
Its files are written as the run's outputs are (:func:`analysis.files.replacing`).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd

from analysis.casedata.report import kit_python
from analysis.files import copy_file, replace_folder, replacing
from analysis.paths import DATA_DIR, DOCS_DIR
from analysis.publish.checking import add_report
from analysis.site.contents import (
    Checked,
    ReportError,
    checked_files,
    data_labels,
    default_run_root,
    find_figures,
    find_notebooks,
)
from analysis.site.layout import Site
from analysis.site.notebook_html import make_exporter, notebook_page
from analysis.site.pages import document_page, figures_page, index_page

#: A file in every report folder, so that rebuilding may replace the folder (and nothing else).
MARKER = ".scr-report"
REPORT_DIRNAME = "report"

#: Markdown documents rendered as pages: (source, page, title).
DOCUMENTS = [
    (DATA_DIR / "README.md", "data_register.html", "Data register"),
    (DOCS_DIR / "assumptions.md", "assumptions.html", "Assumptions and caveats log"),
    (DOCS_DIR / "codebook.md", "codebook.html", "Codebook"),
]


def _prepare_out_dir(out_dir: Path) -> Path:
    """A fresh folder beside ``out_dir`` to build in (refusing to replace a non-report folder)."""
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ReportError(f"{out_dir} exists and is not a folder")
        if any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
            raise ReportError(
                f"{out_dir} is not empty and is not a report folder: choose another --out "
                "(the report replaces its folder)"
            )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = out_dir.parent / f".{out_dir.name}.building-{os.getpid()}"
    if work.exists():  # left by a build that was killed
        shutil.rmtree(work)
    work.mkdir()
    return work


def _read_scorecard(outputs_dir: Path) -> pd.DataFrame:
    path = outputs_dir / "scorecard.csv"
    if not path.is_file():
        raise ReportError(
            f"no scorecard at {path}: run `make reproduce` (or `{kit_python()} -m analysis "
            "reproduce`, from the kit's folder) first, then build the report"
        )
    scorecard = pd.read_csv(path)
    missing = [c for c in ("figure_id", "statement", "status") if c not in scorecard.columns]
    if missing:
        raise ReportError(f"{path} is not a scorecard (no {', '.join(missing)} column)")
    scorecard["statement"] = scorecard["statement"].fillna("")
    return scorecard


def _write(path: Path, text: str) -> None:
    """Write a page as the run's outputs are written (same writer, same permissions), with
    ``\n`` line ends on every system, so the same outputs give the same bytes."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def _copy(source: Path, path: Path, checked: Checked) -> None:
    copy_file(source, path)
    checked.confirm(source, path)  # the bytes released are the bytes checked


def build_report(
    run_root: Path | None = None, out_dir: Path | None = None, *, include_review: bool = False
) -> Path:
    """Build the static HTML report of a run; return the path of its ``index.html``.

    Parameters
    ----------
    run_root : path, optional
        The run's folder, holding ``outputs/`` (with ``scorecard.csv`` and ``notebooks/``) and
        ``figures/``. Default: ``$SCR_OUTPUT_DIR`` if set, else the repository (the shipped
        synthetic data's outputs).
    out_dir : path, optional
        Where to write the report. Default: ``<run_root>/report`` (``report/`` at the repository
        root for the shipped data; git-ignored). A previous report there is replaced; any other
        non-empty folder is refused.
    include_review : bool
        On own data, use the files the checking record marks ``review`` too (a person has read
        them); by default only ``pass`` files are used, and the others are named in
        ``manifest.json`` (``left_out_for_review``).

    Raises
    ------
    ReportError
        When the run has no ``outputs/scorecard.csv`` (run ``make reproduce`` first),
        ``out_dir`` is a folder that is not a report, or, on own data, the checking record
        says the run failed or does not vouch for a file in ``outputs/`` or ``figures/``.
    """
    run_root = Path(run_root).expanduser().resolve() if run_root else default_run_root()
    out_dir = Path(out_dir).expanduser().resolve() if out_dir else run_root / REPORT_DIRNAME
    outputs_dir = run_root / "outputs"
    scorecard = _read_scorecard(outputs_dir)
    checked = checked_files(run_root, include_review)
    if not checked.keeps(outputs_dir / "scorecard.csv"):
        raise ReportError("the scorecard is marked for review: build with --include-review")
    figures = find_figures(run_root / "figures", checked.keeps)
    by_name = {f.name: f for f in figures}
    notebooks = find_notebooks(outputs_dir / "notebooks", checked.keeps)
    site = Site(data_labels(scorecard), notebooks)
    tables = sorted(p.name for p in outputs_dir.glob("*.csv") if checked.keeps(p))

    work = _prepare_out_dir(out_dir)
    try:
        built_by = "Built by `python -m analysis report`; rebuilding replaces this folder.\n"
        _write(work / MARKER, built_by)
        for sub in ("figures", "tables", "notebooks"):
            (work / sub).mkdir()
        for fig in figures:
            for path in (fig.png, fig.svg, fig.csv, fig.alt_file):
                if path is not None:
                    _copy(path, work / "figures" / path.name, checked)
        for name in tables:
            _copy(outputs_dir / name, work / "tables" / name, checked)
        exporter = make_exporter() if notebooks else None
        pages = {
            "index.html": index_page(site, scorecard, figures, tables),
            "figures.html": figures_page(site, figures),
        }
        for source, page, title in DOCUMENTS:
            pages[page] = document_page(site, source, page, title)
        # a withheld cell shows the table it wrote from the report's copy: the bytes checked
        copies = {Path(name).stem: work / "tables" / name for name in tables}
        for nb in notebooks:
            _copy(nb.path, work / "notebooks" / nb.path.name, checked)
            pages[nb.page] = notebook_page(site, nb, by_name, exporter, copies)
        for name, text in pages.items():
            _write(work / name, text)
        manifest = {"data": site.labels, "pages": sorted(pages), "figures": len(figures)}
        if checked.left_out:
            manifest["left_out_for_review"] = list(checked.left_out)
        _write(work / "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
        replace_folder(work, out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if checked.recorded:
        add_report(run_root, out_dir)  # the report leaves too: the record lists it
    return out_dir / "index.html"
