"""The shipped synthetic data: deterministic, valid, calibrated, and structured like real data."""

import pandas as pd
import pytest

from analysis import check_file, load_cases
from analysis.casedata.load import synthetic_path
from analysis.reference.published import figure
from analysis.synthetic.calibration import TARGETS, check, target_table
from analysis.synthetic.generator import PERIOD_SPECS, apportion, generate, write
from analysis.synthetic.subgroup_targets import SUBGROUP_TARGETS


@pytest.fixture(scope="module")
def cases():
    return {p: load_cases(synthetic_path(p)) for p in PERIOD_SPECS}


def test_shipped_files_are_what_the_generator_writes_byte_for_byte(tmp_path):
    for path in write(out_dir=tmp_path):
        assert path.read_bytes() == synthetic_path(path.stem.split("_")[-1]).read_bytes(), (
            f"{path.name} differs from the shipped file: run `python -m analysis synthesize`"
        )


def test_same_seed_same_data_other_seed_other_data():
    assert generate("2011-14", seed=1).equals(generate("2011-14", seed=1))
    assert not generate("2011-14", seed=1).equals(generate("2011-14", seed=2))


@pytest.mark.parametrize("period", list(PERIOD_SPECS))
def test_synthetic_files_validate_cleanly_and_say_they_are_synthetic(period):
    _, report = check_file(synthetic_path(period))
    assert report.ok and report.problems.empty, report.to_text(limit=20)
    assert "synthetic" in synthetic_path(period).name
    frame = pd.read_csv(synthetic_path(period), dtype=str)
    assert (frame["record_origin"] == "synthetic").all()


def test_default_load_is_both_synthetic_periods_and_stamped(cases):
    everything = load_cases()
    assert len(everything) == sum(len(c) for c in cases.values()) == 293 + 404
    assert everything.attrs["synthetic"]


def test_every_calibration_target_is_met(cases):
    table = check(cases)
    missed = table[~table["met"]]
    assert missed.empty, missed.to_string()
    assert len(table) == len(TARGETS) + len(SUBGROUP_TARGETS) >= 34


def test_published_targets_use_the_published_relation_and_value():
    table = target_table()
    for row in table[table["basis"].str.startswith(("p", "sudi"))].itertuples():
        published = figure(row.basis)
        assert (row.relation, row.measure) == (published["relation"], published["measure"])
        # the period of the data; G287's preliminary figures are of part of it (Apr 2011-Dec 2013)
        assert published["review_period"].startswith(row.period)


def test_a_missed_target_is_reported_as_missed(cases):
    broken = dict(cases)
    frame = cases["2011-14"].copy()
    frame["csc_status_at_incident"] = "open_child_in_need"  # everyone involved now
    broken["2011-14"] = frame
    table = check(broken)
    current = table[(table["period"] == "2011-14") & (table["measure"].str.startswith("csc_cur"))]
    assert not current["met"].iloc[0]


def test_joint_structure_closed_cases_are_ever_but_not_now(cases):
    c = cases["2011-14"]
    closed = c[c["csc_status_at_incident"] == "closed_before_incident"]
    assert (closed["csc_ever_involved"] == "yes").mean() > 0.8
    not_known = c[c["csc_status_at_incident"] == "not_known_to_csc"]
    assert (not_known["csc_ever_involved"] == "no").all()


def test_joint_structure_age_follows_category(cases):
    c = cases["2011-14"]
    sudi = c[c["death_category"] == "sudi"]  # under 1 but for the published range's 14-19 months
    assert (sudi["age_band"] == "under_1").sum() == 28
    assert pd.to_numeric(sudi.loc[sudi["age_band"] == "1_5", "age_months"]).between(12, 19).all()
    assert c.loc[c["death_category"] == "suicide", "age_band"].isin(["11_15", "16_17"]).all()
    looked_after = c[c["csc_status_at_incident"] == "open_looked_after"]
    assert looked_after["age_band"].isin(["11_15", "16_17"]).mean() > 0.5


def test_parental_factors_cluster_rather_than_fall_independently(cases):
    c = cases["2011-14"]
    c = c[c["final_report_available"] == "yes"]
    alcohol, drugs = c["parent_alcohol_misuse"] == "yes", c["parent_drug_misuse"] == "yes"
    both_observed = (alcohol & drugs).mean()
    both_if_independent = alcohol.mean() * drugs.mean()
    assert both_observed > 1.3 * both_if_independent


def test_siblings_share_their_review(cases):
    c = cases["2014-17"]
    per_review = c.groupby("review_id", observed=True)
    assert per_review.size().max() in (2, 3)
    family = ["outcome", "incident_year", "final_report_available", "parent_drug_misuse"]
    assert (per_review[family].nunique(dropna=False) == 1).all().all()


def test_apportion_is_exact_and_proportional():
    assert apportion(293, [1, 1]).sum() == 293
    assert apportion(100, [0.12, 0.88]).tolist() == [12, 88]
