"""All drawing: the one house style, generic and chapter charts, alt text from the plotted
data, and deterministic saving (PNG and SVG). The only room that imports matplotlib or seaborn.

May import: ``analysis.paths`` and the data labels of ``casedata``; nothing above.
"""
