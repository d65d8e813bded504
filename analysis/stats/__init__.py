"""The report's statistics: registered measures, tidy tables with intervals, inference (tests,
models, rates) and comparison with published statements. Numbers only: no drawing, no files.

May import: ``casedata``.
"""
