"""Running the notebooks: the parallel runner, its cache and progress.

May import: ``publish`` and below. Nothing below imports it.
"""
