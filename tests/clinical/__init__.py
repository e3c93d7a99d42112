"""Named clinical scenarios: a small day built in code, its expected outcome in words, asserted."""
