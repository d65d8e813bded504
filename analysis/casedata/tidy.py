"""Frames of text as every reader leaves them: values stripped, blanks missing, nothing lost.

Shared by the format readers (``read_csv``, ``read_excel``, ``read_stats``) and by the checks
that recode values (``characters``, ``validate``). Columns are pandas categoricals of text: a
coded file has few distinct values per column, so stripping and recoding work on the distinct
values only, which keeps a million-row file fast and small (see ``docs/performance.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def tidy_column(column: pd.Series) -> pd.Series:
    """Text values stripped, blanks as missing.

    A categorical column is tidied on its distinct values and stays categorical; any other
    column becomes pandas text (identifiers such as ``case_id``).
    """
    if not isinstance(column.dtype, pd.CategoricalDtype):
        text = column.astype("string").str.strip()
        return text.mask(text == "")
    old = column.cat.categories.astype(str)
    new = old.str.strip()
    if new.equals(old) and not (new == "").any():
        return column  # the usual case: nothing to strip, no blank cells
    return _remap(column, new.where(new != "", None))


def tidy_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column tidied (see :func:`tidy_column`), rows numbered from 0; names as given
    (the readers clean them with :func:`analysis.casedata.headers.clean_columns`)."""
    return pd.DataFrame({c: tidy_column(frame[c]) for c in frame.columns}).reset_index(drop=True)


def recode_categories(column: pd.Series, recode) -> pd.Series:
    """Apply ``recode`` (text -> text or None) to each distinct value of a categorical column.

    Distinct values that recode to the same text are merged; None becomes missing. The rows
    themselves are never touched one by one.
    """
    return _remap(column, pd.Index([recode(str(v)) for v in column.cat.categories], dtype=object))


def _remap(column: pd.Series, new: pd.Index) -> pd.Series:
    """Replace a categorical's categories by ``new`` (same length; None = missing), merging."""
    kept = pd.Index(pd.unique(new[new.notna()]), dtype=object)
    position = kept.get_indexer(new)  # -1 for None
    codes = column.cat.codes.to_numpy()
    mapped = np.where(codes >= 0, position[codes] if len(position) else -1, -1)
    return pd.Series(
        pd.Categorical.from_codes(mapped, categories=kept.astype(str)),
        index=column.index,
        name=column.name,
    )


def drop_trailing_blank_rows(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Blank lines at the very end are an artefact of saving, not records; say so."""
    filled = np.flatnonzero(frame.notna().any(axis=1).to_numpy())
    keep = int(filled[-1]) + 1 if len(filled) else 0
    trailing = len(frame) - keep
    if trailing:
        notes.append(f"ignored {trailing} empty line(s) at the end of the file")
        frame = frame.iloc[:keep]
    return frame


def drop_empty_unnamed(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Columns with neither a name nor a value (spreadsheets leave them) are dropped, with a note.

    Nothing is lost: a column with any value, or with a name, is always kept.
    """
    empty = [c for c in frame.columns if str(c).startswith("Unnamed:") and frame[c].isna().all()]
    if empty:
        notes.append(f"ignored {len(empty)} empty column(s) without a name")
        frame = frame.drop(columns=empty)
    return frame
