"""Label files for teams who code in SPSS or Stata with numbers (issue 15).

An SPSS syntax file (VARIABLE LABELS, VALUE LABELS, MISSING VALUES) and a Stata do-file (label
variable, label define / label values, mvdecode) that put the codebook's labels on a file coded
with the codebook's numbers (``numeric:`` in the codebook). The kit reads a number only through
the value label that names it (:mod:`analysis.casedata.read_stats`), so a file labelled by these
loads with every value mapped to its code.

Numbers that mean "unknown" (99) stay values SPSS is told are missing, and become Stata's
extended missing value ``.a``: either way analyses in the package leave them out, and the kit
reads their label ("Not recorded") back as the codebook's missing code.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from analysis.casedata.codebook import Codebook, Variable, load_codebook
from analysis.coding.choices import offered_codes
from analysis.content import read_yaml
from analysis.files import write_text

#: The files' header comments.
TEXT_FILE = Path(__file__).with_name("labels.yaml")
#: Stata's longest variable label.
STATA_LABEL_LIMIT = 80
#: Stata's extended missing values, given in order to a variable's "unknown" codes.
STATA_MISSING = tuple(f".{letter}" for letter in "abcdefghijklmnopqrstuvwxyz")


@cache
def _text() -> dict:
    return read_yaml(TEXT_FILE)


def numbered(var: Variable, codebook: Codebook) -> list[tuple[int, str]]:
    """``(number, label)`` of each code a coder of the period may give, in codebook order.

    >>> numbered(load_codebook()["sex"], load_codebook())
    [(1, 'Male'), (2, 'Female'), (99, 'Not known')]
    """
    return [(var.numeric[c], var.codes[c]) for c in offered_codes(var, codebook)]


def missing_numbers(var: Variable) -> list[int]:
    """The numbers of a variable's "unknown" codes (declared missing), in codebook order."""
    return [var.numeric[c] for c in var.missing_codes]


def _spss_quote(words: str) -> str:
    return '"' + words.replace('"', '""') + '"'


def _stata_quote(words: str) -> str:
    # compound quotes hold a label with a double quote in it; plain ones read better
    return f'`"{words}"\'' if '"' in words else f'"{words}"'


def _header(lines: list[str], codebook: Codebook, file: str, mark: str) -> list[str]:
    return [
        f"{mark} " + line.format(period=codebook.period, title=codebook.title, file=file)
        for line in lines
    ]


def spss_syntax(period: str, file: str = "") -> str:
    """The SPSS syntax that labels a numerically coded file of ``period``.

    Parameters
    ----------
    period : {"2011-14", "2014-17"}
    file : str
        The syntax file's name, for its header.

    Returns
    -------
    str
        VARIABLE LABELS for every variable, VALUE LABELS for every coded one, and MISSING
        VALUES for those with an "unknown" code.
    """
    codebook = load_codebook(period)
    variables = list(codebook.variables.values())
    coded = [v for v in variables if v.is_category]
    lines = _header(_text()["spss"], codebook, file, "*")
    # one command per variable: a file that lacks an optional column fails that command
    # alone, not the labels of every other column; one pair per line keeps every line far
    # under the 256 characters that SPSS's INSERT and INCLUDE read
    lines.append("")
    lines += [f"VARIABLE LABELS {v.name} {_spss_quote(v.label)}." for v in variables]
    for var in coded:
        pairs = [f"  {n} {_spss_quote(label)}" for n, label in numbered(var, codebook)]
        pairs[-1] += "."
        lines += ["", f"VALUE LABELS {var.name}", *pairs]
    with_missing = [v for v in coded if v.missing_codes]
    if with_missing:
        lines.append("")
        for var in with_missing:
            numbers = ", ".join(str(n) for n in missing_numbers(var))
            lines.append(f"MISSING VALUES {var.name} ({numbers}).")
    return "\n".join(lines) + "\n"


def stata_do(period: str, file: str = "") -> str:
    """The Stata do-file that labels a numerically coded file of ``period``.

    Each coded variable gets a value label of its own name. Its "unknown" numbers are recoded
    to extended missing values (99 to ``.a``) with ``mvdecode``, and both are labelled, so the
    file reads the same whether or not the recoding has run.
    """
    codebook = load_codebook(period)
    lines = _header(_text()["stata"], codebook, file, "*")
    for var in codebook.variables.values():
        inside = [f"label variable {var.name} {_stata_quote(var.label[:STATA_LABEL_LIMIT])}"]
        if var.is_category:
            pairs = [f"{n} {_stata_quote(label)}" for n, label in numbered(var, codebook)]
            # each "unknown" number (99, then 98) becomes .a, then .b, labelled as it was
            recoded = list(zip(var.missing_codes, STATA_MISSING, strict=False))
            pairs += [f"{letter} {_stata_quote(var.codes[code])}" for code, letter in recoded]
            lines += ["", f"label define {var.name} {' '.join(pairs)}, replace"]
            inside.append(f"label values {var.name} {var.name}")
            if recoded:
                rules = " ".join(f"{var.numeric[code]}={letter}" for code, letter in recoded)
                inside.append(f"mvdecode {var.name}, mv({rules})")
        else:
            lines.append("")
        # a column the file does not have (an optional one) is passed over, not an error
        lines += [f"capture confirm variable {var.name}", "if !_rc {"]
        lines += [f"    {line}" for line in inside] + ["}"]
    return "\n".join(lines) + "\n"


#: The label file each format names, and the function that writes its text.
FORMATS = {"sps": spss_syntax, "do": stata_do}


def write_labels(period: str, fmt: str, path: Path | str) -> Path:
    """Write the SPSS (``fmt="sps"``) or Stata (``fmt="do"``) label file of ``period``.

    Raises
    ------
    ValueError
        An unknown period or format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown label file format {fmt!r}; choose {' or '.join(FORMATS)}")
    return write_text(path, FORMATS[fmt](period, Path(path).name))
