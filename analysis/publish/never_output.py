"""Columns whose values never leave a run: the codebook's ``never_output`` (``la_code``).

A researcher's local authority code is accepted so that their file can be linked to public
statistics for the area, but reviews are public documents that name their area, and with the
kit's other columns an area is a key to a child. So a run refuses any table or figure that
carries such a column by name, or holds one of its values anywhere in a cell, a title, an alt
text or a source line (:class:`analysis.publish.run.Run` raises ``DisclosureError``). Messages
here name the column, never a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analysis.casedata.codebook import all_variables, never_output_variables


@dataclass(frozen=True)
class Withheld:
    """The never_output columns, and the values the cases hold in them.

    ``inside`` matches a value anywhere in a text (values of the variable's ``pattern``,
    which cannot occur by chance inside other words); ``whole`` are other values, matched as
    a whole cell only (a frame that was not validated may hold anything).
    """

    columns: tuple[str, ...]
    inside: re.Pattern | None
    whole: frozenset[str]

    @classmethod
    def of(cls, cases: pd.DataFrame) -> Withheld:
        """What ``cases`` hold that may never be output."""
        columns = tuple(never_output_variables())
        patterned, other = set(), set()
        for name in columns:
            if name not in cases.columns:
                continue
            pattern = all_variables()[name].pattern
            for value in pd.unique(cases[name].dropna().astype(str).str.strip()):
                if value and pattern and re.fullmatch(pattern, value):
                    patterned.add(value)
                elif value:
                    other.add(value)
        inside = "|".join(re.escape(v) for v in sorted(patterned, key=len, reverse=True))
        return cls(columns, re.compile(inside) if inside else None, frozenset(other))

    def _in_text(self, text: str) -> bool:
        return bool(self.inside and self.inside.search(text)) or text.strip() in self.whole

    def problem(self, what: str, frame: pd.DataFrame | None = None, texts=()) -> str | None:
        """Why ``frame`` (a table or a figure's data) and ``texts`` may not be output, or None.

        Parameters
        ----------
        what : str
            The output, as a message names it (``"table '01_x'"``).
        frame : DataFrame, optional
            Its cells and column names are searched.
        texts : iterable of str
            Its title, alt text, source line...
        """
        words = "never written to any output (the codebook's never_output)"
        if frame is not None:
            named = [str(c) for c in frame.columns if str(c) in self.columns]
            if named:
                return f"{what}: it carries the column {named[0]}, whose values are {words}"
            for column in frame.columns:
                cells = frame[column]
                if pd.api.types.is_numeric_dtype(cells) or pd.api.types.is_bool_dtype(cells):
                    continue
                if any(self._in_text(str(v)) for v in pd.unique(cells.dropna().astype(str))):
                    return f"{what}: its column {column} holds a value of {self._said()}, {words}"
        if any(self._in_text(str(t)) for t in texts if t is not None):
            return f"{what}: its words quote a value of {self._said()}, {words}"
        return None

    def _said(self) -> str:
        return " or ".join(self.columns)
