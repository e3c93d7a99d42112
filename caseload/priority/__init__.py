"""Who must be seen: the priority rules, the ranking engine and the ranking service."""
