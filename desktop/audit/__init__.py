"""The audit log viewer (supervisors and administrators)."""
