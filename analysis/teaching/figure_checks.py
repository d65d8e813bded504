"""Checks for exercise 2: a figure in the house style (its data, title, alt text and saving).

Each check follows :mod:`analysis.teaching.feedback`: one line of feedback, True or False,
never an error.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.content import read_yaml
from analysis.stats.tables import involvement_now_vs_ever
from analysis.teaching.feedback import (
    TOLERANCE_POINTS,
    blank,
    close,
    never_raises,
    not_yet,
    well_done,
)

#: Figures written by the teaching notebooks start with this, so they never overwrite a chapter's.
FIGURE_PREFIX = "teaching_"


def _expected_ever_by_age(cases: pd.DataFrame) -> pd.DataFrame:
    table = involvement_now_vs_ever(cases, by="age_band")
    return table.loc[table["measure"] == "ever"].reset_index(drop=True)


@never_raises
def check_figure_data(table, cases: pd.DataFrame) -> bool:
    """Check the table to plot: the share ever involved, one row per age band, with intervals.

    Parameters
    ----------
    table : DataFrame
        The learner's table (rows of ``involvement_now_vs_ever(cases, by="age_band")``
        where ``measure == "ever"``).
    cases : DataFrame
        Loaded cases.

    Returns
    -------
    bool
        True when it has one row per age band with the right ``percent`` (within
        :data:`TOLERANCE_POINTS`) and the interval columns. Prints feedback either way.
    """
    if blank(table, "`ever_by_age`", "a table"):
        return False
    if not isinstance(table, pd.DataFrame):
        return not_yet(
            f"`ever_by_age` should be a table (DataFrame), not a {type(table).__name__}."
        )
    expected = _expected_ever_by_age(cases)
    needed = ["age_band", "age_band_label", "percent", "ci_low_percent", "ci_high_percent"]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        return not_yet(
            f"the table lacks {missing}. Hint: start from "
            'involvement_now_vs_ever(cases, by="age_band").'
        )
    if len(table) != len(expected) or table["age_band"].duplicated().any():
        return not_yet(
            f"the table has {len(table)} rows; a bar chart by age needs one row per age band "
            f'({len(expected)}). Hint: keep only the rows where measure is "ever".'
        )
    merged = expected.merge(table, on="age_band", suffixes=("", "_answer"), how="left")
    if not np.allclose(merged["percent"], merged["percent_answer"], atol=TOLERANCE_POINTS):
        return not_yet(
            'these are not the shares ever involved. Hint: keep the rows where measure is "ever".'
        )
    return well_done(f"one row per age band, {len(table)} bars, with 95% intervals: ready to plot.")


@functools.cache
def _title_words() -> dict:
    return read_yaml(TITLE_WORDS)


TITLE_WORDS = Path(__file__).with_name("title_words.yaml")


@never_raises
def check_title(title) -> bool:
    """Check a figure title states a finding: what the reader should see, not the chart type.

    Checked: text of 20 to 110 characters that does not start with a chart word ("Bar chart",
    "Figure"...) and states something: a number, or a comparison word ("more", "fewer",
    "twice", "rose"...; ``title_words.yaml``). "Involvement by age" describes; "Older children
    were more often involved" states a finding.

    Returns
    -------
    bool
        True when the title passes. Prints feedback either way.
    """
    if blank(title, "`title`", "a sentence in quotes"):
        return False
    if not isinstance(title, str):
        return not_yet("a title is text: put it in quotes.")
    words = title.strip()
    if len(words) < 20:
        return not_yet("too short to tell the reader anything. Say what the bars show.")
    if len(words) > 110:
        return not_yet("too long for a title; keep it to one line and move detail to the subtitle.")
    if words.lower().startswith(tuple(_title_words()["chart_words"])):
        return not_yet(
            "the reader can see it is a chart. Say what it shows instead, e.g. which ages "
            "stand out."
        )
    tokens = set(re.findall(r"[a-z]+", words.lower()))
    # a year or a period says when, not what: "by age, 2011-14" states nothing
    undated = re.sub(r"\b(?:19|20)\d\d(?:\s*[-/]\s*\d{2,4})?\b", "", words)
    if not re.search(r"\d", undated) and not tokens & set(_title_words()["finding_words"]):
        return not_yet(
            "this describes the chart but states no finding. Say what the reader should see: "
            "which ages are more or less often involved, or by how much."
        )
    return well_done(f"{words!r} tells the reader what to look for.")


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@never_raises
def check_alt_text(alt_text, cases: pd.DataFrame) -> bool:
    """Check alt text describes the chart and states every plotted value.

    Checked: text of at least 60 characters that says it is a bar chart and contains, for each
    age band, its percentage ever involved (any number within :data:`TOLERANCE_POINTS`, so
    "57%" for 56.8% is fine).

    Parameters
    ----------
    alt_text : str
        The learner's alt text.
    cases : DataFrame
        Loaded cases (the values plotted are computed from them).

    Returns
    -------
    bool
        True when it passes. Prints feedback either way.
    """
    if blank(alt_text, "`alt_text`", "a description in quotes"):
        return False
    if not isinstance(alt_text, str):
        return not_yet("alt text is text: put it in quotes (an f-string helps with the values).")
    if len(alt_text.strip()) < 60:
        return not_yet(
            "too short. Say what kind of chart it is, what it shows, and every value plotted."
        )
    if "bar" not in alt_text.lower():
        return not_yet("say what kind of chart it is (a bar chart), for someone who cannot see it.")
    numbers_in_text = [float(n) for n in _NUMBER.findall(alt_text)]
    expected = _expected_ever_by_age(cases)
    missing = [
        str(r.age_band_label)
        for r in expected.itertuples()
        if not any(close(n, r.percent) for n in numbers_in_text)
    ]
    if missing:
        return not_yet(
            f"the value for {', '.join(missing)} is missing. Alt text states every value "
            'plotted, e.g. f"{row.percent:.0f}%" for each row.'
        )
    return well_done("it says what the chart is and states every value plotted.")


@never_raises
def check_figure(fig) -> bool:
    """Check a figure was saved through ``Run.figure``: named, stamped, with alt text and data.

    Checked: it is a figure returned by ``run.figure`` (so it has ``saved_paths``);
    its name starts with :data:`FIGURE_PREFIX`; the PNG, SVG, CSV and alt text files exist; it
    carries the data stamp, and the synthetic stamp when made from synthetic data; it has 95%
    interval whiskers.

    Returns
    -------
    bool
        True when all hold. Prints feedback either way.
    """
    from analysis.charts import SYNTHETIC_STAMP
    from analysis.charts.introspect import figure_stamps, has_interval_whiskers, is_figure

    if blank(fig, "`fig`", "the figure returned by run.figure(...)"):
        return False
    if not is_figure(fig):
        return not_yet(f"`fig` should be a figure, not a {type(fig).__name__}.")
    paths = getattr(fig, "saved_paths", None)
    if not paths:
        return not_yet(
            "the figure is drawn but not saved. Pass it to run.figure(fig, name, data=..., "
            "alt_text=...), which stamps it and writes it with its alt text and data."
        )
    name = Path(paths["png"]).stem
    if not name.startswith(FIGURE_PREFIX):
        return not_yet(
            f"name teaching figures {FIGURE_PREFIX}..., e.g. {FIGURE_PREFIX}02_..., "
            "so they never overwrite a chapter's figure."
        )
    absent = [kind for kind, path in paths.items() if not Path(path).exists()]
    if absent:
        return not_yet(f"these files were not written: {absent}. Run the cell again.")
    stamps = figure_stamps(fig)
    if not stamps:
        return not_yet("the figure carries no data stamp. Save it with run.figure(...).")
    alt = Path(paths["alt"]).read_text(encoding="utf-8")
    if "synthetic" in alt.lower() and SYNTHETIC_STAMP not in stamps:
        return not_yet("made from synthetic data but not stamped so. Use run.figure(...).")
    if not has_interval_whiskers(fig):
        return not_yet(
            "no 95% intervals drawn. Hint: after sns.barplot(...), ax.errorbar(x=percent, "
            "y=positions, xerr=[percent - low, high - percent], fmt='none') draws them."
        )
    return well_done(
        f"saved as {name} (PNG, SVG, the plotted data as CSV and the alt text), stamped "
        f"{stamps[0]!r}."
    )
