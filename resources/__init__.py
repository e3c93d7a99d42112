"""Data files: demo-data seeds, icons, styles (read with importlib.resources)."""
