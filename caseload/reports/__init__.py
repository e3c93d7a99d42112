"""Outcome reports: process, outcome, balancing and cost measures for a date range.

`data` loads plain read rows (one loader), `measures` computes each measure as a pure function
over them, `deidentify` makes the evaluators' client-level rows, `service` puts a report
together and `files` writes its CSVs.
"""
