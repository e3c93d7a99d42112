"""Seed lists for the demo program (see README.md in this folder for where each comes from)."""
