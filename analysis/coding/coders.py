"""Two coders' files of the same reviews, read, checked and matched by ``case_id``.

Each file is read as the kit reads any case file (CSV, Excel, SPSS, Stata; labels read as
codes) and must pass the codebook's checks, so that what is compared is codes, not spellings.
Whatever stops a comparison (a missing or unreadable file, no ``case_id`` column, problems
against the codebook, two different review periods, no case in common) is told in one line
naming the file (:class:`analysis.errors.CodingFileError`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.casedata.headers import HEADER_MARKER
from analysis.casedata.read import read_raw
from analysis.errors import CodingFileError


@dataclass(frozen=True)
class CoderPair:
    """Two codings of the same reviews, matched.

    Attributes
    ----------
    paths : tuple of Path
        Coder A's file, coder B's.
    sizes : tuple of int
        Cases in each file.
    a, b : DataFrame
        The matched cases of each coder (codes, typed as :func:`analysis.load_cases` types
        them), row for row: the same ``case_id`` in the same row, in coder A's order.
    only_a, only_b : list of str
        ``case_id`` of the cases in one file only, in that file's order.
    periods : list of str
        The review periods of the matched cases.
    """

    paths: tuple[Path, Path]
    sizes: tuple[int, int]
    a: pd.DataFrame
    b: pd.DataFrame
    only_a: list[str]
    only_b: list[str]
    periods: list[str]


def read_coding(path: Path | str, sheet: str | None = None) -> pd.DataFrame:
    """One coder's file as codes, checked against the codebook.

    Raises
    ------
    UnreadableFileError
        The file is missing or cannot be read.
    CodingFileError
        It has no ``case_id`` column, or breaks the codebook's rules (the first problem is
        named, with the command that lists them all).
    """
    from analysis.casedata.load import to_typed
    from analysis.casedata.validate import validate_frame

    raw = read_raw(path, sheet=sheet)
    if HEADER_MARKER not in raw.frame.columns:
        raise CodingFileError(
            path,
            "has no case_id column, so its cases cannot be matched with the other coder's; "
            "the header row must name case_id",
        )
    frame, report = validate_frame(raw)
    if not report.ok:
        first = report.errors.iloc[0]
        where = f"row {first['row']}, " if pd.notna(first["row"]) else ""
        raise CodingFileError(
            path,
            f"{len(report.errors)} problem(s) against the codebook, so its codes cannot be "
            f"compared (first: {where}column {first['column']}: {first['message']}). "
            f"{report.how_to_list_all()}",
        )
    return to_typed(frame)


def _periods(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["review_period"].dropna().astype(str).unique())


def match_coders(path_a: Path | str, path_b: Path | str, sheet: str | None = None) -> CoderPair:
    """Read both coders' files and match their cases by ``case_id``.

    Parameters
    ----------
    path_a, path_b : path-like
        Coder A's and coder B's files (any format the kit reads).
    sheet : str, optional
        Excel workbooks: the sheet to read in both.

    Raises
    ------
    UnreadableFileError, CodingFileError
        As :func:`read_coding`; and when the files share no review period, or no case.
    """
    a, b = read_coding(path_a, sheet), read_coding(path_b, sheet)
    periods_a, periods_b = _periods(a), _periods(b)
    if not set(periods_a) & set(periods_b):
        raise CodingFileError(
            path_b,
            f"its cases are of review period {', '.join(periods_b)} and those of {path_a} of "
            f"{', '.join(periods_a)}; compare two codings of the same reviews",
        )
    ids_a, ids_b = a["case_id"].astype(str), b["case_id"].astype(str)
    shared = ids_a[ids_a.isin(set(ids_b))]
    if shared.empty:
        raise CodingFileError(
            path_b,
            f"no case_id of it is in {path_a}, so no case can be compared; code the same "
            "reviews under the same case_id in both files",
        )
    # row for row: coder B's cases put in coder A's order (case_id is unique in each file)
    matched_a = a[ids_a.isin(set(ids_b))].reset_index(drop=True)
    matched_b = b.set_index(ids_b).loc[shared.to_list()].reset_index(drop=True)
    return CoderPair(
        paths=(Path(path_a), Path(path_b)),
        sizes=(len(a), len(b)),
        a=matched_a,
        b=matched_b,
        only_a=ids_a[~ids_a.isin(set(ids_b))].to_list(),
        only_b=ids_b[~ids_b.isin(set(ids_a))].to_list(),
        periods=_periods(matched_a),
    )
