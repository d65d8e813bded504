"""Disclosure control as an attacker tests it: try to get every suppressed count back.

Each test builds tables the way a run does, from a small hand-made file of real-looking cases,
protects them together, and then works only from what would be published, as a reader would:
subtraction within a table, across tables, from totals and denominators printed elsewhere, and
from statistics printed beside a count. The recovery audit is checked too, against an
independent brute-force attacker on a case small enough to enumerate.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import load_cases
from analysis.casedata.load import to_typed
from analysis.paths import SYNTHETIC_DIR
from analysis.publish.audit import Cell, audit
from analysis.publish.disclosure import (
    THRESHOLD,
    apply_plan,
    plan_protection,
    protect,
    unprotected_small_counts,
)
from analysis.stats.members import strip
from analysis.stats.tables import involvement_now_vs_ever, proportion_table, yes_share_table

SHIPPED = SYNTHETIC_DIR / "synthetic_cases_2011-14.csv"


@pytest.fixture(scope="module")
def small_cases(tmp_path_factory) -> pd.DataFrame:
    """A 60-row own-data file (the first 60 shipped rows, no longer marked synthetic)."""
    rows = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False).head(60)
    path = tmp_path_factory.mktemp("own") / "my_cases.csv"
    rows.drop(columns="record_origin").to_csv(path, index=False)
    return load_cases(path)


def _publish(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], object]:
    plan = plan_protection(tables)
    return {name: apply_plan(name, t, plan) for name, t in tables.items()}, plan


def _hidden(table: pd.DataFrame, column: str = "count") -> pd.Series:
    return table[f"{column}_marker"] == "c"


def test_no_small_count_is_published(small_cases):
    tables = {
        "status": proportion_table(small_cases, "csc_status_at_incident"),
        "by_age": involvement_now_vs_ever(small_cases, by="age_band"),
        "sex": proportion_table(small_cases, "sex", by="age_band"),
    }
    raw_small = sum(
        int(((t["count"] > 0) & (t["count"] < THRESHOLD)).sum()) for t in tables.values()
    )
    assert raw_small > 0  # the file does have small cells to protect
    published, plan = _publish(tables)
    for table in published.values():
        assert unprotected_small_counts(table).empty
    assert plan.passed


def test_within_table_ever_minus_now_by_age_band(small_cases):
    """closed_gap = ever - now in every age band: no two of the three may give the third."""
    raw = involvement_now_vs_ever(small_cases, by="age_band")
    published, plan = _publish({"by_age": raw})
    table = published["by_age"]
    assert _hidden(table).any()
    for band, rows in table.groupby("age_band", sort=False):
        shown = dict(zip(rows["measure"], rows["count"], strict=True))
        hidden = [m for m, v in shown.items() if pd.isna(v)]
        # a reader knows gap = ever - now: one hidden value with the other two shown is lost
        assert len(hidden) != 1, f"{band}: {hidden[0]} recoverable by subtraction"
    assert plan.passed


def test_across_tables_now_minus_in_need_minus_plan_gives_looked_after(small_cases):
    """'Involved now' is in need + plan + looked after: shown now must not give a hidden one."""
    status = proportion_table(small_cases, "csc_status_at_incident")
    headline = involvement_now_vs_ever(small_cases)
    published, plan = _publish({"status": status, "headline": headline})
    s = published["status"].set_index("csc_status_at_incident")["count"]
    now = published["headline"].set_index("measure")["count"]["now"]
    parts = s[["open_child_in_need", "open_child_protection_plan", "open_looked_after"]]
    raw_parts = status.set_index("csc_status_at_incident")["count"][parts.index]
    assert ((raw_parts > 0) & (raw_parts < THRESHOLD)).any() or parts.isna().any()
    if pd.notna(now):
        assert parts.isna().sum() != 1, "one part recoverable as now minus the other two"
    assert plan.passed


def test_total_in_one_table_minus_cells_shown_in_another(small_cases):
    """The denominator printed by one table cannot close the partition of another."""
    sex = proportion_table(small_cases, "sex")
    ethnicity = proportion_table(small_cases, "ethnicity")
    published, plan = _publish({"sex": sex, "ethnicity": ethnicity})
    eth = published["ethnicity"]
    total = published["sex"]["count"].sum(min_count=1)
    if _hidden(eth).sum() == 1 and pd.notna(total):
        pytest.fail("a single hidden ethnicity recoverable from the sex table's total")
    # with the total known from anywhere, the hidden cells must be at least two
    assert _hidden(eth).sum() != 1
    assert plan.passed


def test_statistics_beside_a_suppressed_count_are_withheld(small_cases):
    table = proportion_table(small_cases, "csc_status_at_incident")
    published, _ = _publish({"status": table})
    t = published["status"]
    hidden = _hidden(t)
    assert hidden.any()
    for column in ["percent", "ci_low_percent", "ci_high_percent"]:
        assert t.loc[hidden, column].isna().all(), column  # a Wilson interval pins the count
    assert not t.loc[~hidden, "percent"].isna().any()


def test_counts_are_whole_numbers_and_members_never_leave(small_cases):
    published, _ = _publish({"sex": proportion_table(small_cases, "sex")})
    t = published["sex"]
    assert str(t["count"].dtype) == "Int64"
    assert not [c for c in t.columns if c.startswith("members__")]


def test_the_same_count_in_two_tables_is_suppressed_in_both(small_cases):
    status = proportion_table(small_cases, "csc_status_at_incident")
    copy = status[["csc_status_at_incident", "count", "members__count"]].copy()
    published, _ = _publish({"status": status, "again": copy})
    a = published["status"].set_index("csc_status_at_incident")["count_marker"]
    b = published["again"].set_index("csc_status_at_incident")["count_marker"]
    assert (a == b).all()


def test_audit_fails_a_lone_suppression_and_passes_a_protected_pair():
    a, b, c = _units("a", 3), _units("b", 40), _units("c", 50)
    cells = [
        Cell(("t", 0, "count"), a),
        Cell(("t", 1, "count"), b),
        Cell(("t", 2, "count"), c),
        Cell(("u", 0, "count"), a + b + c),  # a total printed in another table
    ]
    (lone,) = audit(cells, {("t", 0, "count")})
    assert (lone.lower, lone.upper, lone.ok) == (3, 3, False)
    pair = audit(cells, {("t", 0, "count"), ("t", 1, "count")})
    assert all(b.ok and b.lower == 0 and b.upper == 43 for b in pair)


def _units(name: str, n: int) -> tuple[str, ...]:
    return tuple(f"{name}{i}" for i in range(n))


def _integer_ranges(cells, suppressed, most):
    """The attacker's exact answer: try every whole number of units in each class (units
    named by letter then number: ``a0``, ``a1``... are class ``a``) and keep what fits."""
    classes = sorted({u.rstrip("0123456789") for c in cells for u in c.members})
    coefficients = np.array(
        [[any(u.rstrip("0123456789") == k for u in c.members) for k in classes] for c in cells]
    )
    sizes = np.array(list(itertools.product(range(most + 1), repeat=len(classes))))
    values = sizes @ coefficients.T  # every assignment's value of every cell
    fits = np.ones(len(sizes), dtype=bool)
    for i, cell in enumerate(cells):
        if cell.key not in suppressed:
            fits &= values[:, i] == cell.value
    return {
        c.key: (values[fits, i].min(), values[fits, i].max())
        for i, c in enumerate(cells)
        if c.key in suppressed
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 5), min_size=4, max_size=4))
def test_audit_range_matches_a_brute_force_attacker(sizes):
    """A breakdown, its total, and a second table sharing one cell: the linear programme's
    range equals what an attacker finds by trying every whole-number assignment."""
    a, b, c, d = (_units(k, n) for k, n in zip("abcd", sizes, strict=True))
    cells = [
        Cell(("t", 0, "count"), a),
        Cell(("t", 1, "count"), b),
        Cell(("t", 2, "count"), c),
        Cell(("t", 0, "denominator_count"), a + b + c),
        Cell(("u", 0, "count"), a + d),
        Cell(("u", 1, "count"), d),
    ]
    suppressed = {("t", 0, "count"), ("t", 1, "count"), ("u", 0, "count")}
    exact = _integer_ranges(cells, suppressed, most=sum(sizes))
    for bound in audit(cells, suppressed, minimum_range=1):
        low, high = exact[bound.key]
        assert bound.lower <= bound.value <= bound.upper
        assert (bound.lower, bound.upper) == pytest.approx((low, high))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_small_datasets_always_pass_the_audit_after_protection(data):
    """Whatever a small file holds, the protected tables of a run pass the recovery audit and
    show no count from 1 to threshold - 1."""
    n = data.draw(st.integers(8, 40))
    rng = np.random.default_rng(data.draw(st.integers(0, 10_000)))
    shipped = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False)
    rows = shipped.iloc[rng.choice(len(shipped), size=n, replace=False)]
    cases = to_typed(rows.drop(columns="record_origin").replace("", pd.NA).reset_index(drop=True))
    tables = {
        "status": proportion_table(cases, "csc_status_at_incident"),
        "by_age": involvement_now_vs_ever(cases, by="age_band"),
        "factors": yes_share_table(cases, ["parent_domestic_abuse", "parent_drug_misuse"]),
        "sex_by_age": proportion_table(cases, "sex", by="age_band"),
    }
    published, plan = _publish(tables)
    assert plan.passed, plan.summary()
    for t in published.values():
        assert unprotected_small_counts(t).empty


def test_single_table_protect_without_membership_still_audits():
    t = pd.DataFrame({"code": ["a", "b", "c"], "count": [3, 40, 50], "denominator_count": 93})
    out = protect(t, partition_by=[])
    assert out["count_marker"].tolist() == ["c", "c", ""]
    assert "Recovery audit: passed" in out.attrs["disclosure"]
    assert strip(out).equals(out)


def test_test_statistics_resting_on_a_small_cell_are_withheld(small_cases):
    """A chi-square p-value, its minimum expected count or Fisher's p pins a small cell of the
    cross-tabulation even when the cell is never printed: withheld with it."""
    from analysis.stats.inference import association_test
    from analysis.stats.tables import involvement_flags

    with_flags = small_cases.assign(involved_now=involvement_flags(small_cases)["now"])
    tests = pd.DataFrame(
        [
            {"dimension": dim, **association_test(with_flags, dim, "involved_now")}
            for dim in ["age_band", "outcome", "sex"]
        ]
    )
    published, plan = _publish({"tests": tests})
    t = published["tests"]
    for i, row in tests.iterrows():
        small = any(0 < len(m) < THRESHOLD for m in row["members__implied"])
        if small:
            for column in ["statistic", "p_value", "cramers_v", "min_expected"]:
                assert pd.isna(t.loc[i, column]), (row["dimension"], column)
        else:
            assert pd.notna(t.loc[i, "p_value"]) and pd.notna(t.loc[i, "min_expected"])
    assert tests["members__implied"].map(lambda m: any(0 < len(c) < 5 for c in m)).any()
    assert plan.passed


def test_a_model_with_a_small_cell_is_not_shown(small_cases):
    from analysis.stats.inference import logistic_model
    from analysis.stats.tables import involvement_flags

    model = logistic_model(small_cases, involvement_flags(small_cases)["now"], ["age_band"])
    cells = model["members__implied"].iloc[0]
    assert any(0 < len(m) < THRESHOLD for m in cells)  # 60 rows over 5 bands x 2 outcomes
    published, _ = _publish({"model": model})
    t = published["model"]
    assert t[["odds_ratio", "ci_low", "ci_high", "p_value"]].isna().all().all()


def test_a_rate_per_year_beside_a_suppressed_count_is_withheld(small_cases):
    """deaths a year = count / 3: a shown rate gives the suppressed count back exactly."""
    from analysis.stats.measures import reviews
    from analysis.stats.members import members_of

    r = reviews(small_cases)
    rows = []
    for outcome, part in r.groupby("outcome", observed=True):
        rows.append(
            {
                "outcome": str(outcome),
                "reviews_count": len(part),
                "members__reviews_count": members_of(part),
                "per_year": len(part) / 3,
            }
        )
    table = pd.DataFrame(rows)
    table.loc[len(table)] = {
        "outcome": "tiny",
        "reviews_count": 2,
        "members__reviews_count": ("x1", "x2"),
        "per_year": 2 / 3,
    }
    published, _ = _publish({"per_year": table})
    t = published["per_year"]
    tiny = t["outcome"] == "tiny"
    assert t.loc[tiny, "reviews_count"].isna().all() and t.loc[tiny, "per_year"].isna().all()


def test_the_checking_record_does_not_say_which_suppressed_counts_are_small(small_cases):
    """Telling primary from secondary suppression would tell a reader which hidden counts are
    from 1 to 4: the plan and the record name suppressed cells, never why each one."""
    from analysis.publish.checking import suppressed_cells

    tables = {"status": proportion_table(small_cases, "csc_status_at_incident")}
    _, plan = _publish(tables)
    cells = suppressed_cells(plan)["status"]
    assert len(cells) >= 2 and all(set(cell) == {"row", "column"} for cell in cells)
    assert not hasattr(plan, "reasons")


def test_the_worked_example_in_docs_disclosure_md():
    """docs/disclosure.md walks through shipped rows 51 to 90: its numbers are these."""
    rows = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False).iloc[50:90]
    cases = to_typed(rows.drop(columns="record_origin").replace("", pd.NA).reset_index(drop=True))
    status = proportion_table(cases, "csc_status_at_incident")
    headline = involvement_now_vs_ever(cases)
    assert status.set_index("csc_status_at_incident")["count"].to_dict() == {
        "not_known_to_csc": 11,
        "referral_not_accepted": 6,
        "closed_before_incident": 8,
        "open_early_help": 1,
        "open_child_in_need": 9,
        "open_child_protection_plan": 3,
        "open_looked_after": 2,
        "not_recorded": 0,
    }
    assert headline["count"].tolist() == [14, 22, 8]
    plan = plan_protection({"status": status, "headline": headline})
    hidden = {status["csc_status_at_incident"][row] for table, row, _ in plan.suppressed}
    assert hidden == {
        "open_early_help",
        "open_child_protection_plan",
        "open_looked_after",
        "referral_not_accepted",
    }
    ranges = {status["csc_status_at_incident"][b.key[1]]: (b.lower, b.upper) for b in plan.bounds}
    assert ranges["open_early_help"] == (0, 7) and ranges["referral_not_accepted"] == (0, 7)
    assert ranges["open_child_protection_plan"] == (0, 5) and ranges["open_looked_after"] == (0, 5)
    assert plan.passed and "narrowest 5" in plan.summary()


def _splits(pairs: int, total: int, n: int, shown: float, decimals: int) -> set[tuple]:
    """Every way ``total`` counted children among ``n`` could fall over ``pairs`` sibling pairs
    (0, 1 or 2 in each) that gives the printed design effect, as an attacker lists them."""
    from analysis.stats.inference import design_effect

    singles = n - 2 * pairs
    units = [f"P{i}" for i in range(pairs) for _ in range(2)] + [f"S{i}" for i in range(singles)]
    found = set()
    for split in itertools.combinations_with_replacement((0, 1, 2), pairs):
        counted = [f"P{i}" for i, k in enumerate(split) for _ in range(k)]
        counted += [f"S{i}" for i in range(total - sum(split))]
        exact = design_effect(counted, units)
        printed = round(exact, 3) if decimals == 3 else np.ceil(exact * 10 - 1e-9) / 10
        if printed == shown:
            found.add(split)
    return found


def test_the_design_effect_does_not_give_back_how_siblings_split():
    """An attack on a small own file (three sibling pairs among 110 children) listed every
    split of the counted children over the pairs that reproduced the design effect printed to
    three decimals, and found the true one ("both 11-17 in one pair, one in each other").
    Rounded up to one decimal, as the kit now prints and uses it, many splits remain."""
    rows = pd.DataFrame(
        {
            "case_id": [f"C{i}" for i in range(110)],
            "review_id": [f"R{i // 2}" if i < 6 else f"R{i}" for i in range(110)],
            "flag": ["yes"] * 2 + ["no", "yes"] + ["yes", "no"] + ["yes"] * 21 + ["no"] * 83,
        }
    )
    counted = rows[rows["flag"] == "yes"]
    from analysis.stats.inference import design_effect
    from analysis.stats.members import members_of
    from analysis.stats.tables import with_interval

    table = with_interval(
        pd.DataFrame(
            {
                "count": [len(counted)],
                "denominator_count": [len(rows)],
                "members__count": [members_of(counted)],
                "members__denominator_count": [members_of(rows)],
            }
        )
    )
    shown = float(table["design_effect"].iloc[0])
    assert round(shown, 1) == shown  # one decimal, nothing finer
    candidates = _splits(3, len(counted), 110, shown, decimals=1)
    assert (1, 1, 2) in candidates and len(candidates) >= 4
    # the attack as it was: to three decimals the true split is the only one left
    exact = round(design_effect(members_of(counted), members_of(rows)), 3)
    assert _splits(3, len(counted), 110, exact, decimals=3) == {(1, 1, 2)}


def test_children_minus_scrs_cannot_count_the_siblings_on_a_plan():
    """Review finding: beside each other, "37 children" and "36 SCRs" with a plan said that
    exactly one review had two children on a plan. The extra siblings are now a hidden count
    of the SCR row, so a difference from 1 to 4 withholds that row."""
    from analysis.stats.units import SCRS, shares_by_unit

    cases = load_cases(period="2014-17")
    table = shares_by_unit(cases, ["cp_plan_current_percent", "csc_current_involvement_percent"])
    protected, _ = _publish({"units": table})
    shown = protected["units"]
    for measure in ("cp_plan_current_percent", "csc_current_involvement_percent"):
        rows = shown[shown["measure"] == measure].set_index("unit")
        children, scrs = rows.loc["children"], rows.loc[SCRS]
        if pd.notna(children["count"]) and pd.notna(scrs["count"]):
            assert not 0 < children["count"] - scrs["count"] < 5, measure
        if pd.notna(children["denominator_count"]) and pd.notna(scrs["denominator_count"]):
            assert not 0 < children["denominator_count"] - scrs["denominator_count"] < 5
    plan_row = shown[(shown["measure"] == "cp_plan_current_percent") & (shown["unit"] == SCRS)]
    assert plan_row["count"].isna().all()  # 37 - 36 = 1 extra sibling: withheld
