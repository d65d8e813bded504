"""Own files of many shapes, end to end (issue 21, item 2): every valid file a researcher might
bring runs through ``reproduce`` to exit code 0, with no failed notebook, no traceback, a
passing recovery audit, and each figure drawn or replaced by its sentence.

The files come from :mod:`own_files` (shapes: seed, size, periods, twists, format). Three
seeded shapes run here in ``make test``; ``make sweep SHAPES=60`` runs many more (the ``sweep``
marker, deselected by default) and writes a summary of shapes, outcome and time per shape.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pandas as pd
import pytest
from own_files import (
    FORMATS,
    SIZES,
    TWISTS,
    VALUES,
    Outcome,
    Shape,
    build_frame,
    random_shape,
    run_shape,
    summary_table,
    write_file,
)

from analysis import check_file
from analysis.casedata.load import synthetic_path

#: The file of the report: 60 children of the shipped 2011-14 cases, saved by SPSS with text
#: labels. Chapter 4 stopped the whole run on it ("'xerr' must not contain negative values":
#: 0 of 36 final reports, whose Wilson lower limit is a rounding above 0), before 8ebdad4.
SIXTY_SPSS = Shape(3, 60, ("2011-14",), format="sav", values="labels", pool="shipped")
#: Three small shapes for ``make test``, between them every twist, both periods, every format
#: but CSV (the suite's other own-data tests use CSV), codes and labels.
SEEDED = (
    SIXTY_SPSS,
    Shape(211, 48, ("2011-14", "2014-17"), ("no_family_factors", "large_siblings"), "dta", "codes"),
    Shape(
        212,
        44,
        ("2011-14", "2014-17"),
        ("sparse", "harm_only", "no_reports", "required_only"),
        "xlsx",
        "labels",
    ),
)


def _report(outcome: Outcome) -> str:
    return f"{outcome.shape}: {'; '.join(outcome.problems)}\n{outcome.said[-4000:]}"


@pytest.mark.notebooks
@pytest.mark.parametrize("shape", SEEDED, ids=str)
def test_seeded_own_file_runs_to_the_end(shape, tmp_path):
    outcome = run_shape(shape, tmp_path)
    assert outcome.ok, _report(outcome)
    assert "Recovery audit: passed" in outcome.said


# --- the sweep: make sweep SHAPES=60 -----------------------------------------------------------
SWEEP_SEED = int(os.environ.get("SCR_SWEEP_SEED", "21"))
SWEEP = [random_shape(i, SWEEP_SEED) for i in range(int(os.environ.get("SCR_SWEEP_SHAPES", "60")))]


@pytest.fixture(scope="session")
def sweep_outcomes():
    """Every shape's outcome, written as a Markdown summary (``$SCR_SWEEP_SUMMARY``) at the end."""
    outcomes: list[Outcome] = []
    yield outcomes
    summary = os.environ.get("SCR_SWEEP_SUMMARY")
    if outcomes and summary:
        path = Path(summary)
        path.parent.mkdir(parents=True, exist_ok=True)
        head = f"# Sweep of own files (seed {SWEEP_SEED}, {len(outcomes)} shapes)\n\n"
        path.write_text(head + summary_table(outcomes), encoding="utf-8")


@pytest.mark.sweep
@pytest.mark.parametrize("shape", SWEEP, ids=str)
def test_sweep_shape(shape, tmp_path, sweep_outcomes):
    outcome = run_shape(shape, tmp_path)
    sweep_outcomes.append(outcome)
    assert outcome.ok, _report(outcome) + f"\nFiles: {tmp_path}"


# --- the files themselves: valid by construction (no notebook runs) ----------------------------


#: Each twist (and none) written in another of the eight ways a file can be saved.
WRITTEN = list(zip([None, *TWISTS], itertools.product(FORMATS, VALUES), strict=True))


@pytest.mark.parametrize(("twist", "written"), WRITTEN, ids=[str(t) for t, _ in WRITTEN])
def test_every_shape_writes_a_valid_file_of_its_size(twist, written, tmp_path):
    fmt, values = written
    shape = Shape(7, 40, ("2011-14", "2014-17"), (twist,) if twist else (), fmt, values)
    frame, report = check_file(write_file(shape, tmp_path))
    assert report.errors.empty, (str(shape), report.errors.head().to_dict("records"))
    assert len(frame) == 40 and set(frame["review_period"]) == {"2011-14", "2014-17"}
    codes = build_frame(shape)
    if twist == "no_reports":
        assert (frame["final_report_available"] == "no").all()
    if twist == "deaths_only":
        assert (frame["outcome"] == "death").all()
    if twist == "harm_only":
        assert (frame["outcome"] == "serious_harm").all()
    if twist == "no_family_factors":
        assert (frame[["parent_drug_misuse", "neglect_feature"]] == "not_recorded").all(axis=None)
    if twist == "large_siblings":
        assert frame.groupby(["review_period", "review_id"]).size().max() >= 4
    if twist == "required_only":
        assert "ethnicity" not in frame and "theme_hanging_back" not in frame
    if twist == "sparse":  # every category of a few variables has lost one or two codes
        assert frame["age_band"].nunique() < 5
    # what was written is what the shape built, read back as codes
    pd.testing.assert_series_equal(frame["age_band"].astype(str), codes["age_band"], False)


def test_a_shape_prints_everything_needed_to_make_its_file_again():
    assert str(SEEDED[1]) == (
        "seed=211 size=48 periods=2011-14+2014-17 twists=no_family_factors,large_siblings "
        "format=dta/codes"
    )
    assert str(SIXTY_SPSS).endswith("format=sav/labels pool=shipped")


def test_the_sweep_is_seeded_and_covers_every_kind_of_file():
    shapes = [random_shape(i) for i in range(60)]
    assert shapes == [random_shape(i) for i in range(60)]
    assert all(SIZES[0] <= s.size <= SIZES[1] for s in shapes)
    assert {s.format for s in shapes} == set(FORMATS) and {s.values for s in shapes} == set(VALUES)
    assert {s.periods for s in shapes} == {("2011-14",), ("2014-17",), ("2011-14", "2014-17")}
    assert {t for s in shapes for t in s.twists} == set(TWISTS)
    assert not any({"deaths_only", "harm_only"} <= set(s.twists) for s in shapes)


def test_the_sixty_child_file_is_the_shipped_cases_sampled_as_pandas_samples():
    shipped = pd.read_csv(synthetic_path("2011-14"), dtype=str, keep_default_na=False)
    sample = shipped.drop(columns="record_origin").sample(60, random_state=3)
    built = build_frame(SIXTY_SPSS)
    assert built.drop(columns="case_id").values.tolist() == (
        sample.drop(columns="case_id").values.tolist()
    )


def test_the_summary_names_each_shape_its_outcome_and_time():
    passed = Outcome(SEEDED[1], seconds=61.4, not_drawn=2, skipped=1)
    failed = Outcome(SIXTY_SPSS, ["exit code 1", "notebook failed: 04_families.ipynb"], 20.0)
    lines = summary_table([passed, failed]).splitlines()
    assert lines[2] == f"| 1 | `{SEEDED[1]}` | pass | 1 | 2 | 61 |"
    assert lines[3] == (
        f"| 2 | `{SIXTY_SPSS}` | FAIL: exit code 1; notebook failed: 04_families.ipynb "
        "| 0 | 0 | 20 |"
    )
    assert lines[-1] == "1 of 2 shapes passed in 1.4 minutes."
