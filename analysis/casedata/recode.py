"""Categories combined before disclosure control: a researcher's recode file.

A small own file hides many counts. Output-checking practice answers that by recoding: combine
categories (age bands, statuses, ethnic groups) until the table can be published. A recode file
names the groups; the library's tables (:mod:`analysis.stats.tables`) then count each group as
one category, so every count, share and interval of it is computed from the cases, and the
run's protection and audit see the combined table. Which codes may be combined is set in
``recode.yaml`` beside this module: never across a line the analysis draws (babies under one,
a child protection plan at the incident) and never into a missing code.

The file (YAML), beside the data as ``<file stem>.recode.yaml`` or named by ``RECODE=``::

    combine:
      age_band:
        - [11_15, 16_17]
      ethnicity:
        - codes: [asian, black]
          label: Asian, Black or Black British

Codes may be typed as the codebook's codes or labels ("11 to 15").
"""

from __future__ import annotations

import difflib
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from analysis.casedata.codebook import all_variables, normalise_token
from analysis.content import read_yaml
from analysis.errors import RecodeFileError

RULES_PATH = Path(__file__).with_name("recode.yaml")
#: The pipeline names the recode file in force here, for the notebooks' kernels.
RECODE_ENV_VAR = "SCR_RECODE"
#: A recode file beside the data: ``cases.csv`` -> ``cases.recode.yaml``.
SUFFIX = ".recode.yaml"
#: How a combined category's code is made from its codes (``11_15+16_17``).
JOIN = "+"


@dataclass(frozen=True)
class Group:
    """Codes of one variable counted as one category."""

    variable: str
    codes: tuple[str, ...]
    label: str

    @property
    def code(self) -> str:
        """The combined category's code in tables: its codes joined (``11_15+16_17``)."""
        return JOIN.join(self.codes)

    def describe(self) -> str:
        """One line for a person: ``age_band: 11 to 15 + 16 to 17, shown as "11 to 17"``."""
        names = all_variables()[self.variable].codes
        return (
            f'{self.variable}: {" + ".join(names[c] for c in self.codes)}, shown as "{self.label}"'
        )


@dataclass(frozen=True)
class Recode:
    """The groups in force (none: every category as coded)."""

    groups: tuple[Group, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups)

    def _group(self, variable: str, code: str) -> Group | None:
        for group in self.groups:
            if group.variable == variable and code in group.codes:
                return group
        return None

    def code_of(self, variable: str, code: str) -> str:
        """The category a code is counted under."""
        group = self._group(variable, code)
        return group.code if group else code

    def codes(self, variable: str, codes: list[str]) -> list[str]:
        """A variable's categories in order: each group where its first code was."""
        out: list[str] = []
        for code in codes:
            category = self.code_of(variable, code)
            if category not in out:
                out.append(category)
        return out

    def label_of(self, variable: str, category: str) -> str | None:
        """A combined category's label (None: not a combined category)."""
        for group in self.groups:
            if group.variable == variable and group.code == category:
                return group.label
        return None

    def describe(self) -> list[str]:
        """One line for each group, as the run and the checking record say them."""
        return [group.describe() for group in self.groups]


@cache
def recode_rules() -> dict:
    """``recode.yaml``: which codes may be combined, and the messages."""
    return read_yaml(RULES_PATH)


def _message(key: str, **values) -> str:
    return recode_rules()["messages"][key].format(**values)


def allowed_sets(variable: str) -> list[tuple[str, ...]]:
    """The sets of codes of ``variable`` a group may be taken from (none: not combinable)."""
    spec = recode_rules()["variables"].get(variable)
    return [tuple(str(c) for c in _set_codes(s)) for s in spec["sets"]] if spec else []


def _set_codes(entry) -> list:
    return entry["codes"] if isinstance(entry, dict) else entry


def is_ordered(variable: str) -> bool:
    """Whether ``variable``'s codes combine only with their neighbours (age bands)."""
    return bool(recode_rules()["variables"].get(variable, {}).get("ordered", False))


def candidate_groups(variable: str) -> list[tuple[str, ...]]:
    """Every group a recode file may hold for ``variable``, smallest first: runs of neighbours
    of an ordered variable, else every pair and each whole set."""
    out: list[tuple[str, ...]] = []
    for codes in allowed_sets(variable):
        if is_ordered(variable):
            sizes = range(2, len(codes) + 1)
            runs = [codes[i : i + n] for n in sizes for i in range(len(codes) - n + 1)]
        else:
            runs = [(a, b) for k, a in enumerate(codes) for b in codes[k + 1 :]]
            runs += [codes] if len(codes) > 2 else []
        out += [r for r in runs if r not in out]
    return out


def _code(path: Path, variable: str, value) -> str:
    """The code a recode file's value spells (a code or a label), or a clear error."""
    codes = all_variables()[variable].codes
    spellings = {normalise_token(c): c for c in codes}
    spellings |= {normalise_token(label): c for c, label in codes.items()}
    found = spellings.get(normalise_token(str(value)))
    if found is None:
        close = difflib.get_close_matches(str(value), list(codes) + list(codes.values()), n=1)
        raise RecodeFileError(
            path,
            _message(
                "unknown_code",
                value=str(value),
                variable=variable,
                suggestion=repr(close[0]) if close else "none of them",
                codes=", ".join(codes),
            ),
        )
    return found


def _group(path: Path, variable: str, entry) -> Group:
    if isinstance(entry, dict) and isinstance(entry.get("codes"), list):
        values, label = entry["codes"], entry.get("label")
    elif isinstance(entry, list):
        values, label = entry, None
    else:
        raise RecodeFileError(path, f"{variable}: {_message('not_a_group')}")
    codes = tuple(dict.fromkeys(_code(path, variable, v) for v in values))
    if len(codes) < 2:
        raise RecodeFileError(path, f"{variable}: {_message('not_a_group')}")
    order = list(all_variables()[variable].codes)
    codes = tuple(sorted(codes, key=order.index))
    sets = allowed_sets(variable)
    home = next((s for s in sets if set(codes) <= set(s)), None)
    if home is None:
        raise RecodeFileError(
            path,
            _message(
                "not_combinable",
                codes=", ".join(codes),
                variable=variable,
                sets="; ".join("[" + ", ".join(s) + "]" for s in sets),
            ),
        )
    if is_ordered(variable):
        positions = [home.index(c) for c in codes]
        if positions != list(range(positions[0], positions[0] + len(codes))):
            raise RecodeFileError(
                path,
                _message(
                    "not_neighbours",
                    codes=", ".join(codes),
                    variable=variable,
                    example="[" + ", ".join(home[:2]) + "]",
                ),
            )
    return Group(variable, codes, str(label or group_label(variable, codes)))


def group_label(variable: str, codes: tuple[str, ...]) -> str:
    """A combined category's label: "11 to 17" for neighbouring bands "11 to 15" and "16 to
    17", else the labels joined by " + " (a label may itself hold "or")."""
    for entry in recode_rules()["variables"].get(variable, {}).get("sets", []):
        if isinstance(entry, dict) and set(map(str, entry["codes"])) == set(codes):
            return str(entry["label"])
    labels = [all_variables()[variable].codes[c] for c in codes]
    ends = [re.fullmatch(r"(\d+) to (\d+)", label) for label in labels]
    if is_ordered(variable) and all(ends):
        return f"{ends[0].group(1)} to {ends[-1].group(2)}"
    return " + ".join(labels)


def read_recode(path: Path | str) -> Recode:
    """Read and check a recode file.

    Raises
    ------
    RecodeFileError
        The file cannot be read, or a group breaks a rule; the message names the file, the
        variable and the rule (and the line, for a YAML error).
    """
    path = Path(path)
    # every value as typed: YAML 1.1 would read the age band 11_15 as the number 1115
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    except UnicodeDecodeError:
        raise RecodeFileError(path, "cannot read it: save it as UTF-8 text") from None
    except OSError as error:
        raise RecodeFileError(path, f"cannot read it ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise RecodeFileError(path, f"{where}not valid YAML ({error})") from None
    combine = raw.get("combine") if isinstance(raw, dict) else None
    if not isinstance(combine, dict):
        raise RecodeFileError(path, _message("not_a_mapping"))
    groups: list[Group] = []
    for variable, entries in combine.items():
        if not allowed_sets(str(variable)):
            allowed = ", ".join(recode_rules()["variables"])
            raise RecodeFileError(
                path, _message("unknown_variable", variable=variable, allowed=allowed)
            )
        for entry in entries or []:
            group = _group(path, str(variable), entry)
            seen = {c for g in groups if g.variable == variable for c in g.codes}
            twice = seen & set(group.codes)
            if twice:
                raise RecodeFileError(
                    path, _message("twice", code=sorted(twice)[0], variable=variable)
                )
            groups.append(group)
    return Recode(tuple(groups))


def recode_beside(data: Path | str) -> Path | None:
    """The recode file beside a data file (``cases.csv`` -> ``cases.recode.yaml``), if any."""
    candidate = Path(data).with_name(Path(data).stem + SUFFIX)
    return candidate if candidate.is_file() else None


@cache
def _read_cached(path: str, modified: float) -> Recode:
    return read_recode(path)


_suspended = False


@contextmanager
def suspended():
    """No recode in force inside the block (the codes of a combined category, counted apart)."""
    global _suspended
    before, _suspended = _suspended, True
    try:
        yield
    finally:
        _suspended = before


def active() -> Recode:
    """The recode in force: the file ``$SCR_RECODE`` names (set by the pipeline), else none."""
    value = os.environ.get(RECODE_ENV_VAR, "").strip()
    if not value or _suspended:
        return Recode()
    path = Path(value)
    modified = path.stat().st_mtime if path.exists() else 0.0
    return _read_cached(str(path), modified)
