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

from analysis.load import dataset_label, is_synthetic
from analysis.paths import ROOT

OUTPUT_ENV_VAR = "SCR_OUTPUT_DIR"
RUNS_DIR = ROOT / "runs"
FLOAT_DECIMALS = 4


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
        else, e.g. ``"Public statistics"`` for a chart of national statistics only.
    """

    def __init__(self, cases: pd.DataFrame, label: str | None = None):
        self.label = label or dataset_label(cases)
        self.synthetic = is_synthetic(cases) and label is None
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

    def table(self, table: pd.DataFrame, name: str) -> Path:
        """Write a tidy table as ``{name}.csv`` with a ``dataset`` column saying what made it."""
        self.tables_dir.mkdir(parents=True, exist_ok=True)
        out = table.copy()
        out.insert(0, "dataset", self.label)
        path = self.tables_dir / f"{name}.csv"
        floats = out.select_dtypes("float").columns
        out[floats] = out[floats].round(FLOAT_DECIMALS)
        out.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        return path

    def figure(self, fig, name: str, *, data: pd.DataFrame, alt_text: str, source_note=None):
        """Save a figure in the house style (PNG, SVG, plotted data, alt text), stamped.

        Returns the stamped figure, so a notebook cell ending with this call shows it; the
        paths written are in ``fig.saved_paths``.
        """
        from analysis.figures import save_figure

        fig.saved_paths = save_figure(
            fig,
            name,
            data=data,
            alt_text=alt_text,
            label=self.label,
            source_note=source_note,
            out_dir=self.figures_dir,
        )
        return fig
