"""Persistence: the database, its migrations and the ORM models (never leave caseload)."""
