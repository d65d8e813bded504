"""Reproduction kit for England's national analyses of Serious Case Reviews (SCRs).

Load coded case data (``load_cases``), check it against the codebook (``check_file``), and
compute the triennial report's statistics, intervals, tests, rates and figures.
"""

from importlib.metadata import version

from analysis.casedata.codebook import load_codebook
from analysis.casedata.load import check_file, dataset_label, is_synthetic, load_cases
from analysis.errors import CaseDataError, InvalidCaseDataError, UnreadableFileError
from analysis.stats.inference import Rate, rate

__all__ = [
    "CaseDataError",
    "InvalidCaseDataError",
    "Rate",
    "UnreadableFileError",
    "check_file",
    "dataset_label",
    "is_synthetic",
    "load_cases",
    "load_codebook",
    "rate",
]
__version__ = version("scr-analysis")
