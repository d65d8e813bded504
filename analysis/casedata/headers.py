"""Column names, checked like cells: cleaned and named, refused when ambiguous, matched.

Every reader (CSV, Excel, SPSS, Stata) passes its header through this one module, so a name
is treated the same whatever the format:

- characters nobody sees (a NUL byte, a zero-width space, a byte-order mark) are removed and
  odd spaces (a non-breaking space, a tab, a line break typed in a cell, doubled, leading or
  trailing spaces) read as one space, with a note naming the column and what was removed;
- two names that become one once cleaned (``sex`` and ``sex`` followed by a NUL byte, or
  ``Sex`` and ``sex``) are refused: which column is meant cannot be told;
- a name that matches a codebook variable up to case and spacing ("Case ID") is renamed to it;
- a name close to a codebook variable the file lacks (``sexx``, ``age_bnd``) is named with
  "did you mean" (:func:`close_names`), so a variable never drops out of the analysis unsaid.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path

import pandas as pd

from analysis.casedata.characters import describe
from analysis.casedata.messages import say
from analysis.errors import UnreadableFileError

#: Column every case file must have; used to find the header row below any title rows.
HEADER_MARKER = "case_id"
#: Rows searched for the header, from the top of a file or sheet.
HEADER_SEARCH_ROWS = 20
#: How alike (difflib's ratio) a name and a codebook variable must be for "did you mean":
#: ``sexx``/``sex`` 0.86, ``age_grp``/``age_band`` 0.73, a Stata name cut at a NUL byte
#: ``theme_hang``/``theme_hanging_back`` 0.71; ``coder``/``sex`` 0.25.
CLOSE_NAME = 0.7
#: Named cleanings listed in a note before "and N more".
_SHOWN = 8
#: Control characters that separate words: read as a space, not removed.
_SPACING_CONTROLS = frozenset("\t\n\r\v\f")
#: How Excel writes a character XML cannot hold (ECMA-376 ``_xHHHH_``); openpyxl leaves it.
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _excel_text(name: str) -> str:
    """A workbook's name with Excel's escapes of control characters (``_x0000_``) decoded."""

    def decoded(match: re.Match) -> str:
        char = chr(int(match.group(1), 16))
        return char if unicodedata.category(char) == "Cc" else match.group(0)

    return _OOXML_ESCAPE.sub(decoded, name)


def clean_name(name, excel: bool = False) -> tuple[str, list[str]]:
    """A column name as it looks, and what was changed to make it so.

    Invisible characters (controls and format characters: NUL, zero-width space, byte-order
    mark, soft hyphen) are removed; odd spaces (tabs, line breaks, non-breaking and other
    spaces) read as a space; runs of spaces become one; the name is stripped.

    >>> clean_name("theme_hang\\x00ing_back")
    ('theme_hanging_back', ['a NUL byte (U+0000)'])
    >>> clean_name(" Case  ID")
    ('Case ID', ['doubled spaces', 'a space at the start or end'])
    """
    text = _excel_text(str(name)) if excel else str(name)
    kept, found = [], {}
    for char in text:
        category = unicodedata.category(char)
        if char in _SPACING_CONTROLS or (category in ("Zs", "Zl", "Zp") and char != " "):
            kept.append(" ")
        elif category in ("Cc", "Cf"):
            pass
        else:
            kept.append(char)
            continue
        found[describe(char)] = None
    cleaned = re.sub(" {2,}", " ", "".join(kept)).strip()
    # plain spaces are named only where typed so (an odd space at the end is named already)
    if re.search(" {2,}", text.strip(" ")):
        found[say("headers", "doubled_spaces")] = None
    if text != text.strip(" "):
        found[say("headers", "outer_spaces")] = None
    return cleaned, list(found)


def header_key(name, excel: bool = False) -> str:
    """A column name folded for matching: "Case ID", "case_id" and "case\\x00_id" agree.

    >>> header_key(" Review-Period ")
    'review_period'
    """
    return re.sub(r"[\s\-]+", "_", clean_name(name, excel)[0].casefold())


def header_offset(rows: list[list]) -> int:
    """Index of the header row: the first of the top rows that names ``case_id``."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(header_key(cell) == HEADER_MARKER for cell in row):
            return i
    return 0


def _where(position: int, excel: bool) -> str:
    """A column as the user finds it: its letter in a workbook, its number elsewhere."""
    if excel:
        from openpyxl.utils import get_column_letter

        return get_column_letter(position + 1)
    return str(position + 1)


def _blank(name) -> bool:
    return name is None or (not isinstance(name, str) and pd.isna(name)) or not str(name).strip()


def refuse_ambiguous(path: Path, names, excel: bool = False) -> None:
    """Refuse a header in which two columns have one name once cleaned and folded.

    Two columns named alike would leave one unchecked or, worse, a choice between them made
    silently. ``names`` are as read, in order (blank ones are skipped).

    Raises
    ------
    UnreadableFileError
        Naming each clash: the names as typed and their columns (letters in a workbook).
    """
    groups: dict[str, list[tuple[int, str]]] = {}
    for position, name in enumerate(names):
        if _blank(name):
            continue
        key = header_key(name, excel)
        if key:
            groups.setdefault(key, []).append(
                (position, _excel_text(str(name)) if excel else str(name))
            )
    clashes = {key: found for key, found in groups.items() if len(found) > 1}
    if not clashes:
        return
    repeated, ambiguous = [], []
    for key, found in clashes.items():
        where = " and ".join(_where(p, excel) for p, _ in found)
        if len({n for _, n in found}) == 1:
            repeated.append(f"{found[0][1]} (columns {where})")
        else:
            typed = " and ".join(f"{n!r} (column {_where(p, excel)})" for p, n in found)
            ambiguous.append(say("headers", "ambiguous", names=typed, folded=key))
    parts = [say("headers", "repeated", names=", ".join(repeated))] if repeated else []
    raise UnreadableFileError(path, "; ".join(parts + ambiguous))


def clean_columns(
    path: Path, frame: pd.DataFrame, notes: list[str], prefix: str = "", excel: bool = False
) -> pd.DataFrame:
    """``frame`` with its column names cleaned (see :func:`clean_name`), and a note naming each
    column changed and what was removed.

    A name of invisible characters only is read as having none (``Unnamed: N``, as a blank
    header cell is).

    Raises
    ------
    UnreadableFileError
        When cleaning makes two names one (see :func:`refuse_ambiguous`).
    """
    refuse_ambiguous(path, list(frame.columns), excel)
    names, told = [], []
    for position, name in enumerate(frame.columns):
        cleaned, found = clean_name(name, excel)
        if not found:
            names.append(cleaned)
            continue
        if not cleaned:
            cleaned = f"Unnamed: {position}"
        names.append(cleaned)
        told.append(
            say(
                "headers",
                "cleaned_one",
                name=repr(_excel_text(str(name)) if excel else str(name)),
                column=_where(position, excel),
                what=" and ".join(found),
                read_as=cleaned,
            )
        )
    if told:
        more = len(told) - _SHOWN
        listed = "; ".join(told[:_SHOWN]) + (say("headers", "more", n=more) if more > 0 else "")
        notes.append(prefix + say("headers", "cleaned", n=len(told), listed=listed))
    return frame.set_axis(names, axis=1)


def match_header(frame: pd.DataFrame, known: set[str], notes: list[str]) -> pd.DataFrame:
    """Rename columns that match a codebook name up to case and spacing ("Case ID" -> case_id)."""
    renames = {}
    for name in frame.columns:
        key = header_key(name)
        if name not in known and key in known and key not in frame.columns:
            renames[name] = key
    if renames:
        pairs = ", ".join(f"{a!r} -> {b}" for a, b in renames.items())
        notes.append(say("headers", "matched", pairs=pairs))
    return frame.rename(columns=renames)


def close_names(columns, known, required=frozenset()) -> dict[str, str]:
    """Columns the codebook does not know, each with the codebook variable its name is close
    to (``{"sexx": "sex"}``), among the variables the file lacks.

    Close in spelling (difflib's ratio at least :data:`CLOSE_NAME`, and the same first letter:
    a slip of typing keeps it, and "date_coded" is no la_code), or, for a ``required`` variable
    (whose absence is an error), sharing its first word with it when no other lacking required
    variable does ("age_group" and age_band, beside the optional age_months). One variable is
    suggested to one column at most: the closest.

    >>> close_names(["case_id", "sexx", "coder"], {"case_id", "sex", "age_band"})
    {'sexx': 'sex'}
    >>> close_names(["age_group"], {"age_band"}, required={"age_band"})
    {'age_group': 'age_band'}
    """
    present = set(columns)
    lacking = [v for v in known if v not in present]
    scored = []
    for column in columns:
        if column in known:
            continue
        key = header_key(column)
        for variable in lacking:
            ratio = difflib.SequenceMatcher(None, key, variable).ratio()
            if ratio >= CLOSE_NAME and key[:1] == variable[:1]:
                scored.append((-ratio, str(column), variable))
    found: dict[str, str] = {}
    for _, column, variable in sorted(scored):
        if column not in found and variable not in found.values():
            found[column] = variable
    # a name that shares its first word with one lacking variable only ("age_group" and
    # age_band) is close in meaning though not in spelling: said where the variable is required
    by_word: dict[str, list[str]] = {}
    for variable in lacking:
        if variable in required:
            by_word.setdefault(variable.split("_")[0], []).append(variable)
    for column in columns:
        word = header_key(column).split("_")[0]
        if column in known or column in found or len(word) < 3:
            continue
        alone = by_word.get(word, [])
        if len(alone) == 1 and alone[0] not in found.values():
            found[str(column)] = alone[0]
    return found
