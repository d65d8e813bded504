"""A chart with everything saved beside it: the figure, its plotted data, alt text and source.

Each chapter's figure function (``analysis.charts.chapter_*``) returns one, built from the
protected table it draws, so a notebook shows a figure in one call
(``run.figure(age_bands_chart(ages), "02_age_bands")``) and its title, alt text and source line
are written beside the drawing, not in notebook cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure


@dataclass
class Chart:
    """A figure and what is saved beside it.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
        The drawn figure, in the house style, not yet stamped.
    data : pandas.DataFrame
        The plotted values, saved as CSV beside the figure.
    alt_text : str
        Alt text computed from ``data``.
    source_note : str or None
        The source line printed under the figure.
    why_not_drawn : str
        Set where there is nothing to draw (``fig`` is None; on own data, every value
        withheld): the sentence ``Run.figure`` shows and writes in the figure's place.
    """

    fig: Figure | None
    data: pd.DataFrame
    alt_text: str
    source_note: str | None = None
    why_not_drawn: str = ""

    @classmethod
    def not_drawn(cls, why: str) -> Chart:
        """A chart with nothing to draw, and the sentence that says why."""
        return cls(None, pd.DataFrame(), "", why_not_drawn=why)
