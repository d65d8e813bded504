"""The seeded generator of the shipped synthetic cases and the figures it is calibrated to.

Other rooms learn what was calibrated (and what was held out) through
:func:`calibration_figure_ids`, :func:`held_out_figure_ids` and :func:`calibration_basis`,
never by reading the generator's internals.
May import: ``casedata``, ``stats``, ``reference``.
"""

from analysis.synthetic.calibration import (
    calibration_basis,
    calibration_figure_ids,
    held_out_figure_ids,
)

__all__ = ["calibration_basis", "calibration_figure_ids", "held_out_figure_ids"]
