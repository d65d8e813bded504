"""Reproduction kit for England's national analyses of Serious Case Reviews (SCRs).

Load coded case data (``load_cases``), check it against the codebook (``check_file``), and
compute the triennial report's statistics, intervals, tests, rates and figures.

The names below load on first use (PEP 562), so ``python -m analysis --help`` or a notebook
that needs only ``load_cases`` does not pay for statsmodels and pandera at import.
"""

from importlib import import_module
from importlib.metadata import version

_WHERE = {
    "load_codebook": "analysis.casedata.codebook",
    "check_file": "analysis.casedata.load",
    "dataset_label": "analysis.casedata.load",
    "is_synthetic": "analysis.casedata.load",
    "load_cases": "analysis.casedata.load",
    "CaseDataError": "analysis.errors",
    "InvalidCaseDataError": "analysis.errors",
    "UnreadableFileError": "analysis.errors",
    "Rate": "analysis.stats.inference",
    "rate": "analysis.stats.inference",
}

__all__ = sorted(_WHERE)
__version__ = version("scr-analysis")


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
