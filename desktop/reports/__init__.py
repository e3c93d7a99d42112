"""Outcome reports in Qt: the before/after chart and the executive summary PDF."""
