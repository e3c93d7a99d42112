"""The Team page: staff, certifications, weekly patterns, exceptions, and the programs."""
