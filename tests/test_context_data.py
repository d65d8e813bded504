"""Checks on the national context statistics in data/context/.

These tests read the CSV files as text (dtype=str) so that nothing is silently
coerced, then check structure, year-labelling rules, provenance and a few
values against the register they were transcribed from.
"""

import re
from functools import cache

import pandas as pd
import pytest

from analysis.paths import CONTEXT_DIR

CONTEXT = CONTEXT_DIR

SERIES = [
    "population",
    "child_protection",
    "looked_after",
    "serious_incident_notifications",
    "homicide",
]
COLUMNS = [
    "series",
    "measure",
    "geography",
    "period_label",
    "period_type",
    "period_start",
    "period_end",
    "value",
    "unit",
    "vintage",
    "derived",
    "derivation",
    "source_id",
    "source",
    "locator",
    "note",
]
KEY = ["series", "measure", "geography", "period_label", "vintage"]
PERIOD_TYPES = {"financial_year", "at_31_march", "mid_year", "calendar_year", "other"}
VINTAGES = {"latest_revision", "first_published", "revised_later", "as_reported"}
UNIT_BY_SUFFIX = {
    "_per_10000": "rate_per_10000",
    "_per_million": "per_million",
    "_percent": "percent",
    "_million": "million",
    "_count": "count",
}


@cache
def load(name: str) -> pd.DataFrame:
    return pd.read_csv(CONTEXT / f"{name}.csv", dtype=str, keep_default_na=False)


@cache
def all_rows() -> pd.DataFrame:
    return pd.concat([load(s) for s in SERIES], ignore_index=True)


def split_ids(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";")]


def unit_for(measure: str) -> str:
    for suffix, unit in UNIT_BY_SUFFIX.items():
        if measure.endswith(suffix):
            return unit
    raise AssertionError(f"measure {measure!r} has no known unit suffix")


@cache
def readme_measures() -> dict[str, tuple[str, str]]:
    """Parse the README's measure vocabulary table: name -> (series, unit)."""
    text = (CONTEXT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Measure vocabulary", 1)[1].split("\n## ", 1)[0]
    out = {}
    for line in section.splitlines():
        m = re.match(r"^\|\s*`([a-z0-9_]+)`\s*\|\s*([a-z_]+)\s*\|\s*([a-z_0-9]+)\s*\|", line)
        if m:
            assert m.group(1) not in out, f"measure documented twice: {m.group(1)}"
            out[m.group(1)] = (m.group(2), m.group(3))
    return out


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("name", SERIES)
def test_columns_identical_and_ordered(name):
    assert list(load(name).columns) == COLUMNS


@pytest.mark.parametrize("name", SERIES)
def test_series_column_matches_file(name):
    df = load(name)
    assert len(df) > 0
    assert set(df["series"]) == {name}


def test_no_duplicate_keys():
    df = all_rows()
    dups = df[df.duplicated(KEY, keep=False)]
    assert dups.empty, dups[KEY].to_string()


def test_values_numeric_and_non_negative():
    values = all_rows()["value"]
    assert values.str.fullmatch(r"\d+(\.\d+)?").all(), values[
        ~values.str.fullmatch(r"\d+(\.\d+)?")
    ].tolist()
    assert (pd.to_numeric(values) >= 0).all()


def test_required_text_fields_present():
    df = all_rows()
    for col in ["measure", "geography", "period_label", "source_id", "source", "locator"]:
        assert (df[col].str.strip() != "").all(), col


def test_vintage_allowed():
    assert set(all_rows()["vintage"]) <= VINTAGES


def test_unit_matches_measure_suffix():
    df = all_rows()
    expected = df["measure"].map(unit_for)
    bad = df[expected != df["unit"]]
    assert bad.empty, bad[["measure", "unit"]].to_string()


def test_measure_names_snake_case():
    assert all_rows()["measure"].str.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+").all()


# --------------------------------------------------------------------------- periods


def test_period_type_allowed():
    assert set(all_rows()["period_type"]) <= PERIOD_TYPES


def test_period_dates_consistent_with_type():
    problems = []
    for row in all_rows().itertuples():
        start, end, kind = row.period_start, row.period_end, row.period_type
        if kind == "other" and start == "" and end == "":
            continue  # period not stated by the register; documented in README
        s, e = pd.Timestamp(start), pd.Timestamp(end)  # raises on a bad date
        ok = s <= e
        if kind == "financial_year":
            ok &= (s.month, s.day, e.month, e.day) == (4, 1, 3, 31) and e.year == s.year + 1
        elif kind == "at_31_march":
            ok &= s == e and (e.month, e.day) == (3, 31)
        elif kind == "mid_year":
            ok &= s == e and (e.month, e.day) == (6, 30)
        elif kind == "calendar_year":
            ok &= (s.month, s.day, e.month, e.day) == (1, 1, 12, 31) and s.year == e.year
        if not ok:
            problems.append((row.measure, row.period_label, kind, start, end))
    assert not problems, problems


def test_only_other_may_lack_dates():
    df = all_rows()
    blank = (df["period_start"] == "") | (df["period_end"] == "")
    assert set(df.loc[blank, "period_type"]) <= {"other"}
    both_blank = (df["period_start"] == "") & (df["period_end"] == "")
    assert (blank == both_blank).all(), "a row has only one of start/end"


def test_period_label_agrees_with_dates():
    problems = []
    for row in all_rows().itertuples():
        label, kind = row.period_label, row.period_type
        end_year = int(row.period_end[:4]) if row.period_end else None
        if kind == "financial_year":
            m = re.fullmatch(r"(\d{4})[-/](\d{2})", label)
            r = re.fullmatch(r"reporting year (\d{4})", label)
            if m:
                ok = int(m.group(1)) + 1 == end_year and end_year % 100 == int(m.group(2))
            else:
                ok = bool(r) and int(r.group(1)) == end_year
        elif kind == "at_31_march":
            ok = label == f"at 31 March {end_year}"
        elif kind == "mid_year":
            ok = label == f"mid-{end_year}"
        elif kind == "calendar_year":
            ok = label == str(end_year)
        else:
            ok = True
        if not ok:
            problems.append((row.measure, label, kind, row.period_end))
    assert not problems, problems


@pytest.mark.parametrize(
    "measure",
    [
        "cp_plans_at_31_march_count",
        "cp_register_at_31_march_count",
        "children_in_need_at_31_march_count",
        "children_in_need_at_31_march_rate_per_10000",
        "cla_at_31_march_count",
        "uasc_at_31_march_count",
        "cla_rate_per_10000",
    ],
)
def test_stock_measures_are_at_31_march(measure):
    df = all_rows()
    rows = df[df["measure"] == measure]
    assert len(rows) > 0
    assert set(rows["period_type"]) == {"at_31_march"}


def test_mid_year_notes_name_dfe_reporting_year():
    df = load("population")
    mid = df[df["period_type"] == "mid_year"]
    assert len(mid) >= 14
    for row in mid.itertuples():
        year = int(row.period_end[:4])
        assert f"31 March {year + 1}" in row.note, (row.period_label, row.note)


def test_cpr3_and_census_measures_do_not_overlap():
    """Registrations/registers end 2008-09; CIN-census plan measures start 2009-10."""
    df = all_rows()
    end = pd.to_datetime(df["period_end"], errors="coerce")
    cpr3 = df["measure"].str.startswith(("cp_registrations", "cp_register_", "cp_dereg"))
    census = df["measure"].str.startswith("cp_plans_")
    assert (end[cpr3] <= pd.Timestamp("2009-03-31")).all()
    assert (end[census] >= pd.Timestamp("2010-03-31")).all()


# --------------------------------------------------------------------------- provenance


def test_derived_flag_and_derivation():
    df = all_rows()
    assert set(df["derived"]) <= {"true", "false"}
    derived = df["derived"] == "true"
    assert (df.loc[derived, "derivation"].str.strip() != "").all()
    assert (df.loc[~derived, "derivation"] == "").all()


def test_source_ids_in_sources_csv():
    known = set(load("sources")["source_id"])
    used = {sid for cell in all_rows()["source_id"] for sid in split_ids(cell)}
    assert used <= known, used - known


def test_sources_csv_shape():
    src = load("sources")
    assert list(src.columns) == [
        "source_id",
        "description",
        "url_or_repo",
        "commit_or_date",
        "note",
    ]
    assert src["source_id"].is_unique
    assert {"R1", "R1-pop", "R2", "R3", "web"} <= set(src["source_id"])


def test_repo_sources_point_at_their_repository():
    src = load("sources").set_index("source_id")["url_or_repo"]
    df = all_rows()
    for sid in ["R1", "R1-pop", "R2", "R3"]:
        repo = src[sid].split("github.com/")[1].split()[0]
        rows = df[df["source_id"] == sid]
        assert len(rows) > 0, sid
        # "owner/repo:path", or the bare repository where the register names no file
        assert rows["source"].str.match(re.escape(repo) + r"(:|$)").all(), sid


def test_latest_revision_only_from_repository_files():
    df = all_rows()
    latest = df[df["vintage"] == "latest_revision"]
    assert set(latest["source_id"]) <= {"R1", "R1-pop", "R2"}


def test_web_sources_are_urls():
    df = all_rows()
    web = df[df["source_id"] == "web"]
    for cell in web["source"]:
        assert any(part.startswith("http") for part in split_ids(cell)), cell


def test_gaps_csv():
    gaps = load("gaps")
    assert list(gaps.columns) == ["gap_id", "series", "what_is_missing", "note"]
    assert gaps["gap_id"].is_unique
    assert set(gaps["series"]) <= set(SERIES)
    assert (gaps["what_is_missing"].str.strip() != "").all()
    # the register's eight numbered gaps are all carried over
    numbers = {re.match(r"G(\d+)", g).group(1) for g in gaps["gap_id"]}
    assert {str(i) for i in range(1, 9)} <= numbers


# --------------------------------------------------------------------------- vocabulary


def test_measures_documented_in_readme():
    documented = readme_measures()
    used = set(all_rows()["measure"])
    assert used - set(documented) == set(), "undocumented measures"
    assert set(documented) - used == set(), "README documents measures not in the data"


def test_readme_series_and_unit_match_data():
    documented = readme_measures()
    pairs = all_rows()[["measure", "series", "unit"]].drop_duplicates()
    assert pairs["measure"].is_unique, "a measure appears in two series or two units"
    for row in pairs.itertuples():
        assert documented[row.measure] == (row.series, row.unit), row.measure


# --------------------------------------------------------------------------- geography


def test_homicide_is_england_and_wales():
    assert set(load("homicide")["geography"]) == {"England and Wales"}


@pytest.mark.parametrize("name", [s for s in SERIES if s != "homicide"])
def test_other_series_are_england(name):
    assert set(load(name)["geography"]) == {"England"}


# --------------------------------------------------------------------------- values


def value_of(name, measure, label, vintage):
    df = load(name)
    hit = df[
        (df["measure"] == measure) & (df["period_label"] == label) & (df["vintage"] == vintage)
    ]
    assert len(hit) == 1, (name, measure, label, vintage, len(hit))
    return hit.iloc[0]


@pytest.mark.parametrize(
    ("name", "measure", "label", "vintage", "expected"),
    [
        ("population", "children_0_17_count", "mid-2012", "latest_revision", "11403970"),
        ("population", "children_0_17_count", "mid-2024", "latest_revision", "12183016"),
        ("population", "children_0_17_count", "mid-2009", "as_reported", "11012300"),
        ("looked_after", "cla_at_31_march_count", "at 31 March 2014", "latest_revision", "68790"),
        ("looked_after", "cla_at_31_march_count", "at 31 March 2017", "latest_revision", "72600"),
        ("looked_after", "cla_at_31_march_count", "at 31 March 2017", "first_published", "72670"),
        ("looked_after", "cla_at_31_march_count", "at 31 March 2011", "revised_later", "65510"),
        ("looked_after", "cla_started_count", "2002-03", "latest_revision", "24390"),
        ("serious_incident_notifications", "sin_total_count", "2015-16", "first_published", "379"),
        ("serious_incident_notifications", "sin_total_count", "2020-21", "as_reported", "536"),
        (
            "child_protection",
            "cp_plans_at_31_march_count",
            "at 31 March 2015",
            "latest_revision",
            "49690",
        ),
        (
            "child_protection",
            "cp_plans_at_31_march_count",
            "at 31 March 2015",
            "first_published",
            "49700",
        ),
        ("child_protection", "section_47_enquiries_count", "2015-16", "latest_revision", "172510"),
        (
            "child_protection",
            "children_subject_to_section_47_count",
            "2015-16",
            "latest_revision",
            "156720",
        ),
        (
            "child_protection",
            "children_in_need_in_year_count",
            "2024-25",
            "latest_revision",
            "704430",
        ),
        ("child_protection", "cp_registrations_count", "2008-09", "as_reported", "37900"),
        (
            "child_protection",
            "cp_register_at_31_march_count",
            "at 31 March 2009",
            "as_reported",
            "34100",
        ),
        ("homicide", "homicide_victims_under_16_count", "2014-15", "first_published", "54"),
        ("homicide", "homicide_victims_under_16_count", "2014-15", "revised_later", "56"),
        ("homicide", "homicide_rate_under_1_per_million", "2003-04", "as_reported", "42.8"),
        # register K2: the held 2011 values are the later revision
        (
            "child_protection",
            "cp_plans_at_31_march_count",
            "at 31 March 2011",
            "revised_later",
            "42700",
        ),
        (
            "child_protection",
            "children_in_need_at_31_march_count",
            "at 31 March 2011",
            "revised_later",
            "382400",
        ),
        # register K1: DfE's '2025' total, from the EES SIN 2025 file the register cites
        (
            "serious_incident_notifications",
            "sin_total_count",
            "reporting year 2025 (dates not stated)",
            "as_reported",
            "338",
        ),
    ],
)
def test_spot_values_against_register(name, measure, label, vintage, expected):
    assert value_of(name, measure, label, vintage)["value"] == expected


def test_first_published_2011_values_withheld_without_a_url():
    """Register K2's NSPCC figures (42,300; 379,300) have no URL: a gap, not rows."""
    cp = load("child_protection")
    in_2011 = cp[cp["period_label"] == "at 31 March 2011"]
    assert not in_2011["value"].isin(["42300", "379300"]).any()
    assert (in_2011["vintage"] != "first_published").all()
    g12 = load("gaps").set_index("gap_id").loc["G12"]
    assert g12["series"] == "child_protection"
    assert "42,300" in g12["what_is_missing"] and "379,300" in g12["what_is_missing"]
    assert g12["note"].startswith("WITHHELD")


def test_dfe_sin_reporting_years_keep_dfe_labels_and_unstated_dates():
    sin = load("serious_incident_notifications")
    row = sin[sin["period_label"].str.startswith("reporting year 2025")].iloc[0]
    assert (row["period_type"], row["period_start"], row["period_end"]) == ("other", "", "")
    assert "83770fe3" in row["source"]
    # K1's 2024 and 2026 counts and the splits have no URL: withheld in gaps.csv
    assert not sin["value"].isin(["405", "357"]).any()
    g11 = load("gaps").set_index("gap_id").loc["G11"]
    assert g11["series"] == "serious_incident_notifications"
    assert g11["note"].startswith("WITHHELD")


def test_derived_cells_are_the_registers():
    df = all_rows()
    derived = df[df["derived"] == "true"]
    expected = {
        ("sin_serious_harm_count", "2014-15"): "195",
        ("sin_serious_harm_count", "2016-17"): "222",
        ("sin_deaths_count", "2019-20"): "188",
        ("sin_serious_harm_count", "2019-20"): "253",
        ("referrals_count", "2009-10"): "603700",
    }
    got = {
        (r.measure, r.period_label): r.value
        for r in derived.itertuples()
        if r.measure != "children_0_17_implied_denominator_million"
    }
    assert got == expected
    implied = derived[derived["measure"] == "children_0_17_implied_denominator_million"]
    assert len(implied) == 11


def test_sin_derived_serious_harm_is_total_minus_deaths():
    sin = load("serious_incident_notifications")
    for label in ["2014-15", "2016-17"]:
        rows = sin[sin["period_label"] == label].set_index("measure")["value"].astype(int)
        assert rows["sin_total_count"] - rows["sin_deaths_count"] == rows["sin_serious_harm_count"]


@pytest.mark.parametrize("label", ["2015-16", "2020-21", "2021-22", "2022-23"])
def test_sin_split_adds_up_where_read(label):
    sin = load("serious_incident_notifications")
    rows = sin[sin["period_label"] == label].set_index("measure")["value"].astype(int)
    parts = ["sin_deaths_count", "sin_serious_harm_count", "sin_other_count"]
    assert sum(rows.get(p, 0) for p in parts) == rows["sin_total_count"]


def test_implied_denominators_reproduce_from_r3_rows():
    """Derived count/rate x 10,000 (millions, 2 d.p.) must match the R3 rows in the file."""
    cp = load("child_protection")
    r3 = cp[cp["source_id"] == "R3"]
    count = r3[r3["measure"] == "children_in_need_at_31_march_count"]
    rate = r3[r3["measure"] == "children_in_need_at_31_march_rate_per_10000"]
    by_end = {
        e: int(c) / float(r) * 10_000 / 1e6
        for e, c, r in zip(
            count["period_end"],
            count["value"],
            rate.set_index("period_end").loc[count["period_end"], "value"],
            strict=True,
        )
    }
    pop = load("population")
    implied = pop[pop["measure"] == "children_0_17_implied_denominator_million"]
    assert len(implied) == len(by_end) == 11
    for row in implied.itertuples():
        assert round(by_end[row.period_end], 2) == float(row.value), row.period_label


def test_r1_population_matches_r2_denominators_where_vintages_agree():
    """R2 updated24 reporting year N+1 carries ONS mid-year N (DfE's alignment rule)."""
    pop = load("population")
    r1 = pop[pop["source_id"] == "R1-pop"].set_index("period_end")["value"]
    u24 = pop[pop["source"].str.contains("updated24") & (pop["vintage"] == "as_reported")]
    for row in u24.itertuples():
        year = int(row.period_label[-4:])
        if year <= 2022:  # 2023 differs: another vintage (see note)
            assert r1[f"{year - 1}-06-30"] == row.value, row.period_label


def test_readme_row_counts_match_files():
    text = (CONTEXT / "README.md").read_text(encoding="utf-8")
    counts = dict(re.findall(r"^\|\s*`([a-z_]+)\.csv`\s*\|\s*(\d+)\s*\|", text, flags=re.M))
    assert set(counts) == set(SERIES) | {
        "sources",
        "gaps",
        "assessment_factors",
        "population_by_region",
    }
    for name, n in counts.items():
        assert len(load(name)) == int(n), name
