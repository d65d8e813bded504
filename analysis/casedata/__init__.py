"""Case data: from a researcher's file to validated, typed cases.

The codebook (``codebook/*.yaml``, one per review period), reading CSV, Excel, SPSS and Stata,
the schema and named cross-field rules, ``load_cases`` and the data dictionary.
May import: ``analysis.paths``, ``analysis.errors``. Nothing else in the package.
"""
