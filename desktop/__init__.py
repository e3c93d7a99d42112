"""The PySide6 desktop app, printing, and the `rounds` command line (Qt loaded lazily)."""
