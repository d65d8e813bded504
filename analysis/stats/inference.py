"""Intervals, tests, models and rates (statsmodels and scipy do the statistics)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.special import ndtri

from analysis.stats.members import members_of

# scipy.stats and statsmodels are imported inside the functions that use them: importing
# scipy.stats costs about a second, and most notebooks need only the Wilson interval below.


def wilson_interval(count, n, alpha: float = 0.05):
    """95% Wilson score interval for a proportion (as fractions), NaN where n is 0.

    The arithmetic is statsmodels' ``proportion_confint(method="wilson")``, step for step, so
    the bounds are equal to the last bit (``tests/test_inference.py`` checks them against it).
    It is written out here only because statsmodels' proportion module imports all of
    scipy.stats, about a second in each notebook's kernel, for a two-line formula; the
    normal quantile is scipy's own ``ndtri``, as ``scipy.stats.norm.isf`` uses.

    >>> low, high = wilson_interval(35, 293)
    >>> round(float(low), 3), round(float(high), 3)
    (0.087, 0.162)
    """
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    safe_n = np.where(n > 0, n, 1)
    q = count / safe_n
    crit = -ndtri(alpha / 2.0)  # = scipy.stats.norm.isf(alpha / 2)
    crit2 = crit**2
    denom = 1 + crit2 / safe_n
    center = (q + crit2 / (2 * safe_n)) / denom
    dist = crit * np.sqrt(q * (1.0 - q) / safe_n + crit2 / (4.0 * safe_n**2))
    dist /= denom
    low, high = np.clip(center - dist, 0, 1), np.clip(center + dist, 0, 1)
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def association_test(cases: pd.DataFrame, row: str, column: str) -> dict:
    """Chi-square test of association between two category columns, with Cramér's V.

    Categories with no rows are dropped from the table first (they carry no information).
    Where an expected count is below 5 the chi-square approximation is not trusted: a 2x2
    table gets Fisher's exact test, a larger one a permutation test of the same statistic
    (:data:`PERMUTATIONS` resamples with a fixed seed, so a run is reproducible; scipy's
    ``PermutationMethod``).

    Returns
    -------
    dict
        ``test``, ``statistic``, ``dof``, ``p_value``, ``cramers_v``, ``n``,
        ``min_expected``.
    """
    from scipy import stats as sps

    table = pd.crosstab(cases[row], cases[column])
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    chi2, p, dof, expected = sps.chi2_contingency(table, correction=False)
    n = int(table.to_numpy().sum())
    k = min(table.shape) - 1
    result = {
        "test": "chi-square",
        "statistic": float(chi2),
        "dof": int(dof),
        "p_value": float(p),
        "cramers_v": float(np.sqrt(chi2 / (n * k))) if k > 0 else float("nan"),
        "n": n,
        "min_expected": float(expected.min()),
        # the cells the test rests on: shown or not, its statistics give them back
        "members__n": members_of(cases[cases[row].notna() & cases[column].notna()]),
        "members__implied": _cells(cases, [row, column]),
    }
    if table.shape == (2, 2) and expected.min() < 5:
        result.update(
            test="Fisher exact",
            statistic=float("nan"),
            dof=1,
            p_value=float(sps.fisher_exact(table)[1]),
        )
    elif expected.min() < 5:
        method = sps.PermutationMethod(
            n_resamples=PERMUTATIONS, rng=np.random.default_rng(PERMUTATION_SEED)
        )
        permuted = sps.chi2_contingency(table, correction=False, method=method)
        result.update(
            test=f"chi-square, permutation ({PERMUTATIONS:,} resamples)",
            p_value=float(permuted.pvalue),
        )
    return result


#: Resamples of the permutation test for tables with small expected counts, and its seed.
PERMUTATIONS = 9_999
PERMUTATION_SEED = 20_160_701  # fixed: the same data give the same p-value on every run


def logistic_model(
    cases: pd.DataFrame, outcome: pd.Series, predictors: Sequence[str]
) -> pd.DataFrame:
    """Logistic regression of a yes/no outcome on category predictors (statsmodels).

    Parameters
    ----------
    cases : DataFrame
        Loaded cases.
    outcome : Series of bool
        E.g. involved with social care at the time of the incident.
    predictors : list of str
        Category columns; the first category of each (the codebook's first code) is the
        reference level.

    Returns
    -------
    DataFrame
        ``term``, ``odds_ratio``, ``ci_low``, ``ci_high``, ``p_value``, plus ``n`` and the
        model's pseudo R-squared in ``attrs``. One row per level of the categories, not of the
        data: a level no row has is a blank row (it cannot be estimated); a model whose
        reference level no row has is blank throughout.
    """
    levels = {column: _levels(cases[column]) for column in predictors}
    frame = cases[list(predictors)].copy()
    for column in predictors:
        text = frame[column].astype("object").map(str, na_action="ignore")
        # a level no row has cannot be estimated: fitted without it, shown as a blank row
        frame[column] = pd.Categorical(
            text, categories=[c for c in levels[column] if c in set(text.dropna())]
        )
    frame["y"] = outcome.astype(int).to_numpy()
    formula = "y ~ " + " + ".join(f"C({p})" for p in predictors)
    # the formula interface (formulaic, statsmodels' model classes) costs about a second to
    # import: only the notebook that fits a model pays it
    import statsmodels.formula.api as smf

    fit = smf.logit(formula, data=frame).fit(disp=False)
    ci = fit.conf_int()
    table = pd.DataFrame(
        {
            "term": fit.params.index,
            "odds_ratio": np.exp(fit.params.to_numpy()),
            "ci_low": np.exp(ci[0].to_numpy()),
            "ci_high": np.exp(ci[1].to_numpy()),
            "p_value": fit.pvalues.to_numpy(),
        }
    )
    table["term"] = table["term"].str.replace(r"C\((\w+)\)\[T\.(.+)\]", r"\1 = \2", regex=True)
    table = _every_term(table, frame, levels)
    # every coefficient rests on the cross-tabulation of predictors and outcome
    table["members__implied"] = [
        _cells(cases.assign(_y=outcome.to_numpy()), [*predictors, "_y"])
    ] * len(table)
    table.attrs.update(
        n=int(fit.nobs),
        pseudo_r2=float(fit.prsquared),
        converged=bool(fit.mle_retvals["converged"]),
    )
    return table


def _levels(values: pd.Series) -> list[str]:
    """A predictor's levels, as text: every category of a categorical (the codebook's codes,
    from ``load_cases``), else the values present."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [str(c) for c in values.cat.categories]
    return sorted(set(values.dropna().astype(str)))


def _every_term(table: pd.DataFrame, frame: pd.DataFrame, levels: dict) -> pd.DataFrame:
    """One row per term of the codes, not of the data: the intercept, then every level of each
    predictor but its first (the reference), blank where no row has the level, so a missing row
    never tells a reader that a group is empty. Where the reference itself has no row, every
    coefficient would be against another level: the whole model is left blank."""
    terms = ["Intercept"] + [f"{p} = {c}" for p, codes in levels.items() for c in codes[1:]]
    out = table.set_index("term").reindex(terms).rename_axis("term").reset_index()
    references = [frame[p].cat.categories[:1].tolist() == codes[:1] for p, codes in levels.items()]
    if not all(references):
        out.loc[:, out.columns != "term"] = np.nan
    return out


def design_effect(counted: Sequence[str], denominator: Sequence[str]) -> float:
    """How much siblings in one review widen a share's variance (Kish's design effect).

    ``counted`` and ``denominator`` are the units of a share's numerator and denominator, one
    entry per child (:mod:`analysis.stats.members`: a review's key repeated for each sibling).
    The variance of the share as a ratio over reviews, sum((y_i - p m_i)^2) / N^2 for review i
    with m_i children of whom y_i are counted, is divided by the variance if the N children were
    independent, p(1 - p) / N. Written here rather than fitted (statsmodels' cluster-robust OLS
    gives the same variance up to its small-sample factor, which the tests check) because the
    units arrive as member tuples and a table needs one per row. Floored at 1: clustering is
    never allowed to narrow an interval. With one child per review it is exactly 1.

    >>> design_effect(["R1"], ["R1", "R2"])  # one child per review
    1.0
    >>> round(design_effect(["R1", "R1", "R3", "R3"], ["R1", "R1", "R2", "R2", "R3", "R3"]), 2)
    2.0
    """
    n = len(denominator)
    if n == 0 or len(set(denominator)) == n:
        return 1.0
    size = pd.Series(denominator).value_counts()
    hits = pd.Series(counted).value_counts().reindex(size.index, fill_value=0)
    p = hits.sum() / n
    if p in (0, 1):
        return 1.0
    clustered = float(((hits - p * size) ** 2).sum()) / n**2
    return max(1.0, float(clustered / (p * (1 - p) / n)))


def compare_proportions(
    count1: float, n1: float, count2: float, n2: float, alpha: float = 0.05
) -> dict:
    """Difference between two independent proportions (2 minus 1), its 95% CI and p-value.

    Newcombe's score interval and a score test (statsmodels ``*_2indep``), which behave well
    for the small counts of these reviews. Counts may be *effective* counts (a count and its
    denominator divided by the design effect, :func:`design_effect`) where children cluster.
    When both shares are 0% (or both 100%) there is
    nothing to test and the p-value is NaN; where a period has no denominator (no review with
    a final report), there is no share to compare and every value is NaN.

    >>> compare_proportions(3, 10, 0, 0)["ci_low_points"]
    nan
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

    if not (n1 > 0 and n2 > 0):
        return dict.fromkeys(
            ["difference_points", "ci_low_points", "ci_high_points", "p_value"], np.nan
        )

    # statsmodels also computes ratios that divide by zero at 0%; they are not used here
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = confint_proportions_2indep(
            count2, n2, count1, n1, method="newcomb", alpha=alpha
        )
        test = test_proportions_2indep(count2, n2, count1, n1, method="score")
    return {
        "difference_points": 100 * (count2 / n2 - count1 / n1),
        "ci_low_points": 100 * low,
        "ci_high_points": 100 * high,
        "p_value": float(test.pvalue),
    }


class Rate(NamedTuple):
    """An annual rate per ``per`` and its exact 95% Poisson interval."""

    rate: float
    low: float
    high: float


def equivalence_p_value(
    count1: float, n1: float, count2: float, n2: float, margin_points: float
) -> float:
    """p-value of two one-sided tests that two shares differ by less than ``margin_points``.

    A small p-value supports "the shares are equivalent within the margin"; a large one only
    says equivalence cannot be shown (statsmodels ``tost_proportions_2indep``, score method).

    >>> round(equivalence_p_value(500, 1000, 505, 1000, 5), 3) < 0.05
    True
    >>> equivalence_p_value(10, 20, 11, 20, 5) > 0.4  # 20 reviews each: nothing can be shown
    True
    >>> equivalence_p_value(10, 20, 0, 0, 5)  # no share in one period: no test
    nan
    """
    from statsmodels.stats.proportion import tost_proportions_2indep

    if not (n1 > 0 and n2 > 0):
        return np.nan

    margin = margin_points / 100
    with np.errstate(divide="ignore", invalid="ignore"):
        test = tost_proportions_2indep(
            count2, n2, count1, n1, -margin, margin, method="score", compare="diff"
        )
    return float(test.pvalue)


def detectable_difference(
    share: float, n1: float, n2: float, alpha: float = 0.05, power: float = 0.8
) -> float:
    """The smallest change in percentage points from ``share`` (a percentage) that two samples
    of ``n1`` and ``n2`` would detect with the given power (two-sided, Cohen's h; statsmodels
    ``NormalIndPower``), upwards from the share (or downwards where that is nearer 100%).

    >>> round(detectable_difference(45.0, 293, 404), 1)
    10.7
    >>> detectable_difference(float("nan"), 0, 404)  # no share in one period: nothing to detect
    nan
    """
    from statsmodels.stats.power import NormalIndPower

    if not (n1 > 0 and n2 > 0) or np.isnan(share):
        return np.nan

    h = NormalIndPower().solve_power(
        effect_size=None, nobs1=n1, alpha=alpha, power=power, ratio=n2 / n1
    )
    angle = np.arcsin(np.sqrt(share / 100))
    up = angle + h / 2
    if up <= np.pi / 2:
        return float(100 * np.sin(up) ** 2 - share)
    return float(share - 100 * np.sin(angle - h / 2) ** 2)


def rate(count: int, population: float, years: float = 1, per: int = 100_000) -> Rate:
    """The annual rate of ``count`` events among ``population`` over ``years`` years.

    The rate is per ``per`` person-years (``population * years``, or a sum of mid-year
    populations passed as ``population`` with ``years=1``); the interval is the exact (Garwood)
    Poisson interval of the count, from statsmodels. The count is treated as a realisation of
    an underlying process (see ``docs/methods.md``): even a complete count of every review has
    this uncertainty about the rate that produced it.

    Examples
    --------
    84 deaths over three years among 11.7 million children: 0.24 a year per 100,000.

    >>> r = rate(84, 11_700_000, years=3)
    >>> round(r.rate, 3), round(r.low, 3), round(r.high, 3)
    (0.239, 0.191, 0.296)
    >>> rate(0, 1_000_000).low
    0.0
    """
    from statsmodels.stats.rates import confint_poisson

    person_years = float(population) * float(years)
    if not person_years > 0:
        raise ValueError(f"person-years must be positive, not {person_years!r}")
    low, high = confint_poisson(int(count), person_years / per, method="exact-c")
    return Rate(count / person_years * per, float(low), float(high))


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm-adjusted p-values (family-wise error over all the tests given; NaN kept).

    >>> holm([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(p_values, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = multipletests(p[ok], method="holm")[1]
    return out


def _cells(cases: pd.DataFrame, columns: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """The units of each non-empty cell of the cross-tabulation of ``columns``."""
    groups = cases.dropna(subset=list(columns)).groupby(list(columns), observed=True)
    return tuple(members_of(rows) for _, rows in groups)
