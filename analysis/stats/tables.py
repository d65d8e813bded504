"""Tidy tables: counts, percentages, denominators and 95% Wilson intervals.

Every table is a long frame with dimension columns, ``*_count``, ``*_percent`` and
``denominator_count``, and a ``label`` column with the codebook's human label; pivot only for
display. Every row of the input is counted once in each breakdown (nothing dropped), so counts
add back to the number of rows (``tests/test_tables.py`` checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
import pandas as pd

from analysis.casedata import recode
from analysis.casedata.codebook import all_variables, load_codebook
from analysis.stats.components import with_components
from analysis.stats.inference import design_effect, wilson_interval
from analysis.stats.measures import reviews
from analysis.stats.members import IMPLIED, PREFIX, members_of, unit_keys

INVOLVEMENT_MEASURES = {
    "now": "Involved at the time of the incident",
    "ever": "Ever involved (at least child in need)",
    "closed_gap": "Ever involved but not at the time",
}


def label_of(column: str, code) -> str:
    """The codebook label of a code, or of categories combined by a recode file (the code
    itself when it has none)."""
    combined = recode.active().label_of(column, str(code))
    if combined is not None:
        return combined
    var = all_variables().get(column)
    return var.codes.get(str(code), str(code)) if var else str(code)


def with_interval(table: pd.DataFrame) -> pd.DataFrame:
    """Add ``percent`` and its 95% Wilson interval to a table of ``count`` and
    ``denominator_count``.

    Where the denominator's units repeat (siblings sharing a review, 2014-17), each row also
    gets its ``design_effect`` (:func:`analysis.stats.inference.design_effect`) and the
    interval is computed on the effective counts (count and denominator divided by it), so it
    allows for children of one review being alike. The design effect is rounded **up** to one
    decimal, both as shown and as used: to three decimals, with the count and denominator
    beside it, it gave back how the counted children split within each sibling group (an
    attack on a small own file found the split of three sibling pairs); rounded up it widens
    the interval a little more, never less.
    """
    count, n = table["count"], table["denominator_count"]
    effect = _design_effects(table)
    if effect is not None:
        count, n = count / effect, n / effect
    low, high = wilson_interval(count, n)
    out = table.assign(
        percent=100 * table["count"] / table["denominator_count"],
        ci_low_percent=100 * low,
        ci_high_percent=100 * high,
    )
    return out if effect is None else out.assign(design_effect=effect)


def _design_effects(table: pd.DataFrame) -> pd.Series | None:
    """Each row's design effect, or None when no denominator holds a unit twice."""
    counted, total = PREFIX + "count", PREFIX + "denominator_count"
    if counted not in table or total not in table:
        return None
    pairs = list(zip(table[counted], table[total], strict=True))
    if not any(isinstance(t, tuple) and len(set(t)) < len(t) for _, t in pairs):
        return None
    exact = pd.Series(
        [design_effect(c, t) if isinstance(t, tuple) else 1.0 for c, t in pairs],
        index=table.index,
    )
    return np.ceil(exact * 10 - 1e-9) / 10  # one decimal, rounded up (see with_interval)


def _add_key_labels(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """A ``{key}_label`` column after each codebook dimension, for display."""
    for key in keys:
        if key in all_variables() and f"{key}_label" not in table.columns:
            position = table.columns.get_loc(key) + 1
            table.insert(position, f"{key}_label", [label_of(key, v) for v in table[key]])
            table[key] = table[key].astype(str)
    return table


def _as_list(by) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


#: The dimension that is a run's scope: a review period the file does not cover was not coded,
#: so it has no rows (rather than rows of zero); every other dimension has every code.
SCOPE = "review_period"


def dimension_codes(values: pd.Series, column: str | None = None) -> list[str]:
    """The rows a dimension has in a table: fixed by the codebook, never by the data.

    A table listing only the codes present would tell a reader, by a missing row, that a count
    is zero (and a zero of a small group an attribute of the whole group). So a codebook
    category has every code, in codebook order; a column outside the codebook keeps its
    categorical's categories (a chapter's own groups, e.g. the groups of death); only the
    review period is taken from the data (:data:`SCOPE`). A value the codebook does not know
    stays visible, after the codes. Codes a recode file combines
    (:mod:`analysis.casedata.recode`) are one category, where their first code was.

    Parameters
    ----------
    values : Series
        The column's values (blanks are not a code: tables count them apart).
    column : str, optional
        The codebook variable the values are of; default ``values.name``.

    Returns
    -------
    list of str

    Examples
    --------
    >>> dimension_codes(pd.Series(["death"], name="outcome"))
    ['death', 'serious_harm']
    >>> dimension_codes(pd.Series(["2014-17"], name="review_period"))
    ['2014-17']
    """
    name = column or values.name
    combine = recode.active()
    present = {combine.code_of(name, v) for v in values.dropna().astype(str)}
    variable = all_variables().get(name)
    if variable is not None and variable.is_category:
        codes = combine.codes(name, list(variable.codes))
    elif isinstance(values.dtype, pd.CategoricalDtype):
        codes = [str(c) for c in values.cat.categories]
    else:
        codes = []
    if name == SCOPE:
        codes = [c for c in codes if c in present]
    return codes + sorted(present - set(codes))


def _as_dimension(values: pd.Series, column: str | None = None) -> pd.Categorical:
    """The values as text in a categorical of :func:`dimension_codes`, so that a
    ``groupby(..., observed=False)`` gives every code a row (blanks stay blank)."""
    name = column or values.name
    text = values.astype("object").where(values.notna(), None).map(str, na_action="ignore")
    text = text.map(partial(recode.active().code_of, name), na_action="ignore")
    return pd.Categorical(text, categories=dimension_codes(values, column))


def _dimension_frame(cases: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """The ``keys`` columns of ``cases`` as dimensions (:func:`as_dimension`)."""
    return pd.DataFrame({k: _as_dimension(cases[k], k) for k in keys}, index=cases.index)


def proportion_table(
    cases: pd.DataFrame, column: str, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Share of each code of ``column`` (within each group of ``by``), with Wilson intervals.

    Every code of the codebook appears, with a zero count if unused, and so does every group of
    ``by`` (:func:`dimension_codes`; a group with no child has a count and a denominator of 0),
    so the rows are fixed by the codebook and a missing row never tells a reader a zero. Rows
    with a blank value are counted under ``(blank)``.

    Parameters
    ----------
    cases : DataFrame
        Loaded cases (``load_cases``).
    column : str
        A codebook category column, e.g. ``"csc_status_at_incident"``.
    by : str or list of str, optional
        Dimension columns to break down by, e.g. ``"age_band"``.

    Returns
    -------
    DataFrame
        ``by...``, ``column`` (code), ``label``, ``count``, ``denominator_count``, ``percent``,
        ``ci_low_percent``, ``ci_high_percent``.
    """
    keys = _as_list(by)
    table = _proportion_table(cases, column, keys)
    return with_components(table, lambda: _proportion_table(cases, column, keys), [*keys, column])


def _proportion_table(cases: pd.DataFrame, column: str, keys: list[str]) -> pd.DataFrame:
    values = cases[column].astype("object").where(cases[column].notna(), "(blank)")
    values = values.map(str).map(partial(recode.active().code_of, column))
    order = dimension_codes(cases[column], column)
    if (values == "(blank)").any():
        order.append("(blank)")
    frame = _dimension_frame(cases, keys).assign(
        **{column: pd.Categorical(values.map(str), categories=order)}
    )
    frame["_unit"] = unit_keys(cases).to_numpy()
    grouped = frame.groupby(keys + [column], observed=False, dropna=False)["_unit"]
    counts = grouped.agg(count="size", members__count=lambda s: tuple(sorted(s))).reset_index()
    if keys:
        counts["denominator_count"] = counts.groupby(keys, observed=False)["count"].transform("sum")
        totals = counts.groupby(keys, observed=False)["members__count"].transform(
            lambda s: [tuple(sorted(u for m in s for u in m))] * len(s)
        )
        counts["members__denominator_count"] = totals
    else:
        counts["denominator_count"] = len(cases)
        counts["members__denominator_count"] = [members_of(cases)] * len(counts)
    # a group with no child stays, its counts 0 of 0: its missing row would say so
    counts.insert(len(keys) + 1, "label", [label_of(column, c) for c in counts[column]])
    counts[column] = counts[column].astype(str)
    table = with_interval(_add_key_labels(counts.reset_index(drop=True), keys))
    table.attrs["partition_by"] = keys  # the codes of `column` partition each group's total
    return table


def involvement_flags(cases: pd.DataFrame) -> pd.DataFrame:
    """Per child: involved now, ever, and ever-but-not-now (the "closed too soon" gap)."""
    now_codes = load_codebook().codes_for("csc_involved_at_incident")
    now = cases["csc_status_at_incident"].isin(now_codes)
    ever = cases["csc_ever_involved"] == "yes"
    return pd.DataFrame({"now": now, "ever": ever, "closed_gap": ever & ~now}, index=cases.index)


def ever_but_not_now_parts(cases: pd.DataFrame) -> pd.DataFrame:
    """The children ever involved but not at the time of the incident, by their status then.

    The report's "cases closed too soon" is one part of this gap: cases closed before the
    incident. Children whose referral was not accepted, or who were open to early help, were
    also "ever involved" (at child-in-need level at some point) without a case then open; the
    table keeps them apart so "closed too soon" is said only of closed cases.

    Returns
    -------
    DataFrame
        As :func:`proportion_table` of ``csc_status_at_incident`` over the gap's children,
        without the open statuses (none of the gap can hold one).
    """
    gap = cases[involvement_flags(cases)["closed_gap"]]
    now_codes = set(load_codebook().codes_for("csc_involved_at_incident"))
    table = proportion_table(gap, "csc_status_at_incident")
    return table[~table["csc_status_at_incident"].isin(now_codes)].reset_index(drop=True)


def involvement_now_vs_ever(
    cases: pd.DataFrame, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """The headline: share involved with social care at the time, ever, and ever-but-not-now.

    Needs ``csc_status_at_incident`` and ``csc_ever_involved``. Denominator: all children in
    each group (those coded ``not_recorded`` included, as "of the children"). Every group of
    ``by`` has its three rows (:func:`dimension_codes`), 0 of 0 where it has no child.

    Returns
    -------
    DataFrame
        ``by...``, ``measure`` (now / ever / closed_gap), ``label``, ``count``,
        ``denominator_count``, ``percent``, ``ci_low_percent``, ``ci_high_percent``.
    """
    keys = _as_list(by)
    table = _involvement_now_vs_ever(cases, keys)
    return with_components(table, lambda: _involvement_now_vs_ever(cases, keys), keys)


def _involvement_now_vs_ever(cases: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    flags = involvement_flags(cases)
    frame = _dimension_frame(cases, keys).assign(_unit=unit_keys(cases).to_numpy())
    parts = []
    for position, measure in enumerate(INVOLVEMENT_MEASURES):
        hits = frame["_unit"].where(flags[measure].to_numpy(), None)
        part = _count_units(frame.assign(_hit=hits), keys)
        parts.append(part.assign(measure=measure, _order=position))
    table = pd.concat(parts, ignore_index=True)
    # every group of `by` keeps its three rows, even with no child (0 of 0)
    table = table.sort_values([*keys, "_order"], kind="stable").reset_index(drop=True)
    table = table[[*keys, "measure", "count", "denominator_count", *_MEMBER_COLUMNS]]
    table.insert(len(keys) + 1, "label", table["measure"].map(INVOLVEMENT_MEASURES).astype(str))
    return with_interval(_add_key_labels(table, keys))


_MEMBER_COLUMNS = [PREFIX + "count", PREFIX + "denominator_count"]


def _count_units(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group of ``keys`` (every category, observed or not): the units with a ``_hit``
    (count) and all the units (denominator), with their members."""
    aggregations = {
        "count": ("_hit", "count"),
        "denominator_count": ("_unit", "size"),
        PREFIX + "count": ("_hit", lambda s: tuple(sorted(s.dropna()))),
        PREFIX + "denominator_count": ("_unit", lambda s: tuple(sorted(s))),
    }
    if not keys:  # one group, all the rows (none at all still gives its row)
        hits = frame["_hit"].dropna()
        return pd.DataFrame(
            [
                {
                    "count": len(hits),
                    "denominator_count": len(frame),
                    PREFIX + "count": tuple(sorted(hits)),
                    PREFIX + "denominator_count": tuple(sorted(frame["_unit"])),
                }
            ]
        )
    grouped = frame.groupby(keys, observed=False, dropna=False)
    return grouped.agg(**aggregations).reset_index()


def yes_share_table(
    cases: pd.DataFrame,
    columns: Sequence[str],
    *,
    final_reports_only: bool = True,
    level: str = "review",
) -> pd.DataFrame:
    """Share coded ``yes`` for each of several yes/no variables (e.g. parental factors).

    ``final_reports_only`` restricts to reviews with a final report (the denominator of
    final-report-only variables); ``level="review"`` counts each review once.

    "Not recorded" is its own category, not a "no": ``not_recorded_count`` and
    ``not_recorded_percent`` beside the share coded yes (the rest were coded no). With
    ``final_reports_only``, each row also gives the share over **all** reviews that the
    reviews without a final report, and those not recorded, allow (:func:`all_reviews_bounds`):
    usually a larger uncertainty than the interval.
    """
    everyone = reviews(cases) if level == "review" else cases
    rows = everyone
    if final_reports_only:
        rows = rows[rows["final_report_available"] == "yes"]
    out = []
    for column in columns:
        yes, not_recorded = rows[column] == "yes", rows[column] == "not_recorded"
        out.append(
            {
                "variable": column,
                "label": all_variables()[column].label,
                "count": int(yes.sum()),
                "members__count": members_of(rows[yes]),
                "not_recorded_count": int(not_recorded.sum()),
                "members__not_recorded_count": members_of(rows[not_recorded]),
                "denominator_count": len(rows),
                "members__denominator_count": members_of(rows),
            }
        )
    table = with_interval(pd.DataFrame(out))
    table.insert(
        table.columns.get_loc("not_recorded_count") + 1,
        "not_recorded_percent",
        100 * table["not_recorded_count"] / table["denominator_count"],
    )
    return all_reviews_bounds(table, everyone) if final_reports_only else table


def all_reviews_bounds(table: pd.DataFrame, everyone: pd.DataFrame) -> pd.DataFrame:
    """Add the share of **all** reviews a final-report share allows, at worst and at best.

    A factor coded only in final reports is unknown for the reviews without one, and for the
    reports where it was not recorded (``not_recorded_count``, when the table has it): over all
    reviews its share lies between ``count / all`` (none of the unknown had it) and
    ``(count + unknown) / all`` (every one did). Adds ``all_reviews_low_percent``,
    ``all_reviews_high_percent`` and, for the audit, the units of all reviews among the row's
    implied counts (the bounds give that number back).

    >>> t = pd.DataFrame({"count": [50], "denominator_count": [100]})
    >>> everyone = pd.DataFrame({"case_id": [str(i) for i in range(125)]})
    >>> out = all_reviews_bounds(t, everyone)
    >>> out[["all_reviews_low_percent", "all_reviews_high_percent"]].iloc[0].tolist()
    [40.0, 60.0]
    """
    total = len(everyone)
    without = total - table["denominator_count"]
    if "not_recorded_count" in table:
        without = without + table["not_recorded_count"]
    units = members_of(everyone)
    implied = [
        ((*previous, units) if isinstance(previous, tuple) else (units,))
        for previous in table.get(IMPLIED, pd.Series([None] * len(table), index=table.index))
    ]
    return table.assign(
        all_reviews_low_percent=100 * table["count"] / total if total else np.nan,
        all_reviews_high_percent=100 * (table["count"] + without) / total if total else np.nan,
        **{IMPLIED: implied},
    )


def unknown_reviews(cases: pd.DataFrame, column: str) -> pd.DataFrame:
    """The reviews whose code for a final-report variable is unknown: no final report, or a
    report in which it was not recorded (the upper bound over all reviews counts them in)."""
    everyone = reviews(cases)
    return everyone[
        (everyone["final_report_available"] != "yes") | (everyone[column] == "not_recorded")
    ]


def combinations_table(
    cases: pd.DataFrame, flags: dict[str, pd.Series], *, final_reports_only: bool = True
) -> pd.DataFrame:
    """Every combination of several yes/no flags (e.g. the "toxic trio") with counts.

    ``flags`` maps a short name to a boolean Series aligned with ``cases``. Each row of the
    result is one combination; counts add up to the denominator.
    """
    rows = reviews(cases)
    if final_reports_only:
        rows = rows[rows["final_report_available"] == "yes"]
    frame = pd.DataFrame({name: flag.loc[rows.index] for name, flag in flags.items()})
    names = list(flags)
    table = frame.value_counts(subset=names, sort=False).rename("count").reset_index()
    full = pd.MultiIndex.from_product([[False, True]] * len(names), names=names).to_frame(
        index=False
    )
    table = full.merge(table, how="left", on=names).fillna({"count": 0})
    table["count"] = table["count"].astype(int)
    table["factors_present"] = table[names].sum(axis=1)
    table["combination"] = [
        " + ".join(n for n in names if r[n]) or "none" for _, r in table.iterrows()
    ]
    table["denominator_count"] = len(rows)
    units = unit_keys(rows).to_numpy()
    table["members__count"] = [
        tuple(sorted(units[(frame[names] == combo[names]).all(axis=1).to_numpy()]))
        for _, combo in table.iterrows()
    ]
    table["members__denominator_count"] = [members_of(rows)] * len(table)
    table = table.sort_values(["factors_present", "combination"]).reset_index(drop=True)
    table = with_interval(table)
    table.attrs["partition_by"] = []  # the combinations partition the reviews
    return table


def reviews_by_year(cases: pd.DataFrame) -> pd.DataFrame:
    """Reviews by review period, incident year and outcome (each review counted once).

    Every incident year of each period (the codebook's, not the data's) has a row for every
    outcome, 0 where no review falls.
    """
    r = reviews(cases)
    keys = ["review_period", "incident_year", "outcome"]
    frame = _dimension_frame(r, keys).assign(_unit=unit_keys(r).to_numpy())
    grouped = frame.groupby(keys, observed=False)["_unit"]
    table = grouped.agg(
        reviews_count="size", members__reviews_count=lambda s: tuple(sorted(s))
    ).reset_index()
    for column in keys:
        table[column] = table[column].astype(str)
    table = table[
        [
            _in_period(p, y)
            for p, y in zip(table["review_period"], table["incident_year"], strict=True)
        ]
    ]
    table["outcome_label"] = [label_of("outcome", o) for o in table["outcome"]]
    return table.reset_index(drop=True)


def _in_period(period: str, year: str) -> bool:
    """Whether an incident year is one of a review period's (its codebook's)."""
    return year in load_codebook(period).incident_years


def death_groups(cases: pd.DataFrame) -> pd.Series:
    """Per row: "directly caused", "related, not directly caused", or blank for serious harm."""
    cb = load_codebook()
    direct = cases["death_category"].isin(cb.codes_for("death_directly_caused"))
    related = cases["death_category"].isin(cb.codes_for("death_related_not_directly_caused"))
    groups = pd.Series(pd.NA, index=cases.index, dtype="object")
    groups[direct] = "directly caused"
    groups[related] = "related, not directly caused"
    groups[(cases["outcome"] == "death") & ~(direct | related)] = "not recorded"
    return groups
