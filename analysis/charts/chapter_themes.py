"""The practice themes figure (notebook 05), with its title, subtitle and alt text from the
plotted table."""

from __future__ import annotations

import pandas as pd

from analysis.charts.alt import percent_list
from analysis.charts.bars import bar_percent
from analysis.charts.chart import Chart
from analysis.charts.gaps import counted


def practice_themes(themes: pd.DataFrame, *, synthetic: bool) -> Chart:
    """Figure ``05_practice_themes``: how often each theme was coded, an illustration of the
    method (on synthetic data the rates are invented, and the title says so).

    Parameters
    ----------
    themes : DataFrame
        :func:`analysis.chapters.themes.theme_table`, as ``run.table`` returned it.
    synthetic : bool
        Whether the data are the shipped synthetic data (``Run.synthetic``).
    """
    title = (
        "Practice themes coded in final reports: how the count works, not what it found"
        if synthetic
        else "How often each practice theme was coded in reviews with a final report"
    )
    fig = bar_percent(
        themes,
        "label",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title=title,
        subtitle=themes_subtitle(themes, synthetic=synthetic),
    )
    source = "Source: coded case data; messages from a blog summary of the report (11 July 2016)"
    if _named_only(themes):
        source += "; the last themes named in the 2014-17 briefing slides (Research in Practice)"
    return Chart(fig, themes, themes_alt_text(themes, synthetic=synthetic), source + ".")


def _named_only(themes: pd.DataFrame) -> bool:
    """Whether the table holds themes named in the 2014-17 briefings, with no wording seen."""
    return bool(themes.get("named_without_wording", pd.Series(dtype=bool)).any())


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
        f"with each of {len(themes)} practice themes, with 95% intervals: "
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
    assumptions = "assumptions S10 and S29" if _named_only(themes) else "assumption S10"
    invented = f"invented for the synthetic data ({assumptions}); " if synthetic else ""
    base = counted(themes, "denominator_count", "reviews with a final report")
    return (
        f"Rates are illustrative: {invented}no source publishes a rate for any theme. "
        f"Share of {base}, 2011-14, with 95% intervals"
    )
