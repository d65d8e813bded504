"""Characters that are not what they look like: cleaned from ids and codes, named in messages.

A value copied from a web page, a PDF or Word can carry characters nobody sees: a zero-width
space, a byte-order mark inside a cell, a non-breaking space. Left in, ``H0001`` and ``H0001``
followed by a zero-width space would be two children, and a code that looks right would be
refused. Ids and codes are therefore cleaned, with a note (rule SCH009). Any message that quotes
a value names the characters in it that are not what they look like ("an en dash (–), not a
hyphen (-)"), so that a refused value that looks exactly like an allowed one can be understood.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

from analysis.casedata.tidy import recode_categories

#: Removed from ids and codes: they look like nothing at all.
INVISIBLE = {
    "\u200b": "a zero-width space",
    "\u200c": "a zero-width non-joiner",
    "\u200d": "a zero-width joiner",
    "\u2060": "a word joiner",
    "\ufeff": "a byte-order mark",
    "\u00ad": "a soft hyphen",
}
#: Read as a space in ids and codes: they look like one.
SPACES = {
    "\u00a0": "a non-breaking space",
    "\u2007": "a figure space",
    "\u2009": "a thin space",
    "\u202f": "a narrow non-breaking space",
    "\u3000": "an ideographic space",
}
#: Control characters with a name a person knows (the others are "an invisible character").
CONTROLS = {
    "\x00": "a NUL byte",
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a carriage return",
}
#: Visible look-alikes, named in messages but never changed (a guess could be wrong).
LOOKALIKES = {
    "\u2010": ("a typographic hyphen (\u2010)", "the keyboard hyphen (-)"),
    "\u2011": ("a non-breaking hyphen (\u2011)", "a hyphen (-)"),
    "\u2012": ("a figure dash (\u2012)", "a hyphen (-)"),
    "\u2013": ("an en dash (\u2013)", "a hyphen (-)"),
    "\u2014": ("an em dash (\u2014)", "a hyphen (-)"),
    "\u2212": ("a minus sign (\u2212)", "a hyphen (-)"),
    "\u2018": ("a curly apostrophe (\u2018)", "a straight apostrophe (')"),
    "\u2019": ("a curly apostrophe (\u2019)", "a straight apostrophe (')"),
    "\u201c": ("a curly quotation mark (\u201c)", 'a straight quotation mark (")'),
    "\u201d": ("a curly quotation mark (\u201d)", 'a straight quotation mark (")'),
}
#: Cyrillic and Greek letters drawn like Latin ones, and the Latin letter each looks like.
_HOMOGLYPHS = dict(
    zip(
        "аеорсухіјѕАВЕКМНОРСТХІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧοιν",
        "aeopcyxijsABEKMHOPCTXIJSABEZHIKMNOPTYXoiv",
        strict=True,
    )
)
_CLEAN = re.compile(f"[{''.join(INVISIBLE)}{''.join(SPACES)}]")


def _codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


@lru_cache(maxsize=1024)
def describe(char: str) -> str | None:
    """What a character is and what it looks like, or None if it is what it looks like.

    >>> describe("–")
    'an en dash (–), not a hyphen (-)'
    >>> describe("a") is None
    True
    """
    if char in LOOKALIKES:
        what, like = LOOKALIKES[char]
        return f"{what}, not {like}"
    if char in INVISIBLE:
        return f"{INVISIBLE[char]} ({_codepoint(char)}, invisible)"
    if char in CONTROLS:
        return f"{CONTROLS[char]} ({_codepoint(char)})"
    if char in SPACES:
        return f"{SPACES[char]} ({_codepoint(char)}), not a space"
    if char in _HOMOGLYPHS:
        script = unicodedata.name(char).split()[0].capitalize()
        return f"a {script} letter ({char}), not the Latin letter {_HOMOGLYPHS[char]}"
    compatible = unicodedata.normalize("NFKC", char)
    if compatible != char and compatible.isascii() and compatible.isprintable():
        return f"a {unicodedata.name(char, 'character').lower()} ({char}), not {compatible}"
    if unicodedata.category(char) in {"Cc", "Cf", "Zs", "Zl", "Zp"} and char != " ":
        name = unicodedata.name(char, "")  # control characters have none
        return f"an invisible character ({_codepoint(char)}{' ' + name.lower() if name else ''})"
    return None


def named_characters(text: str) -> list[str]:
    """Descriptions of the distinct characters of ``text`` not what they look like, in order."""
    return [d for c in dict.fromkeys(str(text)) if (d := describe(c)) is not None]


@lru_cache(maxsize=4096)
def lookalikes(value: str) -> str:
    """A phrase naming the characters of ``value`` that are not what they look like, or "".

    Meant to follow a message that quotes the value.

    >>> lookalikes("2011–14")
    '; the value contains an en dash (–), not a hyphen (-)'
    >>> lookalikes("2011-14")
    ''
    """
    found = named_characters(value)
    return f"; the value contains {' and '.join(found)}" if found else ""


def clean_text(value: str) -> str | None:
    """``value`` as it looks: invisible characters removed, odd spaces read as spaces, stripped;
    None if nothing is left."""
    cleaned = _CLEAN.sub(lambda m: " " if m.group() in SPACES else "", value).strip()
    return cleaned or None


def clean_column(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Clean every value of a column of ids or codes (see :func:`clean_text`).

    Categoricals are cleaned on their distinct values. Returns the cleaned column and, for each
    changed row, its original value (index = the row's label).
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        old = column.cat.categories.astype(str)
        if not old.str.contains(_CLEAN).any():
            return column, column.iloc[:0]
        changed = column.isin([v for v in old if clean_text(v) != v])
        return recode_categories(column, clean_text), column[changed].astype(str)
    # every character cleaned is outside ASCII: a cheap test leaves the usual column (a million
    # plain ids) alone, and only the few other values are searched
    unusual = ~column.astype("str").str.isascii().fillna(True).to_numpy(dtype=bool)
    if not unusual.any():
        return column, column.iloc[:0]
    candidates = column[unusual].astype(str)
    changed = candidates[candidates.str.contains(_CLEAN).to_numpy(dtype=bool)]
    if changed.empty:
        return column, changed
    cleaned = column.copy()
    cleaned.loc[changed.index] = [clean_text(v) for v in changed]
    return cleaned, changed


def clean_frame(frame: pd.DataFrame, columns) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Clean the given columns of ``frame`` (ids and codes); return it and, per column changed,
    the original values of the rows changed (see :func:`clean_column`)."""
    cleaned, changed = {}, {}
    for name in columns:
        if name in frame.columns:
            column, originals = clean_column(frame[name])
            if len(originals):
                cleaned[name], changed[name] = column, originals
    return (frame.assign(**cleaned) if cleaned else frame), changed
