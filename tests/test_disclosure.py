"""Disclosure control: no small count shown, and none recoverable from totals."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import load_cases
from analysis.publish.disclosure import THRESHOLD, protect, unprotected_small_counts
from analysis.publish.run import DisclosureError, Run
from analysis.stats.members import PUBLIC_COUNTS
from analysis.stats.tables import proportion_table


def _partition(counts, group="g"):
    t = pd.DataFrame({"group": group, "code": [f"c{i}" for i in range(len(counts))]})
    t["count"] = counts
    t["denominator_count"] = sum(counts)
    t["percent"] = 100 * t["count"] / t["denominator_count"]
    return t


def test_primary_suppression_of_small_counts_and_zeros_shown():
    out = protect(_partition([0, 3, 40, 50]), partition_by=["group"])
    assert out["count"].isna().tolist() == [False, True, True, False]  # 3, then 40 as secondary
    assert out.loc[0, "count"] == 0 and out.loc[0, "count_marker"] == ""
    assert out["count_marker"].tolist() == ["", "c", "c", ""]
    assert out["percent"].isna().tolist() == [False, True, True, False]


def test_complement_of_a_count_is_protected():
    t = pd.DataFrame({"measure": ["ever"], "count": [290], "denominator_count": [293]})
    assert protect(t)["count"].isna().all()  # 290 of 293 reveals 3


def test_small_group_is_suppressed_whole():
    out = protect(_partition([2, 1]), partition_by=["group"])
    assert out["count"].isna().all() and out["denominator_count"].isna().all()


def test_threshold_boundary():
    t = pd.DataFrame({"count": [THRESHOLD - 1, THRESHOLD], "denominator_count": [100, 100]})
    assert protect(t)["count"].isna().tolist() == [True, False]


def test_protect_is_idempotent_and_says_what_it_did():
    once = protect(_partition([3, 40, 50]), partition_by=["group"])
    twice = protect(once, partition_by=["group"])
    pd.testing.assert_frame_equal(once, twice)
    assert f"1 to {THRESHOLD - 1}" in once.attrs["disclosure"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=30), min_size=2, max_size=6),
        min_size=1,
        max_size=4,
    )
)
def test_no_small_count_shown_and_none_recoverable_from_totals(groups):
    table = pd.concat([_partition(c, group=f"g{i}") for i, c in enumerate(groups)])
    out = protect(table.reset_index(drop=True), partition_by=["group"])
    assert unprotected_small_counts(out.drop(columns=["count_marker"])).empty
    for _, part in out.groupby("group"):
        hidden = part["count"].isna()
        # a single suppressed cell would equal the total minus the visible cells
        if part["denominator_count"].notna().all():
            assert hidden.sum() != 1
        if hidden.any():
            assert part.loc[hidden, "percent"].isna().all()


def test_tables_record_their_partition_so_runs_apply_secondary_suppression():
    cases = load_cases(period="2011-14")
    table = proportion_table(cases, "csc_status_at_incident", by="age_band")
    assert table.attrs["partition_by"] == ["age_band"]


def test_run_on_real_data_protects_tables_and_refuses_unprotected_figure_data(
    valid_frame, write_csv, tmp_path, monkeypatch
):
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path))
    cases = load_cases(write_csv(valid_frame.drop(columns=["record_origin"], errors="ignore")))
    run = Run(cases)
    assert run.protected and run.describe().startswith("Data: Own data. ")
    table = proportion_table(cases, "outcome", by="review_period")
    protected = run.table(table, "t")
    assert protected["count"].isna().all()  # ten rows in two periods: every count is small
    written = pd.read_csv(tmp_path / "outputs" / "t.csv")
    assert written["count"].isna().all() and (written["count_marker"] == "c").all()
    assert "not audited as a whole run" in run.describe()  # an interactive draft
    from analysis.charts import bar_percent

    fig = bar_percent(table[table["review_period"] == "2011-14"], "label", "percent", title="t")
    with pytest.raises(DisclosureError):
        run.figure(fig, "t", data=table, alt_text="a chart")


def test_synthetic_runs_are_not_suppressed(tmp_path, monkeypatch):
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path))  # tests write only to temporary folders
    cases = load_cases(period="2011-14")
    run = Run(cases)
    table = proportion_table(cases, "csc_status_at_incident")
    assert not run.protected
    assert np.array_equal(run.table(table, "x")["count"], table["count"])


def _published_tally(counts: dict[str, int]) -> pd.DataFrame:
    """Counts of published figures by status: public, with no units (as status_table gives)."""
    table = pd.DataFrame({"status": list(counts), "count": list(counts.values())})
    table["percent"] = 100 * table["count"] / table["count"].sum()
    table.attrs[PUBLIC_COUNTS] = True
    return table


def test_run_figure_shows_published_counts_as_its_table_does(
    valid_frame, write_csv, tmp_path, monkeypatch
):
    """Small counts of published figures pass ``run.figure`` as they pass ``run.table``; small
    counts of children still do not."""
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path))
    cases = load_cases(write_csv(valid_frame.drop(columns=["record_origin"], errors="ignore")))
    run = Run(cases)
    from analysis.charts import bar_percent

    tally = run.table(_published_tally({"reproduced": 2, "not computable": 40}), "tally")
    fig = run.figure(
        bar_percent(tally, "status", "percent", title="t"),
        "tally",
        data=tally,
        alt_text="Bars: reproduced 2 (5%); not computable 40 (95%).",
    )
    assert fig.saved_paths["png"].exists()
    children = _published_tally({"a": 2, "b": 40})
    children.attrs = {}
    with pytest.raises(DisclosureError, match="counts below"):
        run.figure(
            bar_percent(children, "status", "percent", title="t"),
            "kids",
            data=children,
            alt_text="Bars.",
        )


def test_only_a_tally_of_published_counts_may_differ_between_the_passes(
    valid_frame, write_csv, tmp_path, monkeypatch
):
    """A table of published counts with no units is no part of the plan, so the second pass
    writes it as it comes (it may tally a table the whole-run plan protects more than the first
    pass did); any other table must be the one the first pass collected."""
    import pickle

    from analysis.publish.disclosure import plan_protection

    staging, out = tmp_path / "staging", tmp_path / "out"
    (staging / "tables").mkdir(parents=True)
    monkeypatch.setenv("SCR_RUN_STAGING", str(staging))
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(out))
    monkeypatch.setenv("SCR_RUN_STAGE", "publish")
    with open(staging / "plan.pkl", "wb") as handle:
        pickle.dump(plan_protection({}), handle)
    first = _published_tally({"c": 1, "reproduced": 3, "not computable": 40})
    first.to_pickle(staging / "tables" / "tally.pkl")
    run = Run(load_cases(write_csv(valid_frame.drop(columns=["record_origin"], errors="ignore"))))
    assert run.protected and run.stage == "publish"
    second = _published_tally({"c": 2, "reproduced": 2, "not computable": 40})
    written = run.table(second, "tally")
    assert written["count"].tolist() == [2, 2, 40]
    assert (out / "outputs" / "tally.csv").exists()
    children = pd.DataFrame({"status": ["a"], "count": [6], "members__count": [("R",) * 6]})
    children.to_pickle(staging / "tables" / "children.pkl")
    with pytest.raises(DisclosureError, match="differs between the two passes"):
        run.table(children.assign(count=[7], members__count=[("R",) * 7]), "children")


def test_the_integer_audit_stops_on_nodes_not_on_a_busy_clock(monkeypatch):
    """A limit in seconds made the plan depend on the machine's load (one file hid 153 or 154
    cells): the integer programmes stop on a count of nodes, with seconds only a far backstop."""
    import scipy.optimize

    from analysis.publish import audit

    seen = []
    real = scipy.optimize.milp

    def watched(*args, **kwargs):
        seen.append(dict(kwargs.get("options", {})))  # milp empties the dict it is given
        return real(*args, **kwargs)

    monkeypatch.setattr(scipy.optimize, "milp", watched)
    # a total of 5 shared by two [c] with whole counts: the relaxation's optimum is fractional
    problem = audit._Problem(
        rows=np.array([[1.0, 1.0]]), values=np.array([5.0]), floor=None, exact=True
    )
    problem._integer(np.array([1.0, 0.0]), known=2.0)
    assert seen and seen[0]["node_limit"] == audit.INTEGER_NODES
    assert seen[0]["time_limit"] >= 60


def test_an_integer_programme_out_of_nodes_settles_for_the_true_value(monkeypatch):
    """HiGHS stopped by its node limit before any solution says "Solution limit reached", a
    status scipy does not know (seen on a 75-child file): the audit takes the true value, as
    for any limit, and never stops the run."""
    import scipy.optimize

    from analysis.publish import audit

    def out_of_nodes(*args, **kwargs):
        return scipy.optimize.OptimizeResult(
            status=4,
            x=None,
            fun=None,
            message="The HiGHS status code was not recognized. (HiGHS Status 16: model_status "
            "is Solution limit reached; primal_status is None)",
        )

    monkeypatch.setattr(scipy.optimize, "milp", out_of_nodes)
    problem = audit._Problem(
        rows=np.array([[1.0, 1.0]]), values=np.array([5.0]), floor=None, exact=True
    )
    assert problem._integer(np.array([1.0, 0.0]), known=2.0) == (2.0, None)
