"""One accessible spreadsheet per run, following the GSS guidance, made with ``gptables``.

The workbook is built from the tables the run wrote (``outputs/*.csv``): on a researcher's own
data those are the protected tables, so the workbook holds nothing the CSVs do not. It has a
cover sheet (what the data is, what is synthetic, the disclosure rule on own data), a contents
sheet, a notes sheet (the markers), and one sheet per table with its title, source and units.
Counts are whole numbers; percentages and intervals are rounded to one decimal where shown
(the tidy CSVs keep full precision). A suppressed count reads ``[c]``, a value not available
``[x]``, a cell that does not apply ``[z]``, as the guidance asks.

The file is written deterministically (a fixed creation date), so a rerun on the same data
gives the same bytes. ``gptables`` (MIT, the Analysis Function's package for good-practice
spreadsheets) does the layout; this module only maps the run's tables onto it.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from functools import cache
from pathlib import Path

import pandas as pd

from analysis.content import read_yaml
from analysis.files import replacing
from analysis.publish.disclosure import rules

WORKBOOK_NAME = "scr_tables.xlsx"
#: Titles of the tables (by file stem) and the chapters they come from.
TITLES_FILE = Path(__file__).with_name("workbook.yaml")
#: Written into the file instead of the time of writing, so reruns are byte-identical.
FIXED_CREATED = dt.datetime(2016, 7, 1)
_SHEET_LIMIT = 31  # Excel's longest sheet name


@cache
def _titles() -> dict:
    return read_yaml(TITLES_FILE)


def table_title(name: str) -> str:
    """A table's title: from ``workbook.yaml`` or, failing that, its name in words.

    >>> table_title("03_involvement_by_age")
    'Involvement by age (chapter 3)'
    """
    known = _titles()["tables"].get(name)
    if known:
        return known
    chapter, _, rest = name.partition("_")
    if chapter.isdigit() and rest:
        return f"{rest.replace('_', ' ').capitalize()} (chapter {int(chapter)})"
    return name.replace("_", " ").capitalize()


def heading(column: str) -> str:
    """A column heading in words, with its unit.

    >>> heading("ci_low_percent"), heading("denominator_count"), heading("p_value_holm")
    ('Lower 95% limit (%)', 'Denominator (number)', 'P value holm')
    """
    special = _titles()["headings"]
    if column in special:
        return special[column]
    for suffix, unit in (("_percent", " (%)"), ("_count", " (number)"), ("_points", " (points)")):
        if column.endswith(suffix):
            return column[: -len(suffix)].replace("_", " ").capitalize() + unit
    return column.replace("_", " ").capitalize()


def _is_count(column: str) -> bool:
    return column.endswith("_count") or column in ("count", "numerator", "denominator")


def shown(table: pd.DataFrame) -> pd.DataFrame:
    """A tidy table as the workbook shows it: markers in brackets, counts whole, shares rounded.

    Cells are built column by column in plain Python: the tables are small, and pandas'
    per-operation overhead made this function half the workbook's time. Rounding stays with
    pandas (numpy's rounding), so every shown number is what ``Series.round`` gives.

    >>> t = pd.DataFrame({"count": [12.0, None], "count_marker": ["", "c"],
    ...                   "percent": [41.37, None]})
    >>> shown(t).values.tolist()
    [[12, 41.4], ['[c]', '[c]']]
    """
    markers = {
        c[: -len("_marker")]: [_text(v) for v in table[c].tolist()]
        for c in table.columns
        if c.endswith("_marker")
    }
    # a row is withheld when a count in it is suppressed, or when its statistics went with a
    # hidden count they rest on (a verdict reads "c" though every count shown has no marker)
    suppressed = rules().markers["suppressed"]
    withheld = [
        [_text(v) == suppressed for v in table[c].tolist()]
        for c in table.columns
        if c in rules().derived_text_columns
    ]
    row_marked = [any(marks) for marks in zip(*markers.values(), *withheld, strict=True)] or [
        False
    ] * len(table)
    out = {}
    for column in table.columns:
        if column.endswith("_marker") or column == "dataset":
            continue
        values = table[column]
        if pd.api.types.is_bool_dtype(values):
            cells = [_YES_NO.get(v, _NAN) for v in values.tolist()]
        elif pd.api.types.is_numeric_dtype(values):
            cells = _numbers(column, values, markers.get(column), row_marked)
        else:
            cells = [
                _word(v, marked) for v, marked in zip(values.tolist(), row_marked, strict=True)
            ]
        out[heading(column)] = cells
    return pd.DataFrame(out, index=table.index, dtype=object)


_NAN = float("nan")
_YES_NO = {True: "Yes", False: "No"}
_WITHHELD = ("c", "x", "z")


def _text(value) -> str:
    """A marker cell as text: "" where the cell is empty."""
    return "" if pd.isna(value) else str(value).strip()


def _numbers(column: str, values: pd.Series, marker: list[str] | None, row_marked) -> list:
    if _is_count(column):
        decimals = 0
    elif column.endswith(("_percent", "_points")) or column == "percent":
        decimals = 1
    else:
        decimals = 3
    rounded = values.round(decimals).tolist()
    cells = []
    for i, (value, number) in enumerate(zip(values.tolist(), rounded, strict=True)):
        if not pd.isna(value):
            cells.append(int(number) if decimals == 0 else number)
        elif marker is not None and marker[i]:
            cells.append(f"[{marker[i]}]")
        else:
            # a statistic withheld with a suppressed count in its row is confidential too
            cells.append("[c]" if row_marked[i] else "[x]")
    return cells


def _word(value, marked: bool):
    if pd.isna(value) or str(value) == "":
        return "[z]"
    # a yes/no column with a withheld cell is read as text: True/False stay words
    if value is True or value == "True":
        value = "Yes"
    elif value is False or value == "False":
        value = "No"
    # a verdict or a word withheld with a suppressed count reads as its marker, bracketed
    code = str(value).strip()
    return f"[{code}]" if marked and code in _WITHHELD else value


def _no_rows(words: dict) -> pd.DataFrame:
    """A table the data gave no row (no death in a file of serious harm only), as one cell
    saying so: a sheet of no cells is refused by gptables, and readers should see why.

    >>> _no_rows({"heading": "Note", "text": "No rows."}).values.tolist()
    [['No rows.']]
    """
    return pd.DataFrame({words["heading"]: [words["text"]]}, dtype=object)


def _sheet_names(names: list[str]) -> dict[str, str]:
    sheets, used = {}, set()
    for name in names:
        label = name[:_SHEET_LIMIT]
        n = 2
        while label in used:
            label = f"{name[: _SHEET_LIMIT - 3]}_{n}"
            n += 1
        used.add(label)
        sheets[name] = label
    return sheets


def _refuse_checked_run(run_root: Path) -> None:
    """A run with a checking record is closed: a workbook written into it afterwards would be
    a file the record never checked (``make reproduce`` writes it before checking)."""
    from analysis.publish.checking import CHECKING_DIR

    if (run_root / CHECKING_DIR / "results.json").exists():
        raise ValueError(
            f"{run_root} has been checked: its workbook is written by `make reproduce "
            "DATA=...`, never afterwards"
        )


def write_workbook(run_root: Path, label: str, *, synthetic: bool, protected: bool) -> Path:
    """Write ``outputs/scr_tables.xlsx`` from the run's tables; return its path.

    Parameters
    ----------
    run_root : Path
        The run's folder (``outputs/`` inside it holds the tables).
    label : str
        What data made the run (the tables' ``dataset``).
    synthetic : bool
        The shipped synthetic data (the cover says so).
    protected : bool
        A run on a researcher's own data: the cover states the disclosure rule.

    Raises
    ------
    ValueError
        The run already has a checking record (only files it checked may leave).
    """
    import gptables as gpt

    _refuse_checked_run(Path(run_root))
    text = _titles()
    tables_dir = Path(run_root) / "outputs"
    names = sorted(p.stem for p in tables_dir.glob("*.csv"))
    sheets_by_name = _sheet_names(names)
    sheets = {}
    for name in names:
        table = pd.read_csv(tables_dir / f"{name}.csv", keep_default_na=True)
        data = table["dataset"].iloc[0] if "dataset" in table and len(table) else label
        source = (
            text["sources"]["public"]
            if data == "Public statistics"
            else (text["sources"]["synthetic"] if synthetic else text["sources"]["own"])
        )
        sheets[sheets_by_name[name]] = gpt.GPTable(
            table=shown(table) if len(table) else _no_rows(text["empty_table"]),
            table_name=re.sub(r"\W", "_", f"table_{name}"),
            title=table_title(name),
            subtitles=[f"Data: {data}. Full precision in {name}.csv $$precision$$"],
            source=source,
            instructions="This worksheet contains one table. Some cells may hold markers "
            "$$markers$$",
        )
    intro = list(text["cover"]["intro"])
    intro.insert(0, f"Data: {label}.")
    if synthetic:
        intro.append(text["cover"]["synthetic"])
    if protected:
        intro.append(text["cover"]["protected"].format(threshold=rules().threshold))
    cover = gpt.Cover(
        title=text["cover"]["title"],
        intro=intro,
        about=list(text["cover"]["about"]),
        contact=list(text["cover"]["contact"]),
    )
    notes = pd.DataFrame(
        [{"Note number": key, "Note text": words} for key, words in text["notes"].items()]
    )
    path = tables_dir / WORKBOOK_NAME
    with replacing(path) as temporary, warnings.catch_warnings():
        # gptables 2.0 still calls pandas APIs that pandas 3 deprecates: its warnings, not ours
        warnings.filterwarnings("ignore", module=r"gptables(\.|$)")
        workbook = gpt.produce_workbook(
            filename=str(temporary),
            sheets=sheets,
            cover=cover,
            notes_table=notes,
            contentsheet_label="Contents",
        )
        workbook.set_properties({"created": FIXED_CREATED})
        workbook.close()
    return path
