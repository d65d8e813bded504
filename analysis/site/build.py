"""A static HTML report of a run: scorecard, notebooks, figures, data register and assumptions.

``python -m analysis report`` (``make report``) turns what ``make reproduce`` wrote into a
self-contained folder of plain HTML pages that opens from disk in any browser, with no network:

- ``index.html``: what the kit is, which data made the run (a banner when it is synthetic), the
  scorecard summary and table, and links to every other page;
- one page per executed notebook in ``<run>/outputs/notebooks/`` (rendered by nbconvert, with
  the figures each cell saved shown in place, and no scripts loaded from anywhere);
- ``figures.html``: every figure with its alt text, and links to its PNG, SVG, plotted data and
  alt text (the files are copied into the report);
- ``data_register.html``, ``assumptions.html`` and ``codebook.html`` from the Markdown in
  ``data/README.md`` and ``docs/``.

The report is written to ``<run>/report/`` (``report/`` at the repository root for the shipped
data, git-ignored) unless told otherwise. The same outputs give byte-identical pages.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd

from analysis.files import replace_folder
from analysis.paths import DATA_DIR, DOCS_DIR
from analysis.site.contents import data_labels, default_run_root, find_figures, find_notebooks
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


class ReportError(Exception):
    """The report cannot be built (e.g. there are no outputs yet); the message says why."""


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
            f"no scorecard at {path}: run `make reproduce` (python -m analysis "
            "reproduce) first, then build the report"
        )
    scorecard = pd.read_csv(path)
    missing = [c for c in ("figure_id", "statement", "status") if c not in scorecard.columns]
    if missing:
        raise ReportError(f"{path} is not a scorecard (no {', '.join(missing)} column)")
    scorecard["statement"] = scorecard["statement"].fillna("")
    return scorecard


def build_report(run_root: Path | None = None, out_dir: Path | None = None) -> Path:
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

    Raises
    ------
    ReportError
        When the run has no ``outputs/scorecard.csv`` (run ``make reproduce`` first), or
        ``out_dir`` is a folder that is not a report.
    """
    run_root = Path(run_root).expanduser().resolve() if run_root else default_run_root()
    out_dir = Path(out_dir).expanduser().resolve() if out_dir else run_root / REPORT_DIRNAME
    outputs_dir = run_root / "outputs"
    scorecard = _read_scorecard(outputs_dir)
    figures = find_figures(run_root / "figures")
    by_name = {f.name: f for f in figures}
    notebooks = find_notebooks(outputs_dir / "notebooks")
    site = Site(data_labels(scorecard), notebooks)
    tables = sorted(p.name for p in outputs_dir.glob("*.csv"))

    work = _prepare_out_dir(out_dir)
    try:
        (work / MARKER).write_text(
            "Built by `python -m analysis report`; rebuilding replaces this folder.\n",
            encoding="utf-8",
        )
        for sub in ("figures", "tables", "notebooks"):
            (work / sub).mkdir()
        for fig in figures:
            for path in (fig.png, fig.svg, fig.csv, fig.alt_file):
                if path is not None:
                    shutil.copyfile(path, work / "figures" / path.name)
        for name in tables:
            shutil.copyfile(outputs_dir / name, work / "tables" / name)
        exporter = make_exporter() if notebooks else None
        pages = {
            "index.html": index_page(site, scorecard, figures, tables),
            "figures.html": figures_page(site, figures),
        }
        for source, page, title in DOCUMENTS:
            pages[page] = document_page(site, source, page, title)
        for nb in notebooks:
            shutil.copyfile(nb.path, work / "notebooks" / nb.path.name)
            pages[nb.page] = notebook_page(site, nb, by_name, exporter)
        for name, text in pages.items():
            (work / name).write_text(text, encoding="utf-8", newline="\n")
        manifest = {"data": site.labels, "pages": sorted(pages), "figures": len(figures)}
        (work / "manifest.json").write_text(
            json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        replace_folder(work, out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out_dir / "index.html"
