"""Teaching: exercise helpers and friendly self-checks for trainees (synthetic data only).

One job a module: ``data`` (the shipped synthetic cases and the tables the exercises show),
``feedback`` (how every check answers: one line, True or False, never an error), ``checks``
(exercises 1 and 3), ``figure_checks`` (exercise 2), ``questions`` (the multiple-choice
questions, read from ``questions.yaml``). The notebooks import what trainees call from here:
``from analysis.teaching import teaching_cases, check_involvement, ...``.

May import: ``casedata``, ``stats``, ``charts``, ``publish``.
"""

from analysis.teaching.answers import register_answer_magic
from analysis.teaching.checks import (
    check_denominator,
    check_interval,
    check_interval_width,
    check_involvement,
    check_one_child,
    check_recovered,
    check_secondary,
)
from analysis.teaching.data import (
    TeachingDataError,
    describe,
    display_counts,
    interval_widths,
    recode_one_child,
    require_synthetic,
    teaching_cases,
    teaching_run,
)
from analysis.teaching.feedback import TOLERANCE_POINTS
from analysis.teaching.figure_checks import (
    FIGURE_PREFIX,
    check_alt_text,
    check_figure,
    check_figure_data,
    check_title,
)
from analysis.teaching.questions import QUESTIONS, ask, check_choice

__all__ = [
    "FIGURE_PREFIX",
    "QUESTIONS",
    "TOLERANCE_POINTS",
    "TeachingDataError",
    "ask",
    "check_alt_text",
    "check_choice",
    "check_denominator",
    "check_figure",
    "check_figure_data",
    "check_interval",
    "check_interval_width",
    "check_involvement",
    "check_one_child",
    "check_recovered",
    "check_secondary",
    "check_title",
    "describe",
    "display_counts",
    "interval_widths",
    "recode_one_child",
    "require_synthetic",
    "teaching_cases",
    "teaching_run",
]

register_answer_magic()  # answer cells take what trainees type (answers.py)
