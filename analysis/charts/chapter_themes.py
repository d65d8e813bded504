"""Subtitle and alt text of the practice themes figure (notebook 05), from the plotted table."""

from __future__ import annotations

import pandas as pd

from analysis.charts.alt import percent_list
from analysis.charts.gaps import counted


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


def themes_subtitle(themes: pd.DataFrame, *, synthetic: bool) -> str:
    """Subtitle of the practice themes bars: why the rates are illustrative, and their base.

    Parameters
    ----------
    themes : DataFrame
        The plotted table, protected: the number of reviews with a final report is its first
        ``denominator_count``, which on own data may be withheld ("[c] suppressed").
    synthetic : bool
        Whether the data are synthetic (the rates are then invented too).
    """
    invented = "invented for the synthetic data (assumption S10); " if synthetic else ""
    base = counted(themes, "denominator_count", "reviews with a final report")
    return (
        f"Rates are illustrative: {invented}no source publishes a rate for any theme. "
        f"Share of {base}, 2011-14, with 95% intervals"
    )
