"""How outputs name the data that made them (imported by drawing code too, so kept light)."""

#: The label of the shipped synthetic data, stamped on every table and figure made from it.
SYNTHETIC_LABEL = "SYNTHETIC DATA"
