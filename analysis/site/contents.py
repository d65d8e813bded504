"""What a run holds for its report: saved figures, executed notebooks, the data's label.

Figures are found in ``<run>/figures/`` (one per PNG, with the SVG, CSV and alt text beside it).
Which figure a notebook cell made is read from the metadata ``Run.figure`` gives the output that
shows it (``scr_figure``), never guessed from the cell's code.

Only checked files leave: a run on own data has a checking record
(``checking/results.json``, :mod:`analysis.publish.checking`), and its report may use only the
files that record lists, unchanged since (:func:`checked_files`); any other file in the run's
``outputs/`` or ``figures/`` stops the report.
"""

from __future__ import annotations

import json
import os
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.casedata.labels import SYNTHETIC_LABEL
from analysis.files import file_sha256
from analysis.paths import ROOT
from analysis.publish.run import FIGURE_METADATA_KEY, OUTPUT_ENV_VAR, PUBLIC_STATISTICS_LABEL


class ReportError(Exception):
    """The report cannot be built (e.g. there are no outputs yet); the message says why."""


#: The folders of a run a report is made from: every file in them must have been checked.
RELEASED_FOLDERS = ("outputs", "figures")
#: Where a run on own data keeps its checking record.
RECORD = Path("checking") / "results.json"


@dataclass(frozen=True)
class Checked:
    """Which files of a run its report may use.

    ``sha256`` maps each usable file (POSIX path relative to ``root``) to the checksum it was
    checked with; None for a run with no checking record (the shipped synthetic data), whose
    files may all be used. ``left_out`` names files listed for review and not used.
    """

    root: Path
    sha256: dict[str, str] | None = None
    left_out: tuple[str, ...] = ()

    @property
    def recorded(self) -> bool:
        """The run has a checking record (a run on own data)."""
        return self.sha256 is not None

    def keeps(self, path: Path) -> bool:
        """May the report use ``path`` (a file under the run's folder)?"""
        return self.sha256 is None or self._relative(path) in self.sha256

    def confirm(self, source: Path, copy: Path) -> None:
        """Refuse the copy of ``source`` if its bytes are not those the record checked."""
        if self.sha256 is not None and file_sha256(copy) != self.sha256[self._relative(source)]:
            raise ReportError(
                f"{self._relative(source)} changed while the report was being built: build it again"
            )

    def _relative(self, path: Path) -> str:
        return Path(path).relative_to(self.root).as_posix()


def checked_files(run_root: Path, include_review: bool = False) -> Checked:
    """The files of a run its report may use; refuse a run holding any file not checked.

    Parameters
    ----------
    run_root : Path
        The run's folder. Without ``checking/results.json`` (the shipped synthetic data) every
        file may be used.
    include_review : bool
        Use the files the record marks ``review`` too (default: only ``pass``). Review files
        are those the kit's rules could not check (an SVG carries its data as text; a file the
        kit did not make): a person reads them before release, so they go into a report only
        when that person says so.

    Raises
    ------
    ReportError
        The record says the run failed, cannot be read, or a file under ``outputs/`` or
        ``figures/`` is not in it, failed, or has changed since it was checked.
    """
    record = _read_record(run_root)
    if record is None:
        unstamped = _not_shipped_data(run_root)
        if unstamped:  # a run on own data without its record: a draft, or a record deleted
            raise ReportError(
                f"{run_root} has no checking record ({RECORD}), and {unstamped} was not made "
                "from the shipped synthetic data: only a run that `make reproduce DATA=<your "
                "file>` protected, audited and checked can be reported (an interactive draft "
                "cannot)"
            )
        return Checked(run_root)
    if record.get("overall") == "fail":
        raise ReportError(
            f"{run_root / RECORD} says the run failed output checking, so nothing from it may "
            "be released: run `make reproduce DATA=<your file>` again"
        )
    listed = {e.get("file"): e for e in record.get("outputs", []) if isinstance(e, dict)}
    usable, left_out, refused = {}, [], []
    for path in _released_files(run_root):
        relative = path.relative_to(run_root).as_posix()
        entry = listed.get(relative)
        problem = _not_checked(entry, path)
        if problem:
            refused.append(f"{relative} ({problem})")
        elif entry["status"] == "pass" or include_review:
            usable[relative] = entry["sha256"]
        else:
            left_out.append(relative)
    if refused:
        raise ReportError(_refusal(run_root, refused))
    return Checked(run_root, usable, tuple(left_out))


def _not_shipped_data(run_root: Path) -> str | None:
    """The first table of the run stamped other than the shipped synthetic data (or public
    statistics), or None: every table a run writes says in its ``dataset`` column what made
    it."""
    for table in sorted((run_root / "outputs").glob("*.csv")):
        try:
            stamps = set(pd.read_csv(table, usecols=["dataset"], dtype=str)["dataset"].dropna())
        except (ValueError, OSError, pd.errors.ParserError):
            return f"outputs/{table.name}"  # no stamp to read: not one of the kit's tables
        if stamps - {SYNTHETIC_LABEL, PUBLIC_STATISTICS_LABEL}:
            return f"outputs/{table.name}"
    return None


def _read_record(run_root: Path) -> dict | None:
    path = run_root / RECORD
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path} cannot be read ({exc}): run `make reproduce` again") from None
    if not isinstance(record, dict):
        raise ReportError(f"{path} is not a checking record: run `make reproduce` again")
    return record


def _released_files(run_root: Path) -> list[Path]:
    """Every file under the folders a report is made from (hidden ones too)."""
    return sorted(
        path
        for folder in RELEASED_FOLDERS
        for path in (run_root / folder).rglob("*")
        if path.is_file() or path.is_symlink()
    )


def _not_checked(entry: dict | None, path: Path) -> str:
    """Why the record does not vouch for ``path`` ("" if it does)."""
    if entry is None:
        return "not in the checking record"
    if entry.get("status") not in ("pass", "review"):
        return f"status {entry.get('status')!r} in the checking record"
    if path.is_symlink():
        return "a link, not a file the run wrote"
    if entry.get("sha256") != file_sha256(path):
        return "changed since it was checked"
    return ""


def _refusal(run_root: Path, refused: list[str]) -> str:
    more = f"; and {len(refused) - 10} more" if len(refused) > 10 else ""
    shown = "; ".join(refused[:10]) + more
    return (
        f"{run_root} holds {len(refused)} file(s) its checking record does not vouch for: "
        f"{shown}. A report is built only from checked files: remove them, or run `make "
        "reproduce DATA=<your file>` again to check the run afresh"
    )


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


def _every_file(path: Path) -> bool:
    return True


def find_figures(
    figures_dir: Path, keep: Callable[[Path], bool] = _every_file
) -> list[FigureFiles]:
    """Every figure a run saved (one per PNG that ``keep`` allows), in name order."""
    found = []
    pngs = sorted(figures_dir.glob("*.png")) if figures_dir.is_dir() else []
    for png in filter(keep, pngs):
        name = png.stem

        def beside(suffix: str, name=name) -> Path | None:
            path = figures_dir / f"{name}{suffix}"
            return path if path.is_file() and keep(path) else None

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


def find_notebooks(
    notebooks_dir: Path, keep: Callable[[Path], bool] = _every_file
) -> list[NotebookPage]:
    """The executed notebooks of a run (those ``keep`` allows), in chapter order, with the
    figures their cells made."""
    import nbformat

    pages = []
    found = sorted(notebooks_dir.glob("*.ipynb")) if notebooks_dir.is_dir() else []
    for path in filter(keep, found):
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
