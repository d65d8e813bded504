"""Write the data dictionary (docs/codebook.md) from the codebook, so the two never drift."""

from __future__ import annotations

from analysis.casedata.codebook import PERIODS, Applicability, Codebook, load_codebook
from analysis.casedata.framework import framework_lines
from analysis.casedata.rules import rule_catalogue


def _asked_of(codebook: Codebook, name: str) -> str:
    """A variable's "asked of" cell: the condition's description and rule, or "all"."""
    condition = codebook.asked_of(name)
    return "all" if condition is None else f"{condition.description} ({condition.rule})"


def _condition_words(condition: Applicability) -> str:
    return " or ".join(
        f"`{c.variable}` in {', '.join(f'`{code}`' for code in c.codes)}"
        for c in condition.conditions
    )


def _applicability_lines(codebook: Codebook) -> list[str]:
    """Who each item is asked of, condition by condition, and the columns never output."""
    lines = [
        "",
        "## Who an item is asked of",
        "",
        "Each condition is a rule of its own (`python -m analysis rules`). An item asked under",
        "a condition must be blank, or its missing code, on a row where the condition is known",
        "not to hold: its column gives another code, or is itself an item not asked on that row",
        "(a suicide is asked neither about the sleep environment nor about co-sleeping). Where",
        "the condition is unknown (blank, a missing code, a column the file lacks), any value",
        "is accepted.",
        "",
    ]
    for condition in codebook.applicability.values():
        asked = [v.name for v in codebook.variables.values() if v.asked_of == condition.name]
        lines.append(
            f"- **{condition.name}** (rule {condition.rule}; {_condition_words(condition)}): "
            f"{condition.description}. Asked: {', '.join(f'`{a}`' for a in asked)}."
        )
    lines += ["", "## Never written to any output", ""]
    for name in codebook.never_output:
        lines.append(
            f"- `{name}` ({codebook[name].label}) is accepted, to link a file to public "
            "statistics for its area, but its values are never written to any output: a run "
            "refuses a table or figure that carries it, and no message of the checks quotes it."
        )
    return lines


def codebook_markdown() -> str:
    """The codebook of every period, and the rule catalogue, as Markdown."""
    base = load_codebook(PERIODS[0])
    lines = [
        "# Codebook: coded case data",
        "",
        "Generated from `analysis/casedata/codebook/*.yaml` by `python -m analysis codebook`; "
        "do not edit.",
        "One row per child in a Serious Case Review. **Codes** are what you enter; the loader",
        "also accepts the **label** (any case or spacing) where it maps to exactly one code.",
        "Blank cells are missing values. *Final report only* variables must be blank or",
        "`not_recorded` when `final_report_available` is `no`. *Review-level* variables are",
        "family-level codes of the review: every row of one review (siblings) gives the same",
        "value (rule XF009), and measures over reviews read them once per review. The",
        "**number** is a code's value in a file coded with numbers (SPSS, Stata): it is read",
        "through the value labels `python -m analysis template --format sps|do` sets, never",
        "guessed from a number alone (see `docs/coding.md`).",
        "*Asked of* names who an item is asked of (a condition below, each enforced by its own",
        "rule): where the condition is known not to hold, the item is blank or its missing code.",
        "**Source** says where the team's published work shows the item, or that it is the",
        "kit's reading.",
        "",
        "## Definitions",
        "",
    ]
    for name, spec in base.definitions.items():
        codes = ", ".join(f"`{c}`" for c in spec["codes"])
        lines.append(
            f"- **{name}** (`{spec['variable']}` in {codes}): "
            f"{' '.join(str(spec['description']).split())}"
        )
    lines += _applicability_lines(base)
    lines += ["", f"## Variables ({base.period})", ""]
    lines += [
        "| variable | label | type | required | final report only | review-level "
        "| asked of | codes (label, number) "
        "| missing codes | used by measures | description | source |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for var in base.variables.values():
        codes = (
            "<br>".join(
                f"`{c}` ({lab}, {var.numeric[c]})" if c in var.numeric else f"`{c}` ({lab})"
                for c, lab in var.codes.items()
            )
            or "text"
        )
        if var.pattern:
            codes += f" of the form {var.pattern_description or var.pattern} (SCH011)"
        lines.append(
            f"| `{var.name}` | {var.label} | {var.type} | {'yes' if var.required else 'no'} "
            f"| {'yes' if var.final_report_only else 'no'} "
            f"| {'yes' if var.level == 'review' else 'no'} | {_asked_of(base, var.name)} "
            f"| {codes} "
            f"| {', '.join(f'`{c}`' for c in var.missing_codes)} "
            f"| {', '.join(var.measures)} | {var.description} | {var.source} |"
        )
    for period in PERIODS[1:]:
        cb = load_codebook(period)
        lines += [
            "",
            f"## What changes in {period}",
            "",
            f"- Incident years: {', '.join(cb.incident_years)}.",
        ]
        for name, var in cb.variables.items():
            if var != base.variables.get(name):
                lines.append(
                    f"- `{name}`: required = {'yes' if var.required else 'no'}. {var.description}"
                )
    lines += framework_lines()
    lines += [
        "",
        "## Validation rules",
        "",
        "| code | name | severity | message |",
        "|---|---|---|---|",
    ]
    for r in rule_catalogue().itertuples(index=False):
        lines.append(f"| {r.code} | {r.name} | {r.severity} | {r.message} |")
    return "\n".join(lines) + "\n"
