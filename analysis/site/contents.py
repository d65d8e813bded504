"""What a run holds for its report: saved figures, executed notebooks, the data's label.

Figures are found in ``<run>/figures/`` (one per PNG, with the SVG, CSV and alt text beside it).
Which figure a notebook cell made is read from the metadata ``Run.figure`` gives the output that
shows it (``scr_figure``), never guessed from the cell's code.
"""

from __future__ import annotations

import os
import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.paths import ROOT
from analysis.publish.run import FIGURE_METADATA_KEY, OUTPUT_ENV_VAR


@dataclass
class FigureFiles:
    """One saved figure: its PNG and whichever of SVG, CSV and alt text sit beside it."""

    name: str
    png: Path
    svg: Path | None
    csv: Path | None
    alt_file: Path | None
    alt: str
    title: str
    size: tuple[int, int] | None

    @property
    def chapter(self) -> str:
        return self.name[:2] if self.name[:2].isdigit() else ""

    @property
    def display_size(self) -> tuple[int, int] | None:
        """Width and height to show it at: the PNGs are saved at twice the size drawn."""
        return (self.size[0] // 2, self.size[1] // 2) if self.size else None


@dataclass
class NotebookPage:
    """One executed notebook and the page it becomes."""

    path: Path
    title: str
    short: str
    errors: int
    figures: list[str] = field(default_factory=list)

    @property
    def page(self) -> str:
        return f"{self.path.stem}.html"

    @property
    def chapter(self) -> str:
        return self.path.name[:2] if self.path.name[:2].isdigit() else ""


def default_run_root() -> Path:
    """The run a report is made of by default: ``$SCR_OUTPUT_DIR`` if set, else the repository."""
    override = os.environ.get(OUTPUT_ENV_VAR, "").strip()
    return Path(override).expanduser().resolve() if override else ROOT


def _png_size(path: Path) -> tuple[int, int] | None:
    """Width and height in pixels from a PNG's header, or None if it is not a PNG."""
    with path.open("rb") as fh:
        head = fh.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def _svg_title(path: Path | None) -> str:
    """The text of an SVG's first ``title`` element ("" if none, or not readable as XML)."""
    if path is None:
        return ""
    with path.open("rb") as fh:
        try:
            for _, element in ET.iterparse(fh):
                if element.tag.rpartition("}")[2] == "title":
                    return (element.text or "").strip()
        except ET.ParseError:
            pass
    return ""


def _alt_text(name: str, alt_file: Path | None) -> str:
    text = alt_file.read_text(encoding="utf-8").strip() if alt_file else ""
    return re.sub(r"\s+", " ", text) or f"Figure {name} (no description was saved with it)"


def find_figures(figures_dir: Path) -> list[FigureFiles]:
    """Every figure a run saved (one per PNG), in name order."""
    found = []
    for png in sorted(figures_dir.glob("*.png")) if figures_dir.is_dir() else []:
        name = png.stem

        def beside(suffix: str, name=name) -> Path | None:
            path = figures_dir / f"{name}{suffix}"
            return path if path.is_file() else None

        svg, alt_file = beside(".svg"), beside(".alt.txt")
        found.append(
            FigureFiles(
                name=name,
                png=png,
                svg=svg,
                csv=beside(".csv"),
                alt_file=alt_file,
                alt=_alt_text(name, alt_file),
                title=_svg_title(svg) or name.replace("_", " "),
                size=_png_size(png),
            )
        )
    return found


def recorded_figure(output) -> dict | None:
    """The figure a notebook output shows, as ``Run.figure`` recorded it, else None.

    Parameters
    ----------
    output : dict
        One output of an executed code cell.

    Returns
    -------
    dict or None
        ``{"name": ..., "alt_text": ..., "files": {...}}`` from the output's metadata.
    """
    record = output.get("metadata", {}).get(FIGURE_METADATA_KEY)
    return record if isinstance(record, dict) and record.get("name") else None


def _notebook_title(nb, path: Path) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return re.sub(r"[*_`]", "", line[2:]).strip()
    return path.stem.replace("_", " ")


def _short_name(path: Path) -> str:
    """ "03_social_care_involvement" -> "3 Social care involvement" (for the nav bar)."""
    number, _, rest = path.stem.partition("_")
    words = rest.replace("_", " ").strip() or path.stem
    words = words[:1].upper() + words[1:]
    return f"{int(number)} {words}" if number.isdigit() else words


def find_notebooks(notebooks_dir: Path) -> list[NotebookPage]:
    """The executed notebooks of a run, in chapter order, with the figures their cells made."""
    import nbformat

    pages = []
    for path in sorted(notebooks_dir.glob("*.ipynb")) if notebooks_dir.is_dir() else []:
        nb = nbformat.read(path, as_version=4)
        outputs = [
            output
            for cell in nb.cells
            if cell.cell_type == "code"
            for output in cell.get("outputs", [])
        ]
        errors = sum(output.get("output_type") == "error" for output in outputs)
        figures = [record["name"] for record in map(recorded_figure, outputs) if record]
        pages.append(
            NotebookPage(path, _notebook_title(nb, path), _short_name(path), errors, figures)
        )
    return pages


def data_labels(scorecard: pd.DataFrame) -> list[str]:
    """What data made the run, from the scorecard's ``dataset`` column."""
    if "dataset" not in scorecard.columns:
        return []
    return [str(v) for v in pd.unique(scorecard["dataset"].dropna())]
