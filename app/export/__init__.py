"""Share and export: a run as a link, a reproducing NumPy script, a notebook, its weights and its log."""
