"""What a drawn figure carries, for checks that must not import matplotlib themselves.

The teaching self-checks (``analysis.teaching.checks``) ask these questions of a learner's
figure; the answers depend on artist ids only the charts room sets.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from analysis.charts.style import GID_STAMP, GID_WHISKERS


def is_figure(obj) -> bool:
    """Whether ``obj`` is a matplotlib figure (as every plot function returns)."""
    return isinstance(obj, Figure)


def figure_stamps(fig: Figure) -> list[str]:
    """The text of the data stamps :func:`analysis.charts.save.stamp_figure` put on a figure."""
    return [t.get_text() for t in fig.texts if t.get_gid() == GID_STAMP]


def has_interval_whiskers(fig: Figure) -> bool:
    """Whether any axes of the figure draws interval whiskers: the kit's plots (tagged), or
    matplotlib's ``ax.errorbar`` (as on a seaborn chart)."""
    from matplotlib.container import ErrorbarContainer

    return any(a.get_gid() == GID_WHISKERS for ax in fig.axes for a in ax.get_children()) or any(
        isinstance(c, ErrorbarContainer) for ax in fig.axes for c in ax.containers
    )
