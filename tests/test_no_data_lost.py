"""Every row loaded is counted once in every breakdown: nothing is lost between file and table."""

import pandas as pd
import pytest

from analysis import load_cases
from analysis.casedata.codebook import all_variables
from analysis.pipeline.notebooks import chapter_notebooks, execute_notebook
from analysis.stats.measures import reviews
from analysis.stats.tables import (
    combinations_table,
    involvement_now_vs_ever,
    proportion_table,
    reviews_by_year,
)

CATEGORY_COLUMNS = [n for n, v in all_variables().items() if v.is_category]


@pytest.fixture(scope="module", params=["2011-14", "2014-17"])
def cases(request):
    return load_cases(period=request.param)


@pytest.mark.parametrize("by", [None, "age_band", "outcome", ["sex", "final_report_available"]])
def test_every_breakdown_adds_back_to_the_rows_loaded(cases, by):
    keys = [by] if isinstance(by, str) else (by or [])
    for column in CATEGORY_COLUMNS:
        if column in cases.columns and column not in keys:
            table = proportion_table(cases, column, by=by)
            assert table["count"].sum() == len(cases), (column, by)


def test_involvement_groups_cover_every_child(cases):
    table = involvement_now_vs_ever(cases, by=["age_band", "outcome"])
    assert table[table["measure"] == "now"]["denominator_count"].sum() == len(cases)


def test_reviews_and_combinations_cover_every_review(cases):
    assert reviews_by_year(cases)["reviews_count"].sum() == len(reviews(cases))
    flags = {"a": cases["parent_drug_misuse"] == "yes", "b": cases["neglect_feature"] == "yes"}
    with_report = (reviews(cases)["final_report_available"] == "yes").sum()
    assert combinations_table(cases, flags)["count"].sum() == with_report


@pytest.mark.notebooks
def test_the_notebooks_breakdown_tables_add_back_to_the_rows_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path))
    children = (
        load_cases()["review_period"].astype(str).value_counts()
    )  # both chapters: every period
    for prefix in ("02_", "03_"):
        notebook = next(p for p in chapter_notebooks() if p.name.startswith(prefix))
        assert execute_notebook(notebook).ok
    outputs = tmp_path / "outputs"
    for name in ("02_age_bands", "02_sex", "02_ethnicity", "03_status_at_incident"):
        table = pd.read_csv(outputs / f"{name}.csv")
        assert table.groupby("review_period")["count"].sum().to_dict() == children.to_dict(), name
    by_age = pd.read_csv(outputs / "03_involvement_by_age.csv")
    now = by_age[by_age["measure"] == "now"]
    assert now.groupby("review_period")["denominator_count"].sum().to_dict() == children.to_dict()
