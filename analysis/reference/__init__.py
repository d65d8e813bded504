"""Reference data: published figures (``data/published/``) and public context statistics
(``data/context/``), each with its source.

May import: ``analysis.paths``.
"""
