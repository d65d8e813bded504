"""Multiple-choice questions on the concepts, read from ``questions.yaml`` beside this file.

The question bank is data: a trainer edits the wording, options and explanations there, and
:func:`load_questions` refuses an entry that is incomplete (no prompt, fewer than two options,
a right letter that is not an option, no explanation or no hint), naming the question.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.content import read_yaml
from analysis.teaching.feedback import is_blank, never_raises, not_yet, well_done

#: The question bank (kept beside the code that reads it; shipped as package data).
QUESTIONS_FILE = Path(__file__).with_name("questions.yaml")


@dataclass(frozen=True)
class Question:
    """A multiple-choice question: prompt, options by letter, the right letter, and why."""

    prompt: str
    options: dict[str, str]
    right: str
    why: str
    hint: str


#: Every field a question must give, in the order the YAML file lists them.
FIELDS = ("prompt", "options", "right", "why", "hint")


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def question_problems(entry) -> list[str]:
    """What is missing or wrong in one question's entry of the bank (empty when complete).

    Parameters
    ----------
    entry : dict
        One question as read from the YAML file.

    Returns
    -------
    list of str
        Plain descriptions, e.g. ``"right 'd' is not one of the options a, b, c"``.
    """
    if not isinstance(entry, dict):
        return ["not a mapping of " + ", ".join(FIELDS)]
    problems = [f"no {field}" for field in FIELDS if field not in entry]
    problems += [f"unknown field {key!r}" for key in entry if key not in FIELDS]
    problems += [
        f"{field} must be text"
        for field in ("prompt", "why", "hint")
        if field in entry and not _is_text(entry[field])
    ]
    options = entry.get("options")
    if not isinstance(options, dict) or len(options) < 2:
        return [*problems, "options must map at least two letters to their text"]
    # YAML reads some bare words (yes, no, on, off) as True/False: letters must be text.
    problems += [
        f"option {key!r} needs a text letter and text"
        for key, text in options.items()
        if not (_is_text(key) and _is_text(text))
    ]
    right = entry.get("right")
    if not _is_text(right) or right not in options:
        # Exactly one right answer: a single letter among the options.
        problems.append(f"right {right!r} is not one of the options {', '.join(map(str, options))}")
    return problems


def load_questions(path: Path | str = QUESTIONS_FILE) -> dict[str, Question]:
    """Read the question bank.

    Parameters
    ----------
    path : path-like
        A YAML file mapping question ids to their fields (see :data:`FIELDS`).

    Returns
    -------
    dict of str to Question
        In file order.

    Raises
    ------
    ValueError
        The file holds no questions, or a question is incomplete (every problem is named).
    """
    path = Path(path)
    bank = read_yaml(path)
    if not isinstance(bank, dict) or not bank:
        raise ValueError(f"{path.name} holds no questions")
    problems = [
        f"{question_id}: {problem}"
        for question_id, entry in bank.items()
        for problem in question_problems(entry)
    ]
    if problems:
        raise ValueError(f"incomplete questions in {path.name}: " + "; ".join(problems))
    return {question_id: Question(**entry) for question_id, entry in bank.items()}


#: The questions the notebooks ask, by id.
QUESTIONS: dict[str, Question] = load_questions()


def ask(question_id: str) -> None:
    """Print a multiple-choice question and its options (answer with the letter)."""
    question = QUESTIONS[question_id]
    print(question.prompt)
    for letter, text in question.options.items():
        print(f"  ({letter}) {text}")


@never_raises
def check_choice(question_id: str, answer) -> bool:
    """Check the letter chosen for a multiple-choice question in :data:`QUESTIONS`.

    Parameters
    ----------
    question_id : str
        A key of :data:`QUESTIONS`, e.g. ``"interval_meaning"``.
    answer : str
        The letter, e.g. ``"a"`` (case and brackets ignored).

    Returns
    -------
    bool
        True when the letter is right. Prints feedback (the reason, or a hint) either way.
    """
    question = QUESTIONS[question_id]
    letters = ", ".join(f'"{k}"' for k in question.options)
    if is_blank(answer):
        return not_yet(f"no letter chosen yet. Replace None with one of {letters}.")
    if not isinstance(answer, str):
        return not_yet(f"answer with a letter in quotes, one of {letters}.")
    letter = answer.strip().strip("()\"'").strip().lower()  # "a", a, (a) or 'a'
    if is_blank(letter):
        return not_yet(f"no letter chosen yet. Replace None with one of {letters}.")
    if letter not in question.options:
        return not_yet(f"{answer!r} is not one of the options; choose one of {letters}.")
    if letter == question.right:
        return well_done(f"({letter}): {question.why}")
    return not_yet(f"not ({letter}). Hint: {question.hint}")
