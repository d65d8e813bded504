"""Published figures about a subgroup, computed over that subgroup.

A figure of ``data/published/`` with a ``category`` is about part of a population: the SUDI
paper's "18/27 hazardous sleep environment" counts SUDI deaths with a final report, not every
review. ``subgroups.yaml`` beside this module says, as data, which rows each such figure is
computed over (a chain of subgroups: SUDI deaths, those with a final report, those in a
hazardous sleep environment...) and what is counted there; :func:`compute_figure` computes any
register row the case data can speak to, whole-population or subgroup, as a
:class:`~analysis.stats.measures.Result` with the units behind each count (for disclosure
control, :mod:`analysis.stats.members`).

Examples
--------
Four SUDI deaths, three with a final report, two of those in a hazardous sleep environment:

>>> cases = pd.DataFrame({
...     "case_id": ["a", "b", "c", "d", "e"],
...     "review_id": ["R1", "R2", "R3", "R4", "R5"],
...     "death_category": ["sudi", "sudi", "sudi", "sudi", "suicide"],
...     "final_report_available": ["yes", "yes", "yes", "no", "yes"],
...     "hazardous_sleep_environment": ["yes", "yes", "no", None, None]})
>>> fig = {"measure": "feature_count", "category": "hazardous_sleep_environment",
...        "report": "Garstang & Sidebotham, ADC 104(1):30 (2011-14 SUDI SCRs)", "unit": "count"}
>>> r = compute_figure(fig, cases)
>>> r.value, r.numerator, r.denominator
(2.0, 2, 3)
>>> computed_over(fig)
'SUDI deaths with a final report'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import pandas as pd

from analysis.content import read_yaml
from analysis.stats.measures import MEASURES, Result, compute, reviews
from analysis.stats.members import members_of
from analysis.stats.units import is_final_report_measure

SUBGROUPS_FILE = Path(__file__).with_name("subgroups.yaml")


@dataclass(frozen=True)
class Subgroup:
    """Rows of the case data: a condition, within another subgroup, counted as rows or
    reviews."""

    name: str
    label: str
    conditions: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]  # any of (all of (col, codes))
    within: str | None = None
    unit: str = "children"


@dataclass(frozen=True)
class SubgroupFigure:
    """How one kind of published subgroup figure is computed."""

    measure: str
    category: str
    over: str
    label: str
    report: str | None = None
    compute: str | None = None  # a registered measure over the subgroup, or...
    count: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...] = ()  # ...the rows counted
    caveat: str = ""


def _condition(spec: Mapping) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]:
    """``{column: codes}`` (all hold) or ``{"any_of": [{column: codes}, ...]}`` as a tuple of
    alternatives, each a tuple of (column, codes) that must all hold."""
    alternatives = spec["any_of"] if "any_of" in spec else [spec]
    return tuple(
        tuple((str(column), tuple(str(c) for c in codes)) for column, codes in alt.items())
        for alt in alternatives
    )


@cache
def _read() -> tuple[dict[str, Subgroup], tuple[SubgroupFigure, ...]]:
    data = read_yaml(SUBGROUPS_FILE)
    groups = {
        name: Subgroup(
            name=name,
            label=spec["label"],
            conditions=_condition(
                {"any_of": spec["any_of"]} if "any_of" in spec else spec["where"]
            ),
            within=spec.get("within"),
            unit=spec.get("unit", "children"),
        )
        for name, spec in data["subgroups"].items()
    }
    figures = []
    for spec in data["figures"]:
        if spec["over"] not in groups:
            raise ValueError(f"{SUBGROUPS_FILE.name}: no subgroup {spec['over']!r}")
        if ("compute" in spec) == ("count" in spec):
            raise ValueError(f"{SUBGROUPS_FILE.name}: {spec['category']}: give compute or count")
        figures.append(
            SubgroupFigure(
                measure=spec["measure"],
                category=spec["category"],
                over=spec["over"],
                label=spec["label"],
                report=spec.get("report"),
                compute=spec.get("compute"),
                count=_condition(spec["count"]) if "count" in spec else (),
                caveat=" ".join(str(spec.get("caveat", "")).split()),
            )
        )
    return groups, tuple(figures)


def subgroups() -> dict[str, Subgroup]:
    """Every subgroup of ``subgroups.yaml``, by name."""
    return _read()[0]


def subgroup_figures() -> tuple[SubgroupFigure, ...]:
    """Every kind of subgroup figure ``subgroups.yaml`` computes."""
    return _read()[1]


def _category(fig: Mapping) -> str:
    category = fig.get("category")
    return "" if category is None or pd.isna(category) else str(category).strip()


def spec_for(fig: Mapping) -> SubgroupFigure | None:
    """The entry computing a published subgroup figure (a register row), or None.

    An entry naming the row's ``report`` is preferred to one that names none.
    """
    matches = [
        s
        for s in subgroup_figures()
        if s.measure == fig["measure"]
        and s.category == _category(fig)
        and s.report in (None, fig.get("report"))
    ]
    return max(matches, key=lambda s: s.report is not None, default=None)


def chain(name: str) -> list[Subgroup]:
    """A subgroup and those it is taken within, outermost first."""
    group = subgroups()[name]
    return [*(chain(group.within) if group.within else []), group]


def _holds(rows: pd.DataFrame, condition) -> pd.Series:
    hit = pd.Series(False, index=rows.index)
    for alternative in condition:
        every = pd.Series(True, index=rows.index)
        for column, codes in alternative:
            every &= rows[column].astype("object").isin(list(codes))
        hit |= every
    return hit


def _columns(condition) -> list[str]:
    return [column for alternative in condition for column, _ in alternative]


def columns_needed(spec: SubgroupFigure) -> list[str]:
    """The codebook columns a subgroup figure needs, in the order first named."""
    names = [c for group in chain(spec.over) for c in _columns(group.conditions)]
    names += _columns(spec.count)
    return list(dict.fromkeys(names))


def subgroup_rows(cases: pd.DataFrame, name: str) -> pd.DataFrame:
    """The rows of a subgroup: each condition of its chain in turn (reviews first where a
    subgroup counts reviews, so a review counts once, by its representative row)."""
    rows = cases
    for group in chain(name):
        if group.unit == "reviews":
            rows = reviews(rows)
        rows = rows[_holds(rows, group.conditions).to_numpy()]
    return rows


def compute_subgroup(spec: SubgroupFigure, cases: pd.DataFrame, unit: str) -> Result:
    """One subgroup figure on one review period's cases.

    Parameters
    ----------
    spec : SubgroupFigure
        From :func:`spec_for`.
    cases : DataFrame
        Loaded cases of one review period.
    unit : str
        The published figure's unit: ``count`` (a count out of the subgroup: ``numerator`` and
        ``value`` the count, ``denominator`` the subgroup) or ``percent`` (a share of it);
        ignored where the entry computes a registered measure.

    Raises
    ------
    ValueError
        A column the figure needs is not in the data.
    """
    missing = [c for c in columns_needed(spec) if c not in cases.columns]
    if missing:
        raise ValueError(
            f"{spec.measure} ({spec.category}) needs column(s) {missing}, not in this dataset"
        )
    base = subgroup_rows(cases, spec.over)
    if spec.compute:
        return replace(compute(spec.compute, base), measure=spec.measure)
    hits = base[_holds(base, spec.count).to_numpy()]
    members = {"numerator": members_of(hits), "denominator": members_of(base)}
    if unit == "count":
        return Result(
            spec.measure,
            float(len(hits)),
            len(hits),
            len(base),
            "count",
            {**members, "value": members["numerator"]},
        )
    share = 100 * len(hits) / len(base) if len(base) else float("nan")
    return Result(spec.measure, share, len(hits), len(base), "percent", members)


def compute_figure(fig: Mapping, cases: pd.DataFrame) -> Result:
    """Recompute one published figure (a register row) on one review period's cases.

    A row without a ``category`` is its registered measure over every row
    (:func:`analysis.stats.measures.compute`); a row with one is computed over its subgroup.

    Raises
    ------
    KeyError
        The figure is not computable from case data: its measure is not registered, or its
        subgroup is not in ``subgroups.yaml``.
    ValueError
        A column the figure needs is missing from the data.
    """
    if not _category(fig):
        return compute(fig["measure"], cases)
    spec = spec_for(fig)
    if spec is None:
        raise KeyError(f"a subgroup figure ({_category(fig)}) not coded")
    return compute_subgroup(spec, cases, str(fig.get("unit", "count")))


def computed_over(fig: Mapping) -> str:
    """What a published figure is computed over, in words ("" for a whole population)."""
    spec = spec_for(fig) if _category(fig) else None
    return subgroups()[spec.over].label if spec else ""


def figure_label(fig: Mapping) -> str:
    """A subgroup figure's name in a table or chart ("Co-sleeping"; "" for a whole
    population)."""
    spec = spec_for(fig) if _category(fig) else None
    return spec.label if spec else ""


def caveat(fig: Mapping) -> str:
    """Where the codebook's item is not quite the source's ("" where it is)."""
    spec = spec_for(fig) if _category(fig) else None
    return spec.caveat if spec else ""


def final_report_column(fig: Mapping) -> str | None:
    """The column of a share coded only in final reports and computed over the reviews with
    one (a registered final-report share, or a subgroup share over ``final_reports``), whose
    range over all SCRs the scorecard shows beside it; None for any other figure."""
    if not _category(fig):
        name = fig["measure"]
        return MEASURES[name].columns[0] if is_final_report_measure(name) else None
    spec = spec_for(fig)
    if spec is None or spec.compute or [g.name for g in chain(spec.over)] != ["final_reports"]:
        return None
    columns = _columns(spec.count)
    return columns[0] if len(columns) == 1 else None
