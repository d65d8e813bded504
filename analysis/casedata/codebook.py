"""Read the codebook: variables, codes, labels and missing codes for each review period.

The codebook is data (``analysis/casedata/codebook/<period>.yaml``). A later period states only what
changed (``extends:``); :func:`load_codebook` merges it onto the earlier one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from analysis.content import read_yaml
from analysis.paths import CODEBOOK_DIR

PERIODS: tuple[str, ...] = ("2011-14", "2014-17")


@dataclass(frozen=True)
class Variable:
    """One codebook variable.

    ``codes`` maps each allowed code to its label, in display (category) order.
    """

    name: str
    type: str
    description: str
    label: str = ""
    required: bool = False
    blank_allowed: bool = False
    unique: bool = False
    final_report_only: bool = False
    #: "review" for a family-level code every child of one review shares, else "child"
    level: str = "child"
    codes: dict[str, str] = field(default_factory=dict)
    missing_codes: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    measures: tuple[str, ...] = ()
    #: the number each code has in a numerically coded (SPSS, Stata) file; stable once given
    numeric: dict[str, int] = field(default_factory=dict)

    @property
    def is_category(self) -> bool:
        return self.type == "category"

    @property
    def valid_codes(self) -> tuple[str, ...]:
        """Codes that carry information (allowed codes less the missing ones)."""
        return tuple(c for c in self.codes if c not in self.missing_codes)

    def code_of_number(self, number: int) -> str | None:
        """The code a number stands for in a numerically coded file, or None.

        >>> load_codebook()["sex"].code_of_number(99)
        'not_known'
        """
        for code, value in self.numeric.items():
            if value == number:
                return code
        return None


@dataclass(frozen=True)
class Codebook:
    """The codebook of one review period."""

    period: str
    title: str
    incident_years: tuple[str, ...]
    variables: dict[str, Variable]
    definitions: dict[str, dict]

    def __getitem__(self, name: str) -> Variable:
        return self.variables[name]

    @property
    def required(self) -> list[str]:
        return [v.name for v in self.variables.values() if v.required]

    @property
    def final_report_only(self) -> list[str]:
        return [v.name for v in self.variables.values() if v.final_report_only]

    @property
    def review_level(self) -> list[str]:
        """Variables coded once per review, so every row of a review gives the same value."""
        return [v.name for v in self.variables.values() if v.level == "review"]

    def codes_for(self, definition: str) -> tuple[str, ...]:
        """Codes that make up a named definition, e.g. ``csc_involved_at_incident``."""
        return tuple(self.definitions[definition]["codes"])


def _merge(base: dict, change: dict) -> dict:
    merged = dict(base)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _numbers(period: str, name: str, spec: dict) -> dict[str, int]:
    """A variable's numeric codes, checked: one whole number per code, no number twice.

    A codebook that breaks this is the kit's mistake, not the user's, so it fails loudly.
    """
    numeric = spec.get("numeric") or {}
    codes = [str(c) for c in (spec.get("codes") or {})]
    numbers = {str(k): v for k, v in numeric.items()}
    if numbers and (sorted(numbers) != sorted(codes)):
        raise ValueError(f"codebook {period}: {name}: numeric must give a number to every code")
    if any(type(v) is not int for v in numbers.values()):
        raise ValueError(f"codebook {period}: {name}: numeric codes must be whole numbers")
    if len(set(numbers.values())) != len(numbers):
        raise ValueError(f"codebook {period}: {name}: two codes share a number")
    return {c: numbers[c] for c in codes if c in numbers}


def _raw(period: str) -> dict:
    path = CODEBOOK_DIR / f"{period}.yaml"
    if not path.exists():
        raise ValueError(f"No codebook for review period {period!r}; known: {', '.join(PERIODS)}")
    raw = read_yaml(path)
    if "extends" in raw:
        raw = _merge(_raw(raw["extends"]), {k: v for k, v in raw.items() if k != "extends"})
    return raw


@cache
def load_codebook(period: str = "2011-14") -> Codebook:
    """Load the codebook of a review period, with a later period merged onto the one it extends.

    Parameters
    ----------
    period : str
        ``"2011-14"`` or ``"2014-17"``.

    Returns
    -------
    Codebook

    Examples
    --------
    >>> cb = load_codebook("2014-17")
    >>> cb["review_id"].required, cb.incident_years[0]
    (True, '2014-15')
    >>> cb.codes_for("csc_involved_at_incident")[0]
    'open_child_in_need'
    """
    raw = _raw(period)
    variables = {}
    for name, spec in raw["variables"].items():
        if spec.get("level", "child") not in ("child", "review"):
            raise ValueError(f"codebook {period}: {name}: level must be child or review")
        variables[name] = Variable(
            name=name,
            type=spec["type"],
            description=" ".join(str(spec.get("description", "")).split()),
            label=str(spec.get("label", name)),
            required=bool(spec.get("required", False)),
            blank_allowed=bool(spec.get("blank_allowed", False)),
            unique=bool(spec.get("unique", False)),
            final_report_only=bool(spec.get("final_report_only", False)),
            level=str(spec.get("level", "child")),
            codes={str(k): str(v) for k, v in (spec.get("codes") or {}).items()},
            missing_codes=tuple(spec.get("missing_codes", ())),
            aliases={str(k): str(v) for k, v in (spec.get("aliases") or {}).items()},
            measures=tuple(spec.get("measures", ())),
            numeric=_numbers(period, name, spec),
        )
    return Codebook(
        period=str(raw["period"]),
        title=str(raw.get("title", "")),
        incident_years=tuple(raw["incident_years"]),
        variables=variables,
        definitions=raw.get("definitions", {}),
    )


def normalise_token(value: str) -> str:
    """Fold case, spaces, hyphens and underscores so "Serious harm" matches ``serious_harm``.

    >>> normalise_token("  Serious-Harm ")
    'serious harm'
    """
    return re.sub(r"[\s_\-]+", " ", str(value).strip().casefold()).strip()


@cache
def value_lookup(period: str, variable: str) -> dict[str, str]:
    """Map every accepted spelling (code, label, alias; normalised) to its code.

    A spelling that would map to two different codes is ambiguous and left out, so it is
    reported as an invalid value rather than guessed.
    """
    var = load_codebook(period)[variable]
    candidates: dict[str, set[str]] = {}
    pairs = [(c, c) for c in var.codes] + [(lab, c) for c, lab in var.codes.items()]
    pairs += list(var.aliases.items())
    for spelling, code in pairs:
        candidates.setdefault(normalise_token(spelling), set()).add(code)
    return {k: next(iter(v)) for k, v in candidates.items() if len(v) == 1}


def all_variables() -> dict[str, Variable]:
    """Variables across every period (later periods override), for loading mixed files."""
    merged: dict[str, Variable] = {}
    for period in PERIODS:
        merged.update(load_codebook(period).variables)
    return merged
