"""The research team's coding framework, item by item, and which codebook variable holds each.

``codebook/framework_items.csv`` lists the 65 case-level items the team is seen coding in its
published work (pieced together from the reports' contents pages, key findings, journal
abstracts, briefings and slides), each with where it was seen and the variable (and code) that
holds it, or why the codebook does not. ``docs/codebook.md`` shows the list; a test checks that
every named variable and code exists, so the count cannot drift from the codebook.
"""

from __future__ import annotations

import pandas as pd

from analysis.casedata.codebook import load_codebook
from analysis.paths import CODEBOOK_DIR

FRAMEWORK_FILE = CODEBOOK_DIR / "framework_items.csv"


def framework_items() -> pd.DataFrame:
    """The framework's items: ``group``, ``item``, ``where_seen``, ``variable``, ``code``,
    ``held`` ("yes"/"no") and ``why_not_held``, in the framework's order."""
    return pd.read_csv(FRAMEWORK_FILE, dtype=str, keep_default_na=False)


def framework_problems() -> list[str]:
    """Items whose variable or code the codebook lacks, or that are held without one (empty
    when the list and the codebook agree).

    >>> framework_problems()
    []
    """
    codebook = load_codebook()
    problems = []
    for item in framework_items().itertuples(index=False):
        if item.held == "no":
            if not item.why_not_held:
                problems.append(f"{item.item}: not held, and no reason given")
            continue
        if item.variable not in codebook.variables:
            problems.append(f"{item.item}: no codebook variable {item.variable!r}")
        elif item.code and item.code not in codebook[item.variable].codes:
            problems.append(f"{item.item}: {item.variable} has no code {item.code!r}")
    return problems


def framework_lines() -> list[str]:
    """The framework as a Markdown section of ``docs/codebook.md``."""
    items = framework_items()
    held = items["held"] == "yes"
    lines = [
        "",
        "## The team's framework, item by item",
        "",
        f"The codebook holds **{held.sum()} of the {len(items)} case-level items** the research "
        "team is seen coding in its published work (`analysis/casedata/codebook/"
        "framework_items.csv`, from the reports' contents, key findings, abstracts, briefings "
        "and slides). Where the sources name an item without defining it, the variable's "
        "source says the codes are the kit's reading.",
        "",
        "| group | item | where seen | held by |",
        "|---|---|---|---|",
    ]
    for item in items.itertuples(index=False):
        code = f" = `{item.code}`" if item.code else ""
        held_by = (
            f"`{item.variable}`{code}" if item.held == "yes" else f"not held: {item.why_not_held}"
        )
        lines.append(f"| {item.group} | {item.item} | {item.where_seen} | {held_by} |")
    return lines
