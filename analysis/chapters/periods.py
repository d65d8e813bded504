"""Two review periods compared: each measure's share in both, the change and a test of it.

Each compared measure is counted at its own level, as the report counts it: child-level
measures over children (2014-17 has siblings: 404 children in 368 reviews), family-level
measures over reviews (:func:`analysis.stats.measures.reviews`), and final-report measures over
reviews with a final report. The change is the second period's share minus the first's, in
percentage points, with Newcombe's 95% interval and a score test
(:func:`analysis.stats.inference.compare_proportions`), on effective counts where siblings
cluster (the design effect, :func:`analysis.stats.tables.with_interval`). With a dozen tests at
once: Holm-adjusted p-values beside the raw ones, and a **simultaneous** interval (Bonferroni)
that the figure draws and that alone decides "changed clearly". "The same in both periods" is
claimed only from equivalence tests within :data:`EQUIVALENCE_MARGIN_POINTS`, and each row says
the smallest change its numbers could detect (``detectable_points``).

One caution the tables cannot show: on the shipped **synthetic** data the periods differ only
where the generator made them differ (:data:`SYNTHETIC_DIFFERENCES`, assumption S13): "no
change" elsewhere is built in, not found. Nor do they standardise for the final-report share,
which differs between the periods, so a change in a parental factor mixes prevalence with
which reviews have a report.

Examples
--------
>>> [c.key for c in COMPARED][:3]
['csc_current_involvement_percent', 'csc_ever_involvement_percent', 'cp_plan_current_percent']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.casedata.load import is_synthetic
from analysis.stats.inference import (
    compare_proportions,
    detectable_difference,
    equivalence_p_value,
    holm,
)
from analysis.stats.measures import MEASURES, compute
from analysis.stats.members import IMPLIED, PREFIX
from analysis.stats.tables import with_interval, yes_share_table
from analysis.stats.units import HEADLINE_MEASURES, shares_by_unit_by_period

#: The family-wise error rate: a change is called clear when its simultaneous interval (at
#: 1 - ALPHA / number of measures, Bonferroni) leaves out zero; the figure draws that interval.
ALPHA = 0.05
#: Two shares are called equivalent only when two one-sided tests show their difference is
#: within this many percentage points (Holm-adjusted p below ALPHA). Five points is the
#: smallest change the triennial reports put into words (the adolescent share's "small but
#: significant increase" from 22-25% to 28%); a smaller margin could never be shown with a few
#: hundred reviews.
EQUIVALENCE_MARGIN_POINTS = 5.0
FIRST, SECOND = "2011-14", "2014-17"
_SHARE_MEMBERS = [PREFIX + "count", PREFIX + "denominator_count"]
#: What each level's denominator counts.
BASES = {
    "child": "children",
    "review": "reviews",
    "final_report": "reviews with a final report",
}


@dataclass(frozen=True)
class Compared:
    """One measure to compare between periods.

    Attributes
    ----------
    key : str
        A name in :data:`analysis.stats.measures.MEASURES`, or a final-report yes/no codebook column
        (e.g. ``"parent_criminality"``) that has no registered measure.
    label : str
        Short display label.
    """

    key: str
    label: str


#: The measures compared, in display order: the child, social care, outcome, family.
COMPARED = (
    Compared("csc_current_involvement_percent", "Involved with social care at the time"),
    Compared("csc_ever_involvement_percent", "Ever involved with social care"),
    Compared("cp_plan_current_percent", "Child protection plan at the time"),
    Compared("age_under_1_percent", "Aged under 1"),
    Compared("age_11_17_percent", "Aged 11 to 17"),
    Compared("deaths_percent", "Reviews of a death"),
    Compared("parent_domestic_abuse_percent", "Parental factor: domestic abuse"),
    Compared("parent_mental_ill_health_percent", "Parental factor: mental ill health"),
    Compared("parent_alcohol_misuse_percent", "Parental factor: alcohol misuse"),
    Compared("parent_drug_misuse_percent", "Parental factor: drug misuse"),
    Compared("parent_criminality", "Parental factor: criminality"),
    Compared("parent_learning_disability", "Parental factor: learning disability"),
    Compared("neglect_feature_percent", "Neglect a feature"),
)


def computable(cases: pd.DataFrame, compared: Sequence[Compared] = COMPARED) -> tuple:
    """The measures of ``compared`` whose columns the data has: the codebook makes the
    parental factors and neglect optional, so a valid file may leave them out, and a measure
    without its column is not compared (rather than stopping the chapter).

    >>> cases = pd.DataFrame(columns=["review_period", "age_band", "outcome"])
    >>> [c.key for c in computable(cases)]
    ['age_under_1_percent', 'age_11_17_percent', 'deaths_percent']
    """
    return tuple(c for c in compared if set(_columns(c.key)) <= set(cases.columns))


def _columns(key: str) -> list[str]:
    """The codebook columns a compared measure reads (a review's id is optional: not needed)."""
    needed = MEASURES[key].columns if key in MEASURES else (key, "final_report_available")
    return [c for c in needed if c != "review_id"]


#: Where the synthetic generator was told the periods differ (``docs/assumptions.md``). Every
#: other share of 2014-17 reuses 2011-14's (S13), so differences elsewhere are chance or
#: knock-on effects of the outcome mix (age and social-care status depend on the category of
#: death or harm).
SYNTHETIC_DIFFERENCES = {
    "deaths_percent": "S02: outcome mix by year (more serious-harm reviews in 2014-17)",
    "neglect_feature_percent": "S09: neglect a feature set more often in 2014-17",
}


def _level(key: str) -> str:
    if key in MEASURES:
        spec = MEASURES[key]
        if spec.level == "review" and "final_report_available" in spec.columns:
            return "final_report"
        return spec.level
    return "final_report"


def count_share(cases: pd.DataFrame, key: str) -> tuple[int, int]:
    """Numerator and denominator of one compared measure in one period's cases.

    Registered measures are computed by :func:`analysis.stats.measures.compute`; a bare yes/no
    final-report column by :func:`analysis.stats.tables.yes_share_table` (reviews with a final
    report, each review once), the same rule the registered parental factors use.
    """
    numerator, denominator = share_members(cases, key)
    return len(numerator), len(denominator)


def share_members(cases: pd.DataFrame, key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The units counted by :func:`count_share`'s numerator and denominator (for disclosure
    control, :mod:`analysis.stats.members`)."""
    if key in MEASURES:
        result = compute(key, cases)
        if result.numerator is None or result.denominator is None:
            raise ValueError(f"{key} is not a share; only percentages can be compared")
        return result.members["numerator"], result.members["denominator"]
    row = yes_share_table(cases, [key], final_reports_only=True, level="review").iloc[0]
    return row[PREFIX + "count"], row[PREFIX + "denominator_count"]


def _split(cases: pd.DataFrame, first: str, second: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    periods = cases["review_period"].astype(str)
    parts = cases[periods == first], cases[periods == second]
    for name, part in zip((first, second), parts, strict=True):
        if part.empty:
            raise ValueError(f"no cases for review period {name}")
    return parts


def period_shares(
    cases: pd.DataFrame,
    compared: Sequence[Compared] = COMPARED,
    first: str = FIRST,
    second: str = SECOND,
) -> pd.DataFrame:
    """Each measure's share in each period, long, with 95% Wilson intervals.

    Parameters
    ----------
    cases : DataFrame
        Loaded cases of both periods (``load_cases()``).
    compared : sequence of Compared
        The measures; default :data:`COMPARED`.
    first, second : str
        The two review periods.

    Returns
    -------
    DataFrame
        ``measure``, ``label``, ``level``, ``denominator_basis``, ``review_period``,
        ``count``, ``denominator_count``, ``percent``, ``ci_low_percent``,
        ``ci_high_percent``; ``members__count``, ``members__denominator_count``.
    """
    rows = []
    for period, part in zip((first, second), _split(cases, first, second), strict=True):
        for item in compared:
            numerator, denominator = share_members(part, item.key)
            level = _level(item.key)
            rows.append(
                {
                    "measure": item.key,
                    "label": item.label,
                    "level": level,
                    "denominator_basis": BASES[level],
                    "review_period": period,
                    "count": len(numerator),
                    "denominator_count": len(denominator),
                    PREFIX + "count": numerator,
                    PREFIX + "denominator_count": denominator,
                }
            )
    table = with_interval(pd.DataFrame(rows))
    return table[[c for c in table.columns if not c.startswith(PREFIX)] + _SHARE_MEMBERS]


def compare_periods(
    cases: pd.DataFrame,
    compared: Sequence[Compared] = COMPARED,
    first: str = FIRST,
    second: str = SECOND,
) -> pd.DataFrame:
    """Change in each measure between two periods, with its 95% interval and tests.

    Parameters
    ----------
    cases : DataFrame
        Loaded cases of both periods; needs ``review_period``, ``review_id`` and the columns
        of each measure (see :data:`analysis.stats.measures.MEASURES`).
    compared, first, second
        As in :func:`period_shares`.

    Returns
    -------
    DataFrame
        One row per measure: ``measure``, ``label``, ``level``, ``denominator_basis``,
        ``first_period``, ``first_count``, ``first_denominator_count``, ``first_percent``,
        ``second_period``, ``second_count``, ``second_denominator_count``,
        ``second_percent``, ``difference_points`` (second minus first), ``ci_low_points``,
        ``ci_high_points`` (Newcombe 95%, on effective counts where children cluster),
        ``p_value`` (score test, likewise), ``p_value_holm``
        (Holm-adjusted over the rows of this table); ``members__`` beside each count, and
        ``members__implied``: the counts of the *other* rows, which each row's Holm-adjusted
        p-value rests on.
    """
    shares = period_shares(cases, compared, first, second)
    one = shares[shares["review_period"] == first].reset_index(drop=True)
    two = shares[shares["review_period"] == second].reset_index(drop=True)
    table = one[["measure", "label", "level", "denominator_basis"]].copy()
    members = []
    for prefix, part, period in (("first", one, first), ("second", two, second)):
        table[f"{prefix}_period"] = period
        table[f"{prefix}_count"] = part["count"]
        table[f"{prefix}_denominator_count"] = part["denominator_count"]
        table[f"{prefix}_percent"] = part["percent"]
        members += [(f"{prefix}_count", part[PREFIX + "count"])]
        members += [(f"{prefix}_denominator_count", part[PREFIX + "denominator_count"])]
    # siblings in one review (2014-17) are alike: test on effective counts (count / design
    # effect), as the intervals of period_shares are drawn
    effect = {
        prefix: part.get("design_effect", pd.Series(1.0, index=part.index)).fillna(1.0)
        for prefix, part in (("first", one), ("second", two))
    }
    effective = [
        (
            r.first_count / effect["first"][i],
            r.first_denominator_count / effect["first"][i],
            r.second_count / effect["second"][i],
            r.second_denominator_count / effect["second"][i],
        )
        for i, r in enumerate(table.itertuples(index=False))
    ]
    table = pd.concat([table, pd.DataFrame([compare_proportions(*c) for c in effective])], axis=1)
    table["p_value_holm"] = holm(table["p_value"])
    judged = [
        _judge_change(counts, share, len(table))
        for counts, share in zip(effective, table["first_percent"], strict=True)
    ]
    table = pd.concat([table, pd.DataFrame(judged)], axis=1)
    table["equivalence_p_value_holm"] = holm(table["equivalence_p_value"])
    for column, units in members:
        table[PREFIX + column] = units
    # Holm adjusts each p-value by the others' ranks and sizes: a row's adjusted p-value can
    # give back another row's raw p-value (the smallest times the number of tests), so it is
    # withheld whenever a count it rests on, in any row, is.
    cells = list(zip(*(units for _, units in members), strict=True))
    table[IMPLIED] = [
        tuple(m for other, row in enumerate(cells) if other != i for m in row)
        for i in range(len(table))
    ]
    return table


def _judge_change(counts: tuple, first_percent: float, n_tests: int) -> dict:
    """The simultaneous interval, the equivalence test and the detectable difference of one
    compared measure, from its effective counts (as its test)."""
    simultaneous = compare_proportions(*counts, alpha=ALPHA / n_tests)
    low, high = simultaneous["ci_low_points"], simultaneous["ci_high_points"]
    return {
        "simultaneous_low_points": low,
        "simultaneous_high_points": high,
        "changed_clearly": bool(low > 0 or high < 0),
        "equivalence_p_value": equivalence_p_value(*counts, EQUIVALENCE_MARGIN_POINTS),
        "detectable_points": detectable_difference(
            first_percent, counts[1], counts[3], alpha=ALPHA / n_tests
        ),
    }


def counts_a_year(
    cases: pd.DataFrame,
    measures: Sequence[str] = ("deaths_per_year", "deaths_all_per_year", "serious_harm_per_year"),
) -> pd.DataFrame:
    """Reviews a year by outcome in each period present (counts, not shares: no test here).

    Returns
    -------
    DataFrame
        ``review_period``, ``measure``, ``description``, ``reviews_count``, ``years``,
        ``per_year``; ``members__reviews_count``.
    """
    rows = []
    for period in sorted(cases["review_period"].dropna().astype(str).unique()):
        part = cases[cases["review_period"].astype(str) == period]
        for name in measures:
            result = compute(name, part)
            rows.append(
                {
                    "review_period": period,
                    "measure": name,
                    "description": MEASURES[name].description,
                    "reviews_count": result.numerator,
                    "years": result.years,
                    "per_year": result.value,
                    PREFIX + "reviews_count": result.members["numerator"],
                }
            )
    return pd.DataFrame(rows)


def change_headline(table: pd.DataFrame) -> str:
    """A title stating which measures changed clearly (simultaneous interval leaves out zero).

    >>> t = pd.DataFrame({"label": ["Reviews of a death", "Aged under 1"],
    ...                   "difference_points": [-11.26, 1.0], "changed_clearly": [True, False]})
    >>> change_headline(t)
    '1 of 2 measures changed clearly between the periods: reviews of a death (-11.3 points)'

    On a protected table a withheld verdict is not counted as "no clear change"; the title says
    how many measures it could not judge:

    >>> print(change_headline(t.assign(changed_clearly=[True, None])))
    ... # doctest: +NORMALIZE_WHITESPACE
    1 of 1 measures shown changed clearly between the periods: reviews of a death
    (-11.3 points); 1 withheld or not computable
    """
    verdict = table["changed_clearly"].map(lambda v: str(v) if pd.notna(v) else "")
    shown = table[verdict.isin(["True", "False"]) & table["difference_points"].notna()]
    if shown.empty and len(table):
        return f"No change between the periods can be judged{_not_judged(len(table))}"
    clear = shown[verdict[shown.index] == "True"]
    lead = (
        f"{len(clear)} of {len(shown)} measures{' shown' if len(shown) < len(table) else ''} "
        "changed clearly between the periods"
    )
    if not clear.empty:
        lead += ": " + "; ".join(
            f"{r.label[0].lower()}{r.label[1:]} ({r.difference_points:+.1f} points)"
            for r in clear.itertuples(index=False)
        )
    return lead + _not_judged(len(table) - len(shown))


def similar_headline(table: pd.DataFrame, margin: float = EQUIVALENCE_MARGIN_POINTS) -> str:
    """A title on which shares are the same in both periods, claimed only from the
    equivalence tests (Holm-adjusted p below :data:`ALPHA` within ``margin`` points), and the
    changes these numbers could have missed.

    >>> t = pd.DataFrame({"equivalence_p_value_holm": [0.01, 0.4, 0.9],
    ...                   "detectable_points": [4.0, 12.3, 17.8]})
    >>> print(similar_headline(t))  # doctest: +NORMALIZE_WHITESPACE
    1 of 3 shares shown the same in both periods (within 5 points); the others could hide
    changes of 12 to 18 points
    >>> print(similar_headline(t.assign(equivalence_p_value_holm=[0.2, None, 0.9])))
    ... # doctest: +NORMALIZE_WHITESPACE
    No share can be shown the same in both periods (within 5 points); they could hide changes of
    4 to 18 points; 1 withheld or not computable
    """
    shown = table[table["equivalence_p_value_holm"].notna()]
    if shown.empty and len(table):
        return f"No difference between the periods can be shown{_not_judged(len(table))}"
    same = shown["equivalence_p_value_holm"] < ALPHA
    others = shown.loc[~same, "detectable_points"].dropna()
    hidden = f"{others.min():.0f} to {others.max():.0f} points" if len(others) else ""
    if same.any():
        lead = (
            f"{int(same.sum())} of {len(shown)} shares{' shown' if len(shown) < len(table) else ''}"
            f" shown the same in both periods (within {margin:g} points)"
        )
        lead += f"; the others could hide changes of {hidden}" if hidden else ""
    else:
        lead = f"No share can be shown the same in both periods (within {margin:g} points)"
        lead += f"; they could hide changes of {hidden}" if hidden else ""
    return lead + _not_judged(len(table) - len(shown))


def _not_judged(missing: int) -> str:
    """What a headline adds for rows it could not judge (a change withheld on own data)."""
    return f"; {missing} withheld or not computable" if missing else ""


def mark_synthetic_differences(table: pd.DataFrame) -> pd.DataFrame:
    """Add ``generator_differs`` and ``generator_assumption`` (for synthetic data only).

    Says, per measure, whether the synthetic generator was told the periods differ
    (:data:`SYNTHETIC_DIFFERENCES`); meaningless on real data, so call it only then.
    """
    return table.assign(
        generator_differs=table["measure"].isin(list(SYNTHETIC_DIFFERENCES)),
        generator_assumption=table["measure"]
        .map(SYNTHETIC_DIFFERENCES)
        .fillna("S13: 2014-17 reuses the 2011-14 shares"),
    )


# The chapter's tables as notebook 07 shows them: each on the measures the file can compute --

#: The published statements about the two periods, printed beside the reviews a year.
PUBLISHED_STATEMENTS = (
    "p2011_deaths_per_year",
    "p2014_deaths_per_year",
    "p2009_14_serious_harm_per_year",
    "p2014_serious_harm_per_year",
    "p2014_neglect_feature",
)


def periods_in(cases: pd.DataFrame) -> str:
    """Each period's children, reviews and reviews with a final report, a line each."""
    lines = []
    for period, part in cases.groupby("review_period", observed=True):
        reports = (part.drop_duplicates("review_id")["final_report_available"] == "yes").sum()
        lines.append(
            f"{period}: {len(part)} children in {part['review_id'].nunique()} reviews, "
            f"{reports} with a final report"
        )
    return "\n".join(lines)


def shares(cases: pd.DataFrame) -> pd.DataFrame:
    """:func:`period_shares` of the measures the file can compute (:func:`computable`)."""
    return period_shares(cases, computable(cases))


def shares_by_unit(cases: pd.DataFrame) -> pd.DataFrame:
    """The headlines over each unit the sources name, in each period
    (:func:`analysis.stats.units.shares_by_unit_by_period`), those the file can compute."""
    keys = {c.key for c in computable(cases)}
    return shares_by_unit_by_period(cases, [m for m in HEADLINE_MEASURES if m in keys])


def tests_of_change(cases: pd.DataFrame) -> pd.DataFrame:
    """:func:`compare_periods` of the measures the file can compute; on the shipped synthetic
    data with what the generator was told (:func:`mark_synthetic_differences`)."""
    table = compare_periods(cases, computable(cases))
    return mark_synthetic_differences(table) if is_synthetic(cases) else table


def generator_changes(comparison: pd.DataFrame, cases: pd.DataFrame) -> str:
    """The changes the synthetic generator was told to make, as tested (one line each); on
    other data, that none was put in."""
    if not is_synthetic(cases):
        return "Not the shipped synthetic data: no difference here was put in by a generator."
    rows = comparison[comparison["measure"].isin(list(SYNTHETIC_DIFFERENCES))]
    return "\n".join(
        f"{r.label}: {r.difference_points:+.1f} points (simultaneous interval "
        f"{r.simultaneous_low_points:+.1f} to {r.simultaneous_high_points:+.1f}), "
        f"Holm-adjusted p = {r.p_value_holm:.3f}  [{SYNTHETIC_DIFFERENCES[r.measure]}]"
        for r in rows.itertuples()
    )
