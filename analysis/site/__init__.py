"""The static HTML report of a run: the builder, its Jinja templates and stylesheet.

May import: ``publish`` and below. Nothing below imports it.
"""
