"""The notebook front ends: the magics, the live table and the panel (the IPython and ipywidgets skin)."""
