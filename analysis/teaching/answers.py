"""Answer cells that take whatever a trainee types: the ``%%answer`` cell magic.

An answer cell reads::

    %%answer answer_n
    None

The trainee replaces ``None`` with the answer as they would say it (``43``, ``43 children``,
``47%``, ``(40, 52)``, ``b``); the cell stores the text under the name on its first line, and
the check reads it kindly (:func:`analysis.teaching.feedback.read_number`). Typing into a cell
of Python would turn ``43 children`` into a SyntaxError and then a NameError in the check
cell; text cannot, so "Run all" never stops on an answer.
"""

from __future__ import annotations


def store_answer(namespace: dict, line: str, cell: str) -> None:
    """Store a cell's text under the name on its magic line (None while it reads "None").

    >>> ns = {}
    >>> store_answer(ns, "answer_n", "43 children\\n")
    >>> ns["answer_n"]
    '43 children'
    >>> store_answer(ns, "answer_n", "None")
    >>> ns["answer_n"] is None
    True
    """
    name = line.strip() or "answer"
    if not name.isidentifier():
        print(f"Not yet: the first line should read %%answer followed by a name, not {line!r}.")
        return
    text = cell.strip()
    namespace[name] = None if text in ("", "None", "...") else text


def register_answer_magic() -> bool:
    """Make ``%%answer`` available in the running IPython kernel; False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: the checks still take numbers and text
        return False
    shell = get_ipython()
    if shell is None:
        return False

    def answer(line: str, cell: str) -> None:
        store_answer(shell.user_ns, line, cell)

    shell.register_magic_function(answer, magic_kind="cell", magic_name="answer")
    return True
