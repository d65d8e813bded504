"""Properties of reading and checking under damage, with hypothesis (derandomized: CI-stable).

(a) Replacing a few cells of a valid file never raises anything but a ``CaseDataError``, never
    drops or reorders rows, and a file reported valid loads with nothing silently turned into
    missing and every value counted under the code it spells.
(b) Damaging the bytes of a valid file never raises anything but a ``CaseDataError``, and
    ``python -m analysis validate`` always ends with exit code 0, 1 or 2, never a traceback.
(c) Any subset of the synthetic cases loads with exactly its rows, in order, and every
    category's proportion table counts each of them once.
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


#: Valid binary files to damage: a workbook, an SPSS and a Stata file from the corpus.
_BINARY_BASES = {
    name: (BAD_INPUTS / name).read_bytes()
    for name in ("excel_hidden_column.xlsx", "spss_value_labels.sav", "stata.dta")
}


@PROPERTY
@given(base=st.sampled_from(sorted(_BINARY_BASES)), operations=_damage)
def test_byte_damage_to_a_workbook_or_stats_file_ends_in_an_exit_code(base, operations, workdir):
    _check_damaged(_damaged(_BINARY_BASES[base], operations), workdir / f"damaged_{base}")


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
