"""What a coder of one review period chooses from: the codes each variable offers."""

from __future__ import annotations

from analysis.casedata.codebook import Codebook, Variable


def offered_codes(var: Variable, codebook: Codebook) -> list[str]:
    """The codes of a coded variable a coder of ``codebook``'s period may give, in order.

    Only the period's own review period and incident years: a 2011-14 review cannot have an
    incident in 2015-16, so neither the workbook nor the label files offer that year.

    >>> from analysis.casedata.codebook import load_codebook
    >>> later = load_codebook("2014-17")
    >>> offered_codes(later["incident_year"], later)
    ['2014-15', '2015-16', '2016-17']
    >>> offered_codes(later["sex"], later)
    ['male', 'female', 'not_known']
    """
    if var.name == "review_period":
        return [codebook.period]
    if var.name == "incident_year":
        return list(codebook.incident_years)
    return list(var.codes)
