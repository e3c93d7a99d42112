"""The caseload domain: clients, programs, events, visits, staff, shifts, plans; persistence,
priority, day planning, import/export, geocoding, rebalancing, audit. No Qt here."""
