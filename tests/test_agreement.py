"""Agreement between two coders (issue 15): two files that differ in known places give exactly
those disagreements, and kappa equals the formula computed here from the table of codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.casedata.codebook import all_variables
from analysis.casedata.load import synthetic_path
from analysis.coding.agreement import (
    BOOTSTRAP_RESAMPLES,
    agreement,
    all_agree_floor,
    kappa_interval,
    kappa_with_interval,
    kappas,
)
from analysis.coding.agreement_report import to_text
from analysis.paths import ROOT

#: Family-level variables coded from the final report (parental factors, neglect, themes...):
#: compared once per review where both coders had the report.
FAMILY = [n for n, v in all_variables().items() if v.final_report_only and v.level == "review"]
#: The family-level judgement coder B made differently for one review of siblings (one on
#: which no other item depends, so that B's file stays valid).
FLIPPED = "parent_domestic_abuse"


def _flip(value: str) -> str:
    return {"yes": "no", "no": "yes"}.get(value, "yes")


def _picks(a: pd.DataFrame) -> dict[str, object]:
    """The cases coder B codes differently, chosen by what they are (not by their ids): a
    child alone in a review with a final report, a review of siblings with one, a girl, a boy,
    a coded disability, and a child left out of B's file."""
    sizes = a["review_id"].map(a["review_id"].value_counts())
    report = a["final_report_available"] == "yes"
    no_report = a.loc[report & (sizes == 1), "case_id"].iloc[0]
    review = a.loc[report & (sizes >= 2), "review_id"].iloc[0]
    siblings = a.loc[a["review_id"] == review, "case_id"].tolist()
    free = a[~a["case_id"].isin([no_report, *siblings])]
    female = free.loc[free["sex"] == "female", "case_id"].iloc[0]
    male = free.loc[free["sex"] == "male", "case_id"].iloc[0]
    rest = free[~free["case_id"].isin([female, male])]
    blank = rest.loc[rest["disability"].isin(["yes", "no"]), "case_id"].iloc[0]
    only_a = rest.loc[(sizes[rest.index] == 1) & (rest["case_id"] != blank), "case_id"].iloc[-1]
    return {
        "no_report": no_report,
        "siblings": siblings,
        "female": female,
        "male": male,
        "blank": blank,
        "only_a": only_a,
    }


@pytest.fixture(scope="module")
def coders(tmp_path_factory):
    """Coder A: the first 60 shipped 2014-17 cases. Coder B: the same, changed in known places
    (:func:`_picks`), one case left out, one case more, rows in another order."""
    shipped = pd.read_csv(synthetic_path("2014-17"), dtype=str, keep_default_na=False)
    a = shipped.head(60).copy()
    picks = a.attrs["picks"] = _picks(a)  # chosen before coder A's own blank below
    a.loc[a["case_id"] == picks["blank"], "disability"] = ""  # coder A left it blank
    b = a.copy().set_index("case_id")
    b.loc[picks["female"], "sex"] = "male"  # female in A
    b.loc[picks["male"], "sex"] = "not_known"  # male in A
    b.loc[picks["blank"], "disability"] = "not_recorded"  # blank in A
    # a review of siblings with a report: one family judgement, changed
    siblings = picks["siblings"]
    b.loc[siblings, FLIPPED] = _flip(a.set_index("case_id").loc[siblings[0], FLIPPED])
    # coder B had no final report for a child alone in a review, so coded nothing from it
    b.loc[picks["no_report"], "final_report_available"] = "no"
    coded_from_report = [
        n for n in b.columns if n in all_variables() and all_variables()[n].final_report_only
    ]
    b.loc[picks["no_report"], coded_from_report] = ""
    b = b.reset_index()
    b = b[b["case_id"] != picks["only_a"]]  # only in A
    b = pd.concat([b, shipped.iloc[[60]]]).iloc[::-1]  # one case only in B; order reversed
    folder = tmp_path_factory.mktemp("coders")
    a.to_csv(folder / "coder_a.csv", index=False)
    b.to_csv(folder / "coder_b.csv", index=False)
    return a, b, folder / "coder_a.csv", folder / "coder_b.csv"


def _expected(a: pd.DataFrame) -> list[tuple]:
    """variable, coder A, coder B, cases, case ids: every difference coder B made."""
    picks = a.attrs["picks"]
    first = picks["siblings"][0]  # a family judgement is compared once, on the first child
    flipped = a.set_index("case_id").loc[first, FLIPPED]
    return [
        ("sex", "male", "not_known", 1, picks["male"]),
        ("sex", "female", "male", 1, picks["female"]),
        ("disability", "(blank)", "not_recorded", 1, picks["blank"]),
        ("final_report_available", "yes", "no", 1, picks["no_report"]),
        (FLIPPED, flipped, _flip(flipped), 1, first),
    ]


def test_exactly_the_known_disagreements_are_found(coders):
    a, b, path_a, path_b = coders
    result = agreement(path_a, path_b)
    expected = _expected(a)
    found = result.disagreements.itertuples(index=False, name=None)
    assert sorted(found) == sorted(expected)
    assert result.pair.only_a == [a.attrs["picks"]["only_a"]]
    assert result.pair.only_b == [b["case_id"].iloc[0]] == ["S14-0061"]
    table = result.variables.set_index("variable")
    differing = {row[0] for row in expected}
    same = table.drop(index=list(differing))
    assert (same["agree_count"] == same["compared_count"]).all()
    differ_by_variable = {}
    for variable, *_, cases, _ in expected:
        differ_by_variable[variable] = differ_by_variable.get(variable, 0) + cases
    for variable, cases in differ_by_variable.items():
        assert table.loc[variable, "compared_count"] - table.loc[variable, "agree_count"] == cases
    assert "record_origin" not in table.index and "record_origin" in result.not_compared


def test_final_report_variables_are_compared_where_both_had_the_report_once_per_review(coders):
    a, b, path_a, path_b = coders
    result = agreement(path_a, path_b)
    table = result.variables.set_index("variable")
    matched = a[a["case_id"].isin(b["case_id"])]
    b_by_id = b.set_index("case_id").loc[matched["case_id"]]
    both = (matched["final_report_available"].to_numpy() == "yes") & (
        b_by_id["final_report_available"].to_numpy() == "yes"
    )
    assert result.final_report_count == both.sum()
    reviews_with_both = matched.loc[both, "review_id"].nunique()
    assert reviews_with_both < both.sum()  # some reviews have several children
    family = [n for n in FAMILY if n in a.columns]
    assert len(family) >= 13
    assert (table.loc[family, "compared_count"] == reviews_with_both).all()
    assert (table.loc[family, "unit"] == "reviews").all()
    assert table.loc["final_report_available", "compared_count"] == matched["review_id"].nunique()
    assert table.loc["sex", "compared_count"] == len(matched) == 59
    assert table.loc["sex", "unit"] == "children"


def _kappa_by_the_formula(codes_a: pd.Series, codes_b: pd.Series) -> float:
    """Cohen's kappa from the table of codes: (observed - chance) / (1 - chance)."""
    table = (
        pd.crosstab(codes_a.to_numpy(), codes_b.to_numpy())
        .reindex(
            index=sorted(set(codes_a) | set(codes_b)),
            columns=sorted(set(codes_a) | set(codes_b)),
            fill_value=0,
        )
        .to_numpy()
    )
    n = table.sum()
    observed = np.trace(table) / n
    chance = (table.sum(axis=1) * table.sum(axis=0)).sum() / n**2
    return (observed - chance) / (1 - chance)


def test_kappa_is_the_formulas(coders):
    a, b, path_a, path_b = coders
    table = agreement(path_a, path_b).variables.set_index("variable")
    matched = a[a["case_id"].isin(b["case_id"])]
    b_by_id = b.set_index("case_id").loc[matched["case_id"]]
    sex = _kappa_by_the_formula(matched["sex"], b_by_id["sex"])
    assert 0 < sex < 1
    assert table.loc["sex", "kappa"] == pytest.approx(sex, abs=1e-12)
    assert table.loc["sex", "kappa_ci_low"] < sex <= table.loc["sex", "kappa_ci_high"] <= 1
    # once per review, where both had the report
    both = (matched["final_report_available"].to_numpy() == "yes") & (
        b_by_id["final_report_available"].to_numpy() == "yes"
    )
    first = ~matched["review_id"].duplicated().to_numpy()
    keep = both & first
    family = _kappa_by_the_formula(matched.loc[keep, FLIPPED], b_by_id.loc[keep, FLIPPED])
    assert 0 < family < 1
    assert table.loc[FLIPPED, "kappa"] == pytest.approx(family, abs=1e-12)
    blank = _kappa_by_the_formula(
        matched["disability"].replace("", "(blank)"), b_by_id["disability"].replace("", "(blank)")
    )
    assert table.loc["disability", "kappa"] == pytest.approx(blank, abs=1e-12)


def test_kappa_is_not_defined_for_one_code_and_statsmodels_otherwise():
    from statsmodels.stats.inter_rater import cohens_kappa

    assert np.isnan(kappa_with_interval(np.array([[12, 0], [0, 0]]))[0])
    assert kappa_with_interval(np.array([[12, 0], [0, 0]]))[3] == "not defined: one code only"
    assert kappa_with_interval(np.zeros((2, 2)))[3] == "no case to compare"
    table = np.array([[20, 5, 1], [3, 15, 2], [0, 4, 10]])
    kappa, low, high, note = kappa_with_interval(table)
    reference = cohens_kappa(table)
    assert (kappa, note) == (pytest.approx(reference.kappa, abs=1e-12), "")
    # the bootstrap's interval; with 60 cases the large-sample one is close to it
    assert (low, high) == pytest.approx((reference.kappa_low, reference.kappa_upp), abs=0.02)
    assert kappas(table) == pytest.approx(reference.kappa, abs=1e-12)


def _exact_bootstrap_percentiles(table: np.ndarray) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of kappa over every possible resample of the cases,
    each weighted by its multinomial probability (resamples without a kappa left out), by
    enumeration: what the seeded bootstrap estimates, computed without it."""
    from itertools import combinations_with_replacement
    from math import factorial, prod

    n, shares = int(table.sum()), (table / table.sum()).ravel()
    weights: dict[float, float] = {}
    for drawn in combinations_with_replacement(range(table.size), n):
        counts = np.bincount(drawn, minlength=table.size)
        resample = counts.reshape(table.shape)
        observed = np.trace(resample) / n
        chance = (resample.sum(axis=1) * resample.sum(axis=0)).sum() / n**2
        if chance == 1:  # both coders one code only: no kappa
            continue
        probability = factorial(n) / prod(factorial(int(c)) for c in counts)
        probability *= prod(float(p) ** int(c) for p, c in zip(shares, counts, strict=True))
        key = round((observed - chance) / (1 - chance), 9)
        weights[key] = weights.get(key, 0) + probability
    values = sorted(weights)
    cumulative = np.cumsum([weights[v] for v in values]) / sum(weights.values())
    return tuple(values[int(np.searchsorted(cumulative, q))] for q in (0.025, 0.975))


@pytest.mark.parametrize(
    "table, expected",
    [([[4, 1], [1, 4]], (0.0, 1.0)), ([[8, 2], [2, 8]], (0.2, 0.9))],
)
def test_the_interval_is_the_bootstrap_percentiles_computed_by_enumeration(table, expected):
    table = np.array(table)
    assert _exact_bootstrap_percentiles(table) == pytest.approx(expected, abs=1e-9)
    low, high, left_out = kappa_interval(table)
    assert (low, high) == pytest.approx(expected, abs=1e-9)
    assert kappa_interval(table) == (low, high, left_out)  # seeded: the same every time
    # all ten cases from one cell of [[4, 1], [1, 4]]: probability 2 * 0.4**10, about 2 in 10,000
    assert left_out == (2 if table.sum() == 10 else 0)
    kappa, shown_low, shown_high, note = kappa_with_interval(table)
    assert (shown_low, shown_high) == (low, high) and kappa == pytest.approx(0.6)
    left = "interval from the resamples where kappa is defined: 2 of 9,999 drew one code only"
    assert note == (f"{left} and were left out" if left_out else "")


def test_twenty_cases_that_all_agree_have_no_interval_of_one_to_one(tmp_path):
    from scipy.stats import binomtest

    kappa, low, high, note = kappa_with_interval(np.array([[12, 0], [0, 8]]))
    assert kappa == 1.0 and np.isnan(low) and np.isnan(high)
    floor = binomtest(20, 20, alternative="greater").proportion_ci(0.95).low
    assert all_agree_floor(20) == pytest.approx(floor, abs=1e-9)
    assert round(100 * floor) == 86
    assert note == (
        "no interval: all 20 agree; agreement may be as low as 86% (exact, one-sided 95%)"
    )
    # two coders who agree on every one of 20 cases: the report never says "1.00 to 1.00"
    shipped = pd.read_csv(synthetic_path("2014-17"), dtype=str, keep_default_na=False)
    shipped.head(20).to_csv(tmp_path / "a.csv", index=False)
    shipped.head(20).to_csv(tmp_path / "b.csv", index=False)
    result = agreement(tmp_path / "a.csv", tmp_path / "b.csv")
    shown = to_text(result)
    assert "1.00 to 1.00" not in shown
    sex = result.variables.set_index("variable").loc["sex"]
    assert (sex["compared_count"], sex["kappa"]) == (20, 1.0)
    assert "no interval: all 20 agree" in sex["kappa_note"] and sex["kappa_note"] in shown


def test_docs_say_what_the_interval_is():
    text = (ROOT / "docs" / "coding.md").read_text(encoding="utf-8")
    assert "percentile bootstrap" in text and f"{BOOTSTRAP_RESAMPLES:,} resamples" in text
    assert "1.00 to 1.00" in text and "no interval: all" in text and "Clopper-Pearson" in text


def test_a_code_kept_for_one_outcome_is_compared_only_where_both_coders_gave_it(tmp_path):
    # death category is blank for every serious harm (rule XF002): blank against blank must not
    # count as agreement, or a coder who gets every death wrong looks half right
    shipped = pd.read_csv(synthetic_path("2011-14"), dtype=str, keep_default_na=False)
    deaths = shipped[shipped["outcome"] == "death"].head(20)
    harms = shipped[shipped["outcome"] == "serious_harm"].head(20)
    a = pd.concat([deaths, harms], ignore_index=True)
    b = a.copy()
    died = b["outcome"] == "death"
    codes = sorted(set(shipped.loc[shipped["outcome"] == "death", "death_category"]))
    b.loc[died, "death_category"] = [
        next(c for c in codes if c != v) for v in b.loc[died, "death_category"]
    ]
    a.to_csv(tmp_path / "a.csv", index=False)
    b.to_csv(tmp_path / "b.csv", index=False)
    row = agreement(tmp_path / "a.csv", tmp_path / "b.csv").variables.set_index("variable")
    assert row.loc["death_category", ["compared_count", "agree_count"]].tolist() == [20, 0]
    assert row.loc["harm_type", "compared_count"] == 20


def test_kappa_has_no_interval_when_one_coder_used_one_code():
    kappa, low, high, note = kappa_with_interval(np.array([[29, 2], [0, 0]]))
    assert np.isnan(low) and np.isnan(high) and "one code only" in note


def test_new_variables_are_compared_and_an_item_asked_of_some_only_where_both_asked(tmp_path):
    """Issue 22's variables: a child-level code (source of harm), a young person's own item
    (asked of those aged 11 or over, and from the final report), a review-level region, and a
    local authority code, which is no coding judgement and is quoted nowhere."""
    shipped = pd.read_csv(synthetic_path("2011-14"), dtype=str, keep_default_na=False)
    a = shipped.head(60).copy().reset_index(drop=True)
    sources = ["parent", "parent_partner", "stranger", "not_known"]
    a["harm_source"] = [sources[i % len(sources)] for i in range(len(a))]
    older = a["age_band"].isin(["11_15", "16_17"]) & (a["final_report_available"] == "yes")
    a["child_alcohol_misuse"] = np.where(older, ["yes", "no"] * (len(a) // 2), "")
    a["region"] = "london"
    a["la_code"] = "E09000001"
    b = a.copy()
    b.loc[[0, 5, 9], "harm_source"] = "self"
    adolescents = list(a.index[older])
    assert len(adolescents) >= 4
    b.loc[adolescents[:2], "child_alcohol_misuse"] = "not_recorded"
    # coder B read one young person as aged 6 to 10, so asked none of the adolescent items
    moved = adolescents[2]
    b.loc[moved, "age_band"] = "6_10"
    for name, var in all_variables().items():
        if var.asked_of == "aged_11_and_over" and name in b.columns:
            b.loc[moved, name] = ""
    b["la_code"] = "E09000033"
    a.to_csv(tmp_path / "a.csv", index=False)
    b.to_csv(tmp_path / "b.csv", index=False)
    result = agreement(tmp_path / "a.csv", tmp_path / "b.csv")
    rows = result.variables.set_index("variable")
    assert rows.loc["harm_source", ["compared_count", "agree_count"]].tolist() == [60, 57]
    assert rows.loc["harm_source", "unit"] == "children"
    assert 0 < rows.loc["harm_source", "kappa"] < 1
    # compared only where both coders' rows say it was asked: not the one B put aged 6 to 10
    # (its blank against A's code would otherwise count as a disagreement)
    alcohol = rows.loc["child_alcohol_misuse", ["compared_count", "agree_count"]].tolist()
    assert alcohol == [len(adolescents) - 1, len(adolescents) - 3]
    assert (
        rows.loc["region", "unit"] == "reviews" and rows.loc["region", "agreement_percent"] == 100
    )
    assert "la_code" not in rows.index and "la_code" not in result.not_compared
    found = set(result.disagreements.itertuples(index=False, name=None))
    assert ("harm_source", "parent", "self", 1, a.loc[0, "case_id"]) in found
    report = to_text(result)
    assert "compared where both coders' rows say the item was asked" in " ".join(report.split())
    assert "E09000001" not in report and "E09000033" not in report
