"""Categories of neglect, the category of a child protection plan, and plans and care ever.

Rebuilds *Complexity and challenge* (2014-17), section 3.1.1 "Categories of neglect", as the
police briefing names its pathways to harm through neglect (the codebook's
``neglect_category``: its reading of those pathways), for both periods:

- the category among the children of reviews with a final report where neglect was a feature
  (the item is coded from the final report, and asked only where neglect was a feature), by
  period, by outcome and by age band;
- the category of the child protection plan among children with a plan now or before (the
  codebook's ``with_plan``), beside the 2005-11 SCR sample and national plans of those years
  (the NSPCC neglect study, table 2.4) and the 2014-17 briefing's "50 out of 84";
- children ever on a plan, ever looked after, and with a plan for themselves or a sibling,
  items the kit coded but never analysed, beside the 2005-09 fatal-maltreatment figure for the
  child or a sibling (context: another period).

Published values are read from the register by ``figure_id``, never typed here.

Examples
--------
>>> sorted(PLAN_CONTEXT)
['emotional_abuse', 'multiple', 'neglect', 'physical_abuse', 'sexual_abuse']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.casedata.codebook import all_variables
from analysis.reference.citations import cite
from analysis.reference.published import figure, stated
from analysis.stats.members import PREFIX, PUBLISHED_COLUMNS
from analysis.stats.tables import proportion_table

PLAN_STATUS = "open_child_protection_plan"
#: Each plan category's published context: the 2005-11 SCR sample (the NSPCC study's children
#: with a past or current plan) and national plans, 2005-11 yearly mean (the same table).
#: "Multiple" is split by the study into with and without neglect: shown as stated, no bar.
PLAN_CONTEXT: dict[str, tuple[tuple[str, ...], str]] = {
    "neglect": (("neg2005_11_cp_cat_neglect_only",), "national_cp_cat_neglect_only"),
    "physical_abuse": (("neg2005_11_cp_cat_physical_only",), "national_cp_cat_physical_only"),
    "sexual_abuse": (("neg2005_11_cp_cat_sexual_only",), "national_cp_cat_sexual_only"),
    "emotional_abuse": (("neg2005_11_cp_cat_emotional_only",), "national_cp_cat_emotional_only"),
    "multiple": (
        ("neg2005_11_cp_cat_multiple_incl_neglect", "neg2005_11_cp_cat_multiple_excl_neglect"),
        "national_cp_cat_multiple",
    ),
}
SCR_SAMPLE = "2005-11 SCR sample, published"
NATIONAL = "2005-11 national plans, published"
#: The 2014-17 briefing's "50 out of 84 children subject to a child protection plan" (neglect).
PLAN_NEGLECT_FIGURE = "p2014_cp_plan_neglect_category"
#: The 2005-09 share of fatal cases whose child or a sibling had a plan (context).
CHILD_OR_SIBLING_FIGURE = "fatal2005_09_cp_plan_child_or_sibling"
#: The NSPCC study's neglect themes among its 46 in-depth cases of 2003-11 (a qualitative
#: sample: counts of cases, not prevalence), by the codebook category each is nearest to.
NEGLECT_THEMES = {
    "deprivational": "neg2003_11_theme_malnutrition",
    "medical": "neg2003_11_theme_medical_neglect",
    "accident": "neg2003_11_theme_accidents",
    "physical_abuse": "neg2003_11_theme_physical_and_neglect",
    "suicide_self_harm": "neg2003_11_theme_yp_suicide",
    "sudi": "neg2003_11_theme_sudi",
}
#: Columns a notebook shows of a category table (the rest are in the written CSV).
SHOWN = ["review_period", "label", "count", "denominator_count", "percent", "ci_low_percent"]
SHOWN += ["ci_high_percent"]
#: The items coded but never analysed before this chapter, in display order.
EVER_ITEMS = ("cp_plan_ever", "looked_after_ever", "cp_plan_child_or_sibling")


def neglect_base(cases: pd.DataFrame) -> pd.DataFrame:
    """Children of reviews with a final report where neglect was a feature (the category's
    base: it is coded from the report, and asked only where neglect was a feature)."""
    report = cases["final_report_available"].astype("object") == "yes"
    neglect = cases["neglect_feature"].astype("object") == "yes"
    return cases[(report & neglect).to_numpy()]


def neglect_categories(cases: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """The category of neglect by period (and ``by``: ``outcome`` or ``age_band``).

    Needs ``final_report_available``, ``neglect_feature`` and ``neglect_category``.

    Returns
    -------
    DataFrame
        :func:`analysis.stats.tables.proportion_table` of ``neglect_category`` over
        :func:`neglect_base`, by ``review_period`` (and ``by``): every category a row, "not
        recorded" among them; children counted, with the design effect where siblings share
        a review.
    """
    keys = ["review_period"] + ([by] if by else [])
    return proportion_table(neglect_base(cases), "neglect_category", by=keys)


def neglect_by_outcome(cases: pd.DataFrame) -> pd.DataFrame:
    """:func:`neglect_categories` by period and outcome (death, serious harm)."""
    return neglect_categories(cases, "outcome")


def neglect_by_age(cases: pd.DataFrame) -> pd.DataFrame:
    """:func:`neglect_categories` by period and age band."""
    return neglect_categories(cases, "age_band")


def neglect_theme_context() -> pd.DataFrame:
    """The NSPCC study's neglect themes (2003-11, 46 in-depth cases) beside the codebook's
    categories, as the register states them: context for the categories, never a check (a
    qualitative sample of another period, and themes, not the kit's coded pathways).

    >>> neglect_theme_context()["stated"].tolist()[:2]
    ['8 of 46', '5 of 46']
    """
    labels = all_variables()["neglect_category"].codes
    rows = []
    for category, figure_id in NEGLECT_THEMES.items():
        row = figure(figure_id)
        rows.append(
            {
                "neglect_category": category,
                "label": labels[category],
                "figure_id": figure_id,
                "review_period": str(row["review_period"]),
                "stated": f"{row['value']:g} of {row['denominator']:g}",
                "statement": str(row["statement"]),
                "citation": cite(figure_id),
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["public_counts"] = True  # published counts, not the case data's
    return table


def plan_children(cases: pd.DataFrame) -> pd.DataFrame:
    """Children with a child protection plan now or before (the codebook's ``with_plan``)."""
    ever = cases["cp_plan_ever"].astype("object") == "yes"
    now = cases["csc_status_at_incident"].astype("object") == PLAN_STATUS
    return cases[(ever | now).to_numpy()]


def plan_categories(cases: pd.DataFrame) -> pd.DataFrame:
    """The category of the plan among children with a plan now or before, by period.

    Needs ``cp_plan_ever``, ``csc_status_at_incident`` and ``cp_plan_category``.
    """
    return proportion_table(plan_children(cases), "cp_plan_category", by="review_period")


def _published_bar(category: str, label: str, source: str, ids: tuple[str, ...]) -> dict:
    """One published bar: a value where one figure states it, else the figures as stated."""
    figures = [figure(f) for f in ids]
    single = len(figures) == 1 and figures[0]["relation"] == "equals"
    return {
        "cp_plan_category": category,
        "label": label,
        "source": source,
        "review_period": str(figures[0]["review_period"]),
        "percent": float(figures[0]["value"]) if single else np.nan,
        "marker": "" if single else " + ".join(stated(f) for f in figures),
        "figure_id": " ; ".join(ids),
        "stated": " + ".join(stated(f) for f in figures),
        "citation": cite(*ids),
    }


def plan_categories_vs_published(categories: pd.DataFrame) -> pd.DataFrame:
    """Plan categories recomputed per period beside the 2005-11 SCR sample and national plans.

    Parameters
    ----------
    categories : DataFrame
        :func:`plan_categories`, unprotected (its members are carried into the recomputed rows,
        so the run protects both together).

    Returns
    -------
    DataFrame
        Long: ``cp_plan_category``, ``label``, ``source`` ("2011-14 recomputed" ...,
        :data:`SCR_SAMPLE`, :data:`NATIONAL`), ``review_period``, ``count``,
        ``denominator_count``, ``percent`` with its interval (recomputed rows), ``marker`` (the
        stated figures where no single bar stands for them), ``figure_id``, ``stated``,
        ``citation``; categories of the codebook with published context only ("not recorded"
        is left out).
    """
    rows = categories[categories["cp_plan_category"].isin(list(PLAN_CONTEXT))]
    keep = ["cp_plan_category", "label", "review_period", "count", "denominator_count"]
    keep += ["percent", "ci_low_percent", "ci_high_percent"]
    members = [c for c in rows.columns if c.startswith(PREFIX) and c != PREFIX + "implied"]
    recomputed = rows[keep + members].assign(
        source=[f"{p} recomputed" for p in rows["review_period"]], marker=""
    )
    published = []
    labels = dict(zip(rows["cp_plan_category"], rows["label"], strict=False))
    for category, (sample, national) in PLAN_CONTEXT.items():
        label = labels.get(category, category)
        published.append(_published_bar(category, label, SCR_SAMPLE, sample))
        published.append(_published_bar(category, label, NATIONAL, (national,)))
    table = pd.concat([recomputed, pd.DataFrame(published)], ignore_index=True)
    order = list(PLAN_CONTEXT)
    table["_order"] = table["cp_plan_category"].map(order.index)
    table = table.sort_values("_order", kind="stable").drop(columns="_order")
    for column in members:  # published rows count no one from the case data
        table[column] = table[column].astype("object").where(table[column].notna(), None)
    columns = ["cp_plan_category", "label", "source", "review_period", "count"]
    columns += ["denominator_count", "percent", "ci_low_percent", "ci_high_percent", "marker"]
    columns += ["figure_id", "stated", "citation"]
    table = table[columns + members].reset_index(drop=True)
    for column in ("count", "denominator_count"):
        table[column] = table[column].astype("Int64")
    return table.fillna({"marker": "", "figure_id": "", "stated": "", "citation": ""})


def plan_neglect_check(categories: pd.DataFrame) -> pd.DataFrame:
    """Neglect as the plan's category, 2014-17, beside the briefing's "50 out of 84".

    Returns one row per period: the recomputed neglect count of the children with a plan,
    and, for 2014-17, the briefing's figure where the register holds it (its n of N as a
    percentage is our arithmetic), else "not in the register"; ``verdict`` says whether the
    published share lies inside the recomputed 95% interval.
    """
    rows = categories[categories["cp_plan_category"] == "neglect"].copy()
    held = _held(PLAN_NEGLECT_FIGURE)
    rows["figure_id"] = [
        PLAN_NEGLECT_FIGURE if p == "2014-17" and held is not None else ""
        for p in rows["review_period"]
    ]
    published = [
        (float(held["value"]), float(held["denominator"])) if held is not None and f else None
        for f in rows["figure_id"]
    ]
    rows["published_n"] = [p[0] if p else np.nan for p in published]
    rows["published_of"] = [p[1] if p else np.nan for p in published]
    rows["published_percent"] = 100 * rows["published_n"] / rows["published_of"]
    rows["stated"] = [
        str(held["statement"]) if f else ("not in the register" if p == "2014-17" else "")
        for f, p in zip(rows["figure_id"], rows["review_period"], strict=True)
    ]
    rows["verdict"] = [
        "" if np.isnan(p) else ("inside the interval" if lo <= p <= hi else "outside the interval")
        for p, lo, hi in zip(
            rows["published_percent"], rows["ci_low_percent"], rows["ci_high_percent"], strict=True
        )
    ]
    members = [c for c in rows.columns if c.startswith(PREFIX)]
    rows = rows[[c for c in rows.columns if c not in members] + members].reset_index(drop=True)
    rows.attrs[PUBLISHED_COLUMNS] = ("published_n", "published_of", "published_percent")
    return rows


def _held(figure_id: str) -> pd.Series | None:
    try:
        return figure(figure_id)
    except KeyError:
        return None


def ever_items(cases: pd.DataFrame) -> pd.DataFrame:
    """Children ever on a plan, ever looked after, and with a plan for them or a sibling, by
    period; and the child-or-sibling share among children who died, beside the 2005-09 figure.

    Needs ``cp_plan_ever``, ``looked_after_ever``, ``cp_plan_child_or_sibling`` and
    ``outcome``. Child-level items: every child is in the base. Each item has a row for "yes"
    and one for "not recorded" (never a "no"); the "no" rows are left out, their count the
    rest of the base. A row of its own for "not recorded" is withheld on its own when small,
    leaving the share coded yes.

    Returns
    -------
    DataFrame
        ``review_period``, ``base`` ("of all children" or "of children who died"),
        ``variable``, ``label`` (the item's), ``answer`` (``yes`` or ``not_recorded``),
        ``count``, ``denominator_count``, ``percent`` with its 95% interval (and design effect
        where siblings share a review); on the deaths rows, the 2005-09 figure as
        ``figure_id``, ``stated``, ``citation`` and ``published_percent``.
    """
    died = cases[cases["outcome"].astype("object") == "death"]
    parts = [
        (item, "of all children", proportion_table(cases, item, by="review_period"))
        for item in EVER_ITEMS
    ]
    item = "cp_plan_child_or_sibling"
    parts.append((item, "of children who died", proportion_table(died, item, by="review_period")))
    context = _held(CHILD_OR_SIBLING_FIGURE)
    tables = []
    for item, base, table in parts:
        table = table[table[item].isin(["yes", "not_recorded"])].rename(columns={item: "answer"})
        label = all_variables()[item].label
        table = table.assign(base=base, variable=item, answer_label=table["label"], label=label)
        # the published share sits beside the deaths' "yes" rows only
        beside = (table["answer"] == "yes").to_numpy() & (base == "of children who died")
        for column, (value, blank) in _context_cells(context).items():
            table[column] = np.where(beside, value, blank)
        tables.append(table)
    out = pd.concat(tables, ignore_index=True)
    out = out.sort_values(["review_period"], kind="stable")
    first = ["review_period", "base", "variable", "label", "answer", "answer_label"]
    members = [c for c in out.columns if c.startswith(PREFIX)]
    drop = {"review_period_label"}
    rest = [c for c in out.columns if c not in first and c not in members and c not in drop]
    out = out[first + rest + members].reset_index(drop=True)
    out.attrs[PUBLISHED_COLUMNS] = ("published_percent",)
    return out


def _context_cells(context: pd.Series | None) -> dict[str, tuple]:
    """The published figure's cells for the rows beside it, and the blank for the others."""
    if context is None:
        return {
            "figure_id": ("", ""),
            "stated": ("", ""),
            "citation": ("", ""),
            "published_percent": (np.nan, np.nan),
        }
    return {
        "figure_id": (CHILD_OR_SIBLING_FIGURE, ""),
        "stated": (f"{stated(context)} ({context['review_period']})", ""),
        "citation": (cite(CHILD_OR_SIBLING_FIGURE), ""),
        "published_percent": (float(context["value"]), np.nan),
    }


def plan_neglect_sentence(check: pd.DataFrame, calibrated: frozenset[str], synthetic: bool) -> str:
    """The neglect plans of each period in words, and the briefing's figure beside 2014-17's,
    computed from the (protected) :func:`plan_neglect_check`.

    >>> t = pd.DataFrame({"review_period": ["2014-17"], "count": [50], "denominator_count": [84],
    ...                   "percent": [59.5], "ci_low_percent": [48.8], "ci_high_percent": [69.4],
    ...                   "figure_id": ["f"], "stated": ["50 out of 84"],
    ...                   "published_percent": [59.5], "verdict": ["inside the interval"]})
    >>> print(plan_neglect_sentence(t, frozenset({"f"}), True))  # doctest: +NORMALIZE_WHITESPACE
    2014-17: neglect was the plan's category for 50 of the 84 children with a plan (60%, 95%
    interval 49-69%); the briefing's figure ("50 out of 84", 60% by our arithmetic) lies inside
    the interval. On the shipped data the generator was built to give it (a calibration target):
    agreement by construction.
    """
    parts = []
    for row in check.itertuples():
        if pd.isna(row.percent):
            text = f"{row.review_period}: the share is withheld with a small count ([c])"
        else:
            text = (
                f"{row.review_period}: neglect was the plan's category for {row.count} of the "
                f"{row.denominator_count} children with a plan ({row.percent:.0f}%, 95% interval "
                f"{row.ci_low_percent:.0f}-{row.ci_high_percent:.0f}%)"
            )
        if row.figure_id:
            text += (
                f'; the briefing\'s figure ("{row.stated}", {row.published_percent:.0f}% by our '
                f"arithmetic)"
                + (f" lies {row.verdict}" if str(row.verdict).endswith("interval") else "")
            )
            if synthetic and row.figure_id in calibrated:
                text += (
                    ". On the shipped data the generator was built to give it (a calibration "
                    "target): agreement by construction"
                )
        elif row.stated:
            text += f"; the 2014-17 briefing's figure on plans is {row.stated}"
        parts.append(text + ".")
    return " ".join(parts)


def percent_wide(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """A category table by ``by`` as a reader scans it: one row per category, one column per
    period and group, the percentages (a display of the protected table; counts are in its CSV).
    """
    return table.pivot_table(
        index="label",
        columns=["review_period", f"{by}_label"],
        values="percent",
        sort=False,
        observed=True,
        dropna=False,
    )
