"""Importing tables (CSV/XLSX): one pipeline of read, validate, write in one transaction."""
