"""The words of the case-data checks that are not a rule's own (``messages.yaml``).

Headers cleaned or refused, "did you mean" hints, the summary of notes by kind and the command
that lists every problem are content: they are kept in ``messages.yaml`` beside this module.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from analysis.content import read_yaml

TEXT_FILE = Path(__file__).with_name("messages.yaml")


@cache
def text() -> dict:
    """Every message template, by section (``messages.yaml``)."""
    return read_yaml(TEXT_FILE)


def say(section: str, key: str, **fields) -> str:
    """The template ``section.key`` with ``fields`` filled in (``str.format``)."""
    return str(text()[section][key]).format(**fields)
