"""Children aged 0 to 17 in each English region (``data/context/population_by_region.csv``).

ONS mid-year estimates as DfE holds them, transcribed with their provenance: one estimate for
each review period, its middle year's (DfE applies mid-year N to the year ending 31 March
N+1, so mid-2012 to 2012-13, the middle year of 2011-14). Regions are named as ONS names
them, which are also the codebook's labels of the ``region`` codes; matching the two is the
chapters' job (this room reads files only).

Examples
--------
>>> population = region_population("2011-14")
>>> len(population), population["value"].sum()
(9, np.int64(11403970))
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from analysis.paths import CONTEXT_DIR

FILE = "population_by_region.csv"
#: The mid-year estimate set beside each review period: its middle financial year's.
PERIOD_ESTIMATES = {"2011-14": "mid-2012", "2014-17": "mid-2015"}


@cache
def _read() -> pd.DataFrame:
    return pd.read_csv(CONTEXT_DIR / FILE, encoding="utf-8")


def load_population_by_region() -> pd.DataFrame:
    """Every row of the file, as transcribed (columns of ``population.csv``)."""
    return _read().copy()


def region_population(period: str) -> pd.DataFrame:
    """The nine regions' children aged 0 to 17 in the estimate set beside ``period``.

    Parameters
    ----------
    period : str
        A review period with an estimate (:data:`PERIOD_ESTIMATES`).

    Returns
    -------
    DataFrame
        ``geography`` (the ONS name), ``value`` (children aged 0 to 17), ``period_label``
        ("mid-2012"), ``source_id``, ``source``.

    Raises
    ------
    KeyError
        No estimate is set beside the period.
    """
    label = PERIOD_ESTIMATES[period]
    table = _read()
    rows = table[table["period_label"] == label]
    return rows[["geography", "value", "period_label", "source_id", "source"]].reset_index(
        drop=True
    )
