import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analysis import load_cases
from analysis.stats.inference import association_test, compare_proportions, logistic_model
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


def test_association_uses_a_permutation_test_for_a_sparse_larger_table():
    """3x2 with expected counts below 5: the chi-square approximation is replaced by a seeded
    permutation test, close to the exact answer and the same on every run."""
    frame = pd.DataFrame(
        {
            "a": ["x"] * 4 + ["y"] * 4 + ["z"] * 12,
            "b": ["p", "p", "p", "q"] + ["q"] * 4 + ["p"] * 3 + ["q"] * 9,
        }
    )
    first, again = association_test(frame, "a", "b"), association_test(frame, "a", "b")
    assert first["test"].startswith("chi-square, permutation") and first["min_expected"] < 5
    assert first["p_value"] == again["p_value"]
    table = pd.crosstab(frame["a"], frame["b"])
    approximate = sps.chi2_contingency(table, correction=False).pvalue
    assert first["p_value"] != pytest.approx(approximate, abs=1e-3)
    # the exact permutation tail, by enumerating every table with these margins, is 0.0907
    assert first["p_value"] == pytest.approx(0.0907, abs=0.01)


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


def test_logistic_model_on_shipped_data(early):
    flags = involvement_flags(early)
    table = logistic_model(early, flags["now"], ["age_band", "outcome"])
    assert table["term"].iloc[0] == "Intercept"
    assert (table["ci_low"] <= table["odds_ratio"]).all()


def test_rate_is_annual_per_person_years_with_the_exact_poisson_interval():
    """Checked against the chi-square form of Garwood's interval, computed independently."""
    from scipy.stats import chi2

    from analysis import Rate, rate

    got = rate(84, 11_700_000, years=3)
    assert isinstance(got, Rate)
    person_years = 11_700_000 * 3 / 100_000
    assert got.rate == pytest.approx(84 / person_years)
    assert got.low == pytest.approx(chi2.ppf(0.025, 2 * 84) / 2 / person_years)
    assert got.high == pytest.approx(chi2.ppf(0.975, 2 * 85) / 2 / person_years)
    # per year: three years of 28 is the rate of one year of 28, with a narrower interval
    one = rate(28, 11_700_000)
    assert one.rate == pytest.approx(got.rate)
    assert one.high - one.low > got.high - got.low
    assert rate(0, 1_000_000).low == 0
    with pytest.raises(ValueError, match="person-years must be positive"):
        rate(3, 0)


def test_design_effect_matches_statsmodels_cluster_robust_variance():
    """The closed form equals statsmodels' cluster-robust variance of a mean (CR1) once its
    small-sample factor G/(G-1) * (N-1)/(N-1) is taken out; 1 with one child per review."""
    import statsmodels.api as sm

    from analysis.stats.inference import design_effect

    cases = load_cases(period="2014-17")
    reviews = cases["review_id"].astype(str).to_numpy()
    now = cases["csc_status_at_incident"].isin(
        ["open_child_in_need", "open_child_protection_plan", "open_looked_after"]
    )
    counted = tuple(sorted(reviews[now.to_numpy()]))
    effect = design_effect(counted, tuple(sorted(reviews)))
    fit = sm.OLS(now.astype(float).to_numpy(), np.ones(len(now))).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(reviews)[0]}
    )
    groups, n = len(set(reviews)), len(reviews)
    cr0 = fit.bse[0] ** 2 / (groups / (groups - 1))
    p = now.mean()
    assert effect == pytest.approx(cr0 / (p * (1 - p) / n))
    assert 1.1 < effect < 1.4  # siblings share their social-care history
    early = load_cases(period="2011-14")["review_id"].astype(str)
    assert design_effect(tuple(early[:40]), tuple(early)) == 1.0
