"""Write the data dictionary (docs/codebook.md) from the codebook, so the two never drift."""

from __future__ import annotations

from analysis.casedata.codebook import PERIODS, load_codebook
from analysis.casedata.rules import rule_catalogue


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
    lines += ["", f"## Variables ({base.period})", ""]
    lines += [
        "| variable | label | type | required | final report only | review-level "
        "| codes (label, number) "
        "| missing codes | used by measures | description |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for var in base.variables.values():
        codes = (
            "<br>".join(
                f"`{c}` ({lab}, {var.numeric[c]})" if c in var.numeric else f"`{c}` ({lab})"
                for c, lab in var.codes.items()
            )
            or "text"
        )
        lines.append(
            f"| `{var.name}` | {var.label} | {var.type} | {'yes' if var.required else 'no'} "
            f"| {'yes' if var.final_report_only else 'no'} "
            f"| {'yes' if var.level == 'review' else 'no'} | {codes} "
            f"| {', '.join(f'`{c}`' for c in var.missing_codes)} "
            f"| {', '.join(var.measures)} | {var.description} |"
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
