"""The "toxic trio": domestic abuse, parental mental ill health and substance misuse, together
and apart, among the reviews with a final report (notebook 04).

Each review falls in exactly one combination, so the combinations partition the reviews; the
summary (none, at least one, two or more, all three) is summed from them before protection.
Published values are read by ``figure_id`` from ``data/published/``, never typed here.
"""

from __future__ import annotations

import pandas as pd

from analysis.reference.published import figure, stated
from analysis.stats.members import PREFIX
from analysis.stats.tables import combinations_table, with_interval

#: The "toxic trio" as the notebook counts it: substance misuse is alcohol or drug misuse.
TRIO = {
    "domestic_abuse": ("parent_domestic_abuse",),
    "mental_ill_health": ("parent_mental_ill_health",),
    "substance_misuse": ("parent_alcohol_misuse", "parent_drug_misuse"),
}
#: Display words for the trio's flags.
TRIO_LABELS = {
    "domestic_abuse": "domestic abuse",
    "mental_ill_health": "mental ill health",
    "substance_misuse": "substance misuse",
}
#: Published "any of the three" (2005-07, "nearly three quarters"): the only trio figure found.
TRIO_ANY_FIGURE = "p2005_toxic_trio_any"


def trio_flags(cases: pd.DataFrame) -> dict[str, pd.Series]:
    """Per row: domestic abuse, mental ill health, substance misuse (alcohol or drug) coded yes.

    Needs the parental factor columns; ``not_recorded`` and blank count as not present (so the
    shares are "of the reviews", as elsewhere). Pass the result to
    :func:`analysis.stats.tables.combinations_table`.
    """
    return {name: cases[list(columns)].eq("yes").any(axis=1) for name, columns in TRIO.items()}


def trio_combinations(cases: pd.DataFrame) -> pd.DataFrame:
    """Every combination of the trio among reviews with a final report, with a display label.

    :func:`analysis.stats.tables.combinations_table` on :func:`trio_flags`, plus ``label``
    ("Domestic abuse + substance misuse", "None of the three"), so figures need no renaming
    (their data columns must be snake_case, which the flag names are).
    """
    table = combinations_table(cases, trio_flags(cases))
    labels = []
    for _, row in table.iterrows():
        present = [TRIO_LABELS[name] for name in TRIO if row[name]]
        text = " + ".join(present) if present else "none of the three"
        if 0 < len(present) < len(TRIO):
            text += " only"  # each row is one exact combination, not "at least"
        labels.append(text[0].upper() + text[1:])
    table.insert(table.columns.get_loc("combination") + 1, "label", labels)
    return table


def trio_summary(combinations: pd.DataFrame) -> pd.DataFrame:
    """How many of the three factors co-occur: none, at least one, two or more, all three.

    Each count is the sum of the combinations it covers, so it must be taken from the
    unprotected combinations: summing a protected table counts a suppressed cell as zero ("at
    least one" in 18 of 38 reviews, where 28 is true). Protect the summary with the run instead.

    Parameters
    ----------
    combinations : DataFrame
        From :func:`trio_combinations` (or :func:`analysis.stats.tables.combinations_table` with
        :func:`trio_flags`; columns ``factors_present``, ``count``, ``denominator_count``), not
        protected; with ``members__count`` and ``members__denominator_count``, the summary
        carries its counts' units (the union of the combinations each sums).

    Returns
    -------
    DataFrame
        ``measure``, ``label``, ``count``, ``denominator_count``, ``percent``,
        ``ci_low_percent``, ``ci_high_percent`` (95% Wilson), ``figure_id`` (the published
        figure to set beside it, for "at least one": :data:`TRIO_ANY_FIGURE`), ``stated``;
        ``members__count``, ``members__denominator_count`` when the combinations have them.

    Raises
    ------
    ValueError
        A count of ``combinations`` is missing (suppressed): the table was protected already.
    """
    counts = pd.to_numeric(combinations["count"], errors="coerce")
    if counts.isna().any():
        raise ValueError(
            "trio_summary needs the unprotected combinations (a suppressed count would be "
            "summed as zero); pass trio_combinations(cases), then protect both with the run"
        )
    n_factors = int(combinations["factors_present"].max())
    denominator = int(combinations["denominator_count"].iloc[0])
    present = combinations["factors_present"]
    with_members = PREFIX + "count" in combinations.columns
    selections = [
        ("none", "None of the three", present == 0, ""),
        ("any", "At least one of the three", present >= 1, TRIO_ANY_FIGURE),
        ("two_or_more", "Two or more", present >= 2, ""),
        ("all", "All three" if n_factors == 3 else "All of them", present == n_factors, ""),
    ]
    rows = []
    for measure, label, selected, figure_id in selections:
        row = {
            "measure": measure,
            "label": label,
            "count": int(counts[selected].sum()),
            "denominator_count": denominator,
            "figure_id": figure_id,
            "stated": stated(figure(figure_id)) if figure_id else "",
        }
        if with_members:  # the combinations partition the reviews: the union adds up
            units = combinations.loc[selected, PREFIX + "count"]
            row[PREFIX + "count"] = tuple(sorted(u for m in units for u in m))
            row[PREFIX + "denominator_count"] = combinations[PREFIX + "denominator_count"].iloc[0]
        rows.append(row)
    table = pd.DataFrame(rows)
    columns = list(table.columns)
    interval = ["percent", "ci_low_percent", "ci_high_percent"]
    return with_interval(table)[columns[:4] + interval + columns[4:]]
