"""DfE's factors at the end of assessment (data/context/assessment_factors.csv) and the
"Families in context" comparison of chapter 4 (issue 13, items 1 and 2)."""

import csv
import math

import pandas as pd
import pytest

from analysis import load_cases
from analysis.chapters.families import PARENTAL_FACTORS, factor_comparison
from analysis.chapters.families_context import ASSESSMENT_UNIT, families_in_context
from analysis.charts.chapter_families import (
    assessment_series_alt_text,
    families_in_context_title,
)
from analysis.paths import CONTEXT_DIR, ROOT
from analysis.reference import assessments
from analysis.reference.assessments import (
    COUNTERPARTS,
    _assessment_factors,
    load_assessment_factors,
    parental_series,
    pooled_share,
    reporting_years,
)
from analysis.stats.tables import yes_share_table

#: DfE's file as the project's shared folder holds it (for reference; not part of the kit).
REFERENCE = (
    ROOT.parent
    / "shared"
    / "data"
    / "dfe"
    / ("c3_factors_identified_at_end_of_assessment_2018_to_2025.csv")
)


def test_the_transcription_is_the_national_rows_of_dfe_file_value_for_value():
    if not REFERENCE.exists():
        pytest.skip(f"DfE's reference file is not beside the project ({REFERENCE})")
    with REFERENCE.open(encoding="utf-8") as fh:
        national = {
            int(r["time_period"]): r
            for r in csv.DictReader(fh)
            if r["geographic_level"] == "National"
        }
    table = load_assessment_factors()
    assert sorted(national) == sorted(table["reporting_year"].unique()) == list(range(2018, 2026))
    for row in table.itertuples():
        source = national[row.reporting_year]
        assert row.episodes == source[row.dfe_column]
        assert row.episodes_with_any_factor == source["Episodes_with_assessment_factor"]


def test_every_row_is_sourced_and_labelled():
    table = load_assessment_factors()
    assert len(table) == 8 * 16  # eight years; five factors by whose, and neglect
    assert (table["source_id"] == "R1-c3").all()
    sources = pd.read_csv(CONTEXT_DIR / "sources.csv")
    assert "R1-c3" in set(sources["source_id"])
    assert table["licence"].eq("OGL v3.0").all() and table["locator"].str.len().gt(0).all()
    assert set(table["whose"]) == {"child", "parent_or_carer", "other_person", "not_split"}
    # a reporting year ends on 31 March: 2025 is 2024-25
    assert (
        table["financial_year"] == [f"{y - 1}-{y % 100:02d}" for y in table["reporting_year"]]
    ).all()


def test_shares_are_of_episodes_with_any_factor():
    series = parental_series()
    row = series[(series["reporting_year"] == 2025) & (series["factor"] == "domestic_abuse")].iloc[
        0
    ]
    assert row["percent"] == pytest.approx(100 * 162890 / 513250)
    assert set(series["factor"]) == {c.factor for c in COUNTERPARTS}


def test_a_dfe_marker_stays_a_marker(monkeypatch, tmp_path):
    """A suppressed value ("x") gives no number, alone or pooled with other years."""
    table = pd.read_csv(CONTEXT_DIR / "assessment_factors.csv", dtype=str, keep_default_na=False)
    table.loc[
        (table["reporting_year"] == "2019") & (table["dfe_column"] == "Drug_Misuse_parent"),
        "episodes",
    ] = "x"
    table.to_csv(tmp_path / "assessment_factors.csv", index=False)
    monkeypatch.setattr(assessments, "CONTEXT_DIR", tmp_path)
    _assessment_factors.cache_clear()
    try:
        loaded = load_assessment_factors()
        marked = loaded[loaded["episodes"] == "x"]
        assert len(marked) == 1 and math.isnan(marked["percent"].iloc[0])
        drug = next(c for c in COUNTERPARTS if c.factor == "drug_misuse")
        assert math.isnan(pooled_share(drug, [2018, 2019, 2020])["percent"])
        assert not math.isnan(pooled_share(drug, [2018])["percent"])
    finally:
        _assessment_factors.cache_clear()


def test_reporting_years_beside_each_period():
    assert reporting_years("2017-04-01", "2019-09-30") == [2018, 2019, 2020]
    assert reporting_years("2014-04-01", "2017-03-31") == [2018]  # none overlaps: the nearest
    assert reporting_years("2020-04-01", "2021-03-31") == [2021]


def test_pooled_share_sums_episodes_over_years():
    alcohol = next(c for c in COUNTERPARTS if c.factor == "alcohol_misuse")
    share = pooled_share(alcohol, [2018, 2019, 2020])
    assert share["episodes"] == 64380 + 67250 + 72620
    assert share["episodes_with_any_factor"] == 482750 + 498870 + 522990
    assert share["years"] == "2017-18 to 2019-20"


@pytest.fixture(scope="module")
def context():
    cases = load_cases(period="2011-14")
    return families_in_context(factor_comparison(yes_share_table(cases, PARENTAL_FACTORS)))


def test_families_in_context_sets_assessments_beside_each_period(context):
    assessed = context[context["unit"] == ASSESSMENT_UNIT]
    assert set(assessed["source"]) == {
        "Assessments 2017-18 (beside 2011-14)",
        "Assessments 2017-18 to 2019-20 (beside 2017-19)",
    }
    assert (assessed["data"] == "official statistics").all()
    assert "parent_criminality" not in set(context["variable"])  # no counterpart in C3
    recomputed = context[context["data"] == "coded cases"]
    assert (
        len(recomputed) == len(COUNTERPARTS) and recomputed["members__count"].map(len).gt(0).all()
    )
    assert assessed["members__count"].isna().all()  # counts no one from the case data


def test_the_title_follows_the_numbers(context):
    later = "Assessments 2017-18 to 2019-20 (beside 2017-19)"
    title = families_in_context_title(context, "2017-19 published", later, "2017-19")
    assert title.startswith("SCRs of 2017-19 recorded each factor 1.7 to 2.5 times")
    # 34% "substance misuse" over drug misuse (2.6) is another measure: not in the ratio
    assert not context.loc[context["figure_id"] == "p2017_parent_substance", "like_for_like"].any()
    # were the published SCR shares below the assessments', the title would say so
    flipped = context.assign(
        percent=context["percent"].where(context["source"] != "2017-19 published", 1.0)
    )
    assert families_in_context_title(flipped, "2017-19 published", later, "2017-19").endswith(
        ": none"
    )


def test_the_series_alt_text_says_it_is_real():
    text = assessment_series_alt_text(parental_series())
    assert "Official statistics" in text and "not synthetic" in text
    assert "2017-18 to 2024-25" in text


def test_the_methods_page_quotes_the_ratio_the_kit_computes(context):
    import re

    later = "Assessments 2017-18 to 2019-20 (beside 2017-19)"
    title = families_in_context_title(context, "2017-19 published", later, "2017-19")
    computed = re.search(r"(\d\.\d) to (\d\.\d) times", title).groups()
    text = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    quoted = re.search(r"are (\d\.\d) to (\d\.\d) times the\s+assessment shares", text).groups()
    assert quoted == computed


def test_the_assessment_bars_beside_a_period_are_found_by_their_data_not_their_name():
    import pandas as pd

    from analysis.charts.chapter_families import assessment_source_beside

    context = pd.DataFrame(
        {
            "review_period": ["2017-19", "2017-19", "2011-14"],
            "data": ["published", "official statistics", "official statistics"],
            "source": ["2017-19 published", "Renamed 2017-18 to 2019-20", "Other"],
        }
    )
    assert assessment_source_beside(context, "2017-19") == "Renamed 2017-18 to 2019-20"
