"""One module per chapter of the report: the numbers each notebook shows (no drawing; the
charts room draws them).

May import: ``casedata``, ``reference``, ``stats``, ``synthetic`` (its public functions only).
"""
