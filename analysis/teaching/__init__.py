"""Teaching: exercise helpers and friendly self-checks for trainees (synthetic data only).

May import: ``casedata``, ``stats``, ``charts``, ``publish``.
"""
