"""Checks on the transcribed register of published SCR figures (data/published/).

The controlled vocabularies (measures, units, relations, source kinds) are parsed from
data/published/README.md so that the CSVs and their documentation cannot drift apart.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from analysis.paths import PUBLISHED_DIR

PUBLISHED = PUBLISHED_DIR
FIGURES_CSV = PUBLISHED / "published_figures.csv"
NOT_FOUND_CSV = PUBLISHED / "not_found.csv"
README = PUBLISHED / "README.md"

FIGURE_COLUMNS = [
    "figure_id",
    "report",
    "review_period",
    "measure",
    "category",
    "value",
    "value_low",
    "value_high",
    "unit",
    "relation",
    "denominator",
    "statement",
    "source_title",
    "source_url",
    "locator",
    "source_kind",
    "verified",
    "note",
]
NOT_FOUND_COLUMNS = [
    "item_id",
    "review_period",
    "measure",
    "what_was_sought",
    "register_section",
    "note",
]
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _read(path: Path) -> pd.DataFrame:
    # Everything as text, blanks as "", so that nothing is silently coerced.
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@cache
def figures() -> pd.DataFrame:
    return _read(FIGURES_CSV)


@cache
def not_found() -> pd.DataFrame:
    return _read(NOT_FOUND_CSV)


@cache
def readme_table(heading: str) -> tuple[tuple[str, ...], ...]:
    """Rows (as tuples of cell text) of the first markdown table under `heading`."""
    lines = README.read_text(encoding="utf-8").splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == heading)
    except StopIteration:
        raise AssertionError(f"README has no heading {heading!r}") from None
    rows: list[tuple[str, ...]] = []
    in_table = False
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        if line.startswith("|"):
            in_table = True
            cells = tuple(c.strip() for c in line.strip().strip("|").split("|"))
            if set("".join(cells)) <= set("-: "):
                continue  # separator row
            rows.append(cells)
        elif in_table:
            break
    assert len(rows) > 1, f"no table under {heading!r}"
    return tuple(rows[1:])  # drop header row


def _names(heading: str) -> set[str]:
    names = set()
    for row in readme_table(heading):
        m = re.fullmatch(r"`([a-z0-9_]+)`", row[0])
        assert m, f"first cell under {heading!r} is not a `code` name: {row[0]!r}"
        names.add(m.group(1))
    return names


@cache
def measure_units() -> dict[str, str]:
    return {
        re.fullmatch(r"`([a-z0-9_]+)`", row[0]).group(1): row[1]
        for row in readme_table("## Measure vocabulary")
    }


def num(text: str) -> float:
    return float(text) if text != "" else math.nan


def rows_where(**conds: str) -> pd.DataFrame:
    df = figures()
    mask = pd.Series(True, index=df.index)
    for col, val in conds.items():
        mask &= df[col] == val
    return df[mask]


# --------------------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------------------


def test_figure_columns_exact_order():
    assert list(figures().columns) == FIGURE_COLUMNS


def test_not_found_columns_exact_order():
    assert list(not_found().columns) == NOT_FOUND_COLUMNS


def test_enough_rows():
    assert len(figures()) >= 40
    assert len(not_found()) >= 10


def test_figure_ids_unique_and_snake_case():
    ids = figures()["figure_id"]
    assert ids.is_unique, ids[ids.duplicated()].tolist()
    bad = [i for i in ids if not SNAKE.match(i)]
    assert not bad, bad


def test_not_found_ids_unique_and_snake_case():
    ids = not_found()["item_id"]
    assert ids.is_unique, ids[ids.duplicated()].tolist()
    bad = [i for i in ids if not SNAKE.match(i)]
    assert not bad, bad


def test_no_cell_has_stray_whitespace():
    for df in (figures(), not_found()):
        for col in df.columns:
            bad = df[df[col] != df[col].str.strip()]
            assert bad.empty, (col, bad.iloc[:, 0].tolist())


@pytest.mark.parametrize(
    "col",
    [
        "report",
        "review_period",
        "measure",
        "unit",
        "relation",
        "statement",
        "source_title",
        "locator",
        "source_kind",
    ],
)
def test_required_text_present(col):
    empty = figures().loc[figures()[col] == "", "figure_id"].tolist()
    assert not empty, f"{col} empty for {empty}"


def test_source_urls_well_formed():
    df = figures()
    for fid, url in zip(df["figure_id"], df["source_url"], strict=True):
        assert url.startswith(("http://", "https://")), fid
        assert not re.search(r"\s", url), fid
        # Punctuation copied from the register's prose must not end a URL.
        assert not url.endswith((")", ".", ",", ";")), (fid, url)


def test_same_url_same_title_and_kind():
    per_url = figures().groupby("source_url")[["source_title", "source_kind"]].nunique()
    inconsistent = per_url[(per_url > 1).any(axis=1)]
    assert inconsistent.empty, inconsistent.index.tolist()


def test_no_duplicate_figure():
    key = ["report", "review_period", "measure", "category"]
    dup = figures()[figures().duplicated(key, keep=False)]
    assert dup.empty, dup["figure_id"].tolist()


# --------------------------------------------------------------------------------------
# Controlled vocabularies (parsed from README)
# --------------------------------------------------------------------------------------


def test_readme_vocabularies_parse():
    assert {"scrs_count", "csc_current_involvement_percent", "feature_count"} <= set(
        measure_units()
    )
    assert _names("## Relation rules") >= {"equals", "less_than", "between"}
    assert "percent" in _names("### Units")
    assert "report" in _names("### Source kinds")


def test_measures_in_vocabulary():
    unknown = set(figures()["measure"]) - set(measure_units())
    assert not unknown, unknown


def test_every_documented_measure_is_snake_case():
    bad = [m for m in measure_units() if not SNAKE.match(m)]
    assert not bad, bad


def test_units_in_vocabulary_and_match_measure():
    df = figures()
    assert set(df["unit"]) <= _names("### Units"), set(df["unit"]) - _names("### Units")
    documented = {u.strip("`") for u in measure_units().values()}
    assert documented <= _names("### Units"), documented - _names("### Units")
    mismatched = [
        (f, m, u)
        for f, m, u in zip(df["figure_id"], df["measure"], df["unit"], strict=True)
        if measure_units()[m].strip("`") != u
    ]
    assert not mismatched, mismatched


def test_relation_in_allowed_set():
    bad = set(figures()["relation"]) - _names("## Relation rules")
    assert not bad, bad


def test_source_kind_in_allowed_set():
    bad = set(figures()["source_kind"]) - _names("### Source kinds")
    assert not bad, bad


def test_not_found_measures_blank_or_in_vocabulary():
    m = set(not_found()["measure"]) - {""}
    assert m <= set(measure_units()), m - set(measure_units())


def test_figure_ids_cited_in_notes_exist():
    """Notes that point at another row (e.g. 'entered as p2011_csc_current') must resolve."""
    ids = set(figures()["figure_id"])
    pattern = re.compile(r"\b((?:p|pre|sudi)\d{4}_[a-z0-9_]+)\b")
    for text in [*not_found()["note"], *figures()["note"]]:
        for ref in pattern.findall(text):
            assert ref in ids, ref


def test_not_found_rows_say_where_in_register():
    df = not_found()
    assert (df["what_was_sought"] != "").all()
    assert (df["register_section"] != "").all()


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------


def test_between_rows_have_ordered_bounds():
    df = figures()[figures()["relation"] == "between"]
    assert not df.empty
    for _, r in df.iterrows():
        lo, hi, v = num(r["value_low"]), num(r["value_high"]), num(r["value"])
        assert not math.isnan(lo) and not math.isnan(hi), r["figure_id"]
        assert lo < hi, r["figure_id"]
        # A bare value, if present, must not contradict the range.
        assert math.isnan(v) or lo <= v <= hi, r["figure_id"]


def test_non_between_rows_have_numeric_value_and_no_bounds():
    df = figures()[figures()["relation"] != "between"]
    for _, r in df.iterrows():
        assert not math.isnan(num(r["value"])), r["figure_id"]
        assert r["value_low"] == "" and r["value_high"] == "", r["figure_id"]


def test_numeric_fields_parse():
    for col in ("value", "value_low", "value_high", "denominator"):
        for fid, text in zip(figures()["figure_id"], figures()[col], strict=True):
            if text != "":
                float(text)  # raises if a word or a % sign slipped in
                assert "%" not in text, (fid, col)


def test_percents_within_0_100():
    df = figures()[figures()["unit"] == "percent"]
    for _, r in df.iterrows():
        for col in ("value", "value_low", "value_high"):
            x = num(r[col])
            assert math.isnan(x) or 0 <= x <= 100, (r["figure_id"], col, x)


def test_counts_are_non_negative_integers():
    df = figures()[figures()["unit"] == "count"]
    for _, r in df.iterrows():
        x = num(r["value"])
        assert x >= 0 and x == int(x), r["figure_id"]


def test_denominators_positive_integers_and_not_exceeded_by_counts():
    for _, r in figures().iterrows():
        if r["denominator"] == "":
            continue
        d = float(r["denominator"])
        assert d > 0 and d == int(d), r["figure_id"]
        if r["unit"] == "count":
            assert float(r["value"]) <= d, r["figure_id"]


def test_parts_do_not_exceed_totals():
    """Death / serious-harm splits must not exceed the total for the same source and period."""
    df = figures()
    for measure in ("scrs_count", "sin_count", "scrs_initiated_count", "children_count"):
        sub = df[df["measure"] == measure]
        for (report, period), grp in sub.groupby(["report", "review_period"]):
            total = grp.loc[grp["category"] == "", "value"]
            if total.empty:
                continue
            parts = grp.loc[grp["category"].isin(["death", "serious_harm"]), "value"]
            assert parts.astype(float).sum() <= float(total.iloc[0]), (measure, report, period)


# --------------------------------------------------------------------------------------
# Honesty: derived arithmetic is not entered as a published figure
# --------------------------------------------------------------------------------------


def test_every_row_says_whether_its_source_was_verified():
    assert set(figures()["verified"]) <= {"yes", "no"}
    unverified = figures()[figures()["verified"] == "no"]
    assert not unverified.empty and unverified["note"].str.len().gt(0).all()


def test_every_row_has_a_source_and_its_kind():
    df = figures()
    assert df["source_url"].str.match(r"https?://").all()
    assert df["source_title"].str.len().gt(0).all() and df["locator"].str.len().gt(0).all()
    assert set(df["source_kind"]) <= _names("### Source kinds")


def test_unverified_rows_are_not_scored():
    from analysis import load_cases
    from analysis.chapters.scorecard import build_scorecard

    card = build_scorecard({p: load_cases(period=p) for p in ("2011-14", "2014-17")})
    unverified = set(figures().loc[figures()["verified"] == "no", "figure_id"])
    rows = card[card["figure_id"].isin(unverified)]
    assert len(rows) == len(unverified)
    assert (rows["status"] == "not computable").all()
    assert (rows["reason_kind"] == "unverified source").all()
    assert rows["recomputed_value"].isna().all()


def test_derived_2009_11_contact_share_not_entered():
    # "79% had some CSC contact" is 42 + 37 in the register, not a stated figure.
    df = rows_where(review_period="2009-11")
    assert not (df["value"] == "79").any()
    assert rows_where(review_period="2009-11", measure="csc_ever_involvement_percent").empty


def test_2005_07_count_entered_from_cyp_now():
    # Register K1 confirmed 189 on CYP Now; the not-found item for the count is gone.
    hit = rows_where(review_period="2005-07", measure="scrs_count", category="")
    assert hit["figure_id"].tolist() == ["p2005_scrs"]
    r = hit.iloc[0]
    assert (r["value"], r["relation"]) == ("189", "equals")
    assert r["source_url"] == (
        "https://www.cypnow.co.uk/content/news/key-information-missing-from-serious-case-reviews"
    )
    assert r["source_kind"] == "secondary_summary" and r["verified"] == "yes"
    assert "nf_2005_scrs" not in set(not_found()["item_id"])


def test_answered_not_found_items_removed_and_partial_answer_noted():
    ids = set(not_found()["item_id"])
    assert not {"nf_2005_scrs", "nf_2005_cp_plan", "nf_2005_09_neglect_evident"} & ids
    csc = not_found().set_index("item_id").loc["nf_2005_csc"]
    assert "p2005_csc_not_known" in csc["note"]


def test_figures_without_a_register_url_are_withheld_not_entered():
    nf = not_found().set_index("item_id")
    for item in (
        "nf_ofsted_2007_11_scrs_evaluated",
        "nf_dfe_sin_2020_21_male",
        "nf_dfe_sin_2021_22_male",
    ):
        assert nf.loc[item, "note"].startswith("WITHHELD"), item
    # Ofsted's own 482 (Ages of concern) has no URL in the register: only Swindon's 471 is held.
    evaluated = rows_where(review_period="2007-11", measure="scrs_evaluated_count")
    assert evaluated["value"].tolist() == ["471"]
    assert "482" in evaluated.iloc[0]["note"]
    assert not (
        figures()["measure"].eq("male_percent") & figures()["value"].isin(["58.4", "58.1"])
    ).any()


def test_derived_2009_11_neglect_count_not_stated_as_seen():
    # Register K2: "83 of 139" is not visible in the source; 83 is derived, not a figure.
    r = figures().set_index("figure_id").loc["p2009_neglect_feature"]
    assert "83" not in r["statement"]
    assert "derived" in r["note"]
    assert not (figures()["value"] == "83").any()


def test_source_that_could_not_be_consulted_is_no_longer_cited():
    warwick = "warwick.ac.uk/fac/sci/med/research/ctu/news/news/child_death_rates_2012"
    assert not figures()["source_url"].str.contains(warwick, regex=False).any()


def test_panel_and_dfe_2022_23_notification_counts_both_held():
    from analysis.paths import CONTEXT_DIR

    panel = figures().set_index("figure_id").loc["panel_2022_23_notifications"]
    assert (panel["value"], panel["measure"]) == ("393", "panel_notifications_count")
    assert "456" in panel["note"]
    sin = pd.read_csv(CONTEXT_DIR / "serious_incident_notifications.csv", dtype=str)
    dfe = sin[(sin["measure"] == "sin_total_count") & (sin["period_label"] == "2022-23")]
    assert dfe["value"].tolist() == ["456"]
    assert "393" in dfe.iloc[0]["note"]


def test_exact_2011_14_csc_shares_recorded_as_not_found():
    ids = set(not_found()["item_id"])
    assert {"nf_2011_csc_current_exact", "nf_2011_csc_ever_exact"} <= ids


# --------------------------------------------------------------------------------------
# Spot checks against the register
# --------------------------------------------------------------------------------------

SIDEBOTHAM = "Sidebotham et al 2016 (2011-14)"


@pytest.mark.parametrize(
    ("report", "period", "measure", "category", "relation", "value"),
    [
        (SIDEBOTHAM, "2011-14", "cp_plan_current_percent", "", "equals", 12),
        (SIDEBOTHAM, "2011-14", "scrs_count", "", "equals", 293),
        (SIDEBOTHAM, "2011-14", "final_reports_count", "", "equals", 175),
        (SIDEBOTHAM, "2011-14", "csc_current_involvement_percent", "", "less_than", 50),
        (SIDEBOTHAM, "2011-14", "age_11_17_percent", "", "equals", 28),
        (
            "Brandon et al 2012 (2009-11)",
            "2009-11",
            "csc_current_involvement_percent",
            "",
            "equals",
            42,
        ),
        ("Brandon et al 2012 (2009-11)", "2009-11", "csc_not_known_percent", "", "equals", 21),
        (
            "Brandon et al 2012 (2009-11)",
            "2009-11",
            "csc_referral_not_accepted_percent",
            "",
            "equals",
            14,
        ),
        ("Brandon et al 2012 (2009-11)", "2009-11", "cp_plan_current_percent", "", "equals", 10),
        ("Brandon et al 2012 (2009-11)", "2007-09", "cp_plan_current_percent", "", "equals", 16),
        ("Brandon et al 2012 (2009-11)", "2009-11", "scrs_count", "", "equals", 184),
        ("Brandon et al 2012 (2009-11)", "2009-11", "age_under_1_percent", "", "equals", 36),
        ("Brandon et al 2008 (2003-05)", "2003-05", "scrs_count", "", "equals", 161),
        ("Brandon et al 2008 (2003-05)", "2003-05", "age_under_1_percent", "", "equals", 47),
        ("DCSF-RR022 (2001-03)", "2001-03", "children_count", "", "equals", 45),
        ("Brandon, Sidebotham et al 2020 (2014-17)", "2014-17", "scrs_count", "", "equals", 368),
        (
            "Brandon, Sidebotham et al 2020 (2014-17)",
            "2014-17",
            "children_count",
            "",
            "equals",
            404,
        ),
        (
            "Brandon, Sidebotham et al 2020 (2014-17)",
            "2014-17",
            "final_reports_count",
            "",
            "equals",
            278,
        ),
        (
            "Brandon, Sidebotham et al 2020 (2014-17)",
            "2014-17",
            "deaths_per_year",
            "",
            "approximately",
            28,
        ),
        (
            "Brandon, Sidebotham et al 2020 (2014-17)",
            "2014-17",
            "serious_harm_per_year",
            "",
            "equals",
            54,
        ),
        (
            "Brandon, Sidebotham et al 2020 (2014-17)",
            "2009-14",
            "serious_harm_per_year",
            "",
            "equals",
            32,
        ),
        ("DfE 2022 (2017-19)", "2017-19", "scrs_count", "", "equals", 235),
        ("DfE 2022 (2017-19)", "2017-19", "parent_domestic_abuse_percent", "", "equals", 55),
        (
            "Brandon et al 2013, NSPCC Neglect and SCRs",
            "2005-07",
            "cp_plan_neglect_current_percent",
            "",
            "equals",
            12,
        ),
        (
            "Brandon et al 2013, NSPCC Neglect and SCRs",
            "2009-11",
            "cp_plan_neglect_current_percent",
            "",
            "equals",
            6,
        ),
        (
            "Brandon et al 2013, NSPCC Neglect and SCRs",
            "2009-11",
            "neglect_feature_percent",
            "",
            "equals",
            60,
        ),
        ("Ofsted (SCRs initiated)", "2013-14", "scrs_initiated_count", "death", "equals", 74),
        ("Ofsted (serious incident notifications)", "2012-13", "sin_count", "", "equals", 231),
        ("Brandon et al 2009 (2005-07)", "2005-07", "scrs_count", "", "equals", 189),
        ("Brandon et al 2009 (2005-07)", "2005-07", "cp_plan_current_percent", "", "equals", 17),
        (
            "Brandon et al 2009 (2005-07)",
            "2005-06",
            "completed_within_timescale_count",
            "",
            "equals",
            2,
        ),
        (
            "Sidebotham et al, ADC abstract G201 (fatal maltreatment 2005-09)",
            "2005-09",
            "neglect_feature_percent",
            "death",
            "at_least",
            40,
        ),
        (
            "Brandon et al 2012 (2009-11)",
            "2009-11",
            "maltreatment_related_deaths_per_year",
            "",
            "approximately",
            85,
        ),
        (
            "Ofsted (serious incident notifications)",
            "2013-14",
            "notifying_local_authorities_count",
            "",
            "equals",
            103,
        ),
        ("Ofsted (SCRs initiated)", "2010-11", "scrs_initiated_count", "", "equals", 72),
        (
            "Child Safeguarding Practice Review Panel",
            "2022-23",
            "panel_notifications_count",
            "death",
            "equals",
            146,
        ),
        ("Child Safeguarding Practice Review Panel", "2023-24", "lcsprs_count", "", "equals", 82),
        (
            "Garstang & Sidebotham, ADC 104(1):30 (2011-14 SUDI SCRs)",
            "2011-14",
            "sudi_count",
            "",
            "equals",
            30,
        ),
    ],
)
def test_spot_values(report, period, measure, category, relation, value):
    hit = rows_where(report=report, review_period=period, measure=measure, category=category)
    assert len(hit) == 1, hit["figure_id"].tolist()
    r = hit.iloc[0]
    assert r["relation"] == relation
    assert float(r["value"]) == value


@pytest.mark.parametrize(
    ("figure_id", "low", "high"),
    [
        ("p2011_csc_ever", 60, 66.7),  # "almost two thirds"
        ("p2011_parent_alcohol", 37, 38),  # 37%/38% pairing uncertain
        ("p2011_parent_drug", 37, 38),
        ("pre2011_age_11_17", 22, 25),
        ("pre2012_neglect_feature", 0, 25),  # "no more than a quarter"
        ("p2005_toxic_trio_any", 67.5, 75),  # "nearly three quarters"
        ("p2005_csc_not_known", 45, 50),  # "almost half"
        ("panel_2022_23_looked_after", 18, 20),  # "nearly a fifth"
    ],
)
def test_spot_between(figure_id, low, high):
    r = figures().set_index("figure_id").loc[figure_id]
    assert r["relation"] == "between"
    assert r["value"] == ""
    assert (float(r["value_low"]), float(r["value_high"])) == (low, high)


@pytest.mark.parametrize(
    ("figure_id", "url_fragment", "kind"),
    [
        ("p2011_cp_plan_current", "elearning.rcgp.org.uk", "secondary_summary"),
        ("p2009_csc_current", "childprotectioncompany.com", "secondary_summary"),
        ("p2011_prelim_fatalities_notified", "adc.bmj.com/content/101/Suppl_1/A161.2", "journal"),
        (
            "p2005_cp_plan_neglect_current",
            "neglect-and-serious-case-reviews-pdf-735kb-nspcc/23",
            "research_report",
        ),
        (
            "p2009_cp_plan_neglect_current",
            "neglect-and-serious-case-reviews-pdf-735kb-nspcc/23",
            "research_report",
        ),
        (
            "neg2005_11_cp_plan_neglect_ever",
            "neglect-and-serious-case-reviews-pdf-735kb-nspcc/21",
            "research_report",
        ),
        ("p2007_cp_plan_current", "medicalnewstoday.com/articles/248381", "secondary_summary"),
        ("p2009_age_under_1", "medicalnewstoday.com/articles/248381", "secondary_summary"),
        (
            "ofsted_2010_11_scrs_initiated",
            "steep-rise-in-serious-case-reviews",
            "secondary_summary",
        ),
        ("ofsted_sin_2012_13_killing_nai", "simplychildsafe.com", "secondary_summary"),
        ("ofsted_sin_2012_13_serious_harm_children", "simplychildsafe.com", "secondary_summary"),
        ("fatal2005_09_neglect_evident", "adc.bmj.com/content/96/Suppl_1/A93.1", "journal"),
        ("p2009_maltreatment_deaths_per_year", "uea.ac.uk", "secondary_summary"),
        ("panel_2022_23_notifications", "public-sector.co.uk", "secondary_summary"),
    ],
)
def test_spot_sources(figure_id, url_fragment, kind):
    r = figures().set_index("figure_id").loc[figure_id]
    assert url_fragment in r["source_url"]
    assert r["source_kind"] == kind


# --------------------------------------------------------------------------------------
# Register section L (third look)
# --------------------------------------------------------------------------------------

INTERFACE = "interfaceenterprises.co.uk/news-and-publications/new-government-study-finds-poverty"
DICKENS_TAYLOR = "key-messages-from-the-final-review-of-scrs-201719ppt/254910714"
BMJ_OPEN = "bmjopen.bmj.com/cgi/content/short/11/8/e048689"


@pytest.mark.parametrize(
    ("figure_id", "measure", "category", "relation", "value", "denominator", "url", "kind"),
    [
        (
            "p2014_scrs_death",
            "scrs_count",
            "death",
            "equals",
            206,
            "",
            INTERFACE,
            "secondary_summary",
        ),
        (
            "p2014_scrs_serious_harm",
            "scrs_count",
            "serious_harm",
            "equals",
            162,
            "",
            INTERFACE,
            "secondary_summary",
        ),
        (
            "p2014_poverty",
            "feature_percent",
            "poverty",
            "equals",
            35,
            "",
            INTERFACE,
            "secondary_summary",
        ),
        (
            "p2014_qualitative_sample",
            "subsample_count",
            "qualitative",
            "equals",
            63,
            "",
            "messages-for-local-safeguarding-partnerships/251660171",
            "presentation",
        ),
        (
            "p2014_cp_plan_neglect_category",
            "cp_plan_category_count",
            "neglect",
            "equals",
            50,
            "84",
            "messages-for-local-safeguarding-partnerships/251660171",
            "presentation",
        ),
        (
            "p2014_neglect_feature",
            "neglect_feature_percent",
            "",
            "equals",
            75,
            "",
            "messages-for-police-professionals",
            "presentation",
        ),
        (
            "p2014_scrs_trend",
            "scrs_change_direction",
            "",
            "less_than",
            1,
            "",
            "complexity-and-challenge",
            "secondary_summary",
        ),
        (
            "p2011_scrs_trend",
            "scrs_change_direction",
            "",
            "equals",
            1,
            "",
            "elearning.rcgp.org.uk",
            "secondary_summary",
        ),
        (
            "p2011_direct_deaths_trend",
            "deaths_directly_caused_change_direction",
            "",
            "equals",
            0,
            "",
            "elearning.rcgp.org.uk",
            "secondary_summary",
        ),
        (
            "p2017_final_reports",
            "final_reports_count",
            "",
            "equals",
            166,
            "235",
            DICKENS_TAYLOR,
            "presentation",
        ),
        (
            "p2017_scrs_death",
            "scrs_count",
            "death",
            "equals",
            131,
            "235",
            DICKENS_TAYLOR,
            "presentation",
        ),
        (
            "p2017_scrs_serious_harm",
            "scrs_count",
            "serious_harm",
            "equals",
            104,
            "235",
            DICKENS_TAYLOR,
            "presentation",
        ),
        ("p2017_deaths", "deaths_percent", "", "equals", 56, "235", DICKENS_TAYLOR, "presentation"),
        (
            "p2017_serious_harm",
            "serious_harm_percent",
            "",
            "equals",
            44,
            "235",
            DICKENS_TAYLOR,
            "presentation",
        ),
        (
            "p2017_age_under_1",
            "age_under_1_percent",
            "",
            "equals",
            37,
            "",
            DICKENS_TAYLOR,
            "presentation",
        ),
        (
            "p2017_age_11_17",
            "age_11_17_percent",
            "",
            "equals",
            35,
            "",
            DICKENS_TAYLOR,
            "presentation",
        ),
        (
            "p2017_age_16_17",
            "age_16_17_percent",
            "",
            "equals",
            19,
            "",
            DICKENS_TAYLOR,
            "presentation",
        ),
        ("p2017_white", "white_percent", "", "equals", 73, "", DICKENS_TAYLOR, "presentation"),
        (
            "p2017_non_white",
            "non_white_percent",
            "",
            "equals",
            27,
            "",
            DICKENS_TAYLOR,
            "presentation",
        ),
        (
            "p2017_deaths_sudi",
            "deaths_category_percent",
            "sudi",
            "equals",
            30,
            "",
            DICKENS_TAYLOR,
            "presentation",
        ),
        (
            "p2017_deaths_suicide",
            "deaths_category_percent",
            "suicide",
            "equals",
            30,
            "",
            DICKENS_TAYLOR,
            "presentation",
        ),
        (
            "p2017_serious_harm_physical",
            "harm_type_percent",
            "physical_abuse",
            "equals",
            45,
            "",
            DICKENS_TAYLOR,
            "presentation",
        ),
        (
            "p2017_serious_harm_neglect",
            "harm_type_percent",
            "neglect",
            "equals",
            23,
            "",
            DICKENS_TAYLOR,
            "presentation",
        ),
        (
            "p2017_csc_open",
            "csc_current_involvement_percent",
            "",
            "equals",
            57,
            "",
            DICKENS_TAYLOR,
            "presentation",
        ),
        ("medcause2009_17_scrs", "scrs_count", "", "equals", 23, "", BMJ_OPEN, "journal"),
        (
            "medcause2009_17_acute",
            "feature_count",
            "acute_condition",
            "equals",
            20,
            "",
            BMJ_OPEN,
            "journal",
        ),
        (
            "medcause2009_17_chronic",
            "feature_count",
            "chronic_condition",
            "equals",
            12,
            "",
            BMJ_OPEN,
            "journal",
        ),
        (
            "medcause2009_17_unexpected",
            "feature_count",
            "unexpected_death",
            "equals",
            20,
            "",
            BMJ_OPEN,
            "journal",
        ),
        (
            "medcause2009_17_maltreatment_contributed",
            "feature_count",
            "maltreatment_contributed_to_death",
            "equals",
            18,
            "",
            BMJ_OPEN,
            "journal",
        ),
        (
            "medcause2009_17_behavioural",
            "feature_count",
            "child_behavioural_problems",
            "equals",
            6,
            "23",
            BMJ_OPEN,
            "journal",
        ),
        (
            "medcause2009_17_learning",
            "feature_count",
            "child_learning_difficulties",
            "equals",
            6,
            "23",
            BMJ_OPEN,
            "journal",
        ),
        (
            "medcause2009_17_mental_health",
            "feature_count",
            "child_mental_health",
            "equals",
            5,
            "23",
            BMJ_OPEN,
            "journal",
        ),
    ],
)
def test_section_l_figures_entered(
    figure_id, measure, category, relation, value, denominator, url, kind
):
    r = figures().set_index("figure_id").loc[figure_id]
    assert (r["measure"], r["category"], r["relation"]) == (measure, category, relation)
    assert float(r["value"]) == value and r["denominator"] == denominator
    assert url in r["source_url"] and r["source_kind"] == kind and r["verified"] == "yes"
    assert "register section L N" in r["locator"]


def test_section_l_has_twenty_figures_n21_and_n22_are_not_rows():
    cited = figures()["locator"].str.extract(r"register section L (N\d+)")[0].dropna()
    assert set(cited) == {f"N{i}" for i in range(1, 21)}
    # N22 is qualitative: named where the codebook uses it, not entered as a figure
    note = figures().set_index("figure_id").loc["p2011_final_reports", "note"]
    assert "register section L N22" in note and "parent_adverse_childhood" in note


def test_2014_neglect_is_one_row_citing_the_exact_statement_with_the_old_wording_kept():
    rows = rows_where(review_period="2014-17", measure="neglect_feature_percent", category="")
    assert rows["figure_id"].tolist() == ["p2014_neglect_feature"]
    r = rows.iloc[0]
    assert (r["relation"], r["value"]) == ("equals", "75")
    assert r["statement"] == "Neglect featured in 75% of all SCRs examined."
    assert "three-quarters of all SCRs" in r["note"] and "scie.org.uk" in r["note"]


def test_the_386_typo_is_not_entered_and_the_split_adds_up_to_368():
    assert not (figures()["value"] == "386").any()
    split = figures().set_index("figure_id").loc[["p2014_scrs_death", "p2014_scrs_serious_harm"]]
    assert split["value"].astype(float).sum() == float(
        rows_where(figure_id="p2014_scrs")["value"].iloc[0]
    )


def test_answered_2017_age_is_no_longer_not_found():
    assert "nf_2017_age" not in set(not_found()["item_id"])
    assert "nf_2017_cp_plan" in set(not_found()["item_id"])  # still not seen


def test_a_direction_is_stated_in_words():
    from analysis.reference.published import figure, stated

    assert stated(figure("p2011_scrs_trend")) == "a rise"
    assert stated(figure("p2011_direct_deaths_trend")) == "no change"
    assert stated(figure("p2014_scrs_trend")) == "no rise"
    directions = figures()[figures()["unit"] == "direction"]
    assert set(directions["value"].astype(float)) <= {-1, 0, 1}
