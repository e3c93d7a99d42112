"""Visit outcomes: what happened at each planned stop, and unplanned contacts."""
