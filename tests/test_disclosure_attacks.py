"""Disclosure control as an attacker tests it: try to get every suppressed count back.

Each test builds tables the way a run does, from a small hand-made file of real-looking cases,
protects them together, and then works only from what would be published, as a reader would:
subtraction within a table, across tables, from totals and denominators printed elsewhere, and
from statistics printed beside a count. The recovery audit is checked too, against an
independent brute-force attacker on a case small enough to enumerate.
"""

from __future__ import annotations

import itertools
from collections import Counter

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
    # a [c] is never 0 (zeros are shown), so 43 shared by two is 1 to 42 each
    assert all(b.ok and (b.lower, b.upper, b.values) == (1, 42, 42) for b in pair)


def test_a_reader_who_knows_a_c_is_never_0_pins_cells_the_old_audit_passed():
    """The attack of issue 20: a shown total of 5 shared by two [c] cells puts both in 1 to
    4. With a lower bound of 0 the audit saw 0 to 5 and passed; it now sees 1 to 4 and fails,
    and protection hides more until each [c] takes at least 5 whole values."""
    a, b, c = _units("a", 3), _units("b", 2), _units("c", 40)
    cells = [
        Cell(("t", 0, "count"), a, total=("t", 0, "denominator_count")),
        Cell(("t", 1, "count"), b, total=("t", 0, "denominator_count")),
        Cell(("t", 2, "count"), c, total=("t", 0, "denominator_count")),
        Cell(("t", 0, "denominator_count"), a + b + c),
    ]
    pair = audit(cells, {("t", 0, "count"), ("t", 1, "count")})
    assert [(x.lower, x.upper, x.ok) for x in pair] == [(1, 4, False), (1, 4, False)]
    # a hidden zero may be 0 where its group is hidden: the reader loses the lower bound
    wide = audit(
        cells,
        {("t", 0, "count"), ("t", 1, "count")},
        minimum_values=1,
        may_be_zero={("t", 0, "count")},
    )
    assert (wide[0].lower, wide[0].upper) == (0, 4)


def _units(name: str, n: int) -> tuple[str, ...]:
    return tuple(f"{name}{i}" for i in range(n))


def _integer_ranges(cells, suppressed, most):
    """The attacker's exact answer: try every whole number of units in each class (units
    named by letter then number: ``a0``, ``a1``... are class ``a``) and keep what fits what
    they read and what they know: every [c] is at least 1, since zeros are shown."""

    def kind(unit: str) -> str:
        return unit.rstrip("0123456789")

    classes = sorted({kind(u) for c in cells for u in c.members})
    distinct = Counter(kind(u) for u in {u for c in cells for u in c.members})
    # a review counted once per child counts its class as many times in that cell
    coefficients = np.array(
        [[sum(kind(u) == k for u in c.members) / distinct[k] for k in classes] for c in cells]
    )
    sizes = np.array(list(itertools.product(range(most + 1), repeat=len(classes))))
    values = sizes @ coefficients.T  # every assignment's value of every cell
    fits = np.ones(len(sizes), dtype=bool)
    for i, cell in enumerate(cells):
        fits &= values[:, i] >= 1 if cell.key in suppressed else values[:, i] == cell.value
    return {
        c.key: (values[fits, i].min(), values[fits, i].max())
        for i, c in enumerate(cells)
        if c.key in suppressed
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 5), min_size=4, max_size=4), st.integers(1, 2))
def test_audit_range_matches_a_brute_force_attacker(sizes, twice):
    """A breakdown, its total, and a second table sharing one cell (class ``d`` counted twice
    in one of them, as siblings are when a review is counted once per child): the audit's whole-
    number range equals what an attacker finds by trying every whole-number assignment that
    fits the shown counts and that every [c] is at least 1."""
    a, b, c, d = (_units(k, n) for k, n in zip("abcd", sizes, strict=True))
    cells = [
        Cell(("t", 0, "count"), a),
        Cell(("t", 1, "count"), b),
        Cell(("t", 2, "count"), c),
        Cell(("t", 0, "denominator_count"), a + b + c),
        Cell(("u", 0, "count"), a + d * twice),
        Cell(("u", 1, "count"), d * twice),
    ]
    suppressed = {("t", 0, "count"), ("t", 1, "count"), ("u", 0, "count")}
    truth = {c.key: c.value for c in cells}
    if any(truth[k] == 0 for k in suppressed):
        return  # zeros are shown: a run never suppresses one outside a hidden group
    exact = _integer_ranges(cells, suppressed, most=sum(sizes))
    for bound in audit(cells, suppressed, minimum_values=1):
        low, high = exact[bound.key]
        assert bound.lower <= bound.value <= bound.upper
        assert (bound.lower, bound.upper) == (low, high)


def test_integer_ranges_where_the_linear_relaxation_is_fractional():
    """A unit counted twice in one cell (two siblings of one review): the relaxation lets half
    a review make up an odd count, a reader in whole numbers does not."""
    a, b = _units("a", 3), _units("b", 1)
    cells = [
        Cell(("t", 0, "count"), a + a),  # 6: three reviews of two children each
        Cell(("t", 1, "count"), b),  # 1
        Cell(("t", 0, "denominator_count"), a + a + b),  # 7
    ]
    suppressed = {("t", 0, "count"), ("t", 1, "count")}
    bounds = {x.key: x for x in audit(cells, suppressed, minimum_values=1)}
    exact = _integer_ranges(cells, suppressed, most=8)
    for key, bound in bounds.items():
        assert (bound.lower, bound.upper) == exact[key]
    # the relaxation would say 1 to 6 for both; in whole reviews it is 2 to 6 and 1 to 5
    assert [(x.lower, x.upper) for x in bounds.values()] == [(2, 6), (1, 5)]


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


#: The forty children of docs/disclosure.md's worked example: status, children, ever involved.
#: Built here rather than read from shipped rows, so regenerating the synthetic data (which
#: moves every row) leaves the documented example as it is.
WORKED_EXAMPLE = (
    ("not_known_to_csc", 11, 0),
    ("referral_not_accepted", 6, 1),
    ("closed_before_incident", 8, 7),
    ("open_early_help", 1, 0),
    ("open_child_in_need", 9, 9),
    ("open_child_protection_plan", 3, 3),
    ("open_looked_after", 2, 2),
)


def test_the_worked_example_in_docs_disclosure_md():
    """docs/disclosure.md walks through forty children: its numbers are these."""
    status_codes = [code for code, n, _ in WORKED_EXAMPLE for _ in range(n)]
    ever = [i < e for _, n, e in WORKED_EXAMPLE for i in range(n)]
    cases = to_typed(
        pd.DataFrame(
            {
                "case_id": [f"W{i:02d}" for i in range(len(status_codes))],
                "review_id": [f"WR{i:02d}" for i in range(len(status_codes))],
                "csc_status_at_incident": status_codes,
                "csc_ever_involved": np.where(ever, "yes", "no"),
            }
        )
    )
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
    # primary alone: plan and looked after share 14 - 9 = 5 and, never 0, are each 1 to 4
    first = plan_protection({"status": status, "headline": headline}, secondary=False)
    ranges = _ranges(first, status)
    assert ranges["open_child_protection_plan"] == ranges["open_looked_after"] == (1, 4)
    assert not first.passed
    plan = plan_protection({"status": status, "headline": headline})
    hidden = {status["csc_status_at_incident"][row] for table, row, _ in plan.suppressed}
    assert hidden == {
        "open_early_help",
        "open_child_protection_plan",
        "open_looked_after",
        "open_child_in_need",
        "referral_not_accepted",
    }
    assert _ranges(plan, status) == {
        "open_early_help": (1, 6),
        "referral_not_accepted": (1, 6),
        "open_child_in_need": (1, 12),
        "open_child_protection_plan": (1, 12),
        "open_looked_after": (1, 12),
    }
    assert plan.passed and "the narrowest: at least 6." in plan.summary()
    # a reader's own arithmetic, as docs/disclosure.md gives it: "now" (14) is in need + plan +
    # looked after, and the total (40) minus the shown statuses leaves early help + referral
    shown = published_counts(plan, status, "status")
    now = int(headline["count"][0])
    rest = int(status["denominator_count"][0]) - sum(shown.values()) - now
    assert (now, rest) == (14, 7)
    # three hidden counts sharing 14, each at least 1: 1 to 12; two sharing 7: 1 to 6
    ranges = _ranges(plan, status)
    for hidden_status in ("open_child_in_need", "open_child_protection_plan", "open_looked_after"):
        assert ranges[hidden_status] == (1, now - 2)
    for hidden_status in ("open_early_help", "referral_not_accepted"):
        assert ranges[hidden_status] == (1, rest - 1)


def published_counts(plan, table: pd.DataFrame, name: str) -> dict[str, int]:
    """The counts of ``table`` a reader sees (every row not suppressed)."""
    hidden = {row for t, row, column in plan.suppressed if t == name and column == "count"}
    return {
        table.iloc[i, 0]: int(table["count"].iloc[i]) for i in range(len(table)) if i not in hidden
    }


def _ranges(plan, status) -> dict[str, tuple[float, float]]:
    return {status["csc_status_at_incident"][b.key[1]]: (b.lower, b.upper) for b in plan.bounds}


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


def _group_table(sizes: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """Per group: a count of its children and the group's size, with their reviews."""
    rows = []
    for group, (size, count) in sizes.items():
        units = _units(group, size)
        rows.append(
            {
                "group": group,
                "count": count,
                "members__count": units[:count],
                "denominator_count": size,
                "members__denominator_count": units,
            }
        )
    return pd.DataFrame(rows)


def test_a_zero_beside_a_hidden_group_size_is_suppressed():
    """Issue 20: "aged 11-15: involved now 0" with the group's size hidden tells a reader that
    no child of that age was involved. The rule hide_zeros_of_hidden_groups (disclosure.yaml)
    hides the 0 with its group; a zero beside a shown group size stays shown."""
    from analysis.publish.disclosure import rules

    assert rules().hide_zeros_of_hidden_groups
    table = _group_table({"a": (20, 6), "b": (3, 0), "c": (30, 0), "d": (25, 9)})
    published, plan = _publish({"by_group": table})
    t = published["by_group"].set_index("group")
    assert t.loc["b", "denominator_count_marker"] == "c"
    assert t.loc["b", "count_marker"] == "c" and pd.isna(t.loc["b", "count"])
    assert t.loc["c", "count"] == 0 and t.loc["c", "count_marker"] == ""  # 0 of 30: shown
    assert plan.passed
    # the rule switched off shows the 0, as the kit did before
    import dataclasses

    off = dataclasses.replace(rules(), hide_zeros_of_hidden_groups=False)
    shown = apply_plan("by_group", table, plan_protection({"by_group": table}, off))
    assert shown.set_index("group").loc["b", "count"] == 0


def test_an_all_beside_a_hidden_group_size_is_suppressed():
    """ "All 3 of them" counts the same children as the hidden size: hidden with it."""
    table = _group_table({"a": (20, 6), "b": (3, 3), "d": (25, 9)})
    published, plan = _publish({"by_group": table})
    row = published["by_group"].set_index("group").loc["b"]
    assert row["count_marker"] == "c" and row["denominator_count_marker"] == "c"
    assert plan.passed


def test_a_c_is_never_0_outside_a_hidden_group_on_a_small_own_file(small_cases):
    """The reader's fact the documentation gives: every [c] whose group size is shown is at
    least 1. Checked on every suppressed count of a run's tables on a 60-child file."""
    tables = {
        "status": proportion_table(small_cases, "csc_status_at_incident"),
        "by_age": involvement_now_vs_ever(small_cases, by="age_band"),
        "sex_by_age": proportion_table(small_cases, "sex", by="age_band"),
    }
    _, plan = _publish(tables)
    by_key = {c.key: c for c in plan.cells}
    for key in plan.suppressed:
        cell = by_key[key]
        if cell.total is None or cell.total not in plan.suppressed:
            assert cell.value >= 1, key
    assert plan.passed
    assert all(b.values >= THRESHOLD for b in plan.bounds)


def _reader_ranges(unknowns: list[frozenset], equalities, hidden) -> dict:
    """A reader's own attack, written apart from the audit: whole numbers of reviews in each
    combination (``unknowns``), every shown count an equality over the combinations it
    covers, every [c] at least 1; the least and greatest value of each hidden count by
    integer programming (scipy's milp)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    def row(selected) -> np.ndarray:
        return np.array([1.0 if s in selected else 0.0 for s in unknowns])

    constraints = [LinearConstraint(row(sel), value, value) for sel, value in equalities]
    constraints += [LinearConstraint(row(sel), 1, np.inf) for sel in hidden.values()]
    out = {}
    for name, selected in hidden.items():
        ends = []
        for sign in (1, -1):
            result = milp(
                sign * row(selected),
                constraints=constraints,
                integrality=np.ones(len(unknowns)),
                bounds=Bounds(0, np.inf),
            )
            assert result.status == 0, result.message
            ends.append(sign * round(result.fun))
        out[name] = tuple(ends)
    return out


@pytest.mark.parametrize("seed", range(12))
def test_a_reader_of_the_toxic_trio_tables_pins_no_c_below_the_threshold(seed):
    """Issue 20's attack: from the published toxic-trio combinations and summary of a
    75-child file alone, a reader pinned the three single-factor combinations to 1 to 4 each.
    Now every hidden count of both tables takes at least 5 whole values for that reader."""
    from analysis.chapters.toxic_trio import TRIO, trio_combinations, trio_summary

    shipped = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False)
    rows = shipped.sample(75, random_state=seed)
    cases = to_typed(rows.drop(columns="record_origin").replace("", pd.NA).reset_index(drop=True))
    combos = trio_combinations(cases)
    summary = trio_summary(combos)
    published, plan = _publish({"combos": combos, "summary": summary})
    assert plan.passed
    names = list(TRIO)
    unknowns = [frozenset(n for n in names if r[n]) for _, r in combos.iterrows()]
    size = {s: len(s) for s in unknowns}
    covers = {
        "none": [s for s in unknowns if size[s] == 0],
        "any": [s for s in unknowns if size[s] >= 1],
        "two_or_more": [s for s in unknowns if size[s] >= 2],
        "all": [s for s in unknowns if size[s] == len(names)],
    }
    equalities, hidden = [], {}
    for s, (_, r) in zip(unknowns, published["combos"].iterrows(), strict=True):
        if r["count_marker"] == "c":
            hidden[("combo", s)] = [s]
        else:
            equalities.append(([s], int(r["count"])))
        if r["denominator_count_marker"] != "c":
            equalities.append((unknowns, int(r["denominator_count"])))
    for _, r in published["summary"].iterrows():
        if r["count_marker"] == "c":
            hidden[("summary", r["measure"])] = covers[r["measure"]]
        else:
            equalities.append((covers[r["measure"]], int(r["count"])))
    for key, (low, high) in _reader_ranges(unknowns, equalities, hidden).items():
        assert high - low + 1 >= THRESHOLD, (key, low, high)


def _attack_in_whole_numbers(plan) -> dict:
    """An attacker stronger than any reader, written apart from the audit: they know which
    kinds of review exist (every unit's set of cells), every shown count, that counts are whole
    and that a [c] is never 0 outside a hidden group; integer programming gives each [c]'s
    least and greatest value."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    cells = plan.cells
    kinds: dict[str, list] = {}
    for i, cell in enumerate(cells):
        for unit in cell.members:
            kinds.setdefault(unit, []).append(i)
    signatures = sorted({tuple(sorted(Counter(v).items())) for v in kinds.values()})
    matrix = np.zeros((len(cells), len(signatures)))
    for j, signature in enumerate(signatures):
        for i, times in signature:
            matrix[i, j] = times
    shown = [i for i, c in enumerate(cells) if c.key not in plan.suppressed]
    floor = [
        i
        for i, c in enumerate(cells)
        if c.key in plan.suppressed and (c.total is None or c.total not in plan.suppressed)
    ]
    constraints = [
        LinearConstraint(
            matrix[shown], [cells[i].value for i in shown], [cells[i].value for i in shown]
        ),
        LinearConstraint(matrix[floor], 1, np.inf),
    ]
    out = {}
    for i, cell in enumerate(cells):
        if cell.key not in plan.suppressed or cell.value == 0:
            continue
        ends = []
        for sign in (1, -1):
            result = milp(
                sign * matrix[i],
                constraints=constraints,
                integrality=np.ones(len(signatures)),
                bounds=Bounds(0, np.inf),
            )
            ends.append(np.inf if result.status == 3 else sign * round(result.fun))
        out[cell.key] = tuple(ends)
    return out


@pytest.mark.parametrize(
    ("shape", "seed"),
    [("one period", 1), ("one period", 2), ("two periods", 3), ("siblings", 4), ("rare", 5)],
)
def test_files_built_like_the_attackers_pin_no_c_below_the_threshold(shape, seed):
    """Files built like the attacker's (one period, both, large sibling groups, rare
    categories), linked tables protected together: an integer attacker who knows every kind of
    review pins no [c] to fewer than the threshold's number of whole values."""
    rng = np.random.default_rng(seed)
    frames = [
        pd.read_csv(SYNTHETIC_DIR / f"synthetic_cases_{p}.csv", dtype=str, keep_default_na=False)
        for p in ("2011-14", "2014-17")
    ]
    if shape == "two periods":
        rows = pd.concat([f.sample(40, random_state=seed) for f in frames])
    else:
        rows = frames[0].sample(60, random_state=seed)
    if shape == "siblings":  # every review has two or three children
        reviews = [f"R{i // int(rng.integers(2, 4))}" for i in range(len(rows))]
        rows = rows.assign(review_id=reviews)
        for column in ("incident_year", "outcome", "final_report_available"):
            rows[column] = rows.groupby("review_id")[column].transform("first")
    if shape == "rare":  # one child in a category of its own
        rows.iloc[0, rows.columns.get_loc("ethnicity")] = "other"
    cases = to_typed(rows.drop(columns="record_origin").replace("", pd.NA).reset_index(drop=True))
    tables = {
        "status": proportion_table(cases, "csc_status_at_incident"),
        "headline": involvement_now_vs_ever(cases),
        "by_age": involvement_now_vs_ever(cases, by="age_band"),
        "ethnicity": proportion_table(cases, "ethnicity"),
        "sex_by_age": proportion_table(cases, "sex", by="age_band"),
        "factors": yes_share_table(cases, ["parent_domestic_abuse", "parent_drug_misuse"]),
    }
    _, plan = _publish(tables)
    assert plan.passed
    ranges = _attack_in_whole_numbers(plan)
    assert ranges
    for key, (low, high) in ranges.items():
        assert high - low + 1 >= THRESHOLD, (key, low, high)


def _crossed_tables(sizes: list[int]) -> dict[str, pd.DataFrame]:
    """Two breakdowns of the same children (rows: kinds 0+1 and 2+3; columns: 0+2 and 1+3)
    with their total, and one count within a row's group (kind 0 of row 0)."""
    units = [_units(k, n) for k, n in zip("abcd", sizes, strict=True)]
    every = sum(units, ())

    def table(groups: dict[str, tuple]) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "group": g,
                    "count": len(m),
                    "members__count": m,
                    "denominator_count": len(every),
                    "members__denominator_count": every,
                }
                for g, m in groups.items()
            ]
        )

    within = _group_table({"x": (0, 0)})
    within.loc[0, ["count", "denominator_count"]] = [len(units[0]), len(units[0] + units[1])]
    within.at[0, "members__count"] = units[0]
    within.at[0, "members__denominator_count"] = units[0] + units[1]
    return {
        "rows": table({"r0": units[0] + units[1], "r1": units[2] + units[3]}),
        "cols": table({"c0": units[0] + units[2], "c1": units[1] + units[3]}),
        "within": within,
    }


def _reader_brute_force(published: dict[str, pd.DataFrame], hide_zeros: bool, most: int):
    """A reader of the protected tables alone, written from docs/disclosure.md: every whole
    number of children of each kind that fits the shown counts, a [c] at least 1 (unless its
    group size is [c] while zeros of hidden groups are hidden), and a count shown beside a
    hidden total at least the threshold below it. Returns each [c]'s (least, greatest)."""
    exprs = {  # which kinds each cell counts, by (table, row, column)
        ("rows", 0, "count"): (0, 1),
        ("rows", 1, "count"): (2, 3),
        ("cols", 0, "count"): (0, 2),
        ("cols", 1, "count"): (1, 3),
        ("within", 0, "count"): (0,),
        ("within", 0, "denominator_count"): (0, 1),
    }
    for name in ("rows", "cols"):
        for row in (0, 1):
            exprs[(name, row, "denominator_count")] = (0, 1, 2, 3)
    totals = {k: (k[0], k[1], "denominator_count") for k in exprs if k[2] == "count"}
    shown, hidden = {}, []
    for key in exprs:
        table, row, column = key
        cell = published[table].iloc[row]
        if cell[f"{column}_marker"] == "c":
            hidden.append(key)
        else:
            shown[key] = int(cell[column])
    keys = list(exprs)
    kinds = np.array([[i in exprs[k] for i in range(4)] for k in keys], dtype=int)
    sizes = np.array(list(itertools.product(range(most + 1), repeat=4)))
    value = sizes @ kinds.T  # every assignment's value of every cell
    at = {k: i for i, k in enumerate(keys)}
    fits = np.ones(len(sizes), dtype=bool)
    for k, v in shown.items():
        fits &= value[:, at[k]] == v
        if v > 0 and k in totals and totals[k] in hidden:
            fits &= value[:, at[totals[k]]] - v >= THRESHOLD
    for k in hidden:
        if not (k in totals and totals[k] in hidden and hide_zeros):
            fits &= value[:, at[k]] >= 1
    return {k: (value[fits, at[k]].min(), value[fits, at[k]].max()) for k in hidden}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 7), min_size=4, max_size=4), st.booleans())
def test_what_a_plan_publishes_pins_nothing_for_a_brute_force_reader(sizes, hide_zeros):
    """The whole plan (search, shortcuts, final audit), not the audit function alone, against
    a reader who tries every whole-number assignment, with the zero rule on and off."""
    import dataclasses

    from analysis.publish.disclosure import rules

    r = dataclasses.replace(rules(), hide_zeros_of_hidden_groups=hide_zeros)
    tables = _crossed_tables(sizes)
    plan = plan_protection(tables, r)
    assert plan.passed
    published = {name: apply_plan(name, t, plan) for name, t in tables.items()}
    truth = {c.key: c.value for c in plan.cells}
    for key, (low, high) in _reader_brute_force(published, hide_zeros, sum(sizes) + 6).items():
        if truth[key] == 0:
            continue  # a hidden zero: protected by its group's hidden size (docs/disclosure.md)
        assert high - low + 1 >= THRESHOLD, (key, low, high, sizes)


def test_a_count_shown_beside_a_hidden_total_bounds_that_total():
    """Review finding: group a is 0 of [c] (truly 3), group b 8 of [c] (truly 13), and 16
    children in all. A reader who knows the rule (a count within 4 of its total is hidden)
    knows b's size is at least 8 + 5 = 13, so a's is 16 - 13 = 3 at most: 1 to 3, pinned
    as small. The audit now knows it too, and hides more."""
    a, b = _units("a", 3), _units("b", 13)
    by_group = pd.DataFrame(
        [
            {
                "group": "a",
                "count": 0,
                "members__count": (),
                "denominator_count": 3,
                "members__denominator_count": a,
            },
            {
                "group": "b",
                "count": 8,
                "members__count": b[:8],
                "denominator_count": 13,
                "members__denominator_count": b,
            },
        ]
    )
    overall = pd.DataFrame([{"measure": "children", "count": 16, "members__count": a + b}])
    tables = {"by_group": by_group, "overall": overall}
    plan = plan_protection(tables)
    assert plan.passed
    shown = {n: apply_plan(n, t, plan) for n, t in tables.items()}
    # the reader's arithmetic: with 16 and 8 shown, a's size is pinned to 1 to 3
    reader_pins = shown["overall"]["count"].notna().all() and shown["by_group"].loc[1, "count"] == 8
    assert not reader_pins
    # the reader who knows only that [c] is at least 1 would have seen a's size at 1 to 8
    # and passed it: the audit's own range for it now reflects the gap
    size_a = next(x for x in plan.bounds if x.key == ("by_group", 0, "denominator_count"))
    assert size_a.values >= THRESHOLD
