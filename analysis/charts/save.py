"""Stamp a figure with its data and save it, deterministically, with its data and alt text.

:func:`save_figure` writes four files side by side::

    {name}.png      raster, 200 dpi
    {name}.svg      vector, text kept as text (readable aloud, editable)
    {name}.csv      the plotted data (tidy, UTF-8), plus a ``data_label`` column
    {name}.alt.txt  alt text, saying when the data are synthetic

The same data always give byte-identical PNG and SVG files, so regenerated figures only show up
in ``git diff`` when something really changed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis.charts.alt import complete_alt_text
from analysis.charts.layout import figure_text, note_lines
from analysis.charts.style import (
    BACKGROUND,
    GID_SOURCE,
    GID_STAMP,
    GID_TITLE,
    MARGIN,
    MUTED_COLOUR,
    SAVE_DPI,
    SIZE_NOTE,
    SIZE_STAMP,
    STAMP_COLOUR,
    SYNTHETIC_STAMP,
    house_style,
    is_synthetic_label,
)
from analysis.files import replacing, write_text
from analysis.paths import FIGURES_DIR

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def stamp_figure(fig: Figure, label: str, source_note: str | None = None) -> Text:
    """Stamp a figure with the data it was made from (and an optional source note).

    Called by :func:`save_figure`; call it directly to see the stamp in a notebook before
    saving. Stamping again replaces the earlier stamp and note, so there is only ever one.

    Parameters
    ----------
    fig : Figure
    label : str
        ``"SYNTHETIC DATA"`` (from :func:`analysis.casedata.load.dataset_label`) stamps a bold boxed
        "SYNTHETIC DATA – not real cases" in the top-right corner; any other label (a dataset
        name) is stamped smaller as "Data: {label}".
    source_note : str, optional
        Printed small at the bottom left, e.g. "Source: Sidebotham et al. (2016), table 3.1".

    Returns
    -------
    Text
        The stamp artist (its id is ``data-stamp``).
    """
    if not label or not label.strip():
        raise ValueError("label is required: every figure says what data it was made from")
    for artist in list(fig.texts):
        if artist.get_gid() in (GID_STAMP, GID_SOURCE):
            artist.remove()
    with house_style():
        if is_synthetic_label(label):
            stamp = figure_text(
                fig,
                -MARGIN,
                -MARGIN,
                SYNTHETIC_STAMP,
                fontsize=SIZE_STAMP,
                fontweight="bold",
                color=STAMP_COLOUR,
                ha="right",
                va="top",
                gid=GID_STAMP,
                bbox=dict(
                    boxstyle="round,pad=0.3", facecolor=BACKGROUND, edgecolor=STAMP_COLOUR, lw=1.5
                ),
                zorder=10,
            )
        else:
            stamp = figure_text(
                fig,
                -MARGIN,
                -MARGIN,
                f"Data: {label.strip()}",
                fontsize=SIZE_NOTE,
                color=MUTED_COLOUR,
                ha="right",
                va="top",
                gid=GID_STAMP,
                zorder=10,
            )
        if source_note:
            figure_text(
                fig,
                MARGIN,
                MARGIN,
                "\n".join(note_lines(fig, source_note, SIZE_NOTE)),
                fontsize=SIZE_NOTE,
                color=MUTED_COLOUR,
                ha="left",
                va="bottom",
                gid=GID_SOURCE,
            )
    return stamp


def _figure_title(fig: Figure) -> str | None:
    for artist in fig.texts:
        if artist.get_gid() == GID_TITLE:
            return " ".join(artist.get_text().split())
    return None


#: What a printed source line must not name: a folder or file path, a file, or an id with an
#: underscore (``p2011_csc_current``, ``ofsted_*``). Publications are named in words
#: (:func:`analysis.reference.citations.cite`); the ids stay in the figure's data file.
_NOT_A_CITATION = re.compile(r"[\w*.-]+/[\w*.-]+|\.(csv|ya?ml|py|ipynb)\b|\w+_[\w*]+")


def check_source_note(source_note: str | None) -> None:
    """Refuse a source line a reader could not cite: one naming a folder, file or id.

    >>> check_source_note("Source: DfE, Children in need, table C3.")
    >>> check_source_note("Source: data/published (p2011_scrs)")
    Traceback (most recent call last):
    ...
    ValueError: a figure's source line names publications, not folders, files or ids: \
'data/published' in 'Source: data/published (p2011_scrs)'
    """
    found = _NOT_A_CITATION.search(source_note or "")
    if found:
        raise ValueError(
            "a figure's source line names publications, not folders, files or ids: "
            f"{found.group(0)!r} in {source_note!r}"
        )


def save_figure(
    fig: Figure,
    name: str,
    *,
    data: pd.DataFrame,
    alt_text: str,
    label: str,
    source_note: str | None = None,
    out_dir: Path | str | None = None,
    formats: tuple[str, ...] = ("png", "svg"),
) -> dict[str, Path]:
    """Stamp a figure and write it as PNG, SVG, CSV and alt text; then close it.

    The same figure and data give byte-identical files on every run: the SVG id salt is fixed,
    text is kept as text in the house font, and no date or software version is written into
    either image.

    Parameters
    ----------
    fig : Figure
        From one of the plot functions (or any figure; house style is applied while saving).
    name : str
        File stem, e.g. ``"fig_3_1_age_at_incident"``; letters, digits, ``_``, ``-``, ``.``.
    data : DataFrame
        The data plotted, tidy, with lower snake_case column names. Written as ``{name}.csv``
        (UTF-8, no index) with a ``data_label`` column added (the ``label``), so the table
        also says what data it came from.
    alt_text : str
        A description for people who cannot see the figure: what it shows and the main finding.
    label : str
        The data stamp: ``"SYNTHETIC DATA"`` or a dataset name (see :func:`stamp_figure`).
    source_note : str, optional
        Printed at the bottom left and appended to the alt text.
    out_dir : path-like, optional
        Folder to write into (created if missing); default ``analysis.paths.FIGURES_DIR``.
    formats : tuple of str
        Image formats to write: ``png`` always, ``svg`` when listed (runs on own data leave it
        out by default, since an SVG carries its data as text).

    Returns
    -------
    dict of str to Path
        Keys ``png``, ``svg``, ``csv``, ``alt``.

    Raises
    ------
    ValueError
        On an unsafe name, empty alt text or label, column names not in lower snake_case, or a
        source line that names a folder, file or register id (:func:`check_source_note`).
    """
    if not _NAME.match(name):
        raise ValueError(f"figure name {name!r} must be a plain file stem (no folders)")
    if not alt_text or not alt_text.strip():
        raise ValueError("alt_text is required: every figure needs a text description")
    if not isinstance(data, pd.DataFrame):
        raise TypeError("data must be the DataFrame that was plotted")
    bad = [c for c in data.columns if not (isinstance(c, str) and _SNAKE.match(c))]
    if bad:
        raise ValueError(f"data columns must be lower snake_case; rename {bad}")
    check_source_note(source_note)

    out = Path(out_dir) if out_dir is not None else FIGURES_DIR
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "png": out / f"{name}.png",
        "svg": out / f"{name}.svg",
        "csv": out / f"{name}.csv",
        "alt": out / f"{name}.alt.txt",
    }
    if "svg" not in formats:
        del paths["svg"]
    stamp_figure(fig, label, source_note)
    description = complete_alt_text(alt_text, label, source_note)
    title = _figure_title(fig) or name
    if fig.canvas is None or type(fig.canvas).__name__ == "FigureCanvasBase":
        FigureCanvasAgg(fig)
    with house_style():
        # Metadata None removes the keys matplotlib would fill with its version and today's date.
        with replacing(paths["png"]) as tmp:
            fig.savefig(
                tmp,
                format="png",
                dpi=SAVE_DPI,
                metadata={"Software": None, "Title": title, "Description": description.strip()},
            )
        if "svg" in paths:
            with replacing(paths["svg"]) as tmp:
                fig.savefig(
                    tmp,
                    format="svg",
                    metadata={
                        "Date": None,
                        "Creator": None,
                        "Title": title,
                        "Description": description.strip(),
                    },
                )
    table = data.copy()
    if "data_label" not in table.columns:
        table["data_label"] = label.strip()
    with replacing(paths["csv"]) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    write_text(paths["alt"], description)
    _close(fig)
    return paths


def _close(fig: Figure) -> None:
    """Close the figure: unregister it from pyplot if pyplot made it.

    Figures from the charts room never enter pyplot's registry, so they are freed once
    unreferenced; they are not cleared, so a notebook can still display the saved (stamped)
    figure.
    """
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
