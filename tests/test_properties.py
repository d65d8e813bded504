"""Properties of reading and checking under damage, with hypothesis (derandomized: CI-stable).

(a) Replacing a few cells of a valid file never raises anything but a ``CaseDataError``, never
    drops or reorders rows, and a file reported valid loads with nothing silently turned into
    missing and every value counted under the code it spells.
(b) Damaging the bytes of a valid file never raises anything but a ``CaseDataError``, and
    ``python -m analysis validate`` always ends with exit code 0, 1 or 2, never a traceback.
(c) Any subset of the synthetic cases loads with exactly its rows, in order, and every
    category's proportion table counts each of them once.
(d) A workbook whose cases are cut over several sheets (some hidden, beside a notes sheet) is
    read as its owner sees it, or refused naming the sheets; ``--sheet all`` reads every
    visible sheet of cases in order, and a problem is reported at its sheet's own row.
(e) SPSS user-missing and Stata extended missing values become the codebook's missing code
    their label names, or a problem at their row and column: never a blank.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from analysis import CaseDataError, check_file, load_cases
from analysis.casedata.codebook import all_variables, load_codebook, normalise_token, value_lookup
from analysis.cli import main
from analysis.paths import EXAMPLES_DIR, SYNTHETIC_DIR

BAD_INPUTS = Path(__file__).parent / "bad_inputs"

#: Derandomized so that CI sees the same examples every run; no example database.
PROPERTY = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

VARIABLES = all_variables()
CATEGORY_COLUMNS = [name for name, var in VARIABLES.items() if var.is_category]


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


EXAMPLE_HEADER, EXAMPLE_ROWS = _read_rows(EXAMPLES_DIR / "example_cases.csv")
SYNTHETIC_HEADER, SYNTHETIC_ROWS = _read_rows(SYNTHETIC_DIR / "synthetic_cases_2011-14.csv")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A folder for the files the examples write (each example overwrites its own file)."""
    return tmp_path_factory.mktemp("properties")


# ---------------------------------------------------------------------------------------------
# (a) cell-level corruption

_ALL_CODES = sorted({code for var in VARIABLES.values() for code in var.codes})
_ALL_LABELS = sorted({label for var in VARIABLES.values() for label in var.codes.values()})


def _respelt(value: str, case: str, separator: str, pad: str) -> str:
    """A spelling a person might type: other case, other separators, stray spaces."""
    cased = {"upper": value.upper(), "lower": value.lower(), "title": value.title()}
    value = cased.get(case, value)
    return f"{pad}{value.replace('_', separator)}{pad}"


def _spellings(values: list[str]) -> st.SearchStrategy[str]:
    return st.builds(
        _respelt,
        st.sampled_from(values),
        st.sampled_from(["same", "upper", "lower", "title"]),
        st.sampled_from(["_", " ", "-"]),
        st.sampled_from(["", " ", "  "]),
    )


_junk = st.one_of(
    # printable text: letters, digits, punctuation (delimiters and quotes too), symbols, spaces
    st.text(st.characters(categories=("L", "N", "P", "S", "Zs")), max_size=12),
    st.sampled_from(_ALL_CODES),  # codes, of this or any other variable
    st.sampled_from(_ALL_LABELS),  # labels, likewise
    _spellings(_ALL_CODES + _ALL_LABELS),
    st.sampled_from(["", " ", "   "]),  # blanks
    st.integers(-3, 2020).map(str),  # numbers
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(str),
)


@st.composite
def _cell_edit(draw) -> tuple[int, int, str]:
    """One cell and its new value: often a spelling of one of that column's own codes or
    labels (so that some edited files stay valid), otherwise anything."""
    i = draw(st.integers(0, len(EXAMPLE_ROWS) - 1))
    j = draw(st.integers(0, len(EXAMPLE_HEADER) - 1))
    var = VARIABLES.get(EXAMPLE_HEADER[j])
    if var is not None and var.is_category and draw(st.integers(0, 3)) > 0:
        own = [*var.codes, *var.codes.values(), *var.aliases]
        return i, j, draw(_spellings(own))
    return i, j, draw(_junk)


_cell_edits = st.lists(_cell_edit(), min_size=1, max_size=5)


def _apply_edits(edits) -> tuple[list[list[str]], set[tuple[int, int]]]:
    rows = [list(row) for row in EXAMPLE_ROWS]
    for i, j, value in edits:
        rows[i][j] = value
    return rows, {(i, j) for i, j, _ in edits}


@PROPERTY
@given(edits=_cell_edits)
def test_cell_corruption_is_reported_never_crashes_drops_or_coerces(edits, workdir):
    rows, edited = _apply_edits(edits)
    path = workdir / "edited.csv"
    path.write_bytes(_csv_bytes(EXAMPLE_HEADER, rows))
    try:
        frame, report = check_file(path)
    except CaseDataError:
        return  # refused with a message: allowed
    # no row dropped, none reordered
    assert len(frame) == len(rows) == report.n_rows
    id_column = EXAMPLE_HEADER.index("case_id")
    untouched = [i for i in range(len(rows)) if (i, id_column) not in edited]
    assert [frame["case_id"].iloc[i] for i in untouched] == [rows[i][id_column] for i in untouched]
    event("valid after the edits" if report.ok else "problems reported")
    if not report.ok:
        return
    cases = load_cases(path)
    assert len(cases) == len(rows)
    period = load_codebook().period
    for column in CATEGORY_COLUMNS:
        if column not in cases.columns:
            continue
        given_values = [row[EXAMPLE_HEADER.index(column)] for row in rows]
        blank = [not value.strip() for value in given_values]
        # missing exactly where the input was blank: nothing silently coerced to missing
        assert cases[column].isna().tolist() == blank, column
        lookup = value_lookup(period, column)
        expected = Counter(
            lookup.get(normalise_token(value), value.strip())
            for value, is_blank in zip(given_values, blank, strict=True)
            if not is_blank
        )
        assert Counter(cases[column].dropna().astype(str)) == expected, column


# ---------------------------------------------------------------------------------------------
# (b) byte-level damage

_position = st.integers(0, 1 << 20)  # taken modulo the length of the data at that point
_damage = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), _position, st.integers(0, 255)),
        st.tuples(st.just("delete"), _position, st.integers(1, 8)),
        st.tuples(st.just("flip"), _position, st.integers(1, 255)),
        st.tuples(st.just("truncate"), _position, st.just(0)),
    ),
    min_size=1,
    max_size=8,
)


def _damaged(data: bytes, operations) -> bytes:
    out = bytearray(data)
    for kind, position, value in operations:
        at = position % (len(out) + 1)
        if kind == "insert":
            out[at:at] = bytes([value])
        elif kind == "delete":
            del out[at : at + value]
        elif kind == "flip" and at < len(out):
            out[at] ^= value
        elif kind == "truncate" and out:
            del out[max(at, 1) :]
    return bytes(out)


def _validate_quietly(path: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", str(path)])
    return code, out.getvalue() + err.getvalue()


def _check_damaged(data: bytes, path: Path) -> None:
    path.write_bytes(data)
    try:
        check_file(path)
    except CaseDataError:
        pass
    code, output = _validate_quietly(path)
    assert code in (0, 1, 2), output
    assert "Traceback" not in output


#: Valid text files to damage: plain UTF-8 CSV, and the corpus' other valid text encodings.
_TEXT_BASES = {
    "example.csv": _csv_bytes(EXAMPLE_HEADER, EXAMPLE_ROWS),
    "semicolon.csv": (BAD_INPUTS / "semicolon_delimiter.csv").read_bytes(),
    "windows_1252.csv": (BAD_INPUTS / "windows_1252.csv").read_bytes(),
    "utf16.txt": (BAD_INPUTS / "utf16_unicode_text.txt").read_bytes(),
    "mac.csv": (BAD_INPUTS / "mac_line_endings.csv").read_bytes(),
}


@PROPERTY
@given(base=st.sampled_from(sorted(_TEXT_BASES)), operations=_damage)
def test_byte_damage_to_a_csv_ends_in_an_exit_code_never_a_crash(base, operations, workdir):
    _check_damaged(_damaged(_TEXT_BASES[base], operations), workdir / f"damaged_{base}")


#: Valid binary files to damage: workbooks (one of two sheets), SPSS and Stata files (some with
#: declared missing values) from the corpus.
_BINARY_BASES = {
    name: (BAD_INPUTS / name).read_bytes()
    for name in (
        "excel_hidden_column.xlsx",
        "excel_two_sheets.xlsx",
        "spss_value_labels.sav",
        "spss_declared_missing.sav",
        "stata.dta",
        "stata_extended_missing.dta",
    )
}


@PROPERTY
@given(base=st.sampled_from(sorted(_BINARY_BASES)), operations=_damage)
def test_byte_damage_to_a_workbook_or_stats_file_ends_in_an_exit_code(base, operations, workdir):
    _check_damaged(_damaged(_BINARY_BASES[base], operations), workdir / f"damaged_{base}")


# ---------------------------------------------------------------------------------------------
# (d) workbooks of several sheets

_SHEET_STATES = st.sampled_from(["visible", "visible", "hidden"])


@st.composite
def _workbook_plan(draw):
    """The example's rows cut into 1-3 sheets (some hidden), maybe a notes sheet, an active
    sheet, and maybe one cell made wrong: ``(sheets, active, bad)``."""
    n = len(EXAMPLE_ROWS)
    cuts = sorted(draw(st.sets(st.integers(1, n - 1), max_size=2)))
    bounds = list(zip([0, *cuts], [*cuts, n], strict=True))
    sheets = [(f"cases {i}", lo, hi, draw(_SHEET_STATES)) for i, (lo, hi) in enumerate(bounds)]
    if draw(st.booleans()):
        at = draw(st.integers(0, len(sheets)))
        sheets.insert(at, ("notes", 0, 0, draw(_SHEET_STATES)))
    if all(state == "hidden" for *_, state in sheets):
        name, lo, hi, _ = sheets[0]
        sheets[0] = (name, lo, hi, "visible")  # Excel keeps at least one sheet visible
    visible = [i for i, (*_, state) in enumerate(sheets) if state == "visible"]
    active = draw(st.sampled_from(visible))
    bad = draw(st.none() | st.integers(0, n - 1))
    return sheets, active, bad


def _write_workbook(path: Path, sheets, active: int, bad: int | None) -> None:
    from openpyxl import Workbook

    outcome = EXAMPLE_HEADER.index("outcome")
    book = Workbook()
    book.remove(book.active)
    for name, lo, hi, state in sheets:
        sheet = book.create_sheet(name)
        sheet.sheet_state = state
        if name == "notes":
            sheet.append(["Coded cases, one sheet per batch"])
            continue
        sheet.append(EXAMPLE_HEADER)
        for i in range(lo, hi):
            row = [cell or None for cell in EXAMPLE_ROWS[i]]
            if i == bad:
                row[outcome] = "dead"
            sheet.append(row)
    book.active = active
    book.save(path)


@settings(PROPERTY, max_examples=30)
@given(plan=_workbook_plan())
def test_a_workbook_of_several_sheets_is_read_as_seen_or_refused_by_name(plan, workdir):
    sheets, active, bad = plan
    path = workdir / "sheets.xlsx"
    _write_workbook(path, sheets, active, bad)
    shown = [s for s in sheets if s[0] != "notes" and s[3] == "visible"]
    expected_ids = [EXAMPLE_ROWS[i][0] for _, lo, hi, _ in shown for i in range(lo, hi)]
    event(f"{len(shown)} visible sheet(s) of cases")
    # the default: one sheet of cases is read; several are refused, each named
    try:
        frame, report = check_file(path)
    except CaseDataError as exc:
        # several sheets of cases, each named; or none visible, the hidden ones named
        named = shown if shown else [s for s in sheets if s[0] != "notes"]
        assert len(shown) != 1, str(exc)
        assert all(repr(name) in str(exc) for name, *_ in named), str(exc)
    else:
        assert len(shown) <= 1
        if shown:
            assert frame["case_id"].tolist() == expected_ids
    # sheet="all": every visible sheet of cases, in order, each problem at its sheet's row
    if not shown:
        return
    frame, report = check_file(path, sheet="all")
    assert frame["case_id"].tolist() == expected_ids
    wrong = report.errors[report.errors["rule"] == "SCH002"]
    if bad is None or EXAMPLE_ROWS[bad][0] not in expected_ids:
        assert report.ok, report.to_text()
        return
    name, lo, _, _ = next(s for s in shown if s[1] <= bad < s[2])
    where = f"{path} (sheet {name})" if len(shown) > 1 else str(path)
    assert wrong[["file", "row", "column"]].values.tolist() == [[where, bad - lo + 2, "outcome"]]


# ---------------------------------------------------------------------------------------------
# (e) SPSS and Stata files with declared missing values

#: Yes/no variables, coded 1 = yes, 2 = no, that no cross-field rule reads but XF009 (a review's
#: children agree on review-level variables): so an edit is made to every row of a review.
_DECLARED_COLUMNS = ["disability", "parent_domestic_abuse", "neglect_feature", "theme_hanging_back"]
#: Declared missing values and their labels: SPSS value, Stata letter, label, code it means.
_DECLARED = [
    (-9, "a", "Not recorded", "not_recorded"),
    (-8, "b", "NOT_RECORDED", "not_recorded"),
    (-7, "c", "Refused", None),
    (-6, "d", None, None),  # no label: which missing code it is cannot be told
]
_REVIEW_ROWS = (
    pd.Series(range(len(EXAMPLE_ROWS)))
    .groupby([row[EXAMPLE_HEADER.index("review_id")] for row in EXAMPLE_ROWS], sort=False)
    .agg(list)
    .tolist()
)
_declared_edits = st.lists(
    st.tuples(
        st.integers(0, len(_REVIEW_ROWS) - 1),
        st.sampled_from(_DECLARED_COLUMNS),
        st.integers(0, len(_DECLARED) - 1),
    ),
    max_size=6,
    unique_by=lambda edit: edit[:2],
)


def _declared_cells(edits):
    """``(row position, column, which declared value)`` for every row of each edited review."""
    return [(i, column, which) for review, column, which in edits for i in _REVIEW_ROWS[review]]


def _write_declared(path: Path, kind: str, edits) -> None:
    import pyreadstat

    frame = pd.DataFrame(EXAMPLE_ROWS, columns=EXAMPLE_HEADER)
    stata = kind == "dta"
    codes = {"yes": 1, "no": 2, "not_recorded": "a" if stata else -9, "": None}
    for column in _DECLARED_COLUMNS:
        frame[column] = frame[column].map(codes).astype(object)
    for i, column, which in _declared_cells(edits):
        frame.loc[i, column] = _DECLARED[which][1 if stata else 0]
    key = 1 if stata else 0
    labels = {
        c: {1: "Yes", 2: "No", **{d[key]: d[2] for d in _DECLARED if d[2]}}
        for c in _DECLARED_COLUMNS
    }
    if stata:
        declared = {c: [d[1] for d in _DECLARED] for c in _DECLARED_COLUMNS}
        pyreadstat.write_dta(
            frame, str(path), variable_value_labels=labels, missing_user_values=declared
        )
    else:
        for column in _DECLARED_COLUMNS:
            frame[column] = frame[column].astype(float)
        declared = {c: [{"lo": -9, "hi": -6}] for c in _DECLARED_COLUMNS}
        pyreadstat.write_sav(
            frame, str(path), variable_value_labels=labels, missing_ranges=declared
        )


@settings(PROPERTY, max_examples=40)
@given(kind=st.sampled_from(["sav", "dta"]), edits=_declared_edits)
def test_declared_missing_values_become_missing_codes_or_problems_never_blanks(
    kind, edits, workdir
):
    path = workdir / f"declared.{kind}"
    _write_declared(path, kind, edits)
    frame, report = check_file(path)
    assert len(frame) == len(EXAMPLE_ROWS)
    expected = {
        c: [row[EXAMPLE_HEADER.index(c)] or None for row in EXAMPLE_ROWS] for c in _DECLARED_COLUMNS
    }
    wrong = []
    for i, column, which in _declared_cells(edits):
        value, letter, label, code = _DECLARED[which]
        expected[column][i] = code or label or (f".{letter}" if kind == "dta" else str(value))
        if code is None:
            wrong.append([i + 1, column, "SCH002"])
    for column, values in expected.items():
        got = [None if pd.isna(v) else v for v in frame[column]]
        assert got == values, column  # nothing turned blank, every not-recorded kept
    found = report.errors[["row", "column", "rule"]].values.tolist()
    assert sorted(found) == sorted(wrong), report.to_text()
    event("problems reported" if wrong else "valid")
    if not wrong:
        cases = load_cases(path)
        for column, values in expected.items():
            assert int((cases[column] == "not_recorded").sum()) == values.count("not_recorded")


# ---------------------------------------------------------------------------------------------
# (c) subsets of the synthetic cases

_N = len(SYNTHETIC_ROWS)
_subsets = st.one_of(
    st.sets(st.integers(0, _N - 1), min_size=1, max_size=20),  # a few rows
    st.lists(st.booleans(), min_size=_N, max_size=_N)  # about half of them
    .map(lambda keep: {i for i, k in enumerate(keep) if k})
    .filter(bool),
)


@settings(PROPERTY, max_examples=60)
@given(chosen=_subsets)
def test_any_subset_of_rows_loads_whole_and_every_table_counts_each_row(chosen, workdir):
    from analysis.stats.tables import proportion_table

    order = sorted(chosen)
    path = workdir / "subset.csv"
    path.write_bytes(_csv_bytes(SYNTHETIC_HEADER, [SYNTHETIC_ROWS[i] for i in order]))
    cases = load_cases(path)
    assert len(cases) == len(order)
    assert cases["case_id"].tolist() == [SYNTHETIC_ROWS[i][0] for i in order]
    for column in CATEGORY_COLUMNS:
        if column in cases.columns:
            table = proportion_table(cases, column)
            assert table["count"].sum() == len(cases), column


def test_properties_start_from_valid_files():
    assert load_cases(EXAMPLES_DIR / "example_cases.csv").shape[0] == len(EXAMPLE_ROWS)
    assert len(load_cases(SYNTHETIC_DIR / "synthetic_cases_2011-14.csv")) == _N
    assert pd.Series(SYNTHETIC_HEADER).iloc[0] == "case_id"
