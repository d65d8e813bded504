"""Sudden unexpected deaths in infancy (SUDI): circumstances and families, beside the SUDI paper.

Garstang and Sidebotham (Arch Dis Child 104(1), serious case reviews of 2011-14) report the
SUDI subgroup (``death_category`` ``sudi``) as counts of the cases with a final report: the
infants' ages in months, three nested sleep circumstances (a hazardous sleep environment;
co-sleeping among those; a carer impaired by alcohol or drugs among those co-sleeping) and the
families' factors. This module recomputes each, over the base the paper used, and sets it
beside the paper's ``n of N`` from the register (never typed here), for every period the data
holds; the paper speaks to 2011-14 only.

The unit is the child (a SUDI is one infant's death; siblings are rare, and where they share
a review the interval allows for it). Items coded only from final reports have the SUDI with
a final report as their base; "not recorded" stays in the base, as the kit's other shares do.

Examples
--------
>>> [i.key for i in ITEMS if i.within]
['co_sleeping', 'carer_impaired', 'cp_plan']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.reference.citations import cite
from analysis.reference.published import figure, load_published
from analysis.stats.members import IMPLIED, PREFIX, PUBLISHED_COLUMNS, members_of
from analysis.stats.tables import proportion_table, with_interval

SUDI = "sudi"
#: Children with a plan now or before (the codebook's ``with_plan``).
PLAN_STATUS = "open_child_protection_plan"


@dataclass(frozen=True)
class Item:
    """One figure of the SUDI paper and how the kit recomputes it.

    Attributes
    ----------
    key : str
        Short id (the table's ``item``).
    label : str
        What is counted, for tables and figures.
    group : str
        ``"sleep"`` (the nested circumstances) or ``"family"``.
    columns : tuple of str
        Codebook columns; a child counts when any is ``yes`` (for ``cp_plan``: a plan ever, or
        one at the time).
    figure_id : str
        The paper's figure in the register.
    within : str or None
        The item whose children are this one's base (None: the SUDI with a final report).
    base : str
        The base in words, as every row states it.
    note : str
        Where the coded item and the paper's differ.
    """

    key: str
    label: str
    group: str
    columns: tuple[str, ...]
    figure_id: str
    within: str | None = None
    base: str = "of SUDI with a final report"
    note: str = ""


ITEMS = (
    Item(
        "hazardous_sleep",
        "Hazardous sleep environment",
        "sleep",
        ("hazardous_sleep_environment",),
        "sudi2011_hazardous_sleep",
    ),
    Item(
        "co_sleeping",
        "Co-sleeping",
        "sleep",
        ("co_sleeping",),
        "sudi2011_co_sleeping",
        within="hazardous_sleep",
        base="of those in a hazardous sleep environment",
    ),
    Item(
        "carer_impaired",
        "Carer impaired by alcohol or drugs",
        "sleep",
        ("carer_impaired",),
        "sudi2011_intoxicated_parent",
        within="co_sleeping",
        base="of those co-sleeping",
        note="The paper: a parent intoxicated or impaired.",
    ),
    Item(
        "parent_substance",
        "Parental alcohol or drug misuse",
        "family",
        ("parent_alcohol_misuse", "parent_drug_misuse"),
        "sudi2011_parent_substance",
        note="The paper counts alcohol or drug dependency; the kit codes misuse.",
    ),
    Item(
        "parent_mental_health",
        "Parental mental ill health",
        "family",
        ("parent_mental_ill_health",),
        "sudi2011_parent_mental_health",
    ),
    Item(
        "domestic_abuse",
        "Domestic abuse",
        "family",
        ("parent_domestic_abuse",),
        "sudi2011_domestic_abuse",
    ),
    Item(
        "parent_criminality",
        "Parental criminality",
        "family",
        ("parent_criminality",),
        "sudi2011_parent_criminal_record",
        note="The paper counts parental criminal records; the kit codes criminality.",
    ),
    Item("neglect", "Neglect a feature", "family", ("neglect_feature",), "sudi2011_neglect"),
    Item(
        "not_engaging",
        "Parents did not engage",
        "family",
        ("parents_not_engaging",),
        "sudi2011_non_engagement",
    ),
    Item(
        "social_care_support",
        "Supported by social care",
        "family",
        ("csc_ever_involved",),
        "sudi2011_social_care_support",
        note="The paper: infants who had received support from social care; the kit's nearest "
        "item is ever involved at child-in-need level or above.",
    ),
    Item(
        "cp_plan",
        "Child protection plan",
        "family",
        ("cp_plan_ever",),
        "sudi2011_cp_plan",
        within="social_care_support",
        base="of those supported by social care",
        note="A plan now or before (cp_plan_ever, or a plan at the time).",
    ),
)
#: Columns a notebook shows of :func:`circumstances_table` (the rest are in the written CSV).
SHOWN = ["review_period", "label", "base", "count", "denominator_count", "percent"]
SHOWN += ["ci_low_percent", "ci_high_percent", "stated", "verdict"]
#: The period the paper's figures are about.
PAPER_PERIOD = "2011-14"
#: The paper's SUDI cases, reports and median age.
SUDI_COUNT, SUDI_REPORTS, SUDI_AGE = (
    "sudi2011_sudi_count",
    "sudi2011_reports",
    "sudi2011_median_age",
)
#: The 2009-17 study of reviews with a medical cause of death (BMJ Open 2021), set beside the
#: medical causes as context: another period, and reviews chosen for their medical cause.
MEDICAL_CONTEXT = ("medcause2009_17_scrs", "medcause2009_17_acute", "medcause2009_17_chronic")
#: The age statistics of :func:`age_summary`, in order.
AGE_STATISTICS = ("median", "youngest", "oldest")


def sudi_cases(cases: pd.DataFrame) -> pd.DataFrame:
    """The SUDI subgroup: children whose death was a sudden unexpected death in infancy."""
    return cases[cases["death_category"].astype("object") == SUDI]


def _hits(item: Item, rows: pd.DataFrame) -> pd.Series:
    """Each row counted by the item: any of its columns ``yes`` (a plan: ever or now)."""
    hit = rows[list(item.columns)].astype("object").eq("yes").any(axis=1)
    if item.key == "cp_plan":
        hit |= rows["csc_status_at_incident"].astype("object") == PLAN_STATUS
    return hit


def _item_rows(sudi: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Each item's base and the children it counts among them, bases nested as the paper's."""
    with_report = sudi[sudi["final_report_available"].astype("object") == "yes"]
    out: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    for item in ITEMS:
        base = out[item.within][1] if item.within else with_report
        out[item.key] = (base, base[_hits(item, base).to_numpy()])
    return out


def circumstances_table(cases: pd.DataFrame) -> pd.DataFrame:
    """Each SUDI item in each period, recomputed over the paper's base, beside the paper.

    Needs ``death_category``, ``final_report_available`` and the items' columns
    (:data:`ITEMS`: ``hazardous_sleep_environment``, ``co_sleeping``, ``carer_impaired``, the
    parental factors, ``neglect_feature``, ``parents_not_engaging``, ``csc_ever_involved``,
    ``cp_plan_ever``, ``csc_status_at_incident``).

    Returns
    -------
    DataFrame
        One row per period and item: ``review_period``, ``group``, ``item``, ``label``,
        ``base`` (in words), ``count``, ``denominator_count`` (children coded "not recorded"
        stay in the base, as the paper's n of N counts its cases), ``percent`` with its 95%
        Wilson interval;
        the paper's ``figure_id``, ``published_n``, ``published_of``, ``published_percent``
        (our arithmetic on the stated n of N), ``stated`` ("18 of 27") where the period is the
        paper's, else "not published"; ``verdict`` (whether the paper's share lies inside the
        recomputed interval), ``citation`` and ``note``.
    """
    rows = []
    for period, part in cases.groupby("review_period", observed=True, sort=True):
        nested = _item_rows(sudi_cases(part))
        for item in ITEMS:
            base, counted = nested[item.key]
            rows.append(
                {
                    "review_period": str(period),
                    "group": item.group,
                    "item": item.key,
                    "label": item.label,
                    "base": item.base,
                    "count": len(counted),
                    "denominator_count": len(base),
                    PREFIX + "count": members_of(counted),
                    PREFIX + "denominator_count": members_of(base),
                    **_published(item, str(period)),
                }
            )
    table = with_interval(pd.DataFrame(rows))
    table["verdict"] = [
        _verdict(p, lo, hi)
        for p, lo, hi in zip(
            table["published_percent"],
            table["ci_low_percent"],
            table["ci_high_percent"],
            strict=True,
        )
    ]
    members = [c for c in table.columns if c.startswith(PREFIX)]
    table = table[[c for c in table.columns if c not in members] + members]
    table.attrs[PUBLISHED_COLUMNS] = ("published_n", "published_of", "published_percent")
    return table


def _published(item: Item, period: str) -> dict:
    """The paper's figure for the item, where the period is the paper's and the register
    holds it."""
    row = _register_row(item.figure_id) if period == PAPER_PERIOD else None
    if row is None:
        return {
            "figure_id": "",
            "published_n": np.nan,
            "published_of": np.nan,
            "published_percent": np.nan,
            "stated": "not published",
            "citation": "",
            "note": item.note,
        }
    n, of = float(row["value"]), float(row["denominator"])
    return {
        "figure_id": item.figure_id,
        "published_n": n,
        "published_of": of,
        "published_percent": 100 * n / of,
        "stated": f"{n:.0f} of {of:.0f}",
        "citation": cite(item.figure_id),
        "note": item.note,
    }


def _register_row(figure_id: str) -> pd.Series | None:
    """The register's row, or None where it holds no such figure."""
    try:
        return figure(figure_id)
    except KeyError:
        return None


def _verdict(published: float, low: float, high: float) -> str:
    """Where the paper's share falls against the recomputed 95% interval."""
    if np.isnan(published) or np.isnan(low) or np.isnan(high):
        return ""
    return "inside the interval" if low <= published <= high else "outside the interval"


def age_summary(cases: pd.DataFrame) -> pd.DataFrame:
    """The SUDI infants' age in months, per period: median, youngest and oldest.

    Long, one row per statistic, so each is withheld on its own: the youngest and oldest are
    one infant's age each, so the infants of that age are the row's implied count
    (``members__implied``), and on own data an extreme is shown only where at least as many
    infants as the threshold share it. The median rests on the infants with an age.

    Returns
    -------
    DataFrame
        ``review_period``, ``statistic`` (median, youngest, oldest), ``months``, ``count``
        (SUDI with an age in months) and ``denominator_count`` (all SUDI), and the paper's
        ``figure_id`` and ``stated`` (its median and range as published) in 2011-14's rows.
    """
    rows = []
    published = _register_row(SUDI_AGE)
    for period, part in cases.groupby("review_period", observed=True, sort=True):
        sudi = sudi_cases(part)
        months = pd.to_numeric(sudi["age_months"].astype("object"), errors="coerce")
        aged, values = sudi[months.notna().to_numpy()], months.dropna()
        paper = str(period) == PAPER_PERIOD and published is not None
        for statistic in AGE_STATISTICS:
            value, at = np.nan, None
            if len(values):
                value = {"median": values.median(), "youngest": values.min()}.get(
                    statistic, values.max()
                )
                if statistic != "median":  # one infant's age: those of that age, implied
                    at = (members_of(aged[(values == value).to_numpy()]),)
            rows.append(
                {
                    "review_period": str(period),
                    "statistic": statistic,
                    "months": float(value),
                    "count": len(aged),
                    "denominator_count": len(sudi),
                    "figure_id": SUDI_AGE if paper else "",
                    "stated": str(published["statement"]) if paper else "not published",
                    PREFIX + "count": members_of(aged),
                    PREFIX + "denominator_count": members_of(sudi),
                    IMPLIED: at,
                }
            )
    return pd.DataFrame(rows)


def medical_causes(cases: pd.DataFrame) -> pd.DataFrame:
    """The medical cause of death among children who died, by period (the item is asked of
    deaths only): :func:`analysis.stats.tables.proportion_table` of ``medical_cause_of_death``
    by ``review_period`` over deaths, every code a row."""
    deaths = cases[cases["outcome"].astype("object") == "death"]
    return proportion_table(deaths, "medical_cause_of_death", by="review_period")


def published_context(figure_ids: tuple[str, ...]) -> pd.DataFrame:
    """Published figures set beside a table as context, as the register states them.

    A figure the register does not hold has a row saying so (``in_register`` False), so a
    notebook says "not in the register" rather than leaving it out.
    """
    register = load_published().set_index("figure_id")
    rows = []
    for figure_id in figure_ids:
        held = figure_id in register.index
        row = register.loc[figure_id] if held else None
        rows.append(
            {
                "figure_id": figure_id,
                "in_register": held,
                "review_period": str(row["review_period"]) if held else "",
                "statement": str(row["statement"]) if held else "not in the register",
                "citation": cite(figure_id) if held else "",
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["public_counts"] = True
    return table


def calibration_sentence(table: pd.DataFrame, calibrated: frozenset[str], synthetic: bool) -> str:
    """Which of the paper's figures the shipped data was calibrated to (they agree by
    construction), or, on own data, that the comparison is a real check.

    >>> t = pd.DataFrame({"figure_id": ["sudi2011_neglect", ""]})
    >>> calibration_sentence(t, frozenset({"sudi2011_neglect"}), True)  # doctest: +ELLIPSIS
    'On the shipped synthetic data all 1 published figures here were calibration targets...'
    """
    ids = [f for f in dict.fromkeys(table["figure_id"]) if f]
    if not synthetic:
        return (
            f"These are your coded reviews beside the {len(ids)} published figures: an "
            "agreement is a check of your coding against the paper's, a difference worth reading."
        )
    targets = [f for f in ids if f in calibrated]
    which = (
        f"all {len(ids)} published figures here were"
        if len(targets) == len(ids)
        else f"{len(targets)} of the {len(ids)} published figures here were"
    )
    text = (
        f"On the shipped synthetic data {which} calibration targets: the generator was built "
        "to meet them, so they agree by construction and prove the pipeline, not the finding."
    )
    if len(targets) < len(ids):
        text += " The others follow assumptions (docs/assumptions.md)."
    return text


def sudi_sentence(table: pd.DataFrame, period: str = PAPER_PERIOD) -> str:
    """How many of the period's recomputed shares hold the paper's share in their 95% interval,
    computed from the (protected) table.

    >>> t = pd.DataFrame({"review_period": ["2011-14"] * 2, "label": ["A", "B"],
    ...                   "figure_id": ["f1", "f2"],
    ...                   "verdict": ["inside the interval", "outside the interval"]})
    >>> print(sudi_sentence(t))  # doctest: +NORMALIZE_WHITESPACE
    2011-14: the paper's share lies inside the recomputed 95% interval for 1 of 2 items;
    outside it for b.
    """
    rows = table[table["review_period"].astype(str) == period]
    judged = rows[rows["verdict"].astype(str).str.endswith("interval")]
    if judged.empty:
        return f"{period}: no item has a published share to set beside it."
    inside = judged["verdict"] == "inside the interval"
    how_many = (
        f"all {len(judged)} items"
        if inside.all()
        else f"{int(inside.sum())} of {len(judged)} items"
    )
    text = f"{period}: the paper's share lies inside the recomputed 95% interval for {how_many}"
    outside = [label[:1].lower() + label[1:] for label in judged.loc[~inside, "label"]]
    text += f"; outside it for {', '.join(outside)}." if outside else "."
    withheld = len(rows[rows["figure_id"].astype(str) != ""]) - len(judged)
    if withheld > 0:
        text += f" {withheld} withheld with a small count ([c])."
    return text


def age_sentence(ages: pd.DataFrame) -> str:
    """The SUDI infants' median age and range in each period, from the (protected) table,
    with the paper's where it has one.

    >>> t = pd.DataFrame({"review_period": ["2011-14"] * 3, "count": [30] * 3,
    ...                   "statistic": list(AGE_STATISTICS), "months": [2.0, 0.0, None],
    ...                   "stated": ["median age at death 2 (0-19) months"] * 3})
    >>> print(age_sentence(t))  # doctest: +NORMALIZE_WHITESPACE
    2011-14: median 2 months, youngest 0, oldest withheld, among the 30 SUDI with an age in
    months; the paper: median age at death 2 (0-19) months.
    """
    parts = []
    for period, rows in ages.groupby("review_period", sort=True):
        value = dict(zip(rows["statistic"], rows["months"], strict=True))
        shown = {k: "withheld" if pd.isna(v) else f"{v:g}" for k, v in value.items()}
        count = rows["count"].iloc[0]
        among = "" if pd.isna(count) else f", among the {count} SUDI with an age in months"
        text = (
            f"{period}: median {shown['median']}"
            + (" months" if shown["median"] != "withheld" else "")
            + f", youngest {shown['youngest']}, oldest {shown['oldest']}{among}"
        )
        stated = rows["stated"].iloc[0]
        if stated != "not published":
            text += f"; the paper: {stated}"
        parts.append(text + ".")
    return " ".join(parts)
