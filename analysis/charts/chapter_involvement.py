"""Title and alt text of the social care involvement chapter's figures (notebook 03).

The figures are generic bars (:mod:`analysis.charts.bars`) of tables from
:func:`analysis.stats.tables.involvement_now_vs_ever`; here they are only described, from the
plotted table, so a share withheld by disclosure control reads "[c] suppressed".
"""

from __future__ import annotations

import pandas as pd

from analysis.charts.alt import range_text, withheld_text
from analysis.charts.gaps import number_words, shares_by


def involvement_title(headline: pd.DataFrame) -> str:
    """A title stating the shares involved at the time and ever, as computed.

    Parameters
    ----------
    headline : DataFrame
        The plotted table (``measure`` ``now``, ``ever``, ``closed_gap``; ``percent``),
        protected. A withheld share is named "[c] suppressed", never described ("fewer than
        half" would bound it).

    >>> t = pd.DataFrame({"measure": ["now", "ever"], "percent": [45.0, None],
    ...                   "count_marker": ["", "c"]})
    >>> involvement_title(t)
    "Involved with children's social care at the time of the incident: 45%; ever: [c] suppressed"
    """
    share = shares_by(headline, "measure")
    return (
        f"Involved with children's social care at the time of the incident: {share['now']}; "
        f"ever: {share['ever']}"
    )


def involvement_alt_text(headline: pd.DataFrame) -> str:
    """Alt text of the three involvement shares (at the time, ever, ever but not at the time).

    >>> t = pd.DataFrame({"measure": ["now", "ever", "closed_gap"],
    ...                   "percent": [None, 66.7, None], "count_marker": ["c", "", "c"]})
    >>> print(involvement_alt_text(t))  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    Horizontal bar chart ... incident [c] suppressed, ever involved 67%, and ever involved but
    not at the time [c] suppressed, each with a 95% interval; a dashed line marks half.
    """
    share = shares_by(headline, "measure")
    return (
        "Horizontal bar chart of three shares of children in serious case reviews 2011-14: "
        f"involved with children's social care at the time of the incident {share['now']}, "
        f"ever involved {share['ever']}, and ever involved but not at the time "
        f"{share['closed_gap']}, each with a 95% interval; a dashed line marks half."
    )


def involvement_by_age_alt_text(by_age: pd.DataFrame) -> str:
    """Alt text of the involvement shares by age band: the range at the time and ever.

    ``by_age`` is :func:`analysis.stats.tables.involvement_now_vs_ever` by ``age_band``.
    """
    drawn = by_age[by_age["measure"].isin(["now", "ever"])]
    now = drawn[drawn["measure"] == "now"].assign(label=lambda t: t["age_band_label"])
    ever = drawn[drawn["measure"] == "ever"].assign(label=lambda t: t["age_band_label"])
    return (
        "Grouped horizontal bar chart of the share of children involved with children's social "
        f"care, for each of {number_words(now['age_band_label'].nunique())} age bands: at the "
        f"time of the incident {range_text(now)}; ever {range_text(ever)}." + withheld_text(drawn)
    )
