"""Where a run writes, and how: every table and figure stamped with what data made it.

A notebook opens a :class:`Run` on the cases it loaded; the run knows the data's label
("SYNTHETIC DATA" or the dataset's name) and its output folders. Shipped synthetic data writes
to ``figures/`` and ``outputs/``; a researcher's own file writes to ``runs/<dataset>/`` (ignored
by git), never over the shipped outputs. ``SCR_OUTPUT_DIR`` moves a run elsewhere (tests).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from analysis.casedata.load import dataset_label, is_synthetic
from analysis.paths import ROOT
from analysis.publish.disclosure import THRESHOLD, protect, unprotected_small_counts

OUTPUT_ENV_VAR = "SCR_OUTPUT_DIR"
#: Key of the output metadata that says which saved figure a notebook output shows.
FIGURE_METADATA_KEY = "scr_figure"
RUNS_DIR = ROOT / "runs"
FLOAT_DECIMALS = 4
_FROM_ATTRS = object()


class DisclosureError(RuntimeError):
    """An output of a non-synthetic run would show an unprotected small count."""


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "own_data"


def run_root(cases: pd.DataFrame) -> Path:
    """The folder a run writes under: the repository for synthetic data, else runs/<name>."""
    override = os.environ.get(OUTPUT_ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser().resolve()
    if is_synthetic(cases):
        return ROOT
    return RUNS_DIR / _slug(str(cases.attrs.get("dataset_name", "own_data")))


class Run:
    """Output folders and stamping for one analysis run.

    Parameters
    ----------
    cases : DataFrame
        The loaded cases (their ``attrs`` say what dataset they are, and where the run writes).
    label : str, optional
        Stamp outputs with this instead of the cases' label, for outputs made from something
        else, e.g. ``"Public statistics"`` for a chart of national statistics only (which are
        published already, so not suppressed).

    Notes
    -----
    Disclosure control (:mod:`analysis.publish.disclosure`) is on for every run on non-synthetic
    case
    data: :meth:`table` writes and returns the protected table, so figures drawn from what it
    returns never show a suppressed value, and :meth:`figure` refuses data that still holds an
    unprotected small count.
    """

    def __init__(self, cases: pd.DataFrame, label: str | None = None):
        self.label = label or dataset_label(cases)
        self.synthetic = is_synthetic(cases) and label is None
        self.protected = label is None and not is_synthetic(cases)
        if self.synthetic:
            self.kind = " (synthetic data, not real cases)"
        else:
            self.kind = "" if label else " (own data)"
        root = run_root(cases)
        self.figures_dir = root / "figures"
        self.tables_dir = root / "outputs"

    def __repr__(self) -> str:
        return f"Run(label={self.label!r}, figures={self.figures_dir}, tables={self.tables_dir})"

    def describe(self) -> str:
        """One line for the top of a notebook: what data, where outputs go."""
        return (
            f"Data: {self.label}{self.kind}. Figures go to {self.figures_dir}, "
            f"tables to {self.tables_dir}."
        )

    def table(self, table: pd.DataFrame, name: str, *, partition_by=_FROM_ATTRS) -> pd.DataFrame:
        """Write a tidy table as ``{name}.csv``, protected if the data is real; return it.

        The written file starts with a ``dataset`` column saying what made it. On non-synthetic
        data small counts are suppressed first (``partition_by`` as in
        :func:`analysis.publish.disclosure.protect`; by default what the table builder recorded),
        and
        the protected table is returned: draw figures from it. ``path`` is in ``attrs``.
        """
        out = table
        if self.protected:
            if partition_by is _FROM_ATTRS:
                partition_by = table.attrs.get("partition_by")
            out = protect(table, partition_by=partition_by)
            print(out.attrs["disclosure"])
            self._write_disclosure_note()
        self.tables_dir.mkdir(parents=True, exist_ok=True)
        written = out.copy()
        written.insert(0, "dataset", self.label)
        floats = written.select_dtypes("float").columns
        written[floats] = written[floats].round(FLOAT_DECIMALS)
        path = self.tables_dir / f"{name}.csv"
        written.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        out.attrs["path"] = path
        return out

    def _write_disclosure_note(self) -> None:
        self.tables_dir.mkdir(parents=True, exist_ok=True)
        (self.tables_dir / "DISCLOSURE.txt").write_text(
            f"Outputs in this folder were made from {self.label}, not synthetic data.\n"
            f"Disclosure control: counts from 1 to {THRESHOLD - 1}, and counts within "
            f"{THRESHOLD - 1} of their total, are suppressed (blank, marker 'c'); where one cell "
            "of a breakdown is suppressed, the next smallest is too, so no suppressed count can "
            "be recovered from totals. Percentages are computed from protected counts.\n"
            "Threshold set in analysis/publish/disclosure.py (THRESHOLD).\n",
            encoding="utf-8",
        )

    def figure(self, fig, name: str, *, data: pd.DataFrame, alt_text: str, source_note=None):
        """Save a figure in the house style (PNG, SVG, plotted data, alt text), stamped.

        Returns the stamped figure, so a notebook cell ending with this call shows it (as the
        saved PNG); the paths written are in ``fig.saved_paths``. The output showing it carries
        metadata ``{"scr_figure": {"name", "alt_text", "files"}}`` (files relative to the run's
        folder), so the report can tell which figure each cell made without reading its code.
        """
        from analysis.charts.save import save_figure

        if self.protected and not unprotected_small_counts(data).empty:
            raise DisclosureError(
                f"figure {name!r}: its data shows counts below {THRESHOLD}; draw it from the "
                "table run.table(...) returned, which is protected"
            )
        fig.saved_paths = save_figure(
            fig,
            name,
            data=data,
            alt_text=alt_text,
            label=self.label,
            source_note=source_note,
            out_dir=self.figures_dir,
        )
        # Shown as the saved PNG in JupyterLab and in executed notebooks (the figure is drawn
        # on an Agg canvas, not through pyplot, so Jupyter has no image of its own)
        png = fig.saved_paths["png"]
        fig._repr_png_ = png.read_bytes
        record = {
            FIGURE_METADATA_KEY: figure_record(name, fig.saved_paths, self.figures_dir.parent)
        }
        # Metadata only: IPython merges it with the PNG and text reprs into one output
        fig._repr_mimebundle_ = lambda include=None, exclude=None: ({}, record)
        return fig


def figure_record(name: str, paths: dict[str, Path], root: Path) -> dict:
    """What a notebook output records about a saved figure: name, alt text, files.

    Parameters
    ----------
    name : str
        The figure's name (its files' stem).
    paths : dict
        The files written, by kind (``png``, ``svg``, ``csv``, ``alt``), as ``save_figure``
        returns them.
    root : path
        The run's folder; the files are recorded relative to it (POSIX separators), so no
        path of the user's machine is written into an executed notebook.

    Returns
    -------
    dict
        ``{"name": ..., "alt_text": ..., "files": {kind: relative path}}``.
    """
    alt = paths.get("alt")
    return {
        "name": name,
        "alt_text": alt.read_text(encoding="utf-8").strip() if alt else "",
        "files": {
            kind: Path(os.path.relpath(path, root)).as_posix() for kind, path in paths.items()
        },
    }


#: The stamp of outputs made from national statistics only (published, so not suppressed).
PUBLIC_STATISTICS_LABEL = "Public statistics"


def public_statistics_run(cases: pd.DataFrame) -> Run:
    """A run whose tables and figures are stamped "Public statistics", not with the cases' label.

    The cases only choose the output folder, so a run on a researcher's own file keeps its
    context outputs beside the rest.
    """
    return Run(cases, label=PUBLIC_STATISTICS_LABEL)
