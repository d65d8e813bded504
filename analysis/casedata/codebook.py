"""Read the codebook: variables, codes, labels and missing codes for each review period.

The codebook is data (``analysis/casedata/codebook/<period>.yaml``). A later period states only what
changed (``extends:``); :func:`load_codebook` merges it onto the earlier one. A mistake in it (a
variable without its source, an ``asked_of`` naming no condition, a condition naming an unknown
variable or code) is the kit's, so loading fails loudly, naming the period and the variable.
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
    #: where the team's published work shows the item, or "the kit's reading"
    source: str
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
    #: the condition of the codebook's ``applicability:`` naming who the item is asked of
    asked_of: str | None = None
    #: accepted (for linking to public data) but its values are never written to any output
    never_output: bool = False
    #: the form a text value must have (a regular expression, matched whole; rule SCH011)
    pattern: str | None = None
    #: that form in words, for messages
    pattern_description: str = ""

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
class Condition:
    """One variable holding one of some codes, e.g. ``age_band`` in ``11_15``, ``16_17``."""

    variable: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Applicability:
    """Who an item is asked of: a named condition of the codebook's ``applicability:``.

    It holds where any of its ``conditions`` holds (one, or several given as ``any_of``).
    ``rule`` is the stable code of the validation rule that enforces it.
    """

    name: str
    rule: str
    conditions: tuple[Condition, ...]
    description: str

    @property
    def variables(self) -> tuple[str, ...]:
        """The variables the condition reads, in order."""
        return tuple(c.variable for c in self.conditions)


@dataclass(frozen=True)
class Codebook:
    """The codebook of one review period."""

    period: str
    title: str
    incident_years: tuple[str, ...]
    variables: dict[str, Variable]
    definitions: dict[str, dict]
    #: who each item with ``asked_of`` is asked of, by condition name
    applicability: dict[str, Applicability] = field(default_factory=dict)

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

    @property
    def never_output(self) -> list[str]:
        """Variables whose values are accepted but never written to any output (``la_code``)."""
        return [v.name for v in self.variables.values() if v.never_output]

    def asked_of(self, name: str) -> Applicability | None:
        """The condition naming who variable ``name`` is asked of, or None (asked of all).

        >>> load_codebook()["co_sleeping"].asked_of, load_codebook().asked_of("co_sleeping").rule
        ('hazardous_sleep', 'XF016')
        """
        condition = self.variables[name].asked_of
        return None if condition is None else self.applicability[condition]

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


def _pattern(period: str, name: str, spec: dict) -> str | None:
    """A text variable's ``pattern:``, checked to be a regular expression."""
    pattern = spec.get("pattern")
    if pattern is None:
        return None
    if spec["type"] != "text":
        raise ValueError(f"codebook {period}: {name}: pattern is for text variables only")
    try:
        re.compile(str(pattern))
    except re.error as error:
        raise ValueError(
            f"codebook {period}: {name}: pattern is not a regular expression ({error})"
        ) from None
    return str(pattern)


def _condition(period: str, name: str, spec, variables: dict[str, Variable]) -> Condition:
    """One ``{variable, codes}`` of an applicability condition, checked against the variables."""
    if not isinstance(spec, dict) or "variable" not in spec or not spec.get("codes"):
        raise ValueError(f"codebook {period}: applicability {name}: give variable: and codes:")
    variable, codes = str(spec["variable"]), tuple(str(c) for c in spec["codes"])
    if variable not in variables:
        raise ValueError(f"codebook {period}: applicability {name}: {variable!r} is not a variable")
    unknown = [c for c in codes if c not in variables[variable].valid_codes]
    if unknown:
        raise ValueError(
            f"codebook {period}: applicability {name}: {', '.join(map(repr, unknown))} "
            f"is not a code of {variable} that carries information"
        )
    return Condition(variable, codes)


def _applicability(
    period: str, raw: dict, variables: dict[str, Variable]
) -> dict[str, Applicability]:
    """The ``applicability:`` section, checked: each condition names known variables and
    codes and has its own rule code; each ``asked_of`` names a condition; no item is asked
    only where it, or an item asked of it, holds (a loop)."""
    out: dict[str, Applicability] = {}
    for name, spec in (raw.get("applicability") or {}).items():
        if not spec.get("rule") or not spec.get("description"):
            raise ValueError(
                f"codebook {period}: applicability {name}: give rule: and description:"
            )
        parts = spec["any_of"] if "any_of" in spec else [spec]
        out[str(name)] = Applicability(
            name=str(name),
            rule=str(spec["rule"]),
            conditions=tuple(_condition(period, name, part, variables) for part in parts),
            description=" ".join(str(spec["description"]).split()),
        )
    rules = [a.rule for a in out.values()]
    if len(set(rules)) != len(rules):
        raise ValueError(f"codebook {period}: applicability: two conditions share a rule code")
    for var in variables.values():
        if var.asked_of is not None and var.asked_of not in out:
            raise ValueError(
                f"codebook {period}: {var.name}: asked_of {var.asked_of!r} names no condition "
                f"of applicability (known: {', '.join(out)})"
            )
    for var in variables.values():
        seen, todo = set(), [var.name]
        while todo:
            current = variables[todo.pop()].asked_of
            for read in out[current].variables if current else ():
                if read == var.name:
                    raise ValueError(f"codebook {period}: {var.name}: asked_of loops back to it")
                if read not in seen:
                    seen.add(read)
                    todo.append(read)
    return out


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
        source = " ".join(str(spec.get("source") or "").split())
        if not source:
            raise ValueError(
                f"codebook {period}: {name}: no source (where the team's work shows it, or "
                '"the kit\'s reading")'
            )
        variables[name] = Variable(
            name=name,
            type=spec["type"],
            description=" ".join(str(spec.get("description", "")).split()),
            source=source,
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
            asked_of=None if spec.get("asked_of") is None else str(spec["asked_of"]),
            never_output=bool(spec.get("never_output", False)),
            pattern=_pattern(period, name, spec),
            pattern_description=" ".join(str(spec.get("pattern_description", "")).split()),
        )
    return Codebook(
        period=str(raw["period"]),
        title=str(raw.get("title", "")),
        incident_years=tuple(raw["incident_years"]),
        variables=variables,
        definitions=raw.get("definitions", {}),
        applicability=_applicability(period, raw, variables),
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


def all_applicability() -> dict[str, Applicability]:
    """Who each item is asked of, across every period (later periods override)."""
    merged: dict[str, Applicability] = {}
    for period in PERIODS:
        merged.update(load_codebook(period).applicability)
    return merged


def never_output_variables() -> list[str]:
    """Variables of any period whose values are never written to any output (``la_code``)."""
    return [name for name, var in all_variables().items() if var.never_output]
