"""Source lines a reader can cite: the publications behind published figures, in words.

A figure's source line names publications ("Sidebotham et al. (2016), via NSPCC news"), never a
folder, a file or a register id; the figure's data file keeps the ids for tracing. The words for
each analysis are in ``citations.yaml`` beside this module; a figure read in a third party's
summary (``source_kind`` ``secondary_summary`` or ``press_release``), or in a slide deck presenting
the analysis (``presentation``), is cited "via" the publisher of that summary or deck, the part of
its ``source_title`` before a colon.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from analysis.content import read_yaml
from analysis.reference.published import figure

CITATIONS_FILE = Path(__file__).with_name("citations.yaml")
#: Source kinds read in someone else's words (a deck's, too: slides shorten): cited "via" their
#: publisher.
VIA_KINDS = {"secondary_summary", "press_release", "presentation"}


@cache
def citations() -> dict[str, str]:
    """The register's ``report`` names and how each is cited."""
    return read_yaml(CITATIONS_FILE)


def publisher(source_title: str) -> str:
    """Who published a summary: its title up to a colon, without a trailing parenthesis.

    >>> publisher("Warrington LSCB: Parental factors - the toxic trio")
    'Warrington LSCB'
    >>> publisher("careappointments (CYP Now): Sharp fall in serious case reviews")
    'careappointments'
    """
    name = str(source_title).split(":")[0]
    return re.sub(r"\s*\(.*\)\s*$", "", name).strip()


def cite(*figure_ids: str) -> str:
    """The publications behind published figures, each once, in the order first named.

    >>> cite("p2011_final_reports", "p2011_parent_alcohol")
    'Sidebotham et al. (2016), via Warrington LSCB'
    >>> cite("p2009_neglect_feature", "p2014_neglect_feature")
    'Brandon et al. (2013), Neglect and serious case reviews, via NSPCC; Brandon, Sidebotham et al. (2020), via Research in Practice'
    """  # noqa: E501
    parts = []
    for figure_id in figure_ids:
        row = figure(figure_id)
        words = citations().get(row["report"], row["report"])
        if row["source_kind"] in VIA_KINDS:
            words += f", via {publisher(row['source_title'])}"
        if words not in parts:
            parts.append(words)
    return "; ".join(parts)
