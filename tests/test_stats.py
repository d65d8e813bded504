import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analysis import load_cases
from analysis.stats.inference import association_test, compare_proportions, logistic_model, rate_per
from analysis.stats.tables import involvement_flags


@pytest.fixture(scope="module")
def early():
    return load_cases(period="2011-14")


def test_association_test_matches_scipy(early):
    cases = early.assign(now=involvement_flags(early)["now"])
    result = association_test(cases, "age_band", "now")
    table = pd.crosstab(cases["age_band"], cases["now"])
    chi2, p, dof, _ = sps.chi2_contingency(table, correction=False)
    assert result["statistic"] == pytest.approx(chi2) and result["dof"] == dof == 4
    assert result["n"] == len(early)
    assert 0 <= result["cramers_v"] <= 1


def test_association_uses_fisher_for_sparse_2x2():
    frame = pd.DataFrame({"a": ["x"] * 6 + ["y"] * 6, "b": ["p"] * 5 + ["q"] + ["q"] * 6})
    result = association_test(frame, "a", "b")
    assert result["test"] == "Fisher exact"
    assert result["p_value"] == pytest.approx(sps.fisher_exact([[5, 1], [0, 6]])[1])


def test_logistic_model_recovers_a_known_effect():
    rng = np.random.default_rng(0)
    group = pd.Series(pd.Categorical(rng.choice(["a", "b"], 4000), categories=["a", "b"]))
    p = np.where(group == "b", 0.6, 0.3)
    y = pd.Series(rng.random(4000) < p)
    table = logistic_model(pd.DataFrame({"g": group}), y, ["g"]).set_index("term")
    true_or = (0.6 / 0.4) / (0.3 / 0.7)
    assert table.loc["g = b", "ci_low"] < true_or < table.loc["g = b", "ci_high"]
    assert table.attrs["n"] == 4000 and table.attrs["converged"]


def test_compare_proportions_difference_and_interval():
    result = compare_proportions(35, 293, 80, 404)
    assert result["difference_points"] == pytest.approx(100 * (80 / 404 - 35 / 293))
    assert result["ci_low_points"] < result["difference_points"] < result["ci_high_points"]
    assert result["p_value"] < 0.05
    same = compare_proportions(35, 293, 35, 293)
    assert same["p_value"] == pytest.approx(1.0)


def test_rate_per_100000_and_unknown_population():
    rates = rate_per([28, 28], [11_403_970, None])
    assert rates[0] == pytest.approx(28 / 11_403_970 * 100_000)
    assert np.isnan(rates[1])


def test_logistic_model_on_shipped_data(early):
    flags = involvement_flags(early)
    table = logistic_model(early, flags["now"], ["age_band", "outcome"])
    assert table["term"].iloc[0] == "Intercept"
    assert (table["ci_low"] <= table["odds_ratio"]).all()
