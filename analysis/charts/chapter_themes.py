"""Alt text of the practice themes figure (notebook 05), built from the plotted table."""

from __future__ import annotations

import pandas as pd

from analysis.charts.alt import percent_list


def themes_alt_text(themes: pd.DataFrame, *, synthetic: bool) -> str:
    """Alt text of the practice themes bars: each theme's share, and why rates are illustrative.

    Parameters
    ----------
    themes : DataFrame
        The plotted table (:func:`analysis.chapters.themes.theme_table`).
    synthetic : bool
        Whether the data are synthetic (``Run.synthetic``): the rates are then invented too.
    """
    return (
        "Horizontal bar chart of the share of reviews with a final report, 2011-14, coded "
        "with each of six practice themes, with 95% intervals: "
        + percent_list(themes)
        + ". The rates are illustrative: no source publishes a rate for any theme"
        + (", and these are invented for the synthetic data." if synthetic else ".")
    )
