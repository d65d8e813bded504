"""A run's outputs: where they go, how they are stamped, and disclosure control on own data.

May import: ``casedata``, ``stats``, ``charts``.
"""
