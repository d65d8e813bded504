"""Researcher-like case files of many shapes, valid by construction, and one run of each.

A *shape* is (seed, size, periods, twists, format, values): how many children, which review
periods, what is unusual about the file, and how it is saved. :func:`build_frame` samples whole
reviews from the synthetic generator's cases (:func:`analysis.synthetic.generator.generate`,
valid against the codebook and every rule), then applies the twists, each of which keeps the
file valid; :func:`write_file` saves it as CSV, Excel, SPSS or Stata, with the codebook's codes
(SPSS and Stata: its numbers, with value labels) or its labels as text. :func:`run_shape` runs
it end to end through ``python -m analysis reproduce --data`` into a runs folder of its own
(so the differencing guard between released runs never meets another shape) and lists every
problem of the run: exit code, failed notebook, traceback, checking record, missing figure.

Used by ``tests/test_own_files.py``: a few seeded shapes in ``make test``, many in ``make sweep``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pyreadstat

from analysis.casedata.codebook import all_applicability, all_variables, load_codebook
from analysis.casedata.rules_applicability import asked_under, known_not_to_hold
from analysis.paths import ROOT
from analysis.synthetic.generator import DEFAULT_SEED, generate

PERIODS = ("2011-14", "2014-17")
FORMATS = ("csv", "xlsx", "sav", "dta")
VALUES = ("codes", "labels")
#: What can be unusual about a file (each keeps it valid):
TWISTS = {
    "sparse": "every child of one or two categories of age, status, ethnicity and category of "
    "death or harm left out (a category with no child)",
    "no_reports": "no final report at all (every final-report-only variable blank)",
    "deaths_only": "only reviews of deaths",
    "harm_only": "only reviews of serious harm",
    "no_family_factors": "every parental factor and neglect coded not_recorded",
    "large_siblings": "a few reviews of four to eight siblings",
    "required_only": "only the codebook's required columns (and review_id)",
}
#: Twists that cannot go together (a file of deaths has no serious harm).
EXCLUSIVE = ({"deaths_only", "harm_only"},)
#: The smallest and largest number of children of a shape in the sweep.
SIZES = (20, 400)
#: Seed of the synthetic generator behind a shape that samples the shipped cases.
SHIPPED = "shipped"


@dataclass(frozen=True)
class Shape:
    """One case file: printed in a failure, so a shape is enough to make the file again."""

    seed: int
    size: int
    periods: tuple[str, ...]
    twists: tuple[str, ...] = ()
    format: str = "csv"
    values: str = "codes"
    #: ``"generated"``: cases from the generator with this seed; ``"shipped"``: the shipped
    #: synthetic cases (the generator's default seed)
    pool: str = "generated"

    def __post_init__(self):
        assert set(self.periods) <= set(PERIODS) and self.periods, self.periods
        assert set(self.twists) <= set(TWISTS), self.twists
        assert not any(group <= set(self.twists) for group in EXCLUSIVE), self.twists
        assert self.format in FORMATS and self.values in VALUES

    def __str__(self) -> str:
        return (
            f"seed={self.seed} size={self.size} periods={'+'.join(self.periods)} "
            f"twists={','.join(self.twists) or 'none'} format={self.format}/{self.values}"
            + (f" pool={self.pool}" if self.pool != "generated" else "")
        )


def random_shape(index: int, sweep_seed: int = 21) -> Shape:
    """The ``index``-th shape of a sweep: size log-uniform over :data:`SIZES`, every period
    choice, each twist with probability 0.3, every format and way of writing values."""
    rng = np.random.default_rng([sweep_seed, index])
    size = int(round(np.exp(rng.uniform(np.log(SIZES[0]), np.log(SIZES[1])))))
    periods = [("2011-14",), ("2014-17",), PERIODS][rng.integers(3)]
    twists = [t for t in TWISTS if rng.random() < 0.3]
    for group in EXCLUSIVE:
        extra = sorted(group & set(twists))[1:]
        twists = [t for t in twists if t not in extra]
    return Shape(
        seed=int(rng.integers(1, 10**6)),
        size=size,
        periods=periods,
        twists=tuple(twists),
        format=FORMATS[rng.integers(len(FORMATS))],
        values=VALUES[rng.integers(len(VALUES))],
    )


# --- the cases ------------------------------------------------------------------------------


def _pool(shape: Shape, period: str, copy: int) -> pd.DataFrame:
    """The generator's cases of one period (a further copy: another seed, ids of its own)."""
    seed = DEFAULT_SEED if shape.pool == SHIPPED else shape.seed
    cases = generate(period, seed + copy).drop(columns=["record_origin"]).fillna("")
    if copy:
        for column in ("case_id", "review_id"):
            cases[column] = cases[column].str.replace("-", f"{copy}-", n=1)
    return cases


#: The variables a sparse file lacks a category of (``category``: of death or of harm).
SPARSE_VARIABLES = ("age_band", "csc_status_at_incident", "ethnicity", "category")


def _left_out(shape: Shape) -> dict[str, list[str]]:
    """The one or two codes of each :data:`SPARSE_VARIABLES` a sparse shape has no child of,
    the same in every period and pool."""
    rng = np.random.default_rng([shape.seed, 21])
    variables = all_variables()
    gone = {}
    for name in SPARSE_VARIABLES:
        if name == "category":
            codes = [*variables["death_category"].codes, *variables["harm_type"].codes]
        else:
            codes = list(variables[name].codes)
        gone[name] = list(rng.choice(codes, size=int(rng.integers(1, 3)), replace=False))
    return gone


def _filtered(shape: Shape, cases: pd.DataFrame) -> pd.DataFrame:
    if "deaths_only" in shape.twists:
        cases = cases[cases["outcome"] == "death"]
    if "harm_only" in shape.twists:
        cases = cases[cases["outcome"] == "serious_harm"]
    if "sparse" in shape.twists:
        death = cases["death_category"]
        category = death.where(death != "", cases["harm_type"])
        for name, codes in _left_out(shape).items():
            column = category if name == "category" else cases[name]
            cases = cases[~column.isin(codes)]
            category = category[cases.index]
    return cases


def _sample_reviews(cases: pd.DataFrame, size: int, seed: int) -> pd.DataFrame:
    """Whole reviews in a random order until ``size`` children (the last one cut to fit).

    Reviews are drawn as ``DataFrame.sample`` draws rows, so a file of one child per review
    holds the children ``cases.sample(size, random_state=seed)`` would.
    """
    reviews = pd.Series(cases["review_id"].unique())
    order = reviews.sample(frac=1, random_state=seed).tolist()
    by_review = {r: rows for r, rows in cases.groupby("review_id", sort=False)}
    parts, total = [], 0
    for review in order:
        if total >= size:
            break
        rows = by_review[review].head(size - total)
        parts.append(rows)
        total += len(rows)
    return pd.concat(parts)


def _with_siblings(shape: Shape, cases: pd.DataFrame, size: int, rng) -> pd.DataFrame:
    """``size`` children, a few reviews of which have four to eight siblings."""
    groups = rng.integers(4, 9, size=int(rng.integers(1, 4)))
    extra = int(min(groups.sum() - len(groups), size // 2))
    cases = _sample_reviews(cases, size - extra, shape.seed)
    first = cases.drop_duplicates("review_id").head(len(groups))
    copies = np.repeat(np.arange(len(first)), groups[: len(first)] - 1)[:extra]
    siblings = first.iloc[copies].copy()
    gone = _left_out(shape)["age_band"] if "sparse" in shape.twists else []
    ages = [a for a in all_variables()["age_band"].codes if a not in gone]
    siblings["age_band"] = rng.choice(ages, len(copies))
    siblings["sex"] = rng.choice(["male", "female"], len(copies))
    return pd.concat([cases, _not_asked_blank(siblings)])


def _not_asked_blank(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every item blank where the codebook does not ask it: a sibling given
    another age is not asked its copy's age-bound items, nor its age in months."""
    frame = frame.copy()
    if "age_months" in frame.columns:
        frame["age_months"] = ""
    for _ in range(3):  # conditions chain three deep (sleep, co-sleeping, an impaired carer)
        for condition in all_applicability().values():
            not_asked = known_not_to_hold(frame.replace("", None), condition)
            for name in (n for n in asked_under(condition) if n in frame.columns):
                frame.loc[not_asked, name] = ""
    return frame


def build_frame(shape: Shape) -> pd.DataFrame:
    """The shape's cases as codebook codes (text, blank where not coded), in file order."""
    rng = np.random.default_rng([shape.seed, shape.size])
    first = round(shape.size * rng.uniform(0.35, 0.65)) if len(shape.periods) == 2 else shape.size
    wanted = dict(zip(shape.periods, [first, shape.size - first], strict=False))
    parts = []
    for period, size in wanted.items():
        cases, copy = pd.DataFrame(), 0
        while len(cases) < size and copy < 20:  # a pool too small once filtered: another seed
            more = _filtered(shape, _pool(shape, period, copy))
            cases, copy = pd.concat([cases, more]), copy + 1
        if "large_siblings" in shape.twists:
            parts.append(_with_siblings(shape, cases, size, rng))
        else:
            parts.append(_sample_reviews(cases, size, shape.seed))
    frame = pd.concat(parts, ignore_index=True)
    frame["case_id"] = [f"C{i + 1:04d}" for i in range(len(frame))]
    if "no_reports" in shape.twists:
        frame["final_report_available"] = "no"
        for name in _final_report_only():
            frame[name] = ""
    if "no_family_factors" in shape.twists:
        for name in _family_factors():
            frame[name] = "not_recorded"
    if "required_only" in shape.twists:
        keep = set(load_codebook(PERIODS[-1]).required) | {"review_id"}
        frame = frame[[c for c in frame.columns if c in keep]]
    return frame.reset_index(drop=True)


def _final_report_only() -> list[str]:
    return [name for name, var in all_variables().items() if var.final_report_only]


def _family_factors() -> list[str]:
    return [n for n in _final_report_only() if n.startswith("parent_") or n == "neglect_feature"]


# --- the file -------------------------------------------------------------------------------


def write_file(shape: Shape, folder: Path) -> Path:
    """Save the shape's cases as its format, with codes or labels; return the file's path."""
    frame = build_frame(shape)
    variables = all_variables()
    categories = [c for c in frame.columns if variables[c].is_category]
    path = Path(folder) / f"cases.{shape.format}"
    numbered = shape.format in ("sav", "dta") and shape.values == "codes"
    if shape.values == "labels":
        for name in categories:
            frame[name] = frame[name].map(lambda v, c=variables[name].codes: c.get(v, v))
    if numbered:  # as SPSS and Stata users keep codes: numbers with value labels
        labels = {}
        for name in categories:
            var = variables[name]
            frame[name] = frame[name].map(lambda v, n=var.numeric: float(n[v]) if v else np.nan)
            labels[name] = {var.numeric[code]: label for code, label in var.codes.items()}
    if shape.format == "csv":
        frame.to_csv(path, index=False)
    elif shape.format == "xlsx":
        frame.to_excel(path, index=False)
    elif shape.format == "sav":
        pyreadstat.write_sav(frame, str(path), variable_value_labels=labels if numbered else None)
    else:
        pyreadstat.write_dta(frame, str(path), variable_value_labels=labels if numbered else None)
    return path


# --- the run --------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a shape's run did: its problems (none: passed), time and what the run said."""

    shape: Shape
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    said: str = ""
    not_drawn: int = 0
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def reproduce_file(path: Path, runs: Path, timeout: float = 3600) -> subprocess.CompletedProcess:
    """``python -m analysis reproduce --data path`` into ``runs`` (a fresh folder), as a
    researcher runs it; this process's import path reaches the notebooks' kernels."""
    env = dict(os.environ, SCR_RUNS_DIR=str(runs))
    for key in ("SCR_DATA", "SCR_OUTPUT_DIR", "SCR_RUN_STAGE", "SCR_RUN_STAGING", "SCR_SHEET"):
        env.pop(key, None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "analysis", "reproduce", "--data", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def run_shape(shape: Shape, folder: Path) -> Outcome:
    """Write the shape's file in ``folder``, run it end to end and list what went wrong."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = write_file(shape, folder)
    start = time.perf_counter()
    result = reproduce_file(path, folder / "runs")
    outcome = Outcome(shape, seconds=time.perf_counter() - start)
    outcome.said = result.stdout + result.stderr
    if result.returncode != 0:
        outcome.problems.append(f"exit code {result.returncode}")
    if "Traceback" in outcome.said:
        outcome.problems.append("a traceback on the terminal")
    if "could not be worked out" in outcome.said:  # the recoding advice failed (it never stops)
        outcome.problems.append("the advice on combining categories failed")
    outcome.skipped = len(set(re.findall(r"^\[skip\] (\S+):", outcome.said, re.MULTILINE)))
    failed = re.findall(r"FAILED (\S+)", outcome.said)
    outcome.problems += [f"notebook failed: {name}" for name in failed]
    run = folder / "runs" / path.stem
    if result.returncode == 0:
        outcome.problems += check_run(run)
        outcome.not_drawn = len(list((run / "figures").glob("*.not_drawn.txt")))
    return outcome


#: A figure a notebook saves: ``run.figure(chart, "NN_name")`` or
#: ``run.figure(charts.x(table, y(z)), "NN_name")`` (or ``public.figure``): the name after the
#: first argument, which holds calls two deep at most. A name built at run time (an
#: f-string) is not read.
FIGURE_CALL = re.compile(
    r"\.figure\(\s*(?:[^()\"]|\((?:[^()]|\([^()]*\))*\))*?,\s*\"(\d\d_\w+)\"\s*[,)]"
)


def expected_figures(notebook: Path) -> list[str]:
    """The names of the figures a chapter notebook saves, read from its code."""
    nb = nbformat.read(notebook, as_version=4)
    return FIGURE_CALL.findall("\n".join(c.source for c in nb.cells if c.cell_type == "code"))


def check_run(run: Path) -> list[str]:
    """Problems of a finished own-data run: its checking record, notebooks and figures."""
    problems = []
    record_path = run / "checking" / "results.json"
    if not record_path.is_file():
        return [f"no checking record in {run}"]
    record = json.loads(record_path.read_text(encoding="utf-8"))
    if not record["audit"]["passed"]:
        problems.append("recovery audit failed")
    if record["overall"] == "fail":
        problems.append("checking record: overall fail")
    problems += [
        f"output failed checking: {e['file']}" for e in record["outputs"] if e["status"] == "fail"
    ]
    executed = sorted((run / "outputs" / "notebooks").glob("*.ipynb"))
    if not executed:
        problems.append("no executed notebook")
    for notebook in executed:
        nb = nbformat.read(notebook, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                text = json.dumps(output)
                if output.get("output_type") == "error" or "Traceback" in text:
                    problems.append(f"{notebook.name}: an error in a cell's output")
        for name in expected_figures(ROOT / "notebooks" / notebook.name):
            drawn = (run / "figures" / f"{name}.png").is_file()
            said = (run / "figures" / f"{name}.not_drawn.txt").is_file()
            if not (drawn or said):
                problems.append(f"{name}: neither the figure nor the sentence replacing it")
    return problems


def summary_table(outcomes: list[Outcome]) -> str:
    """A Markdown table of shapes, outcome and time, for ``make sweep``'s summary."""
    lines = [
        "| # | shape | outcome | chapters skipped | figures replaced by a sentence | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for i, o in enumerate(outcomes, 1):
        result = "pass" if o.ok else "FAIL: " + "; ".join(o.problems)
        lines.append(
            f"| {i} | `{o.shape}` | {result} | {o.skipped} | {o.not_drawn} | {o.seconds:.0f} |"
        )
    passed = sum(o.ok for o in outcomes)
    total = sum(o.seconds for o in outcomes)
    lines += ["", f"{passed} of {len(outcomes)} shapes passed in {total / 60:.1f} minutes."]
    return "\n".join(lines) + "\n"
