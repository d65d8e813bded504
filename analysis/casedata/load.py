"""Load coded case data into one tidy frame with ordered categoricals from the codebook.

``load_cases()`` with no path loads the shipped dataset (or the file named by ``$SCR_DATA``):
the same call works in every notebook on synthetic data and on a researcher's own file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis.casedata.codebook import PERIODS, all_variables
from analysis.casedata.handoff import load_once
from analysis.casedata.labels import SYNTHETIC_LABEL
from analysis.casedata.provenance import is_shipped_synthetic
from analysis.casedata.read import read_raw
from analysis.errors import InvalidCaseDataError
from analysis.paths import (
    DATASET_NAME_ENV_VAR,
    EXAMPLES_DIR,
    SYNTHETIC_DIR,
    data_override,
    sheet_override,
)

if TYPE_CHECKING:
    from analysis.casedata.validate import ValidationReport


def known_period(period: str) -> str:
    """Return ``period`` if the codebook knows it; otherwise refuse, naming the known ones."""
    if period not in PERIODS:
        raise ValueError(f"unknown review period {period!r}; choose one of {', '.join(PERIODS)}")
    return period


def synthetic_path(period: str) -> Path:
    """The shipped synthetic case file of a review period (``data/synthetic/``).

    The one place the file name is made: the generator writes it, teaching and tests read it.

    Raises
    ------
    ValueError
        ``period`` is not a review period of the codebook.
    """
    return SYNTHETIC_DIR / f"synthetic_cases_{known_period(period)}.csv"


def default_paths() -> list[Path]:
    """The shipped case files: the synthetic datasets, else the small example file."""
    synthetic = sorted(SYNTHETIC_DIR.glob("synthetic_cases_*.csv"))
    return synthetic or [EXAMPLES_DIR / "example_cases.csv"]


def check_file(path: Path | str, sheet: str | None = None) -> tuple[pd.DataFrame, ValidationReport]:
    """Read and validate one file; return its recoded text frame and the report.

    ``sheet`` chooses a workbook's sheet by name, or ``"all"`` (see :func:`load_cases`).

    Raises
    ------
    UnreadableFileError
        When the file cannot be read at all.
    """
    # pandera loads here, when a file is validated, not when the package is imported
    from analysis.casedata.validate import validate_frame

    return validate_frame(read_raw(path, sheet=sheet))


def to_typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Give every codebook column its type: ordered categoricals in codebook order, text ids.

    Unknown extra columns are kept as text, after the codebook's columns.
    """
    variables = all_variables()
    out = {}
    for name, var in variables.items():
        if name not in frame.columns:
            continue
        if var.is_category:
            # values were checked against the codes, so setting the categories loses nothing
            column = frame[name]
            if isinstance(column.dtype, pd.CategoricalDtype):
                out[name] = column.cat.set_categories(list(var.codes), ordered=True)
            else:
                out[name] = column.astype(pd.CategoricalDtype(list(var.codes), ordered=True))
        else:
            out[name] = frame[name].astype("string")
    for name in frame.columns:
        if name not in variables:
            out[name] = frame[name].astype("string")
    return pd.DataFrame(out, index=frame.index)


def _load_one(path: Path, sheet: str | None) -> pd.DataFrame:
    frame, report = check_file(path, sheet)
    if not report.ok:
        raise InvalidCaseDataError(report)
    typed = to_typed(frame)
    typed.attrs["notes"] = report.note_texts()  # several of one kind in one sentence
    return typed


def is_synthetic(cases: pd.DataFrame) -> bool:
    """True only for the shipped synthetic data, recognised by the files' content when loaded.

    A file's own claims (a ``record_origin`` of "synthetic") do not count: a frame that was not
    loaded from the shipped files is the user's data, and is protected.
    """
    return bool(cases.attrs.get("synthetic", False))


#: What own data is called on its outputs when the user gives no name: never the file's name,
#: which could name a family or an area.
OWN_DATA_NAME = "Own data"


def own_data_name() -> str:
    """The name the user gave their dataset (``$SCR_DATASET_NAME``), else "Own data"."""
    return os.environ.get(DATASET_NAME_ENV_VAR, "").strip() or OWN_DATA_NAME


def dataset_label(cases: pd.DataFrame) -> str:
    """What to stamp on tables and figures: "SYNTHETIC DATA" or the dataset's name."""
    if is_synthetic(cases):
        return SYNTHETIC_LABEL
    return str(cases.attrs.get("dataset_name", OWN_DATA_NAME))


def load_cases(
    path: Path | str | None = None, period: str | None = None, sheet: str | None = None
) -> pd.DataFrame:
    """Load coded case data, validated, as a tidy frame with ordered categoricals.

    Parameters
    ----------
    path : path-like, optional
        A ``.csv``, ``.xlsx``, ``.sav`` or ``.dta`` file. Default: the file named by the
        ``SCR_DATA`` environment variable, else the shipped synthetic datasets (both periods).
    period : {"2011-14", "2014-17"}, optional
        Keep only this review period's rows (the rest are left out on request; the frame's
        ``attrs["notes"]`` says how many).
    sheet : str, optional
        Excel workbooks: the sheet to read, or ``"all"`` for every visible sheet with a
        ``case_id`` column, one after the other. Default: ``$SCR_SHEET`` when the file comes
        from ``$SCR_DATA``, else the sheet a person sees (a workbook with several visible
        sheets of cases is refused, naming them).

    Returns
    -------
    DataFrame
        One row per child, every row of the file(s) in file order; codebook columns typed;
        ``attrs`` holds ``dataset_name``, ``sources``, ``synthetic`` and ``notes``.

    Raises
    ------
    UnreadableFileError
        The file cannot be read (missing, empty, unsupported, undecodable).
    InvalidCaseDataError
        The file breaks codebook rules; ``.report`` lists every problem.

    Examples
    --------
    >>> cases = load_cases(period="2011-14")
    >>> cases["review_period"].eq("2011-14").all()
    np.True_
    """
    if period is not None:
        known_period(period)
    if path is None:
        override = data_override()
        paths = [override] if override else default_paths()
        if override and sheet is None:
            sheet = sheet_override()
    else:
        paths = [Path(path)]
    # inside `reproduce`, each file is validated once and its notebooks reuse the result
    frames = [load_once(p, sheet, _load_one) for p in paths]
    notes = [n for f in frames for n in f.attrs.get("notes", [])]
    cases = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if period is not None:
        keep = cases["review_period"] == period
        if not keep.all():
            notes.append(
                f"kept the {int(keep.sum())} rows of review period {period}; "
                f"left out {int((~keep).sum())} rows of other periods, as asked"
            )
        cases = cases[keep].reset_index(drop=True)
    shipped = all(is_shipped_synthetic(p) for p in paths)
    cases.attrs = {
        "dataset_name": "shipped synthetic datasets" if shipped else own_data_name(),
        "sources": [str(p) for p in paths],
        "notes": notes,
        "synthetic": shipped,
    }
    return cases
