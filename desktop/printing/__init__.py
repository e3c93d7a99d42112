"""Printing crew route sheets: PDF files, print preview and the system printer."""
