"""Coding reviews into the codebook (issue 15): the coding workbook, label files for SPSS and
Stata, and agreement between two coders of the same reviews.

A room of its own: it may use ``casedata`` (the codebook, reading and checking files), ``paths``
and ``errors``, and nothing above them.
"""
