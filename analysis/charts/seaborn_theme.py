"""seaborn in the house style, for charts drawn with seaborn rather than the kit's plots.

seaborn is imported here, inside the function, and nowhere else at import time: it brings
scipy.stats and pyplot (over a second), which a chapter that never draws with seaborn should
not pay for.
"""

from __future__ import annotations

from analysis.charts.style import MAX_COLOURS, PALETTE, RC_PARAMS


def house_theme() -> None:
    """Set seaborn's theme to the house style for the rest of the session.

    seaborn's white style (no grid, no box), then every house setting on top (fonts, sizes,
    colours, deterministic SVG), and the Analysis Function palette as its colour cycle. Figures
    made on :func:`analysis.charts.new_figure` and saved through ``run.figure`` then look like
    the kit's own.
    """
    import seaborn as sns

    sns.set_theme(style="white", palette=list(PALETTE[:MAX_COLOURS]), rc=RC_PARAMS)
