"""Which rows a table has never depends on the data (issue 20).

A table that lists only the categories present tells a reader which are zero: on a
researcher's own file a missing row discloses a zero count (and a zero of a small group an
attribute of the whole group). Every table a run writes from case data therefore has a row for
every category of its dimensions, fixed by the codebook and the chapter.

The test builds every case-data table the notebooks write (``run.table(...)``), the way each
notebook builds it, on two own-data files: the shipped synthetic cases, and a copy in which
several categories are entirely absent (and deaths of no recorded category, a "not recorded"
row the shipped data never fills). Both must give the same rows: the same values, in the same
order, in every dimension column.

One dimension is the file's scope, not a category: the review periods a file covers (a period
not coded is not a period of zero children). Tables by period (``review_period``, the chapter 7
tables, ``07_reviews_a_year``) have the periods of the file; within a period, incident years are
the codebook's. Both files here cover both periods.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import load_cases
from analysis.casedata.codebook import PERIODS
from analysis.casedata.load import synthetic_path
from analysis.chapters import (
    children,
    coverage,
    families,
    involvement,
    overview,
    periods,
    scorecard,
    themes,
)
from analysis.chapters.neglect_categories import (
    ever_items,
    neglect_by_age,
    neglect_by_outcome,
    neglect_categories,
    plan_categories,
    plan_categories_vs_published,
    plan_neglect_check,
)
from analysis.chapters.regions import funnel_limits, funnel_positions, reviews_by_region
from analysis.chapters.sudi import age_summary, circumstances_table, medical_causes
from analysis.paths import ROOT
from analysis.publish.run import COUNT_NAME
from analysis.stats import tables
from analysis.stats.inference import logistic_model
from analysis.stats.members import PREFIX, counted_column, member_columns

#: Categories left out entirely of the second file: one of each kind of dimension.
ABSENT = {
    "age_band": "6_10",
    "ethnicity": "asian",
    "outcome": "serious_harm",
    "csc_status_at_incident": "open_looked_after",
    "incident_year": "2012-13",
    "death_category": "suicide",
    "region": "north_east",
}

#: Tables the notebooks write that are not counted from case data (published figures, public
#: statistics, the chapter's own words): their rows are not the data's to change.
NOT_CASE_DATA = {
    "01_death_groups_preliminary_published": "published counts (attrs public_counts)",
    "05_practice_messages": "the practice messages as data (themes.yaml), no case data",
    "08_not_computable_reasons": "counts of published figures (attrs public_counts)",
    "08_scorecard_status": "counts of published figures by status (attrs public_counts)",
}
#: Chapter 6 writes only public statistics and published figures (public_statistics_run).
PUBLIC_CHAPTER = "06_"

#: Columns that hold a result, not a row's identity: a verdict or test name may change with
#: the data; the row it stands in may not.
RESULTS = {
    "test",
    "agrees",
    "agrees_with_published",
    "status",
    "verdict",
    "accepts",
    "marker",
    "changed_clearly",
    "bounds_overlap",
    "reason",
    "reason_kind",
    "statement",  # a recomputed row's "118 of 293 children"
}


#: Deaths whose category the second file records as not known: a "not recorded" row that the
#: shipped data never needs must still be there, as a zero.
NOT_RECORDED_DEATHS = 3


def _combined(tmp: Path, name: str, drop: dict[str, str], not_recorded: int = 0) -> Path:
    """Both shipped synthetic files as one own-data file, less the rows of ``drop``, with the
    category of the first ``not_recorded`` deaths of each period not recorded."""
    frames = [pd.read_csv(synthetic_path(p), dtype=str, keep_default_na=False) for p in PERIODS]
    for frame in frames:
        deaths = frame.index[frame["outcome"] == "death"][:not_recorded]
        frame.loc[deaths, "death_category"] = "not_recorded"
    frame = pd.concat(frames, ignore_index=True)
    for column, code in drop.items():
        frame = frame[frame[column] != code]
    path = tmp / f"{name}.csv"
    frame.to_csv(path, index=False)
    return path


def _chapter_01(cases, by_period) -> dict[str, pd.DataFrame]:
    return {
        "01_recomputed_vs_published": overview.overview_vs_published(by_period),
        "01_reviews_by_year_and_outcome": overview.reviews_by_year_and_group(cases),
        "01_death_groups": overview.death_group_table(cases),
        "01_death_categories": overview.death_category_table(cases),
        "01_final_reports": overview.final_reports(cases),
        "01_final_reports_by_outcome": overview.final_reports(cases, by="outcome"),
    }


def _chapter_02(cases) -> dict[str, pd.DataFrame]:
    out = {
        "02_age_bands": children.age_bands(cases),
        "02_adolescent_share": children.adolescent_vs_published(cases),
        "02_age_share_series": children.age_share_series(
            {"2011-14": cases}, recomputed_label="own"
        ),
    }
    for column in children.characteristics(cases):
        out[f"02_{column}"] = children.share_of_children(cases, column)
    return out


def _chapter_03(cases) -> dict[str, pd.DataFrame]:
    return {
        "03_involvement_now_vs_ever": involvement.now_vs_ever(cases),
        "03_status_at_incident": involvement.status_at_incident(cases),
        "03_ever_but_not_now_parts": involvement.ever_but_not_now(cases),
        "03_cp_plan_series": involvement.cp_plan_series(cases, "own"),
        "03_involvement_by_age": involvement.by_age(cases),
        "03_association_tests": involvement.association_tests(cases),
        "03_logistic_model": involvement.involvement_model(cases),
    }


def _chapter_04(cases) -> dict[str, pd.DataFrame]:
    return {
        "04_parental_factors": families.parental_factors(cases),
        "04_parental_factors_vs_published": families.factors_vs_published(cases),
        "04_families_in_context": families.factors_in_context(cases),
        "04_toxic_trio_combinations": families.trio_combinations(cases),
        "04_toxic_trio_summary": families.toxic_trio(cases),
        "04_neglect_series": families.neglect_recomputed(cases, "own"),
        "04_neglect_by_unit": families.neglect_by_unit(cases),
    }


def _chapter_05(cases) -> dict[str, pd.DataFrame]:
    return {
        "05_closed_too_soon": themes.closed_too_soon_measures(cases),
        "05_closed_too_soon_by_status": themes.closed_too_soon_by_status(cases),
        "05_practice_themes": themes.theme_table(cases),
    }


def _chapter_07(cases) -> dict[str, pd.DataFrame]:
    return {
        "07_period_shares": periods.shares(cases),
        "07_shares_by_unit": periods.shares_by_unit(cases),
        "07_tests_of_change": periods.tests_of_change(cases),
        "07_final_report_coverage": coverage.final_report_coverage(cases),
        "07_reviews_a_year": periods.counts_a_year(cases),
    }


def _chapter_09(cases) -> dict[str, pd.DataFrame]:
    return {
        "09_reviews_by_region": reviews_by_region(cases),
        "09_funnel_limits": funnel_limits(cases),
        "09_funnel_positions": funnel_positions(cases),
    }


def _chapter_11(cases) -> dict[str, pd.DataFrame]:
    plans = plan_categories(cases)
    return {
        "11_neglect_categories": neglect_categories(cases),
        "11_neglect_categories_by_outcome": neglect_by_outcome(cases),
        "11_neglect_categories_by_age": neglect_by_age(cases),
        "11_plan_categories": plans,
        "11_plan_categories_vs_published": plan_categories_vs_published(plans),
        "11_plan_neglect_vs_briefing": plan_neglect_check(plans),
        "11_plans_and_care_ever": ever_items(cases),
    }


def _chapter_14(cases) -> dict[str, pd.DataFrame]:
    return {
        "14_sudi_ages": age_summary(cases),
        "14_sudi_beside_published": circumstances_table(cases),
        "14_medical_cause_of_death": medical_causes(cases),
    }


def run_tables(path: Path) -> dict[str, pd.DataFrame]:
    """Every case-data table a run on ``path`` writes, built as its notebook builds it."""
    cases = load_cases(path)
    by_period = {p: load_cases(path, period=p) for p in PERIODS}
    first = by_period["2011-14"]
    out = {
        **_chapter_01(cases, by_period),
        **_chapter_02(cases),  # every period in the file, as notebooks 2 and 3 load them
        **_chapter_03(cases),
        **_chapter_04(first),
        **_chapter_05(first),
        **_chapter_07(cases),
        **_chapter_09(cases),
        **_chapter_11(cases),
        **_chapter_14(cases),
        "scorecard": scorecard.build_scorecard(by_period),
    }
    return out


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[dict, dict]:
    tmp = tmp_path_factory.mktemp("rows")
    shipped = run_tables(_combined(tmp, "whole", {}))
    thinned = run_tables(_combined(tmp, "thinned", ABSENT, NOT_RECORDED_DEATHS))
    return shipped, thinned


def _notebook_table_names() -> set[str]:
    """The name of every table a notebook writes with ``run.table(...)``."""
    names = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] != "code":
                continue
            names |= set(re.findall(r"run\.table\(.*?,\s*f?\"([^\"]+)\"\)", source, re.S))
    return names


def dimensions(table: pd.DataFrame) -> list[str]:
    """The columns that say what a row is: every column but counts, statistics, membership
    and results."""
    members = set(member_columns(table))
    return [
        c
        for c in table.columns
        if c not in members
        and c not in RESULTS
        and not COUNT_NAME.match(c)  # counts held as text (scorecard: "" where none)
        and not pd.api.types.is_numeric_dtype(table[c])
        and not pd.api.types.is_bool_dtype(table[c])
    ]


def test_every_case_data_table_of_the_notebooks_is_built(both):
    shipped, _ = both
    written = _notebook_table_names()
    expanded = {n for n in written if "{" not in n}
    expanded |= {f"02_{c}" for c in ("sex", "ethnicity", "disability")}
    public = {n for n in expanded if n.startswith(PUBLIC_CHAPTER)} | set(NOT_CASE_DATA)
    assert {n for n in written if "{" in n} == {"02_{column}"}
    assert expanded - public == set(shipped)


def test_the_thinned_file_lacks_every_category_it_should(tmp_path):
    cases = load_cases(_combined(tmp_path, "thinned", ABSENT, NOT_RECORDED_DEATHS))
    for column, code in ABSENT.items():
        assert not (cases[column] == code).any(), column
    assert (cases["death_category"] == "not_recorded").any()


def test_every_table_has_the_same_rows_without_some_categories(both):
    shipped, thinned = both
    different = {}
    for key, table in shipped.items():
        columns = dimensions(table)
        want = table[columns].astype(str).reset_index(drop=True)
        got = (
            thinned[key][columns].astype(str).reset_index(drop=True)
            if (set(columns) <= set(thinned[key].columns))
            else None
        )
        if got is None or not want.equals(got):
            different[key] = (len(table), len(thinned[key]))
    assert not different, f"rows depend on the data (rows shipped, thinned): {different}"


def test_a_zero_row_counts_no_one(both):
    _, thinned = both
    for key, table in thinned.items():
        for column in member_columns(table):
            counted = counted_column(column)
            if counted not in table or column == PREFIX + "implied":
                continue
            zero = pd.to_numeric(table[counted], errors="coerce") == 0
            assert table.loc[zero, column].map(len).eq(0).all(), (key, column)


def test_a_model_level_no_row_has_is_a_blank_row(tmp_path):
    cases = load_cases(_combined(tmp_path, "thinned", ABSENT), period="2011-14")
    flags = tables.involvement_flags(cases)
    model = logistic_model(cases, flags["now"], ["age_band", "outcome"]).set_index("term")
    estimates = model[["odds_ratio", "ci_low", "ci_high", "p_value"]]
    assert estimates.loc[["age_band = 6_10", "outcome = serious_harm"]].isna().all(axis=None)
    assert estimates.loc["age_band = 11_15"].notna().all()
    # without the reference level every coefficient would be against another: none is shown
    babies = cases[cases["age_band"] != "under_1"]
    blank = logistic_model(babies, flags["now"][babies.index], ["age_band"])
    assert blank["term"].tolist() == ["Intercept"] + [
        f"age_band = {c}" for c in ("1_5", "6_10", "11_15", "16_17")
    ]
    assert blank[["odds_ratio", "ci_low", "ci_high", "p_value"]].isna().all(axis=None)
